// The one place integration tests get their set-up: a client on the run's shared dev server, a real
// SMTP server (the mail sink) on a free loopback port, and a worker on a task queue of the file's
// own, running the bundled workflows with the real activities. Call `useDossier()` at the top of a
// file; it registers beforeAll/afterAll hooks and returns the live handles.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Runtime, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { MailSink, type ReceivedMail } from '../../infra/mail-sink';
import type { WorkerConfig } from '../../worker/config';
import { createDossierWorker, type DossierWorker } from '../../worker/worker';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Workers in tests log only warnings; the Runtime must be installed before the first worker.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
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
}

export interface UseDossierOptions {
  workerOptions?: Partial<WorkerOptions>;
  /** Leave received mail in the sink between tests (default: cleared after each test). */
  keepMail?: boolean;
}

export function useDossier(options: UseDossierOptions = {}): DossierTestEnv {
  const env = {} as DossierTestEnv;
  let connection: Connection;
  let running: { worker: DossierWorker; done: Promise<void> } | undefined;

  const startWorker = async () => {
    const worker = await createDossierWorker(
      env.config,
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      options.workerOptions,
    );
    running = { worker, done: worker.run() };
  };
  const stopWorker = async () => {
    if (!running) return;
    running.worker.worker.shutdown();
    await running.done;
    running = undefined;
  };

  beforeAll(async () => {
    quietRuntime();
    const address = inject('temporalAddress');
    const namespace = inject('temporalNamespace');
    env.scratch = mkdtempSync(join(tmpdir(), 'dossier-it-'));
    env.sink = await new MailSink({ folder: join(env.scratch, 'mail') }).start();
    env.taskQueue = `dossier-test-${randomUUID()}`;
    env.config = {
      temporal: { connectionOptions: { address }, namespace },
      taskQueue: env.taskQueue,
      smtpUrl: env.sink.url,
      mailFrom: 'Dossier Test <dossier@test.example>',
      outputDir: join(env.scratch, 'out'),
      stateDir: join(env.scratch, 'state'),
      shutdownGraceMs: 5_000,
    };
    connection = await Connection.connect({ address });
    env.client = new Client({ connection, namespace });
    env.uniqueId = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
    env.parsed = (mails = env.sink.messages) => Promise.all(mails.map((m) => simpleParser(m.raw)));
    env.restartWorker = async () => {
      await stopWorker();
      await startWorker();
    };
    await startWorker();
  });

  afterEach(() => {
    if (!options.keepMail) env.sink.clear();
  });

  afterAll(async () => {
    await stopWorker();
    await connection?.close();
    await env.sink?.stop();
    if (env.scratch) rmSync(env.scratch, { recursive: true, force: true });
  });

  return env;
}
