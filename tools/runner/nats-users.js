// The per-service NATS users of infra/nats/users.conf (written by `npm run nats:config`), with fresh random passwords
// for a nats-server this runner starts: `serverEnv` goes to nats-server, `credentials[service]` to the service.
const { randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const NATS_AUTH_CONFIG = join(__dirname, '../../infra/nats/nats-server-auth.conf');
const USERS_CONF = join(__dirname, '../../infra/nats/users.conf');

function natsUsers() {
  const text = readFileSync(USERS_CONF, 'utf8');
  const serverEnv = {};
  const credentials = {};
  for (const [, user, variable] of text.matchAll(/user: "([^"]+)"\s*\n\s*password: \$(\w+)/g)) {
    // A letter first: nats-server reads a variable's value that starts with a digit or '-' as a number and refuses
    // to start ("Expected a digit but got 'J'"), one run in a few dozen.
    const password = `p${randomBytes(24).toString('base64url')}`;
    serverEnv[variable] = password;
    credentials[user] = { NATS_USER: user, NATS_PASSWORD: password };
  }
  if (Object.keys(credentials).length === 0) throw new Error(`no NATS users in ${USERS_CONF}`);
  return { serverEnv, credentials };
}

module.exports = { NATS_AUTH_CONFIG, natsUsers };
