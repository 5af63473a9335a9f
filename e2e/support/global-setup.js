// Playwright transforms TypeScript with Babel, which cannot parse the parameter decorators our libs use;
// the harness is TypeScript run through SWC, like every other backend process.
require('@swc-node/register');
module.exports = require('./global-setup.ts').default;
