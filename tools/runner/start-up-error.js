// Start-up failures as one line that says what to do, never a stack trace.

/** An expected failure: its message is the whole line shown to the user. */
class StartUpError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StartUpError';
  }
}

/** A process of the stack that exited, or never answered its health URL, while the stack was starting. */
class ServiceStartError extends Error {
  constructor({ service, exitCode = null, signal = null, url = null, timeoutMs = null }) {
    super(
      url
        ? `${service} did not become healthy at ${url} within ${timeoutMs} ms`
        : `${service} exited during start (${signal ? `signal ${signal}` : `code ${exitCode}`})`,
    );
    this.name = 'ServiceStartError';
    this.service = service;
    this.exitCode = exitCode;
    this.signal = signal;
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The one line for an expected failure, or null for an unexpected one (the caller then keeps its stack in a
 * log file). `logFor(name)` is where the output of a started process is kept.
 */
function describeFailure(error, { logFor = () => null } = {}) {
  if (!(error instanceof Error)) return null;
  if (error instanceof StartUpError) return error.message;
  if (error instanceof ServiceStartError) {
    const log = logFor(error.service);
    const where = log ? `its output is above and in ${log}` : 'its output is above';
    return error.url
      ? `${error.service} did not answer ${error.url} within ${error.timeoutMs / 1000} s: ${where}`
      : `${error.message}: ${where}`;
  }
  if (error.code === 'ENOSPC')
    return `the disk is full (${error.path ?? error.message}): free some space and try again`;
  if ((error.code === 'EACCES' || error.code === 'EPERM') && error.path) {
    return `permission denied: ${error.syscall ?? 'access'} ${error.path}: run the demo as the user who owns this clone`;
  }
  return null;
}

/** The line for an unexpected error: its first line, and where its full detail was written. */
function unexpectedFailureLine(error, logFile) {
  const first = String(error instanceof Error ? error.message : error)
    .split('\n')[0]
    .slice(0, 300);
  return `unexpected error: ${first || 'unknown'}${logFile ? ` (details in ${logFile})` : ''}`;
}

module.exports = { StartUpError, ServiceStartError, describeFailure, unexpectedFailureLine };
