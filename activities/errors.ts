// Failures of the correspondence activities, raised as ApplicationFailures whose `type` is one of
// the workflow side's ErrorType codes (workflows/errors.ts), so the retry policy can tell them apart.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, type RecipientRejectedDetails } from '../workflows/errors';

export function recipientRejected(message: string, details: RecipientRejectedDetails): ApplicationFailure {
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

/** Retried: the worker, not the text, is at fault; the message names the font file and how to install it. */
export function fontMissing(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.FontMissing, message, nonRetryable: false });
}
