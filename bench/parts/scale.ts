// Part 2: many open engagements at once, all waiting on their first reminder. Every engagement's
// due date is set so that all reminders fall due at the same moment; the part measures how fast
// engagements start, what the worker and the dev server hold in memory while they wait, and how
// late each reminder reaches the mail sink compared with its planned time (due date + cadence).
import { randomUUID } from 'node:crypto';
import { engagementStatusQuery } from '../../workflows/messages';
import { engagementWorkflowId, type Policy } from '../../workflows/types';
import { firstFiredTimer } from '../lib/history';
import { benchEngagementInput } from '../lib/lifecycle-driver';
import { MailClock } from '../lib/mail-clock';
import { cpuSeconds, type Bench } from '../lib/setup';
import { mapLimit, mib, round, spread, type Spread } from '../lib/stats';
import { procMemory } from '../lib/worker-process';

export interface ScaleOptions {
  m: number;
  /** Starts in flight at once from the client. */
  concurrency: number;
  /** From the first start to the moment every reminder falls due; long enough for all letters to go out. */
  leadMs: number;
}

export interface MemorySample {
  /** What the worker process reports itself (process.memoryUsage), in MiB. */
  workerRss: number;
  workerHeapUsed: number;
  /** The kernel's figures (VmRSS, VmHWM), in MiB. */
  workerVmRss: number;
  workerVmPeak: number;
  serverVmRss: number;
  serverVmPeak: number;
}

export interface ScaleReport {
  settings: ScaleOptions & { reminderAfterDueMs: number };
  startsPerSecond: number;
  startSeconds: number;
  /** From the first start until every open letter had reached the sink. */
  allOpenSeconds: number;
  lettersPerSecond: number;
  memory: { idle: MemorySample; warm: MemorySample; allOpen: MemorySample; afterReminders: MemorySample };
  /** (all open − warm) / M: what each waiting engagement adds to the worker's resident memory. */
  workerMiBPerEngagement: number;
  serverMiBPerEngagement: number;
  /** Engagements still being opened when the reminders fell due: their lateness is not the timers' fault. */
  openedLate: number;
  reminderLatenessMs: Spread;
  /** Where the lateness goes, from the server's event times of a sample of engagements. */
  latenessBreakdownMs: {
    sampled: number;
    timerFiredLate: Spread;
    firedToActivityScheduled: Spread;
    scheduledToStarted: Spread;
    startedToSink: Spread;
  };
  /** From the planned time until the last reminder arrived. */
  burstSeconds: number;
  cpuSeconds: { worker: number; server: number };
}

/** The first reminder goes this long after the due date. */
const REMINDER_AFTER_DUE_MS = 1_000;

export async function measureScale(bench: Bench, options: ScaleOptions, log: (line: string) => void): Promise<ScaleReport> {
  const taskQueue = 'bench-scale';
  const campaign = `scale-${randomUUID().slice(0, 6)}`;
  const threadPrefix = `engagement.${campaign}.`;
  const clock = new MailClock(bench.sink);
  const worker = await bench.startWorker({ taskQueue });
  const serverPid = bench.server.process.pid!;
  const sample = async (): Promise<MemorySample> => {
    const own = await worker.memory();
    const workerProc = procMemory(worker.pid);
    const serverProc = procMemory(serverPid);
    return {
      workerRss: mib(own.rss),
      workerHeapUsed: mib(own.heapUsed),
      workerVmRss: mib(workerProc.rss),
      workerVmPeak: mib(workerProc.peak),
      serverVmRss: mib(serverProc.rss),
      serverVmPeak: mib(serverProc.peak),
    };
  };
  try {
    const idle = await sample();
    // A few engagements first, so fonts, templates, the SMTP pool and the bundle are loaded before
    // the baseline: the growth from there on is what waiting engagements cost.
    const warmCampaign = `${campaign}-warm`;
    await mapLimit(['w1', 'w2', 'w3', 'w4', 'w5'], 5, (vendor) =>
      bench.client.workflow.start('engagement', {
        taskQueue,
        workflowId: engagementWorkflowId(warmCampaign, vendor),
        args: [benchEngagementInput(warmCampaign, vendor, waitingPolicy('1 hour'))],
      }),
    );
    await clock.waitFor('letter', 5, `engagement.${warmCampaign}.`, 120_000);
    const warm = await sample();
    const cpuBefore = { worker: cpuSeconds(worker.pid), server: cpuSeconds(serverPid) };
    const first = Date.now();
    const dueAt = first + options.leadMs;
    const vendors = Array.from({ length: options.m }, (_, i) => `v${i + 1}`);
    let started = 0;
    const progress = setInterval(() => log(`[scale] ${started} started, ${clock.count('letter', threadPrefix)} letters sent`), 10_000);
    try {
      await mapLimit(vendors, options.concurrency, async (vendor) => {
        // The same absolute due date for all: each engagement measures it from its own start.
        const policy = waitingPolicy(Math.max(1, dueAt - Date.now()));
        await bench.client.workflow.start('engagement', {
          taskQueue,
          workflowId: engagementWorkflowId(campaign, vendor),
          args: [benchEngagementInput(campaign, vendor, policy)],
        });
        started++;
      });
      const startSeconds = (Date.now() - first) / 1000;
      log(`[scale] ${options.m} started in ${round(startSeconds)} s (${round(options.m / startSeconds)}/s)`);
      await clock.waitFor('letter', options.m, threadPrefix, Math.max(60_000, dueAt - Date.now() + 60_000));
      const allOpenSeconds = (Date.now() - first) / 1000;
      const openedLate = clock.arrivals.filter((a) => a.step === 'letter' && a.thread.startsWith(threadPrefix) && a.at > dueAt).length;
      log(`[scale] all ${options.m} letters out after ${round(allOpenSeconds)} s; reminders fall due in ${round((dueAt - Date.now()) / 1000)} s`);
      if (openedLate > 0) log(`[scale] ** ${openedLate} engagements opened after the due date: raise --scale-lead-ms **`);
      const allOpen = await sample();
      log(`[scale] memory with all open: worker RSS ${allOpen.workerRss} MiB (heap ${allOpen.workerHeapUsed}), server RSS ${allOpen.serverVmRss} MiB`);

      const plannedBase = dueAt + REMINDER_AFTER_DUE_MS;
      await clock.waitFor('reminder-response-1', options.m, threadPrefix, Math.max(0, plannedBase - Date.now()) + 120_000 + options.m * 50);
      const afterReminders = await sample();
      // The planned time of each reminder is its own due date (as the workflow computed it) + cadence.
      const arrivals = new Map(
        clock.arrivals.filter((a) => a.step === 'reminder-response-1' && a.thread.startsWith(threadPrefix)).map((a) => [a.thread, a.at]),
      );
      const lateness = await mapLimit(vendors, 20, async (vendor) => {
        const status = await bench.client.workflow.getHandle(engagementWorkflowId(campaign, vendor)).query(engagementStatusQuery);
        const planned = Date.parse(status.responseDueDate!) + REMINDER_AFTER_DUE_MS;
        return arrivals.get(`${threadPrefix}${vendor}`)! - planned;
      });
      const latenessMs = spread(lateness);
      const breakdown = await latenessBreakdown(bench, campaign, vendors, arrivals, threadPrefix);
      const burstSeconds = (Math.max(...arrivals.values()) - plannedBase) / 1000;
      log(
        `[scale] of which: timer fired late p50 ${breakdown.timerFiredLate.p50} ms, fired→activity scheduled p50 ${breakdown.firedToActivityScheduled.p50} ms, ` +
          `scheduled→started p50 ${breakdown.scheduledToStarted.p50} ms, started→at the sink p50 ${breakdown.startedToSink.p50} ms (${breakdown.sampled} sampled)`,
      );
      log(`[scale] reminders late by p50 ${latenessMs.p50} ms, p99 ${latenessMs.p99} ms, max ${latenessMs.max} ms; last one ${round(burstSeconds)} s after due`);
      return {
        settings: { ...options, reminderAfterDueMs: REMINDER_AFTER_DUE_MS },
        startsPerSecond: round(options.m / startSeconds),
        startSeconds: round(startSeconds, 2),
        allOpenSeconds: round(allOpenSeconds, 2),
        lettersPerSecond: round(options.m / allOpenSeconds),
        memory: { idle, warm, allOpen, afterReminders },
        workerMiBPerEngagement: round((allOpen.workerVmRss - warm.workerVmRss) / options.m, 3),
        serverMiBPerEngagement: round((allOpen.serverVmRss - warm.serverVmRss) / options.m, 3),
        openedLate,
        reminderLatenessMs: latenessMs,
        latenessBreakdownMs: breakdown,
        burstSeconds: round(burstSeconds, 2),
        cpuSeconds: { worker: round(cpuSeconds(worker.pid) - cpuBefore.worker, 2), server: round(cpuSeconds(serverPid) - cpuBefore.server, 2) },
      };
    } finally {
      clearInterval(progress);
    }
  } finally {
    clock.stop();
    await worker.stop();
  }
}

function waitingPolicy(responseDue: Policy['responseDue']): Policy {
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
async function latenessBreakdown(
  bench: Bench,
  campaign: string,
  vendors: string[],
  arrivals: Map<string, number>,
  threadPrefix: string,
): Promise<ScaleReport['latenessBreakdownMs']> {
  const step = Math.max(1, Math.floor(vendors.length / 200));
  const sample = vendors.filter((_, i) => i % step === 0);
  const rows = await mapLimit(sample, 10, async (vendor) => {
    const workflowId = engagementWorkflowId(campaign, vendor);
    const [times, status] = await Promise.all([
      firstFiredTimer(bench.client, workflowId),
      bench.client.workflow.getHandle(workflowId).query(engagementStatusQuery),
    ]);
    if (!times) return undefined;
    const planned = Date.parse(status.responseDueDate!) + REMINDER_AFTER_DUE_MS;
    return { ...times, planned, arrived: arrivals.get(`${threadPrefix}${vendor}`)! };
  });
  const found = rows.filter((r) => r !== undefined);
  return {
    sampled: found.length,
    timerFiredLate: spread(found.map((r) => r.timerFired - r.planned)),
    firedToActivityScheduled: spread(found.map((r) => r.activityScheduled - r.timerFired)),
    scheduledToStarted: spread(found.map((r) => r.activityStarted - r.activityScheduled)),
    startedToSink: spread(found.map((r) => r.arrived - r.activityStarted)),
  };
}

/** Default lead: time enough to start M engagements and send their letters on this kind of machine. */
export function defaultLeadMs(m: number): number {
  return 20_000 + m * 200;
}

