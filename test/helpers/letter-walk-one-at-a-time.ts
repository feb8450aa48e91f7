// The walk over an engagement's letters as activities/letter-accepted.ts made it before the ledger
// was read in batches: one ledger read a Message-ID, `letter` to `letter-20`, then past it only while
// the office's notice of the previous refusal is there. Kept as the reference the batched walk must
// agree with (test/unit/letter-accepted.test.ts) and as the "before" of bench/letter-reads.ts.
import type { DeliveryRecord } from '../../activities/delivery-ledger';
import { LETTERS_LOOKED_FOR } from '../../activities/letter-accepted';
import { messageIdFor } from '../../activities/threading';

export type FindOne = (messageId: string) => Promise<DeliveryRecord | undefined>;
export interface NumberedRecord {
  n: number;
  record: DeliveryRecord;
}

/** Every accepted letter in order (`last`), or only the first (without it), one read at a time. */
export async function walkOneAtATime(find: FindOne, threadId: string, domain: string, { last }: { last: boolean }): Promise<NumberedRecord[]> {
  const found: NumberedRecord[] = [];
  for (let n = 1; ; n++) {
    const step = n === 1 ? 'letter' : `letter-${n}`;
    const record = await find(messageIdFor(threadId, step, domain));
    if (record?.accepted.length) {
      found.push({ n, record });
      if (!last) return found;
    }
    if (n >= LETTERS_LOOKED_FOR && !(await find(messageIdFor(threadId, `officer-notice-${step}`, domain)))) return found;
  }
}
