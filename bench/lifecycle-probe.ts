// What one lifecycle costs the worker, measured apart from the machine's load on wall time (issue 16):
// `record` drives one engagement and one floor lifecycle (the bench's driver, worker and server) and
// saves their histories and the bundle; `describe` prints each history's events by workflow task;
// `replay` replays each history N times in this process and prints CPU per lifecycle and the calls
// into the workflow sandbox by entry point; `activities` calls the engagement's activities (as its history
// scheduled them: letter, acknowledgement, follow-up, invitation) N times against a local mail sink
// (SINK_URL=smtp://… for one in another process) and prints their CPU per lifecycle (PROFILE=1 writes a CPU profile); `cpu` drives N lifecycles of
// each kind, four at a time, in alternating rounds on the bench's worker and server, and prints the
// CPU each process spent per lifecycle and the histories' events and workflow tasks. CPU time, not wall time: on
// a shared machine it moves far less with the load. Run the same command in two trees to compare.
//   node --import tsx bench/lifecycle-probe.ts record|describe|replay|activities|cpu   (PROBE_OUT=<folder>, N=<count>;
//   replay: ONLY=engagement|floor, UNTIL=first-timer, PROMISE_SITES=1)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { promiseHooks } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSmtpTransport } from '../activities/email';
import { MailSink } from '../infra/mail-sink';
import { engagementInput, patientPolicy } from '../test/helpers/fixtures';
import type { OutgoingMessage } from '../workflows/types';
import { driveLifecycle } from './lib/lifecycle-driver';
import { countHistory } from './lib/history';
import { cpuSeconds, startBench } from './lib/setup';
import { mapLimit } from './lib/stats';

const EventType = temporal.api.enums.v1.EventType;
const out = process.env.PROBE_OUT ?? join(tmpdir(), 'dossier-lifecycle-probe');
const n = Number(process.env.N ?? 40);
const files = { engagement: join(out, 'engagement.json'), floor: join(out, 'floor.json'), bundle: join(out, 'bundle.js') };

async function record(): Promise<void> {
  const bench = await startBench(console.log);
  const worker = await bench.startWorker({ taskQueue: 'probe' });
  try {
    // The first of each warms the worker; the second is kept.
    for (const [kind, vendor, file] of [
      ['engagement', 'v0', undefined],
      ['engineFloor', 'f0', undefined],
      ['engagement', 'v1', files.engagement],
      ['engineFloor', 'f1', files.floor],
    ] as const) {
      const workflowId = `${kind === 'engagement' ? 'engagement' : 'floor'}:probe:${vendor}`;
      await driveLifecycle(bench.client, kind, 'probe', workflowId, engagementInput('probe', vendor, patientPolicy()));
      if (file) writeFileSync(file, historyToJSON(await bench.client.workflow.getHandle(workflowId).fetchHistory()));
    }
    writeFileSync(files.bundle, readFileSync(bench.bundlePath));
  } finally {
    await worker.stop();
    await bench.close();
  }
}

function describe(file: string): void {
  const events = historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))).events ?? [];
  const tasks: string[][] = [[]];
  for (const event of events) {
    const name = EventType[event.eventType!].replace('EVENT_TYPE_', '');
    tasks.at(-1)!.push(name);
    if (name === 'WORKFLOW_TASK_COMPLETED') tasks.push([]);
  }
  console.log(`${file}: ${events.length} events, ${tasks.length - 1} workflow tasks completed`);
  for (const task of tasks) console.log(`    ${task.join(' ')}`);
}

/** Calls into the workflow sandbox by entry point (activate, tryUnblockConditions…). */
const sandboxCalls = new Map<string, number>();
function countSandboxCalls(): void {
  const run = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, ...rest: unknown[]) {
    const entry = String((context as { __temporal_args?: unknown[] }).__temporal_args?.[1] ?? 'other');
    sandboxCalls.set(entry, (sandboxCalls.get(entry) ?? 0) + 1);
    return (run as (...args: unknown[]) => unknown).call(this, context, ...rest);
  } as typeof run;
}

/**
 * The history as it stood when the case slept on its first timer (the response's first reminder):
 * what a worker replays when it wakes a case it had evicted.
 */
function untilFirstTimer(json: { events: { eventType: string }[] }): typeof json {
  const timer = json.events.findIndex((e) => e.eventType === 'EVENT_TYPE_TIMER_STARTED');
  let end = timer;
  while (end + 1 < json.events.length && json.events[end + 1]!.eventType !== 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED') end++;
  return { ...json, events: json.events.slice(0, end + 1) };
}

/** Promises created in a workflow sandbox: the SDK captures a stack trace for each (its stack-trace query). */
let sandboxPromises = 0;
/** With PROMISE_SITES=1, the same promises by where they were created: the first four named frames. */
const promiseSites = new Map<string, number>();
function countSandboxPromises(bySite: boolean): void {
  promiseHooks.onInit((promise) => {
    if (promise.constructor === Promise) return;
    sandboxPromises++;
    if (!bySite) return;
    const site = (new Error().stack ?? '')
      .split('\n')
      .slice(2)
      .map((line) => line.trim().replace(/^at (async )?/, '').replace(/ \(.*$/, ''))
      .filter((name) => !/^(initAll|new Promise|Promise\.then|<anonymous>)$/.test(name))
      .slice(0, 4)
      .join(' < ');
    promiseSites.set(site, (promiseSites.get(site) ?? 0) + 1);
  });
}

function printPromiseSites(count: number): void {
  for (const [site, created] of [...promiseSites].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${(Math.round((10 * created) / count) / 10).toString().padStart(7)}  ${site}`);
  }
  promiseSites.clear();
}

async function replay(file: string): Promise<void> {
  const recorded = JSON.parse(readFileSync(file, 'utf8'));
  const json = process.env.UNTIL === 'first-timer' ? untilFirstTimer(recorded) : recorded;
  const histories = (count: number) => Array.from({ length: count }, (_, i) => ({ workflowId: `replay-${i}`, history: historyFromJSON(json) }));
  const options = { workflowBundle: { codePath: files.bundle } };
  for await (const r of Worker.runReplayHistories({ ...options, replayName: 'warm' }, histories(3))) if (r.error) throw r.error;
  sandboxCalls.clear();
  sandboxPromises = 0;
  promiseSites.clear();
  const before = process.cpuUsage();
  for await (const r of Worker.runReplayHistories({ ...options, replayName: 'probe' }, histories(n))) if (r.error) throw r.error;
  const cpu = process.cpuUsage(before);
  const calls = Object.fromEntries([...sandboxCalls].map(([entry, count]) => [entry, Math.round((10 * count) / n) / 10]));
  console.log(
    `replay ${file}${json === recorded ? '' : ' (until its first timer)'}: ${((cpu.user + cpu.system) / 1000 / n).toFixed(1)} ms CPU per lifecycle; sandbox calls ${JSON.stringify(calls)}, ` +
      `${Math.round(sandboxPromises / n)} promises created in the sandbox`,
  );
  if (promiseSites.size) printPromiseSites(n);
}

async function activities(profile: boolean): Promise<void> {
  // SINK_URL: a sink in another process, so the CPU printed is the activities' alone.
  const sink = process.env.SINK_URL ? undefined : await new MailSink().start();
  sink?.on('message', () => (sink.messages.length = 0));
  const smtpUrl = process.env.SINK_URL ?? sink!.url;
  const scratch = join(out, `activities-${process.pid}`);
  const transport = createSmtpTransport(smtpUrl, { maxConnections: 10 });
  const { sendMessage } = createActivities({ smtpUrl, mailFrom: 'Dossier Bench <dossier@bench.example>', outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), transport });
  const events = historyFromJSON(JSON.parse(readFileSync(files.engagement, 'utf8'))).events ?? [];
  const messages = events
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'sendMessage')
    .map((a) => defaultPayloadConverter.fromPayload(a!.input!.payloads![0] as never) as OutgoingMessage);
  console.log(`a lifecycle sends: ${messages.map((m) => m.kind).join(', ')}`);
  // A thread of its own per lifecycle: the ledger would otherwise find every message already sent.
  const lifecycle = async (i: number) => {
    for (const message of messages) await sendMessage({ ...message, threadId: `engagement:probe${i}:v${i}` });
  };
  for (let i = 0; i < 3; i++) await lifecycle(n + i);
  const session = new Session();
  if (profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const before = process.cpuUsage();
  let next = 0;
  // Four lifecycles at a time, as they overlap on the bench worker.
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < n) await lifecycle(next++);
  }));
  const cpu = process.cpuUsage(before);
  console.log(`activities: ${((cpu.user + cpu.system) / 1000 / n).toFixed(1)} ms CPU per lifecycle (${n} lifecycles, ${sink ? 'the mail sink included' : 'the mail sink in another process'})`);
  if (profile) writeFileSync(join(out, 'activities.cpuprofile'), JSON.stringify((await session.post('Profiler.stop')).profile));
  transport.close();
  await sink?.stop();
}

/** CPU of the worker and server processes per lifecycle, by kind, in alternating rounds (four lifecycles at once). */
async function cpu(): Promise<void> {
  const bench = await startBench(() => undefined);
  const worker = await bench.startWorker({ taskQueue: 'probe' });
  const kinds = ['engineFloor', 'engagement'] as const;
  const totals = { engagement: { worker: 0, server: 0, events: 0, tasks: 0, count: 0 }, engineFloor: { worker: 0, server: 0, events: 0, tasks: 0, count: 0 } };
  try {
    const run = (kind: (typeof kinds)[number], id: string) => {
      const workflowId = `${kind === 'engagement' ? 'engagement' : 'floor'}:probe:${id}`;
      // NO_SEARCH_ATTRIBUTES=1: the engagement without its board data, to weigh what publishing it costs.
      const input = { ...engagementInput('probe', id, patientPolicy()), ...(process.env.NO_SEARCH_ATTRIBUTES === '1' ? { searchAttributes: false } : {}) };
      return driveLifecycle(bench.client, kind, 'probe', workflowId, input).then(() => workflowId);
    };
    await run('engagement', 'warm-e');
    await run('engineFloor', 'warm-f');
    // What the two processes spend doing nothing (polls, the server's own queues), subtracted below.
    const idleStart = { worker: cpuSeconds(worker.pid), server: cpuSeconds(bench.server.process.pid!), at: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const idleSeconds = (performance.now() - idleStart.at) / 1000;
    const idle = { worker: (cpuSeconds(worker.pid) - idleStart.worker) / idleSeconds, server: (cpuSeconds(bench.server.process.pid!) - idleStart.server) / idleSeconds };
    console.log(`idle: worker ${(1000 * idle.worker).toFixed(0)} ms/s, server ${(1000 * idle.server).toFixed(0)} ms/s`);
    for (let round = 1; round <= 3; round++) {
      for (const kind of round % 2 ? kinds : [...kinds].reverse()) {
        const before = { worker: cpuSeconds(worker.pid), server: cpuSeconds(bench.server.process.pid!), at: performance.now() };
        const ids = await mapLimit(Array.from({ length: n }, (_, i) => `r${round}-${i}`), 4, (id) => run(kind, id));
        const seconds = (performance.now() - before.at) / 1000;
        const t = totals[kind];
        t.worker += cpuSeconds(worker.pid) - before.worker - idle.worker * seconds;
        t.server += cpuSeconds(bench.server.process.pid!) - before.server - idle.server * seconds;
        for (const id of ids.slice(0, 5)) {
          const counts = await countHistory(bench.client, id);
          t.events += counts.events / 5;
          t.tasks += counts.workflowTasks / 5;
        }
        t.count += n;
      }
    }
  } finally {
    await worker.stop();
    await bench.close();
  }
  for (const kind of kinds) {
    const t = totals[kind];
    const rounds = t.count / n;
    console.log(
      `${kind}: worker ${((1000 * t.worker) / t.count).toFixed(1)} ms, server ${((1000 * t.server) / t.count).toFixed(1)} ms CPU per lifecycle above idle; ` +
        `${(t.events / rounds).toFixed(1)} events, ${(t.tasks / rounds).toFixed(1)} workflow tasks (${t.count} lifecycles)`,
    );
  }
}

async function main(mode: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  if (mode === 'record') await record();
  else if (mode === 'describe') [files.engagement, files.floor].forEach(describe);
  else if (mode === 'replay') {
    const { ONLY, UNTIL } = process.env;
    if (ONLY !== undefined && ONLY !== 'engagement' && ONLY !== 'floor') throw new Error(`ONLY=${ONLY}: engagement or floor`);
    if (UNTIL !== undefined && UNTIL !== 'first-timer') throw new Error(`UNTIL=${UNTIL}: first-timer, or unset for the whole history`);
    countSandboxCalls();
    // PROMISE_SITES=1 also prints the promises per lifecycle by the frames that created them.
    countSandboxPromises(process.env.PROMISE_SITES === '1');
    // UNTIL=first-timer replays each history only as far as its first timer (a case woken by its first reminder).
    // ONLY=engagement|floor replays one kind, for a CPU profile of it alone (node --cpu-prof).
    if (ONLY !== 'engagement') await replay(files.floor);
    if (ONLY !== 'floor') await replay(files.engagement);
  } else if (mode === 'activities') await activities(process.env.PROFILE === '1');
  else if (mode === 'cpu') await cpu();
  else throw new Error(`unknown mode ${mode}: record, describe, replay, activities or cpu`);
}

void main(process.argv[2] ?? 'record').then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
