// The French audit export says everything in French: an input's field names, yes and no, how a person
// acted (in the workspace, at the command line), a kind of message by its word alone; the CSV's Action
// column holds one code per row, not the kind and the step side by side ("open-letter letter").
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { pdfPageTexts } from '../helpers/pdf';
import { at, clientWithHistory, csvRows, payloads, serverKeeping, updateAccepted, updateCompleted } from '../helpers/audit-history';

const officer = 'Owen Okafor (officer, signed in)';
const lead = 'Léa Tremblay (lead, CLI)';
const authorities = [{ id: 'ico', name: { en: "UK Information Commissioner's Office", fr: 'Bureau du commissaire à l’information (Royaume-Uni)' } }];

const accepted = updateAccepted;
const completed = updateCompleted;
const sent = (eventId: number, seconds: number, kind: string, step: string) => [
  { eventId, ...at(seconds), activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: payloads({ kind, step }) } },
  { eventId: eventId + 1, ...at(seconds + 1), activityTaskCompletedEventAttributes: { scheduledEventId: eventId, result: payloads({ messageId: `<${step}@dossier.test>`, accepted: ['privacy@zoom.test'], rejected: [] }) } },
];

const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 8, campaign: { id: 'vc', authorities } }) } },
  ...sent(2, 5, 'open-letter', 'letter'),
  ...sent(4, 8, 'acknowledgement', 'acknowledgement'),
  accepted(6, 10, 'u1', 'recordResponse', { by: officer, receivedAt: '2026-12-03T12:43:22.170Z', summary: 'Meetings are encrypted.', attachments: ['whitepaper.pdf'] }),
  completed(7, 11, 'u1', 6),
  accepted(8, 20, 'u2', 'approveStatement', { by: 'Emma Whitfield (ico, signed in)', authorityId: 'ico', version: 1, confirmsPublication: false }),
  completed(9, 21, 'u2', 8),
  accepted(10, 30, 'u3', 'requestChanges', { by: 'Emma Whitfield (ico, signed in)', authorityId: 'ico', version: 1, comment: 'Nommez clairement le silence.' }),
  completed(11, 31, 'u3', 10),
  accepted(12, 40, 'u4', 'draftStatement', { by: lead, answer: 'Le silence est désormais nommé.' }),
  completed(13, 41, 'u4', 12),
  { eventId: 14, ...at(50), workflowExecutionSignaledEventAttributes: { signalName: 'withdraw', identity: 'history-service', input: payloads({ by: lead, reason: 'The company was acquired.' }) } },
];

describe('the French audit export', () => {
  it('names every field, yes and no, and how each person acted in French, and a kind of message by its French word alone', async () => {
    const trail = await collectAuditTrail(clientWithHistory(history), { campaignId: 'vc', vendorId: 'zoom' });
    const pdf = (await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-12-03T13:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    const csv = auditCsv(trail, { language: 'fr' }).toString('utf8');
    // The PDF's text as extracted, its spaces of every width one space; the CSV's exactly as written.
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    for (const [text, as] of [[pdf, flat], [csv, (t: string) => t]] as const) {
      expect(text).toContain(as('reçue le\u00a0: 2026-12-03T12:43:22.170Z\u202f; résumé\u00a0: Meetings are encrypted.\u202f; pièces jointes\u00a0: whitepaper.pdf'));
      expect(text).toContain(as('confirme la publication\u00a0: non'));
      expect(text).toContain(as('commentaire\u00a0: Nommez clairement le silence.'));
      expect(text).toContain(as('réponse\u00a0: Le silence est désormais nommé.'));
      expect(text).toContain(as('motif\u00a0: The company was acquired.'));
      expect(text).toContain(as('Owen Okafor (officer, espace de travail)'));
      expect(text).toContain(as('Léa Tremblay (lead, ligne de commande)'));
      expect(text).not.toMatch(/receivedAt|summary:|attachments:|confirmsPublication|comment:|answer:|reason:|version: |signed in|, CLI\)|\((letter|acknowledgement)\)/);
    }
    expect(pdf).toContain('Courriel envoyé · lettre ouverte ');
    expect(pdf).toContain('Courriel envoyé · accusé de réception de la réponse ');
  });

  it('puts one code in the CSV’s Action column, the kind of message in words in its own column, with no word repeated', async () => {
    const trail = await collectAuditTrail(clientWithHistory(history), { campaignId: 'vc', vendorId: 'zoom' });
    for (const language of ['en', 'fr'] as const) {
      const [header, ...rows] = csvRows(auditCsv(trail, { language }));
      const emails = rows.filter((r) => r[header!.indexOf('Message-ID')]);
      const action = (r: string[]) => r[4];
      const inWords = (r: string[]) => r[11];
      expect(emails.map(action)).toEqual(['letter', 'acknowledgement']);
      expect(emails.map(inWords)).toEqual(language === 'en' ? ['open letter', 'acknowledgement of the response'] : ['lettre ouverte', 'accusé de réception de la réponse']);
      for (const row of rows) expect(action(row)).not.toMatch(/\b(\S+)\b.*\b\1\b/);
    }
  });
});

describe('a change of a vendor’s contacts in the French audit export', () => {
  const dpo = { name: 'Délégué à la protection des données', email: 'dpo@zoom.test' };
  const histories = {
    'campaign:vc': [
      { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 8, campaign: { id: 'vc', authorities } }) } },
      { eventId: 2, ...at(31), workflowExecutionSignaledEventAttributes: { signalName: 'vendorContactsChanged', identity: 'history-service', externalWorkflowExecution: { workflowId: 'engagement:vc:zoom' }, input: payloads({ vendorId: 'zoom', contacts: [dpo] }) } },
    ],
    'engagement:vc:zoom': [
      { eventId: 1, ...at(1), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
      accepted(2, 30, 'u1', 'changeContacts', { by: lead, mode: 'replace', contacts: [dpo], reason: 'L’entreprise écrit désormais depuis son DPO.' }),
      completed(3, 30, 'u1', 2),
    ],
  };

  it('names who changed them, how and to which address, on the engagement’s row and on the campaign’s, in French', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    const pdf = (await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-12-03T13:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    const csv = auditCsv(trail, { language: 'fr' }).toString('utf8');
    const detail = 'modification\u00a0: à la place des contacts actuels\u202f; contacts\u00a0: Délégué à la protection des données <dpo@zoom.test>\u202f; motif\u00a0: L’entreprise écrit désormais depuis son DPO.';
    expect(csv).toContain(`,changeContacts,${detail},`);
    expect(csv).toContain(`entreprise\u00a0: zoom\u202f; ${detail}`);
    expect(pdf).toContain('Fait consigné · contacts de l’entreprise modifiés dans son dossier, repris par la campagne');
    expect(pdf).toContain('Action d’un agent · contacts de l’entreprise modifiés');
    expect(pdf.match(/Léa Tremblay \(lead, ligne de commande\)/g)).toHaveLength(2);
    for (const text of [pdf, csv]) expect(text).not.toMatch(/vendorContactsChanged ·|mode\u00a0:|\breplace\b|consigné,engagement:vc:zoom/);
  });
});
