// `npm run worker` stopped by its process manager (SIGTERM) must end, or a rolling deploy waits on it
// and then kills it. Here the mail relay took the worker's connection and then stopped answering (a
// hung relay, a frozen VM): the send in flight fails at the greeting timeout, and the half-closed
// connection it leaves (the client waits for a goodbye that never comes) must not keep the process alive.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { engagement } from '../../workflows';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { PROJECT_ROOT } from '../../paths';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { silentRelay } from '../helpers/silent-relay';
import { startWorkerProcess } from '../helpers/worker-process';

/** `npm run worker`'s own entry point as a child process: its last output and its exit code. */
function mainWorker(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'worker', 'main.ts')], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('npm run worker on SIGTERM', () => {
  const env = useDossier();

  it('exits once stopped even when the mail relay stopped answering in the middle of a send', { timeout: 180_000 }, async () => {
    // Accepts connections and never says a word, nor closes its side: a relay that hangs.
    const held = new Set<Socket>();
    const relay = createServer({ allowHalfOpen: true }, (socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const taskQueue = `${env.taskQueue}-sigterm`;
    const { child, output, exited } = mainWorker({
      ...env.childEnv,
      SMTP_URL: `smtp://127.0.0.1:${(relay.address() as AddressInfo).port}`,
      DOSSIER_TASK_QUEUE: taskQueue,
      DOSSIER_STATE_DIR: join(env.scratch, 'sigterm-state'),
      DOSSIER_OUTPUT_DIR: join(env.scratch, 'sigterm-out'),
      DOSSIER_SHUTDOWN_GRACE_SECONDS: '1',
    });
    try {
      await until(async () => output(), (o) => o.includes("state: 'RUNNING'"), 'the worker to poll', 90_000);
      const input = engagementInput(env.uniqueId('sigterm'), 'zoom', patientPolicy());
      const handle = await env.client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      await until(async () => held.size, (n) => n > 0, 'the letter to reach the relay', 30_000);

      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      // The send gives up at the relay's greeting timeout (10 s); the process must end soon after.
      const ended = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 40_000))]);
      expect(ended, `the worker after SIGTERM (${Math.round((Date.now() - stoppedAt) / 1000)} s):\n${output()}`).toBe(0);
      expect(output()).toContain('Dossier worker stopped.');
      await handle.terminate('test over');
    } finally {
      child.kill('SIGKILL');
      for (const socket of held) socket.destroy();
      relay.close();
    }
  });

  it('gives up a send the relay stopped answering mid-transaction at its grace, and another worker sends it once', { timeout: 240_000 }, async () => {
    const relay = await silentRelay();
    const taskQueue = `${env.taskQueue}-mid-send`;
    const workerEnv = {
      ...env.childEnv,
      DOSSIER_TASK_QUEUE: taskQueue,
      // One host's folders, shared by the worker that stops and the one that takes its work over.
      DOSSIER_STATE_DIR: join(env.scratch, 'mid-send-state'),
      DOSSIER_OUTPUT_DIR: join(env.scratch, 'mid-send-out'),
      DOSSIER_SHUTDOWN_GRACE_SECONDS: '1',
    };
    const { child, output, exited } = mainWorker({ ...workerEnv, SMTP_URL: relay.url });
    try {
      await until(async () => output(), (o) => o.includes("state: 'RUNNING'"), 'the worker to poll', 90_000);
      const id = env.uniqueId('mid-send');
      const input = engagementInput(id, 'zoom', patientPolicy());
      const handle = await env.client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      await until(async () => relay.swallowed(), (n) => n > 0, 'the letter to reach the relay', 30_000);

      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const ended = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000))]);
      const seconds = (Date.now() - stoppedAt) / 1000;
      expect(ended, `the worker after SIGTERM (${seconds.toFixed(1)} s):\n${output()}`).toBe(0);
      // The grace (1 s), then the send gives up; not the relay's 30 s socket timeout.
      expect(seconds, `seconds from SIGTERM to exit:\n${output()}`).toBeLessThan(10);

      // The send is retried on another worker, which takes the stopped one's claim over and sends it once.
      const next = await startWorkerProcess({ ...workerEnv, SMTP_URL: env.sink.url });
      try {
        await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(id), 60_000);
        await new Promise((r) => setTimeout(r, 2_000));
        expect(env.sink.messages.filter((m) => (m.messageId ?? '').includes(id))).toHaveLength(1);
        // The relay that hung may have the first copy: the record says this one was sent again.
        const deliveries = join(workerEnv.DOSSIER_STATE_DIR, 'deliveries');
        const records = readdirSync(deliveries).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(deliveries, f), 'utf8')) as { resentAfterCrash?: boolean });
        expect(records).toEqual([expect.objectContaining({ resentAfterCrash: true })]);
      } finally {
        await next.stop();
      }
      await handle.terminate('test over');
    } finally {
      child.kill('SIGKILL');
      relay.close();
    }
  });
});
