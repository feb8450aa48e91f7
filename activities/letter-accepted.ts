// Whether an engagement's open letter went out, as the delivery ledger knows it: the published
// statement answers the letter, so its notice goes only to a vendor that had it. The ledger records
// every message the mail server accepted, whatever the engagement's outcome says (outcomes of
// engagements that ended before `letterUndelivered` say nothing) and while the engagement still runs;
// a letter refused, or still being sent or retried, has no record there. A bounce after the server
// accepted the letter is not the ledger's to know: the engagement's outcome reports that one.
import type { DeliveryRecord } from './delivery-ledger';
import { messageIdFor } from './threading';

/** Reads one message's record: the ledger's, or one accepted and not yet written to it. */
export type FindRecord = (messageId: string) => Promise<DeliveryRecord | undefined>;

/**
 * True once the mail server accepted one of the engagement's letters (`letter`, then `letter-2`, …
 * to addresses an officer corrected) for at least one address, as the engagement counts it. A
 * letter is followed by a corrected one only after it was refused for good, which the engagement
 * reports to the case office (`officer-notice-<step>`) before it waits for the correction: without
 * that report there is no later letter to look for.
 */
export async function letterAccepted(find: FindRecord, threadId: string, domain: string): Promise<boolean> {
  for (let n = 1; ; n++) {
    const step = n === 1 ? 'letter' : `letter-${n}`;
    if ((await find(messageIdFor(threadId, step, domain)))?.accepted.length) return true;
    if (!(await find(messageIdFor(threadId, `officer-notice-${step}`, domain)))) return false;
  }
}
