// The one place integration tests get their set-up: a client on the run's shared dev server, a real
// SMTP server (the mail sink) on a free loopback port, and a worker on a task queue of the file's
// own, running the bundled workflows with the real activities. Call `useDossier()` at the top of a
// file; it registers beforeAll/afterAll hooks and returns the live handles.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities';
import { createSmtpTransport } from '../../activities/email';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { FAILURE_CONVERTER_PATH, loadEncryption, type Encryption } from '../../encryption/config';
import { startDevServer, type DevServer } from '../../infra/dev-server';
import { MailSink, type ReceivedMail } from '../../infra/mail-sink';
import type { WorkerConfig } from '../../worker/config';
import { createDossierWorker, type DossierWorker } from '../../worker/worker';
import { testRunLog } from './test-log';
import { installTelemetry } from '../../worker/telemetry';
import { freePort } from '../../infra/ports';
import { quietLogger } from '../../infra/quiet-logger';

let runtimeInstalled: Promise<void> | undefined;
let metricsAddress: string | undefined;
/**
 * Installs this process's Runtime once, before the first worker: warnings only, and the worker's
 * Prometheus endpoint on a free port (see `metricsUrl`).
 */
export function quietRuntime(): Promise<void> {
  runtimeInstalled ??= freePort().then((port) => {
    metricsAddress = `127.0.0.1:${port}`;
    // Workers in tests log only warnings, and count activity failures instead of printing each
    // (test-log.ts); the Runtime must be installed before the first worker.
    installTelemetry({ logger: testRunLog.logger(), shutdownSignals: [], metricsAddress });
  });
  return runtimeInstalled;
}

/** The `/metrics` URL of this process's workers (after `useDossier()`'s set-up ran). */
export function metricsUrl(): string {
  if (!metricsAddress) throw new Error('metricsUrl() needs the Runtime installed: call it inside a test of a useDossier() file');
  return `http://${metricsAddress}/metrics`;
}

export interface DossierTestEnv {
  client: Client;
  sink: MailSink;
  taskQueue: string;
  config: WorkerConfig;
  /** Output and state folders of this file's worker, removed afterwards. */
  scratch: string;
  /** A workflow ID unique to this run, readable in the Web UI. */
  uniqueId(prefix: string): string;
  /** The messages that arrived, parsed (mailparser). */
  parsed(mails?: ReceivedMail[]): Promise<ParsedMail[]>;
  /** Stops this file's worker and starts a fresh one on the same queue (a restarted process). */
  restartWorker(): Promise<void>;
  /** Unless `encrypted: false`. */
  encryption?: Encryption;
  /** Environment a subprocess (the CLI) needs to reach this server with the same keys. */
  childEnv: NodeJS.ProcessEnv;
  /** Set with `ownServer: true`. */
  server?: DevServer;
  /** With `ownServer: true`: stops the dev server and starts it again on the same SQLite file and port. */
  restartServer(): Promise<void>;
  serverDbFile?: string;
  /**
   * A worker of the test's own on a queue named after `name`, with the real activities given `deps`
   * (its own relay URL, hooks), wrapped by `wrap` (a test holding or failing one), running the
   * workflows of `workflowsPath` (bundled for it) instead of the run's bundle; stopped, with its
   * SMTP transport, when the file ends. Resolves to its task queue.
   */
  ownWorker(name: string, options?: { deps?: Partial<ActivityDeps>; wrap?: (activities: Activities) => object; workflowsPath?: string }): Promise<string>;
}

type Activities = ReturnType<typeof createActivities>;

export interface UseDossierOptions {
  workerOptions?: Partial<WorkerOptions>;
  /**
   * Encrypt payloads (client and worker) with fresh master keys and a keystore of this file's own,
   * as production does. Default true; false only to look at plaintext on purpose.
   */
  encrypted?: boolean;
  /** A dev server of this file's own, on a SQLite file under `scratch` (to inspect or restart it). */
  ownServer?: boolean;
  /** Leave received mail in the sink between tests (default: cleared after each test). */
  keepMail?: boolean;
  /** Settings added to the worker's configuration before it starts (e.g. the workspace's address). */
  workerConfig?: () => Promise<Partial<WorkerConfig>>;
}

export function useDossier(options: UseDossierOptions = {}): DossierTestEnv {
  const env = {} as DossierTestEnv;
  let connection: Connection;
  let running: { worker: DossierWorker; done: Promise<void> } | undefined;
  const ownWorkers: (() => Promise<void>)[] = [];
  // A worker that stopped on its own (a fault in the worker) fails every later test of the file at
  // once with its error, instead of each waiting out its timeout for work no one picks up.
  let stoppedBy: unknown;

  const startWorker = async () => {
    const worker = await createDossierWorker(
      env.config,
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      options.workerOptions,
    );
    const done = worker.run();
    done.catch((err: unknown) => (stoppedBy ??= err));
    running = { worker, done };
  };
  const stopWorker = async () => {
    if (!running) return;
    if (running.worker.worker.getState() === 'RUNNING') running.worker.worker.shutdown();
    await running.done;
    running = undefined;
  };

  beforeAll(async () => {
    await quietRuntime();
    env.scratch = mkdtempSync(join(tmpdir(), 'dossier-it-'));
    if (options.ownServer) {
      env.serverDbFile = join(env.scratch, 'temporal.sqlite');
      env.server = await startDevServer({ dbFilename: env.serverDbFile, uiPort: false });
    }
    const address = env.server?.address ?? inject('temporalAddress');
    const namespace = env.server?.namespace ?? inject('temporalNamespace');
    env.childEnv = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace };
    if (options.encrypted !== false) {
      env.childEnv.DOSSIER_MASTER_KEYS = `${generateMasterKeySpec('t2')},${generateMasterKeySpec('t1')}`;
      env.childEnv.DOSSIER_KEYSTORE_DIR = join(env.scratch, 'keys');
      env.encryption = loadEncryption(env.childEnv);
    }
    env.sink = await new MailSink({ folder: join(env.scratch, 'mail') }).start();
    env.taskQueue = `dossier-test-${randomUUID()}`;
    env.childEnv.DOSSIER_TASK_QUEUE = env.taskQueue;
    // The CLI shows published files under the worker's output folder.
    env.childEnv.DOSSIER_OUTPUT_DIR = join(env.scratch, 'out');
    env.config = {
      temporal: { connectionOptions: { address }, namespace },
      taskQueue: env.taskQueue,
      smtpUrl: env.sink.url,
      mailFrom: 'Dossier Test <dossier@test.example>',
      outputDir: join(env.scratch, 'out'),
      stateDir: join(env.scratch, 'state'),
      shutdownGraceMs: 5_000,
      encryption: env.encryption,
      ...(await options.workerConfig?.()),
    };
    connection = await Connection.connect({ address });
    env.client = new Client({ connection, namespace, dataConverter: env.encryption?.dataConverter });
    env.uniqueId = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
    env.parsed = (mails = env.sink.messages) => Promise.all(mails.map((m) => simpleParser(m.raw)));
    env.restartServer = async () => {
      if (!env.server) throw new Error('restartServer needs useDossier({ ownServer: true })');
      const port = Number(env.server.address.split(':')[1]);
      await env.server.stop();
      env.server = await startDevServer({ dbFilename: env.serverDbFile, port, uiPort: false });
    };
    env.restartWorker = async () => {
      await stopWorker();
      await startWorker();
    };
    env.ownWorker = async (name, { deps = {}, wrap = (activities: Activities): object => activities, workflowsPath } = {}) => {
      const taskQueue = `${env.taskQueue}-${name}`;
      const workflowBundle = workflowsPath ? { code: (await bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger })).code } : { codePath: inject('workflowBundlePath') };
      const smtpUrl = deps.smtpUrl ?? env.sink.url;
      const native = await NativeConnection.connect(env.config.temporal.connectionOptions);
      // The worker's own pool: closed with it, or the sink would wait for its idle connections at the end.
      const transport = createSmtpTransport(smtpUrl);
      const worker = await Worker.create({
        connection: native,
        namespace: env.config.temporal.namespace,
        taskQueue,
        workflowBundle,
        dataConverter: env.config.encryption?.dataConverter,
        activities: wrap(createActivities({ ...env.config, keystore: env.config.encryption?.keystore, ...deps, smtpUrl, transport })),
      });
      const done = worker.run();
      ownWorkers.push(async () => {
        worker.shutdown();
        await done;
        transport.close();
        await native.close();
      });
      return taskQueue;
    };
    await startWorker();
  });

  beforeEach(() => {
    if (stoppedBy) throw new Error(`this file's worker stopped during an earlier test: ${stoppedBy instanceof Error ? stoppedBy.message : String(stoppedBy)}`, { cause: stoppedBy });
  });

  afterEach(() => {
    if (!options.keepMail) env.sink.clear();
  });

  afterAll(async () => {
    // A worker that stopped on its own rethrows its error here: the servers are still stopped.
    try {
      for (const stop of ownWorkers.splice(0)) await stop();
      await stopWorker();
    } finally {
      testRunLog.printSummary(relative(process.cwd(), expect.getState().testPath ?? 'this file'));
      await connection?.close();
      await env.sink?.stop();
      await env.server?.stop();
      if (env.scratch) rmSync(env.scratch, { recursive: true, force: true });
    }
  });

  return env;
}
