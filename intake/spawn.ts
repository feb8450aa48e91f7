// Runs the intake as a child process (`npm start` on the embedded defaults): its own process, as in
// production, so a slow mailbox never holds up the worker. Stopping it sends SIGTERM and waits: the
// intake finishes the message in hand first.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export interface IntakeProcess {
  stop(): Promise<void>;
}

export function spawnIntake(env: NodeJS.ProcessEnv): IntakeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = once(child, 'exit');
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
