// Whether an engagement's letter went out, read from the delivery ledger alone: the statement
// notice's activity asks it before mailing a vendor (activities/letter-accepted.ts).
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../activities/delivery-ledger';
import { LETTERS_LOOKED_FOR, lastAcceptedLetter, letterAccepted, letterNumber } from '../../activities/letter-accepted';
import { messageIdFor } from '../../activities/threading';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

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
  const asked: string[] = [];
  const find = async (messageId: string) => {
    asked.push(messageId);
    return records.get(messageId);
  };
  return { find, asked };
}

describe('whether an engagement\'s letter went out, as the delivery ledger knows it', () => {
  it('says no while the letter has no record: never sent, still being sent or retried, or refused with no corrected one', async () => {
    expect(await letterAccepted(ledger({}).find, thread, DOMAIN)).toBe(false);
    // Refused for good (the office was told), and no corrected letter has gone out since.
    const refused = ledger({ 'officer-notice-letter': { accepted: ['office@regulator.test'] } });
    expect(await letterAccepted(refused.find, thread, DOMAIN)).toBe(false);
    const letters = Array.from({ length: LETTERS_LOOKED_FOR }, (_, i) => (i === 0 ? 'letter' : `letter-${i + 1}`));
    expect(refused.asked).toEqual([...letters, `officer-notice-letter-${LETTERS_LOOKED_FOR}`].map((s) => messageIdFor(thread, s, DOMAIN)));
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
    const find = async (id: string) => (id === messageId ? { messageId, accepted: ['privacy@cisco.test'], rejected: [], deliveredAt: '2026-11-29T12:00:00Z' } : undefined);
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
});
