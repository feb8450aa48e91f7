// How `npm start` ends, run as an operator runs it: its entry (worker/start.ts) as a job of its own
// process group, on ports of the test's choosing, with the worker, the workspace, the intake (a child
// process, metrics on as by default) and a dev server of its own. Ctrl-C reaches it as a terminal
// sends it, to the whole group, and again from npm, which passes it on; killed outright, it leaves
// only the dev server, which the next start stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { freePort } from '../../infra/ports';
import { PROJECT_ROOT } from '../../paths';
import { until } from '../helpers/until';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-stopping-'));
const left: number[] = [];

afterEach(() => {
  // Whatever a failed test left running, so the next one (and the suite) starts clean.
  for (const pid of left.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A child that has exited and not yet been reaped by its parent is gone for this purpose.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Every process below `root`, read from /proc: the intake, the dev server, and what they started. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command may hold spaces and parentheses: the fields after its closing one are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone since the listing.
    }
  }
  const found: number[] = [];
  for (let frontier = [root]; frontier.length; ) {
    frontier = [...parents].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The embedded set-up's settings, every port free and named, its data in a folder of its own. */
async function embeddedEnv(name: string): Promise<NodeJS.ProcessEnv & { intakeMetricsPort: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOSSIER_DATA_DIR: join(scratch, name), DOSSIER_MASTER_KEYS: generateMasterKeySpec(name) };
  for (const variable of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SMTP_URL', 'DOSSIER_TASK_QUEUE', 'DOSSIER_OUTPUT_DIR', 'DOSSIER_STATE_DIR', 'DOSSIER_KEYSTORE_DIR', 'DOSSIER_MAILDIR', 'DATABASE_URL']) delete env[variable];
  for (const variable of ['DOSSIER_DEV_SERVER_PORT', 'DOSSIER_UI_PORT', 'DOSSIER_CODEC_PORT', 'DOSSIER_SINK_PORT', 'DOSSIER_WEB_PORT', 'DOSSIER_DEV_IDP_PORT']) env[variable] = String(await freePort());
  env.DOSSIER_WEB_URL = `http://127.0.0.1:${env.DOSSIER_WEB_PORT}`;
  env.DOSSIER_METRICS_ADDRESS = `127.0.0.1:${await freePort()}`;
  const intakeMetricsPort = String(await freePort());
  env.DOSSIER_INTAKE_METRICS_ADDRESS = `127.0.0.1:${intakeMetricsPort}`;
  return { ...env, intakeMetricsPort };
}

/** worker/start.ts as `npm start` execs it, leading a process group as a terminal's job does. */
function startEntry(env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'worker', 'start.ts')], {
    cwd: PROJECT_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  left.push(child.pid!);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** Waits until the intake says it reads the mailbox: everything `npm start` starts is then running. */
async function running(started: Started): Promise<{ children: number[]; intake: number; server: number }> {
  await until(
    async () => started.output(),
    (output) => /^Intake metrics +http/m.test(output) || started.child.exitCode !== null,
    'npm start running with its intake',
    120_000,
  );
  expect(started.child.exitCode, started.output()).toBeNull();
  const children = descendants(started.child.pid!);
  left.push(...children);
  const intake = children.find((pid) => commandOf(pid).includes(join('intake', 'main.ts')));
  const server = children.find((pid) => / server start-dev /.test(commandOf(pid)));
  expect(intake, children.map(commandOf).join('\n')).toBeDefined();
  expect(server, children.map(commandOf).join('\n')).toBeDefined();
  return { children, intake: intake!, server: server! };
}

async function gone(pids: number[], what: string, ms: number): Promise<void> {
  await until(
    async () => pids.filter(alive),
    (living) => living.length === 0,
    what,
    ms,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; still running: ${pids.filter(alive).map((pid) => `${pid} ${commandOf(pid)}`).join('; ')}`);
  });
}

describe('npm start on Ctrl-C', () => {
  it('stops everything it started, and says so, when the signal comes from the terminal and again from npm', { timeout: 180_000 }, async () => {
    const env = await embeddedEnv('ctrl-c');
    const started = startEntry(env);
    const { children } = await running(started);

    const pressed = Date.now();
    // The terminal signals the whole group; npm, in that group too, passes the signal on to its child.
    process.kill(-started.child.pid!, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (started.child.exitCode === null) process.kill(started.child.pid!, 'SIGINT');
    const { code, signal } = await started.exited;
    const took = Date.now() - pressed;

    expect({ code, signal }, started.output()).toEqual({ code: 0, signal: null });
    expect(started.output()).toMatch(/^Stopping mail sink and Temporal dev server…$/m);
    expect(started.output()).toMatch(/^Stopped\.$/m);
    await gone(children, 'every process npm start started gone', 5_000);
    expect(await portFree(Number(env.intakeMetricsPort)), "the intake's metrics port free").toBe(true);
    // The intake stops on its own: none is left for the 10 s after which npm start kills it.
    expect(took, started.output()).toBeLessThan(9_000);
  });
});

describe('npm start killed outright', () => {
  it('leaves nothing reading the mailbox, and the next start stops the dev server it left', { timeout: 240_000 }, async () => {
    const env = await embeddedEnv('killed');
    const first = startEntry(env);
    const { children, intake, server } = await running(first);

    process.kill(first.child.pid!, 'SIGKILL');
    await first.exited;
    await gone([intake], 'the intake stopped after npm start was killed', 10_000);
    expect(await portFree(Number(env.intakeMetricsPort)), "the intake's metrics port free").toBe(true);
    // Only the dev server is left (README: the next start stops it); what tsx started goes with its process.
    await gone(
      children.filter((pid) => pid !== server),
      'everything but the dev server gone',
      10_000,
    );

    const second = startEntry(env);
    await running(second);
    expect(second.output()).toContain(`Stopping the Temporal dev server (pid ${server}) left running by an earlier \`npm start\` (pid ${first.child.pid})`);
    expect(alive(server)).toBe(false);
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });
    expect(second.output()).toMatch(/^Stopped\.$/m);
  });
});
