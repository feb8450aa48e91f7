// The compiled CLI (dist/cli.js): the same program as the sources, used only while it is current.
import { execFileSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compiledIsCurrent } = require('../../bin/compiled-cli.js') as { compiledIsCurrent(root?: string): boolean };

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'dossier.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });

describe('compiled CLI', () => {
  it('prints the same help as the TypeScript sources, for the program and a subcommand', () => {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')]);
    expect(compiledIsCurrent()).toBe(true);
    for (const args of [['--help'], ['engagement', 'show', '--help'], ['audit', '--help']]) {
      expect(run(args)).toBe(run(args, { DOSSIER_CLI_FROM_SOURCE: '1' }));
    }
  });

  it('is not used once a source file changed after the build', () => {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')]);
    const source = join(PROJECT_ROOT, 'client', 'output.ts');
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(Date.now() + 60_000));
      expect(compiledIsCurrent()).toBe(false);
    } finally {
      utimesSync(source, atime, mtime);
    }
    // Rebuilt, it is current again (and the run's later CLI tests use it).
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')]);
    expect(compiledIsCurrent()).toBe(true);
  });
});
