// An officer's dismissal of a message the intake held (no case could be told from it) is an
// officer's decision like an assignment: the holding pen's record keeps who dismissed which message
// and why, and the audit export shows it, in the campaign's trail for its pen and in the unsorted
// pen's trail for mail that names no campaign; never in one engagement's.
import { describe, expect, it } from 'vitest';
import { collectAuditTrail, collectUnsortedDownloads } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { at, csvRows, payloads, serverKeeping } from '../helpers/audit-history';

const officer = 'Léa Tremblay (lea, signed in)';

const opened = (type: string) => ({ eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: type }, input: payloads({}) } });

/** A held message's dismissal, as the intake signals it to its pen's record (no campaign: the unsorted pen's). */
const dismissed = (eventId: number, seconds: number, messageId: string, reason: string, campaignId?: string) => ({
  eventId,
  ...at(seconds),
  workflowExecutionSignaledEventAttributes: {
    signalName: 'heldMessageDismissed',
    identity: '4242@desk-12',
    input: payloads({ by: officer, ...(campaignId ? { campaignId } : {}), messageId, from: 'promo@ads.example', subject: 'Win a cruise', reason, language: 'fr' }),
  },
});

const histories: Record<string, object[]> = {
  'engagement:vc:zoom': [opened('engagement')],
  'access:vc': [opened('documentAccess'), dismissed(2, 10, '<promo@ads.example>', 'Publicité, pas une réponse', 'vc')],
  'access-unsorted': [opened('documentAccess'), dismissed(2, 20, '<lost@ads.example>', 'Spam')],
};

/** The export's rows as column name → value, by its header row. */
const rowsOf = (csv: Buffer) => {
  const [header, ...rows] = csvRows(csv);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])));
};

describe('a held message an officer dismissed, in the audit export', () => {
  it('is a row of its campaign’s trail: who, when, which message and the reason given, in English and in French', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    const [en] = rowsOf(auditCsv(trail, { language: 'en' })).filter((row) => row['Action'] === 'heldMessageDismissed');
    expect(en).toMatchObject({
      'Time (UTC)': new Date((1_790_000_000 + 10) * 1000).toISOString(),
      Event: 'Officer action',
      Who: officer,
      'Message-ID': '<promo@ads.example>',
      Detail: 'from: promo@ads.example; subject: Win a cruise; reason: Publicité, pas une réponse',
      'Action (in words)': 'message in the holding pen dismissed and set aside with the reason given, without going to any case',
    });
    const [fr] = rowsOf(auditCsv(trail, { language: 'fr' })).filter((row) => Object.values(row).includes('heldMessageDismissed'));
    expect(Object.values(fr!)).toContain('message en attente écarté et mis de côté avec le motif donné, sans être versé à aucun dossier');
    expect(Object.values(fr!)).toContain('expéditeur\u00a0: promo@ads.example\u202f; objet\u00a0: Win a cruise\u202f; motif\u00a0: Publicité, pas une réponse');
  });

  it('is no row of one engagement’s trail, the message having been given to no case', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.action === 'heldMessageDismissed')).toEqual([]);
  });

  it('is a row of the unsorted pen’s trail when the message named no campaign', async () => {
    const trail = await collectUnsortedDownloads(serverKeeping(histories));
    expect(trail.events.map((e) => [e.kind, e.actor, e.action, e.messageId, e.detail])).toEqual([
      ['officer-action', officer, 'heldMessageDismissed', '<lost@ads.example>', 'from: promo@ads.example; subject: Win a cruise; reason: Spam'],
    ]);
  });
});
