// The case mailbox as the intake sees it: messages waiting in the inbox, read one at a time, and
// moved to a folder once their fate is settled (recorded on a case, or held for an officer). Two
// homes, one interface: IMAP (production, Dovecot in tests) and a local Maildir (the embedded
// default, into which the local mail sink delivers). test/integration/mailbox-contract.test.ts
// runs one suite against both.

/** A message as the mailbox holds it: `ref` names it in its folder until it is moved. */
export interface StoredMessage {
  ref: string;
  raw: Buffer;
  /**
   * When the mailbox received it (ms since the epoch): IMAP's INTERNALDATE (to the second), a
   * Maildir file's modification time. The intake's lag is measured from here.
   */
  arrivedAt?: number;
}

/** Where settled messages go: recorded on a case, or held (per campaign) for an officer to assign. */
export const RECORDED_FOLDER = 'Recorded';
export const INBOX = 'INBOX';
/** Held mail of one campaign; `unsorted` holds what names no campaign at all. */
export function holdingFolder(campaignId: string | undefined): string {
  return `Held-${(campaignId ?? 'unsorted').replace(/[^A-Za-z0-9_-]+/g, '_')}`;
}

export interface MailboxSource {
  /** Connects (IMAP) or creates the folders (Maildir); call once before anything else. */
  open(): Promise<void>;
  /**
   * The messages in `folder` (default the inbox), oldest first, read one at a time so a large
   * backlog never sits in memory at once. Hold no other call open while iterating.
   */
  messages(folder?: string): AsyncIterable<StoredMessage>;
  /** Adds a message to `folder` (default the inbox): the sink's delivery, or an IMAP APPEND. */
  append(raw: Buffer, folder?: string): Promise<void>;
  /** Moves a message out of `from` once its fate is settled (it is marked seen on the way). */
  move(ref: string, to: string, from?: string): Promise<void>;
  /** Resolves when new mail may have arrived in the inbox, or after `timeoutMs`, or on abort. */
  waitForMail(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
