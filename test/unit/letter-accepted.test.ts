// Whether an engagement's letter went out, read from the delivery ledger alone: the statement
// notice's activity asks it before mailing a vendor (activities/letter-accepted.ts).
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../activities/delivery-ledger';
import { letterAccepted } from '../../activities/letter-accepted';
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
    expect(refused.asked).toEqual(['letter', 'officer-notice-letter', 'letter-2', 'officer-notice-letter-2'].map((s) => messageIdFor(thread, s, DOMAIN)));
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
});
