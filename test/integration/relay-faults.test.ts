// Faults of the mail relay and of the worker's own state, against a real engagement on the real dev
// server and SMTP sink: wrong relay credentials, a ledger that cannot be written after the relay
// accepted a message. The relay's faults are retried and shown to the operator; they are never
// blamed on the recipient, and nothing accepted is sent twice.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { describe, expect, inject, it, vi } from 'vitest';
import type { ActivityDeps } from '../../activities';
import { ErrorType } from '../../workflows/errors';
import { engagement } from '../../workflows';
import { engagementStatusQuery } from '../../workflows/messages';
import { engagementInput, fastPolicy, patientPolicy } from '../helpers/fixtures';
import type { EngagementInput } from '../../workflows/types';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { failureMessage } from '../helpers/failure-message';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { ENGAGEMENT_REVISION } from '../../workflows/engagement-rules';
import { formatDate } from '../../activities/format';
import type { DeliveryLedger } from '../../activities/delivery-ledger';
import { openLocalStore } from '../../store/local';
import { createDossierWorker } from '../../worker/worker';

const env = useDossier();

/** A worker on a queue of its own with the real activities, given its own relay URL or hooks. */
const startWorker = (name: string, deps: Partial<ActivityDeps>): Promise<string> => env.ownWorker(name, { deps });

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
    expect(await failureMessage(env.client, pending.lastFailure)).toMatch(/535/);
    expect(await failureMessage(env.client, pending.lastFailure)).toMatch(/credentials/i);
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
    // Reported as what it is: accepted and sent once, but not recorded by the ledger.
    expect(status.timeline[0].detail).toMatch(/sent once; accepted by the mail server, but the delivery ledger could not record it: ENOTDIR/);
    await handle.terminate('test over');
  });

  it('writes on stopping the record of a letter its ledger refused while it ran, or names the letter in its log when it cannot', async () => {
    /** A worker whose ledger refuses every record while `down` says so; it sends one letter, then is stopped. */
    const sendThenStop = async (name: string, comesBackAfterStopMs: number | undefined) => {
      const stateDir = join(env.scratch, `state-${name}`);
      const local = openLocalStore({ outputDir: join(env.scratch, `out-${name}`), stateDir, keysDir: join(stateDir, 'keys') });
      const files = local.ledger;
      let down = true;
      const ledger: DeliveryLedger = {
        find: (messageId) => files.find(messageId),
        findMany: (messageIds) => files.findMany(messageIds),
        begin: (messageId, options) => files.begin(messageId, options),
        record: async (entry) => {
          if (down) throw new Error('ENOSPC: no space left on device (test)');
          await files.record(entry);
        },
      };
      const taskQueue = `${env.taskQueue}-${name}`;
      const worker = await createDossierWorker({ ...env.config, taskQueue, stateDir, store: { ...local, ledger } }, { workflowBundle: { codePath: inject('workflowBundlePath') } });
      const done = worker.run();
      const input = engagementInput(env.uniqueId(name), 'cisco', patientPolicy());
      const handle = await env.client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      const [letter] = await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(input.campaign.id), 20_000);
      await expect.poll(async () => (await handle.query(engagementStatusQuery)).stage, { timeout: 20_000 }).toBe('awaiting-response');
      worker.worker.shutdown();
      if (comesBackAfterStopMs !== undefined) setTimeout(() => (down = false), comesBackAfterStopMs);
      await done;
      const recorded = await files.find(letter!.messageId!);
      down = false;
      await handle.terminate('test over');
      return { messageId: letter!.messageId!, recorded };
    };

    // The ledger is back while the worker stops: the record is written before it ends, not lost with it.
    const back = await sendThenStop('ledger-back-at-stop', 1_500);
    expect(back.recorded?.accepted).toHaveLength(1);

    // Still down: the on-call reads which letters another worker will send again, and why.
    const logged = vi.spyOn(Runtime.instance().logger, 'error');
    try {
      const lost = await sendThenStop('ledger-down-at-stop', undefined);
      expect(lost.recorded).toBeUndefined();
      const lines = logged.mock.calls.map(([message]) => String(message));
      const line = lines.find((l) => l.startsWith('Stopped with 1 message(s) the mail server accepted'));
      expect(line).toContain('delivery ledger (local files');
      expect(line).toContain('(ENOSPC: no space left on device (test))');
      expect(line).toContain(`: ${lost.messageId}. `);
    } finally {
      logged.mockRestore();
    }
  });

  it('tells the office when a recipient defers for ever, keeps retrying, and starts the deadline only once the letter is out', async () => {
    let deferring = true;
    env.sink.recipientPolicy = (address) => (deferring && address === 'privacy@houseparty.test' ? { code: 451, message: '4.7.1 Try again later' } : undefined);
    const input = engagementInput(env.uniqueId('defer'), 'houseparty', patientPolicy({ deliveryAlertAfter: '2s' }));
    const handle = await env.client.workflow.start(engagement, {
      taskQueue: env.taskQueue,
      workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
      args: [input],
    });
    const started = Date.now();

    const [notice] = await env.sink.waitFor(1, (m) => (m.messageId ?? '').startsWith('<officer-notice-delayed-letter.'), 20_000);
    expect(notice.to).toEqual(['office@opc.test']);
    expect((await env.parsed([notice]))[0].text).toMatch(/still not delivered after 2 seconds/);
    const waiting = await handle.query(engagementStatusQuery);
    expect(waiting.stage).toBe('sending-letter');
    expect(waiting.timeline.map((t) => t.what)).toContain('open-letter delayed');
    expect(waiting.deliveryFailures).toEqual([]);

    await sleep(1_500);
    deferring = false;
    const [letter] = await env.sink.waitFor(1, (m) => m.to.includes('privacy@houseparty.test'), 30_000);
    const sentAt = Date.now();
    expect(sentAt - started).toBeGreaterThan(3_000);
    const status = await (async () => {
      for (;;) {
        const s = await handle.query(engagementStatusQuery);
        if (s.stage === 'awaiting-response') return s;
        await sleep(200);
      }
    })();
    expect(letter).toBeDefined();
    // patientPolicy: the response is due 10 minutes after the letter went out, not after the start.
    expect(Date.parse(status.responseDueDate!)).toBeGreaterThanOrEqual(sentAt - 2_000 + 10 * 60_000);
    await handle.terminate('test over');
  });

  it('states in a letter held up by the relay the due date the case keeps, counted from the attempt that delivers it (revision 7)', async () => {
    // The response time ends a few seconds before a midnight two weeks ahead (UTC, the campaign's
    // zone) if counted from the start, and after it once the relay has held the letter past those
    // seconds: the provisional date and the delivered one fall on two days.
    let deferring = true;
    env.sink.recipientPolicy = (address) => (deferring && address === 'privacy@microsoft.test' ? { code: 451, message: '4.7.1 Try again later' } : undefined);
    const start = Date.now();
    const midnight = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate() + 14);
    const responseDue = `${midnight - start - 8_000}ms`;
    const input = { ...engagementInput(env.uniqueId('held'), 'microsoft', patientPolicy({ responseDue })), revision: ENGAGEMENT_REVISION };
    const handle = await env.client.workflow.start(engagement, { taskQueue: env.taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
    const provisional = (await handle.query(engagementStatusQuery)).responseDueDate!;
    expect(Date.parse(provisional)).toBeLessThan(midnight);
    await until(async () => Date.now(), (now) => now > start + 10_000, 'the relay holding the letter past midnight of the due date');
    deferring = false;
    const [letter] = await env.sink.waitFor(1, (m) => m.to.includes('privacy@microsoft.test'), 30_000);
    const status = await until(() => handle.query(engagementStatusQuery), (s) => s.stage === 'awaiting-response', 'the letter delivered');
    expect(Date.parse(status.responseDueDate!)).toBeGreaterThanOrEqual(midnight);
    const [text] = (await env.parsed([letter])).map((m) => m.text ?? '');
    expect(text).toContain(`respond by ${formatDate(status.responseDueDate!, 'en')}`);
    expect(text).not.toContain(formatDate(provisional, 'en'));
    await handle.terminate('test over');
  });

  it('records a message the relay refuses as too large (552 5.3.4) at once, and retries one refused for a policy reason (550 5.7.1) or a bare 554', async () => {
    env.sink.messagePolicy = (mail) => {
      if (mail.to.includes('privacy@cisco.test')) return { code: 552, message: '5.3.4 Message size exceeds fixed maximum message size' };
      if (mail.to.includes('privacy@zoom.test')) return { code: 550, message: '5.7.1 Sender not authorised by the domain (DMARC)' };
      if (mail.to.includes('privacy@google.test')) return { code: 554, message: 'Message rejected: Email address is not verified' };
      return undefined;
    };
    const handles: WorkflowHandle[] = [];
    try {
      for (const vendor of ['cisco', 'zoom', 'google']) {
        const input = engagementInput(env.uniqueId(`data-${vendor}`), vendor, patientPolicy());
        handles.push(await env.client.workflow.start(engagement, { taskQueue: env.taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] }));
      }
      const [tooLarge, notVouched, unverifiedSender] = handles as [WorkflowHandle, WorkflowHandle, WorkflowHandle];

      // The same message would get the same answer: recorded as not delivered, and the office told.
      const [notice] = await env.sink.waitFor(1, (m) => (m.messageId ?? '').startsWith('<officer-notice-letter.') && m.to.includes('office@opc.test'), 20_000);
      const status = await until(() => tooLarge.query(engagementStatusQuery), (s) => s.stage === 'letter-undeliverable', 'the refused letter recorded', 10_000);
      expect(status.deliveryFailures).toHaveLength(1);
      expect(status.deliveryFailures[0]!.reason).toMatch(/refused the message itself for good, not an address \(SMTP 552 at DATA\).*5\.3\.4 Message size exceeds/);
      expect((await env.parsed([notice]))[0].text).toMatch(/552/);
      expect((await tooLarge.describe()).raw.pendingActivities ?? []).toHaveLength(0);

      // A policy refusal is the relay's to fix (the sender's DKIM, SPF or DMARC): retried, never blamed on the vendor.
      const pending = await pendingSend(notVouched, 3);
      expect(pending.lastFailure?.applicationFailureInfo?.type).toBe(ErrorType.RelayFault);
      expect(await failureMessage(env.client, pending.lastFailure)).toMatch(/SMTP 550 at DATA.*5\.7\.1/);
      const waiting = await notVouched.query(engagementStatusQuery);
      expect(waiting.stage).toBe('sending-letter');
      expect(waiting.deliveryFailures).toEqual([]);
      // So is a bare 554 that says why (here, as a relay says of a sending identity it has not verified).
      const unexplained = await pendingSend(unverifiedSender, 3);
      expect(unexplained.lastFailure?.applicationFailureInfo?.type).toBe(ErrorType.RelayFault);
      expect(await failureMessage(env.client, unexplained.lastFailure)).toMatch(/SMTP 554 at DATA.*not verified/);
    } finally {
      env.sink.messagePolicy = () => undefined;
      for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
    }
  });

  it('fails at once, naming the field, an engagement started with an absurd duration or a date that does not exist', async () => {
    const cases: [EngagementInput, RegExp][] = [];
    const absurd = engagementInput(env.uniqueId('absurd'), 'zoom', patientPolicy({ responseDue: 1e300 }));
    cases.push([absurd, /^policy\.responseDue must be at most 10 years/]);
    const weeks = engagementInput(env.uniqueId('weeks'), 'zoom', patientPolicy({ closeAfter: '99999999999999 weeks' }));
    cases.push([weeks, /^policy\.closeAfter must be at most 10 years/]);
    const date = engagementInput(env.uniqueId('date'), 'zoom', patientPolicy());
    date.campaign.letterDate = '2020-02-31';
    cases.push([date, /^campaign\.letterDate must be a date that exists/]);
    for (const [input, message] of cases) {
      const handle = await env.client.workflow.start(engagement, {
        taskQueue: env.taskQueue,
        workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
        args: [input],
      });
      const outcome = await Promise.race([handle.result().then(() => 'completed', (err: unknown) => err), sleep(15_000).then(() => 'still running')]);
      if (typeof outcome === 'string') await handle.terminate('test over');
      expect(outcome).toBeInstanceOf(WorkflowFailedError);
      expect((outcome as WorkflowFailedError).cause?.message).toMatch(message);
    }
    // Its own engagements' mail only: a retry of an earlier test's send may still land in the shared sink.
    const ours = cases.map(([input]) => input.campaign.id);
    expect(env.sink.messages.filter((m) => ours.some((id) => (m.messageId ?? '').includes(id)))).toHaveLength(0);
  });

  it('carries the letter body in the open letter alone, not in every later message of the history', async () => {
    const input = engagementInput(env.uniqueId('lean'), 'google', fastPolicy({ responseDue: '1s', reminderCadence: ['1s'], finalNoticeAfter: '30s', closeAfter: '30s' }));
    input.campaign.letterBody.en = Array.from({ length: 4 }, (_, i) => `${i} `.padEnd(20_000, 'long letter '));
    const handle = await env.client.workflow.start(engagement, {
      taskQueue: env.taskQueue,
      workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
      args: [input],
    });
    await env.sink.waitFor(1, (m) => (m.messageId ?? '').startsWith('<reminder-response-1.'), 30_000);
    await handle.terminate('test over');
    const { events } = await handle.fetchHistory();
    const inputBytes = (events ?? []).flatMap((e) => {
      const scheduled = e.activityTaskScheduledEventAttributes;
      return scheduled ? [(scheduled.input?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0)] : [];
    });
    expect(inputBytes.length).toBeGreaterThanOrEqual(2);
    expect(inputBytes[0]).toBeGreaterThan(80_000); // the open letter
    for (const later of inputBytes.slice(1)) expect(later).toBeLessThan(20_000);
  });
});
