// What the officers' digest says of a campaign's holding pen: how many messages wait there and since
// when. Read from the case mailbox the intake holds them in (a worker given the intake's mailbox), from
// the held copies' headers alone, or from the census the intake writes to the shared store each time
// a pen changes (held-census.ts), for a worker that holds no mailbox credentials.
import type { HeldPen } from '../activities/officer-digest';
import type { MailboxConfig } from './config';
import { countHeld } from './intake';
import { mailboxFor } from './open';

/**
 * Opens the case mailbox for one digest run: each campaign's pen counted, one message once however
 * many copies a pass cut short left of it, dated by its arrival in the case mailbox.
 */
export function heldPenIn(config: MailboxConfig): () => Promise<HeldPen> {
  return async () => {
    const mailbox = mailboxFor({ mailbox: config });
    await mailbox.open();
    return {
      count: (campaignId) => countHeld(mailbox, campaignId),
      close: () => mailbox.close(),
    };
  };
}
