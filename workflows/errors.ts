// One error convention for all of Dossier (pdf-lib's errors.ts style): one class per failure, each
// with a string `code` (also its `name`) and a message that says how to fix it. `instanceof` does not
// survive Temporal or a process boundary; the code does: an activity raises it as the ApplicationFailure
// `type` (activities/errors.ts), and callers read it with `errorCode`, never with `instanceof`. The
// codes the retry policies name are listed here, on the workflow side, so workflows need nothing
// from activities/ but types.

/**
 * The base of every Dossier error.
 * @example throw new DossierError('ConfigError', 'DOSSIER_TASK_QUEUE: letters, digits, . _ - only; fix the variable and start again');
 */
export class DossierError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

/**
 * The code of an error, wherever it came from: a DossierError (or any error with a string `code`),
 * or an ApplicationFailure whose `type` carries it across Temporal; undefined for anything else.
 */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, type } = err as { code?: unknown; type?: unknown };
  if (typeof code === 'string') return code;
  return typeof type === 'string' ? type : undefined;
}

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
   * connection failed, or it refused the sender, or the message for now (4xx) or for a policy
   * reason (5.7.x: the relay does not vouch for the sender). Retried with backoff until an
   * operator fixes the relay or its configuration; the message names what to check.
   */
  RelayFault: 'RelayFault',
  /** The message could not be built from its input (missing template value, bad attachment path). */
  InvalidMessage: 'InvalidMessage',
  /**
   * The worker lacks the font file that draws some of the text (Debian's fonts-noto-cjk): the
   * worker is at fault, not the text, so it is retried until an operator installs the font.
   */
  FontMissing: 'FontMissing',
  /** An update's validator refused the officer's request; the message says why. */
  InvalidRequest: 'InvalidRequest',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/**
 * What a RecipientRejected failure carries in its details (activities/errors.ts raises it,
 * workflows/delivery.ts reads it). Details are encrypted with the payloads; the failure's message
 * is not, so addresses travel here only.
 */
export interface RecipientRejectedDetails {
  recipients: string[];
  smtpCode?: number;
  /** The mail server's reply as it gave it, addresses included. */
  reply?: string;
  /** `message`: the server refused the message itself (too large, malformed for it), not an address. Absent from older workers. */
  refused?: 'message' | 'recipients';
}

/** Retrying these cannot help: the workflow records them and tells the officer instead. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [ErrorType.RecipientRejected, ErrorType.InvalidMessage];
