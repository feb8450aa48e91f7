// Sending a message from a workflow without letting a refused address fail the case: a permanent
// refusal (RecipientRejected, InvalidMessage) comes back as a reason the workflow records and
// reports to the officers; anything else is retried by the activity's policy or propagates.
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES } from './errors';
import type { OutgoingMessage, SentMessage } from './types';

export type Delivery = { sent: SentMessage; refused?: undefined } | { sent?: undefined; refused: string };

export async function sendOrExplain(
  send: (message: OutgoingMessage) => Promise<SentMessage>,
  message: OutgoingMessage,
): Promise<Delivery> {
  try {
    const sent = await send(message);
    // The server took the message but refused some of its recipients: as permanent as a 5xx.
    if (sent.rejected.length > 0) return { refused: `the mail server refused ${sent.rejected.join(', ')}` };
    return { sent };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type && NON_RETRYABLE_ERROR_TYPES.includes(cause.type)) {
      // The message names recipients by position only (the server stores it in plaintext); the
      // addresses come in the encrypted details, for the officer's notice.
      const recipients = (cause.details?.[0] as { recipients?: string[] } | undefined)?.recipients;
      return { refused: `${cause.type}: ${cause.message}${recipients?.length ? ` [${recipients.join(', ')}]` : ''}` };
    }
    throw err;
  }
}
