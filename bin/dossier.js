#!/usr/bin/env node
// The `dossier` command. Runs the compiled CLI (dist/cli.js, built by `npm install`) when it is
// current; otherwise the TypeScript sources through tsx, so an edited checkout never runs a stale
// build (it only starts slower until `npm run build:cli`).
const { compiledIsCurrent } = require('./compiled-cli');

if (process.env.DOSSIER_CLI_FROM_SOURCE !== '1' && compiledIsCurrent()) {
  require('../dist/cli.js');
} else {
  // tsx's whole loader (as `node --import tsx`), not `tsx/cjs` alone: commands load heavy modules
  // with `import()` (audit, statement PDFs), which the CommonJS hook does not resolve.
  import('tsx').then(() => require('../client/cli.ts'));
}
