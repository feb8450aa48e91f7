// Whether an engagement's open letter went out, as the delivery ledger knows it: the published
// statement answers the letter, so its notice goes only to a vendor whose letter the mail server
// accepted. The ledger records every message the mail server accepted, whatever the engagement's
// outcome says (outcomes of engagements that ended before `letterUndelivered` say nothing) and while
// the engagement still runs; a letter refused, or still being sent or retried, has no record there.
// A bounce after the server accepted the letter is not the ledger's to know: the engagement's outcome
// reports that one.
import type { DeliveryRecord } from './delivery-ledger';
import { messageIdFor } from './threading';

/** Reads one message's record: the ledger's, or one accepted and not yet written to it. */
export type FindRecord = (messageId: string) => Promise<DeliveryRecord | undefined>;

/**
 * Letters looked for whatever else the ledger holds. A refused letter leaves no record, and neither
 * may the office's notice of it (the office's own address refused), so the ledger cannot say how
 * many letters an engagement sent: each one after the first waits for an officer to correct the
 * address by hand after the previous one failed for good, so twenty letters mean nineteen corrected
 * addresses failing in turn, far more than a vendor's contacts run to. Each look is one ledger read.
 * Whether a letter went out stops at the first accepted; which letter went out last reads all
 * twenty, for each vendor whose copy is on file, at each look at the letter copies (each version and
 * before publication): 2,000 vendors on local files took 0.7–1.1 s, eight vendors at a time.
 */
export const LETTERS_LOOKED_FOR = 20;

/**
 * True once the mail server accepted one of the engagement's letters (`letter`, then `letter-2`, …
 * to addresses an officer corrected) for at least one address, as the engagement counts it. Letters
 * up to LETTERS_LOOKED_FOR are all looked for, as a refused one leaves a gap; past it, the walk goes
 * on only while the ledger holds the office's notice that the previous letter was refused
 * (`officer-notice-<step>`), the engagement's report before it waits for the correction.
 */
export async function letterAccepted(find: FindRecord, threadId: string, domain: string): Promise<boolean> {
  return (await acceptedLetter(find, threadId, domain)) !== undefined;
}

/**
 * The record of an engagement's letter the mail server accepted, with the due date it stated: the
 * first found, or with `last`, the last (a corrected address's letter files its copy over the
 * earlier one's), which walks every letter there may be.
 */
export async function acceptedLetter(find: FindRecord, threadId: string, domain: string, { last = false } = {}): Promise<DeliveryRecord | undefined> {
  return (await acceptedLetterNumbered(find, threadId, domain, { last }))?.record;
}

/**
 * The engagement's last letter the mail server accepted and its number (`letter` is 1, `letter-<n>`
 * is n): a copy of an earlier letter is not the letter the vendor was last sent.
 */
export async function lastAcceptedLetter(find: FindRecord, threadId: string, domain: string): Promise<{ n: number; record: DeliveryRecord } | undefined> {
  return acceptedLetterNumbered(find, threadId, domain, { last: true });
}

/**
 * Every letter of the engagement the mail server accepted, in the order they were sent, with their
 * numbers: a copy on file that is not the last one's may be an earlier one's.
 */
export async function acceptedLetters(find: FindRecord, threadId: string, domain: string): Promise<{ n: number; record: DeliveryRecord }[]> {
  const letters: { n: number; record: DeliveryRecord }[] = [];
  await acceptedLetterNumbered(find, threadId, domain, { last: true, each: (letter) => letters.push(letter) });
  return letters;
}

/** The number of an open letter's step (`letter` is 1, `letter-<n>` is n); undefined for any other step. */
export function letterNumber(step: string): number | undefined {
  if (step === 'letter') return 1;
  const n = /^letter-(\d+)$/.exec(step)?.[1];
  return n === undefined ? undefined : Number(n);
}

async function acceptedLetterNumbered(
  find: FindRecord,
  threadId: string,
  domain: string,
  { last, each }: { last: boolean; each?: (letter: { n: number; record: DeliveryRecord }) => void },
): Promise<{ n: number; record: DeliveryRecord } | undefined> {
  let found: { n: number; record: DeliveryRecord } | undefined;
  for (let n = 1; ; n++) {
    const step = n === 1 ? 'letter' : `letter-${n}`;
    const record = await find(messageIdFor(threadId, step, domain));
    if (record?.accepted.length) {
      if (!last) return { n, record };
      found = { n, record };
      each?.(found);
    }
    if (n >= LETTERS_LOOKED_FOR && !(await find(messageIdFor(threadId, `officer-notice-${step}`, domain)))) return found;
  }
}
