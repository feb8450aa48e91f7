// Faults of the mail relay and of the worker's own state, against a real engagement on the real dev
// server and SMTP sink: wrong relay credentials, a ledger that cannot be written after the relay
// accepted a message. The relay's faults are retried and shown to the operator; they are never
// blamed on the recipient, and nothing accepted is sent twice.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities';
import { createSmtpTransport } from '../../activities/email';
import { ErrorType } from '../../workflows/errors';
import { engagement } from '../../workflows';
import { engagementStatusQuery } from '../../workflows/messages';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const env = useDossier();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

/** A worker on a queue of its own with the real activities, given its own relay URL or hooks. */
async function startWorker(name: string, deps: Partial<ActivityDeps>): Promise<string> {
  const taskQueue = `${env.taskQueue}-${name}`;
  const smtpUrl = deps.smtpUrl ?? env.sink.url;
  const connection = await NativeConnection.connect(env.config.temporal.connectionOptions);
  const transport = createSmtpTransport(smtpUrl);
  const worker = await Worker.create({
    connection,
    namespace: env.config.temporal.namespace,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    dataConverter: env.config.encryption?.dataConverter,
    activities: createActivities({ ...env.config, keystore: env.config.encryption?.keystore, ...deps, smtpUrl, transport }),
  });
  const done = worker.run();
  stops.push(async () => {
    worker.shutdown();
    await done;
    transport.close();
    await connection.close();
  });
  return taskQueue;
}

async function pendingSend(handle: WorkflowHandle, minAttempt: number) {
  for (let i = 0; i < 80; i++) {
    const pending = (await handle.describe()).raw.pendingActivities?.[0];
    if ((pending?.attempt ?? 0) >= minAttempt) return pending!;
    await sleep(250);
  }
  throw new Error(`the send never reached attempt ${minAttempt}`);
}

describe('relay and ledger faults', () => {
  it('retries a relay that refuses its credentials (535), shows why, and sends the letter once they are fixed', async () => {
    let credentialsFixed = false;
    env.sink.authPolicy = (user, pass) => user === 'dossier' && pass === (credentialsFixed ? 'wrong-password' : 'right-password');
    const taskQueue = await startWorker('bad-auth', { smtpUrl: `smtp://dossier:wrong-password@127.0.0.1:${env.sink.port}` });
    const input = engagementInput(env.uniqueId('auth'), 'zoom', patientPolicy());
    const handle = await env.client.workflow.start(engagement, {
      taskQueue,
      workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
      args: [input],
    });

    const pending = await pendingSend(handle, 3);
    expect(pending.lastFailure?.applicationFailureInfo?.type).toBe(ErrorType.RelayFault);
    expect(pending.lastFailure?.message).toMatch(/535/);
    expect(pending.lastFailure?.message).toMatch(/credentials/i);
    const waiting = await handle.query(engagementStatusQuery);
    expect(waiting.stage).toBe('sending-letter');
    expect(waiting.deliveryFailures).toEqual([]);
    expect(env.sink.messages).toHaveLength(0);

    credentialsFixed = true;
    const letters = await env.sink.waitFor(1, () => true, 30_000);
    expect(letters.map((m) => m.to)).toEqual([['privacy@zoom.test']]);
    await expect.poll(async () => (await handle.query(engagementStatusQuery)).stage, { timeout: 20_000 }).toBe('awaiting-response');
    const status = await handle.query(engagementStatusQuery);
    expect(status.deliveryFailures).toEqual([]);
    expect(status.timeline.map((t) => t.what)).toEqual(['open-letter sent']);
    await handle.terminate('test over');
  });

  it('sends one copy when the ledger cannot be written after the relay accepted the letter, and blames no crash', async () => {
    const stateDir = join(env.scratch, 'state-broken-ledger');
    const deliveries = join(stateDir, 'deliveries');
    let broken = 0;
    // Between the relay's acceptance and the record, the ledger folder stops being a folder (as a
    // full or read-only disk would): every write and unlink in it fails, even for root.
    const taskQueue = await startWorker('broken-ledger', {
      stateDir,
      emailHooks: {
        async afterAccepted() {
          if (broken++ > 0) return;
          renameSync(deliveries, `${deliveries}.away`);
          writeFileSync(deliveries, 'not a folder');
          setTimeout(() => {
            rmSync(deliveries);
            renameSync(`${deliveries}.away`, deliveries);
          }, 2_500);
        },
      },
    });
    const input = engagementInput(env.uniqueId('ledger'), 'cisco', patientPolicy());
    const handle = await env.client.workflow.start(engagement, {
      taskQueue,
      workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
      args: [input],
    });
    const [letter] = await env.sink.waitFor(1, () => true, 20_000);
    await expect.poll(async () => (await handle.query(engagementStatusQuery)).stage, { timeout: 20_000 }).toBe('awaiting-response');
    await sleep(6_000); // long enough for the retries a failed attempt would make
    expect(env.sink.messages.filter((m) => m.messageId === letter.messageId)).toHaveLength(1);
    const status = await handle.query(engagementStatusQuery);
    expect(status.timeline.map((t) => t.what)).toEqual(['open-letter sent']);
    expect(status.timeline.some((t) => /crash/.test(t.detail ?? ''))).toBe(false);
    await handle.terminate('test over');
  });
});
