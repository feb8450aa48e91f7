// Drives one engagement from a test as a case officer would: starts it, waits for its mail at the
// sink by Message-ID step, polls its status, and checks that a refused update changed nothing.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import type { ReceivedMail } from '../../infra/mail-sink';
import { engagement } from '../../workflows';
import { engagementStatusQuery, type EngagementStatus } from '../../workflows/messages';
import { type EngagementInput } from '../../workflows/types';
import type { DossierTestEnv } from './harness';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

export interface EngagementDriver {
  handle: WorkflowHandle<typeof engagement>;
  input: EngagementInput;
  /** Mail of this engagement that has arrived so far. */
  mails(): ReceivedMail[];
  /** Waits for `count` messages whose Message-ID names `step` (a prefix: `reminder-response-`). */
  waitForMail(step: string, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  status(): Promise<EngagementStatus>;
  waitForStatus(check: (s: EngagementStatus) => boolean, timeoutMs?: number): Promise<EngagementStatus>;
  /** Runs an update that must be refused with `message`, and checks the status did not change. */
  expectRejected(run: () => Promise<unknown>, message: RegExp | string): Promise<void>;
}

export function stepOf(mail: ReceivedMail): string | undefined {
  return /^<([^.]+)\.engagement\./.exec(mail.messageId ?? '')?.[1];
}

/** `taskQueue`: a test's own worker's (`env.ownWorker`); the shared worker's by default. */
export async function startEngagement(env: DossierTestEnv, input: EngagementInput, { taskQueue = env.taskQueue }: { taskQueue?: string } = {}): Promise<EngagementDriver> {
  const workflowId = engagementWorkflowId(input.campaign.id, input.vendor.id);
  const handle = await env.client.workflow.start(engagement, { taskQueue, workflowId, args: [input] });
  const threadTag = `.${workflowId.replace(/[^A-Za-z0-9.-]+/g, '.')}@`;
  const ours = (m: ReceivedMail) => (m.messageId ?? '').includes(threadTag);
  const status = () => handle.query(engagementStatusQuery);
  const driver: EngagementDriver = {
    handle,
    input,
    mails: () => env.sink.messages.filter(ours),
    waitForMail: (step, count = 1, timeoutMs = 45_000) =>
      env.sink.waitFor(count, (m) => ours(m) && (stepOf(m) ?? '').startsWith(step), timeoutMs),
    status,
    async waitForStatus(check, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await status();
        if (check(current)) return current;
        if (Date.now() > deadline) throw new Error(`status never matched; last: ${JSON.stringify(current, null, 1)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async expectRejected(run, message) {
      const before = await status();
      const error = await run().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, 'the update should have been rejected').toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause;
      if (typeof message === 'string') expect(cause?.message).toBe(message);
      else expect(cause?.message).toMatch(message);
      expect(await status()).toEqual(before);
    },
  };
  return driver;
}

/** Now plus `ms`, as an ISO timestamp. */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();
