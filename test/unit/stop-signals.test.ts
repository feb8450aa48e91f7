// Ctrl-C under npm reaches a Dossier process twice, from the terminal and from npm, which passes it
// on. A process with the SDK's Runtime, whose worker takes a moment to stop, as `npm run worker` and
// `npm start` are: the second signal must not end it before the worker has stopped.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';

/** A process that runs until the SDK's signal, then stops like a worker (half a second later) and prints "stopped". */
function workerLike(outlast: boolean) {
  const script = `
    const { Runtime } = require('@temporalio/worker');
    const { outlastRepeatedStopSignals } = require(${JSON.stringify(join(PROJECT_ROOT, 'worker', 'stop-signals.ts'))});
    Runtime.install({});
    ${outlast ? 'outlastRepeatedStopSignals();' : ''}
    const polling = setInterval(() => undefined, 1_000);
    Runtime.instance().registerShutdownSignalCallback(() => setTimeout(() => { clearInterval(polling); console.log('stopped'); process.exit(0); }, 500));
    console.log('ready');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

async function pressCtrlCUnderNpm(process: ReturnType<typeof workerLike>) {
  while (!process.output().includes('ready')) {
    if (process.child.exitCode !== null) throw new Error(`exited before it was ready: ${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.child.kill('SIGINT');
  return { ...(await process.exited), output: process.output() };
}

describe('a second Ctrl-C while the worker stops', () => {
  it('does not end the process before the worker has stopped', { timeout: 30_000 }, async () => {
    expect(await pressCtrlCUnderNpm(workerLike(true))).toEqual({ code: 0, signal: null, output: 'ready\nstopped\n' });
  });

  it('would end it without its listener: the SDK stops listening after the first', { timeout: 30_000 }, async () => {
    expect(await pressCtrlCUnderNpm(workerLike(false))).toMatchObject({ code: null, signal: 'SIGINT' });
  });
});
