// `npm run worker` that cannot start, run as the operator runs it (a process of its own on the
// settings given): a metrics endpoint it cannot serve, a PostgreSQL or a Temporal server that does
// not answer. Each ends the process with exit code 1 and one message naming the variable to change,
// never a stack trace. Nothing here answers on the ports used, so no worker ever polls.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { GLOBAL_KEY_ID, generateMasterKeySpec } from '../../encryption/keystore';
import { loadEncryption } from '../../encryption/config';
import { freePort } from '../../infra/ports';
import { PROJECT_ROOT } from '../../paths';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-worker-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run worker` with only the variables given (and PATH, HOME); resolves once it has exited. */
function runWorker(variables: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Ended> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOSSIER_DATA_DIR: join(scratch, 'data'),
    // No client configuration profile of the machine's own is read.
    TEMPORAL_CONFIG_FILE: join(scratch, 'absent.toml'),
    SMTP_URL: 'smtp://127.0.0.1:9',
    DOSSIER_MASTER_KEYS: generateMasterKeySpec('s1'),
    ...variables,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'worker', 'main.ts')], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    // A worker that did not stop is one left half-started.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run worker was still running after ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit code 1, and stderr a message of `lines` lines naming `variable`, with no stack trace. */
function expectRefusal(ended: Ended, variable: string, lines = 1): string {
  const said = ended.stderr.trim();
  expect(said, ended.stdout + ended.stderr).not.toMatch(/^\s+at /m);
  expect(said).toContain(variable);
  expect(said.split('\n'), said).toHaveLength(lines);
  expect(ended.code, said).toBe(1);
  return said;
}

/** A port something else already listens on, as a second worker's or another service's would be. */
async function heldPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('npm run worker that cannot start', () => {
  const closedTemporal = async () => ({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });

  it('names a DOSSIER_METRICS_ADDRESS that is not host:port, with the configuration problems', { timeout: 90_000 }, async () => {
    for (const value of ['not-an-address', 'localhost:9464']) {
      const said = expectRefusal(await runWorker({ ...(await closedTemporal()), DOSSIER_METRICS_ADDRESS: value }), 'DOSSIER_METRICS_ADDRESS', 2);
      expect(said).toMatch(new RegExp(`^Invalid configuration:\\n  - DOSSIER_METRICS_ADDRESS: "${value}" must`));
    }
  });

  it('names DOSSIER_METRICS_ADDRESS when its port is already taken', { timeout: 90_000 }, async () => {
    const held = await heldPort();
    try {
      const said = expectRefusal(await runWorker({ ...(await closedTemporal()), DOSSIER_METRICS_ADDRESS: `127.0.0.1:${held.port}` }), 'DOSSIER_METRICS_ADDRESS');
      expect(said).toMatch(new RegExp(`^DOSSIER_METRICS_ADDRESS: cannot serve metrics on 127\\.0\\.0\\.1:${held.port} \\(Address already in use\\)`));
    } finally {
      await held.release();
    }
  });

  it('names DATABASE_URL when PostgreSQL does not answer there', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const ended = await runWorker({ ...(await closedTemporal()), DATABASE_URL: `postgres://dossier:s3cret@127.0.0.1:${port}/dossier` });
    const said = expectRefusal(ended, 'DATABASE_URL');
    expect(said).toMatch(new RegExp(`^DATABASE_URL: cannot create or migrate Dossier's schema in postgres://dossier(:\\*+)?@127\\.0\\.0\\.1:${port}/dossier: connect ECONNREFUSED`));
    expect(ended.stdout + ended.stderr).not.toContain('s3cret');
  });

  it('names DOSSIER_MASTER_KEYS when they do not unwrap the data keys the store holds, before it takes any task', { timeout: 90_000 }, async () => {
    // Another host, under the same key id with other bytes, made the store's data key.
    const keysDir = join(scratch, 'keys-of-another-host');
    await loadEncryption({ DOSSIER_MASTER_KEYS: generateMasterKeySpec('s1'), DOSSIER_KEYSTORE_DIR: keysDir }).keystore.encryptionKey(GLOBAL_KEY_ID);
    const said = expectRefusal(await runWorker({ ...(await closedTemporal()), DOSSIER_KEYSTORE_DIR: keysDir }), 'DOSSIER_MASTER_KEYS');
    expect(said).toMatch(/^DOSSIER_MASTER_KEYS: data key "global" does not unwrap under the master key "s1" configured here: .* give it the master keys the other hosts have/);
  });

  it('names TEMPORAL_ADDRESS when no Temporal server answers there', { timeout: 90_000 }, async () => {
    const temporal = await closedTemporal();
    const said = expectRefusal(await runWorker(temporal), 'TEMPORAL_ADDRESS');
    expect(said).toMatch(new RegExp(`^TEMPORAL_ADDRESS: cannot reach the Temporal server at ${temporal.TEMPORAL_ADDRESS.replace(/\./g, '\\.')} \\(Connection refused\\)`));
  });

  it('says, among its settings, that metrics are off and which variable turns them on when DOSSIER_METRICS_ADDRESS is not set', { timeout: 90_000 }, async () => {
    const ended = await runWorker(await closedTemporal());
    expectRefusal(ended, 'TEMPORAL_ADDRESS');
    const settings = ended.stdout.split('\n');
    expect(settings[0], ended.stdout).toMatch(/^Dossier worker: /);
    expect(settings[1], ended.stdout).toBe('Metrics: off (set DOSSIER_METRICS_ADDRESS, e.g. 0.0.0.0:9464, to serve /metrics)');
  });

  it('warns of each misspelt DOSSIER_* variable, naming the setting it most likely meant, before anything else', { timeout: 90_000 }, async () => {
    const ended = await runWorker({ ...(await closedTemporal()), DOSSIER_DIGEST_HOURS: '7', DOSSIER_CODEC_TOKN: 'codec-secret' });
    const [first, second, ...rest] = ended.stderr.trim().split('\n');
    expect(first, ended.stderr).toBe('Warning: DOSSIER_CODEC_TOKN is set, but no part of Dossier reads it, so it changes nothing: did you mean DOSSIER_CODEC_TOKEN?');
    expect(second, ended.stderr).toBe('Warning: DOSSIER_DIGEST_HOURS is set, but no part of Dossier reads it, so it changes nothing: did you mean DOSSIER_DIGEST_HOUR?');
    // A warning, not a refusal: the worker went on to its usual start (here, a server that does not answer).
    expect(rest.join('\n')).toMatch(/^TEMPORAL_ADDRESS: cannot reach the Temporal server/);
    expect(ended.stdout + ended.stderr).not.toContain('codec-secret');
  });

  it('names TEMPORAL_NAMESPACE when the server has no such namespace', { timeout: 90_000 }, async () => {
    // The run's own test server: the worker stops at its check of the namespace, before it polls.
    const namespace = `absent-${randomUUID().slice(0, 8)}`;
    const said = expectRefusal(await runWorker({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: namespace }), 'TEMPORAL_NAMESPACE');
    expect(said).toMatch(new RegExp(`^TEMPORAL_NAMESPACE: the Temporal namespace "${namespace}" does not exist on the server at `));
  });
});
