// Part 7: how fast the case officer's CLI answers, timed as the officer sees it: from spawning
// `node bin/dossier.js …` to the process's exit (compiled CLI, dist/cli.js, rebuilt first). `--help`
// needs no server; `engagement show` reads a running engagement from the bench's server, through
// an encrypted worker (the CLI decrypts with the same keys). Runs alternate; medians are reported.
import { execFileSync, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { engagementInput, patientPolicy } from '../../test/helpers/fixtures';
import { engagementStatusQuery } from '../../workflows/messages';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { PROJECT_ROOT } from '../../paths';
import type { Bench } from '../lib/setup';
import { median, round, sleep, spread, type Spread } from '../lib/stats';

export interface CliOptions {
  runs: number;
}

export interface CliCommandResult {
  args: string[];
  /** Whole-process wall time of each timed run (ms), after one untimed warm-up run. */
  runsMs: number[];
  medianMs: number;
  spreadMs: Spread;
  targetMs: number;
}

export interface CliReport {
  settings: CliOptions;
  help: CliCommandResult;
  show: CliCommandResult;
  /** The machine's load average when the part started and ended (the timings depend on it). */
  loadAverage: { start: number[]; end: number[] };
}

const CAMPAIGN = 'bench-cli';
const VENDOR = 'acme';

export async function measureCli(bench: Bench, options: CliOptions, log: (line: string) => void): Promise<CliReport> {
  const start = loadavg().map((l) => round(l, 2));
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'ignore' });
  const taskQueue = 'bench-cli';
  const worker = await bench.startWorker({ taskQueue, encrypted: true });
  try {
    const workflowId = engagementWorkflowId(CAMPAIGN, VENDOR);
    const handle = await bench.encryptedClient.workflow.start('engagement', {
      taskQueue,
      workflowId,
      args: [engagementInput(CAMPAIGN, VENDOR, patientPolicy())],
    });
    while ((await handle.query(engagementStatusQuery)).stage !== 'awaiting-response') await sleep(100);
    const env = {
      ...process.env,
      ...bench.keysEnv,
      TEMPORAL_ADDRESS: bench.server.address,
      TEMPORAL_NAMESPACE: bench.server.namespace,
      DOSSIER_TASK_QUEUE: taskQueue,
      DOSSIER_CLI_FROM_SOURCE: '0',
    };
    const help = ['--help'];
    const show = ['engagement', 'show', CAMPAIGN, VENDOR];
    const times: Record<'help' | 'show', number[]> = { help: [], show: [] };
    for (let run = 0; run <= options.runs; run++) {
      for (const [name, args] of [['help', help], ['show', show]] as const) {
        const ms = await timeProcess(args, env);
        // The first run of each warms the file cache; it is not counted.
        if (run > 0) times[name].push(ms);
      }
    }
    await handle.terminate('bench over');
    const result = (args: string[], runsMs: number[], targetMs: number): CliCommandResult => ({
      args,
      runsMs: runsMs.map((ms) => round(ms)),
      medianMs: round(median(runsMs)),
      spreadMs: spread(runsMs),
      targetMs,
    });
    const report: CliReport = {
      settings: options,
      help: result(help, times.help, 300),
      show: result(show, times.show, 1000),
      loadAverage: { start, end: loadavg().map((l) => round(l, 2)) },
    };
    log(`[cli] dossier --help: median ${report.help.medianMs} ms (target < 300; runs ${report.help.runsMs.join(', ')})`);
    log(`[cli] dossier engagement show: median ${report.show.medianMs} ms (target < 1000; runs ${report.show.runsMs.join(', ')})`);
    return report;
  } finally {
    await worker.stop();
  }
}

/** Wall time from spawn to exit of `node bin/dossier.js <args>`; a failing run is an error. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'dossier.js'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`dossier ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}
