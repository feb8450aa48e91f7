// The stores `npm start` and `npm run web` open, counted at `openStore`: each process opens what it
// needs once (the worker its own, sized to its activity slots; the front ends one between them, which
// the client's payload codec reads its keys from) and closes every one it opened when it stops. A
// store opened on the side and never closed holds a PostgreSQL pool (or local files) past the stop.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { quietLogger } from '../../infra/quiet-logger';
import { freePort } from '../../infra/ports';
import { signedInLead, TEST_SESSION_SECRET } from '../helpers/web-session';
import { runMainJob } from '../../worker/main-job';
import { startWorkspaceAlone } from '../../web/start';
import { until } from '../helpers/until';

const seen = vi.hoisted(() => ({
  stores: [] as { closed: boolean }[],
  env: {} as NodeJS.ProcessEnv,
  bundlePath: '',
  worker: undefined as Worker | undefined,
}));

vi.mock('../../store', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../store')>();
  return {
    ...actual,
    openStore: (settings: Parameters<typeof actual.openStore>[0]) => {
      const store = actual.openStore(settings);
      const record = { closed: false };
      seen.stores.push(record);
      const close = store.close.bind(store);
      store.close = async () => {
        record.closed = true;
        await close();
      };
      return store;
    },
  };
});

// `npm start` on the test's server: what the embedded set-up would start is already running, the
// intake's process is not the subject, and the SDK must not take the test runner's signals.
vi.mock('../../infra/embedded', () => ({
  startEmbedded: async () => ({ env: seen.env, stop: async () => undefined }),
}));
vi.mock('../../intake/spawn', () => ({ spawnIntake: () => ({ pid: undefined, stop: async () => undefined }) }));
vi.mock('../../worker/telemetry', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../worker/telemetry')>();
  return {
    ...actual,
    installTelemetry: () => {
      // One Runtime per process: an npm start that created no worker leaves it installed for the next.
      try {
        actual.installTelemetry({ logger: quietLogger, shutdownSignals: [] });
      } catch (err) {
        if (!/singleton has already been (installed|instantiated)/.test((err as Error).message)) throw err;
      }
    },
  };
});
vi.mock('../../worker/worker', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../worker/worker')>();
  return {
    ...actual,
    createDossierWorker: async (...[config, , extra]: Parameters<typeof actual.createDossierWorker>) => {
      const built = await actual.createDossierWorker(config, { workflowBundle: { codePath: seen.bundlePath } }, extra);
      seen.worker = built.worker;
      return built;
    },
  };
});

const scratch = mkdtempSync(join(tmpdir(), 'dossier-process-stores-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function environment(name: string): Promise<NodeJS.ProcessEnv> {
  const dataDir = join(scratch, name);
  mkdirSync(join(dataDir, 'mailbox'), { recursive: true });
  return {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    DOSSIER_TASK_QUEUE: `process-stores-${name}-${Date.now()}`,
    DOSSIER_DATA_DIR: dataDir,
    DOSSIER_MAILDIR: join(dataDir, 'mailbox'),
    DOSSIER_MASTER_KEYS: generateMasterKeySpec(`stores-${name}`),
    DOSSIER_SESSION_SECRET: TEST_SESSION_SECRET,
    DOSSIER_WEB_PORT: String(await freePort()),
    DOSSIER_DEV_IDP_PORT: String(await freePort()),
    SMTP_URL: 'smtp://127.0.0.1:9',
    MAIL_FROM: 'dossier@authority.example',
    // Free ports of their own: `npm start` otherwise takes 9464/9465 when they look free, and a test
    // file beside this one may bind them between that look and the Runtime's bind.
    DOSSIER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    DOSSIER_INTAKE_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
  };
}

/** A page that reads the store (the holding pen) through the Temporal client, as a signed-in lead. */
async function openHoldingPen(env: NodeJS.ProcessEnv): Promise<void> {
  const { cookie } = signedInLead();
  const page = await fetch(`http://127.0.0.1:${env.DOSSIER_WEB_PORT}/held/unsorted`, { headers: { cookie }, redirect: 'manual' });
  expect(page.status, await page.clone().text()).toBe(200);
}

describe('the stores a process opens', () => {
  it('npm start opens the worker\'s store and one for its front ends, and closes both when it stops', { timeout: 120_000 }, async () => {
    seen.stores.length = 0;
    seen.env = await environment('start');
    seen.bundlePath = inject('workflowBundlePath');
    // The worker's endpoint is read from this process's environment, before the embedded set-up.
    vi.stubEnv('DOSSIER_METRICS_ADDRESS', seen.env.DOSSIER_METRICS_ADDRESS);
    const job = runMainJob([]);
    await until(async () => seen.worker?.getState(), (state) => state === 'RUNNING', 'the worker to run');
    await openHoldingPen(seen.env);
    seen.worker!.shutdown();
    await job;
    vi.unstubAllEnvs();
    expect(seen.stores.length).toBe(2);
    expect(seen.stores.filter((s) => !s.closed)).toEqual([]);
  });

  it('npm start whose worker cannot start closes the store it opened for it, and names the variable', { timeout: 60_000 }, async () => {
    seen.bundlePath = inject('workflowBundlePath');
    const closedPort = async () => `127.0.0.1:${await freePort()}`;
    const failures: [Partial<NodeJS.ProcessEnv>, RegExp][] = [
      [{ DATABASE_URL: `postgres://dossier@${await closedPort()}/dossier` }, /^DATABASE_URL: cannot create or migrate Dossier's schema/],
      [{ TEMPORAL_ADDRESS: await closedPort() }, /^TEMPORAL_ADDRESS: cannot reach the Temporal server at /],
      // The store is opened while the configuration is read, so that its own problems are listed too.
      [{ DATABASE_URL: `postgres://dossier@${await closedPort()}/dossier`, SMTP_URL: 'http://relay.example.org' }, /SMTP_URL: must be a URL/],
    ];
    for (const [settings, refusal] of failures) {
      seen.stores.length = 0;
      seen.env = { ...(await environment(`refused-${Object.keys(settings).join('-')}`)), ...settings };
      await expect(runMainJob([])).rejects.toThrow(refusal);
      expect(seen.stores.length).toBe(1);
      expect(seen.stores.filter((s) => !s.closed)).toEqual([]);
    }
  });

  // With SMTP_URL given, the embedded set-up names no Maildir and reads no intake setting: the
  // workspace's holding pen would fail on every /held/ page, as it would under `npm run web`, which
  // refuses to start so (test/web/workspace-start-config.test.ts).
  it('npm start refuses the case-mailbox settings npm run web refuses, before its worker starts, naming the variable', { timeout: 60_000 }, async () => {
    seen.bundlePath = inject('workflowBundlePath');
    const { DOSSIER_MAILDIR: _none, ...noMailbox } = await environment('no-mailbox');
    const failures: [NodeJS.ProcessEnv, RegExp][] = [
      // A cluster host naming no mailbox: said before its database is tried, as npm run web says it.
      [{ ...noMailbox, DATABASE_URL: `postgres://dossier@127.0.0.1:${await freePort()}/dossier` }, /DOSSIER_IMAP_URL is required with DATABASE_URL/],
      // On local files, naming no mailbox either: the worker reads the intake's settings only once one is named.
      [{ ...noMailbox, DOSSIER_INTAKE_MAX_MESSAGE_MB: 'forty' }, /DOSSIER_INTAKE_MAX_MESSAGE_MB: must be a number of megabytes/],
    ];
    for (const [env, refusal] of failures) {
      seen.stores.length = 0;
      seen.worker = undefined;
      seen.env = env;
      const job = runMainJob([]);
      // The old way, for the test to fail rather than hang: the worker started and the job runs on.
      let settled = false;
      const workerState = async () => {
        if (settled) throw new Error('the job already ended');
        return seen.worker?.getState();
      };
      const started = until(workerState, (state) => state === 'RUNNING', 'the worker to run', 20_000).then(async () => {
        seen.worker!.shutdown();
        await job;
        return 'the worker started';
      });
      const outcome = await Promise.race([job.then(() => 'ended', (err: Error) => err), started.catch(() => 'never started')]);
      settled = true;
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(refusal);
      expect(seen.worker, 'no worker created').toBeUndefined();
      expect(seen.stores.filter((s) => !s.closed)).toEqual([]);
    }
  });

  it('npm run web opens one store for its pages and its client\'s keys, and closes it when it stops', { timeout: 60_000 }, async () => {
    seen.stores.length = 0;
    const env = await environment('web');
    const workspace = await startWorkspaceAlone(env, () => undefined);
    await openHoldingPen(env);
    await workspace.stop();
    expect(seen.stores.length).toBe(1);
    expect(seen.stores.filter((s) => !s.closed)).toEqual([]);
  });
});
