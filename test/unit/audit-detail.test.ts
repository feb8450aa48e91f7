// The Detail column of an officer's request whose input is not a flat list of values: answers
// recorded (by question, with their length, never the vendor's confidential text), a statement's
// edits (which part, of which vendor, in which languages), findings at conclusion, and a deadline
// extension (the new date and which deadline it moved, as the message to the vendor said).
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { pdfPageTexts } from '../helpers/pdf';
import { at, csvRows, payloads, serverKeeping, updateAccepted, updateCompleted } from '../helpers/audit-history';

const officer = 'Owen Okafor (officer, signed in)';
const lead = 'Léa Tremblay (lead, CLI)';
const authorities = [{ id: 'ico', name: { en: "UK Information Commissioner's Office", fr: 'Bureau du commissaire à l’information (Royaume-Uni)' } }];

const accepted = updateAccepted;
const completed = updateCompleted;

const secretAnswer = 'Recordings are kept for 30 days on servers in Frankfurt.';
const finding = (en: string, fr: string) => ({ assessment: { en, fr }, goodPractices: [] });

const histories = {
  'campaign:vc': [
    { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 8, campaign: { id: 'vc', authorities } }) } },
    accepted(2, 50, 'c1', 'editStatement', { by: lead, vendors: { zoom: { summary: { en: 'Zoom answered every question.', fr: 'Zoom a répondu à chaque question.' } } } }),
    completed(3, 50, 'c1', 2),
    accepted(4, 51, 'c2', 'editStatement', { by: lead, vendors: { zoom: { findings: { security: finding('Encryption at rest.', '') } } } }),
    completed(5, 51, 'c2', 4),
    accepted(6, 52, 'c3', 'setConclusions', { by: lead, conclusions: { en: ['One.', 'Two.'], fr: ['Un.', 'Deux.'] }, lessonsLearned: { en: ['Ask early.'], fr: [] } }),
    completed(7, 52, 'c3', 6),
  ],
  'engagement:vc:zoom': [
    { eventId: 1, ...at(1), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
    accepted(2, 10, 'u1', 'recordAnswers', { by: officer, answers: [{ questionId: 'q1', answer: secretAnswer }, { questionId: 'q2', answer: 'No.' }] }),
    completed(3, 10, 'u1', 2),
    accepted(4, 20, 'u2', 'extendDeadline', { by: officer, extendBy: '14 days', reason: 'The vendor asked for more time.' }),
    completed(5, 20, 'u2', 4),
    {
      eventId: 6,
      ...at(21),
      activityTaskScheduledEventAttributes: {
        activityType: { name: 'sendMessage' },
        input: payloads({ kind: 'deadline-extension', step: 'deadline-extension-1', details: { dueDate: '2026-12-31T22:59:59.999Z', previousDueDate: '2026-12-17T22:59:59.999Z', questions: [{ id: 'q3', round: 2, text: 'Where?' }] } }),
      },
    },
    accepted(7, 30, 'u3', 'conclude', { by: officer, findings: { security: finding('Strong.', 'Solide.'), transparency: finding('Clear.', '') } }),
    completed(8, 30, 'u3', 7),
  ],
};

const detailOf = (csv: Buffer, action: string) =>
  csvRows(csv)
    .filter((row) => row[4] === action)
    .map((row) => row[5]);

describe('the detail of a request whose input holds lists and texts, in the audit export', () => {
  it('names the questions answered and each answer’s length, never the vendor’s answer itself', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    const en = auditCsv(trail, { language: 'en' });
    const fr = auditCsv(trail, { language: 'fr' });
    expect(detailOf(en, 'recordAnswers')).toEqual([`answers: q1 (${secretAnswer.length} characters), q2 (3 characters)`]);
    expect(detailOf(fr, 'recordAnswers')).toEqual([`réponses\u00a0: q1 (${secretAnswer.length}\u00a0caractères), q2 (3\u00a0caractères)`]);
    for (const csv of [en, fr]) expect(csv.toString('utf8')).not.toContain('Frankfurt');
  });

  it('tells a summary edit from a findings edit, naming the vendor, the principle and the languages written', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    expect(detailOf(auditCsv(trail, { language: 'en' }), 'editStatement')).toEqual([
      'vendor summary: zoom (English, French)',
      'vendor findings: zoom — Security (English)',
    ]);
    expect(detailOf(auditCsv(trail, { language: 'fr' }), 'editStatement')).toEqual([
      'résumé de l’entreprise\u00a0: zoom (anglais, français)',
      'constats sur l’entreprise\u00a0: zoom — Sécurité (anglais)',
    ]);
  });

  it('says which languages of the conclusions and lessons learned were set, by their paragraphs', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    expect(detailOf(auditCsv(trail, { language: 'en' }), 'setConclusions')).toEqual([
      'conclusions: English (2 paragraphs), French (2 paragraphs); lessons learned: English (1 paragraph), French (0 paragraphs)',
    ]);
    expect(detailOf(auditCsv(trail, { language: 'fr' }), 'setConclusions')).toEqual([
      'conclusions\u00a0: anglais (2\u00a0paragraphes), français (2\u00a0paragraphes)\u202f; enseignements tirés\u00a0: anglais (1\u00a0paragraphe), français (0\u00a0paragraphe)',
    ]);
  });

  it('names the principles a conclusion found on and the languages of each finding', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    expect(detailOf(auditCsv(trail, { language: 'en' }), 'conclude')).toEqual(['findings: Security (English, French), Transparency and fairness (English)']);
    expect(detailOf(auditCsv(trail, { language: 'fr' }), 'conclude')).toEqual(['constats\u00a0: Sécurité (anglais, français), Transparence et équité (anglais)']);
  });

  it('gives a deadline extension’s new date, the date it replaced and the round it moved', async () => {
    const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
    expect(detailOf(auditCsv(trail, { language: 'en' }), 'extendDeadline')).toEqual([
      'extended by: 14 days; reason: The vendor asked for more time.; round: 2; new due date: 2026-12-31T22:59:59.999Z; previous due date: 2026-12-17T22:59:59.999Z',
    ]);
    expect(detailOf(auditCsv(trail, { language: 'fr' }), 'extendDeadline')).toEqual([
      'prolongation\u00a0: 14 days\u202f; motif\u00a0: The vendor asked for more time.\u202f; série\u00a0: 2\u202f; nouvelle échéance\u00a0: 2026-12-31T22:59:59.999Z\u202f; échéance précédente\u00a0: 2026-12-17T22:59:59.999Z',
    ]);
    const pdf = (await pdfPageTexts(await auditPdf(trail, { language: 'en', exportedAt: '2026-12-03T13:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    expect(pdf).toContain('new due date: 2026-12-31T22:59:59.999Z');
  });

  it('says a response deadline was the one extended when no round was', async () => {
    const engagement = [
      histories['engagement:vc:zoom'][0]!,
      accepted(2, 20, 'u2', 'extendDeadline', { by: officer, dueDate: '2026-12-31', reason: 'Holidays.' }),
      completed(3, 20, 'u2', 2),
      {
        eventId: 4,
        ...at(21),
        activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: payloads({ kind: 'deadline-extension', step: 'deadline-extension-1', details: { dueDate: '2026-12-31T22:59:59.999Z', previousDueDate: '2026-12-17T22:59:59.999Z' } }) },
      },
    ];
    const trail = await collectAuditTrail(serverKeeping({ 'engagement:vc:zoom': engagement }), { campaignId: 'vc', vendorId: 'zoom' });
    expect(detailOf(auditCsv(trail, { language: 'en' }), 'extendDeadline')).toEqual([
      'due date: 2026-12-31; reason: Holidays.; deadline: the response; new due date: 2026-12-31T22:59:59.999Z; previous due date: 2026-12-17T22:59:59.999Z',
    ]);
    expect(detailOf(auditCsv(trail, { language: 'fr' }), 'extendDeadline')).toEqual([
      'échéance\u00a0: 2026-12-31\u202f; motif\u00a0: Holidays.\u202f; délai\u00a0: la réponse\u202f; nouvelle échéance\u00a0: 2026-12-31T22:59:59.999Z\u202f; échéance précédente\u00a0: 2026-12-17T22:59:59.999Z',
    ]);
  });
});
