import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engagement } from '../../workflows';
import { engagementStatusQuery } from '../../workflows/messages';
import { type EngagementOutcome } from '../../workflows/types';
import { stepOf } from '../helpers/engagement-driver';
import { engagementInput, fastPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import type { ReceivedMail } from '../../infra/mail-sink';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { PROJECT_ROOT } from '../../paths';


/** Steps a vendor that never answers is sent, in order, with the fast policy below. */
const NO_RESPONSE_STEPS = ['letter', 'reminder-response-1', 'reminder-response-2', 'final-notice-response-1'];

const threadOf = (mail: ReceivedMail) => /\.(engagement\.[^@]+)@/.exec(mail.messageId ?? '')?.[1];

describe('durable under faults', () => {
  const env = useDossier({ ownServer: true });

  /** A worker in its own process, as in production (`npm run worker`), so it can be SIGKILLed. */
  function spawnWorker(taskQueue: string, stateDir: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'worker', 'main.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...env.childEnv, SMTP_URL: env.sink.url, DOSSIER_TASK_QUEUE: taskQueue, DOSSIER_STATE_DIR: stateDir, DOSSIER_OUTPUT_DIR: join(env.scratch, 'out') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("state: 'RUNNING'")) {
          clearTimeout(timer);
          resolve(child);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before running:\n${output}`));
      });
    });
  }

  /**
   * Each step arrived, and none twice, except where the ledger says the send was taken over from
   * an attempt whose worker died inside the SMTP transaction (`crashedInFlight`): whether the server
   * had accepted that copy is unknowable over SMTP, so the engine resends and flags it.
   */
  function expectEachStepOnce(mails: ReceivedMail[], threads: string[], steps: string[], crashedInFlight: (messageId: string) => boolean = () => false) {
    const ids = mails.map((m) => m.messageId!);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    const unexplained = twice.filter((id) => !crashedInFlight(id));
    expect(unexplained, `delivered twice without a crash during their send: ${unexplained.join(', ')}`).toEqual([]);
    for (const thread of threads) {
      const got = mails.filter((m) => threadOf(m) === thread.replace(/:/g, '.')).map(stepOf);
      for (const step of steps) expect(got, `${thread} should have received ${step}`).toContain(step);
    }
  }

  it('completes every engagement with each email delivered once when the worker is SIGKILLed at random moments', async () => {
    const taskQueue = `${env.taskQueue}-killed`;
    const stateDir = join(env.scratch, 'killed-worker-state');
    const campaignId = env.uniqueId('kill');
    const vendors = ['cisco', 'zoom', 'google', 'houseparty', 'microsoft', 'webex'];
    const policy = fastPolicy({ responseDue: '3s', reminderCadence: ['2s', '4s'], finalNoticeAfter: '6s', closeAfter: '2s' });
    let worker = await spawnWorker(taskQueue, stateDir);
    const handles = [];
    for (const vendor of vendors) {
      handles.push(
        await env.client.workflow.start(engagement, {
          taskQueue,
          workflowId: engagementWorkflowId(campaignId, vendor),
          args: [engagementInput(campaignId, vendor, policy)],
        }),
      );
    }
    for (let kill = 0; kill < 3; kill++) {
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 3_000));
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      worker = await spawnWorker(taskQueue, stateDir);
    }
    try {
      const outcomes = (await Promise.all(handles.map((h) => h.result()))) as EngagementOutcome[];
      expect(outcomes.map((o) => o.stage)).toEqual(vendors.map(() => 'closed-no-response'));
      for (const outcome of outcomes) expect(outcome.remindersSent.map((r) => r.kind)).toEqual(['reminder', 'reminder', 'final-notice']);
      const mails = env.sink.messages.filter((m) => m.messageId?.includes(campaignId));
      const ledger = new FileDeliveryLedger(join(stateDir, 'deliveries'));
      const resent = new Set<string>();
      for (const id of new Set(mails.map((m) => m.messageId!))) if ((await ledger.find(id))?.resentAfterCrash) resent.add(id);
      const crashedInFlight = (messageId: string) => resent.has(messageId);
      expectEachStepOnce(mails, handles.map((h) => h.workflowId), [...NO_RESPONSE_STEPS, 'officer-notice-closed-no-response', 'closure-notice'], crashedInFlight);
      // Extra copies only where a send was caught mid-transaction, one per such send at most.
      const expected = vendors.length * (NO_RESPONSE_STEPS.length + 2);
      const flagged = new Set(mails.map((m) => m.messageId!).filter(crashedInFlight)).size;
      expect(mails.length - expected).toBeGreaterThanOrEqual(0);
      expect(mails.length - expected).toBeLessThanOrEqual(flagged);
    } finally {
      worker.kill('SIGKILL');
    }
  }, 240_000);

  it('delivers every message once after the mail server was down during a burst of reminders', async () => {
    const campaignId = env.uniqueId('smtpdown');
    const vendors = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    await env.sink.stop();
    const handles = await Promise.all(
      vendors.map((vendor) =>
        env.client.workflow.start(engagement, {
          taskQueue: env.taskQueue,
          workflowId: engagementWorkflowId(campaignId, vendor),
          args: [engagementInput(campaignId, vendor, fastPolicy({ responseDue: '1s', reminderCadence: ['1s'], finalNoticeAfter: '2s', closeAfter: '1s' }))],
        }),
      ),
    );
    // Letters and reminders all fall due while nothing listens on the SMTP port.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(env.sink.messages.filter((m) => m.messageId?.includes(campaignId))).toHaveLength(0);
    await env.sink.start();
    const outcomes = (await Promise.all(handles.map((h) => h.result()))) as EngagementOutcome[];
    expect(outcomes.every((o) => o.stage === 'closed-no-response')).toBe(true);
    const mails = env.sink.messages.filter((m) => m.messageId?.includes(campaignId));
    expectEachStepOnce(mails, handles.map((h) => h.workflowId), ['letter', 'reminder-response-1', 'final-notice-response-1', 'officer-notice-closed-no-response', 'closure-notice']);
    expect(mails).toHaveLength(vendors.length * 5);
  }, 180_000);

  it('carries on after the Temporal server is stopped and restarted on the same SQLite file', async () => {
    const campaignId = env.uniqueId('restart');
    const handle = await env.client.workflow.start(engagement, {
      taskQueue: env.taskQueue,
      workflowId: engagementWorkflowId(campaignId, 'zoom'),
      args: [engagementInput(campaignId, 'zoom', fastPolicy({ responseDue: '4s', reminderCadence: ['2s'], finalNoticeAfter: '4s', closeAfter: '2s' }))],
    });
    await env.sink.waitFor(1, (m) => m.messageId?.includes(campaignId) ?? false);
    // The server writes ahead to a log beside its file (infra/dev-server.ts), and replays it on restart.
    expect(existsSync(`${env.serverDbFile}-wal`)).toBe(true);
    await env.restartServer();
    // The same handle works after the restart: the client reconnects to the same address.
    await expect.poll(async () => (await handle.query(engagementStatusQuery)).stage, { timeout: 60_000, interval: 1_000 }).toBe('awaiting-response');
    const outcome = (await handle.result()) as EngagementOutcome;
    expect(outcome.stage).toBe('closed-no-response');
    const steps = env.sink.messages.filter((m) => m.messageId?.includes(campaignId)).map(stepOf);
    expect(steps).toEqual(['letter', 'reminder-response-1', 'final-notice-response-1', 'officer-notice-closed-no-response', 'closure-notice']);
  }, 180_000);
});
