// The compiled CLI (dist/cli.js): the same program as the sources, used only while it is current.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    // French too: the compiled CLI holds templates/cli.yaml as parsed at build time.
    for (const args of [['--help'], ['engagement', 'show', '--help'], ['audit', '--help'], ['--lang', 'fr', '--help'], ['--lang', 'fr', 'audit', '--help']]) {
      expect(run(args)).toBe(run(args, { DOSSIER_CLI_FROM_SOURCE: '1' }));
    }
  });

  it('answers --help, in English or French, without loading the workflow SDK, zod, Handlebars, pdf-lib or a YAML parser', () => {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')]);
    const folder = mkdtempSync(join(tmpdir(), 'dossier-cli-loads-'));
    try {
      // Preloaded into the CLI's process: lists every module it loaded, as it exits.
      const hook = join(folder, 'list-loaded.cjs');
      writeFileSync(hook, "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
      const loaded = (args: string[]) => {
        const result = spawnSync(process.execPath, ['--require', hook, join(PROJECT_ROOT, 'bin', 'dossier.js'), ...args], { encoding: 'utf8' });
        expect(result.status).toBe(0);
        return JSON.parse(/^LOADED (.*)$/m.exec(result.stderr)![1]) as string[];
      };
      const packages = (files: string[]) => new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean));
      for (const args of [['--help'], ['--lang', 'fr', '--help']]) {
        const atHelp = packages(loaded(args));
        expect(atHelp.has('commander')).toBe(true);
        for (const heavy of ['@temporalio/workflow', '@temporalio/client', 'zod', 'handlebars', 'pdf-lib', '@pdf-lib/fontkit', 'yaml']) expect(atHelp.has(heavy), `${heavy} at ${args.join(' ')}`).toBe(false);
      }
      // The hook does see packages as they load: checking a campaign file loads zod (refused before any connection).
      const badFile = join(folder, 'bad.yaml');
      writeFileSync(badFile, 'id: NOT AN ID\n');
      const started = spawnSync(process.execPath, ['--require', hook, join(PROJECT_ROOT, 'bin', 'dossier.js'), 'campaign', 'start', '--file', badFile], {
        encoding: 'utf8',
        env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      });
      expect(started.stderr).toMatch(/must be lowercase letters/);
      expect(packages(JSON.parse(/^LOADED (.*)$/m.exec(started.stderr)![1]) as string[]).has('zod')).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs from the sources a command that loads its modules on demand (audit)', () => {
    // The audit export loads its modules with import(); the sources must resolve them as the build does.
    // No master key in an empty data folder: the refusal comes once those modules are loaded.
    const folder = mkdtempSync(join(tmpdir(), 'dossier-cli-source-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DOSSIER_CLI_FROM_SOURCE: '1', TEMPORAL_ADDRESS: '127.0.0.1:1', DOSSIER_DATA_DIR: folder };
    for (const name of ['DOSSIER_MASTER_KEYS', 'DOSSIER_MASTER_KEYS_FILE', 'DATABASE_URL', 'DATABASE_URL_FILE']) delete env[name];
    try {
      const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'dossier.js'), 'audit', 'some-campaign', '--out', join(folder, 'a.csv')], {
        encoding: 'utf8',
        env,
      });
      expect(result.stderr).not.toMatch(/Cannot find module/);
      expect(result.stderr).toMatch(/master key/i);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is not used once a source file changed after the build', () => {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')]);
    // templates/cli.yaml too: the build holds its sentences.
    for (const source of [join(PROJECT_ROOT, 'client', 'output.ts'), join(PROJECT_ROOT, 'templates', 'cli.yaml')]) {
      const { atime, mtime } = statSync(source);
      try {
        utimesSync(source, atime, new Date(Date.now() + 60_000));
        expect(compiledIsCurrent(), source).toBe(false);
      } finally {
        utimesSync(source, atime, mtime);
      }
    }
    // Rebuilt, it is current again (and the run's later CLI tests use it).
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')]);
    expect(compiledIsCurrent()).toBe(true);
  });
});
