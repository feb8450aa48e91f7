// Failures of the correspondence activities, named by a string code because `instanceof` does not
// survive Temporal: the workflow's retry policy lists the permanent ones as non-retryable.
import { ApplicationFailure } from '@temporalio/common';

export const ErrorType = {
  /** The mail server refused a recipient or the message for good (5xx, malformed address). */
  RecipientRejected: 'RecipientRejected',
  /**
   * The mail server deferred some recipients (4xx) while accepting the others: retried, and the
   * retry sends only to the deferred ones, so nobody gets a second copy.
   */
  RecipientDeferred: 'RecipientDeferred',
  /**
   * The mail relay failed, not the recipient: it refused Dossier's credentials (535), TLS or the
   * connection failed, or it refused the sender or the message. Retried with backoff until an
   * operator fixes the relay or its configuration; the message names what to check.
   */
  RelayFault: 'RelayFault',
  /** The message could not be built from its input (missing template value, bad attachment path). */
  InvalidMessage: 'InvalidMessage',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Retrying these cannot help: the workflow records them and tells the officer instead. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [ErrorType.RecipientRejected, ErrorType.InvalidMessage];

export function recipientRejected(message: string, details: { recipients: string[]; smtpCode?: number }): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.RecipientRejected, message, details: [details], nonRetryable: true });
}

export function relayFault(message: string, details: { smtpCode?: number; code?: string }): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.RelayFault, message, details: [details], nonRetryable: false });
}

export function recipientDeferred(message: string, details: { recipients: string[]; smtpCode?: number }): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.RecipientDeferred, message, details: [details], nonRetryable: false });
}

export function invalidMessage(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.InvalidMessage, message, nonRetryable: true });
}
