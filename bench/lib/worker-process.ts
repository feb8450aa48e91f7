// Starts and stops the bench worker (worker-child.ts) as a child process, and reads its memory:
// the worker's own process.memoryUsage() over IPC, and the kernel's VmRSS / VmHWM for any pid.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchWorkerSettings, ChildMessage, FloorReminders, WorkerMemory } from './worker-child';

export interface BenchWorker {
  pid: number;
  /** The worker's own view: process.memoryUsage(). */
  memory(): Promise<WorkerMemory>;
  /** When each floor workflow's reminder step ran, by workflow ID. */
  floorReminders(): Promise<FloorReminders>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder for a V8 CPU profile of the worker (`node --cpu-prof`), written when it stops. */
  cpuProfileDir?: string;
}

export async function startBenchWorker(settings: BenchWorkerSettings, options: StartOptions = {}): Promise<BenchWorker> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const child: ChildProcess = fork(join(__dirname, 'worker-child.ts'), [JSON.stringify(settings)], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...profile],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type === 'ready') {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
    void exited.then((code) => reject(new Error(`the bench worker exited with code ${code} before it was ready`)));
  });
  return {
    pid: child.pid!,
    memory: () =>
      new Promise((resolve) => {
        const onMessage = (m: ChildMessage) => {
          if (m.type !== 'memory') return;
          child.off('message', onMessage);
          const { type: _type, ...memory } = m;
          resolve(memory);
        };
        child.on('message', onMessage);
        child.send({ type: 'memory' });
      }),
    floorReminders: () =>
      new Promise((resolve) => {
        const onMessage = (m: ChildMessage) => {
          if (m.type !== 'floor-reminders') return;
          child.off('message', onMessage);
          resolve(m.reminders);
        };
        child.on('message', onMessage);
        child.send({ type: 'floor-reminders' });
      }),
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident and peak resident memory of a process, in bytes, from /proc/<pid>/status. */
export function procMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}
