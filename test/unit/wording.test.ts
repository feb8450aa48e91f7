// What a reader at an authority or a company sees in the July 2020 campaign's correspondence, as
// issue 13 reported it: articles, capitals mid-sentence, French contractions, the office's name in
// each language and only once, short subjects, unambiguous lists of authorities, salutations that
// greet a person, and a letter whose printed date and sending date agree or are explained.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import { loadCampaignFile } from '../../client/campaign-file';
import type { Language, MessageDetails, MessageKind, OutgoingMessage } from '../../workflows/types';
import { CampaignCase } from '../../workflows/campaign-state';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { pdfTool } from '../helpers/verapdf';

const input = loadCampaignFile(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'));
const zoom = input.vendors.find((v) => v.id === 'zoom')!;
const opc = input.campaign.authorities.find((a) => a.id === 'opc')!;

function toVendor(kind: MessageKind, language: Language, details: MessageDetails = {}): OutgoingMessage {
  return {
    threadId: `engagement:${input.campaign.id}:zoom`,
    step: kind,
    kind,
    language,
    to: zoom.contacts,
    campaign: input.campaign,
    vendor: { ...zoom, language },
    details: { dueDate: '2020-08-20', ...details },
  };
}

function toAuthority(kind: MessageKind, language: Language, details: MessageDetails = {}): OutgoingMessage {
  return { threadId: `campaign:${input.campaign.id}`, step: kind, kind, language, to: [opc.contact], campaign: input.campaign, details };
}

/** A campaign's state with version 1 of a complete statement out for approval (its one engagement failed). */
function versionOneOut(campaign: ReturnType<typeof testCampaign>): CampaignCase {
  const kase = new CampaignCase({ campaign, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: campaign.id, notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  kase.edit({ by: 'Léa', conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  kase.startApproval('2026-11-25T10:00:00.000Z');
  return kase;
}

const compose = async (m: OutgoingMessage) => {
  const c = await composeMessage(m);
  return { subject: String(c.subject), text: String(c.text), html: String(c.html) };
};

describe('wording of the 2020 campaign as a reader expects it', () => {
  it('puts the article before the authorities’ names in English', async () => {
    const { text } = await compose(toVendor('open-letter', 'en'));
    expect(text).toContain('from the Office of the Privacy Commissioner of Canada; the Information Commissioner');
    expect(text).not.toMatch(/from Office of/);
  });

  it('names the authorities with their French article inside a French sentence', async () => {
    const ico = input.campaign.authorities.find((a) => a.id === 'ico')!;
    const { text } = await compose(toAuthority('change-request', 'fr', { version: 2, note: 'Nuancer.', from: ico.name }));
    expect(text).toContain('Le Bureau du commissaire à l’information (Royaume-Uni) demande des modifications à la version 2');
    expect(text).toContain('Au nom du Commissariat à la protection de la vie privée du Canada et des autorités cosignataires');
    expect(text).not.toMatch(/(par|de|Autorité signataire\s:) (Commissariat|Bureau)/);
  });

  it('writes the campaign’s subject in lower case inside an English sentence', async () => {
    for (const kind of ['open-letter', 'reminder'] as const) {
      const { text } = await compose(toVendor(kind, 'en', { reminderNumber: 1 }));
      expect(text).toContain('about global privacy expectations of video conferencing companies');
      expect(text).not.toMatch(/about Global/);
    }
  });

  it('contracts French “de les” into “des” before the campaign’s subject', async () => {
    for (const kind of ['open-letter', 'reminder', 'final-notice'] as const) {
      const { text } = await compose(toVendor(kind, 'fr', { reminderNumber: 1 }));
      expect(text, kind).toContain('au sujet des attentes mondiales en matière de respect de la vie privée');
      expect(text, kind).not.toMatch(/au sujet de «/);
    }
  });

  it('confirms an extension to the vendor with the new and the old date, in its language', async () => {
    const response = await compose(toVendor('deadline-extension', 'fr', { dueDate: '2020-09-15', previousDueDate: '2020-08-20', timeZone: 'America/Toronto' }));
    expect(response.subject).toBe('[OPC-2020-VC] Nouvelle échéance\u00a0: 15\u00a0septembre\u00a02020');
    expect(response.text).toContain('L’échéance de la réponse de Zoom à notre lettre ouverte du 21\u00a0juillet\u00a02020 est reportée au 15\u00a0septembre\u00a02020 (elle était fixée au 20\u00a0août\u00a02020).');
    const answers = await compose(
      toVendor('deadline-extension', 'en', { dueDate: '2020-10-01T03:59:59.999Z', questions: [{ id: 'q2', text: 'Where?' }, { id: 'q3', text: 'How?' }], timeZone: 'America/Toronto' }),
    );
    expect(answers.text).toContain('The deadline for the answers of Zoom to our follow-up questions (q2, q3) is extended to 30\u00a0September\u00a02020.');
    expect(answers.html).toContain('is extended to <strong>30\u00a0September\u00a02020</strong>');
  });

  it('tells the vendor, in its language, where a moved demonstration was, why it moved, where it is and its link', async () => {
    const demonstration = {
      id: 'd1',
      at: '2020-10-08T15:00:00Z',
      durationMinutes: 60,
      topics: ['Encryption'],
      attendees: [],
      rescheduled: 1,
      previousAt: '2020-10-06T15:00:00Z',
      rescheduleReason: 'our expert is unavailable that day',
      location: 'Gatineau, room 4',
      meetingUrl: 'https://meet.example/opc?x=1&y=2',
    };
    const en = await compose(toVendor('demonstration-invitation', 'en', { demonstration }));
    expect(en.text).toContain('Moved from: Tuesday, 6 October 2020 at 15:00, because: our expert is unavailable that day');
    expect(en.text).toContain('Where: Gatineau, room 4');
    expect(en.text).toContain('Video call: https://meet.example/opc?x=1&y=2');
    // Escaped as HTML (an attribute may not hold a bare & or =), which a browser reads back as the link.
    expect(en.html).toContain('<a href="https://meet.example/opc?x&#x3D;1&amp;y&#x3D;2">');
    const fr = await compose(toVendor('demonstration-invitation', 'fr', { demonstration }));
    expect(fr.text).toContain('Date initiale\u00a0: mardi 6\u00a0octobre\u00a02020 à 15\u00a0h\u202f; motif du changement\u00a0: our expert is unavailable that day');
    expect(fr.text).toContain('Lieu\u00a0: Gatineau, room 4');
    const reminder = await compose(toVendor('demonstration-reminder', 'fr', { demonstration }));
    expect(reminder.text).toContain('Vidéoconférence\u00a0: https://meet.example/opc?x=1&y=2');
  });

  it('prints the office’s name in the language of the message, once', async () => {
    const en = await compose(toAuthority('approval-request', 'en', { version: 1 }));
    const fr = await compose(toAuthority('approval-request', 'fr', { version: 1 }));
    expect(en.text).toContain('International Affairs Directorate');
    expect(en.text).not.toContain('Direction des affaires internationales');
    expect(fr.text.split('Direction des affaires internationales')).toHaveLength(2);
    expect(en.text.split('International Affairs Directorate')).toHaveLength(2);
  });

  it('keeps the open letter’s subject short', async () => {
    for (const language of ['en', 'fr'] as const) {
      const { subject } = await compose(toVendor('open-letter', language));
      expect(subject.length, subject).toBeLessThanOrEqual(130);
    }
  });

  it('lists authorities whose names hold commas so that each name stays whole', async () => {
    const { text } = await compose(toVendor('open-letter', 'en'));
    expect(text).toContain('the Office of the Privacy Commissioner for Personal Data, Hong Kong; and the Swiss Federal Data Protection');
    expect(text).not.toMatch(/Hong Kong and Swiss|Hong Kong, and the Swiss/);
  });

  it('greets the addressee, not a department copied on the message', async () => {
    const en = await compose(toVendor('open-letter', 'en'));
    const fr = await compose(toVendor('reminder', 'fr', { reminderNumber: 1 }));
    expect(en.text).toMatch(/^Dear Νικόλαος Αντωνίου,$/m);
    expect(fr.text).toMatch(/^Bonjour Νικόλαος Αντωνίου,$/m);
    for (const text of [en.text, fr.text]) expect(text).not.toContain('Legal department,');
  });

  it('keeps a signatory’s line breaks and a section’s paragraphs in the HTML part, where a mail client would run them together', async () => {
    const comment = 'Précisez « les cinq principes » : sécurité, etc.\nDeuxième ligne.\n\nTroisième point <b>.';
    const changes = [{ section: 'conclusions' as const, before: { en: 'First.\n\nSecond.', fr: 'Premier.\n\nSecond.' }, after: { en: 'First.\n\nThird.', fr: 'Premier.\n\nTroisième.' } }];
    for (const language of ['en', 'fr'] as const) {
      const request = await compose(toAuthority('approval-request', language, { version: 2, sinceVersion: 1, changes, changeRequests: [{ authorityId: 'fdpic', by: 'Zofia Wiśniewska', comment }] }));
      expect(request.html).toContain('sécurité, etc.<br>Deuxième ligne.<br><br>Troisième point &lt;b&gt;.');
      expect(request.html).toContain(language === 'en' ? '<del>First.<br><br>Second.</del>' : '<del>Premier.<br><br>Second.</del>');
      // The text part keeps them as typed.
      expect(request.text).toContain('sécurité, etc.\nDeuxième ligne.\n\nTroisième point <b>.');
      const sentBack = await compose(toAuthority('change-request', language, { version: 1, note: comment, from: opc.name }));
      expect(sentBack.html).toContain('sécurité, etc.<br>Deuxième ligne.<br><br>Troisième point &lt;b&gt;.</blockquote>');
    }
  });

  it('tells the signatories of a late reply the next version reports, with its date, in their language', async () => {
    const changes = [{ section: 'late-reply' as const, vendorName: 'Houseparty', repliedLateAfter: '2021-03-01T14:30:00Z' }];
    const en = await compose(toAuthority('approval-request', 'en', { version: 2, sinceVersion: 1, changes }));
    const fr = await compose(toAuthority('approval-request', 'fr', { version: 2, sinceVersion: 1, changes }));
    expect(en.text).toContain('Houseparty: reply after its case closed');
    expect(en.text).toMatch(/replied late, on 1\s+March\s+2021/);
    expect(fr.text).toContain('Houseparty\u00a0: réponse après la clôture de son examen');
    expect(fr.text).toMatch(/réponse parvenue tardivement, le 1er\s+mars\s+2021/);
  });

  it('tells the signatories of a reply in time, recorded after its case closed, that the next version reports, with its date, in their language', async () => {
    const changes = [{ section: 'reply-in-time' as const, vendorName: 'Houseparty', repliedInTimeAfter: '2020-09-29T14:30:00Z' }];
    const en = await compose(toAuthority('approval-request', 'en', { version: 2, sinceVersion: 1, changes }));
    const fr = await compose(toAuthority('approval-request', 'fr', { version: 2, sinceVersion: 1, changes }));
    expect(en.text).toContain('Houseparty: reply within the time given, recorded after its case closed');
    expect(en.text).toMatch(/replied within the time given, on 29\s+September\s+2020/);
    expect(fr.text).toContain('Houseparty\u00a0: réponse dans le délai imparti, versée au dossier après la clôture de son examen');
    expect(fr.text).toMatch(/réponse parvenue dans le délai imparti, le 29\s+septembre\s+2020/);
  });

  it('tells the signatories that the next version says a vendor the lead closed had responded, with its date, in their language', async () => {
    const changes = [{ section: 'response-before-closing' as const, vendorName: 'Cisco', respondedAfter: '2020-08-14T14:30:00Z' }];
    const en = await compose(toAuthority('approval-request', 'en', { version: 2, sinceVersion: 1, changes }));
    const fr = await compose(toAuthority('approval-request', 'fr', { version: 2, sinceVersion: 1, changes }));
    expect(en.text).toContain('Cisco: response before its review was closed');
    expect(en.text).toMatch(/responded on 14\s+August\s+2020, before its review was closed/);
    expect(fr.text).toContain('Cisco\u00a0: réponse avant la clôture de son examen');
    expect(fr.text).toMatch(/réponse reçue le 14\s+août\s+2020, avant la clôture de son examen/);
  });

  it('says where to read the whole of a signatory’s comment the approval request cuts', async () => {
    // The workflow's own state: fdpic sends version 1 back with a long comment; the lead submits version 2.
    const campaign = testCampaign('vc');
    const kase = new CampaignCase({ campaign, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.engagementFailed('zoom', 'worker lost');
    kase.startApproval('2026-11-25T10:00:00.000Z');
    const long = `Section 2: ${'the encryption claims need a source. '.repeat(20)}Last point: name the auditor.`;
    kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia (zofia, signed in)', version: 1, comment: 'Short and whole.' }, '2026-11-25T11:00:00.000Z');
    kase.requestChanges({ authorityId: 'opc', by: 'Léa (lea, signed in)', version: 1, comment: long }, '2026-11-25T11:30:00.000Z');
    kase.requestDraft({ by: 'Léa (lea, signed in)' }, '2026-11-26T10:00:00.000Z');
    for (const [language, said] of [
      ['en', '(cut here: the whole comment is in the workspace)'],
      ['fr', '(coupé ici\u00a0: le commentaire entier est dans l’espace de travail)'],
    ] as const) {
      const message: OutgoingMessage = { threadId: 'campaign:vc', step: 'approval-request-v2-fdpic', kind: 'approval-request', language, to: [campaign.authorities[1]!.contact], campaign, details: { version: 2, ...kase.changesRequestedBefore(2) } };
      const { text, html } = await compose(message);
      expect(text.split(said)).toHaveLength(2);
      expect(html.split(said)).toHaveLength(2);
      expect(text).not.toContain('Last point');
    }
  });

  it('tells the signatory who sent a version back that the next one goes out unchanged on purpose, with the lead’s answer', async () => {
    const campaign = testCampaign('kept');
    const kase = versionOneOut(campaign);
    kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia (zofia, signed in)', version: 1, comment: 'Name the auditor.' }, '2026-11-25T11:00:00.000Z');
    const answer = 'The vendor has not named one; the statement says so.';
    const unchanged = { by: 'Léa (lea, signed in)', confirmsUnchanged: true, answer };
    kase.checkDraft(unchanged);
    kase.requestDraft(unchanged, '2026-11-26T10:00:00.000Z');
    expect(kase.status().changeAnswers).toEqual([{ version: 1, by: 'Léa (lea, signed in)', at: '2026-11-26T10:00:00.000Z', answer, unchanged: true }]);
    const lead = campaign.authorities.find((a) => a.lead)!;
    for (const [language, said] of [
      ['en', `submits version 2 unchanged. Answer from Léa (${lead.name.en}): “${answer}”`],
      ['fr', `soumet la version 2 sans modification. Réponse de Léa (${lead.name.fr}) : « ${answer} »`],
    ] as const) {
      const message: OutgoingMessage = { threadId: 'campaign:kept', step: 'approval-request-v2-fdpic', kind: 'approval-request', language, to: [campaign.authorities[1]!.contact], campaign, details: { version: 2, sinceVersion: 1, ...kase.changesRequestedBefore(2) } };
      const { text, html } = await compose(message);
      expect(text.replace(/\s+/g, ' ')).toContain(said);
      expect(html).toContain(answer);
    }
    // Unchanged without a word from the lead still says it was on purpose.
    const quiet = versionOneOut(campaign);
    quiet.requestChanges({ authorityId: 'fdpic', by: 'Zofia (zofia, signed in)', version: 1, comment: 'Name the auditor.' }, '2026-11-25T11:00:00.000Z');
    quiet.requestDraft({ by: 'Léa (lea, signed in)', confirmsUnchanged: true }, '2026-11-26T10:00:00.000Z');
    const { text } = await compose({ threadId: 'campaign:kept', step: 'approval-request-v2-fdpic', kind: 'approval-request', language: 'en', to: [campaign.authorities[1]!.contact], campaign, details: { version: 2, sinceVersion: 1, ...quiet.changesRequestedBefore(2) } });
    expect(text.replace(/\s+/g, ' ')).toContain('submits version 2 unchanged.');
    expect(text).not.toContain('Answer from');
  });

  it('refuses an answer to change requests when nobody sent the version back, and a blank answer, naming the field', () => {
    const kase = versionOneOut(testCampaign('answers'));
    kase.edit({ by: 'Léa', conclusions: { en: ['Changed.'], fr: ['Modifié.'] } });
    expect(() => kase.checkDraft({ by: 'Léa', answer: 'Nothing to answer.' })).toThrow(/no signatory sent version 1 back/);
    kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia', version: 1, comment: 'Name the auditor.' }, '2026-11-25T11:00:00.000Z');
    expect(() => kase.checkDraft({ by: 'Léa', answer: '   ' })).toThrow(/^The answer \(to the change requests; it goes to every signatory with the next version\) must not be empty\.$/);
    expect(() => kase.checkDraft({ by: 'Léa', answer: 'Changed as asked.' })).not.toThrow();
  });

  it('links the lead from a signatory’s change request to the statement page where it edits and submits the next version', async () => {
    const statementPage = `https://dossier.example/campaigns/${input.campaign.id}/statement`;
    for (const [language, said] of [
      ['en', `Edit the text and submit the next version in the workspace: ${statementPage}`],
      ['fr', `Modifiez le texte et soumettez la version suivante dans l’espace de travail\u00a0: ${statementPage}`],
    ] as const) {
      const composed = await composeMessage(toAuthority('change-request', language, { version: 1, note: 'Nuancer.', from: opc.name }), { workspaceUrl: 'https://dossier.example' });
      expect(String(composed.text)).toContain(said);
      expect(String(composed.html)).toContain(`<a href="${statementPage}">`);
    }
  });

  it('explains a letter sent on another day than the one printed on it, and says nothing when they agree', async () => {
    const late = await compose(toVendor('open-letter', 'en', { issuedAt: '2020-09-03T10:00:00Z' }));
    expect(late.text).toContain('dated 21\u00a0July\u00a02020');
    expect(late.text).toContain('it is sent to Zoom on 3\u00a0September\u00a02020');
    const lateFr = await compose(toVendor('open-letter', 'fr', { issuedAt: '2020-09-03T10:00:00Z' }));
    expect(lateFr.text).toContain('elle est envoyée à Zoom le 3\u00a0septembre\u00a02020');
    const onTime = await compose(toVendor('open-letter', 'en', { issuedAt: '2020-07-21T09:00:00Z' }));
    expect(onTime.text).not.toContain('it is sent to');
  });

  it('states in the letter PDF the due date its email gives, on the lead authority’s calendar, in English and in French', async () => {
    // The end of 20 August in Toronto is already 21 August in UTC: both must say the 20th.
    const due = { dueDate: '2020-08-21T03:59:59.999Z', timeZone: 'America/Toronto' };
    const said = { en: ['respond by 20\u00a0August\u00a02020', 'We ask that you respond by 20 August 2020.'], fr: ['d’ici le 20\u00a0août\u00a02020', 'Nous vous prions d’y répondre d’ici le 20 août 2020.'] };
    for (const language of ['en', 'fr'] as const) {
      const composed = await composeMessage(toVendor('open-letter', language, due));
      expect(String(composed.text)).toContain(said[language][0]);
      const pdf = composed.attachments!.find((a) => a.contentType === 'application/pdf')!;
      const { stdout, code } = await pdfTool('pdftotext', ['{}', '-'], pdf.content as Buffer);
      expect(code).toBe(0);
      expect(stdout.replace(/\s+/g, ' '), language).toContain(said[language][1]);
    }
  });
});
