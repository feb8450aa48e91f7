// The failures a workflow tells apart, by the string `type` they cross Temporal with (`instanceof`
// does not survive it). Activities raise them; the workflows' retry policies name the permanent ones
// as non-retryable. Defined on the workflow side so workflows need nothing from activities/ but types.

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
