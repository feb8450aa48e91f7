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
  /**
   * The size of the whole message in bytes when it is larger than the `maxBytes` given to
   * messages(): `raw` then holds only its header, so one huge message never sits in memory.
   */
  oversize?: number;
}

export interface ReadOptions {
  /** Messages larger than this many bytes are given as their header only, with `oversize` set. */
  maxBytes?: number;
  /**
   * messagesWithHeader only: leaves out, unread, messages that arrived in the mailbox (`arrivedAt`)
   * before this time, so a search of a folder that only grows costs what arrived since, not all it
   * ever held. Some earlier ones may still be given (IMAP's SINCE compares days).
   */
  since?: number;
}

/** Bytes of a header read for a message too large to read whole: far more than any real header. */
export const HEADER_LIMIT = 256 * 1024;

/** The header of a message (up to and with its blank line), or its first `limit` bytes cut at a line end. */
export function headerOf(start: Buffer, limit = HEADER_LIMIT): Buffer {
  const crlf = start.indexOf('\r\n\r\n');
  const lf = start.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
  if (end >= 0 && end <= limit) return start.subarray(0, end);
  const cut = start.subarray(0, limit);
  const lastLine = cut.lastIndexOf('\n');
  return Buffer.concat([cut.subarray(0, lastLine >= 0 ? lastLine + 1 : 0), Buffer.from('\r\n')]);
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
   * backlog never sits in memory at once; a message over `maxBytes` is not read whole either (its
   * size comes first: IMAP's RFC822.SIZE, the file's). The caller may use the mailbox, any folder
   * of it, while it handles each message.
   */
  messages(folder?: string, options?: ReadOptions): AsyncIterable<StoredMessage>;
  /**
   * The messages in `folder` that have a header `name` whose value contains `value` (ignoring case,
   * as IMAP's SEARCH HEADER), or any one of several values, given as messages() gives them, oldest
   * first. The mailbox finds them (IMAP: the server's SEARCH), so a large folder is not read to find
   * a few messages; the caller checks each, since containing is not equal.
   */
  messagesWithHeader(folder: string, name: string, value: string | readonly string[], options?: ReadOptions): AsyncIterable<StoredMessage>;
  /**
   * Adds a message to `folder` (default the inbox): the sink's delivery, or an IMAP APPEND. Gives
   * the new message's ref in `folder`, or undefined when the mailbox does not name it (an IMAP
   * server without UIDPLUS).
   */
  append(raw: Buffer, folder?: string): Promise<string | undefined>;
  /**
   * Deletes a message the caller itself appended to `folder` and found to be a spare: the held copy
   * of an intake that lost the move of the original to another. Nothing when it is gone already.
   */
  discard(ref: string, folder: string): Promise<void>;
  /**
   * Moves a message out of `from` once its fate is settled (it is marked seen on the way). False
   * when it is no longer in `from`: another reader of the mailbox (a second intake) moved it first,
   * so its fate was settled there and this reader has nothing to do. Two readers that ask at the
   * same moment may both be told true: Dovecot copies the message for each before either expunges it.
   */
  move(ref: string, to: string, from?: string): Promise<boolean>;
  /** Resolves when new mail may have arrived in the inbox, or after `timeoutMs`, or on abort. */
  waitForMail(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
