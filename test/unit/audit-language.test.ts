// A vendor may answer an English letter in French. The intake records the language of each message
// it reads; the audit export keeps it: in the PDF, a received subject in another language than the
// export's is a structure element of its own with /Lang, so a screen reader reads it with that
// language's rules (WCAG 3.1.2, PDF/UA-1 §7.2), and the CSV gives the language in a column of its own.
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { at, clientWithHistory, csvRows, payloads } from '../helpers/audit-history';
import { pdfTextLanguages } from '../helpers/pdf';
import { pdfTool, veraPdf } from '../helpers/verapdf';

// Long enough to wrap: the span goes on across lines.
const french = 'Re: Lettre ouverte sur la vidéoconférence — notre réponse aux questions des autorités de protection des données et les mesures que nous avons prises depuis juillet';
const english = 'Re: Open letter on videoconferencing — our answer';
const undetermined = 'Re: OK';
const assigned = 'Réponse de notre délégué à la protection des données';

const inbound = (eventId: number, input: object) => ({
  eventId,
  ...at(eventId * 10),
  workflowExecutionUpdateAcceptedEventAttributes: {
    protocolInstanceId: `u${eventId}`,
    acceptedRequest: { meta: { identity: '4242@intake-host' }, input: { name: 'recordInbound', args: payloads({ from: 'dpo@vendor.test', kind: 'reply', text: '…', matchedBy: 'token', ...input }) } },
  },
});

const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
  inbound(2, { messageId: '<fr@vendor.test>', subject: french, language: 'fr' }),
  inbound(3, { messageId: '<en@vendor.test>', subject: english, language: 'en' }),
  // An intake before languages were recorded, and one that could not tell.
  inbound(4, { messageId: '<none@vendor.test>', subject: undetermined }),
  inbound(5, { messageId: '<unknown@vendor.test>', subject: undetermined, language: 'unknown' }),
  // Held mail an officer assigned: their row carries its subject too.
  inbound(6, { messageId: '<held@vendor.test>', subject: assigned, language: 'fr', matchedBy: 'officer', assignedBy: 'Léa Tremblay (lea, signed in)' }),
];
const client = clientWithHistory(history);
const exportedAt = '2026-11-29T10:00:00Z';

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the language of received mail in the audit export', () => {
  it('marks a French subject in an English PDF as French, and nothing else', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const texts = await pdfTextLanguages(await auditPdf(trail, { language: 'en', exportedAt }));
    const marked = texts.filter((t) => t.marked).map((t) => [t.language, flat(t.text)]);
    expect(marked).toEqual([
      ['fr', french],
      ['fr', assigned],
      ['fr', assigned],
    ]);
    // The English subject is read in the document's language, English.
    expect(texts.find((t) => flat(t.text).includes(english))).toMatchObject({ language: 'en', marked: false });
  });

  it('marks an English subject in a French PDF as English', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const texts = await pdfTextLanguages(await auditPdf(trail, { language: 'fr', exportedAt }));
    expect(texts.filter((t) => t.marked).map((t) => [t.language, flat(t.text)])).toEqual([['en', english]]);
    expect(texts.find((t) => flat(t.text).includes(french.slice(0, 40)))).toMatchObject({ language: 'fr', marked: false });
  });

  it('keeps a subject word wider than the page in its span, cut over lines with nothing lost', async () => {
    const word = `https://zoom.example/confidentialité/${'réponse-aux-autorités-'.repeat(8)}fin`;
    const long = [history[0], inbound(2, { messageId: '<long@vendor.test>', subject: `Re: ${word}`, language: 'fr' })];
    const trail = await collectAuditTrail(clientWithHistory(long), { campaignId: 'vc', vendorId: 'zoom' });
    const marked = (await pdfTextLanguages(await auditPdf(trail, { language: 'en', exportedAt }))).filter((t) => t.marked);
    expect(marked.map((t) => t.language)).toEqual(['fr']);
    // Cut where it overflows: one piece per line, each its own marked-content sequence of the one Span.
    expect(marked[0]!.text.split(' ').length).toBeGreaterThan(2);
    expect(marked[0]!.text.replace(/\s+/g, '')).toBe(`Re:${word}`);
  });

  it('keeps the PDF tagged, clean for qpdf and PDF/UA-1 for veraPDF with its spans', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const bytes = await auditPdf(trail, { language: 'en', exportedAt });
    expect((await pdfTool('pdfinfo', ['{}'], bytes)).stdout).toMatch(/^Tagged:\s+yes$/m);
    const check = await pdfTool('qpdf', ['--check', '{}'], bytes);
    expect(check.stdout).toContain('No syntax or stream encoding errors found');
    const { audit } = await veraPdf({ audit: bytes }, 'ua1');
    expect(audit!.failures).toEqual([]);
    expect(audit!.compliant).toBe(true);
  }, 120_000);

  it('gives the recorded language in a last CSV column, empty when none or unknown, headed in the export’s language', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    for (const [language, heading] of [
      ['en', 'Language of the received message'],
      ['fr', 'Langue du message reçu'],
    ] as const) {
      const [header, ...rows] = csvRows(auditCsv(trail, { language }));
      expect(header!.at(-1), language).toBe(heading);
      expect(header![header!.length - 2], language).toBe(language === 'en' ? "Revision of Dossier's workflow code the case started with" : 'Révision du code des flux de Dossier au démarrage du dossier');
      const messageId = header!.indexOf('Message-ID');
      const kind = header!.indexOf(language === 'en' ? 'Event' : 'Événement');
      expect(rows.map((r) => [r[kind], r[messageId], r.at(-1)])).toEqual(
        language === 'en'
          ? [
              ['Case opened', '', ''],
              ['Email received', '<fr@vendor.test>', 'fr'],
              ['Email received', '<en@vendor.test>', 'en'],
              ['Email received', '<none@vendor.test>', ''],
              ['Email received', '<unknown@vendor.test>', ''],
              ['Officer action', '<held@vendor.test>', 'fr'],
              ['Email received', '<held@vendor.test>', 'fr'],
            ]
          : [
              ['Ouverture du dossier', '', ''],
              ['Courriel reçu', '<fr@vendor.test>', 'fr'],
              ['Courriel reçu', '<en@vendor.test>', 'en'],
              ['Courriel reçu', '<none@vendor.test>', ''],
              ['Courriel reçu', '<unknown@vendor.test>', ''],
              ['Action d’un agent', '<held@vendor.test>', 'fr'],
              ['Courriel reçu', '<held@vendor.test>', 'fr'],
            ],
      );
      expect(rows.every((r) => r.length === header!.length)).toBe(true);
    }
  });
});
