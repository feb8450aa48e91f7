// The campaign's joint statement as PDFs, one complete document per language with the same
// structure: background, each vendor's outcome (findings per principle, good practices,
// demonstrations; non-responders named with the reminders they were sent), conclusions, lessons
// learned and the signatories. Built on the PDF kit; file names derive from campaign folder and
// version, and a file already holding the same bytes is left alone, so a retried activity is harmless.
import { posix } from 'node:path';
import { rgb } from 'pdf-lib';
import {
  LANGUAGES,
  PRINCIPLES,
  PRINCIPLE_TITLES,
  type CampaignRef,
  type DemonstrationResult,
  type EngagementOutcome,
  type Language,
  type StatementDraft,
  type StatementVendorEntry,
  type Vendor,
} from '../workflows/types';
import { invalidMessage } from './errors';
import { StoreError, StoreErrorCode, type PublishedFiles } from '../store/types';
import { formatDate, joinNames } from './format';
import { renderOpenLetter, signatoriesInOrder } from './letter';
import { LayoutDocument } from './pdf/document';
import { STATEMENT_FINDINGS_FILE, statementFindingsBytes } from './statement-findings';

export interface StatementDeps {
  /** Published files (the output folder, or the shared store); every file is written there. */
  files: PublishedFiles;
}

export interface RenderStatementInput {
  statement: StatementDraft;
  /** Sub-folder of the output folder for this campaign (the campaign id unless the file says otherwise). */
  folder: string;
  /** A draft for the signatories' review: marked as such and kept apart from the published files. */
  draft: boolean;
}

/** Paths, relative to the output folder, of the statement in each language. */
export type StatementFiles = Record<Language, string>;

export function statementFileName(version: number, language: Language, draft: boolean): string {
  return draft ? posix.join('drafts', `statement-${version}-draft.${language}.pdf`) : `statement-${version}.${language}.pdf`;
}

const ACCENT = rgb(0.1, 0.2, 0.45);
const GREY = rgb(0.35, 0.35, 0.35);

const WORDS = {
  en: {
    title: 'Joint statement',
    draftBanner: (v: number) => `DRAFT version ${v} — for approval by the signatories, not for publication`,
    version: (v: number) => `Version ${v}`,
    reference: 'Reference',
    background: 'Background',
    backgroundText: (date: string, count: number, names: string, vendors: string) =>
      `On ${date}, ${count === 1 ? 'the signatory authority' : `the ${count} signatory authorities`} (${names}) sent an open letter to ${vendors}, setting out five principles for the protection of privacy in their services and inviting each company to explain how it applies them.`,
    principles: 'The five principles',
    summary: 'Summary',
    counts: { concluded: 'concluded', 'closed-no-response': 'did not respond', withdrawn: 'withdrawn', 'in-progress': 'still in progress', failed: 'without a recorded outcome' },
    companies: 'Outcomes by company',
    stage: {
      concluded: 'Engagement concluded',
      'closed-no-response': 'No response',
      withdrawn: 'Withdrawn',
      'in-progress': 'In progress',
      failed: 'No outcome recorded',
    },
    responded: (date: string) => `Response received on ${date}.`,
    goodPractices: 'Good practices:',
    noFindings: 'No findings were recorded for this principle.',
    demonstration: (date: string, result: string) => `Demonstration of ${date}: ${result}.`,
    demonstrationPending: 'result not recorded',
    results: { validated: 'measures validated', 'partly-validated': 'measures partly validated', 'not-validated': 'measures not validated' },
    followUps: (asked: number, answered: number) => `Follow-up questions: ${asked} asked, ${answered} answered.`,
    noResponse: (name: string) => `${name} did not respond to the open letter.`,
    remindersSent: 'Reminders sent:',
    reminder: (n: number, date: string) => `Reminder ${n}, ${date}`,
    finalNotice: (date: string) => `Final notice, ${date}`,
    noReminders: 'No reminder was sent.',
    closedOn: (date: string) => `The engagement was closed on ${date}.`,
    withdrawn: (reason: string) => `The signatories withdrew this engagement: ${reason}`,
    inProgress: 'The engagement was still in progress when this statement was drafted.',
    failed: 'The engagement ended without a recorded outcome.',
    conclusions: 'Conclusions',
    lessons: 'Lessons learned',
    none: 'To be completed by the lead authority.',
    signatories: 'Signatories',
    toBeSigned: 'To be signed, once approved, by:',
    lead: 'lead authority',
    findingsFile: 'The statement’s findings, machine-readable (JSON)',
  },
  fr: {
    title: 'Déclaration commune',
    draftBanner: (v: number) => `PROJET, version ${v} — soumis à l’approbation des signataires, ne pas publier`,
    version: (v: number) => `Version ${v}`,
    reference: 'Référence',
    background: 'Contexte',
    backgroundText: (date: string, count: number, names: string, vendors: string) =>
      `Le ${date}, ${count === 1 ? 'l’autorité signataire' : `les ${count} autorités signataires`} (${names}) ont adressé une lettre ouverte à ${vendors}, exposant cinq principes de protection de la vie privée dans leurs services et invitant chaque entreprise à expliquer comment elle les applique.`,
    principles: 'Les cinq principes',
    summary: 'Synthèse',
    counts: { concluded: 'dossiers conclus', 'closed-no-response': 'sans réponse', withdrawn: 'retirés', 'in-progress': 'en cours', failed: 'sans résultat consigné' },
    companies: 'Résultats par entreprise',
    stage: {
      concluded: 'Dossier conclu',
      'closed-no-response': 'Aucune réponse',
      withdrawn: 'Retiré',
      'in-progress': 'En cours',
      failed: 'Aucun résultat consigné',
    },
    responded: (date: string) => `Réponse reçue le ${date}.`,
    goodPractices: 'Bonnes pratiques\u202f:',
    noFindings: 'Aucune constatation n’a été consignée pour ce principe.',
    demonstration: (date: string, result: string) => `Démonstration du ${date} : ${result}.`,
    demonstrationPending: 'résultat non consigné',
    results: { validated: 'mesures validées', 'partly-validated': 'mesures partiellement validées', 'not-validated': 'mesures non validées' },
    followUps: (asked: number, answered: number) => `Questions de suivi : ${asked} posée${asked > 1 ? 's' : ''}, ${answered} répondue${answered > 1 ? 's' : ''}.`,
    noResponse: (name: string) => `${name} n’a pas répondu à la lettre ouverte.`,
    remindersSent: 'Rappels envoyés\u202f:',
    reminder: (n: number, date: string) => `Rappel ${n}, ${date}`,
    finalNotice: (date: string) => `Dernier avis, ${date}`,
    noReminders: 'Aucun rappel n’a été envoyé.',
    closedOn: (date: string) => `Le dossier a été clos le ${date}.`,
    withdrawn: (reason: string) => `Les signataires ont retiré ce dossier : ${reason}`,
    inProgress: 'Le dossier était encore en cours lors de la rédaction de la présente déclaration.',
    failed: 'Le dossier s’est terminé sans résultat consigné.',
    conclusions: 'Conclusions',
    lessons: 'Leçons apprises',
    none: 'À compléter par l’autorité responsable.',
    signatories: 'Signataires',
    toBeSigned: 'À signer, une fois approuvée, par :',
    lead: 'autorité responsable',
    findingsFile: 'Constatations de la déclaration, lisibles par machine (JSON)',
  },
} as const;

/** The statement in one language. Same input, same bytes. */
export async function renderStatementPdf(statement: StatementDraft, language: Language, draft: boolean): Promise<Uint8Array> {
  const w = WORDS[language];
  const { campaign } = statement;
  const lead = campaign.authorities.find((a) => a.lead) ?? campaign.authorities[0];
  // Dates repeat across vendors; Intl formatting is the costly part of a 1,000-vendor statement.
  const dates = new Map<string, string>();
  const date = (iso: string) => {
    let text = dates.get(iso);
    if (text === undefined) dates.set(iso, (text = formatDate(iso, language)));
    return text;
  };
  const doc = await LayoutDocument.create(
    {
      title: `${w.title} — ${campaign.title[language]}`,
      author: lead ? lead.name[language] : campaign.reference,
      subject: campaign.title[language],
      keywords: [campaign.reference, draft ? `draft-${statement.version}` : `version-${statement.version}`],
      language,
      date: statement.date,
    },
    { footerText: `${campaign.reference} · ${w.version(statement.version)}` },
  );

  if (draft) doc.paragraph(w.draftBanner(statement.version), { weight: 'bold', color: rgb(0.7, 0.1, 0.1) });
  doc.heading(w.title, 1);
  doc.paragraph(campaign.title[language], { size: doc.fontSize * 1.15, color: ACCENT });
  doc.paragraph(`${w.reference} ${campaign.reference} · ${date(statement.date)} · ${w.version(statement.version)}`, { color: GREY });
  doc.rule();

  doc.heading(w.background);
  const vendorNames = statement.vendors.map((v) => v.vendorName);
  doc.paragraph(
    w.backgroundText(
      date(campaign.letterDate),
      campaign.authorities.length,
      joinNames(signatoriesInOrder(campaign.authorities).map((a) => a.name[language]), language),
      vendorNames.length > 12 ? `${vendorNames.length} companies` : joinNames(vendorNames, language),
    ),
  );
  doc.heading(w.principles, 3);
  doc.bullets(PRINCIPLES.map((p) => PRINCIPLE_TITLES[p][language]));

  doc.heading(w.summary);
  const counts = new Map<StatementVendorEntry['stage'], number>();
  for (const v of statement.vendors) counts.set(v.stage, (counts.get(v.stage) ?? 0) + 1);
  doc.bullets([...counts].map(([stage, n]) => `${n} ${w.counts[stage]}`));

  doc.heading(w.companies);
  for (const entry of statement.vendors) renderVendor(doc, entry, language, date);

  doc.heading(w.conclusions);
  paragraphsOrPlaceholder(doc, statement.conclusions[language], w.none);
  doc.heading(w.lessons);
  paragraphsOrPlaceholder(doc, statement.lessonsLearned[language], w.none);

  doc.heading(w.signatories);
  const signatories = signatoriesInOrder(statement.signatories.length ? statement.signatories : campaign.authorities);
  if (draft || !statement.signatories.length) doc.paragraph(w.toBeSigned, { color: GREY });
  for (const authority of signatories) {
    doc.ensureSpace(doc.fontSize * 6);
    doc.space(doc.fontSize * 1.5);
    doc.rule(doc.fontSize * 0.6);
    doc.paragraph(authority.name[language], { weight: 'bold', spaceAfter: 0 });
    doc.paragraph(authority.lead ? `${authority.contact.name} · ${w.lead}` : authority.contact.name, { color: GREY });
  }
  doc.attach({
    fileName: STATEMENT_FINDINGS_FILE,
    bytes: statementFindingsBytes(statement),
    mimeType: 'application/json',
    description: w.findingsFile,
  });
  return doc.save();
}

function renderVendor(doc: LayoutDocument, entry: StatementVendorEntry, language: Language, date: (iso: string) => string): void {
  const w = WORDS[language];
  const outcome = entry.outcome;
  doc.heading(`${entry.vendorName} — ${w.stage[entry.stage]}`, 3);
  switch (entry.stage) {
    case 'concluded':
      renderConcluded(doc, outcome!, language, date);
      return;
    case 'closed-no-response': {
      doc.paragraph(w.noResponse(entry.vendorName));
      const reminders = outcome?.remindersSent.filter((r) => r.about === 'response') ?? [];
      if (reminders.length) {
        const sent = reminders.map((r) => (r.kind === 'final-notice' ? w.finalNotice(date(r.at)) : w.reminder(r.number, date(r.at))));
        doc.paragraph(`${w.remindersSent} ${sent.join(' · ')}.`);
      } else {
        doc.paragraph(w.noReminders);
      }
      if (outcome) doc.paragraph(w.closedOn(date(outcome.endedAt)), { color: GREY });
      return;
    }
    case 'withdrawn':
      doc.paragraph(w.withdrawn(outcome?.withdrawalReason ?? '—'));
      return;
    case 'in-progress':
      doc.paragraph(w.inProgress, { color: GREY });
      return;
    case 'failed':
      doc.paragraph(w.failed, { color: GREY });
      return;
  }
}

function renderConcluded(doc: LayoutDocument, outcome: EngagementOutcome, language: Language, date: (iso: string) => string): void {
  const w = WORDS[language];
  // Few, long blocks: every drawn line costs a text object, and a statement may cover 1,000 vendors.
  if (outcome.response) doc.paragraph(`${w.responded(date(outcome.response.receivedAt))} ${outcome.response.summary}`);
  for (const principle of PRINCIPLES) {
    const finding = outcome.findings?.[principle];
    doc.paragraph(PRINCIPLE_TITLES[principle][language], { weight: 'bold', color: ACCENT, spaceAfter: 1 });
    doc.paragraph(finding?.assessment || w.noFindings, { indent: 10, spaceAfter: finding?.goodPractices.length ? 1 : undefined });
    if (finding?.goodPractices.length) doc.paragraph(`${w.goodPractices} ${finding.goodPractices.join(' · ')}`, { indent: 10, color: GREY });
  }
  const questions = outcome.questions ?? [];
  if (questions.length) doc.paragraph(w.followUps(questions.length, questions.filter((q) => q.answer !== undefined).length));
  for (const d of outcome.demonstrations) {
    const line = w.demonstration(date(d.at), d.result ? w.results[d.result as DemonstrationResult] : w.demonstrationPending);
    doc.paragraph(d.notes ? `${line} ${d.notes}` : line);
  }
}

function paragraphsOrPlaceholder(doc: LayoutDocument, paragraphs: string[], placeholder: string): void {
  if (!paragraphs.length) doc.paragraph(placeholder, { color: GREY });
  for (const p of paragraphs) doc.paragraph(p);
}

/** `folder/name` as a published file's path; refused if it would leave the output folder. */
function publishedPath(folder: string, ...names: string[]): string {
  const path = posix.normalize(posix.join(folder, ...names));
  if (path.startsWith('../') || posix.isAbsolute(path)) {
    throw invalidMessage(`"${folder}" is outside the output folder; use a plain folder name.`);
  }
  return path;
}

export function createStatementActivities({ files }: StatementDeps) {
  const publish = async (path: string, bytes: Uint8Array) => {
    try {
      await files.write(path, bytes);
    } catch (err) {
      if (err instanceof StoreError && err.code === StoreErrorCode.InvalidPath) throw invalidMessage(err.message);
      throw err;
    }
  };
  return {
    /** Renders the statement (or a draft) in every language; returns paths relative to the output folder. */
    async renderStatement({ statement, folder, draft }: RenderStatementInput): Promise<StatementFiles> {
      const written = {} as StatementFiles;
      for (const language of LANGUAGES) {
        const path = publishedPath(folder, statementFileName(statement.version, language, draft));
        await publish(path, await renderStatementPdf(statement, language, draft));
        written[language] = path;
      }
      return written;
    },

    /** Keeps a copy of the open letter a vendor received, in its language, beside the statement. */
    async saveLetterCopy({ campaign, vendor, folder }: { campaign: CampaignRef; vendor: Vendor; folder: string }): Promise<string> {
      const path = publishedPath(folder, 'letters', `${vendor.id}.pdf`);
      await publish(path, await renderOpenLetter({ campaign, vendor, language: vendor.language }));
      return path;
    },
  };
}
