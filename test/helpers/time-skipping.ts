// A worker on Temporal's time-skipping test server, for the tests whose timers run weeks: the real
// activities against a local mail sink, in a scratch folder; started before the file's tests and
// stopped after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { createActivities } from '../../activities';
import { createSmtpTransport } from '../../activities/email';
import { MailSink } from '../../infra/mail-sink';
import { resolveTimeSkippingServer } from '../../infra/temporal-cli';
import { testRunLog } from './test-log';

type Activities = ReturnType<typeof createActivities>;

export interface TimeSkipping {
  testEnv: TestWorkflowEnvironment;
  sink: MailSink;
  /** The worker's folder: its output (`out/`) and state (`state/`). */
  scratch: string;
  taskQueue: string;
}

/** Registers the file's time-skipping server and worker; `activities` may wrap the real ones. */
export function useTimeSkipping(activities: (real: Activities) => object = (real) => real): TimeSkipping {
  const env = { taskQueue: `dossier-ts-${randomUUID()}` } as TimeSkipping;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let transport: ReturnType<typeof createSmtpTransport> | undefined;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: testRunLog.logger(), shutdownSignals: [] });
    } catch {
      // Installed already by another suite in this process.
    }
    env.scratch = mkdtempSync(join(tmpdir(), 'dossier-ts-'));
    env.sink = await new MailSink().start();
    // Our own pooled transport, closed afterwards: the sink waits for open connections when it stops.
    transport = createSmtpTransport(env.sink.url);
    env.testEnv = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: resolveTimeSkippingServer() } },
    });
    const real = createActivities({
      smtpUrl: env.sink.url,
      mailFrom: 'Dossier Test <dossier@test.example>',
      outputDir: join(env.scratch, 'out'),
      stateDir: join(env.scratch, 'state'),
      transport,
    });
    worker = await Worker.create({
      connection: env.testEnv.nativeConnection,
      taskQueue: env.taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: activities(real),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env.testEnv?.teardown();
    transport?.close();
    await env.sink?.stop();
    if (env.scratch) rmSync(env.scratch, { recursive: true, force: true });
  });

  return env;
}
