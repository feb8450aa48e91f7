#!/usr/bin/env node
// The `dossier` command: runs the TypeScript CLI through tsx's require hook.
require('tsx/cjs');
require('../client/cli.ts');
