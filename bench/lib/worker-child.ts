// The bench worker, in a process of its own so its memory and CPU are its own: Dossier's real
// activities (createActivities: pooled SMTP, delivery ledger, PDFs) plus the floor's no-op step, on
// the bundle of bench/workflows. Started by worker-process.ts, which it answers over IPC.
import { Context } from '@temporalio/activity';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createSmtpTransport } from '../../activities/email';
import { DEFAULT_WORKER_TUNING, workerTuningOptions } from '../../worker/config';
import { loadEncryption } from '../../encryption/config';
import type { FloorActivities } from '../workflows/floor';

export interface BenchWorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  smtpUrl: string;
  mailFrom: string;
  outputDir: string;
  stateDir: string;
  /** Read the keys from DOSSIER_MASTER_KEYS / DOSSIER_KEYSTORE_DIR, as the worker does. */
  encrypted: boolean;
  /** Worker options for an experiment (e.g. `{ "maxCachedWorkflows": 50 }`), over Dossier's defaults (worker/config.ts). */
  workerOptions?: Record<string, unknown>;
  /** SMTP connections of the pooled transport; Dossier's default otherwise. */
  smtpPoolSize?: number;
}

export interface WorkerMemory {
  rss: number;
  /** The main thread's V8 heap only: workflows run in a worker thread with a heap of its own. */
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Resident memory again right after a full garbage collection of the main thread. */
  rssAfterGc: number;
  heapUsedAfterGc: number;
  cachedWorkflows: number;
}

/** When the floor's `reminder` steps ran (ms since the epoch), by workflow ID. */
export type FloorReminders = Record<string, number>;

export type ChildMessage = { type: 'ready' } | ({ type: 'memory' } & WorkerMemory) | { type: 'floor-reminders'; reminders: FloorReminders };
export type ParentMessage = { type: 'memory' } | { type: 'stop' } | { type: 'floor-reminders' };

async function main(settings: BenchWorkerSettings): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const connection = await NativeConnection.connect({ address: settings.address });
  // The moment each floor reminder "went out": part 8 compares it with a real reminder's arrival at the sink.
  const floorReminders: FloorReminders = {};
  const floor: FloorActivities = {
    async floorStep(step) {
      if (step === 'reminder') floorReminders[Context.current().info.workflowExecution?.workflowId ?? 'unknown'] = Date.now();
    },
  };
  // The same tuning as `npm start`'s worker (cache, slots, sticky queue, SMTP pool), so the bench
  // measures what ships; an experiment overrides it with workerOptions.
  const transport = createSmtpTransport(settings.smtpUrl, { maxConnections: settings.smtpPoolSize ?? DEFAULT_WORKER_TUNING.smtpPoolSize });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: settings.bundlePath },
    activities: { ...createActivities({ ...settings, transport }), ...floor },
    dataConverter: settings.encrypted ? loadEncryption(process.env).dataConverter : undefined,
    shutdownGraceTime: 5_000,
    ...workerTuningOptions(DEFAULT_WORKER_TUNING),
    ...settings.workerOptions,
  });
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') worker.shutdown();
    if (message.type === 'floor-reminders') send({ type: 'floor-reminders', reminders: floorReminders });
    if (message.type === 'memory') {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
      // Started with --expose-gc by worker-process.ts.
      (globalThis as { gc?: () => void }).gc?.();
      const after = process.memoryUsage();
      send({
        type: 'memory',
        rss,
        heapUsed,
        heapTotal,
        external,
        rssAfterGc: after.rss,
        heapUsedAfterGc: after.heapUsed,
        cachedWorkflows: worker.getStatus().numCachedWorkflows,
      });
    }
  });
  const running = worker.run();
  send({ type: 'ready' });
  await running;
  transport.close();
  await connection.close();
  // A normal exit, so that --cpu-prof writes its profile.
  process.exit(0);
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

main(JSON.parse(process.argv[2]) as BenchWorkerSettings).catch((err) => {
  console.error(err);
  process.exit(1);
});
