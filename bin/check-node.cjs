// Runs before `npm ci` / `npm install` and from bin/helpdesk: fail at once on an old Node.
'use strict';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  console.error(`helpdesk needs Node.js >= 22.22 (this is ${process.version}). Install Node 22, e.g. \`npm install --prefix ~/.cache/node22 node@22\` and put ~/.cache/node22/node_modules/.bin first on PATH.`);
  process.exit(1);
}
