// The bench worker, in a process of its own so its memory and CPU are its own: Dossier's real
// activities (createActivities: pooled SMTP, delivery ledger, PDFs) plus the floor's no-op step, on
// the bundle of bench/workflows. Started by worker-process.ts, which it answers over IPC.
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
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
  /** Worker options for an experiment (e.g. `{ "maxCachedWorkflows": 50 }`); the SDK's defaults otherwise. */
  workerOptions?: Record<string, unknown>;
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

export type ChildMessage = { type: 'ready' } | ({ type: 'memory' } & WorkerMemory);
export type ParentMessage = { type: 'memory' } | { type: 'stop' };

async function main(settings: BenchWorkerSettings): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const connection = await NativeConnection.connect({ address: settings.address });
  const floor: FloorActivities = { async floorStep() {} };
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: settings.bundlePath },
    activities: { ...createActivities(settings), ...floor },
    dataConverter: settings.encrypted ? loadEncryption(process.env).dataConverter : undefined,
    shutdownGraceTime: 5_000,
    ...settings.workerOptions,
  });
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') worker.shutdown();
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
