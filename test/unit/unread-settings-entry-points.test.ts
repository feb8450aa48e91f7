// Every entry point names a misspelt DOSSIER_* variable as `npm start` and `npm run worker` do: the
// intake and the workspace as processes of their own (each stops at a refused setting right after),
// the CLI in its officer's language on stderr, where `--json` output is not disturbed.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../client/cli';
import { PROJECT_ROOT } from '../../paths';

/** Runs `npm run <script>`'s entry point with `extra` in its environment, until it exits. */
function run(entry: string, extra: NodeJS.ProcessEnv): { stdout: string; stderr: string; status: number | null } {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DOSSIER_DATA_DIR: join(PROJECT_ROOT, 'test-output', 'unread-settings-entry-points'), ...extra };
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, entry)], { env, encoding: 'utf8', timeout: 60_000, cwd: PROJECT_ROOT });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

afterEach(() => vi.restoreAllMocks());

describe('a misspelt DOSSIER_* variable at every entry point', () => {
  it('is named by `npm run intake`, with the setting it most likely meant', () => {
    const { stderr, status } = run('intake/main.ts', { DOSSIER_INTAKE_METRICS_ADRESS: '127.0.0.1:9465', DOSSIER_IMAP_URL: 'not a url' });
    expect(status).toBe(1);
    expect(stderr).toContain('Warning: DOSSIER_INTAKE_METRICS_ADRESS is set, but no part of Dossier reads it, so it changes nothing: did you mean DOSSIER_INTAKE_METRICS_ADDRESS?');
  });

  it('is named by `npm run web`, with the setting it most likely meant', () => {
    const { stderr, status } = run('web/main.ts', { DOSSIER_SESION_HOURS: '4', DOSSIER_WEB_PORT: 'not a port' });
    expect(status).toBe(1);
    expect(stderr).toContain('Warning: DOSSIER_SESION_HOURS is set, but no part of Dossier reads it, so it changes nothing: did you mean DOSSIER_SESSION_HOURS?');
  });

  it('is named by the CLI on stderr, in the officer’s language, leaving stdout to the --json output', async () => {
    const stderr: string[] = [];
    const stdout: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    await runCli(['--lang', 'fr', '--json', '--help'], { ...process.env, DOSSIER_OFICER: 'Jeanne' });
    expect(stderr.join('')).toContain('DOSSIER_OFICER');
    expect(stderr.join('')).toContain('DOSSIER_OFFICER\u202f?');
    expect(stdout.join('')).not.toContain('DOSSIER_OFICER');
  });
});

describe('the intake’s metrics endpoint', () => {
  it('is said to be off when DOSSIER_INTAKE_METRICS_ADDRESS is unset, as the worker says of its own', async () => {
    const { intakeMetricsLine } = await import('../../intake/config');
    expect(intakeMetricsLine(undefined)).toBe('Intake metrics       off (set DOSSIER_INTAKE_METRICS_ADDRESS, e.g. 0.0.0.0:9465, to serve /metrics)');
    expect(intakeMetricsLine('127.0.0.1:9465')).toBe('Intake metrics       http://127.0.0.1:9465/metrics');
  });

  it('suggests the intake’s own port, not the worker’s, when DOSSIER_INTAKE_METRICS_ADDRESS is refused', () => {
    const { stderr, status } = run('intake/main.ts', { DOSSIER_INTAKE_METRICS_ADDRESS: 'localhost:9465' });
    expect(status).toBe(1);
    expect(stderr).toContain('DOSSIER_INTAKE_METRICS_ADDRESS: "localhost:9465" must name an IP address of this host, not a host name, e.g. 127.0.0.1:9465 or 0.0.0.0:9465');
    expect(run('intake/main.ts', { DOSSIER_INTAKE_METRICS_ADDRESS: 'nope' }).stderr).toContain('must be host:port, e.g. 127.0.0.1:9465');
  });

  it('suggests the intake’s own port when the one DOSSIER_INTAKE_METRICS_ADDRESS names is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const { stderr, status } = run('intake/main.ts', { DOSSIER_INTAKE_METRICS_ADDRESS: `127.0.0.1:${port}` });
      expect(status).toBe(1);
      expect(stderr).toContain(`DOSSIER_INTAKE_METRICS_ADDRESS: cannot serve metrics on 127.0.0.1:${port}`);
      expect(stderr).toContain('e.g. 0.0.0.0:9465,');
    } finally {
      holder.close();
    }
  });
});
