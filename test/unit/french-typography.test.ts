// French typography in everything a French reader sees: a no-break space (U+00A0, or the narrow
// U+202F) before « : ; ? ! » and inside guillemets, never an ordinary one that lets a line break
// leave the colon alone at the start of a line. Checked over the French part of every template, and
// over the French texts of the campaign files under campaigns/, and on the two places that put French
// text together from several templates: the audit PDF and the
// approval request that repeats the signatories' change requests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { composeMessage } from '../../activities/compose';
import { recordDrawnLines } from '../../activities/pdf/document';
import { renderStatementPdf } from '../../activities/statement';
import { TEMPLATES_DIR } from '../../activities/templates';
import { loadViews } from '../../web/views';
import { changesView } from '../../web/text-diff';
import { statementChanges } from '../../workflows/statement-text';
import { auditPdf } from '../../client/audit-report';
import type { AuditTrail } from '../../client/audit';
import { frenchSpacing } from '../../workflows/french-spacing';
import type { OutgoingMessage, StatementDraft } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { pdfPageTexts, pdfUnicodeMap } from '../helpers/pdf';

const TEMPLATE_FILES = [
  ...readdirSync(join(TEMPLATES_DIR, 'email'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('email', f)),
  'audit.yaml',
  'cli.yaml',
  'statement.yaml',
  'letter.yaml',
  'words.yaml',
  join('web', 'strings.yaml'),
];

const CAMPAIGNS_DIR = join(__dirname, '..', '..', 'campaigns');
const CAMPAIGN_FILES = readdirSync(CAMPAIGNS_DIR).filter((f) => f.endsWith('.yaml'));

/** Every string under a node, with the path that leads to it. */
function* stringsIn(node: unknown, path: string): Generator<[string, string]> {
  if (typeof node === 'string') yield [path, node];
  else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) yield* stringsIn(child, `${path}.${key}`);
}

/** Each ordinary space where French wants a no-break one, shown in its surroundings. */
function ordinarySpaces(text: string): string[] {
  return [...text.matchAll(/.{0,20}(?: [:;?!»]|« ).{0,10}/gs)].map((m) => m[0]);
}

describe('French typography', () => {
  it.each(TEMPLATE_FILES)('puts no ordinary space before « : ; ? ! » or inside guillemets in the French part of templates/%s', (file) => {
    const templates = parseYaml(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as { fr?: unknown };
    expect(templates.fr, `${file} has a fr section`).toBeDefined();
    const faults = [...stringsIn(templates.fr, 'fr')].flatMap(([path, text]) => ordinarySpaces(text).map((at) => `${path}: ${JSON.stringify(at)}`));
    expect(faults).toEqual([]);
  });

  // A campaign file's French (its title, topic and the letter's body) is printed in the letter and the statement.
  it.each(CAMPAIGN_FILES)('puts no ordinary space before « : ; ? ! » or inside guillemets in the French texts of campaigns/%s', (file) => {
    const campaign = parseYaml(readFileSync(join(CAMPAIGNS_DIR, file), 'utf8')) as unknown;
    const faults = [...stringsIn(campaign, '')]
      .filter(([path]) => /(^|\.)fr(\.|$)/.test(path))
      .flatMap(([path, text]) => ordinarySpaces(text).map((at) => `${path}: ${JSON.stringify(at)}`));
    expect(faults).toEqual([]);
  });

  it('writes the audit PDF in French: labels with their colon from the template, the export time as a French date and time', async () => {
    const trail: AuditTrail = {
      scope: { campaignId: 'typo', vendorId: 'zoom' },
      workflowIds: ['engagement:typo:zoom'],
      unreadable: 0,
      events: [{ at: '2026-11-29T06:14:05.123Z', workflowId: 'engagement:typo:zoom', kind: 'officer-action', actor: 'Officer Tremblay', action: 'recordResponse', detail: 'summary: Our measures.' }],
    };
    const pdf = await auditPdf(trail, { language: 'fr', exportedAt: '2026-11-29T06:14:05.123Z' });
    const text = (await pdfPageTexts(pdf)).join('\n');
    expect(text).toMatch(/Exporté le dimanche 29 novembre 2026 à 6[\s\u202f]h[\s\u202f]14 \(UTC\)\./);
    expect(text).not.toMatch(/2026-11-29T/);
    // The text layer reads a no-break space back as a space: that it was drawn, the font's map says.
    expect(text).toContain('Auteur : Officer Tremblay');
    expect(text).toContain('Dossier : engagement:typo:zoom');
    expect(await pdfUnicodeMap(pdf)).toContain('\u00a0');
    const english = (await pdfPageTexts(await auditPdf(trail, { language: 'en', exportedAt: '2026-11-29T06:14:05.123Z' }))).join('\n');
    expect(english).toContain('Exported on Sunday, 29 November 2026 at 06:14 (UTC).');
    expect(english).toContain('Who: Officer Tremblay');
  });

  it('prints the authorities\' French text in the statement with a no-break space before « : ; ? ! » and inside guillemets', async () => {
    const campaign = testCampaign('typo');
    // As a lead types it: ordinary spaces, or none at all, before the punctuation.
    const typed = {
      en: 'Scope: see below; why? Because "encryption" matters!',
      fr: 'Champ : voir ci-dessous ; pourquoi ? Parce que « le chiffrement » compte! Aussi: le journal; les « réglages ».',
    };
    const statement: StatementDraft = {
      campaign,
      version: 1,
      date: '2021-10-27',
      vendors: [
        { vendorId: 'beta', vendorName: 'Beta', stage: 'excluded', reason: typed },
        { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', summary: typed, demonstrations: [{ id: 'd1', at: '2020-10-01T14:00:00Z', result: 'validated', observation: typed }] },
      ],
      conclusions: { en: [typed.en], fr: [typed.fr] },
      lessonsLearned: { en: [typed.en], fr: [typed.fr] },
      signatories: campaign.authorities,
    };
    const { lines } = await recordDrawnLines(() => renderStatementPdf(statement, 'fr', false));
    // Lines joined as wrapped (at ordinary spaces only): a line that starts with « : » reads as one.
    const body = lines.map((l) => l.text).join(' ');
    expect(body.split('Champ').length - 1, 'reason, summary, observation, conclusions, lessons').toBe(5);
    const faults = [...body.matchAll(/.{0,20}(?:[ \p{L}][:;?!»]|«[ \p{L}]).{0,10}/gu)].map((m) => m[0]).filter((at) => !/https?:/.test(at));
    expect(faults).toEqual([]);
    expect(body).toContain('Champ\u00a0: voir ci-dessous\u202f; pourquoi\u202f? Parce que «\u202fle chiffrement\u202f» compte\u202f! Aussi\u00a0: le journal\u202f; les «\u202fréglages\u202f».');
    // The English text is the authors' own, as typed.
    const english = (await recordDrawnLines(() => renderStatementPdf(statement, 'en', false))).lines.map((l) => l.text).join(' ');
    expect(english).toContain('Scope: see below; why? Because "encryption" matters!');
  });

  it('sets the colon the authorities typed with the no-break space the templates around it use, so one French statement has one convention', async () => {
    const campaign = testCampaign('typo');
    const typed = { en: 'Scope: see below.', fr: 'Champ : voir ci-dessous ; Portée: le reste\u202f: tout.' };
    const statement: StatementDraft = {
      campaign,
      version: 1,
      date: '2021-10-27',
      vendors: [{ vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', summary: typed }],
      conclusions: { en: [typed.en], fr: [typed.fr] },
      lessonsLearned: { en: [], fr: [] },
      signatories: campaign.authorities,
    };
    const body = (await recordDrawnLines(() => renderStatementPdf(statement, 'fr', false))).lines.map((l) => l.text).join(' ');
    expect(body).toContain('Champ\u00a0: voir ci-dessous\u202f; Portée\u00a0: le reste\u00a0: tout.');
    // The statement's own labels (templates/statement.yaml) take U+00A0 before a colon: none takes U+202F.
    expect(body).toMatch(/\u00a0:/);
    expect(body).not.toMatch(/\u202f:/);
  });

  it('leaves a URL, a time and spacing already right as they are, and gives a no-break space of the other kind the rule’s', () => {
    expect(frenchSpacing('Voir https://www.cnil.fr/fr : à 14:30 ; «\u00a0ok\u00a0» et «\u202fok\u202f» ; déjà\u00a0! Ici\u202f: là')).toBe(
      'Voir https://www.cnil.fr/fr\u00a0: à 14:30\u202f; «\u202fok\u202f» et «\u202fok\u202f»\u202f; déjà\u202f! Ici\u00a0: là',
    );
  });

  it('leaves a quotation in English quotes as its author punctuated it', () => {
    expect(frenchSpacing('Zoom écrit : "Privacy first: always!" ; puis “Why not? Ask us!” et voilà !')).toBe(
      'Zoom écrit\u00a0: "Privacy first: always!"\u202f; puis “Why not? Ask us!” et voilà\u202f!',
    );
  });

  it('leaves an exclamation mark typed against a capitalised word inside a line as it is, since it may be the name’s own', () => {
    expect(frenchSpacing('Yahoo! Inc. et Yum! Brands ont répondu! Enfin!\nMerci!')).toBe('Yahoo! Inc. et Yum! Brands ont répondu\u202f! Enfin\u202f!\nMerci\u202f!');
    // Typed with a space, it is punctuation: the space becomes the narrow no-break one.
    expect(frenchSpacing('Enfin ! Ils ont répondu.')).toBe('Enfin\u202f! Ils ont répondu.');
  });

  it('spaces a long run of letters, of spaces or of unclosed quote marks in time linear in its length, as the campaign workflow spaces every French text within one task', () => {
    // A pasted identifier or a text with no spaces is one long word: each start inside it must not
    // scan to its end again (20,000 letters took 0.3 s a text, a 30-vendor statement 34 s a call).
    const word = 'é'.repeat(100_000);
    const started = performance.now();
    expect(frenchSpacing(`${word}! Fin`)).toBe(`${word}\u202f! Fin`);
    expect(frenchSpacing(word)).toBe(word);
    const spaces = ' '.repeat(100_000);
    expect(frenchSpacing(`${spaces}x`)).toBe(`${spaces}x`);
    const quoteMarks = '“'.repeat(100_000);
    expect(frenchSpacing(quoteMarks)).toBe(quoteMarks);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('leaves a colon that starts a token, as in an IPv6 address, with the space typed before it', () => {
    expect(frenchSpacing('L’adresse IPv6 ::1 et le port :8080 : voir la note.')).toBe('L’adresse IPv6 ::1 et le port :8080\u00a0: voir la note.');
  });

  it('spaces punctuation typed against a closing guillemet, parenthesis, quote or number as it spaces it after a word', () => {
    // Typed with a space or without, the same text prints the same.
    expect(frenchSpacing('le «\u00a0X\u00a0»; puis')).toBe(frenchSpacing('le «\u00a0X\u00a0» ; puis'));
    expect(frenchSpacing('Le mot «oui»; le mot «non»: enfin «peut-être»! Et «si»? Ou «non»?!')).toBe(
      'Le mot «\u202foui\u202f»\u202f; le mot «\u202fnon\u202f»\u00a0: enfin «\u202fpeut-être\u202f»\u202f! Et «\u202fsi\u202f»\u202f? Ou «\u202fnon\u202f»\u202f?!',
    );
    expect(frenchSpacing('Zoom (voir plus bas); Zoom écrit "yes"; puis “no”! à 10:30; page 10! pourquoi?!')).toBe(
      'Zoom (voir plus bas)\u202f; Zoom écrit "yes"\u202f; puis “no”\u202f! à 10:30\u202f; page 10\u202f! pourquoi\u202f?!',
    );
  });

  it('spaces a closing guillemet after punctuation as the opening one', () => {
    expect(frenchSpacing('Le schéma «HTTPS:» et «voir ;» puis «(sic)»')).toBe('Le schéma «\u202fHTTPS:\u202f» et «\u202fvoir\u202f;\u202f» puis «\u202f(sic)\u202f»');
  });

  it('repeats the signatories\' change requests in each recipient\'s language and typography', async () => {
    const request = (language: 'en' | 'fr'): OutgoingMessage => ({
      threadId: 'campaign:typo',
      step: 'approval-request-v2-opc',
      kind: 'approval-request',
      language,
      to: [{ name: 'Daniel Therrien', email: 'opc@authority.test' }],
      campaign: testCampaign('typo'),
      vendor: testVendor('zoom'),
      details: { version: 2, changeRequests: [{ authorityId: 'fdpic', by: 'Adrian Lobsiger', comment: 'Name the encryption gaps.' }], moreChangeRequests: 2 },
    });
    const fr = await composeMessage(request('fr'));
    expect(fr.text).toContain('Adrian Lobsiger, Préposé fédéral à la protection des données et à la transparence\u00a0: «\u202fName the encryption gaps.\u202f»');
    expect(fr.text).toContain('(2 autres demandes dans l’espace de travail)');
    expect(fr.html).toContain('<li>Adrian Lobsiger, Préposé fédéral à la protection des données et à la transparence\u00a0: «\u202fName the encryption gaps.\u202f»</li>');
    expect(ordinarySpaces(String(fr.text))).toEqual([]);
    const en = await composeMessage(request('en'));
    expect(en.text).toContain('Adrian Lobsiger, Swiss Federal Data Protection and Information Commissioner: “Name the encryption gaps.”');
    expect(en.text).toContain('(2 more requests in the workspace)');
  });
  it('sets the follow-up questions and demonstration topics the authorities put to a French vendor with French spacing, in both parts of the email', async () => {
    const question = 'Quelles données « de télémétrie » conservez-vous ? Et pendant combien de temps?';
    const topic = 'Chiffrement : gestion des clés';
    const toVendor = (kind: OutgoingMessage['kind'], details: OutgoingMessage['details']): OutgoingMessage => ({
      threadId: 'engagement:typo:zoom',
      step: kind,
      kind,
      language: 'fr',
      to: [{ name: 'Zoë Durand', email: 'privacy@zoom.test' }],
      campaign: testCampaign('typo'),
      vendor: testVendor('zoom', { name: 'Zoom', language: 'fr' }),
      details: { dueDate: '2020-08-21', reminderNumber: 1, ...details },
    });
    const spaced = 'Quelles données «\u202fde télémétrie\u202f» conservez-vous\u202f? Et pendant combien de temps\u202f?';
    for (const kind of ['follow-up-questions', 'follow-up-reminder', 'final-notice'] as const) {
      const fr = await composeMessage(toVendor(kind, { questions: [{ id: 'q1', text: question }] }));
      expect(fr.text, kind).toContain(`q1. ${spaced}`);
      expect(fr.html, kind).toContain(spaced);
    }
    const demonstration = { id: 'd1', at: '2020-09-01T14:00:00Z', durationMinutes: 60, topics: [topic], attendees: [] };
    for (const kind of ['demonstration-invitation', 'demonstration-reminder'] as const) {
      const fr = await composeMessage(toVendor(kind, { demonstration }));
      expect(fr.text, kind).toContain('- Chiffrement\u00a0: gestion des clés');
      expect(fr.html, kind).toContain('<li>Chiffrement\u00a0: gestion des clés</li>');
    }
    // An English vendor gets the text as typed.
    const en = await composeMessage({ ...toVendor('follow-up-questions', { questions: [{ id: 'q1', text: 'Why? See "Privacy : first".' }] }), language: 'en' });
    expect(en.text).toContain('q1. Why? See "Privacy : first".');
  });

  it('quotes a signatory\'s comment as its author typed it, in the French email as on the workspace\'s statement page', async () => {
    // A person's own words: no French spacing is added to them (the statement's own text, which the
    // authorities publish, is typeset; a comment is not published, only quoted back).
    const comment = 'Retirez la phrase : trop vague! Voir "Privacy first: always".';
    const message: OutgoingMessage = {
      threadId: 'campaign:typo',
      step: 'approval-request-v2-opc',
      kind: 'approval-request',
      language: 'fr',
      to: [{ name: 'Daniel Therrien', email: 'opc@authority.test' }],
      campaign: testCampaign('typo'),
      details: { version: 2, changeRequests: [{ authorityId: 'fdpic', by: 'Adrian Lobsiger', comment }] },
    };
    const quoted = `«\u202f${comment}\u202f»`;
    const fr = await composeMessage(message);
    expect(fr.text).toContain(`transparence\u00a0: ${quoted}\n`);
    expect(fr.html).toContain(`transparence\u00a0: ${quoted.replace(/"/g, '&quot;')}</li>`);
    const page = loadViews().text('fr', 'statement.change-request', { version: 1, authority: 'PFPDT', by: 'Adrian Lobsiger', comment });
    expect(page).toContain(`\u00a0: ${quoted}`);
  });
  it('quotes the statement\'s French text in the approval email and on the statement page as the PDF prints it', async () => {
    const campaign = testCampaign('typo');
    const draft = (fr: string): StatementDraft => ({
      campaign,
      version: 1,
      date: '2021-10-27',
      vendors: [{ vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', summary: { en: 'Scope: see below.', fr } }],
      conclusions: { en: [], fr: [] },
      lessonsLearned: { en: [], fr: [] },
      signatories: [],
    });
    // As a lead types it, with ordinary spaces before the punctuation.
    const [before, after] = [draft('Champ : voir ci-dessous.'), draft('Champ : voir ci-dessous ; pourquoi?')];
    const printed = 'Champ\u00a0: voir ci-dessous\u202f; pourquoi\u202f?';
    const pdf = (await recordDrawnLines(() => renderStatementPdf(after, 'fr', false))).lines.map((l) => l.text).join(' ');
    expect(pdf).toContain(printed);
    const changes = statementChanges(before, after);
    const email = await composeMessage({
      threadId: 'campaign:typo',
      step: 'approval-request-v2-opc',
      kind: 'approval-request',
      language: 'fr',
      to: [{ name: 'Daniel Therrien', email: 'opc@authority.test' }],
      campaign,
      details: { version: 2, sinceVersion: 1, changes },
    });
    expect(email.text).toContain(printed);
    expect(email.html).toContain(printed);
    expect(ordinarySpaces(String(email.text))).toEqual([]);
    const page = changesView({ version: 2, sinceVersion: 1, changes }, 'fr', loadViews());
    const french = page?.items[0]?.languages.find((l) => l.language === 'fr');
    expect(french?.parts.map((p) => p.text).join('')).toContain('Champ\u00a0: voir ci-dessous');
    expect(french?.parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(printed);
  });

  it('lists no change in the approval email nor on the statement page where a version only respaces the French, which the PDF prints alike', async () => {
    const campaign = testCampaign('typo');
    const draft = (en: string, fr: string): StatementDraft => ({
      campaign,
      version: 1,
      date: '2021-10-27',
      vendors: [{ vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', summary: { en, fr } }],
      conclusions: { en: ['Done!'], fr: ['Fait !'] },
      lessonsLearned: { en: [], fr: [] },
      signatories: [],
    });
    const before = draft('Scope: see below.', 'Champ : voir « ci-dessous » ; pourquoi ?');
    const respaced = { ...draft('Scope: see below.', 'Champ: voir «ci-dessous» ; pourquoi?'), conclusions: { en: ['Done!'], fr: ['Fait!'] } };
    // The PDFs of both print the same French.
    const french = async (d: StatementDraft) => (await recordDrawnLines(() => renderStatementPdf(d, 'fr', false))).lines.map((l) => l.text).join(' ');
    expect(await french(respaced)).toBe(await french(before));
    // The comparison the workflow gives the approval request and the page (campaign-state.ts).
    const changes = statementChanges(before, respaced, { asPrinted: true });
    expect(changes).toEqual([]);
    const request = (language: 'en' | 'fr') =>
      composeMessage({
        threadId: 'campaign:typo',
        step: 'approval-request-v2-opc',
        kind: 'approval-request',
        language,
        to: [{ name: 'Daniel Therrien', email: 'opc@authority.test' }],
        campaign,
        details: { version: 2, sinceVersion: 1, changes },
      });
    expect((await request('en')).text).toContain('Only the version number and date changed since version 1, which you last saw.');
    expect((await request('fr')).text).toContain('Seuls le numéro de version et la date ont changé depuis la version 1, la dernière que vous avez reçue.');
    expect(changesView({ version: 2, sinceVersion: 1, changes }, 'fr', loadViews())?.items).toEqual([]);
    // The texts as typed still differ: the workflow's own decisions compare them so, as recorded histories did.
    expect(statementChanges(before, respaced).map((c) => c.section)).toEqual(['summary', 'conclusions']);
  });
});
