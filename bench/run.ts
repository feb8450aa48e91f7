// `npm run bench`: what Dossier costs, measured on a dev server of its own. Six parts, each in
// bench/parts: (1) a full engagement lifecycle against the engine's floor, (2) many open engagements
// waiting on reminders, (3) the statement PDF for 10–1,000 vendors, (4) a reminder burst through the
// pooled SMTP transport, (5) the web workspace's board of a large campaign and an engagement page,
// (6) the intake recording replies from the case mailbox, against the same updates sent directly;
// and, when named, reminders spread over an hour, a burst of reminders, and one campaign end to end.
// Results go to a JSON file (bench/results/latest.json by default).
//
//   npm run bench -- --n 24 --m 300 --k 300 --skip scale --out bench/results/x.json --profile
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MailSink } from '../infra/mail-sink';
import { summarizeThreadProfiles, type ProfileSummary } from './lib/profile';
import { machineInfo, startBench, vitestRunning } from './lib/setup';
import { measureLifecycles, type LifecycleReport } from './parts/lifecycle';
import { defaultLeadMs, measureScale, type ScaleReport } from './parts/scale';
import { measureSmtpBurst, type BurstReport } from './parts/smtp-burst';
import { measureStatement, type StatementReport } from './parts/statement';
import { measureWeb, type WebReport } from './parts/web';
import { measureIntake, type IntakeReport } from './parts/intake';
import { measureCli, type CliReport } from './parts/cli';
import { measureBurst, measureSpread, type ReminderBurstReport, type SpreadReport } from './parts/reminders';
import { measureCampaign, type CampaignReport } from './parts/campaign';
import { round } from './lib/stats';

const PARTS = ['lifecycle', 'scale', 'statement', 'smtp', 'web', 'intake', 'spread', 'burst', 'cli', 'campaign'] as const;
type Part = (typeof PARTS)[number];
/** Long parts, run only when named with --only. */
const OPT_IN: readonly Part[] = ['spread', 'burst', 'campaign'];

const USAGE = `Usage: npm run bench -- [options]
  --n <count>            lifecycles per batch, floor and engagement each (default 24)
  --concurrency <count>  lifecycles driven at once (default 20)
  --rounds <count>       alternating floor/engagement rounds (default 3)
  --no-encryption        skip the encrypted variant of part 1
  --m <count>            open engagements for the scale part (default 300; aim 10000)
  --scale-lead-ms <ms>   from the first start to the common due date (default 12000 + 100 per engagement)
  --scale-concurrency <count>  engagements being opened at once (default 20)
  --scale-worker-options <json>  worker options for the scale worker, e.g. '{"maxCachedWorkflows":50}' (default: the SDK's)
  --k <count>            emails in the SMTP burst (default 300)
  --sizes <list>         vendors per statement (default 10,100,1000)
  --web-vendors <count>  vendors of the campaign whose board the web part serves (default 1000)
  --replies <count>      replies waiting in the case mailbox for the intake part (default 1000)
  --intake-concurrency <count>  messages the intake handles at once, and floor updates in flight (default 32)
  --spread-count <count> engagements whose reminders fall due spread over a window (part spread; default 500; aim 10000)
  --spread-seconds <s>   the window the spread reminders fall due in (default 300; aim 3600)
  --spread-lead-ms <ms>  from the first start to the window's beginning (default 60000)
  --spread-observe-seconds <s>  measure only the reminders due in the window's first s seconds, then stop
                         (default: the whole window); every engagement is still opened and waits
  --spread-worker-options <json>  worker options over Dossier's tuning for the spread part
  --burst-count <count>  reminders falling due at once, engagements and floor each (part burst; default 1000)
  --burst-rounds <count> alternating floor/engagement bursts (default 2)
  --smtp-pool <count>    SMTP connections of the burst worker (default: Dossier's, worker/config.ts)
  --cli-runs <count>     timed runs of each command in part cli (default 10)
  --campaign-vendors <count>  vendors of the campaign run end to end (part campaign; default 2000)
  --skip <part>          skip lifecycle, scale, statement, smtp, web, intake or cli (repeatable)
  --only <part>          run only the named parts (repeatable); spread, burst and campaign run only when named
  --server-db <kind>     file (default: SQLite in a temp folder, write-ahead log, as npm start runs it), rollback
                         (the same with SQLite's rollback journal, as before cb78659) or memory (in-memory SQLite), to compare
  --bundle <entry>       full (default: every Dossier workflow) or engagement (engagement alone, to compare)
  --profile              CPU profiles: the lifecycle worker, the largest statement, each burst's worker (the burst's window)
  --out <file>           results JSON (default bench/results/latest.json)`;

function parseFlags() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '24' },
      concurrency: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
      'no-encryption': { type: 'boolean', default: false },
      m: { type: 'string', default: '300' },
      'scale-lead-ms': { type: 'string' },
      'scale-concurrency': { type: 'string', default: '20' },
      'scale-worker-options': { type: 'string' },
      k: { type: 'string', default: '300' },
      sizes: { type: 'string', default: '10,100,1000' },
      'web-vendors': { type: 'string', default: '1000' },
      replies: { type: 'string', default: '1000' },
      'intake-concurrency': { type: 'string', default: '32' },
      'cli-runs': { type: 'string', default: '10' },
      'campaign-vendors': { type: 'string', default: '2000' },
      'spread-count': { type: 'string', default: '500' },
      'spread-seconds': { type: 'string', default: '300' },
      'spread-lead-ms': { type: 'string', default: '60000' },
      'spread-observe-seconds': { type: 'string' },
      'spread-worker-options': { type: 'string' },
      'burst-count': { type: 'string', default: '1000' },
      'burst-rounds': { type: 'string', default: '2' },
      'smtp-pool': { type: 'string' },
      skip: { type: 'string', multiple: true, default: [] },
      only: { type: 'string', multiple: true, default: [] },
      profile: { type: 'boolean', default: false },
      'server-db': { type: 'string', default: 'file' },
      bundle: { type: 'string', default: 'full' },
      out: { type: 'string', default: join(__dirname, 'results', 'latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1 (got ${text})\n${USAGE}`);
    return value;
  };
  const only = values.only as string[];
  const skip = [...(values.skip as string[]), ...PARTS.filter((p) => (only.length ? !only.includes(p) : OPT_IN.includes(p)))];
  for (const part of [...skip, ...only]) {
    if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--skip ${part}: unknown part (one of ${PARTS.join(', ')})\n${USAGE}`);
  }
  const m = count('m', values.m);
  return {
    n: count('n', values.n),
    concurrency: count('concurrency', values.concurrency),
    rounds: count('rounds', values.rounds),
    encryption: !values['no-encryption'],
    m,
    leadMs: values['scale-lead-ms'] ? count('scale-lead-ms', values['scale-lead-ms']) : defaultLeadMs(m),
    scaleConcurrency: count('scale-concurrency', values['scale-concurrency']),
    scaleWorkerOptions: values['scale-worker-options'] ? workerOptions(values['scale-worker-options']) : undefined,
    k: count('k', values.k),
    sizes: values.sizes.split(',').map((s) => count('sizes', s.trim())),
    webVendors: count('web-vendors', values['web-vendors']),
    replies: count('replies', values.replies),
    intakeConcurrency: count('intake-concurrency', values['intake-concurrency']),
    cliRuns: count('cli-runs', values['cli-runs']),
    campaignVendors: count('campaign-vendors', values['campaign-vendors']),
    spreadCount: count('spread-count', values['spread-count']),
    spreadSeconds: count('spread-seconds', values['spread-seconds']),
    spreadLeadMs: count('spread-lead-ms', values['spread-lead-ms']),
    spreadObserveSeconds: values['spread-observe-seconds'] ? count('spread-observe-seconds', values['spread-observe-seconds']) : undefined,
    spreadWorkerOptions: values['spread-worker-options'] ? workerOptions(values['spread-worker-options']) : undefined,
    burstCount: count('burst-count', values['burst-count']),
    burstRounds: count('burst-rounds', values['burst-rounds']),
    smtpPool: values['smtp-pool'] ? count('smtp-pool', values['smtp-pool']) : undefined,
    skip: new Set(skip as Part[]),
    profile: values.profile,
    serverDb: serverDb(values['server-db']),
    bundle: bundleEntry(values.bundle),
    out: resolve(values.out),
  };
}

function workerOptions(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`--scale-worker-options must be a JSON object such as '{"maxCachedWorkflows":50}' (got ${text})`);
}

function bundleEntry(text: string): 'full' | 'engagement' {
  if (text !== 'full' && text !== 'engagement') throw new Error(`--bundle must be full or engagement (got ${text})\n${USAGE}`);
  return text;
}

function serverDb(text: string): 'file' | 'rollback' | 'memory' {
  if (text !== 'file' && text !== 'rollback' && text !== 'memory') throw new Error(`--server-db must be file, rollback or memory (got ${text})\n${USAGE}`);
  return text;
}

interface Results {
  startedAt: string;
  finishedAt?: string;
  machine: ReturnType<typeof machineInfo>;
  machineAtEnd?: { loadAverage: number[]; vitestRunning: boolean };
  settings: Omit<ReturnType<typeof parseFlags>, 'skip'> & { skip: string[] };
  lifecycle?: LifecycleReport & { workerProfiles?: Record<string, ProfileSummary> };
  scale?: ScaleReport;
  statement?: StatementReport;
  smtp?: BurstReport;
  web?: WebReport;
  intake?: IntakeReport;
  cli?: CliReport;
  spread?: SpreadReport;
  burst?: ReminderBurstReport;
  campaign?: CampaignReport;
}

async function main() {
  const flags = parseFlags();
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const machine = machineInfo();
  log(`machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.temporalCli}`);
  log(`load average ${machine.loadAverage.join(' ')}${machine.vitestRunning ? '; other test runs are using the machine' : ''}`);
  const results: Results = { startedAt: new Date().toISOString(), machine, settings: { ...flags, skip: [...flags.skip] } };
  const save = () => {
    mkdirSync(dirname(flags.out), { recursive: true });
    writeFileSync(flags.out, JSON.stringify(results, null, 2) + '\n');
  };

  const bench = await startBench(log, { serverDb: flags.serverDb, bundle: flags.bundle });
  try {
    if (!flags.skip.has('lifecycle')) {
      log(`── part 1: lifecycle against the engine floor (n=${flags.n}, concurrency ${flags.concurrency}, ${flags.rounds} rounds)`);
      const cpuProfileDir = flags.profile ? join(bench.scratch, 'profiles') : undefined;
      const lifecycle: Results['lifecycle'] = await measureLifecycles(
        bench,
        { n: flags.n, concurrency: flags.concurrency, rounds: flags.rounds, encryption: flags.encryption, cpuProfileDir },
        log,
      );
      if (cpuProfileDir) lifecycle.workerProfiles = summarizeProfiles(cpuProfileDir, log);
      results.lifecycle = lifecycle;
      save();
    }
    if (!flags.skip.has('scale')) {
      log(`── part 2: ${flags.m} open engagements waiting on reminders (due ${flags.leadMs / 1000} s after the first start)`);
      results.scale = await measureScale(
        bench,
        { m: flags.m, concurrency: flags.scaleConcurrency, leadMs: flags.leadMs, workerOptions: flags.scaleWorkerOptions },
        log,
      );
      save();
    }
    if (!flags.skip.has('web')) {
      log(`── part 5: the web workspace's board of a ${flags.webVendors}-vendor campaign and an engagement page`);
      results.web = await measureWeb(bench, { vendors: flags.webVendors, runs: 20 }, log);
      save();
    }
    if (!flags.skip.has('intake')) {
      log(`── part 6: the intake, ${flags.replies} replies waiting in the case mailbox, against the same updates sent directly`);
      results.intake = await measureIntake(bench, { n: flags.replies, concurrency: flags.intakeConcurrency }, log);
      save();
    }
    if (!flags.skip.has('cli')) {
      log(`── part cli: whole-process time of dossier --help and engagement show (${flags.cliRuns} runs each)`);
      results.cli = await measureCli(bench, { runs: flags.cliRuns }, log);
      save();
    }
    if (!flags.skip.has('burst')) {
      log(`── part 8: a burst of ${flags.burstCount} reminders falling due at once, engagements against the floor (${flags.burstRounds} rounds)`);
      results.burst = await measureBurst(
        bench,
        {
          m: flags.burstCount,
          rounds: flags.burstRounds,
          concurrency: flags.scaleConcurrency,
          workerOptions: flags.scaleWorkerOptions,
          smtpPoolSize: flags.smtpPool,
          cpuProfileDir: flags.profile ? join(bench.scratch, 'burst-profiles') : undefined,
        },
        log,
      );
      save();
    }
    if (!flags.skip.has('spread')) {
      log(`── part 7: ${flags.spreadCount} open engagements, reminders falling due over ${flags.spreadSeconds} s`);
      results.spread = await measureSpread(
        bench,
        {
          count: flags.spreadCount,
          spreadSeconds: flags.spreadSeconds,
          leadMs: flags.spreadLeadMs,
          observeSeconds: flags.spreadObserveSeconds,
          concurrency: flags.scaleConcurrency,
          workerOptions: flags.spreadWorkerOptions,
          seed: 16,
        },
        log,
      );
      save();
    }
    if (!flags.skip.has('campaign')) {
      log(`── part campaign: one campaign of ${flags.campaignVendors} vendors end to end, its history against Temporal's limits`);
      results.campaign = await measureCampaign(bench, { vendors: flags.campaignVendors }, log);
      save();
    }
  } finally {
    await bench.close();
  }
  if (!flags.skip.has('statement')) {
    log(`── part 3: statement PDF for ${flags.sizes.join(', ')} vendors`);
    results.statement = await measureStatement({ sizes: flags.sizes, runs: 3, profile: flags.profile }, log);
    save();
  }
  if (!flags.skip.has('smtp')) {
    log(`── part 4: SMTP burst of ${flags.k} reminders, pooled against unpooled`);
    const sink = await new MailSink().start();
    // The sink keeps every message in memory; the bench only needs them counted by the transport.
    sink.on('message', () => (sink.messages.length = 0));
    try {
      results.smtp = await measureSmtpBurst(sink, { k: flags.k, inFlight: 100, rounds: 2 }, log);
    } finally {
      await sink.stop();
    }
  }
  results.finishedAt = new Date().toISOString();
  results.machineAtEnd = { loadAverage: machineInfo().loadAverage, vitestRunning: vitestRunning() };
  save();
  printSummary(results);
  console.log(`results: ${flags.out}`);
}

/** One summary per thread of the plain lifecycle worker, logged. */
function summarizeProfiles(folder: string, log: (line: string) => void): Record<string, ProfileSummary> {
  const summaries = summarizeThreadProfiles(folder);
  for (const [label, summary] of Object.entries(summaries)) {
    log(`[profile] worker ${label}: ${summary.busyMs} ms busy; ${summary.byPackage.slice(0, 6).map((p) => `${p.name} ${p.percent}%`).join(', ')}`);
  }
  return summaries;
}

function printSummary(results: Results): void {
  console.log('\n── summary');
  const { lifecycle, scale, statement, smtp, web, intake, spread, burst, cli, campaign } = results;
  if (lifecycle) {
    for (const v of lifecycle.variants) {
      const s = v.shape;
      console.log(
        `lifecycle${v.encrypted ? ' (encrypted)' : ''}: engagement ${v.engagementPerSecond}/s, floor ${v.floorPerSecond}/s, ratio ${v.ratio} (rounds ${v.roundRatios.join(', ')}); ` +
          `shape engagement ${s.engagement.activities}a/${s.engagement.timers}t/${s.engagement.updates}u, floor ${s.floor.activities}a/${s.floor.timers}t/${s.floor.updates}u${s.match ? '' : ' (DIFFER)'}`,
      );
    }
    console.log(`history events per engagement: ${lifecycle.historyEventsPerEngagement}`);
    console.log(`ratio: ${lifecycle.ratio}`);
  }
  if (scale) {
    console.log(
      `scale: ${scale.settings.m} open, ${scale.opensPerSecond} opened/s, worker RSS ${scale.memory.allOpen.workerVmRss} MiB, server RSS ${scale.memory.allOpen.serverVmRss} MiB, ` +
        `reminders late p50 ${scale.reminderLatenessMs.p50} ms p99 ${scale.reminderLatenessMs.p99} ms`,
    );
  }
  if (statement) {
    const en = statement.results.filter((r) => r.language === 'en');
    console.log(`statement: ${en.map((r) => `${r.vendors} vendors ${r.medianMs} ms ${Math.round(r.bytes / 1024)} KiB`).join('; ')}`);
    console.log(`statement-floor-ratio: ${statement.statementFloorRatio}`);
  }
  if (smtp) {
    console.log(
      `smtp burst: pooled ${smtp.pooledPerSecond} msg/s, unpooled ${smtp.unpooledPerSecond} msg/s (ratio ${smtp.ratio}); ` +
        `unpooled with 5 in flight ${smtp.unpooled5PerSecond} msg/s (ratio ${smtp.ratioSameConnections})`,
    );
  }
  if (web) {
    console.log(
      `web: board of ${web.settings.vendors} vendors p50 ${web.boardMs.p50} ms p90 ${web.boardMs.p90} ms (target < 300), ` +
        `engagement page p50 ${web.engagementPageMs.p50} ms p90 ${web.engagementPageMs.p90} ms (target < 200); ` +
        `board / one-query-per-engagement: ${web.boardRatio}; board list p50 ${web.boardListMs.p50} ms ` +
        `(memos one by one ${web.boardListOneByOneMs.p50} ms), campaign status p50 ${web.boardStatusMs.p50} ms, board query p50 ${web.boardQueryMs?.p50} ms`,
    );
  }
  if (intake) {
    const line = intake.runs.map((r) => `${r.variant} ${r.messagesPerSecond} msg/s${r.heapMiB ? ` (heap ${r.heapMiB.early}→${r.heapMiB.end} MiB)` : ''}`).join(', ');
    console.log(`intake: ${line}; ratio maildir/floor ${intake.ratio}${intake.imapRatio !== undefined ? `, imap/floor ${intake.imapRatio}` : ''}`);
  }
  if (cli) {
    console.log(`cli: engagement show median ${cli.show.medianMs} ms (target < 1000); load average ${cli.loadAverage.start.join(' ')}`);
    console.log(`cli-help-ms: ${Math.round(cli.help.medianMs)}`);
  }
  if (spread) {
    const s = spread.settings;
    console.log(
      `spread: ${s.count} open, ${spread.opensPerSecond} opened/s, worker RSS peak ${spread.memory.peakMiB} MiB, settled ${spread.memory.settledMiB} MiB; ` +
        `query evicted p50 ${spread.queryMs.evicted.p50} ms, cached p50 ${spread.queryMs.cached.p50} ms; ` +
        `reminders over ${s.spreadSeconds} s late p50 ${spread.reminderLatenessMs.p50} ms p99 ${spread.reminderLatenessMs.p99} ms`,
    );
    if (s.count >= 10_000) console.log(`open-10000-rss-mib: ${Math.round(spread.memory.peakMiB)}`);
    if (s.count >= 10_000 && s.spreadSeconds >= 3600) console.log(`reminder-p99-ms: ${Math.round(spread.reminderLatenessMs.p99)}`);
  }
  if (burst) {
    console.log(
      `burst: ${burst.settings.m} reminders at once, engagement ${burst.engagementPerSecond}/s, floor ${burst.floorPerSecond}/s (rounds ${burst.roundRatios.join(', ')})`,
    );
    console.log(`burst-drain-ratio: ${burst.ratio}`);
  }
  if (campaign) {
    const last = campaign.phases[campaign.phases.length - 1]!;
    console.log(
      `campaign: ${campaign.settings.vendors} vendors end to end in ${round(campaign.phases.reduce((sum, p) => sum + p.seconds, 0))} s; ` +
        `history ${round(last.historyBytes / 1e6)} MB of 52.4, ${last.historyEvents} events of 51,200; largest status ${round(campaign.largestStatusBytes / 1e6, 2)} MB of 2.1; ` +
        `worker RSS peak ${campaign.workerPeakRssMiB} MiB; mail ${Object.entries(campaign.mail).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
