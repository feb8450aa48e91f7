// Part 1: what a full engagement lifecycle costs against the engine's floor. N lifecycles of each,
// driven the same way on the same worker, in alternating rounds; the floor's shape (activities,
// timers, updates) is checked against a real engagement's history. Then the same with payload
// encryption on client and worker.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { countHistory, sameShape, timeSpent, type HistoryCounts } from '../lib/history';
import { engagementInput, patientPolicy } from '../../test/helpers/fixtures';
import { driveLifecycle, type LifecycleResult } from '../lib/lifecycle-driver';
import { cpuSeconds, type Bench } from '../lib/setup';
import { mapLimit, median, round, spread, type Spread } from '../lib/stats';

export interface LifecycleOptions {
  n: number;
  concurrency: number;
  rounds: number;
  encryption: boolean;
  cpuProfileDir?: string;
}

type Kind = 'engagement' | 'engineFloor';

export interface BatchResult {
  kind: Kind;
  round: number;
  n: number;
  wallSeconds: number;
  lifecyclesPerSecond: number;
  latencyMs: Spread;
  retriesPerLifecycle: number;
  /** CPU seconds per lifecycle, by process (client: this process, which also runs the mail sink). */
  cpuPerLifecycle: { worker: number; server: number; client: number };
  /** From the histories of up to 10 of the batch: mean ms of each activity and of the workflow tasks. */
  historyTimes: { activityMs: number[]; workflowTasks: number; workflowTaskMs: number; sampled: number };
}

export interface VariantResult {
  encrypted: boolean;
  shape: { engagement: HistoryCounts; floor: HistoryCounts; match: boolean };
  batches: BatchResult[];
  floorPerSecond: number;
  engagementPerSecond: number;
  /** Per round, lifecycle time over floor time for the same N (floor throughput / engagement throughput). */
  roundRatios: number[];
  /** The median of the rounds' ratios: each pairs two batches run back to back, so drift cancels. */
  ratio: number;
}

export interface LifecycleReport {
  settings: LifecycleOptions;
  variants: VariantResult[];
  ratio: number;
  historyEventsPerEngagement: number;
}

export async function measureLifecycles(bench: Bench, options: LifecycleOptions, log: (line: string) => void): Promise<LifecycleReport> {
  const variants: VariantResult[] = [];
  for (const encrypted of options.encryption ? [false, true] : [false]) {
    variants.push(await measureVariant(bench, options, encrypted, log));
  }
  const plain = variants[0];
  return {
    settings: options,
    variants,
    ratio: plain.ratio,
    historyEventsPerEngagement: plain.shape.engagement.events,
  };
}

async function measureVariant(bench: Bench, options: LifecycleOptions, encrypted: boolean, log: (line: string) => void): Promise<VariantResult> {
  const label = encrypted ? 'encrypted' : 'plain';
  const taskQueue = `bench-lifecycle-${label}`;
  const client = encrypted ? bench.encryptedClient : bench.client;
  const worker = await bench.startWorker({ taskQueue, encrypted, cpuProfileDir: encrypted ? undefined : options.cpuProfileDir });
  try {
    // One of each first: warms the worker (bundle load, PDF fonts, SMTP pool) and gives the shapes.
    const campaign = `warm-${label}`;
    const warmEngagement = await run(client, 'engagement', taskQueue, campaign, 'v0');
    const warmFloor = await run(client, 'engineFloor', taskQueue, campaign, 'f0');
    const shape = {
      engagement: await countHistory(client, warmEngagement.workflowId),
      floor: await countHistory(client, warmFloor.workflowId),
      match: false,
    };
    shape.match = sameShape(shape.engagement, shape.floor);
    const describe = (c: HistoryCounts) => `${c.activities} activities, ${c.timers} timers, ${c.updates} updates, ${c.events} events`;
    log(`[${label}] engagement history: ${describe(shape.engagement)}`);
    log(`[${label}] floor history:      ${describe(shape.floor)}${shape.match ? '' : '  ** SHAPES DIFFER **'}`);

    const batches: BatchResult[] = [];
    for (let r = 1; r <= options.rounds; r++) {
      // Alternate which goes first, so a drift in the machine's speed does not favour one side.
      const order: Kind[] = r % 2 === 1 ? ['engineFloor', 'engagement'] : ['engagement', 'engineFloor'];
      for (const kind of order) {
        const batch = await runBatch(client, kind, taskQueue, options, r, [worker.pid, bench.server.process.pid!], `${label}-r${r}`);
        batches.push(batch);
        log(
          `[${label}] round ${r} ${kind.padEnd(11)} ${batch.n} in ${batch.wallSeconds} s: ${batch.lifecyclesPerSecond} lifecycles/s, ` +
            `p50 ${Math.round(batch.latencyMs.p50)} ms, p99 ${Math.round(batch.latencyMs.p99)} ms; activities ${batch.historyTimes.activityMs.join('/')} ms, ` +
            `${batch.historyTimes.workflowTasks} workflow tasks ${batch.historyTimes.workflowTaskMs} ms; CPU/lifecycle worker ${Math.round(batch.cpuPerLifecycle.worker * 1000)} ms, server ${Math.round(batch.cpuPerLifecycle.server * 1000)} ms`,
        );
      }
    }
    const rate = (kind: Kind, r?: number) =>
      median(batches.filter((b) => b.kind === kind && (r === undefined || b.round === r)).map((b) => b.lifecyclesPerSecond));
    const roundRatios = Array.from({ length: options.rounds }, (_, i) => round(rate('engineFloor', i + 1) / rate('engagement', i + 1), 2));
    return {
      encrypted,
      shape,
      batches,
      floorPerSecond: round(rate('engineFloor'), 2),
      engagementPerSecond: round(rate('engagement'), 2),
      roundRatios,
      ratio: round(median(roundRatios), 2),
    };
  } finally {
    await worker.stop();
  }
}

function run(client: Client, kind: Kind, taskQueue: string, campaign: string, vendor: string): Promise<LifecycleResult> {
  const input = engagementInput(campaign, vendor, patientPolicy());
  // The engagement's business ID; the floor gets its own prefix so the two never collide.
  const workflowId = kind === 'engagement' ? `engagement:${campaign}:${vendor}` : `floor:${campaign}:${vendor}`;
  return driveLifecycle(client, kind, taskQueue, workflowId, input);
}

async function runBatch(
  client: Client,
  kind: Kind,
  taskQueue: string,
  options: LifecycleOptions,
  roundNumber: number,
  [workerPid, serverPid]: number[],
  tag: string,
): Promise<BatchResult> {
  const campaign = `${tag}-${randomUUID().slice(0, 6)}`;
  const before = { worker: cpuSeconds(workerPid), server: cpuSeconds(serverPid), client: process.cpuUsage() };
  const started = performance.now();
  const results = await mapLimit(
    Array.from({ length: options.n }, (_, i) => `v${i + 1}`),
    options.concurrency,
    (vendor) => run(client, kind, taskQueue, campaign, vendor),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(before.client);
  const after = { worker: cpuSeconds(workerPid), server: cpuSeconds(serverPid) };
  const spent = await Promise.all(results.slice(0, 10).map((r) => timeSpent(client, r.workflowId)));
  const mean = (values: number[]) => round(values.reduce((a, b) => a + b, 0) / values.length, 1);
  const per = (seconds: number) => round(seconds / options.n, 4);
  return {
    kind,
    round: roundNumber,
    n: options.n,
    wallSeconds: round(wallSeconds, 2),
    lifecyclesPerSecond: round(options.n / wallSeconds, 2),
    latencyMs: spread(results.map((r) => r.ms)),
    retriesPerLifecycle: round(results.reduce((sum, r) => sum + r.retries, 0) / options.n, 2),
    cpuPerLifecycle: {
      worker: per(after.worker - before.worker),
      server: per(after.server - before.server),
      client: per((clientCpu.user + clientCpu.system) / 1e6),
    },
    historyTimes: {
      activityMs: spent[0].activityMs.map((_, i) => mean(spent.map((s) => s.activityMs[i]))),
      workflowTasks: mean(spent.map((s) => s.workflowTasks)),
      workflowTaskMs: mean(spent.map((s) => s.workflowTaskMs)),
      sampled: spent.length,
    },
  };
}
