import { cpSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { composeMessage, demonstrationEventUid } from '../../activities/compose';
import { ErrorType } from '../../workflows/errors';
import { formatDate, ordinal, principleTitle, timeZoneName } from '../../activities/format';
import { loadTemplates, TEMPLATES_DIR, TemplateError, wordListOf, wordOf } from '../../activities/templates';
import { LANGUAGES, MESSAGE_KINDS, PRINCIPLES, type Language, type MessageDetails, type MessageKind, type OutgoingMessage } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { loadViews } from '../../web/views';
import { changesView } from '../../web/text-diff';
import { principleTitlesIn } from '../../workflows/locale';
import { typeset } from '../../workflows/french-spacing';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-templates-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HOSTILE = '<script>alert(1)</script> & <b>bold</b>';

function message(kind: MessageKind, language: Language, details: MessageDetails = {}): OutgoingMessage {
  return {
    threadId: 'engagement:tpl:zoom',
    step: `${kind}-1`,
    kind,
    language,
    to: [{ name: 'Zoë Łukasiewicz-Παπαδόπουλος', email: 'privacy@zoom.test' }],
    campaign: testCampaign('tpl'),
    vendor: testVendor('zoom', { name: 'Zoom', language }),
    details,
  };
}

/** A published statement under the output folder, as the campaign's publication leaves it. */
function publishedStatement(): string[] {
  mkdirSync(join(scratch, 'out', 'tpl'), { recursive: true });
  writeFileSync(join(scratch, 'out', 'tpl', 'statement-1.en.pdf'), '%PDF-1.7 test');
  return ['tpl/statement-1.en.pdf'];
}

/** Details that satisfy every kind, so each template can be rendered. */
function fullDetails(): MessageDetails {
  return {
    dueDate: '2020-08-21',
    reminderNumber: 2,
    receivedAt: '2020-08-10T16:30:00Z',
    questions: [{ id: 'Q1', text: 'How are meetings encrypted?' }],
    answered: [{ id: 'Q1', text: 'How are meetings encrypted?' }],
    demonstration: {
      id: 'demo-1',
      at: '2020-09-01T14:00:00Z',
      durationMinutes: 60,
      topics: ['End-to-end encryption'],
      attendees: [{ name: 'Jan Kowalski', email: 'jan@zoom.test' }],
    },
    note: 'A note from the case officer.',
    digest: [
      {
        campaignId: 'tpl',
        reference: 'TEST-TPL',
        title: { en: 'Video-conferencing privacy', fr: 'Vidéoconférence et vie privée' },
        items: [{ campaignId: 'tpl', vendorId: 'zoom', vendorName: 'Zoom', stage: 'awaiting-response', waitsForOfficer: false, deadline: '2020-08-21T00:00:00Z', overdue: true, overdueDays: 3 }],
      },
    ],
    version: 2,
  };
}

describe('message templates', () => {
  it('has a subject, a text part and an HTML part in English and French for every kind of message', async () => {
    for (const kind of MESSAGE_KINDS) {
      const bodies: Record<string, string> = {};
      for (const language of LANGUAGES) {
        const details = { ...fullDetails(), attachmentPaths: publishedStatement() };
        const composed = await composeMessage(message(kind, language, details), { outputDir: join(scratch, 'out') });
        expect(composed.subject, `${kind} ${language}`).toMatch(/^\[TEST-TPL\] \S/);
        expect(String(composed.text).length, `${kind} ${language} text`).toBeGreaterThan(40);
        expect(String(composed.html), `${kind} ${language} html`).toContain(`<html lang="${language}">`);
        expect(composed.headers).toEqual({ 'Content-Language': language });
        bodies[language] = String(composed.text);
      }
      expect(bodies.fr, kind).not.toBe(bodies.en);
    }
  });

  it('writes to a French-speaking vendor in French, with French dates and typography', async () => {
    const composed = await composeMessage(message('reminder', 'fr', { reminderNumber: 2, dueDate: '2020-08-21' }));
    expect(composed.subject).toBe('[TEST-TPL] Deuxième rappel\u00a0: réponse à notre lettre ouverte du 21\u00a0juillet\u00a02020');
    expect(composed.text).toContain('Ceci est notre deuxième rappel');
    expect(composed.text).toContain('au plus tard le 21\u00a0août\u00a02020');
    expect(composed.text).toContain('«\u202fVidéoconférence et vie privée\u202f»');
  });

  it('words a follow-up round’s final notice from the reminders that went before it, in both languages and both parts', async () => {
    const questions = [{ id: 'q2', text: 'Who can see the attendee list?' }];
    const notice = async (language: Language, remindersBefore?: number) => {
      const composed = await composeMessage(message('final-notice', language, { questions, dueDate: '2020-08-21', reminderNumber: 1, ...(remindersBefore === undefined ? {} : { remindersBefore }) }));
      return `${String(composed.text)}\n${String(composed.html)}`;
    };
    const none = await notice('en', 0);
    expect(none).not.toMatch(/despite/i);
    expect(none).toContain('We have not received the answers of Zoom to these follow-up questions:');
    expect(none).toContain('<p>We have not received the answers of <strong>Zoom</strong>');
    const noneFr = await notice('fr', 0);
    expect(noneFr).not.toMatch(/malgré/i);
    expect(noneFr).toContain('Nous n’avons pas reçu les réponses de Zoom aux questions complémentaires suivantes');
    expect(await notice('fr', 1)).toContain('Malgré notre rappel, nous n’avons pas reçu les réponses');
    // A notice scheduled before the count was given says it as it always did.
    expect(await notice('en')).toContain('Despite our reminders, we have not received the answers');
  });

  it('acknowledges answers in the vendor’s language: the questions answered and when, those still open by the day due, or that none is', async () => {
    const details: MessageDetails = {
      timeZone: 'America/Toronto',
      receivedAt: '2020-09-10T15:00:00Z',
      issuedAt: '2020-09-11T13:00:00Z',
      answered: [{ id: 'q2', text: 'Who can see the attendee list?' }, { id: 'q3', text: 'Where : in Canada?' }],
      stillOpen: [
        { id: 'q4', dueDate: '2020-10-01T03:59:59.999Z' },
        { id: 'q1', dueDate: '2020-09-01T03:59:59.999Z' },
        { id: 'q5', dueDate: '2020-10-01T03:59:59.999Z' },
      ],
    };
    const both = async (language: Language, d: MessageDetails) => {
      const composed = await composeMessage(message('answers-acknowledgement', language, d));
      return { subject: composed.subject, text: String(composed.text), html: String(composed.html) };
    };
    const en = await both('en', details);
    expect(en.subject).toBe('[TEST-TPL] We have received your answers to our follow-up questions');
    expect(en.text).toContain('Thank you for the answers of Zoom, received on 10\u00a0September\u00a02020, to these follow-up questions:\n\nq2. Who can see the attendee list?\n\nq3. Where : in Canada?');
    // The overdue question first, as it was due first; then those still to come, by id alone.
    expect(en.text).toContain('We have not yet received your answer to question q1, which was due by 31\u00a0August\u00a02020.\n\nWe still await your answers to questions q4 and q5, due by 30\u00a0September\u00a02020.');
    expect(en.text).not.toContain('q4.');
    expect(en.html).toContain('<li><strong>q2</strong> — Who can see the attendee list?</li>');
    expect(en.html).toContain('<p>We still await your answers to questions q4 and q5, due by <strong>30\u00a0September\u00a02020</strong>.</p>');
    const fr = await both('fr', details);
    expect(fr.subject).toBe('[TEST-TPL] Nous avons bien reçu vos réponses à nos questions complémentaires');
    expect(fr.text).toContain('Nous vous remercions des réponses de Zoom, reçues le 10\u00a0septembre\u00a02020, aux questions complémentaires suivantes\u00a0:');
    // The authorities' questions set with French spacing, as the questions themselves were.
    expect(fr.text).toContain('q3. Where\u00a0: in Canada\u202f?');
    expect(fr.text).toContain('Nous n’avons pas encore reçu votre réponse à la question q1, attendue au plus tard le 31\u00a0août\u00a02020.');
    expect(fr.text).toContain('Nous attendons toujours vos réponses aux questions q4 et q5, d’ici le 30\u00a0septembre\u00a02020.');
    expect(fr.html).toContain('d’ici le <strong>30\u00a0septembre\u00a02020</strong>.</p>');
    // Nothing left open: it says so, and asks for nothing.
    const done = await both('en', { ...details, answered: [details.answered![0]!], stillOpen: [] });
    expect(done.text).toContain('to this follow-up question:\n\nq2.');
    // One answer is thanked for in the singular, as in French.
    expect(done.subject).toBe('[TEST-TPL] We have received your answer to follow-up question q2');
    expect(done.text).toContain('Thank you for the answer of Zoom, received on 10\u00a0September\u00a02020, to this follow-up question:');
    expect(done.html).toContain('Thank you for the answer of <strong>Zoom</strong>');
    expect(done.text).toContain('Every follow-up question we asked has now been answered.');
    expect(done.text).not.toContain('quote the question numbers');
    expect((await both('fr', { ...details, stillOpen: [] })).text).toContain('Toutes nos questions complémentaires ont désormais reçu une réponse.');
  });

  it('writes to an English-speaking vendor in English', async () => {
    const composed = await composeMessage(message('reminder', 'en', { reminderNumber: 1, dueDate: '2020-08-21' }));
    expect(composed.subject).toBe('[TEST-TPL] First reminder: response to our open letter of 21\u00a0July\u00a02020');
    expect(composed.text).toContain('by 21\u00a0August\u00a02020');
  });

  it('escapes text a vendor supplied in the HTML part, and keeps it verbatim in the text part', async () => {
    const hostile = message('follow-up-questions', 'en', { questions: [{ id: 'Q1', text: HOSTILE }], note: HOSTILE });
    hostile.vendor!.name = HOSTILE;
    hostile.to = [{ name: HOSTILE, email: 'privacy@zoom.test' }];
    const composed = await composeMessage(hostile);
    const html = String(composed.html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(String(composed.text)).toContain(HOSTILE);
  });


  it('lists follow-up questions in the HTML part under their own numbers only, as the text part does, so a vendor quoting "1." means q1', async () => {
    // A second round's questions, one of them still unanswered: an ordered list would show them as 1. and 2.
    const questions = [
      { id: 'q3', text: 'How are recordings protected at rest?' },
      { id: 'q4', text: 'Which telemetry is collected?' },
    ];
    for (const language of LANGUAGES) {
      for (const [kind, listed] of [
        ['follow-up-questions', questions],
        ['follow-up-reminder', questions.slice(1)],
        ['final-notice', questions.slice(1)],
      ] as const) {
        const composed = await composeMessage(message(kind, language, { questions: [...listed], dueDate: '2020-08-21', reminderNumber: 1 }));
        const html = String(composed.html);
        for (const q of listed) {
          expect(html, `${kind} ${language}`).toContain(`<strong>${q.id}</strong>`);
          expect(String(composed.text), `${kind} ${language}`).toContain(`${q.id}. ${typeset(q.text, language)}`);
        }
        // A mail client numbers the items of an ordered list itself, beside the ids the vendor is asked to quote.
        expect(html, `${kind} ${language}`).not.toMatch(/<ol[\s>]/);
      }
    }
  });
  it('keeps the lines of a follow-up question in the HTML part, as the text part does', async () => {
    const text = 'Please describe\na) how recordings are encrypted\nb) who holds the keys';
    for (const language of LANGUAGES) {
      for (const kind of ['follow-up-questions', 'follow-up-reminder', 'final-notice'] as const) {
        const composed = await composeMessage(message(kind, language, { questions: [{ id: 'q1', text }], dueDate: '2020-08-21', reminderNumber: 1 }));
        expect(String(composed.text), `${kind} ${language}`).toContain(`q1. ${text}`);
        expect(String(composed.html), `${kind} ${language}`).toContain('Please describe<br>a) how recordings are encrypted<br>b) who holds the keys');
      }
    }
  });

  it('formats dates and times in the time zone the message names', async () => {
    const details = fullDetails();
    const toronto = await composeMessage(message('demonstration-reminder', 'fr', { ...details, timeZone: 'America/Toronto' }));
    expect(toronto.text).toContain('mardi 1er\u00a0septembre\u00a02020 à 10\u00a0h (60 minutes, heure de l’Est)');
    const utc = await composeMessage(message('demonstration-reminder', 'en', details));
    expect(utc.text).toContain('Tuesday, 1 September 2020 at 14:00 (60 minutes, UTC)');
  });

  it('refuses, without retry, a message that lacks what its kind needs or names an unknown time zone', async () => {
    const cases: OutgoingMessage[] = [
      message('reminder', 'en'),
      message('follow-up-questions', 'fr', { questions: [] }),
      message('demonstration-invitation', 'en'),
      message('officer-notice', 'en'),
      message('acknowledgement', 'en', { timeZone: 'Mars/Olympus_Mons' }),
      message('statement-notice', 'en', { attachmentPaths: ['nowhere/statement.pdf'] }),
      { ...message('acknowledgement', 'en'), to: [] },
    ];
    for (const bad of cases) {
      const failure = await composeMessage(bad, { outputDir: scratch }).catch((err: unknown) => err);
      expect(failure, bad.kind).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).type).toBe(ErrorType.InvalidMessage);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    }
  });

  it('attaches the published statement files to the statement notice', async () => {
    const details = { ...fullDetails(), attachmentPaths: publishedStatement() };
    const composed = await composeMessage(message('statement-notice', 'en', details), { outputDir: join(scratch, 'out') });
    expect(composed.attachments).toEqual([{ filename: 'statement-1.en.pdf', content: readFileSync(join(scratch, 'out', 'tpl', 'statement-1.en.pdf')) }]);
    expect(composed.text).toContain('statement-1.en.pdf');
  });

  it('attaches the open letter as a PDF to the open-letter message only', async () => {
    const letter = await composeMessage(message('open-letter', 'fr'));
    expect(letter.attachments).toHaveLength(1);
    expect(letter.attachments![0]).toMatchObject({ filename: 'TEST-TPL-zoom-fr.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(letter.attachments![0].content as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await composeMessage(message('reminder', 'fr', { reminderNumber: 1 }))).attachments).toEqual([]);
  });

  it('invites to a demonstration with a calendar request whose UID stays and whose SEQUENCE grows on reschedule', async () => {
    const details = fullDetails();
    const first = await composeMessage(message('demonstration-invitation', 'en', details), { domain: 'opc.test' });
    const moved = await composeMessage(
      message('demonstration-invitation', 'en', {
        ...details,
        demonstration: { ...details.demonstration!, at: '2020-09-03T15:00:00Z', rescheduled: 1 },
      }),
      { domain: 'opc.test' },
    );
    const uid = demonstrationEventUid('engagement:tpl:zoom', 'demo-1', 'opc.test');
    const ics = (c: typeof first) => String((c.icalEvent as { content: string }).content).replace(/\r?\n[ \t]/g, '');
    expect((first.icalEvent as { method: string }).method).toBe('REQUEST');
    expect(ics(first)).toContain('METHOD:REQUEST');
    expect(ics(first)).toContain(`UID:${uid}`);
    expect(ics(first)).toContain('SEQUENCE:0');
    expect(ics(first)).toContain('DTSTART:20200901T140000Z');
    expect(ics(first)).toContain('mailto:jan@zoom.test');
    expect(ics(moved)).toContain(`UID:${uid}`);
    expect(ics(moved)).toContain('SEQUENCE:1');
    expect(ics(moved)).toContain('DTSTART:20200903T150000Z');
    expect(moved.subject).toContain('Rescheduled');
    // Same input, same invitation: no clock in DTSTAMP.
    const again = await composeMessage(message('demonstration-invitation', 'en', details), { domain: 'opc.test' });
    expect(ics(again)).toBe(ics(first));
  });

  it('loads the templates once and reports a missing one by the file to add', () => {
    expect(loadTemplates()).toBe(loadTemplates(TEMPLATES_DIR));
    const broken = join(scratch, 'broken-templates');
    cpSync(TEMPLATES_DIR, broken, { recursive: true });
    unlinkSync(join(broken, 'email', 'final-notice.yaml'));
    expect(() => loadTemplates(broken)).toThrow(/final-notice\.yaml/);
    writeFileSync(join(broken, 'email', 'final-notice.yaml'), 'en:\n  subject: x\n  text: x\n  html: x\n');
    expect(() => loadTemplates(broken)).toThrow(TemplateError);
    expect(() => loadTemplates(broken)).toThrow(/final-notice\.yaml fr\.subject is missing/);
  });

  it('takes the words sentences are built from (ordinals, first of the month, the event title) from templates/words.yaml, in both languages', async () => {
    for (const language of LANGUAGES) {
      expect(wordListOf(language, 'ordinals'), language).toHaveLength(10);
      expect(wordOf(language, 'demonstrationEventTitle', { vendor: 'Zoom', reference: 'OPC-2020' }), language).toContain('Zoom (OPC-2020)');
    }
    expect([2, 11, 12, 13, 21, 22, 23, 101].map((n) => ordinal(n, 'en'))).toEqual(['second', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st']);
    expect([1, 11, 21].map((n) => ordinal(n, 'fr'))).toEqual(['premier', '11e', '21e']);
    expect(formatDate('2020-09-01', 'fr')).toBe('1er\u00a0septembre\u00a02020');
    expect(formatDate('2020-09-01', 'en')).toBe('1\u00a0September\u00a02020');
    const invitation = await composeMessage(
      message('demonstration-invitation', 'fr', { demonstration: { id: 'd1', at: '2020-09-01T14:00:00Z', durationMinutes: 60, topics: [], attendees: [], rescheduled: 0 } }),
      { domain: 'opc.test' },
    );
    expect(String((invitation.icalEvent as { content: string }).content).replace(/\r?\n[ \t]/g, '')).toContain('SUMMARY:Démonstration de Zoom (TEST-TPL)');
  });

  /** A copy of templates/ (in the scratch folder, under `name`) whose words.yaml says `to` where it said `from`. */
  const wordsChanged = (name: string, from: string | RegExp, to: string): string => {
    const copy = join(scratch, name);
    cpSync(TEMPLATES_DIR, copy, { recursive: true });
    const words = readFileSync(join(copy, 'words.yaml'), 'utf8');
    if (typeof from === 'string') expect(words).toContain(from);
    else expect(words).toMatch(from);
    writeFileSync(join(copy, 'words.yaml'), words.replace(from, to));
    return copy;
  };

  it('keeps the word for the first of a month in templates/words.yaml alone, which the workspace reads as the letters do', () => {
    const copy = wordsChanged('first-of-month-templates', 'firstOfMonth: "1er"', 'firstOfMonth: "1\u1d49\u02b3"');
    expect(wordOf('fr', 'firstOfMonth', undefined, copy)).toBe('1\u1d49\u02b3');
    expect(loadViews(join(copy, 'web')).date('2026-07-01', 'fr')).toBe('1\u1d49\u02b3\u00a0juill.\u00a02026');
    expect(loadViews(join(copy, 'web')).date('2026-07-01', 'en')).toBe('1\u00a0Jul\u00a02026');
    // The workspace keeps no copy of its own.
    const web = parseYaml(readFileSync(join(TEMPLATES_DIR, 'web', 'strings.yaml'), 'utf8')) as Record<Language, Record<string, string>>;
    for (const language of LANGUAGES) expect(Object.entries(web[language]).filter(([, text]) => /^1(er)?$/.test(text)), language).toEqual([]);
  });

  it('keeps the title of each principle in templates/words.yaml alone, in every language, which the workspace reads as the letters do', () => {
    // The one source names every principle in every language.
    const words = parseYaml(readFileSync(join(TEMPLATES_DIR, 'words.yaml'), 'utf8')) as Record<Language, { principles?: Record<string, unknown> }>;
    for (const language of LANGUAGES) {
      for (const p of PRINCIPLES) expect(words[language]?.principles?.[p], `${language} principles.${p}`).toMatch(/\S/);
    }
    expect(PRINCIPLES.map((p) => principleTitle(p, 'fr')).join(' ')).not.toMatch(/\p{L}'\p{L}/u);
    expect(principleTitle('end-user-control', 'fr')).toBe('Contrôle par l’utilisateur final');
    // The workspace keeps no copy of its own.
    const web = parseYaml(readFileSync(join(TEMPLATES_DIR, 'web', 'strings.yaml'), 'utf8')) as Record<Language, Record<string, string>>;
    for (const language of LANGUAGES) expect(Object.keys(web[language]).filter((k) => k.startsWith('principle.')), language).toEqual([]);

    // A copy of templates/ with another title: a page and a letter name the principle with it.
    const copy = wordsChanged('principle-templates', 'end-user-control: Contrôle par l’utilisateur final', 'end-user-control: Maîtrise par l’utilisateur final');
    expect(wordOf('fr', 'principles.end-user-control', undefined, copy)).toBe('Maîtrise par l’utilisateur final');
    const views = loadViews(join(copy, 'web'));
    const change = { version: 2, sinceVersion: 1, changes: [{ section: 'assessment' as const, vendorName: 'Zoom', principle: 'end-user-control' as const }] };
    expect(changesView(change, 'fr', views)?.items[0]?.label).toBe('Zoom\u00a0: Maîtrise par l’utilisateur final, évaluation');
    const findingsPage = views.render('statement-findings', 'fr', { title: 'x', campaignId: 'vc', vendorId: 'zoom', csrf: 'c', principles: PRINCIPLES.map((principle) => ({ principle })) });
    expect(findingsPage).toContain('<legend>Maîtrise par l’utilisateur final</legend>');

    // A principle with no title in one language: the workspace refuses to load, as the letters do.
    // (Another copy: the letters keep the templates they read once.)
    const untitled = wordsChanged('untitled-principle-templates', /^ {4}end-user-control: Contrôle.*\n/m, '');
    expect(() => loadViews(join(untitled, 'web'))).toThrow(/templates\/words\.yaml has no fr title for principles\.end-user-control/);
    expect(() => loadTemplates(untitled)).toThrow(/templates\/words\.yaml has no fr title for principles\.end-user-control/);
  });

  it('checks the principles’ titles in one place the letters and the workspace both call: a blank title, or one that is not a text, is missing', () => {
    const given = Object.fromEntries(PRINCIPLES.map((p) => [p, `Title of ${p}`]));
    expect(principleTitlesIn({ principles: given }, 'en')).toEqual({ titles: given });
    const missing = (language: Language, p: string) => ({ problem: `templates/words.yaml has no ${language} title for principles.${p}; add it.` });
    expect(principleTitlesIn({ principles: { ...given, 'end-user-control': '  ' } }, 'fr')).toEqual(missing('fr', 'end-user-control'));
    expect(principleTitlesIn({ principles: { ...given, security: 3 } }, 'en')).toEqual(missing('en', 'security'));
    expect(principleTitlesIn({ principles: 'security' }, 'en')).toEqual(missing('en', PRINCIPLES[0]));
    expect(principleTitlesIn(undefined, 'fr')).toEqual(missing('fr', PRINCIPLES[0]));
  });

  it('dates as the workspace does: the first of a month with the same word, a zone by the same name', () => {
    const views = loadViews();
    for (const language of LANGUAGES) {
      expect(views.date('2020-09-01', language).replaceAll('\u00a0', ' '), language).toMatch(new RegExp(`^${formatDate('2020-09-01', language).split('\u00a0')[0]} `));
      for (const zone of ['America/Toronto', 'Europe/London', 'UTC']) {
        expect(views.zoneName(zone, language, new Date('2020-10-01T13:00:00Z')), `${language} ${zone}`).toBe(timeZoneName(zone, language, '2020-10-01T13:00:00Z'));
      }
    }
  });
});

describe('every sentence of templates/', () => {
  // A count is agreed with (`.one` / `.other`, chosen by the language's plural rule), never written
  // "document(s)" or « dossier(s) »: a regulator's page or PDF does not hedge on its own numbers.
  it('writes no plural as "(s)", "(e)s", "(es)" or "(x)", in either language', () => {
    const files = readdirSync(TEMPLATES_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ya?ml|hbs)$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const bracketed = files.flatMap((file) =>
      readFileSync(join(TEMPLATES_DIR, file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*#/.test(line) && /\w\((?:s|e|es|x)\)/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(bracketed).toEqual([]);
  });
});

