// The one way a workflow sends mail and calls its activities. Retry profiles are defined here once:
// email retries a relay that is down for hours but takes a refused address back at once; rendering
// retries a broken worker, slowing down. `sendOrExplain` turns a permanent refusal (RecipientRejected,
// InvalidMessage, or a server that took the message but refused some recipients) into a refusal the
// workflow records and reports to the officers; anything else is retried by the profile or propagates.
import { ActivityCancellationType, ActivityFailure, ApplicationFailure, proxyActivities, TimeoutFailure, type ActivityOptions } from '@temporalio/workflow';
import { RetryState, TimeoutType } from '@temporalio/common';
import type { Activities } from '../activities';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES, type RecipientRejectedDetails } from './errors';
import { requireDurationMs } from './time';
import type { Duration, OutgoingMessage, Refusal, SentMessage } from './types';

/** Email: an SMTP relay that is down for hours must not lose a letter; a refused address comes back at once. */
export const EMAIL_PROFILE: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
};

/**
 * Rendering is local work that fails only when the worker is broken (a missing font, a full disk):
 * retry, slowing down, until the worker is fixed; failing would close a months-long case.
 */
export const DOCUMENT_PROFILE: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
};

export const email = proxyActivities<Activities>(EMAIL_PROFILE);
export const documents = proxyActivities<Activities>(DOCUMENT_PROFILE);
/**
 * A letter's copy its send could not keep, filed for its engagement: rendering's profile, but tried
 * at least once a minute, so the case's status says it is filed soon after the store works again.
 */
export const letterCopies = proxyActivities<Activities>({ ...DOCUMENT_PROFILE, retry: { ...DOCUMENT_PROFILE.retry, maximumInterval: '1 minute' } });
/**
 * Email whose cancellation waits for the worker's answer (the SDK's proxies otherwise report it at
 * once): a message the relay took while its cancellation was on its way counts as sent, not cancelled.
 */
export const emailSentUnlessCancelled = proxyActivities<Activities>({ ...EMAIL_PROFILE, cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });

/**
 * An attempt that failed after its activity was asked to be cancelled: the server retries it no more
 * and reports the attempt's own failure (retry state CANCEL_REQUESTED), not a cancellation. Only
 * `emailSentUnlessCancelled` waits for that answer; the other proxies report the cancel at once.
 */
export function failedOnceCancelRequested(err: unknown): boolean {
  return err instanceof ActivityFailure && err.retryState === RetryState.CANCEL_REQUESTED;
}

/** Email that gives up once `after` has passed since it was scheduled, retries included (see `isScheduleToCloseTimeout`). */
export function emailGivingUpAfter(after: Duration): typeof email {
  return proxyActivities<Activities>({ ...EMAIL_PROFILE, scheduleToCloseTimeout: requireDurationMs(after) });
}

/** Rendering or keeping files that gives up once `after` has passed since it was scheduled, retries included. */
export function documentsGivingUpAfter(after: Duration): typeof documents {
  return proxyActivities<Activities>({ ...DOCUMENT_PROFILE, scheduleToCloseTimeout: requireDurationMs(after) });
}

/**
 * The failure of an activity that ran out of its schedule-to-close time: during an attempt (a
 * timeout), or between attempts (the last attempt's failure, with no retry left in the time).
 */
export function isScheduleToCloseTimeout(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  return err.retryState === RetryState.TIMEOUT || (err.cause instanceof TimeoutFailure && err.cause.timeoutType === TimeoutType.SCHEDULE_TO_CLOSE);
}

/**
 * `refused`: Dossier's technical diagnostic (English), as the timeline records it; `refusal`: the same
 * facts for the officers' notice and the workspace to word in their language. `accepted`: the
 * recipients the server took when it refused only some (the message did go out), `dueDate` what
 * the message stated to them when the send counted it (`SentMessage.dueDate`), and
 * `letterCopyNotFiled` why the open letter's copy could not be kept (`SentMessage.letterCopyNotFiled`).
 */
export type Delivery =
  | { sent: SentMessage; refused?: undefined; refusal?: undefined; dueDate?: undefined }
  | { sent?: undefined; refused: string; refusal: Refusal; accepted?: string[]; dueDate?: string; letterCopyNotFiled?: string };

export async function sendOrExplain(message: OutgoingMessage, via = email): Promise<Delivery> {
  try {
    const sent = await via.sendMessage(message);
    // The server took the message but refused some of its recipients: as permanent as a 5xx.
    if (sent.rejected.length > 0) {
      return {
        refused: `the mail server refused ${sent.rejected.join(', ')}`,
        refusal: { code: 'some-recipients-refused', recipients: sent.rejected },
        accepted: sent.accepted,
        ...(sent.dueDate === undefined ? {} : { dueDate: sent.dueDate }),
        ...(sent.letterCopyNotFiled === undefined ? {} : { letterCopyNotFiled: sent.letterCopyNotFiled }),
      };
    }
    return { sent };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type && NON_RETRYABLE_ERROR_TYPES.includes(cause.type)) {
      // The message names recipients by position only (the server stores it in plaintext); the
      // addresses come in the encrypted details, for the officer's notice.
      const details = cause.details?.[0] as Partial<RecipientRejectedDetails> | undefined;
      const recipients = details?.recipients;
      return {
        refused: `${cause.type}: ${cause.message}${recipients?.length ? ` [${recipients.join(', ')}]` : ''}`,
        refusal: refusalOf(cause.type, cause.message, details),
      };
    }
    throw err;
  }
}

function refusalOf(type: string, message: string, details: Partial<RecipientRejectedDetails> | undefined): Refusal {
  if (type === ErrorType.InvalidMessage) return { code: 'invalid-message', diagnostic: message };
  // A worker of an older release says the message was refused only in its (English) message.
  const ofMessage = details?.refused === 'message' || (details?.refused === undefined && /refused the message itself/.test(message));
  return {
    code: ofMessage ? 'message-refused' : 'recipients-refused',
    ...(details?.recipients?.length ? { recipients: details.recipients } : {}),
    ...(details?.reply ? { reply: details.reply } : {}),
    ...(typeof details?.smtpCode === 'number' ? { smtpCode: details.smtpCode } : {}),
  };
}
