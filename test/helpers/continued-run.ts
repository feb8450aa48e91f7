// A run continued as new, started by hand as continue-as-new starts it: the engagement under the same
// workflow id, its input and the state a real run left (that run ended first), with or without the
// count of letters (code before it was carried left it out). Shared by the continue-as-new test and
// scripts/record-race-histories.ts, which records the same case for replay; no vitest here.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { engagement } from '../../workflows';
import type { EngagementContinuation, EngagementStatus, RecordInboundInput } from '../../workflows/messages';
import type { EngagementInput } from '../../workflows/types';

export interface ContinuedRun {
  client: Client;
  taskQueue: string;
  /** The run to end; the next one takes its workflow id. */
  handle: WorkflowHandle;
  input: EngagementInput;
  /** The run's status when it ends, as its query answered. */
  status: EngagementStatus;
  /** `{ letterAttempts }` as code that carries the count hands it over; `{}` as earlier code did. */
  letters: Pick<EngagementContinuation, 'letterAttempts'>;
}

/** Ends the run and starts the next as continue-as-new would. */
export async function continueRun({ client, taskQueue, handle, input, status, letters }: ContinuedRun): Promise<WorkflowHandle<typeof engagement>> {
  const { nextDeadline: _listed, ...state } = status;
  await handle.terminate('the run ends here; the next one continues it');
  const continued: EngagementContinuation = { run: 2, state, reminders: {}, questionsSent: [], demonstrations: {}, ...letters };
  return client.workflow.start(engagement, { taskQueue, workflowId: handle.workflowId, args: [input, continued] });
}

/** The vendor's server bounces the letter sent as `step` from `address`. */
export function letterBounce(input: EngagementInput, step: string, address: string): RecordInboundInput {
  const vendorId = input.vendor.id;
  return {
    messageId: `<bounce-${input.campaign.id}@mx.${vendorId}.test>`,
    from: `mailer-daemon@mx.${vendorId}.test`,
    subject: 'Undelivered Mail Returned to Sender',
    receivedAt: new Date().toISOString(),
    kind: 'bounce',
    matchedBy: 'thread',
    answersStep: step,
    text: '',
    documents: [],
    notes: [],
    bounce: { recipients: [address], status: '5.1.1', diagnostic: 'no such user' },
  };
}
