// One engagement lifecycle driven from the client as a case officer would, the same for Dossier's
// engagement and the engine floor: start, record the response once the letter is out, one follow-up
// round asked, a demonstration scheduled, held and recorded, the round answered, the conclusion. An update
// the workflow's stage gate refuses (the letter not out yet, the demonstration not started) is sent
// again shortly after: that is what a client without a push channel does, and both sides pay it.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { engagementStartOptions } from '../../client/api';
import {
  askFollowUpUpdate,
  concludeUpdate,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordResponseUpdate,
  scheduleDemonstrationUpdate,
} from '../../workflows/messages';
import { completeFindings } from '../../test/helpers/fixtures';
import type { EngagementInput } from '../../workflows/types';
import { sleep } from './stats';

export const OFFICER = 'Officer Bench';

export interface LifecycleResult {
  workflowId: string;
  ms: number;
  /** Updates the stage gate refused and the driver sent again. */
  retries: number;
}

/** How far ahead the demonstration is scheduled: enough, mostly, for the validator to see it in the future. */
const DEMONSTRATION_AHEAD_MS = 300;
const RETRY_EVERY_MS = 50;

export async function driveLifecycle(
  client: Client,
  workflowType: 'engagement' | 'engineFloor',
  taskQueue: string,
  workflowId: string,
  input: EngagementInput,
): Promise<LifecycleResult> {
  const started = performance.now();
  let retries = 0;
  /** Sends an update until the stage gate accepts it; any other failure is thrown. */
  const whenAccepted = async <R>(send: () => Promise<R>, retryOn: RegExp): Promise<R> => {
    for (;;) {
      try {
        return await send();
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError) || !retryOn.test(err.cause?.message ?? '')) throw err;
        retries++;
        await sleep(RETRY_EVERY_MS);
      }
    }
  };
  // Started as Dossier's client starts one (its code's revision, its first stage listed), the floor the same way.
  const handle = await client.workflow.start(workflowType, { ...engagementStartOptions(input, taskQueue), workflowId });
  await whenAccepted(
    () => handle.executeUpdate(recordResponseUpdate, { args: [{ by: OFFICER, receivedAt: new Date().toISOString(), summary: 'Detailed answers', attachments: [] }] }),
    /sending-letter|while sending/,
  );
  const [question] = await handle.executeUpdate(askFollowUpUpdate, { args: [{ by: OFFICER, questions: ['How are meeting IDs generated?'] }] });
  // Scheduled just ahead; when the machine is slow the validator may see that time pass: try again.
  const demonstration = await whenAccepted(
    () =>
      handle.executeUpdate(scheduleDemonstrationUpdate, {
        args: [
          {
            by: OFFICER,
            at: new Date(Date.now() + DEMONSTRATION_AHEAD_MS).toISOString(),
            durationMinutes: 30,
            attendees: [{ name: 'Ann Engineer', email: 'ann@vendor.test' }],
            topics: ['How encryption is validated'],
          },
        ],
      }),
    /must be in the future/,
  );
  await sleep(Math.max(0, Date.parse(demonstration.at) - Date.now()));
  await whenAccepted(
    () =>
      handle.executeUpdate(recordDemonstrationOutcomeUpdate, {
        args: [{ by: OFFICER, demonstrationId: demonstration.id, result: 'validated', notes: 'Key rotation shown' }],
      }),
    /has not started yet/,
  );
  // Answered after the demonstration, as a vendor would: by then the round's reminder timer runs.
  await handle.executeUpdate(recordAnswersUpdate, { args: [{ by: OFFICER, answers: [{ questionId: question.id, answer: 'Randomly, 11 digits' }] }] });
  await handle.executeUpdate(concludeUpdate, { args: [{ by: OFFICER, findings: completeFindings() }] });
  await handle.result();
  return { workflowId, ms: performance.now() - started, retries };
}
