// The officers' daily digest, started by a Temporal Schedule: what is overdue and what falls due in
// the next days across every campaign an officer works on, one email per officer in their language,
// none when there is nothing to say. Finding the cases is a visibility query in an activity (a
// workflow cannot query visibility); the sends go through the usual once-only email path.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DIGEST_HORIZON, type Duration } from './types';

const { collectOfficerDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
});
const { sendMessage } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** The Schedule that starts the digest; created once at start-up, left alone when it exists. */
export const OFFICER_DIGEST_SCHEDULE_ID = 'dossier-officer-digest';

export interface OfficerDigestInput {
  /** How far ahead "due soon" reaches (default DIGEST_HORIZON); the email says it in words. */
  horizon?: Duration;
}

export interface OfficerDigestResult {
  /** Digests sent, one per officer with something overdue or due soon. */
  sent: { officer: string; messageId: string; items: number }[];
}

export async function officerDigest(input: OfficerDigestInput = {}): Promise<OfficerDigestResult> {
  const { workflowId, taskQueue } = workflowInfo();
  const horizon = input.horizon ?? DIGEST_HORIZON;
  const digests = await collectOfficerDigests({ asOf: new Date(Date.now()).toISOString(), horizon, taskQueue });
  const sent: OfficerDigestResult['sent'] = [];
  for (const [n, digest] of digests.entries()) {
    const result = await sendMessage({
      threadId: workflowId,
      step: `digest-${n + 1}`,
      kind: 'officer-digest',
      language: digest.officer.language,
      to: [{ name: digest.officer.name, email: digest.officer.email }],
      campaign: digest.campaign,
      // Data in the activity's input, not a command: digests recorded before replay unchanged.
      details: { digest: digest.sections, timeZone: digest.timeZone, digestHorizon: horizon },
    });
    sent.push({ officer: digest.officer.email, messageId: result.messageId, items: digest.sections.reduce((k, s) => k + s.items.length, 0) });
  }
  return { sent };
}
