// What the officers' digest says of a campaign's holding pen: how many messages wait there and since
// when. The worker reads it from the case mailbox the intake holds them in, from the held copies'
// headers alone (the pen's page reads them whole, to show them).
import type { HeldPen } from '../activities/officer-digest';
import type { MailboxConfig } from './config';
import { unannotate } from './intake';
import { holdingFolder } from './mailbox';
import { mailboxFor } from './open';

/** Enough of a held copy to read the intake's lines and the message's Message-ID. */
const HEADER_BYTES = 64 * 1024;

/**
 * Opens the case mailbox for one digest run: each campaign's pen counted, one message once however
 * many copies a pass cut short left of it, dated by its arrival in the case mailbox.
 */
export function heldPenIn(config: MailboxConfig): () => Promise<HeldPen> {
  return async () => {
    const mailbox = mailboxFor({ mailbox: config });
    await mailbox.open();
    return {
      async count(campaignId) {
        const seen = new Set<string>();
        let count = 0;
        let oldest: number | undefined;
        for await (const stored of mailbox.messages(holdingFolder(campaignId), { maxBytes: HEADER_BYTES })) {
          const { arrivedAt, original } = unannotate(stored.raw);
          const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(original.subarray(0, HEADER_BYTES).toString('latin1'))?.[1];
          if (messageId && seen.has(messageId)) continue;
          if (messageId) seen.add(messageId);
          count++;
          const at = arrivedAt ?? stored.arrivedAt;
          if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
        }
        return { count, ...(oldest === undefined ? {} : { oldest: new Date(oldest).toISOString() }) };
      },
      close: () => mailbox.close(),
    };
  };
}
