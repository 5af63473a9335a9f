// Stops the system under test: its process stops every service, the sandbox, NATS and drops the database.
module.exports = async function globalTeardown() {
  const child = globalThis.__crmE2eSystem;
  if (!child || child.exitCode !== null) return;
  await new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
};
