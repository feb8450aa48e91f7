// The officers' daily digest, started every hour by a Temporal Schedule: what is overdue and what
// falls due in the next days across every campaign an officer works on, one email per officer in
// their language, at the digest's hour on their own clock, none when there is nothing to say. Finding the cases is a visibility query in an activity (a
// workflow cannot query visibility); the sends go through the usual once-only email path.
import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { sendOrExplain } from './delivery';
import { DIGEST_HORIZON, type Duration } from './types';

const { collectOfficerDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
});
const digestEmail = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** One officer's address refused for good no longer fails the workflow before the officers after them. */
const DIGEST_PAST_REFUSAL = 'digest-past-refusal';

/** The Schedule that starts the digest; created once at start-up, left alone when it exists. */
export const OFFICER_DIGEST_SCHEDULE_ID = 'dossier-officer-digest';

export interface OfficerDigestInput {
  /** How far ahead "due soon" reaches (default DIGEST_HORIZON); the email says it in words. */
  horizon?: Duration;
  /**
   * The hour (0–23) of an officer's day their digest goes out, on their clock (their `timeZone`,
   * else their campaign's): the Schedule starts the workflow every DIGEST_EVERY with it, and each run
   * mails the officers whose hour began since the run before. Absent (a run started by hand, or by
   * the daily Schedule created before officers had clocks): every officer, at once.
   */
  localHour?: number;
}

export interface OfficerDigestResult {
  /** Digests sent, one per officer with something overdue or due soon. */
  sent: { officer: string; messageId: string; items: number }[];
  /** Digests the mail server refused for good (a mistyped address in the campaign file), with why. */
  refused?: { officer: string; refused: string }[];
}

export async function officerDigest(input: OfficerDigestInput = {}): Promise<OfficerDigestResult> {
  const { workflowId, taskQueue } = workflowInfo();
  const horizon = input.horizon ?? DIGEST_HORIZON;
  // The hour travels in the activity's input, not as a command: digests recorded before replay unchanged.
  const clock = input.localHour === undefined ? {} : { localHour: input.localHour };
  const digests = await collectOfficerDigests({ asOf: new Date(Date.now()).toISOString(), horizon, taskQueue, ...clock });
  const sent: OfficerDigestResult['sent'] = [];
  const refused: NonNullable<OfficerDigestResult['refused']> = [];
  const goesPastRefusal = patched(DIGEST_PAST_REFUSAL);
  for (const [n, digest] of digests.entries()) {
    const message = {
      threadId: workflowId,
      step: `digest-${n + 1}`,
      kind: 'officer-digest' as const,
      language: digest.officer.language,
      to: [{ name: digest.officer.name, email: digest.officer.email }],
      campaign: digest.campaign,
      // Data in the activity's input, not a command: digests recorded before replay unchanged.
      details: { digest: digest.sections, timeZone: digest.timeZone, digestHorizon: horizon },
    };
    const items = digest.sections.reduce((k, s) => k + s.items.length, 0);
    if (!goesPastRefusal) {
      const result = await digestEmail.sendMessage(message);
      sent.push({ officer: digest.officer.email, messageId: result.messageId, items });
      continue;
    }
    // A refusal for good is the campaign file's address, not this run's: the other officers still get theirs.
    const delivery = await sendOrExplain(message, digestEmail);
    if (delivery.sent) sent.push({ officer: digest.officer.email, messageId: delivery.sent.messageId, items });
    else {
      log.warn('Officer digest refused by the mail server for good; the others are still sent', { step: message.step, refusal: delivery.refusal.code });
      refused.push({ officer: digest.officer.email, refused: delivery.refused });
    }
  }
  return refused.length ? { sent, refused } : { sent };
}
