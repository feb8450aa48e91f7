// Prints a results JSON of `npm run bench` as the Markdown tables BENCHMARKS.md quotes, so the
// document's figures are copied from a run, not typed by hand:
//   node --import tsx bench/report.ts bench/results/latest.json
import { readFileSync } from 'node:fs';

type Json = any;

const file = process.argv[2] ?? 'bench/results/latest.json';
const r: Json = JSON.parse(readFileSync(file, 'utf8'));
const lines: string[] = [];
const table = (head: string[], rows: (string | number)[][]) => {
  lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  lines.push('');
};

const m = r.machine;
lines.push(`Run ${r.startedAt} → ${r.finishedAt ?? '(unfinished)'} · ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.temporalCli}`);
lines.push(`Load average at start ${m.loadAverage.join(' ')}${m.vitestRunning ? ' (other test runs active)' : ''}; at end ${r.machineAtEnd?.loadAverage?.join(' ') ?? '?'}${r.machineAtEnd?.vitestRunning ? ' (other test runs active)' : ''}`, '');

if (r.lifecycle) {
  const l = r.lifecycle;
  lines.push(`### Lifecycle against the floor (n=${l.settings.n}, concurrency ${l.settings.concurrency}, ${l.settings.rounds} rounds)`, '');
  table(
    ['variant', 'engagement /s', 'floor /s', 'ratio (rounds)', 'activities', 'timers', 'updates', 'events (engagement / floor)'],
    l.variants.map((v: Json) => [
      v.encrypted ? 'encrypted' : 'plain',
      v.engagementPerSecond,
      v.floorPerSecond,
      `${v.ratio} (${(v.roundRatios ?? []).join(', ')})`,
      `${v.shape.engagement.activities} / ${v.shape.floor.activities}`,
      `${v.shape.engagement.timers} / ${v.shape.floor.timers}`,
      `${v.shape.engagement.updates} / ${v.shape.floor.updates}`,
      `${v.shape.engagement.events} / ${v.shape.floor.events}`,
    ]),
  );
  table(
    ['variant', 'round', 'workflow', 'lifecycles/s', 'p50 ms', 'p99 ms', 'worker CPU ms', 'server CPU ms', 'bench CPU ms', 'retries', 'activities ms', 'workflow tasks (ms)'],
    l.variants.flatMap((v: Json) =>
      v.batches.map((b: Json) => [
        v.encrypted ? 'encrypted' : 'plain',
        b.round,
        b.kind,
        b.lifecyclesPerSecond,
        b.latencyMs.p50,
        b.latencyMs.p99,
        Math.round(b.cpuPerLifecycle.worker * 1000),
        Math.round(b.cpuPerLifecycle.server * 1000),
        Math.round(b.cpuPerLifecycle.client * 1000),
        b.retriesPerLifecycle,
        b.historyTimes ? b.historyTimes.activityMs.join(' / ') : '',
        b.historyTimes ? `${b.historyTimes.workflowTasks} (${b.historyTimes.workflowTaskMs})` : '',
      ]),
    ),
  );
  for (const [thread, p] of Object.entries<Json>(l.workerProfiles ?? {})) {
    lines.push(`Worker ${thread}, ${p.busyMs} ms busy: ${p.byPackage.slice(0, 8).map((x: Json) => `${x.name} ${x.percent}%`).join(', ')}`, '');
  }
}

if (r.scale) {
  const s = r.scale;
  const mem = (x: Json) => [x.workerVmRss, x.workerRssAfterGc ?? '', x.workerHeapUsed, x.workerCachedWorkflows, x.serverVmRss];
  lines.push(`### Scale: ${s.settings.m} open engagements (lead ${s.settings.leadMs / 1000} s, ${s.settings.concurrency} opening at once)`, '');
  lines.push(`Opened ${s.opensPerSecond}/s (start call p50 ${s.startMs.p50} ms); opened after the due date: ${s.openedLate}; due dates within ${s.dueSpreadSeconds} s.`, '');
  table(
    ['moment', 'worker RSS MiB', 'after GC', 'main heap MiB', 'cached workflows', 'server RSS MiB'],
    Object.entries<Json>(s.memory).map(([moment, x]) => [moment, ...mem(x)]),
  );
  lines.push(`Peak RSS: worker ${s.memory.afterReminders.workerVmPeak} MiB, server ${s.memory.afterReminders.serverVmPeak} MiB. Growth from warm to all open: worker ${s.workerMiBPerEngagement} MiB, server ${s.serverMiBPerEngagement} MiB per engagement.`, '');
  const b = s.latenessBreakdownMs;
  table(
    ['reminder lateness (ms)', 'p50', 'p90', 'p99', 'max'],
    [
      ['planned → at the sink', s.reminderLatenessMs.p50, s.reminderLatenessMs.p90, s.reminderLatenessMs.p99, s.reminderLatenessMs.max],
      ['planned → server due (timer set late)', b.timerSetLate.p50, b.timerSetLate.p90, b.timerSetLate.p99, b.timerSetLate.max],
      ['server due → TimerFired', b.timerFiredLate.p50, b.timerFiredLate.p90, b.timerFiredLate.p99, b.timerFiredLate.max],
      ['TimerFired → workflow task started', b.firedToTaskStarted?.p50, b.firedToTaskStarted?.p90, b.firedToTaskStarted?.p99, b.firedToTaskStarted?.max],
      ['workflow task run', b.taskStartedToCompleted?.p50, b.taskStartedToCompleted?.p90, b.taskStartedToCompleted?.p99, b.taskStartedToCompleted?.max],
      ['TimerFired → activity scheduled', b.firedToActivityScheduled.p50, b.firedToActivityScheduled.p90, b.firedToActivityScheduled.p99, b.firedToActivityScheduled.max],
      ['activity started → at the sink', b.startedToSink.p50, b.startedToSink.p90, b.startedToSink.p99, b.startedToSink.max],
    ],
  );
  lines.push(`All reminders at the sink ${s.burstSeconds} s after the first fell due. CPU: worker ${s.cpuSeconds.worker} s, server ${s.cpuSeconds.server} s; from all open to the last reminder${s.reminderWindow ? ` (${s.reminderWindow.seconds} s)` : ''}: worker threads ${JSON.stringify(s.workerThreadCpuDuringReminders ?? {})}${s.reminderWindow ? `, server ${s.reminderWindow.serverCpu} s, bench process ${s.reminderWindow.benchCpu} s` : ''}.`, '');
  if (s.latenessBreakdownMs.withTaskTimeout !== undefined) lines.push(`Sampled reminders whose workflow task timed out on the sticky queue first: ${s.latenessBreakdownMs.withTaskTimeout} of ${s.latenessBreakdownMs.sampled}.`, '');
}

if (r.statement) {
  const st = r.statement;
  lines.push('### Statement PDF', '');
  table(
    ['vendors', 'language', 'median ms', 'runs (ms)', 'floor median ms', 'ratio to floor', 'ms per vendor', 'pages', 'KiB'],
    st.results.map((x: Json) => [x.vendors, x.language, x.medianMs, x.ms.join(', '), x.floorMedianMs ?? '', x.floorRatio ?? '', x.msPerVendor, x.pages, Math.round(x.bytes / 1024)]),
  );
  if (st.statementFloorRatio !== undefined) lines.push(`statement-floor-ratio: ${st.statementFloorRatio}`, '');
  lines.push(`Growth exponents (1 = linear): ${st.growthExponents.map((g: Json) => `${g.from}→${g.to}: ${g.exponent}`).join(', ')}.`);
  if (st.openLetter) lines.push(`Open letter: ${st.openLetter.medianMs} ms per letter (median of 20), ${Math.round(st.openLetter.bytes / 1024)} KiB.`);
  if (st.profile) {
    lines.push('', `Profile of the largest statement (${st.profile.busyMs} ms busy): ${st.profile.byPackage.slice(0, 8).map((x: Json) => `${x.name} ${x.percent}%`).join(', ')}`);
    lines.push(`Top functions: ${st.profile.topFunctions.slice(0, 8).map((x: Json) => `${x.name} (${x.where}) ${x.percent}%`).join('; ')}`);
  }
  lines.push('');
}

if (r.smtp) {
  const s = r.smtp;
  lines.push(`### SMTP burst (K=${s.settings.k}, ${s.settings.inFlight} in flight, pool of ${s.settings.pooledMaxConnections})`, '');
  table(
    ['transport', 'median msg/s', 'runs (msg/s)'],
    ['pooled', 'unpooled', 'unpooled-5'].map((t) => [
      t,
      t === 'pooled' ? s.pooledPerSecond : t === 'unpooled' ? s.unpooledPerSecond : s.unpooled5PerSecond,
      s.runs.filter((x: Json) => x.transport === t).map((x: Json) => x.messagesPerSecond).join(', '),
    ]),
  );
  lines.push(`Pooled / unpooled: ${s.ratio}; pooled / unpooled with 5 in flight: ${s.ratioSameConnections}.`, '');
}

console.log(lines.join('\n'));
