// Whether an engagement's letter went out, read from the delivery ledger alone: the statement
// notice's activity asks it before mailing a vendor (activities/letter-accepted.ts).
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../activities/delivery-ledger';
import { ENGAGEMENTS_A_READ, LETTERS_LOOKED_FOR, acceptedLetters, lastAcceptedLetter, letterAccepted, letterNumber, walkEach, type FindRecords } from '../../activities/letter-accepted';
import { messageIdFor } from '../../activities/threading';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { walkOneAtATime } from '../helpers/letter-walk-one-at-a-time';

const DOMAIN = 'regulator.test';
const thread = engagementWorkflowId('vc-2020', 'zoom');

/** A ledger holding these steps of the engagement's thread, each accepted by `accepted` (and deferred for `deferred`). */
function ledger(steps: Record<string, { accepted: string[]; deferred?: string[] }>) {
  const records = new Map<string, DeliveryRecord>(
    Object.entries(steps).map(([step, r]) => {
      const messageId = messageIdFor(thread, step, DOMAIN);
      return [messageId, { messageId, rejected: [], deliveredAt: '2026-11-29T12:00:00Z', ...r }];
    }),
  );
  return reading(records);
}

/** A batch reader of these records that keeps each read's ids: `asked` all of them in order, `reads` one list a read. */
function reading(records: Map<string, DeliveryRecord>) {
  const reads: string[][] = [];
  const find: FindRecords = async (messageIds) => {
    reads.push([...messageIds]);
    return new Map(messageIds.flatMap((id) => (records.has(id) ? [[id, records.get(id)!] as const] : [])));
  };
  return {
    find,
    reads,
    get asked() {
      return reads.flat();
    },
  };
}

describe('whether an engagement\'s letter went out, as the delivery ledger knows it', () => {
  it('says no while the letter has no record: never sent, still being sent or retried, or refused with no corrected one', async () => {
    expect(await letterAccepted(ledger({}).find, thread, DOMAIN)).toBe(false);
    // Refused for good (the office was told), and no corrected letter has gone out since.
    const refused = ledger({ 'officer-notice-letter': { accepted: ['office@regulator.test'] } });
    expect(await letterAccepted(refused.find, thread, DOMAIN)).toBe(false);
    const letters = Array.from({ length: LETTERS_LOOKED_FOR }, (_, i) => (i === 0 ? 'letter' : `letter-${i + 1}`));
    expect(refused.asked).toEqual([...letters, `officer-notice-letter-${LETTERS_LOOKED_FOR}`].map((s) => messageIdFor(thread, s, DOMAIN)));
    // The first letter alone, as most went out; then the others in one read.
    expect(refused.reads.map((ids) => ids.length)).toEqual([1, LETTERS_LOOKED_FOR]);
  });

  it('finds a corrected letter the server accepted though the office\'s notice of the refused one left no record (the office\'s address refused it too)', async () => {
    expect(await letterAccepted(ledger({ 'letter-2': { accepted: ['privacy@new.zoom.test'] } }).find, thread, DOMAIN)).toBe(true);
    const last = `letter-${LETTERS_LOOKED_FOR}`;
    expect(await letterAccepted(ledger({ [last]: { accepted: ['privacy@new.zoom.test'] } }).find, thread, DOMAIN)).toBe(true);
  });

  it('looks past the letters it always looks for only while the office was told the one before was refused', async () => {
    const past = LETTERS_LOOKED_FOR + 2;
    const accepted = { [`letter-${past}`]: { accepted: ['privacy@new.zoom.test'] } };
    const told = (n: number) => ({ [`officer-notice-letter-${n}`]: { accepted: ['office@regulator.test'] } });
    expect(await letterAccepted(ledger({ ...accepted, ...told(past - 2), ...told(past - 1) }).find, thread, DOMAIN)).toBe(true);
    expect(await letterAccepted(ledger({ ...accepted, ...told(past - 2) }).find, thread, DOMAIN)).toBe(false);
  });

  it('says yes once the mail server accepted the letter, or a letter sent again to a corrected address, for one address at least', async () => {
    expect(await letterAccepted(ledger({ letter: { accepted: ['privacy@zoom.test'] } }).find, thread, DOMAIN)).toBe(true);
    // One address took it while another is deferred: the letter reached the vendor, as the engagement counts it.
    expect(await letterAccepted(ledger({ letter: { accepted: ['privacy@zoom.test'], deferred: ['dpo@zoom.test'] } }).find, thread, DOMAIN)).toBe(true);
    const corrected = ledger({
      'officer-notice-letter': { accepted: ['office@regulator.test'] },
      'officer-notice-letter-2': { accepted: ['office@regulator.test'] },
      'letter-3': { accepted: ['privacy@new.zoom.test'] },
    });
    expect(await letterAccepted(corrected.find, thread, DOMAIN)).toBe(true);
  });

  it('does not count another engagement\'s letter, nor one sent under another mail domain', async () => {
    const other = engagementWorkflowId('vc-2020', 'cisco');
    const messageId = messageIdFor(other, 'letter', DOMAIN);
    const { find } = reading(new Map([[messageId, { messageId, accepted: ['privacy@cisco.test'], rejected: [], deliveredAt: '2026-11-29T12:00:00Z' }]]));
    expect(await letterAccepted(find, thread, DOMAIN)).toBe(false);
    expect(await letterAccepted(find, other, 'elsewhere.test')).toBe(false);
    expect(await letterAccepted(find, other, DOMAIN)).toBe(true);
  });

  it('numbers the last letter the server accepted, past a refused one, so a copy of an earlier letter is known as such', async () => {
    const sent = ledger({ letter: { accepted: ['privacy@zoom.test'] }, 'letter-3': { accepted: ['privacy@new.zoom.test'] } });
    expect(await lastAcceptedLetter(sent.find, thread, DOMAIN)).toMatchObject({ n: 3, record: { messageId: messageIdFor(thread, 'letter-3', DOMAIN) } });
    expect(await lastAcceptedLetter(ledger({}).find, thread, DOMAIN)).toBeUndefined();
    expect([letterNumber('letter'), letterNumber('letter-3'), letterNumber('officer-notice-letter'), letterNumber('reminder-1')]).toEqual([1, 3, undefined, undefined]);
  });

  it('reads the ledger once for the letters an engagement may have sent, and once more for each twenty the office\'s notices lead past', async () => {
    const firstWent = ledger({ letter: { accepted: ['privacy@zoom.test'] }, 'letter-2': { accepted: ['privacy@new.zoom.test'] } });
    expect(await letterAccepted(firstWent.find, thread, DOMAIN)).toBe(true);
    expect(firstWent.reads).toEqual([[messageIdFor(thread, 'letter', DOMAIN)]]);
    expect(await lastAcceptedLetter(firstWent.find, thread, DOMAIN)).toMatchObject({ n: 2 });
    expect(firstWent.reads).toHaveLength(2);

    const told = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`officer-notice-letter-${LETTERS_LOOKED_FOR + i}`, { accepted: ['office@regulator.test'] }]));
    const past = ledger({ ...told, [`letter-${LETTERS_LOOKED_FOR + 5}`]: { accepted: ['privacy@new.zoom.test'] } });
    expect(await lastAcceptedLetter(past.find, thread, DOMAIN)).toMatchObject({ n: LETTERS_LOOKED_FOR + 5 });
    expect(past.reads).toHaveLength(2);
  });
});

/**
 * Engagements' letters as a ledger may hold them, drawn from a fixed seed: letters accepted, refused
 * with a record (no address took them), and missing, with gaps, and past the twentieth for some, the
 * office's notices leading there or stopping short.
 */
function manyEngagements(count: number) {
  let seed = 16;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const records = new Map<string, DeliveryRecord>();
  const put = (threadId: string, step: string, accepted: string[]) => {
    const messageId = messageIdFor(threadId, step, DOMAIN);
    records.set(messageId, { messageId, accepted, rejected: accepted.length ? [] : ['gone@vendor.test'], deliveredAt: '2026-11-29T12:00:00Z' });
  };
  const threads = Array.from({ length: count }, (_, i) => engagementWorkflowId('vc-2020', `v${i}`));
  for (const threadId of threads) {
    const reach = random() < 0.2 ? LETTERS_LOOKED_FOR + 12 : 4;
    for (let n = 1; n <= reach; n++) {
      const step = n === 1 ? 'letter' : `letter-${n}`;
      const draw = random();
      if (draw < 0.3) put(threadId, step, [`privacy@${n}.test`]);
      else if (draw < 0.4) put(threadId, step, []);
      // Past the twentieth, the notices mostly lead on, and sometimes stop.
      if (n >= LETTERS_LOOKED_FOR ? random() < 0.85 : random() < 0.5) put(threadId, `officer-notice-${step}`, ['office@regulator.test']);
    }
  }
  return { records, threads };
}

describe('the letters read in batches, against the walk that read one Message-ID at a time', () => {
  const { records, threads } = manyEngagements(300);
  const one = async (id: string) => records.get(id);

  it('gives the same answers for every engagement: whether one went out, the last, and every one in order', async () => {
    const { find } = reading(records);
    let pastTwenty = 0;
    for (const threadId of threads) {
      const all = await walkOneAtATime(one, threadId, DOMAIN, { last: true });
      if (all.some(({ n }) => n > LETTERS_LOOKED_FOR)) pastTwenty++;
      expect(await acceptedLetters(find, threadId, DOMAIN), threadId).toEqual(all);
      expect(await lastAcceptedLetter(find, threadId, DOMAIN), threadId).toEqual(all.at(-1));
      expect(await letterAccepted(find, threadId, DOMAIN), threadId).toBe((await walkOneAtATime(one, threadId, DOMAIN, { last: false })).length > 0);
    }
    // The drawn ledger holds what the comparison is about: letters past the twentieth, reached.
    expect(pastTwenty).toBeGreaterThan(5);
  });

  it('walks many engagements with their reads merged, a batch of engagements at a time, with the same answers', async () => {
    const batched = reading(records);
    const answers: [string, number[]][] = [];
    for await (const [threadId, letters] of walkEach(batched.find, threads, (find, id) => acceptedLetters(find, id, DOMAIN))) answers.push([threadId, letters.map(({ n }) => n)]);
    const expected: [string, number[]][] = [];
    for (const threadId of threads) expected.push([threadId, (await walkOneAtATime(one, threadId, DOMAIN, { last: true })).map(({ n }) => n)]);
    expect(answers).toEqual(expected);
    const batches = Math.ceil(threads.length / ENGAGEMENTS_A_READ);
    // A read for each batch, and one for each twenty letters some engagement of it goes past.
    expect(batched.reads.length).toBeLessThanOrEqual(3 * batches);
    expect(Math.max(...batched.reads.map((ids) => ids.length))).toBeLessThanOrEqual(2 * LETTERS_LOOKED_FOR * ENGAGEMENTS_A_READ);
  });

  it('lets the event loop go between batches, though the ledger answers without letting it go (local files)', async () => {
    const { find } = reading(records);
    let ticked = false;
    setImmediate(() => (ticked = true));
    const tickedBy: boolean[] = [];
    for await (const _ of walkEach(find, threads, (batchFind, id) => letterAccepted(batchFind, id, DOMAIN))) tickedBy.push(ticked);
    expect(tickedBy.slice(0, ENGAGEMENTS_A_READ).every((t) => !t)).toBe(true);
    expect(tickedBy.at(-1), 'a callback set before the walks ran before the last vendor was walked').toBe(true);
  });

  it('fails every walk of the batch when the ledger cannot be read', async () => {
    const failing: FindRecords = async () => {
      throw new Error('connect ECONNREFUSED (the ledger is down)');
    };
    const walks = walkEach(failing, threads.slice(0, 3), (find, id) => letterAccepted(find, id, DOMAIN));
    await expect(walks.next()).rejects.toThrow(/ECONNREFUSED/);
  });
});
