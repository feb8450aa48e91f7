// Part 2: many open engagements at once, all waiting on their first reminder. Every engagement's
// due date is set so that all reminders fall due at about the same moment; the part measures how
// fast engagements open, what the worker and the dev server hold in memory while they wait, and how
// late each reminder reaches the mail sink compared with its planned time (due date + cadence).
import { engagementStartOptions } from '../../client/api';
import { randomUUID } from 'node:crypto';
import { engagementStatusQuery } from '../../workflows/messages';
import { type Policy } from '../../workflows/types';
import { firstFiredTimer } from '../lib/history';
import { engagementInput } from '../../test/helpers/fixtures';
import { MailClock, stepIn, stepOfThread } from '../lib/mail-clock';
import { cpuSeconds, threadCpu, type Bench } from '../lib/setup';
import { mapLimit, mib, round, spread, type Spread } from '../lib/stats';
import { procMemory } from '../lib/worker-process';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

export interface ScaleOptions {
  m: number;
  /** Engagements being opened at once (started, letter not yet delivered). */
  concurrency: number;
  /** From the first start to the moment every reminder falls due; long enough for all letters to go out. */
  leadMs: number;
  /** Worker options for an experiment (cache size, pollers, slots); the SDK's defaults when absent. */
  workerOptions?: Record<string, unknown>;
}

export interface MemorySample {
  /** What the worker process reports itself (process.memoryUsage), in MiB. */
  workerRss: number;
  /** The main thread's heap; workflows live in a worker thread's heap, which this does not count. */
  workerHeapUsed: number;
  workerHeapTotal: number;
  workerExternal: number;
  /** After a full garbage collection of the worker's main thread: what stays. */
  workerRssAfterGc: number;
  workerHeapUsedAfterGc: number;
  workerCachedWorkflows: number;
  /** The kernel's figures (VmRSS, VmHWM = peak), in MiB. */
  workerVmRss: number;
  workerVmPeak: number;
  serverVmRss: number;
  serverVmPeak: number;
}

export interface ScaleReport {
  settings: ScaleOptions & { reminderAfterDueMs: number };
  /** Engagements opened per second: started and their letter (with its PDF) delivered. */
  opensPerSecond: number;
  openSeconds: number;
  /** Workflow starts alone, measured by the client. */
  startMs: Spread;
  memory: { idle: MemorySample; warm: MemorySample; allOpen: MemorySample; afterReminders: MemorySample };
  /** (all open − warm) / M: what each waiting engagement adds to the resident memory. */
  workerMiBPerEngagement: number;
  serverMiBPerEngagement: number;
  /** Engagements still being opened when the reminders fell due. */
  openedLate: number;
  /** How far apart the due dates ended up (each engagement computes its own at its first task). */
  dueSpreadSeconds: number;
  reminderLatenessMs: Spread;
  /** Where the lateness goes, from the server's event times of a sample of engagements. */
  latenessBreakdownMs: {
    sampled: number;
    /** Sampled engagements whose reminder task timed out once before a worker took it. */
    withTaskTimeout: number;
    /** Planned time to the server's due time: how long the workflow task that set the timer took to complete. */
    timerSetLate: Spread;
    /** The server's due time to its TimerFired event. */
    timerFiredLate: Spread;
    /** TimerFired to the workflow task's start: waiting for the worker to take the task. */
    firedToTaskStarted: Spread;
    /** The worker running the task (activation, commands) until the server has its completion. */
    taskStartedToCompleted: Spread;
    firedToActivityScheduled: Spread;
    scheduledToStarted: Spread;
    startedToSink: Spread;
  };
  /** From the earliest planned reminder until the last one arrived. */
  burstSeconds: number;
  cpuSeconds: { worker: number; server: number };
  /** The worker's CPU seconds by thread name from the moment all were open until the last reminder. */
  workerThreadCpuDuringReminders: Record<string, number>;
  /** The same window: seconds it lasted, and CPU seconds of the server and of this process (client, sink). */
  reminderWindow: { seconds: number; serverCpu: number; benchCpu: number };
}

/** The first reminder goes this long after the due date. */
const REMINDER_AFTER_DUE_MS = 1_000;

export async function measureScale(bench: Bench, options: ScaleOptions, log: (line: string) => void): Promise<ScaleReport> {
  const taskQueue = 'bench-scale';
  const campaign = `scale-${randomUUID().slice(0, 6)}`;
  const threadOf = (c: string, vendor: string) => `engagement.${c}.${vendor}`;
  const clock = new MailClock(bench.sink);
  const worker = await bench.startWorker({ taskQueue, workerOptions: options.workerOptions });
  const serverPid = bench.server.process.pid!;
  const sample = async (): Promise<MemorySample> => {
    const own = await worker.memory();
    const workerProc = procMemory(worker.pid);
    const serverProc = procMemory(serverPid);
    return {
      workerRss: mib(own.rss),
      workerHeapUsed: mib(own.heapUsed),
      workerHeapTotal: mib(own.heapTotal),
      workerExternal: mib(own.external),
      workerRssAfterGc: mib(own.rssAfterGc),
      workerHeapUsedAfterGc: mib(own.heapUsedAfterGc),
      workerCachedWorkflows: own.cachedWorkflows,
      workerVmRss: mib(workerProc.rss),
      workerVmPeak: mib(workerProc.peak),
      serverVmRss: mib(serverProc.rss),
      serverVmPeak: mib(serverProc.peak),
    };
  };
  const start = (c: string, vendor: string, policy: Policy) =>
    bench.client.workflow.start('engagement', engagementStartOptions(engagementInput(c, vendor, policy), taskQueue));
  const progress = setInterval(() => log(`[scale] ${clock.count(stepIn('letter', `engagement.${campaign}.`))} open`), 15_000);
  try {
    const idle = await sample();
    // A few engagements first, so fonts, templates, the SMTP pool and the bundle are loaded before
    // the baseline: the growth from there on is what waiting engagements cost.
    const warmCampaign = `${campaign}-warm`;
    await mapLimit(['w1', 'w2', 'w3', 'w4', 'w5'], 5, (vendor) => start(warmCampaign, vendor, waitingPolicy('1 hour')));
    await clock.waitFor(stepIn('letter', `engagement.${warmCampaign}.`), 5, 120_000);
    const warm = await sample();
    const cpuBefore = { worker: cpuSeconds(worker.pid), server: cpuSeconds(serverPid) };

    // Each lane starts an engagement and waits for its letter before the next: the worker opens
    // engagements as fast as it can, without a backlog that would delay their first workflow task
    // (which fixes the due date) and so spread the due dates apart.
    const first = Date.now();
    const dueAt = first + options.leadMs;
    const vendors = Array.from({ length: options.m }, (_, i) => `v${i + 1}`);
    const startMs = await mapLimit(vendors, options.concurrency, async (vendor) => {
      const before = performance.now();
      await start(campaign, vendor, waitingPolicy(Math.max(1, dueAt - Date.now())));
      const took = performance.now() - before;
      await clock.waitFor(stepOfThread('letter', threadOf(campaign, vendor)), 1, Math.max(120_000, dueAt - Date.now()));
      return took;
    });
    const openSeconds = (Date.now() - first) / 1000;
    const openedLate = clock.count((a) => a.step === 'letter' && a.thread.startsWith(`engagement.${campaign}.`) && a.at > dueAt);
    log(`[scale] all ${options.m} open after ${round(openSeconds)} s (${round(options.m / openSeconds)}/s); reminders fall due in ${round((dueAt - Date.now()) / 1000)} s`);
    if (openedLate > 0) log(`[scale] ** ${openedLate} engagements opened after the due date: raise --scale-lead-ms **`);
    const allOpen = await sample();
    const threadsBefore = threadCpu(worker.pid);
    const windowStart = { at: Date.now(), server: cpuSeconds(serverPid), bench: process.cpuUsage() };
    log(
      `[scale] memory with all open: worker RSS ${allOpen.workerVmRss} MiB, ${allOpen.workerRssAfterGc} MiB after GC (main heap ${allOpen.workerHeapUsed} MiB of ${allOpen.workerHeapTotal}, ` +
        `${allOpen.workerCachedWorkflows} workflows cached), ` +
        `server RSS ${allOpen.serverVmRss} MiB`,
    );

    await clock.waitFor(stepIn('reminder-response-1', `engagement.${campaign}.`), options.m, Math.max(0, dueAt - Date.now()) + 120_000 + options.m * 100);
    const afterReminders = await sample();
    const threadsAfter = threadCpu(worker.pid);
    const benchCpu = process.cpuUsage(windowStart.bench);
    const reminderWindow = {
      seconds: round((Date.now() - windowStart.at) / 1000, 1),
      serverCpu: round(cpuSeconds(serverPid) - windowStart.server, 2),
      benchCpu: round((benchCpu.user + benchCpu.system) / 1e6, 2),
    };
    const workerThreadCpuDuringReminders = Object.fromEntries(
      [...threadsAfter].map(([name, seconds]) => [name, round(seconds - (threadsBefore.get(name) ?? 0), 2)]).filter(([, s]) => Number(s) > 0),
    );
    log(
      `[scale] CPU s from all open to the last reminder (${reminderWindow.seconds} s): worker ${JSON.stringify(workerThreadCpuDuringReminders)}, ` +
        `server ${reminderWindow.serverCpu}, bench ${reminderWindow.benchCpu}`,
    );
    const cpu = { worker: round(cpuSeconds(worker.pid) - cpuBefore.worker, 2), server: round(cpuSeconds(serverPid) - cpuBefore.server, 2) };
    const arrivals = new Map(clock.arrivals.filter(stepIn('reminder-response-1', `engagement.${campaign}.`)).map((a) => [a.thread, a.at]));
    // The planned time of each reminder is its own due date (as the workflow computed it) + cadence.
    const planned = await mapLimit(vendors, 20, async (vendor) => {
      const status = await bench.client.workflow.getHandle(engagementWorkflowId(campaign, vendor)).query(engagementStatusQuery);
      return Date.parse(status.responseDueDate!) + REMINDER_AFTER_DUE_MS;
    });
    const lateness = vendors.map((vendor, i) => arrivals.get(threadOf(campaign, vendor))! - planned[i]);
    const reminderLatenessMs = spread(lateness);
    const breakdown = await latenessBreakdown(bench, campaign, vendors, planned, arrivals);
    const burstSeconds = (Math.max(...arrivals.values()) - Math.min(...planned)) / 1000;
    const dueSpreadSeconds = (Math.max(...planned) - Math.min(...planned)) / 1000;
    log(
      `[scale] lateness: timer set late p50 ${breakdown.timerSetLate.p50} ms, fired late p50 ${breakdown.timerFiredLate.p50} ms, ` +
        `fired→task started p50 ${breakdown.firedToTaskStarted.p50} ms, task run p50 ${breakdown.taskStartedToCompleted.p50} ms, ` +
        `fired→activity p50 ${breakdown.firedToActivityScheduled.p50} ms, activity→sink p50 ${breakdown.startedToSink.p50} ms (${breakdown.sampled} sampled, ${breakdown.withTaskTimeout} with a timed-out task)`,
    );
    log(
      `[scale] reminders late by p50 ${reminderLatenessMs.p50} ms, p99 ${reminderLatenessMs.p99} ms, max ${reminderLatenessMs.max} ms; ` +
        `due dates within ${round(dueSpreadSeconds)} s, all sent ${round(burstSeconds)} s after the first fell due`,
    );
    return {
      settings: { ...options, reminderAfterDueMs: REMINDER_AFTER_DUE_MS },
      opensPerSecond: round(options.m / openSeconds),
      openSeconds: round(openSeconds, 2),
      startMs: spread(startMs),
      memory: { idle, warm, allOpen, afterReminders },
      workerMiBPerEngagement: round((allOpen.workerVmRss - warm.workerVmRss) / options.m, 3),
      serverMiBPerEngagement: round((allOpen.serverVmRss - warm.serverVmRss) / options.m, 3),
      openedLate,
      dueSpreadSeconds: round(dueSpreadSeconds, 2),
      reminderLatenessMs,
      latenessBreakdownMs: breakdown,
      burstSeconds: round(burstSeconds, 2),
      cpuSeconds: cpu,
      workerThreadCpuDuringReminders,
      reminderWindow,
    };
  } finally {
    clearInterval(progress);
    clock.stop();
    await worker.stop();
  }
}

export function waitingPolicy(responseDue: Policy['responseDue']): Policy {
  return {
    responseDue,
    reminderCadence: [REMINDER_AFTER_DUE_MS],
    finalNoticeAfter: '1 hour',
    closeAfter: '1 hour',
    followUpDue: '1 hour',
    demonstrationReminderLead: '1 hour',
    approvalReminderEvery: '1 hour',
  };
}

/** Up to 200 engagements, evenly spread over the start order, read from their histories. */
export async function latenessBreakdown(
  bench: Bench,
  campaign: string,
  vendors: string[],
  planned: number[],
  arrivals: Map<string, number>,
): Promise<ScaleReport['latenessBreakdownMs']> {
  const every = Math.max(1, Math.floor(vendors.length / 200));
  const picked = vendors.map((vendor, i) => ({ vendor, planned: planned[i] })).filter((_, i) => i % every === 0);
  const rows = await mapLimit(picked, 10, async ({ vendor, planned }) => {
    const times = await firstFiredTimer(bench.client, engagementWorkflowId(campaign, vendor));
    return times && { ...times, planned, arrived: arrivals.get(`engagement.${campaign}.${vendor}`)! };
  });
  const found = rows.filter((r) => r !== undefined);
  return {
    sampled: found.length,
    withTaskTimeout: found.filter((r) => r.taskTimeouts > 0).length,
    timerSetLate: spread(found.map((r) => r.timerDue - r.planned)),
    timerFiredLate: spread(found.map((r) => r.timerFired - r.timerDue)),
    firedToTaskStarted: spread(found.map((r) => r.taskStarted - r.timerFired)),
    taskStartedToCompleted: spread(found.map((r) => r.taskCompleted - r.taskStarted)),
    firedToActivityScheduled: spread(found.map((r) => r.activityScheduled - r.timerFired)),
    scheduledToStarted: spread(found.map((r) => r.activityStarted - r.activityScheduled)),
    startedToSink: spread(found.map((r) => r.arrived - r.activityStarted)),
  };
}

/** Default lead: time enough to open M engagements (each renders and sends a letter PDF) on a machine like this one. */
export function defaultLeadMs(m: number): number {
  return 12_000 + m * 100;
}
