// What a vendor wrote is recorded as it came: a reply's subject in Hebrew, an emoji, a stray control
// character. The PDF's fonts cannot draw all of it, yet the export must not fail over it: the PDF
// shows each such character by its code point and says so, and the CSV keeps the text as written.
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { pdfPageTexts } from '../helpers/pdf';
import { at, clientWithHistory, payloads } from '../helpers/audit-history';

const subject = 'Re: תשובה 🦄\u0007 Ça va';

/** An engagement that received a reply whose subject line no embedded font draws in full. */
const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, identity: 'officer', input: payloads({ revision: 3 }) } },
  {
    eventId: 2,
    ...at(1),
    workflowExecutionUpdateAcceptedEventAttributes: {
      protocolInstanceId: 'u1',
      acceptedRequest: { meta: { identity: 'intake' }, input: { name: 'recordInbound', args: payloads({ from: 'dpo@vendor.test', kind: 'reply', subject, messageId: '<m1@vendor.test>' }) } },
    },
  },
];
const client = clientWithHistory(history);

describe('text the PDF’s fonts cannot draw', () => {
  it('is shown in the PDF by its code point, with a note saying so, instead of failing the export', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    for (const language of ['en', 'fr'] as const) {
      const text = (await pdfPageTexts(await auditPdf(trail, { language, exportedAt: '2026-11-29T10:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
      expect(text).toContain('Re: [U+05EA][U+05E9][U+05D5][U+05D1][U+05D4] [U+1F984][U+0007] Ça va');
      expect(text).toContain(language === 'en' ? 'the CSV export keeps them as written' : 'l’export CSV les garde tels qu’ils ont été écrits');
    }
  });

  it('is kept as written in the CSV', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain(subject);
  });

  it('adds no note to a PDF whose text every font draws', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const drawable = { ...trail, events: trail.events.map((e) => ({ ...e, detail: e.detail === subject ? 'Re: Ça va' : e.detail })) };
    const text = (await pdfPageTexts(await auditPdf(drawable, { language: 'en', exportedAt: '2026-11-29T10:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    expect(text).not.toContain('[U+');
    expect(text).not.toContain('the CSV export keeps them as written');
  });
});
