// `npm run worker`, `npm run intake` and `npm run web` as a process manager runs them on a host of a
// cluster: it signals the process it started (npm) and no other (docker stop on a container's first
// process, systemd with KillMode=process, supervisord). SIGTERM must reach the Dossier process under
// npm, which drains and exits, and npm must wait for it: a process left running after npm has gone
// is one the manager no longer knows about, polling beside the one it starts next.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { freePort } from '../../infra/ports';
import { PROJECT_ROOT } from '../../paths';
import { until } from '../helpers/until';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-npm-signals-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Whether any process is left in the process group `pgid`. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runScript(script: string, ready: string, variables: NodeJS.ProcessEnv): Promise<{ npmExit: number | null; leftRunning: boolean; output: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOSSIER_DATA_DIR: join(scratch, script),
    // No client configuration profile of the machine's own is read.
    TEMPORAL_CONFIG_FILE: join(scratch, 'absent.toml'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    DOSSIER_MASTER_KEYS: generateMasterKeySpec('s1'),
    ...variables,
  };
  // A process group of its own, so that what npm leaves behind can be found, and killed at the end.
  const npm = spawn('npm', ['run', '-s', script], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = npm.pid!;
  let output = '';
  for (const stream of [npm.stdout!, npm.stderr!]) stream.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000)));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  try {
    await until(async () => output, (o) => o.includes(ready), `npm run ${script} to be ready`, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}:\n${output}`);
    });
    npm.kill('SIGTERM');
    const npmExit = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 40_000))]);
    if (npmExit === 'still running') throw new Error(`npm run ${script} still running 40 s after SIGTERM:\n${output}`);
    // npm is gone: anything still in its group is a Dossier process it left behind.
    const leftRunning = await until(async () => groupAlive(pgid), (alive) => !alive, 'nothing', 3_000).then(
      () => false,
      () => true,
    );
    return { npmExit, leftRunning, output };
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
}

describe('npm run on SIGTERM to npm alone', () => {
  it('stops the web workspace', { timeout: 120_000 }, async () => {
    const ran = await runScript('web', 'Ready.', {
      DOSSIER_WEB_PORT: String(await freePort()),
      DOSSIER_OIDC_ISSUER: 'http://127.0.0.1:9/never-asked',
      DOSSIER_OIDC_CLIENT_ID: 'dossier',
      DOSSIER_OIDC_CLIENT_SECRET: 'unused',
      DOSSIER_SESSION_SECRET: 'a-test-session-secret-of-at-least-32-characters',
    });
    expect(ran.leftRunning, `the workspace was left running after npm exited:\n${ran.output}`).toBe(false);
  });

  it('stops the intake', { timeout: 120_000 }, async () => {
    const ran = await runScript('intake', 'Intake ', { DOSSIER_MAILDIR: join(scratch, 'maildir') });
    expect(ran.leftRunning, `the intake was left running after npm exited:\n${ran.output}`).toBe(false);
  });

  it('stops the worker, which drains first', { timeout: 150_000 }, async () => {
    const ran = await runScript('worker', "state: 'RUNNING'", {
      SMTP_URL: 'smtp://127.0.0.1:9',
      DOSSIER_TASK_QUEUE: `npm-signals-${process.pid}`,
      DOSSIER_SHUTDOWN_GRACE_SECONDS: '1',
    });
    expect(ran.leftRunning, `the worker was left running after npm exited:\n${ran.output}`).toBe(false);
    expect(ran.output).toContain('Dossier worker stopped.');
  });
});
