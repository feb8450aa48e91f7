// Whether an engagement's open letter went out, as the delivery ledger knows it: the published
// statement answers the letter, so its notice goes only to a vendor whose letter the mail server
// accepted. The ledger records every message the mail server accepted, whatever the engagement's
// outcome says (outcomes of engagements that ended before `letterUndelivered` say nothing) and while
// the engagement still runs; a letter refused, or still being sent or retried, has no record there.
// A bounce after the server accepted the letter is not the ledger's to know: the engagement's outcome
// reports that one.
import type { DeliveryRecord } from './delivery-ledger';
import { messageIdFor } from './threading';

/**
 * Reads these messages' records, by Message-ID (one with none is absent): the ledger's, or those
 * accepted and not yet written to it. One call is one ledger read, whatever the number of ids.
 */
export type FindRecords = (messageIds: readonly string[]) => Promise<ReadonlyMap<string, DeliveryRecord>>;

/**
 * Letters looked for whatever else the ledger holds. A refused letter leaves no record, and neither
 * may the office's notice of it (the office's own address refused), so the ledger cannot say how
 * many letters an engagement sent: each one after the first waits for an officer to correct the
 * address by hand after the previous one failed for good, so twenty letters mean nineteen corrected
 * addresses failing in turn, far more than a vendor's contacts run to. The twenty (and the office's
 * notice of the twentieth) are asked in one read: whether a letter went out asks the first alone
 * before the rest, as most vendors' first went out. A look at the letter copies walks every vendor's
 * letters (each version and before publication). Read one Message-ID at a time, the last letters of
 * 2,000 vendors took 42,000 reads: 6.0 s on PostgreSQL on the same host, and 0.3 s on local files,
 * which held the worker's event loop for all of it. Read for ENGAGEMENTS_A_READ vendors at once
 * (walkEach), 43 reads: 0.23 s on PostgreSQL; local files still look at one file a Message-ID, in
 * about the same time (0.3–0.4 s, on a loaded host), holding the loop for one batch at most (24 ms).
 * Whether a letter went out, for the same vendors: 6,200 reads, 1.3 s on PostgreSQL; 86, 0.1 s
 * (bench/letter-reads.ts, 2 cores, medians of 9).
 */
export const LETTERS_LOOKED_FOR = 20;

/**
 * Engagements whose letters one read asks for when many are walked (walkEach): a round of their
 * walks asks LETTERS_LOOKED_FOR + 1 ids each at most (twice LETTERS_LOOKED_FOR for a walk the office's
 * notices lead past it), so a read asks about a thousand ids, two thousand at the very most.
 */
export const ENGAGEMENTS_A_READ = Math.floor(1_000 / (LETTERS_LOOKED_FOR + 1));

/**
 * True once the mail server accepted one of the engagement's letters (`letter`, then `letter-2`, …
 * to addresses an officer corrected) for at least one address, as the engagement counts it. Letters
 * up to LETTERS_LOOKED_FOR are all looked for, as a refused one leaves a gap; past it, the walk goes
 * on only while the ledger holds the office's notice that the previous letter was refused
 * (`officer-notice-<step>`), the engagement's report before it waits for the correction.
 */
export async function letterAccepted(find: FindRecords, threadId: string, domain: string): Promise<boolean> {
  return (await acceptedLetter(find, threadId, domain)) !== undefined;
}

/**
 * The record of an engagement's letter the mail server accepted, with the due date it stated: the
 * first found, or with `last`, the last (a corrected address's letter files its copy over the
 * earlier one's), which walks every letter there may be.
 */
export async function acceptedLetter(find: FindRecords, threadId: string, domain: string, { last = false } = {}): Promise<DeliveryRecord | undefined> {
  return (await acceptedLetterNumbered(find, threadId, domain, { last }))?.record;
}

/**
 * The engagement's last letter the mail server accepted and its number (`letter` is 1, `letter-<n>`
 * is n): a copy of an earlier letter is not the letter the vendor was last sent.
 */
export async function lastAcceptedLetter(find: FindRecords, threadId: string, domain: string): Promise<{ n: number; record: DeliveryRecord } | undefined> {
  return acceptedLetterNumbered(find, threadId, domain, { last: true });
}

/**
 * Every letter of the engagement the mail server accepted, in the order they were sent, with their
 * numbers: a copy on file that is not the last one's may be an earlier one's.
 */
export async function acceptedLetters(find: FindRecords, threadId: string, domain: string): Promise<{ n: number; record: DeliveryRecord }[]> {
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

/** The step of an open letter numbered `n` (`letter`, then `letter-<n>`). */
export function letterStep(n: number): string {
  return n === 1 ? 'letter' : `letter-${n}`;
}

/**
 * The walk asks the ledger for a window of letters at a time: through LETTERS_LOOKED_FOR at first
 * (only `letter` when the first accepted will do), then LETTERS_LOOKED_FOR more while the office's
 * notices lead past it. Letters read ahead of where the walk stops change no answer.
 */
async function acceptedLetterNumbered(
  find: FindRecords,
  threadId: string,
  domain: string,
  { last, each }: { last: boolean; each?: (letter: { n: number; record: DeliveryRecord }) => void },
): Promise<{ n: number; record: DeliveryRecord } | undefined> {
  // By letter number: the letters' records read, and the letters whose refusal the office was told of.
  const letters = new Map<number, DeliveryRecord>();
  const noticed = new Set<number>();
  let readTo = 0;
  const readThrough = async (to: number) => {
    const asked: { n: number; notice: boolean; id: string }[] = [];
    for (let m = readTo + 1; m <= to; m++) {
      asked.push({ n: m, notice: false, id: messageIdFor(threadId, letterStep(m), domain) });
      if (m >= LETTERS_LOOKED_FOR) asked.push({ n: m, notice: true, id: messageIdFor(threadId, `officer-notice-${letterStep(m)}`, domain) });
    }
    const found = await find(asked.map(({ id }) => id));
    for (const { n, notice, id } of asked) {
      const record = found.get(id);
      if (record && notice) noticed.add(n);
      else if (record) letters.set(n, record);
    }
    readTo = to;
  };
  let found: { n: number; record: DeliveryRecord } | undefined;
  for (let n = 1; ; n++) {
    if (n > readTo) await readThrough(n === 1 && !last ? 1 : n <= LETTERS_LOOKED_FOR ? LETTERS_LOOKED_FOR : n + LETTERS_LOOKED_FOR - 1);
    const record = letters.get(n);
    if (record?.accepted.length) {
      if (!last) return { n, record };
      found = { n, record };
      each?.(found);
    }
    if (n >= LETTERS_LOOKED_FOR && !noticed.has(n)) return found;
  }
}

/**
 * `walk` for each item (a vendor of the campaign), ENGAGEMENTS_A_READ at a time with their reads
 * merged: a round reads the ledger once, when every walk of the batch still going waits on it. Each
 * item comes with its answer, batch by batch, and the next batch is walked only once asked for, so a
 * look that files copies meanwhile reads each vendor's letters shortly before it acts on them.
 * Local files answer without letting the event loop go: the worker's other activities and its
 * heartbeats get it between batches, not once the whole look is done (a second for 2,000 vendors).
 */
export async function* walkEach<T, R>(find: FindRecords, items: readonly T[], walk: (find: FindRecords, item: T) => Promise<R>): AsyncGenerator<[T, R]> {
  for (let start = 0; start < items.length; start += ENGAGEMENTS_A_READ) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const batch = items.slice(start, start + ENGAGEMENTS_A_READ);
    const answers = await walkTogether(find, batch, walk);
    for (let i = 0; i < batch.length; i++) yield [batch[i] as T, answers[i] as R];
  }
}

/**
 * Runs the walks at once, each read held until every walk still running waits on one, then asked of
 * `find` in one call. Walks await nothing but their reads, so the last one to ask lets the read go.
 */
async function walkTogether<T, R>(find: FindRecords, items: readonly T[], walk: (find: FindRecords, item: T) => Promise<R>): Promise<R[]> {
  let running = items.length;
  let waiting: { ids: readonly string[]; resolve(found: ReadonlyMap<string, DeliveryRecord>): void; reject(err: unknown): void }[] = [];
  const readWhenAllWait = () => {
    if (!waiting.length || waiting.length < running) return;
    const round = waiting;
    waiting = [];
    find(round.flatMap((w) => w.ids)).then(
      (found) => round.forEach((w) => w.resolve(found)),
      (err: unknown) => round.forEach((w) => w.reject(err)),
    );
  };
  const merged: FindRecords = (ids) =>
    new Promise((resolve, reject) => {
      waiting.push({ ids, resolve, reject });
      readWhenAllWait();
    });
  return Promise.all(
    items.map(async (item) => {
      try {
        return await walk(merged, item);
      } finally {
        running--;
        readWhenAllWait();
      }
    }),
  );
}
