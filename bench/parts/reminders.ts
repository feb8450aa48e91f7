// Parts 7 and 8: reminders of many open engagements on one worker with Dossier's own tuning (a
// bounded workflow cache, worker/config.ts).
//
// Part 7 (`spread`) opens N engagements whose first reminders fall due at random moments spread over
// a window (an hour for N = 10,000: the shape of a real caseload, not a burst). It reports the
// worker's memory (peak and settled), how fast engagements open, what a query costs for an
// engagement evicted from the cache against one still cached, and how late each reminder reached
// the mail sink after its planned time.
//
// Part 8 (`burst`) opens M engagements whose reminders fall due at the same moment and measures how
// fast the worker drains them (reminders/s), against the same burst of bare workflows with the same
// timers and a no-op step (bench/workflows/reminder-floor.ts), side by side in one run.
import { engagementStartOptions } from '../../client/api';
import os from 'node:os';
import { join } from 'node:path';
import { engagementStatusQuery } from '../../workflows/messages';
import type { Policy } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { engagementInput } from '../../test/helpers/fixtures';
import { MailClock, stepIn, stepOfThread } from '../lib/mail-clock';
import { cpuSeconds, threadCpu, vitestRunning, type Bench } from '../lib/setup';
import { mapLimit, median, mib, round, sleep, spread, type Spread } from '../lib/stats';
import { procMemory, type BenchWorker } from '../lib/worker-process';
import { monotonicMicros, summarizeThreadProfiles, type ProfileSummary } from '../lib/profile';
import { latenessBreakdown, type ScaleReport } from './scale';
import type { ReminderFloorInput } from '../workflows/reminder-floor';

/** The first reminder goes this long after the due date. */
const REMINDER_AFTER_DUE_MS = 1_000;

function waitingPolicy(responseDueMs: number): Policy {
  return {
    responseDue: Math.max(1, Math.round(responseDueMs)),
    reminderCadence: [REMINDER_AFTER_DUE_MS],
    // Far beyond the run: only the first reminder falls due while the bench watches.
    finalNoticeAfter: '1 day',
    closeAfter: '1 day',
    followUpDue: '1 day',
    demonstrationReminderLead: '1 hour',
    approvalReminderEvery: '1 day',
  };
}

interface Load {
  at: string;
  loadAverage: number[];
  /** Other people's test runs on the machine at that moment. */
  vitestRunning: boolean;
}

const load = (): Load => ({
  at: new Date().toISOString(),
  loadAverage: os.loadavg().map((l) => round(l, 2)),
  vitestRunning: vitestRunning(),
});

interface WorkerSample {
  at: string;
  /** Seconds since the first start. */
  t: number;
  vmRssMiB: number;
  vmPeakMiB: number;
  cachedWorkflows: number;
  open: number;
  remindersSent: number;
}

export interface SpreadOptions {
  count: number;
  /** The window the reminders fall due in. */
  spreadSeconds: number;
  /** From the first start to the beginning of that window. */
  leadMs: number;
  /**
   * Measure only the reminders due in the window's first seconds (all engagements are still opened
   * and wait): the same shape and rate as the whole window, in less time. Default: the whole window.
   */
  observeSeconds?: number;
  /** Engagements being opened at once. */
  concurrency: number;
  /** Over Dossier's tuning, for an experiment (e.g. a smaller cache on a small run). */
  workerOptions?: Record<string, unknown>;
  seed: number;
}

export interface SpreadReport {
  settings: SpreadOptions & { reminderAfterDueMs: number };
  load: { start: Load; allOpen: Load; end: Load };
  opensPerSecond: number;
  openSeconds: number;
  startMs: Spread;
  /** Engagements whose letter reached the sink after their reminder's planned time (excluded from lateness). */
  openedLate: number;
  /** Reminders that had not reached the sink ten minutes after the last one fell due. */
  missingReminders: number;
  /** Reminders measured: all of them, or those due in the observed part of the window. */
  observedReminders: number;
  memory: {
    idleMiB: number;
    /** VmHWM once the last reminder was out: the most the worker held while opening and reminding. */
    peakMiB: number;
    /**
     * VmHWM after the bench's own status query of every engagement (to read its planned time): a
     * storm of replays of evicted engagements that no user causes, reported apart.
     */
    peakAfterQueryingAllMiB: number;
    /** VmRSS once every engagement was open and a minute had passed with only reminders going on. */
    settledMiB: number;
    settledAfterGcMiB: number;
    endMiB: number;
    cachedWorkflowsSettled: number;
    serverRssMiB: number;
  };
  samples: WorkerSample[];
  /** Query round trips (ms): engagements evicted from the cache, the same ones again (now cached), and ones never evicted. */
  queryMs: { evicted: Spread; evictedAgain: Spread; cached: Spread };
  reminderLatenessMs: Spread;
  /** Those whose reminder fell due after every engagement was open (no opening going on). */
  reminderLatenessAfterAllOpenMs: Spread;
  latenessBreakdownMs: ScaleReport['latenessBreakdownMs'];
  cpuSeconds: { worker: number; server: number; seconds: number };
}

/** A small deterministic generator, so two runs with the same seed plan the same due times. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function measureSpread(bench: Bench, options: SpreadOptions, log: (line: string) => void): Promise<SpreadReport> {
  const taskQueue = 'bench-spread';
  const campaign = `spread-${Date.now().toString(36)}`;
  const prefix = `engagement.${campaign}.`;
  const threadOf = (vendor: string) => `${prefix}${vendor}`;
  const clock = new MailClock(bench.sink);
  const loadAtStart = load();
  const worker = await bench.startWorker({ taskQueue, workerOptions: options.workerOptions });
  const serverPid = bench.server.process.pid!;
  const start = (c: string, vendor: string, reminderAt: number) =>
    bench.client.workflow.start('engagement', engagementStartOptions(engagementInput(c, vendor, waitingPolicy(reminderAt - REMINDER_AFTER_DUE_MS - Date.now())), taskQueue));
  const samples: WorkerSample[] = [];
  const first = Date.now();
  const takeSample = async () => {
    const own = await worker.memory();
    const proc = procMemory(worker.pid);
    const sample: WorkerSample = {
      at: new Date().toISOString(),
      t: round((Date.now() - first) / 1000),
      vmRssMiB: mib(proc.rss),
      vmPeakMiB: mib(proc.peak),
      cachedWorkflows: own.cachedWorkflows,
      open: clock.count(stepIn('letter', prefix)),
      remindersSent: clock.count(stepIn('reminder-response-1', prefix)),
    };
    samples.push(sample);
    return sample;
  };
  const sampler = setInterval(() => {
    void takeSample().then(
      (s) => log(`[spread] ${s.open} open, ${s.remindersSent} reminders sent, worker RSS ${s.vmRssMiB} MiB (peak ${s.vmPeakMiB}), ${s.cachedWorkflows} cached`),
      () => undefined,
    );
  }, 30_000);
  try {
    const idle = procMemory(worker.pid);
    const cpuBefore = { worker: cpuSeconds(worker.pid), server: cpuSeconds(serverPid), at: Date.now() };
    // Due times drawn uniformly over the window; engagements open in the order they fall due.
    const next = random(options.seed);
    const windowStart = first + options.leadMs;
    const reminderAt = Array.from({ length: options.count }, () => windowStart + next() * options.spreadSeconds * 1000).sort((a, b) => a - b);
    const vendors = reminderAt.map((_, i) => `v${i + 1}`);
    const startMs = await mapLimit(vendors, options.concurrency, async (vendor, i) => {
      const before = performance.now();
      await start(campaign, vendor, reminderAt[i]);
      const took = performance.now() - before;
      // A letter that never comes counts as opened late below, rather than ending a long run.
      await clock.waitFor(stepOfThread('letter', threadOf(vendor)), 1, 600_000).catch(() => undefined);
      return took;
    });
    const allOpenAt = Date.now();
    const openSeconds = (allOpenAt - first) / 1000;
    const letters = new Map(clock.arrivals.filter(stepIn('letter', prefix)).map((a) => [a.thread, a.at]));
    const late = new Set(vendors.filter((v, i) => (letters.get(threadOf(v)) ?? Infinity) > reminderAt[i] - REMINDER_AFTER_DUE_MS));
    const loadAllOpen = load();
    log(`[spread] all ${options.count} open after ${round(openSeconds)} s (${round(options.count / openSeconds)}/s), ${late.size} opened after their due date`);

    // A minute with only reminders going on, then what the worker holds.
    await sleep(60_000);
    const settled = await worker.memory();
    const settledProc = procMemory(worker.pid);
    log(`[spread] settled: worker RSS ${mib(settledProc.rss)} MiB (${mib(settled.rssAfterGc)} after GC), peak ${mib(settledProc.peak)} MiB, ${settled.cachedWorkflows} cached`);

    const queryMs = await queryRoundTrips(bench, campaign, vendors, reminderAt);
    log(
      `[spread] query round trip p50: evicted ${queryMs.evicted.p50} ms, the same again ${queryMs.evictedAgain.p50} ms, never evicted ${queryMs.cached.p50} ms`,
    );

    const observeUntil = windowStart + (options.observeSeconds ?? options.spreadSeconds) * 1000;
    const observed = vendors.filter((_, i) => reminderAt[i] <= observeUntil);
    if (observed.length < vendors.length) log(`[spread] observing the ${observed.length} reminders due in the window's first ${options.observeSeconds} s`);
    const lastDue = reminderAt[observed.length - 1];
    // A long run keeps what it measured even if some reminders never come: they are counted as missing.
    // Counted on the observed engagements alone: a reminder due just past the cut must not stand in for a late one.
    const observedThreads = new Set(observed.map(threadOf));
    const observedReminder = (a: Parameters<ReturnType<typeof stepIn>>[0]) => stepIn('reminder-response-1', prefix)(a) && observedThreads.has(a.thread);
    await clock.waitFor(observedReminder, observed.length, Math.max(0, lastDue - Date.now()) + 600_000).catch((err: Error) => log(`[spread] ** ${err.message} **`));
    const end = await takeSample();
    const peakBeforeQueries = procMemory(worker.pid).peak;
    const cpu = {
      worker: round(cpuSeconds(worker.pid) - cpuBefore.worker, 1),
      server: round(cpuSeconds(serverPid) - cpuBefore.server, 1),
      seconds: round((Date.now() - cpuBefore.at) / 1000),
    };
    const loadAtEnd = load();
    const arrivals = new Map(clock.arrivals.filter(stepIn('reminder-response-1', prefix)).map((a) => [a.thread, a.at]));
    // The planned time of each reminder: its due date as the workflow fixed it (status query) + cadence.
    const planned = await mapLimit(observed, 20, async (vendor) => {
      const status = await bench.client.workflow.getHandle(engagementWorkflowId(campaign, vendor)).query(engagementStatusQuery);
      return Date.parse(status.responseDueDate!) + REMINDER_AFTER_DUE_MS;
    });
    const missing = observed.filter((v) => !arrivals.has(threadOf(v))).length;
    const onTime = observed.map((v, i) => ({ v, i })).filter(({ v }) => !late.has(v) && arrivals.has(threadOf(v)));
    const lateness = onTime.map(({ v, i }) => arrivals.get(threadOf(v))! - planned[i]);
    const afterAllOpen = onTime.filter(({ i }) => planned[i] > allOpenAt).map(({ v, i }) => arrivals.get(threadOf(v))! - planned[i]);
    const breakdown = await latenessBreakdown(bench, campaign, observed, planned, arrivals);
    const report: SpreadReport = {
      settings: { ...options, reminderAfterDueMs: REMINDER_AFTER_DUE_MS },
      load: { start: loadAtStart, allOpen: loadAllOpen, end: loadAtEnd },
      opensPerSecond: round(options.count / openSeconds),
      openSeconds: round(openSeconds),
      startMs: spread(startMs),
      openedLate: late.size,
      missingReminders: missing,
      observedReminders: observed.length,
      memory: {
        idleMiB: mib(idle.rss),
        peakMiB: mib(peakBeforeQueries),
        peakAfterQueryingAllMiB: mib(procMemory(worker.pid).peak),
        settledMiB: mib(settledProc.rss),
        settledAfterGcMiB: mib(settled.rssAfterGc),
        endMiB: end.vmRssMiB,
        cachedWorkflowsSettled: settled.cachedWorkflows,
        serverRssMiB: mib(procMemory(serverPid).rss),
      },
      samples,
      queryMs,
      reminderLatenessMs: spread(lateness),
      reminderLatenessAfterAllOpenMs: spread(afterAllOpen),
      latenessBreakdownMs: breakdown,
      cpuSeconds: cpu,
    };
    log(
      `[spread] reminders late by p50 ${report.reminderLatenessMs.p50} ms, p99 ${report.reminderLatenessMs.p99} ms, max ${report.reminderLatenessMs.max} ms ` +
        `(after all open: p99 ${report.reminderLatenessAfterAllOpenMs.p99} ms); worker peak ${report.memory.peakMiB} MiB, settled ${report.memory.settledMiB} MiB`,
    );
    return report;
  } finally {
    clearInterval(sampler);
    clock.stop();
    await worker.stop();
  }
}

/**
 * Query round trips, one at a time: 20 engagements opened early and long since evicted (no reminder
 * of theirs within a minute either way, so nothing woke them lately), then the same 20 again, now
 * back in the cache, and the 20 opened last. An evicted engagement is replayed from its history to
 * answer.
 */
async function queryRoundTrips(bench: Bench, campaign: string, vendors: string[], reminderAt: number[]): Promise<SpreadReport['queryMs']> {
  const quiet = (i: number) => Math.abs(reminderAt[i] - Date.now()) > 60_000;
  const last = vendors.slice(-20);
  const early = vendors.filter((v, i) => quiet(i) && !last.includes(v)).slice(0, 20);
  const timeQuery = async (vendor: string) => {
    const before = performance.now();
    await bench.client.workflow.getHandle(engagementWorkflowId(campaign, vendor)).query(engagementStatusQuery);
    return performance.now() - before;
  };
  const evicted: number[] = [];
  const cached: number[] = [];
  // Interleaved, so both see the same moment's load.
  for (let i = 0; i < Math.max(early.length, last.length); i++) {
    if (early[i]) evicted.push(await timeQuery(early[i]));
    if (last[i]) cached.push(await timeQuery(last[i]));
  }
  const evictedAgain: number[] = [];
  for (const vendor of early) evictedAgain.push(await timeQuery(vendor));
  return { evicted: spread(evicted), evictedAgain: spread(evictedAgain), cached: spread(cached) };
}

export interface ReminderBurstOptions {
  m: number;
  rounds: number;
  concurrency: number;
  workerOptions?: Record<string, unknown>;
  smtpPoolSize?: number;
  /** Profiles each burst's worker (every thread) into a folder of its own here; only the burst's window is summed. */
  cpuProfileDir?: string;
}

export interface ReminderBurstRun {
  kind: 'engagement' | 'floor';
  round: number;
  openSeconds: number;
  openedLate: number;
  /** Reminders / (last one out − first one planned). */
  drainPerSecond: number;
  drainSeconds: number;
  latenessMs: Spread;
  cachedWorkflows: number;
  /** From two seconds before the burst fell due until its last reminder: worker, dev server, bench (client and sink). */
  cpuSeconds: { worker: number; server: number; bench: number };
  /** The worker's CPU seconds in that window by thread name (main: activities and the SDK's plumbing; workflow threads). */
  workerThreadCpu: Record<string, number>;
  /** With `cpuProfileDir`: where the worker's CPU went in that window, by thread. */
  profile?: Record<string, ProfileSummary>;
}

export interface ReminderBurstReport {
  settings: ReminderBurstOptions & { workerTuning: string };
  load: { start: Load; end: Load };
  runs: ReminderBurstRun[];
  /** Median over rounds of engagement drain rate ÷ floor drain rate, each round side by side. */
  ratio: number;
  roundRatios: number[];
  engagementPerSecond: number;
  floorPerSecond: number;
}

export async function measureBurst(bench: Bench, options: ReminderBurstOptions, log: (line: string) => void): Promise<ReminderBurstReport> {
  const loadAtStart = load();
  const runs: ReminderBurstRun[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const order: ReminderBurstRun['kind'][] = r % 2 === 1 ? ['floor', 'engagement'] : ['engagement', 'floor'];
    for (const kind of order) {
      const run = await burstOnce(bench, kind, r, options, log);
      const profile = profiles.get(`${kind}-${r}`);
      if (profile) {
        run.profile = profile;
        for (const [thread, summary] of Object.entries(profile)) {
          if (summary.busyMs < 50) continue;
          log(`[burst profile] ${kind} ${r} ${thread}: ${summary.busyMs} ms busy; ${summary.byPackage.slice(0, 6).map((p) => `${p.name} ${p.percent}%`).join(', ')}`);
          log(`[burst profile]   ${summary.topFunctions.slice(0, 8).map((f) => `${f.name} (${f.where}) ${f.percent}%`).join('; ')}`);
        }
      }
      runs.push(run);
      log(
        `[burst] round ${r} ${kind}: ${options.m} reminders drained at ${run.drainPerSecond}/s (${run.drainSeconds} s), ` +
          `late p50 ${run.latenessMs.p50} ms p99 ${run.latenessMs.p99} ms, worker CPU ${run.cpuSeconds.worker} s, server ${run.cpuSeconds.server} s`,
      );
    }
  }
  const rate = (kind: ReminderBurstRun['kind'], round: number) => runs.find((x) => x.kind === kind && x.round === round)!.drainPerSecond;
  const roundRatios = Array.from({ length: options.rounds }, (_, i) => round(rate('engagement', i + 1) / rate('floor', i + 1), 2));
  return {
    settings: { ...options, workerTuning: 'worker/config.ts DEFAULT_WORKER_TUNING, then workerOptions' },
    load: { start: loadAtStart, end: load() },
    runs,
    ratio: round(median(roundRatios), 2),
    roundRatios,
    engagementPerSecond: round(median(runs.filter((x) => x.kind === 'engagement').map((x) => x.drainPerSecond))),
    floorPerSecond: round(median(runs.filter((x) => x.kind === 'floor').map((x) => x.drainPerSecond))),
  };
}

async function burstOnce(bench: Bench, kind: ReminderBurstRun['kind'], roundNumber: number, options: ReminderBurstOptions, log: (line: string) => void): Promise<ReminderBurstRun> {
  const taskQueue = `bench-burst-${kind}-${roundNumber}`;
  const campaign = `burst-${kind}-${roundNumber}-${Date.now().toString(36)}`;
  const prefix = `engagement.${campaign}.`;
  const clock = new MailClock(bench.sink);
  const profileDir = options.cpuProfileDir && join(options.cpuProfileDir, `${kind}-${roundNumber}`);
  const worker: BenchWorker = await bench.startWorker({ taskQueue, workerOptions: options.workerOptions, smtpPoolSize: options.smtpPoolSize, cpuProfileDir: profileDir });
  let window: { fromUs: number; toUs: number } | undefined;
  const serverPid = bench.server.process.pid!;
  const vendors = Array.from({ length: options.m }, (_, i) => `v${i + 1}`);
  const workflowId = (vendor: string) => engagementWorkflowId(campaign, vendor);
  try {
    // Time to open them all first (an engagement renders and sends its letter; the floor does nothing),
    // with room to spare so that the worker is idle when the burst falls due.
    const first = Date.now();
    const reminderAt = first + 20_000 + options.m * (kind === 'engagement' ? 400 : 50);
    await mapLimit(vendors, options.concurrency, async (vendor) => {
      if (kind === 'engagement') {
        const input = engagementInput(campaign, vendor, waitingPolicy(reminderAt - REMINDER_AFTER_DUE_MS - Date.now()));
        await bench.client.workflow.start('engagement', { ...engagementStartOptions(input, taskQueue), workflowId: workflowId(vendor) });
        await clock.waitFor(stepOfThread('letter', `${prefix}${vendor}`), 1, 600_000);
      } else {
        const input: ReminderFloorInput = { reminderAt, finalNoticeAfterMs: 86_400_000 };
        await bench.client.workflow.start('reminderFloor', { taskQueue, workflowId: workflowId(vendor), args: [input] });
      }
    });
    const openSeconds = round((Date.now() - first) / 1000);
    const openedLate = Date.now() > reminderAt - REMINDER_AFTER_DUE_MS ? 1 : 0;
    log(`[burst] round ${roundNumber} ${kind}: ${options.m} open after ${openSeconds} s; the burst falls due in ${round((reminderAt - Date.now()) / 1000)} s`);
    if (openedLate) log(`[burst] ** still opening when the burst fell due **`);
    await sleep(Math.max(0, reminderAt - Date.now() - 2_000));
    const cpuBefore = { worker: cpuSeconds(worker.pid), server: cpuSeconds(serverPid), bench: process.cpuUsage() };
    const threadsBefore = threadCpu(worker.pid);
    const fromUs = monotonicMicros();
    let done: Map<string, number>;
    const deadline = Date.now() + 600_000;
    if (kind === 'engagement') {
      await clock.waitFor(stepIn('reminder-response-1', prefix), options.m, 600_000);
      done = new Map(clock.arrivals.filter(stepIn('reminder-response-1', prefix)).map((a) => [a.thread, a.at]));
    } else {
      for (;;) {
        const reminders = await worker.floorReminders();
        const mine = Object.entries(reminders).filter(([id]) => id.startsWith(workflowId('')));
        if (mine.length >= options.m) {
          done = new Map(mine);
          break;
        }
        if (Date.now() > deadline) throw new Error(`only ${mine.length} of ${options.m} floor reminders ran in 10 minutes`);
        await sleep(250);
      }
    }
    window = { fromUs, toUs: monotonicMicros() };
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpu = {
      worker: round(cpuSeconds(worker.pid) - cpuBefore.worker, 2),
      server: round(cpuSeconds(serverPid) - cpuBefore.server, 2),
      bench: round((benchCpu.user + benchCpu.system) / 1e6, 2),
    };
    const threadsAfter = threadCpu(worker.pid);
    const workerThreadCpu = Object.fromEntries(
      [...threadsAfter].map(([name, seconds]) => [name, round(seconds - (threadsBefore.get(name) ?? 0), 2)]).filter(([, seconds]) => Number(seconds) > 0),
    );
    const cached = (await worker.memory()).cachedWorkflows;
    // Each engagement's planned time is its own due date (status query) + cadence; the floor's is fixed.
    const planned =
      kind === 'engagement'
        ? await mapLimit(vendors, 20, async (vendor) => {
            const status = await bench.client.workflow.getHandle(workflowId(vendor)).query(engagementStatusQuery);
            return Date.parse(status.responseDueDate!) + REMINDER_AFTER_DUE_MS;
          })
        : vendors.map(() => reminderAt);
    // Engagements by the thread their Message-ID names, floor workflows by their workflow ID.
    const outAt = vendors.map((vendor) => done.get(kind === 'engagement' ? `${prefix}${vendor}` : workflowId(vendor))!);
    const drainSeconds = (Math.max(...outAt) - Math.min(...planned)) / 1000;
    return {
      kind,
      round: roundNumber,
      openSeconds,
      openedLate,
      drainPerSecond: round(options.m / drainSeconds),
      drainSeconds: round(drainSeconds, 2),
      latenessMs: spread(outAt.map((at, i) => at - planned[i])),
      cachedWorkflows: cached,
      cpuSeconds: cpu,
      workerThreadCpu,
    };
  } finally {
    clock.stop();
    await worker.stop();
    if (profileDir && window) profiles.set(`${kind}-${roundNumber}`, summarizeThreadProfiles(profileDir, window));
  }
}

/** Burst profiles by run (`engagement-1`), read once the run's worker has stopped and written them. */
const profiles = new Map<string, Record<string, ProfileSummary>>();
