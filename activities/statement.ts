// The campaign's joint statement as PDFs, one complete document per language with the same
// structure: background, each vendor's outcome (the authorities' public summary, findings per
// principle, good practices, demonstration observations; non-responders named with the reminders
// they were sent), conclusions, lessons learned and the signatories. Only public text is printed:
// the draft carries no submission, and the wording is templates/statement.yaml's. Built on the PDF kit; file names derive from campaign folder and
// version, and a file already holding the same bytes is left alone, so a retried activity is harmless.
import { posix } from 'node:path';
import { rgb } from 'pdf-lib';
import {
  LANGUAGES,
  PRINCIPLES,
  type Authority,
  type CampaignRef,
  type EngagementOutcome,
  type Findings,
  type Language,
  type PublicText,
  type StatementDraft,
  type StatementVendorEntry,
  type StoredLetter,
  type Vendor,
} from '../workflows/types';
import { invalidMessage } from './errors';
import { letterCopyFileName, publishedPath } from './published-paths';
import { StoreError, StoreErrorCode, type PublishedFiles } from '../store/types';
import { campaignTimeZone, formatDate, joinNames, ordinal, principleTitle } from './format';
import { keepTogetherLimit, renderOpenLetter, signatoriesInOrder } from './letter';
import { LayoutDocument } from './pdf/document';
import { STATEMENT_FINDINGS_FILE, statementFindingsBytes } from './statement-findings';
import { statementWording, type StatementWording } from './templates';
import { typeset } from '../workflows/french-spacing';
import { letterOf, statementEntry } from '../workflows/statement-text';
import { storeLetter, withLetterBody } from './stored-letter';

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

/**
 * A line of the summary's counts: a stage, the companies whose reply in time was recorded after their
 * case closed, or those that responded before the lead closed their review.
 */
type SummaryLine = StatementVendorEntry['stage'] | 'replied-in-time' | 'closed-by-lead-responded';

/**
 * The summary's counts in one order, the same in every statement: those that responded first (those
 * whose reply in time was recorded late next), those that did not, then the reviews that ended
 * otherwise; not the order in which the companies come.
 */
const SUMMARY_ORDER: Record<SummaryLine, number> = {
  concluded: 0,
  'replied-in-time': 1,
  'closed-no-response': 2,
  withdrawn: 3,
  'closed-by-lead-responded': 4,
  'closed-by-lead': 5,
  excluded: 6,
  'in-progress': 7,
  failed: 8,
};

function summaryLine(entry: StatementVendorEntry): SummaryLine {
  if (entry.stage === 'closed-by-lead' && entry.respondedAt) return 'closed-by-lead-responded';
  return entry.stage === 'closed-no-response' && entry.repliedInTimeAt ? 'replied-in-time' : entry.stage;
}

const ACCENT = rgb(0.1, 0.2, 0.45);
const GREY = rgb(0.35, 0.35, 0.35);

/**
 * Drafts scheduled by older campaign code carry each engagement's whole outcome (response included);
 * such a task may still be retried on this worker. Keep only the public part, as the campaign now does.
 */
function publicEntries(statement: StatementDraft): StatementVendorEntry[] {
  return statement.vendors.map((entry) => {
    const legacy = entry as StatementVendorEntry & { outcome?: EngagementOutcome };
    if (!legacy.outcome) return entry;
    const state = entry.stage === 'in-progress' ? 'in-progress' : entry.stage === 'failed' ? 'failed' : 'ended';
    return statementEntry({ vendorId: entry.vendorId, vendorName: entry.vendorName, workflowId: '', state, addedLate: false }, legacy.outcome, undefined);
  });
}

/** The statement in one language. Same input, same bytes. Every sentence comes from templates/statement.yaml. */
export async function renderStatementPdf(input: StatementDraft, language: Language, draft: boolean): Promise<Uint8Array> {
  const statement = { ...input, vendors: publicEntries(input) };
  const w = statementWording(language);
  const { campaign, version } = statement;
  // On the lead authority's calendar, as the letters and reminders gave them: a response received
  // late in the evening in Toronto is dated that day, not the next (UTC) one.
  const timeZone = campaignTimeZone(campaign);
  // Dates repeat across vendors; Intl formatting is the costly part of a 1,000-vendor statement.
  const dates = new Map<string, string>();
  const date = (iso: string) => {
    let text = dates.get(iso);
    if (text === undefined) dates.set(iso, (text = formatDate(iso, language, timeZone)));
    return text;
  };
  const doc = await LayoutDocument.create(
    {
      title: `${draft ? w.say('titleDraft', { version }) : w.say('title')} — ${campaign.title[language]}`,
      // A joint statement's authors are the authorities that sign it (all of them, on a draft), as the letter's are.
      author: signingAuthorities(statement).length ? signingAuthorities(statement).map((a) => a.name[language]) : campaign.reference,
      subject: campaign.title[language],
      keywords: [campaign.reference, w.say(draft ? 'keywordDraft' : 'keywordVersion', { version })],
      language,
      date: statement.date,
      timeZone,
    },
    { footerText: w.say(draft ? 'footerDraft' : 'footer', { reference: campaign.reference, version }) },
  );

  if (draft) doc.paragraph(w.say('draftBanner', { version }), { weight: 'bold', color: rgb(0.7, 0.1, 0.1) });
  doc.heading(w.say('title'), 1);
  doc.paragraph(campaign.title[language], { size: doc.fontSize * 1.15, color: ACCENT });
  doc.paragraph(w.say(draft ? 'bylineDraft' : 'byline', { reference: campaign.reference, date: date(statement.date), version }), { color: GREY });
  doc.rule();

  doc.heading(w.say('background'));
  // Only the companies the letter reached were sent it; the others are named apart, as not.
  const namesOf = (entries: StatementVendorEntry[]) => entries.map((v) => v.vendorName);
  const vendorNames = namesOf(statement.vendors.filter((v) => letterOf(v) === 'sent'));
  const notSent = namesOf(statement.vendors.filter((v) => letterOf(v) === 'not-sent'));
  const notReached = namesOf(statement.vendors.filter((v) => letterOf(v) === 'not-reached'));
  const companies = (names: string[]) => (names.length > 12 ? w.say('manyCompanies', { count: w.number(names.length) }) : joinNames(names, language));
  const authorities = signatoriesInOrder(campaign.authorities);
  const background = [
    vendorNames.length
      ? w.count('backgroundText', authorities.length, {
          date: date(campaign.letterDate),
          vendors: companies(vendorNames),
          // The sentence counts the authorities; its end follows the companies (one: "in its services").
          invitation: w.say(`backgroundInvitation.${vendorNames.length === 1 ? 'one' : 'other'}`),
        })
      : w.count('backgroundTextUnsent', authorities.length, { date: date(campaign.letterDate) }),
    ...(notSent.length ? [w.count('notSent', notSent.length, { vendors: companies(notSent) })] : []),
    ...(notReached.length ? [w.count('notReached', notReached.length, { vendors: companies(notReached) })] : []),
  ];
  doc.paragraph(background.join(' '));
  // One authority per line: their names hold commas ("…Personal Data, Hong Kong"), so a list in a
  // sentence would not say where one name ends and the next begins.
  doc.bullets(authorities.map((a) => a.name[language]));
  doc.heading(w.say('principles'), 3);
  doc.bullets(PRINCIPLES.map((p) => principleTitle(p, language)));

  doc.heading(w.say('summary'));
  // A company whose reply came in time, though recorded after its case closed, is counted apart: it
  // did respond, whatever the case's stage says.
  const counts = new Map<SummaryLine, number>();
  for (const v of statement.vendors) counts.set(summaryLine(v), (counts.get(summaryLine(v)) ?? 0) + 1);
  // A company that replied after its case closed did not respond in time, and the count says no more than that.
  const repliedLate = statement.vendors.some((v) => v.stage === 'closed-no-response' && v.repliedLateAt);
  const countKey = (line: SummaryLine) => (line === 'closed-no-response' && repliedLate ? 'closed-no-response-in-time' : line);
  doc.bullets([...counts].sort(([a], [b]) => SUMMARY_ORDER[a] - SUMMARY_ORDER[b]).map(([line, n]) => w.count(`counts.${countKey(line)}`, n)));

  doc.heading(w.say('companies'));
  for (const entry of statement.vendors) renderVendor(doc, entry, w, date);

  doc.heading(w.say('conclusions'));
  paragraphsOrPlaceholder(doc, statement.conclusions[language].map((p) => typeset(p, language)), w.say('none'));
  doc.heading(w.say('lessons'));
  paragraphsOrPlaceholder(doc, statement.lessonsLearned[language].map((p) => typeset(p, language)), w.say('none'));

  renderSignatures(doc, statement, w, draft);
  doc.attach({
    fileName: STATEMENT_FINDINGS_FILE,
    bytes: statementFindingsBytes(statement),
    mimeType: 'application/json',
    description: w.say('findingsFile'),
  });
  return doc.save();
}

/**
 * The signature block stays on one page when it fits on one: split across pages (three names here,
 * three on an almost empty last page) it reads as two documents.
 */
/** Who signs the statement, lead first: its signatories once approved, else every authority. */
function signingAuthorities(statement: StatementDraft): Authority[] {
  return signatoriesInOrder(statement.signatories.length ? statement.signatories : statement.campaign.authorities);
}

function renderSignatures(doc: LayoutDocument, statement: StatementDraft, w: StatementWording, draft: boolean): void {
  const signatories = signingAuthorities(statement);
  const perSignatory = doc.fontSize * 6;
  const block = doc.fontSize * 5 + signatories.length * perSignatory;
  if (block < keepTogetherLimit(doc)) doc.ensureSpace(block);
  doc.heading(w.say('signatories'));
  if (draft || !statement.signatories.length) doc.paragraph(w.say('toBeSigned'), { color: GREY });
  for (const authority of signatories) {
    doc.ensureSpace(perSignatory);
    doc.space(doc.fontSize * 1.5);
    doc.rule(doc.fontSize * 0.6);
    doc.paragraph(authority.name[w.language], { weight: 'bold', spaceAfter: 0 });
    doc.paragraph(authority.lead ? `${authority.contact.name} · ${w.say('lead')}` : authority.contact.name, { color: GREY });
  }
}

function text(value: PublicText | undefined, language: Language): string | undefined {
  const typed = value?.[language]?.trim();
  return typed ? typeset(typed, language) : undefined;
}

function renderVendor(doc: LayoutDocument, entry: StatementVendorEntry, w: StatementWording, date: (iso: string) => string): void {
  const language = w.language;
  const vendor = entry.vendorName;
  doc.heading(vendor, 3);
  const reason = text(entry.reason, language);
  // "…for the following reason:" stays on the page of the reason it announces.
  const outcome =
    entry.stage === 'closed-no-response' && entry.repliedInTimeAt
      ? w.say('repliedInTime', { vendor, date: date(entry.repliedInTimeAt) })
      : entry.stage === 'closed-no-response' && entry.repliedLateAt
        ? w.say('repliedLate', { vendor, date: date(entry.repliedLateAt) })
        : entry.stage === 'closed-by-lead' && entry.respondedAt
          ? w.say('respondedBeforeClosing', { vendor, date: date(entry.respondedAt) })
          : w.say(`stage.${entry.stage}`, { vendor, date: entry.respondedAt ? date(entry.respondedAt) : undefined });
  doc.paragraph(outcome, { keepWithNext: reason ? 2 : undefined });
  if (reason) doc.paragraph(reason, { indent: 10 });
  const summary = text(entry.summary, language);
  if (summary) doc.paragraph(summary);
  if (entry.stage === 'closed-no-response') {
    const reminders = entry.remindersSent ?? [];
    // Two reminders read "a first reminder on …, a second reminder on …", not the same words twice.
    const numbered = reminders.filter((r) => r.kind !== 'final-notice').length > 1;
    let n = 0;
    const sent = reminders.map((r) => {
      if (r.kind === 'final-notice') return w.say('finalNotice', { date: date(r.at) });
      n += 1;
      return numbered ? w.say('nthReminder', { ordinal: ordinal(n, language), date: date(r.at) }) : w.say('reminder', { date: date(r.at) });
    });
    doc.paragraph(sent.length ? w.say('reminders', { vendor, list: joinNames(sent, language) }) : w.say('noReminders'));
    if (entry.endedAt) doc.paragraph(w.say('closedOn', { date: date(entry.endedAt) }), { color: GREY });
  }
  if (entry.findings) renderFindings(doc, entry.findings, w);
  const asked = entry.questionsAsked ?? 0;
  if (asked) {
    const answered = entry.questionsAnswered ?? 0;
    const key = answered === asked ? 'followUpsAllAnswered' : answered === 0 ? 'followUpsUnanswered' : 'followUpsPartlyAnswered';
    doc.paragraph(w.count(key, asked, { vendor, answered: key === 'followUpsPartlyAnswered' ? w.count('answeredOf', answered) : undefined }));
  }
  for (const d of entry.demonstrations ?? []) {
    const observation = text(d.observation, language);
    // The sentence naming the demonstration introduces its observation: it stays on the observation's page.
    doc.paragraph(w.say('demonstration', { vendor, date: date(d.at), result: w.say(`results.${d.result ?? 'pending'}`) }), {
      keepWithNext: observation ? 2 : undefined,
    });
    if (observation) doc.paragraph(observation, { indent: 10 });
  }
}

function renderFindings(doc: LayoutDocument, findings: Findings, w: StatementWording): void {
  const language = w.language;
  // Few, long blocks: every drawn line costs a text object, and a statement may cover 1,000 vendors.
  for (const principle of PRINCIPLES) {
    const finding = findings[principle];
    const practices = (finding?.goodPractices ?? []).map((g) => text(g, language)).filter((g): g is string => g !== undefined);
    doc.paragraph(principleTitle(principle, language), { weight: 'bold', color: ACCENT, spaceAfter: 1, keepWithNext: 2 });
    doc.paragraph(text(finding?.assessment, language) ?? w.say('noFindings'), { indent: 10, spaceAfter: practices.length ? 1 : undefined });
    if (practices.length) doc.paragraph(`${w.say('goodPractices')} ${practices.join(' · ')}`, { indent: 10, color: GREY });
  }
}

function paragraphsOrPlaceholder(doc: LayoutDocument, paragraphs: string[], placeholder: string): void {
  if (!paragraphs.length) doc.paragraph(placeholder, { color: GREY });
  for (const p of paragraphs) doc.paragraph(p);
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
      const path = publishedPath(folder, letterCopyFileName(vendor));
      await publish(path, await renderOpenLetter({ campaign: await withLetterBody(campaign, files), vendor, language: vendor.language }));
      return path;
    },

    /**
     * Takes back the copy of a letter that did not reach the vendor after all (bounced for good once
     * the mail server had accepted it): the folder must not show a letter as sent that was not.
     */
    async removeLetterCopy({ vendor, folder }: { vendor: Pick<Vendor, 'id' | 'language'>; folder: string }): Promise<boolean> {
      return files.delete(publishedPath(folder, letterCopyFileName(vendor)));
    },

    /** Keeps the letter's body once for the campaign's engagements and copies (see stored-letter.ts). */
    async storeLetter({ campaign, folder }: { campaign: CampaignRef; folder: string }): Promise<StoredLetter> {
      return storeLetter(files, campaign, publishedPath(folder));
    },
  };
}
