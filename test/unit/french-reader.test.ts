// What a French reader at a company or an authority receives, read as a regulator's editor reads it:
// dates that never break across a line, a sentence in the singular for one answer, the same word for
// the same thing in every message, no calque of English, and one typographic convention for the
// no-break spaces before « : ; ! ? » and inside guillemets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { composeMessage } from '../../activities/compose';
import { statementWording, TEMPLATES_DIR } from '../../activities/templates';
import { auditCsv, auditPdf } from '../../client/audit-report';
import type { AuditTrail } from '../../client/audit';
import { loadCampaignFile } from '../../client/campaign-file';
import type { MessageDetails, MessageKind, OutgoingMessage } from '../../workflows/types';
import { frenchTypographyFaults } from '../../workflows/french-spacing';
import { pdfPageTexts } from '../helpers/pdf';

const NBSP = '\u00a0';

const input = loadCampaignFile(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'));
const zoom = input.vendors.find((v) => v.id === 'zoom')!;

function toZoom(kind: MessageKind, details: MessageDetails = {}): OutgoingMessage {
  return {
    threadId: `engagement:${input.campaign.id}:zoom`,
    step: kind,
    kind,
    language: 'fr',
    to: zoom.contacts,
    campaign: input.campaign,
    vendor: { ...zoom, language: 'fr' },
    details: { dueDate: '2020-08-20', timeZone: 'America/Toronto', ...details },
  };
}

const compose = async (m: OutgoingMessage) => {
  const c = await composeMessage(m);
  return { subject: String(c.subject), text: String(c.text), html: String(c.html) };
};

const demonstration = {
  id: 'd1',
  at: '2020-10-01T13:30:00Z',
  durationMinutes: 60,
  topics: ['Chiffrement de bout en bout'],
  attendees: [{ name: 'Jeanne Roy', email: 'jeanne.roy@zoom.test' }],
  meetingUrl: 'https://meet.example/opc',
};

describe('dates and times in French messages', () => {
  it('keeps the day, month and year of a demonstration’s date and time together, as a date alone is', async () => {
    const invitation = await compose(toZoom('demonstration-invitation', { demonstration }));
    expect(invitation.subject).toContain(`jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30`);
    expect(invitation.text).toContain(`jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30 (60 minutes, heure de l’Est)`);
    const cancellation = await compose(toZoom('demonstration-cancellation', { demonstration }));
    expect(cancellation.subject).toMatch(/démonstration du jeudi 1er\u00a0octobre\u00a02020 à 9\u00a0h\u00a030$/);
  });
});

describe('acknowledgements', () => {
  it('thanks for one answer in the singular, and for several in the plural', async () => {
    const one = await compose(toZoom('answers-acknowledgement', { receivedAt: '2020-09-01T15:00:00Z', answered: [{ id: 'q1', text: 'Où ?' }] }));
    expect(one.text).toContain(`Nous vous remercions de la réponse de Zoom, reçue le 1er${NBSP}septembre${NBSP}2020, à la question complémentaire suivante${NBSP}:`);
    expect(one.html).toContain(`Nous vous remercions de la réponse de <strong>Zoom</strong>, reçue le 1er${NBSP}septembre${NBSP}2020, à la question complémentaire suivante${NBSP}:`);
    expect(one.subject).toBe('[OPC-2020-VC] Nous avons bien reçu votre réponse à la question complémentaire q1');
    const two = await compose(toZoom('answers-acknowledgement', { receivedAt: '2020-09-01T15:00:00Z', answered: [{ id: 'q1', text: 'Où ?' }, { id: 'q2', text: 'Qui ?' }] }));
    expect(two.subject).toBe('[OPC-2020-VC] Nous avons bien reçu vos réponses à nos questions complémentaires');
    expect(two.text).toContain(`Nous vous remercions des réponses de Zoom, reçues le 1er${NBSP}septembre${NBSP}2020, aux questions complémentaires suivantes${NBSP}:`);
  });

  it('puts no comma between the company and its answer when the date received is not given', async () => {
    const answers = await compose(toZoom('answers-acknowledgement', { answered: [{ id: 'q1', text: 'Où ?' }, { id: 'q2', text: 'Qui ?' }] }));
    expect(answers.text).toContain(`Nous vous remercions des réponses de Zoom aux questions complémentaires suivantes${NBSP}:`);
    const response = await compose(toZoom('acknowledgement'));
    expect(response.text).toContain(`Nous vous remercions de la réponse de Zoom à notre lettre ouverte du 21${NBSP}juillet${NBSP}2020.`);
  });

  it('says the authorities may write again, not the calque “revenir vers vous” (come back to you)', async () => {
    const response = await compose(toZoom('acknowledgement', { receivedAt: '2020-09-01T15:00:00Z' }));
    expect(response.text).toContain('Les autorités signataires l’examineront et pourraient vous adresser des questions.');
    const answers = await compose(toZoom('answers-acknowledgement', { answered: [{ id: 'q1', text: 'Où ?' }] }));
    expect(answers.text).toContain('Les autorités signataires examineront vos réponses et pourraient communiquer de nouveau avec vous.');
    for (const m of [response, answers]) expect(`${m.text}\n${m.html}`).not.toMatch(/revenir vers/);
  });
});

describe('demonstrations', () => {
  it('labels the meeting’s date as a French form does, not with the calque “Quand :” (When:)', async () => {
    const invitation = await compose(toZoom('demonstration-invitation', { demonstration }));
    expect(invitation.text).toContain(`Date et heure${NBSP}: jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30`);
    expect(invitation.html).toContain(`<strong>Date et heure${NBSP}:</strong> jeudi`);
    expect(`${invitation.text}\n${invitation.html}`).not.toMatch(/Quand\s*:|Quand\u00a0:|Quand<|invitation de calendrier/);
    expect(invitation.text).toContain('L’invitation ci-jointe ajoute la réunion à votre agenda.');
  });

  it('calls what the authorities ended with a company its review (examen), as the closure notice and the statement do', async () => {
    const cancellation = await compose(toZoom('demonstration-cancellation', { demonstration }));
    expect(cancellation.text).toContain('est annulée\u00a0: les autorités signataires ont mis fin à leur examen de Zoom.');
    expect(cancellation.text).toContain('La mise à jour ci-jointe retire la réunion de votre agenda.');
    expect(`${cancellation.text}\n${cancellation.html}`).not.toMatch(/échanges|mise à jour de calendrier/);
    const closure = await compose(toZoom('closure-notice', { closedAt: '2020-09-10T16:00:00Z' }));
    expect(closure.text).toContain('Nous avons clos notre examen de Zoom');
  });
});

describe('the statement', () => {
  const w = statementWording('fr');

  it('names a company’s outcome, before and after, by what happened, not by a bare adjective (“après : évaluée”)', async () => {
    const opc = input.campaign.authorities.find((a) => a.id === 'opc')!;
    const request = await compose({
      threadId: `campaign:${input.campaign.id}`,
      step: 'approval-request-3',
      kind: 'approval-request',
      language: 'fr',
      to: [opc.contact],
      campaign: input.campaign,
      details: {
        version: 3,
        sinceVersion: 2,
        changes: [
          { section: 'outcome', vendorName: 'Zoom', stageBefore: 'in-progress', stageAfter: 'concluded' },
          { section: 'outcome', vendorName: 'Houseparty', stageBefore: 'closed-no-response', stageAfter: 'excluded' },
        ],
      },
    });
    expect(request.text).toContain(`Zoom${NBSP}: résultat\n  avant${NBSP}: examen en cours\n  après${NBSP}: réponse évaluée`);
    expect(request.text).toContain(`Houseparty${NBSP}: résultat\n  avant${NBSP}: sans réponse\n  après${NBSP}: non visée par la déclaration`);
  });

  const background = (companies: 'one' | 'other', vendors: string) =>
    w.count('backgroundText', 6, { date: `21${NBSP}juillet${NBSP}2020`, vendors, invitation: w.say(`backgroundInvitation.${companies}`) });

  it('keeps a count of companies with its noun, so that “1 234” never ends a line before “entreprises”', () => {
    expect(w.say('manyCompanies', { count: w.number(1234) })).toBe(`1\u202f234${NBSP}entreprises`);
  });

  it('says the five principles are for the companies’ services, and which one is invited to explain', () => {
    expect(background('other', 'Zoom et Cisco')).toBe(
      `Le 21${NBSP}juillet${NBSP}2020, les six autorités nommées ci-dessous ont adressé une lettre ouverte à Zoom et Cisco, exposant cinq principes de protection de la vie privée à respecter dans leurs services et invitant chaque entreprise à expliquer comment elle les applique.`,
    );
    // "l’invitant … comment elle" after "l’autorité" let the authority be the one that applies them.
    expect(w.count('backgroundText', 1, { date: `21${NBSP}juillet${NBSP}2020`, vendors: 'Zoom', invitation: w.say('backgroundInvitation.one') })).toBe(
      `Le 21${NBSP}juillet${NBSP}2020, l’autorité nommée ci-dessous a adressé une lettre ouverte à Zoom, exposant cinq principes de protection de la vie privée à respecter dans ses services et invitant l’entreprise à expliquer comment elle les applique.`,
    );
  });
});

describe('the audit export', () => {
  const trail = (unreadable: number): AuditTrail => ({
    scope: { campaignId: 'typo', vendorId: 'zoom' },
    workflowIds: ['engagement:typo:zoom'],
    unreadable,
    events: [{ at: '2026-11-29T06:14:05.123Z', workflowId: 'engagement:typo:zoom', kind: 'case-opened', actor: 'Dossier', action: 'engagement' }],
  });
  const textOf = async (unreadable: number) =>
    (await pdfPageTexts(await auditPdf(trail(unreadable), { language: 'fr', exportedAt: '2026-11-29T06:14:05.123Z' }))).join(' ').replace(/\s+/g, ' ');

  it('counts events destroyed by crypto-shredding in the singular or the plural, not “événement(s) illisible(s)”', async () => {
    const one = await textOf(1);
    expect(one).toContain('1 événement illisible : la clé de données de la campagne a été détruite (effacement cryptographique). Son heure, son type et l’auteur enregistré demeurent ; son contenu ne peut plus être lu par personne.');
    const three = await textOf(3);
    expect(three).toContain('3 événements illisibles : la clé de données de la campagne a été détruite');
    expect(three).toContain('Leur heure, leur type et l’auteur enregistré demeurent ; leur contenu ne peut plus être lu par personne.');
    for (const text of [one, three]) expect(text).not.toContain('(s)');
  });

  it('calls an engagement a dossier, as the export’s own title and the workspace do, not “échanges”', async () => {
    const withdrawn: AuditTrail = {
      ...trail(0),
      events: [
        { at: '2026-11-29T06:14:05.123Z', workflowId: 'engagement:typo:zoom', kind: 'case-opened', actor: 'Dossier', action: 'engagement' },
        { at: '2026-11-29T07:14:05.123Z', workflowId: 'engagement:typo:zoom', kind: 'officer-action', actor: 'Officer Tremblay', action: 'withdraw' },
      ],
    };
    const csv = auditCsv(withdrawn, { language: 'fr' }).toString('utf8');
    expect(csv).toContain('dossier d’une entreprise');
    expect(csv).toContain('dossier retiré');
    expect(csv).not.toMatch(/échanges avec|retirée du dossier/);
  });
});

describe('the officer notice', () => {
  const toOffice = (details: MessageDetails): OutgoingMessage => ({
    threadId: `engagement:${input.campaign.id}:zoom`,
    step: 'officer-notice-1',
    kind: 'officer-notice',
    language: 'fr',
    to: [{ name: 'Bureau du dossier', email: 'office@opc.test' }],
    campaign: input.campaign,
    vendor: { ...zoom, language: 'fr' },
    details: { timeZone: 'America/Toronto', ...details },
  });
  const read = async (details: MessageDetails) => {
    const m = await compose(toOffice(details));
    return { subject: m.subject, text: m.text.replace(/[ \t\r\n]+/g, ' '), html: m.html };
  };

  it('names the campaign and the company’s case (dossier) as the workspace does, not “Dossier OPC…, échanges avec”', async () => {
    const closed = await read({ notice: { code: 'closed-no-response', dueDate: '2020-08-20T03:59:59.999Z', remindersBefore: 2 } });
    expect(closed.subject).toBe('[OPC-2020-VC] Avis sur le dossier de Zoom');
    expect(closed.text).toContain(`Campagne OPC-2020-VC, dossier de Zoom${NBSP}:`);
    expect(closed.html).toContain(`Campagne OPC-2020-VC, dossier de <strong>Zoom</strong>${NBSP}:`);
    expect(closed.text).toContain('les rappels et le dernier avis sont restés sans réponse. Le dossier est clos.');
    const undeliverable = await read({ note: 'x', letterUndeliverable: true });
    expect(undeliverable.text).toMatch(/la réponse étant due à compter de ce jour\u202f; ou retirez le dossier\./);
    for (const m of [closed, undeliverable]) expect(`${m.text} ${m.html}`).not.toMatch(/échanges|retirez l’entreprise du dossier/);
  });

  it('says how to correct a refused address with the command as typed (npx dossier), and links the case in the workspace when it has its address', async () => {
    for (const language of ['fr', 'en'] as const) {
      const message = { ...toOffice({ note: 'x', letterUndeliverable: true }), language };
      const url = `https://dossier.test/campaigns/${input.campaign.id}/engagements/zoom`;
      const linked = await composeMessage(message, { workspaceUrl: 'https://dossier.test' });
      const text = String(linked.text).replace(/[ \t\r\n]+/g, ' ');
      expect(text).toContain(`(npx dossier engagement correct-contact engagement:${input.campaign.id}:zoom --email`);
      expect(text).toContain(language === 'fr' ? `, ou sur la page du dossier dans l’espace de travail${NBSP}: ${url})` : `, or on the case’s page in the workspace: ${url})`);
      expect(String(linked.html)).toContain(`<code>npx dossier engagement correct-contact`);
      expect(String(linked.html)).toContain(`<a href="${url}">`);
      const unlinked = await compose(message);
      expect(unlinked.text).not.toContain('https://');
      expect(unlinked.text.replace(/[ \t\r\n]+/g, ' ')).toContain('(npx dossier engagement correct-contact');
    }
  });

  it('leaves no English word in a delayed delivery: the worker is the “service de traitement”', async () => {
    const delayed = await read({ notice: { code: 'delivery-delayed', step: 'reminder-1', kind: 'reminder', after: '4 hours' } });
    expect(delayed.text).toContain('le motif figure dans le journal du service de traitement et dans l’interface Web de Temporal');
    expect(`${delayed.text} ${delayed.html}`).not.toMatch(/worker/);
  });
});

/**
 * The French correspondence outside the web pages, the CLI and the letter (each has its own keeper):
 * the emails, the statement, the audit export and words.yaml.
 */
const CORRESPONDENCE = [
  ...readdirSync(join(TEMPLATES_DIR, 'email'))
    .filter((f) => f.endsWith('.yaml') && !['officer-digest.yaml', 'open-letter.yaml'].includes(f))
    .map((f) => join('email', f)),
  'statement.yaml',
  'audit.yaml',
  'words.yaml',
];

function* frenchStrings(node: unknown, path: string): Generator<[string, string]> {
  if (typeof node === 'string') yield [path, node];
  else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) yield* frenchStrings(child, `${path}.${key}`);
}

/**
 * What a reader sees of a template: without its HTML tags and entities (a style's "a: b;" is no
 * punctuation of the text) and without its {{…}} expressions, which leave what surrounds them.
 */
const readerText = (template: string) => template.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;|&#x?[0-9a-f]+;/gi, ' ').replace(/\{\{[^}]*\}\}/g, '');

/**
 * The convention, as the Imprimerie nationale and the OQLF set it: a no-break space (U+00A0) before
 * the colon; a narrow no-break space (U+202F) before « ; ! ? » and inside guillemets; never none.
 * Checked by the rule's own module (workflows/french-spacing.ts), which spaces the authorities' typed text by it.
 */
function typographyFaults(text: string): string[] {
  return frenchTypographyFaults(text).map(({ what, at }) => `${what}: ${JSON.stringify(at)}`);
}

/** The CLI's and the workspace's sentences, which also hold code (`lead: true`, `engagement:<campagne>:…`). */
const SENTENCES = ['cli.yaml', join('web', 'strings.yaml')];

describe('French typography of the correspondence', () => {
  it.each(CORRESPONDENCE)('spaces « : ; ! ? » and guillemets by one convention in the French part of templates/%s', (file) => {
    const templates = parseYaml(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as { fr?: unknown };
    expect(templates.fr, `${file} has a fr section`).toBeDefined();
    const faults = [...frenchStrings(templates.fr, 'fr')].flatMap(([path, text]) => typographyFaults(readerText(text)).map((f) => `${path}: ${f}`));
    expect(faults).toEqual([]);
  });

  // Their colons already took U+00A0, but « ; ? » and guillemets took U+00A0 where the correspondence takes U+202F.
  it.each(SENTENCES)('spaces « : ; ! ? » and guillemets by the correspondence’s convention in the French part of templates/%s', (file) => {
    const templates = parseYaml(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as { fr?: unknown };
    expect(templates.fr, `${file} has a fr section`).toBeDefined();
    // Only a space of the wrong kind: a colon with none before it is code there (`lead: true`), never prose.
    const faults = [...frenchStrings(templates.fr, 'fr')].flatMap(([path, text]) =>
      // A placeholder (`<campagne>`) is a word there, not a tag.
      frenchTypographyFaults(readerText(text.replace(/<[\p{L}-]+>/gu, 'x')))
        .filter(({ what }) => !what.includes('no space'))
        .map(({ what, at }) => `${path}: ${what}: ${JSON.stringify(at)}`),
    );
    expect(faults).toEqual([]);
  });

  it('finds each fault it is meant to find', () => {
    expect(typographyFaults('Lieu\u202f: ici')).toHaveLength(1);
    expect(typographyFaults('un\u00a0; deux')).toHaveLength(1);
    expect(typographyFaults('vraiment! Oui?')).toHaveLength(2);
    expect(typographyFaults('«\u00a0mot\u00a0»')).toHaveLength(2);
    expect(typographyFaults('Date\u00a0: le 3 ; «\u202fmot\u202f»\u202f! https://x')).toHaveLength(1);
    expect(readerText('<p style="a: b;">Lieu\u00a0: {{x}}</p>')).not.toMatch(/b;/);
  });
});

describe('working days', () => {
  // « jours ouvrables » include Saturdays in France (not in Quebec); Dossier counts and reads « jours
  // ouvrés » (workflows/time.ts), Monday to Friday: a sentence that says the other tells a French
  // officer a count Dossier does not make, and a word its parser refuses.
  it.each(['cli.yaml', join('web', 'strings.yaml'), ...CORRESPONDENCE])('calls them « jours ouvrés », as Dossier reads and counts them, in the French part of templates/%s', (file) => {
    const templates = parseYaml(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as { fr?: unknown };
    const said = [...frenchStrings(templates.fr, 'fr')].filter(([, text]) => /ouvrables?/i.test(text)).map(([path]) => path);
    expect(said).toEqual([]);
  });
});
