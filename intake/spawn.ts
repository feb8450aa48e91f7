// Runs the intake as a child process (`npm start` on the embedded defaults): its own process, as in
// production, so a slow mailbox never holds up the worker. Stopping it sends SIGTERM and waits: the
// intake finishes the message in hand first.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface IntakeProcess {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export function spawnIntake(env: NodeJS.ProcessEnv): IntakeProcess {
  // Its stdin is a pipe from this process: when this process dies, even by SIGKILL, the pipe closes
  // and the intake stops as on SIGTERM instead of reading the mailbox on its own.
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts')], {
    env: { ...env, DOSSIER_INTAKE_STOPS_WITH_PARENT: '1' },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  // Resolves however the intake ends, and never rejects: `once(child, 'exit')` rejects on an 'error'
  // event (a signal that could not be sent), which, with nobody awaiting it before stop(), would end
  // `npm start` there and then. An intake that never started has nothing to wait for.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.on('error', (err) => {
      console.error(`intake: ${err.message}`);
      if (child.pid === undefined) resolve();
    });
  });
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
