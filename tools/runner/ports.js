// The demo's ports: defaults, the DEMO_PORT_<NAME> variables that move them, and a check that each is free.
const net = require('node:net');
const { StartUpError } = require('./start-up-error');

const DEFAULT_PORTS = {
  gateway: 3000,
  'crm-service': 3101,
  'meta-ads-service': 3102,
  'marketing-service': 3103,
  'automation-service': 3104,
  sandbox: 4100,
  postgres: 54329,
};

/** `crm-service` → `DEMO_PORT_CRM_SERVICE`. */
function portVariable(name) {
  return `DEMO_PORT_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** Every port of the demo, each moved by its DEMO_PORT_<NAME> variable; throws a StartUpError on a bad value. */
function demoPorts(env = process.env) {
  const ports = {};
  for (const [name, fallback] of Object.entries(DEFAULT_PORTS)) {
    const variable = portVariable(name);
    const raw = env[variable];
    if (raw === undefined || raw === '') {
      ports[name] = fallback;
      continue;
    }
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
      throw new StartUpError(`${variable} must be a port number between 1 and 65535, got "${raw}"`);
    }
    ports[name] = port;
  }
  const seen = new Map();
  for (const [name, port] of Object.entries(ports)) {
    if (seen.has(port)) {
      throw new StartUpError(
        `${seen.get(port)} and ${name} would both use port ${port}: give one of them another port with ` +
          `${portVariable(name)}`,
      );
    }
    seen.set(port, name);
  }
  return ports;
}

/** One line naming every busy port and the variable that moves it; `busy` is a list of process names. */
function busyPortsMessage(busy, ports) {
  const listed = busy.map((name) => `${ports[name]} (${name})`).join(', ');
  const variables = busy.map(portVariable).join(', ');
  return busy.length === 1
    ? `port ${listed} is already in use: stop what uses it or set ${variables} to a free port`
    : `ports ${listed} are already in use: stop what uses them or set ${variables} to free ports`;
}

/** Why 127.0.0.1:port cannot be listened on (`EADDRINUSE`, `EACCES`…), or null when it is free. */
function portProblem(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code ?? 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** Throws one StartUpError naming every port (among `names`) that cannot be used. */
async function assertPortsFree(ports, names = Object.keys(ports)) {
  const busy = [];
  for (const name of names) {
    const problem = await portProblem(ports[name]);
    if (problem === 'EACCES') {
      throw new StartUpError(
        `port ${ports[name]} (${name}) needs root: set ${portVariable(name)} to a port above 1023`,
      );
    }
    if (problem) busy.push(name);
  }
  if (busy.length > 0) throw new StartUpError(busyPortsMessage(busy, ports));
}

module.exports = { DEFAULT_PORTS, portVariable, demoPorts, busyPortsMessage, portProblem, assertPortsFree };
