// What Dossier publishes, read as its readers read it: the statement PDF, the emails to companies and
// authorities, the calendar invitation and the workspace's French. Each case renders the real output
// and checks a sentence a French or English editor corrected: one company written to, reminders told
// apart, French elision before a vowel, dates that stay on one line, articles before authority names.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { composeMessage } from '../../activities/compose';
import { formatDate, formatDateTime, timeZoneName } from '../../activities/format';
import { renderStatementPdf } from '../../activities/statement';
import { statementWording, TEMPLATES_DIR } from '../../activities/templates';
import { elide } from '../../workflows/locale';
import { statementChanges } from '../../workflows/statement-text';
import { changesView } from '../../web/text-diff';
import { loadViews } from '../../web/views';
import { SCRIPTS } from '../../scripts/demo';
import { PRINCIPLES, type Findings, type Language, type OutgoingMessage, type StatementDraft, type StatementVendorEntry } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { pdfPageTexts } from '../helpers/pdf';

const both = (en: string, fr: string) => ({ en, fr });
const NBSP = '\u00a0';
/** pdf.js reads a no-break space back as a space; the text is compared with ordinary spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
/** The PDF's text as one line: where a line breaks depends on the page's width. */
const flat = (text: string) => plain(text).replace(/\s+/g, ' ');

async function statementText(vendors: StatementVendorEntry[], language: Language, authorities = testCampaign('wording').authorities): Promise<string> {
  const campaign = { ...testCampaign('wording'), authorities, timeZone: 'America/Toronto' };
  const draft: StatementDraft = { campaign, version: 1, date: '2021-10-27', vendors, conclusions: { en: [], fr: [] }, lessonsLearned: { en: [], fr: [] }, signatories: [] };
  return (await pdfPageTexts(await renderStatementPdf(draft, language, false))).join('\n');
}

const findings = Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: both('Assessed.', 'Évalué.'), goodPractices: [] }])) as unknown as Findings;

function toVendor(kind: OutgoingMessage['kind'], language: Language, vendorName: string, details: OutgoingMessage['details'] = {}): OutgoingMessage {
  return {
    threadId: 'engagement:wording:v',
    step: kind,
    kind,
    language,
    to: [{ name: 'Jan Kowalczyk', email: 'privacy@vendor.test' }],
    campaign: testCampaign('wording'),
    vendor: testVendor('v', { name: vendorName, language }),
    details: { dueDate: '2020-09-01T03:59:59Z', timeZone: 'America/Toronto', ...details },
  };
}

function toAuthority(kind: OutgoingMessage['kind'], language: Language, details: OutgoingMessage['details'] = {}): OutgoingMessage {
  return { threadId: 'campaign:wording', step: kind, kind, language, to: [{ name: 'Daniel Therrien', email: 'lead@opc.test' }], campaign: testCampaign('wording'), details: { timeZone: 'America/Toronto', ...details } };
}

const demonstration = {
  id: 'd1',
  at: '2020-10-08T13:00:00Z',
  durationMinutes: 60,
  topics: ['Chiffrement'],
  attendees: [{ name: 'Eleanor Whitfield', email: 'e@ico.test' }],
  rescheduled: 1,
  previousAt: '2020-10-01T13:30:00Z',
  rescheduleReason: 'notre expert est absent',
};

describe('the statement', () => {
  it('speaks of one company in the singular when the letter went to one company', async () => {
    const zoom: StatementVendorEntry = { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', respondedAt: '2020-08-20', findings };
    const fr = flat(await statementText([zoom], 'fr'));
    expect(fr).toContain('à respecter dans ses services et invitant l’entreprise à expliquer comment elle les applique.');
    expect(fr).not.toContain('chaque entreprise');
    const en = flat(await statementText([zoom], 'en'));
    expect(en).toContain('in its services and inviting it to explain how it applies them.');
    const two = flat(await statementText([zoom, { ...zoom, vendorId: 'cisco', vendorName: 'Cisco' }], 'en'));
    expect(two).toContain('in their services and inviting each company');
  });

  it('says the letter was sent only to the companies it reached, and names the others as not reached, in both languages', async () => {
    const zoom: StatementVendorEntry = { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', respondedAt: '2020-08-20', findings };
    const early: StatementVendorEntry = { vendorId: 'early', vendorName: 'Houseparty', stage: 'withdrawn', notWrittenTo: 'never-started' };
    const bounced: StatementVendorEntry = { vendorId: 'bounced', vendorName: 'Cisco', stage: 'withdrawn', notWrittenTo: 'letter-undelivered' };
    const pending: StatementVendorEntry = { vendorId: 'pending', vendorName: 'Google', stage: 'excluded', reason: both('Out of scope.', 'Hors champ.'), notWrittenTo: 'letter-not-accepted' };
    const vendors = [zoom, early, bounced, pending];
    const en = flat(await statementText(vendors, 'en'));
    expect(en).toContain('sent an open letter to Zoom, setting out five principles for the protection of privacy in its services and inviting it to explain how it applies them.');
    expect(en).toContain('The letter was not sent to Houseparty, whose review ended before it went out.');
    expect(en).toContain('The letter did not reach Cisco and Google.');
    const fr = flat(await statementText(vendors, 'fr'));
    expect(fr).toContain('ont adressé une lettre ouverte à Zoom, exposant cinq principes');
    expect(fr).toContain('La lettre n’a pas été envoyée à Houseparty, dont l’examen a pris fin avant son envoi.');
    expect(fr).toContain('La lettre n’est pas parvenue à Cisco et Google.');

    const none = flat(await statementText([early, bounced], 'en'));
    expect(none).not.toContain('sent an open letter');
    expect(none).toContain('signed an open letter setting out five principles for the protection of privacy. The letter was not sent to Houseparty');
    expect(flat(await statementText([early, bounced], 'fr'))).toContain('ont signé une lettre ouverte exposant cinq principes de protection de la vie privée. La lettre n’a pas été envoyée à Houseparty');
  });

  const apple: StatementVendorEntry = {
    vendorId: 'apple',
    vendorName: 'Apple',
    stage: 'closed-no-response',
    remindersSent: [
      { at: '2020-09-01T12:00:00Z', about: 'response', kind: 'reminder', number: 1 },
      { at: '2020-09-08T12:00:00Z', about: 'response', kind: 'reminder', number: 2 },
      { at: '2020-09-15T12:00:00Z', about: 'response', kind: 'final-notice', number: 1 },
    ],
    endedAt: '2020-10-02T12:00:00Z',
  };

  it('tells several reminders apart by their order, and keeps each date on one line', async () => {
    const fr = await statementText([apple], 'fr');
    expect(flat(fr)).toContain('un premier rappel le 1er septembre 2020, un deuxième rappel le 8 septembre 2020 et un dernier avis le 15 septembre 2020');
    const en = await statementText([apple], 'en');
    expect(flat(en)).toContain('a first reminder on 1 September 2020, a second reminder on 8 September 2020 and a final notice');
    // No line of the PDF ends inside a date ("le 8" / "septembre 2020", "8 September" / "2020").
    expect(fr).not.toMatch(/\b\d{1,2}(er)?\n(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)/);
    expect(en).not.toMatch(/(January|February|March|April|May|June|July|August|September|October|November|December)\n\d{4}/);
    const one = flat(await statementText([{ ...apple, remindersSent: apple.remindersSent!.slice(0, 1) }], 'fr'));
    expect(one).toContain('Les autorités ont adressé à Apple un rappel le 1er septembre 2020.');
  });

  it('elides "de" before a name that begins with a vowel, not before a consonant or an h', async () => {
    const fr = flat(await statementText(
      [
        { vendorId: 'e', vendorName: 'Epsilon', stage: 'failed' },
        { vendorId: 'u', vendorName: 'Uber', stage: 'withdrawn', endedAt: '2020-09-01' },
        { vendorId: 'z', vendorName: 'Zoom', stage: 'in-progress' },
        { vendorId: 'h', vendorName: 'Houseparty', stage: 'closed-by-lead', reason: both('Ceased operations.', 'L’entreprise a cessé ses activités.') },
      ],
      'fr',
    ));
    expect(fr).toContain('Aucun résultat n’a été consigné pour l’examen d’Epsilon.');
    expect(fr).toContain('leur examen d’Uber avant');
    expect(fr).toContain('L’examen de Zoom par les autorités');
    expect(fr).toContain('leur examen de Houseparty avant son terme, pour le motif suivant :');
    expect(elide('que', 'Apple')).toBe('qu’Apple');
    expect(elide('le', 'Écho')).toBe('l’Écho');
  });

  it('introduces the reason that follows with a colon, and names the lessons as the authorities do', () => {
    const fr = statementWording('fr');
    expect(fr.say('stage.excluded', { vendor: 'Zoom' })).toBe(`La présente déclaration ne vise pas Zoom, pour le motif suivant${NBSP}:`);
    expect(statementWording('en').say('stage.closed-by-lead', { vendor: 'Zoom' })).toBe('The authorities closed their review of Zoom before it was complete, for the following reason:');
    expect(fr.say('lessons')).toBe('Enseignements tirés');
    expect(fr.say('changes.section.lessons-learned')).toBe('Enseignements tirés');
  });
});

describe('dates and times', () => {
  it('joins the words of a date with no-break spaces', () => {
    expect(formatDate('2026-11-29', 'fr')).toBe(`29${NBSP}novembre${NBSP}2026`);
    expect(formatDate('2020-09-08', 'en')).toBe(`8${NBSP}September${NBSP}2020`);
  });

  it('writes French hours as "9 h" and "9 h 30", and names the time zone as a reader does', () => {
    expect(formatDateTime('2020-10-01T13:00:00Z', 'fr', 'America/Toronto')).toBe(`jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h`);
    expect(formatDateTime('2020-10-01T13:30:00Z', 'fr', 'America/Toronto')).toBe(`jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30`);
    expect(timeZoneName('America/Toronto', 'fr', '2020-10-01T13:00:00Z')).toBe('heure de l’Est');
    expect(timeZoneName('America/Toronto', 'en', '2020-10-01T13:00:00Z')).toBe('Eastern Time');
    expect(timeZoneName('UTC', 'fr', '2020-10-01T13:00:00Z')).toBe('UTC');
  });
});

describe('emails', () => {
  it('elides "de" and "que" before a company name that begins with a vowel', async () => {
    const reminder = await composeMessage(toVendor('reminder', 'fr', 'Apple', { reminderNumber: 1 }));
    expect(reminder.text).toContain('la réponse d’Apple à la lettre ouverte');
    expect(reminder.html).toContain('la réponse d’<strong>Apple</strong>');
    const final = await composeMessage(toVendor('final-notice', 'fr', 'Apple'));
    expect(final.text).toContain('consigneront qu’Apple n’a pas répondu');
    const zoom = await composeMessage(toVendor('reminder', 'fr', 'Zoom', { reminderNumber: 1 }));
    expect(zoom.text).toContain('la réponse de Zoom à la lettre ouverte');
  });

  it('gives in a final notice the last whole day before the case closes, in the lead authority’s zone', async () => {
    // Closes at 10:00 in Toronto on 15 September: the 14th is the last whole day to answer.
    const fr = await composeMessage(toVendor('final-notice', 'fr', 'Zoom', { closesAt: '2020-09-15T14:00:00Z' }));
    expect(fr.text).toContain(`Si aucune réponse ne nous parvient d’ici le 14${NBSP}septembre${NBSP}2020, les autorités signataires consigneront`);
    // A case closing at the very end of a day on the calendar: that day itself.
    const en = await composeMessage(toVendor('final-notice', 'en', 'Zoom', { closesAt: '2020-09-16T03:59:59.999Z' }));
    expect(en.text).toContain(`If no answer reaches us by 15${NBSP}September${NBSP}2020, the signatory authorities`);
    // A follow-up round never closes the case: no date the vendor has already passed.
    const round = await composeMessage(toVendor('final-notice', 'en', 'Zoom', { questions: [{ id: 'q1', text: 'How?' }] }));
    expect(round.text).toContain('This is our final notice. Without an answer, the signatory authorities');
  });

  it('warns in a follow-up round’s final notice that the vendor will be recorded as not answering the questions, not as not responding', async () => {
    // The vendor responded to the letter; the statement reports questions "which it did not answer".
    const questions = [{ id: 'q2', text: 'Who can see the attendee list?' }];
    const en = await composeMessage(toVendor('final-notice', 'en', 'Zoom', { reminderNumber: 1, questions }));
    expect(en.text).toContain('Without an answer, the signatory authorities will record that Zoom did not answer these questions, and may say so publicly.');
    expect(en.text).not.toContain('did not respond');
    expect(en.html).toContain('will record that Zoom did not answer these questions, and may say so publicly.');
    const fr = await composeMessage(toVendor('final-notice', 'fr', 'Apple', { reminderNumber: 1, questions }));
    expect(fr.text).toContain('Sans réponse de votre part, les autorités signataires consigneront qu’Apple n’a pas répondu à ces questions, et pourront le faire savoir publiquement.');
    expect(fr.html).toContain('consigneront qu’Apple n’a pas répondu à ces questions, et pourront');
    // The open letter's final notice still speaks of the response.
    const letter = await composeMessage(toVendor('final-notice', 'en', 'Zoom', { reminderNumber: 1 }));
    expect(letter.text).toContain('will record that Zoom did not respond, and may say so publicly.');
  });

  it('recalls in a follow-up round’s final notice, which names no closing day, the date its answers were due', async () => {
    const questions = [{ id: 'q2', text: 'Who can see the attendee list?' }];
    const en = await composeMessage(toVendor('final-notice', 'en', 'Zoom', { reminderNumber: 1, questions }));
    expect(en.text).toContain(`q2. Who can see the attendee list?\n\nThese answers were due by 31${NBSP}August${NBSP}2020.\n\nThis is our final notice. Without an answer,`);
    expect(en.html).toContain(`These answers were due by <strong>31${NBSP}August${NBSP}2020</strong>.`);
    const fr = await composeMessage(toVendor('final-notice', 'fr', 'Zoom', { reminderNumber: 1, questions }));
    expect(fr.text).toContain(`Ces réponses étaient attendues au plus tard le 31${NBSP}août${NBSP}2020.\n\nCeci est notre dernier avis. Sans réponse de votre part,`);
    expect(fr.html).toContain(`Ces réponses étaient attendues au plus tard le <strong>31${NBSP}août${NBSP}2020</strong>.`);
  });

  it('reminds in French that a response or answers were due on a date already passed', async () => {
    const reminder = await composeMessage(toVendor('reminder', 'fr', 'Zoom', { reminderNumber: 1 }));
    expect(reminder.text).toContain(`Cette réponse était attendue au plus tard le 31${NBSP}août${NBSP}2020. Nous vous prions de nous la faire parvenir dans les meilleurs délais.`);
    expect(reminder.text).not.toContain('Nous vous prions de répondre d’ici le');
    const round = await composeMessage(toVendor('follow-up-reminder', 'fr', 'Zoom', { reminderNumber: 1, questions: [{ id: 'q1', text: 'Comment ?' }] }));
    expect(round.text).toContain(`Ces réponses étaient attendues au plus tard le 31${NBSP}août${NBSP}2020. Nous vous prions de nous les faire parvenir dans les meilleurs délais.`);
    expect(round.html).toContain(`Ces réponses étaient attendues au plus tard le <strong>31${NBSP}août${NBSP}2020</strong>.`);
  });

  it('invites to a video call only when the demonstration has a link or no place, and to a meeting at a place otherwise', async () => {
    const inPerson = { ...demonstration, rescheduled: 0, location: '30 Victoria Street, Gatineau' };
    const en = await composeMessage(toVendor('demonstration-invitation', 'en', 'Zoom', { demonstration: inPerson }));
    expect(en.text).toContain('The signatory authorities invite Zoom to a meeting in which you demonstrate');
    expect(en.html).toContain('invite <strong>Zoom</strong> to a meeting in which');
    const fr = await composeMessage(toVendor('demonstration-invitation', 'fr', 'Zoom', { demonstration: inPerson }));
    expect(fr.text).toContain('Les autorités signataires invitent Zoom à une réunion au cours de laquelle');
    expect(fr.html).toContain('invitent <strong>Zoom</strong> à une réunion au cours de laquelle');
    for (const call of [{ ...inPerson, meetingUrl: 'https://meet.example/d1' }, { ...inPerson, location: undefined }]) {
      expect((await composeMessage(toVendor('demonstration-invitation', 'en', 'Zoom', { demonstration: call }))).text).toContain('invite Zoom to a video call in which');
      expect((await composeMessage(toVendor('demonstration-invitation', 'fr', 'Zoom', { demonstration: call }))).text).toContain('invitent Zoom à une vidéoconférence au cours de laquelle');
    }
  });

  it('keeps the lines of a demonstration’s reason for moving in the HTML part, as the text part does', async () => {
    const moved = { ...demonstration, rescheduleReason: 'Our expert is away that week.\nThe new date keeps the same agenda.' };
    for (const language of ['en', 'fr'] as const) {
      const invitation = await composeMessage(toVendor('demonstration-invitation', language, 'Zoom', { demonstration: moved }));
      expect(invitation.text, language).toContain('Our expert is away that week.\nThe new date keeps the same agenda.');
      expect(invitation.html, language).toContain('Our expert is away that week.<br>The new date keeps the same agenda.');
    }
  });

  it('gives a rescheduled demonstration a readable time zone, French hours and the original date', async () => {
    const fr = await composeMessage(toVendor('demonstration-invitation', 'fr', 'Epsilon', { demonstration }));
    expect(fr.subject).toBe(`[TEST-WORDING] Nouvelle date${NBSP}: invitation à démontrer vos mesures de protection de la vie privée — jeudi 8${NBSP}octobre${NBSP}2020 à 9${NBSP}h`);
    expect(fr.text).toContain(`Date et heure${NBSP}: jeudi 8${NBSP}octobre${NBSP}2020 à 9${NBSP}h (60 minutes, heure de l’Est)`);
    expect(fr.text).toContain(`Date initiale${NBSP}: jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30\u202f; motif du changement${NBSP}: notre expert est absent`);
    const calendar = String((fr.icalEvent as { content: string }).content).replace(/\r\n[ \t]/g, '');
    expect(calendar).toContain('SUMMARY:Démonstration d’Epsilon (TEST-WORDING)');
    expect(calendar).toContain(`DESCRIPTION:Date initiale${NBSP}: jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30 (heure de l’Est)`);
    const en = await composeMessage(toVendor('demonstration-reminder', 'en', 'Epsilon', { demonstration }));
    expect(en.text).toContain('(60 minutes, Eastern Time)');
    expect(en.text).not.toContain('America/Toronto');
  });

  it('signs English emails on behalf of "the" lead authority', async () => {
    const en = await composeMessage(toVendor('reminder', 'en', 'Zoom', { reminderNumber: 1 }));
    expect(en.text).toContain('On behalf of the Office of the Privacy Commissioner of Canada and the co-signatories');
    expect(en.html).toContain('On behalf of the Office of the Privacy Commissioner of Canada');
  });

  it('names the authority that asked for changes, and counts the requests left out', async () => {
    const details = { version: 2, changeRequests: [{ authorityId: 'fdpic', by: 'Adrian Lobsiger', comment: 'Nuancer.' }], moreChangeRequests: 1 };
    const fr = await composeMessage(toAuthority('approval-request', 'fr', details));
    expect(fr.text).toContain(`Adrian Lobsiger, Préposé fédéral à la protection des données et à la transparence${NBSP}: «\u202fNuancer.\u202f»`);
    expect(fr.text).toContain('(1 autre demande dans l’espace de travail)');
    const en = await composeMessage(toAuthority('approval-request', 'en', { ...details, moreChangeRequests: 2 }));
    expect(en.text).toContain('Adrian Lobsiger, Swiss Federal Data Protection and Information Commissioner: “Nuancer.”');
    expect(en.text).toContain('(2 more requests in the workspace)');
  });

  it('names a changed demonstration by its date, as the statement does, not by its id', async () => {
    const version = (observation: string): Pick<StatementDraft, 'vendors' | 'conclusions' | 'lessonsLearned'> => ({
      vendors: [{ vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', demonstrations: [{ id: 'd1', at: '2020-10-01T14:00:00Z', result: 'validated', observation: both(observation, observation) }] }],
      conclusions: { en: [], fr: [] },
      lessonsLearned: { en: [], fr: [] },
    });
    const details = { version: 2, sinceVersion: 1, changes: statementChanges(version('Console shown.'), version('Console and logs shown.')) };
    const fr = await composeMessage(toAuthority('approval-request', 'fr', details));
    expect(plain(String(fr.text))).toContain('Zoom : démonstration du 1er octobre 2020\n');
    expect(plain(String(fr.html))).toContain('>Zoom : démonstration du 1er octobre 2020</td>');
    const en = await composeMessage(toAuthority('approval-request', 'en', details));
    expect(plain(String(en.text))).toContain('Zoom: demonstration of 1 October 2020\n');
    for (const body of [fr.text, fr.html, en.text, en.html]) expect(body).not.toContain('d1');
    // The workspace's statement page names it alike, in its shorter dates.
    const label = (language: Language) => changesView({ version: 2, sinceVersion: 1, changes: details.changes }, language, loadViews(), 'America/Toronto')?.items[0]?.label;
    expect(plain(label('fr') ?? '')).toBe('Zoom : démonstration du 1er oct. 2020, observations');
    expect(plain(label('en') ?? '')).toBe('Zoom: demonstration of 1 Oct 2020, observations');
  });

  it('groups the digits of the counts of changes and requests left out, with a narrow no-break space in French', async () => {
    const details = {
      version: 2,
      sinceVersion: 1,
      changes: [{ section: 'conclusions' as const, before: both('Old.', 'Ancien.'), after: both('New.', 'Nouveau.') }],
      moreChanges: 1234,
      changeRequests: [{ authorityId: 'fdpic', by: 'Adrian Lobsiger', comment: 'Nuancer.' }],
      moreChangeRequests: 1234,
    };
    const fr = await composeMessage(toAuthority('approval-request', 'fr', details));
    expect(fr.text).toContain(`Modifications non listées ici${NBSP}: 1\u202f234.`);
    expect(fr.text).toContain('(1\u202f234 autres demandes dans l’espace de travail)');
    expect(fr.html).toContain(`Modifications non listées ici${NBSP}: 1\u202f234.`);
    const en = await composeMessage(toAuthority('approval-request', 'en', details));
    expect(en.text).toContain('Changes not listed here: 1,234.');
    expect(en.text).toContain('(1,234 more requests in the workspace)');
  });

  it('names who sent a version back by name, without the record’s English “signed in” or “CLI” and account', async () => {
    const details = {
      version: 3,
      changeRequests: [
        { authorityId: 'fdpic', by: 'Adrian Lobsiger (adrian, signed in)', comment: 'Nuancer.' },
        { authorityId: 'opc', by: 'Marie Leclerc (marie@desk-12, CLI)', comment: 'Préciser.' },
      ],
    };
    const fr = await composeMessage(toAuthority('approval-request', 'fr', details));
    expect(fr.text).toContain(`Adrian Lobsiger, Préposé fédéral à la protection des données et à la transparence${NBSP}: «\u202fNuancer.\u202f»`);
    expect(fr.text).toContain('Marie Leclerc, Commissariat à la protection de la vie privée du Canada');
    expect(fr.html).toContain('<li>Adrian Lobsiger, Préposé fédéral');
    const en = await composeMessage(toAuthority('approval-request', 'en', details));
    expect(en.text).toContain('Adrian Lobsiger, Swiss Federal Data Protection and Information Commissioner: “Nuancer.”');
    for (const body of [fr.text, fr.html, en.text, en.html]) expect(body).not.toMatch(/signed in|CLI\)|adrian,|desk-12/);
  });

  it('writes the authority asking for changes with its article in English, and on a line of its own in French when the campaign gives no French article', async () => {
    const from = both('Information Commissioner’s Office (United Kingdom)', 'Bureau du commissaire à l’information (Royaume-Uni)');
    const en = await composeMessage(toAuthority('change-request', 'en', { version: 2, note: 'Soften.', from }));
    expect(en.text).toContain('The Information Commissioner’s Office (United Kingdom) asks for changes to version 2');
    const fr = await composeMessage(toAuthority('change-request', 'fr', { version: 2, note: 'Nuancer.', from }));
    expect(fr.text).toContain(`Autorité signataire${NBSP}: Bureau du commissaire à l’information (Royaume-Uni)\n\nCette autorité demande des modifications à la version 2`);
    expect(fr.text).not.toMatch(/^Bureau du commissaire[^\n]*demande/m);
  });

  it('names an authority inside a French sentence with the article its campaign gives it: le, la, l’ before a vowel', async () => {
    const cnil = { id: 'cnil', name: both('French Data Protection Authority (CNIL)', 'Commission nationale de l’informatique et des libertés (CNIL)'), contact: { name: 'Marie Dupont', email: 'cnil@cnil.test' } };
    const gra = { id: 'gra', name: both('Gibraltar Regulatory Authority', 'Autorité de réglementation de Gibraltar'), contact: { name: 'Joseph Caruana', email: 'gra@gra.test' } };
    const authorities = [
      ...testCampaign('wording').authorities.map((a) => ({ ...a, article: { fr: 'le' as const } })),
      { ...cnil, article: { fr: 'la' as const } },
      { ...gra, article: { fr: 'la' as const } },
    ];
    const changeRequest = (from: (typeof authorities)[number]) => {
      const message = toAuthority('change-request', 'fr', { version: 2, note: 'Nuancer.', from: from.name });
      return composeMessage({ ...message, campaign: { ...message.campaign, authorities } });
    };
    const [opc, fdpic, withCnil, withGra] = [authorities[0]!, authorities[1]!, authorities[2]!, authorities[3]!];
    const fromOpc = await changeRequest(opc);
    expect(fromOpc.text).toContain('Le Commissariat à la protection de la vie privée du Canada demande des modifications à la version 2');
    expect(fromOpc.html).toContain('<p>Le Commissariat à la protection de la vie privée du Canada demande des modifications à la version 2');
    expect(fromOpc.text).not.toContain('Autorité signataire');
    expect((await changeRequest(fdpic)).text).toContain('Le Préposé fédéral à la protection des données et à la transparence demande des modifications');
    expect((await changeRequest(withCnil)).text).toContain('La Commission nationale de l’informatique et des libertés (CNIL) demande des modifications');
    expect((await changeRequest(withGra)).text).toContain('L’Autorité de réglementation de Gibraltar demande des modifications');

    // The footer names the lead in a sentence too, as the English one does ("On behalf of the Office…").
    expect(fromOpc.text).toContain('Au nom du Commissariat à la protection de la vie privée du Canada et des autorités cosignataires');
    expect(fromOpc.html).toContain('Au nom du Commissariat à la protection de la vie privée du Canada et des autorités cosignataires');
    const ledByCnil = toVendor('reminder', 'fr', 'Zoom', { reminderNumber: 1 });
    ledByCnil.campaign = { ...ledByCnil.campaign, authorities: [{ ...withCnil, lead: true }, { ...withGra }] };
    expect((await composeMessage(ledByCnil)).text).toContain('Au nom de la Commission nationale de l’informatique et des libertés (CNIL) et des autorités cosignataires');
  });

  it('calls follow-up questions "questions complémentaires" in the French digest', async () => {
    const digest = [{ campaignId: 'wording', reference: 'TEST-WORDING', title: both('T', 'T'), timeZone: 'America/Toronto', items: [{ campaignId: 'wording', vendorId: 'zoom', vendorName: 'Zoom', stage: 'follow-up', waitsForOfficer: false, deadline: '2020-09-01T03:59:59Z', overdue: true, overdueDays: 1 }] }];
    const fr = await composeMessage(toAuthority('officer-digest', 'fr', { digest } as unknown as OutgoingMessage['details']));
    expect(fr.text).toContain('Zoom (questions complémentaires)');
    expect(fr.text).not.toContain('questions de suivi');
  });

  it('announces the published statement with its "enseignements tirés"', async () => {
    const fr = await composeMessage(toAuthority('statement-notice', 'fr'));
    expect(fr.text).toContain('d’enseignements tirés au sujet');
  });

  it('names the version published in the signatories’ notice, in both languages, and none where it is not given', async () => {
    const details = { version: 2 };
    const en = await composeMessage(toAuthority('statement-notice', 'en', details));
    expect(en.text).toContain('lessons learned on video-conferencing privacy. The published text is version 2 of the draft.');
    expect(en.html).toContain('The published text is version 2 of the draft.</p>');
    const fr = await composeMessage(toAuthority('statement-notice', 'fr', details));
    expect(fr.text).toMatch(/Signataires\u00a0: .*\. Le texte publié est la version 2 du projet\.\n/);
    expect(fr.html).toContain('Le texte publié est la version 2 du projet.</p>');
    // A vendor's notice (and one sent before the version was given) names none.
    const vendor = await composeMessage(toVendor('statement-notice', 'fr', 'Zoom'));
    expect(vendor.text).not.toMatch(/version/i);
  });
});

describe('the demo and the workspace', () => {
  it('publishes the authorities’ own summary of each company, never its response', () => {
    for (const [vendor, script] of Object.entries(SCRIPTS)) {
      const [en] = script.publicSummary;
      expect(en, vendor).not.toBe(script.summary);
      expect(script.summary.includes(en) || en.includes(script.summary), vendor).toBe(false);
    }
  });

  it('writes the workspace’s French without the word "worker" and without middle-dot forms', () => {
    const strings = parseYaml(readFileSync(join(TEMPLATES_DIR, 'web', 'strings.yaml'), 'utf8')) as { fr: Record<string, string> };
    const faults = Object.entries(strings.fr).filter(([, text]) => typeof text === 'string' && (/\bworker\b/i.test(text) || /\p{L}·\p{L}/u.test(text)));
    expect(faults).toEqual([]);
  });

  it('says "ressorts respectifs" in the French letter of the video-conferencing campaign', () => {
    const campaign = readFileSync(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');
    expect(campaign).toContain('dans nos ressorts respectifs');
    expect(campaign).not.toContain('juridictions respectives');
  });
});
