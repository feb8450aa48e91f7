// The statement's public text: what the campaign prints for each vendor (public facts and the
// authorities' own bilingual text, never a submission), what is still missing in either language,
// how the lead's edits apply, and what changed between two versions. Pure, so the campaign
// workflow, its validators and the client run the same code, and each rule has a unit test.
import { typeset } from './french-spacing';
import type { CampaignEngagementState, MissingText, TextSource } from './messages';
import type { RefusalDetails } from './refusals';
import { excerptOf, LIMITS, utf8Length } from './text-rules';
import { isoInstant } from './time';
import {
  LANGUAGES,
  PRINCIPLES,
  publicText,
  type BilingualParagraphs,
  type EngagementOutcome,
  type Finding,
  type Findings,
  type Language,
  type OpenCaseDecision,
  type PublicText,
  type RecordedText,
  type StatementChange,
  type StatementDraft,
  type StatementLetter,
  type StatementText,
  type StatementVendorEntry,
  type VendorPublicText,
} from './types';

export function emptyStatementText(): StatementText {
  return { vendors: {}, conclusions: { en: [], fr: [] }, lessonsLearned: { en: [], fr: [] } };
}

/** A finding as a history recorded it, older ones with plain strings, read as public text. */
function recordedFinding(value: unknown): Finding {
  const finding = (value ?? {}) as { assessment?: RecordedText; goodPractices?: RecordedText[] };
  return {
    assessment: publicText(finding.assessment),
    goodPractices: Array.isArray(finding.goodPractices) ? finding.goodPractices.map(publicText) : [],
  };
}

function stageOf(state: CampaignEngagementState, outcome: EngagementOutcome | undefined, decision: OpenCaseDecision | undefined): StatementVendorEntry['stage'] {
  // The outcome whole where the caller has it (a draft scheduled by older code carries only that).
  const ended = state.state === 'ended' ? (outcome?.stage ?? state.outcome?.stage) : undefined;
  // A decision stands unless the engagement reached an outcome of its own before it took effect.
  if (decision && (ended === undefined || ended === 'withdrawn')) return decision.action === 'close' ? 'closed-by-lead' : 'excluded';
  if (ended) return ended;
  return state.state === 'failed' ? 'failed' : 'in-progress';
}

/**
 * Whether a reply attached to a closed record reached the case mailbox in time: at or before the
 * instant its case ended. The statement and the officer attaching it (intake attachLate) say the same.
 */
export function receivedInTime(receivedAt: string, endedAt: string): boolean {
  return isoInstant(receivedAt)! <= isoInstant(endedAt)!;
}

/** What an entry of a vendor that never responded says of the reply attached to its closed record: in time, or late. */
export function attachedReplyFields(attachedReplyAt: string, endedAt: string): Pick<StatementVendorEntry, 'repliedInTimeAt' | 'repliedLateAt'> {
  return receivedInTime(attachedReplyAt, endedAt) ? { repliedInTimeAt: attachedReplyAt } : { repliedLateAt: attachedReplyAt };
}

/**
 * One vendor's part of the statement: its stage and public facts from the engagement's outcome,
 * its text from the lead's (which replaces, principle by principle, the findings recorded at the
 * conclusion). The response, answers and officer's notes are left behind on purpose.
 */
export function statementEntry(
  state: CampaignEngagementState,
  ended: EngagementOutcome | undefined,
  text: VendorPublicText | undefined,
  decision?: OpenCaseDecision,
  /** When the first reply attached to the closed record was received (client/late-replies.ts). */
  attachedReplyAt?: string,
): StatementVendorEntry {
  const outcome = state.state === 'ended' ? ended : undefined;
  const stage = stageOf(state, outcome, decision);
  const entry: StatementVendorEntry = { vendorId: state.vendorId, vendorName: state.vendorName, stage };
  if (stage === 'closed-by-lead' || stage === 'excluded') {
    entry.reason = publicText(decision!.reason);
    if (text?.summary) entry.summary = publicText(text.summary);
    // A vendor that responded before the lead closed its case did respond: a statement saying only
    // that its review was closed reads as if it had not. An excluded vendor is not covered at all.
    const respondedAt = outcome?.respondedAt ?? outcome?.response?.receivedAt ?? (state.state === 'ended' ? state.outcome?.respondedAt : undefined);
    if (stage === 'closed-by-lead' && respondedAt) entry.respondedAt = respondedAt;
    return entry;
  }
  if (text?.summary) entry.summary = publicText(text.summary);
  if (!outcome) return entry;
  entry.endedAt = outcome.endedAt;
  // Outcomes of engagements that ended before it was slimmed carry the response and questions themselves.
  const respondedAt = outcome.respondedAt ?? outcome.response?.receivedAt;
  if (respondedAt) entry.respondedAt = respondedAt;
  if (stage === 'closed-no-response') {
    entry.remindersSent = outcome.remindersSent.filter((r) => r.about === 'response');
    // Late only if it came after the case ended: a reply held meanwhile (an unknown sender, say) and
    // attached to the closed record afterwards came in time, and the statement says so: a published
    // "did not respond" of a vendor that did would be false.
    if (attachedReplyAt) Object.assign(entry, attachedReplyFields(attachedReplyAt, outcome.endedAt));
  }
  const asked = outcome.questionsAsked ?? outcome.questions?.length ?? 0;
  if (asked) {
    entry.questionsAsked = asked;
    entry.questionsAnswered = outcome.questionsAnswered ?? outcome.questions!.filter((q) => q.answer !== undefined).length;
  }
  if (outcome.demonstrations.length) {
    entry.demonstrations = outcome.demonstrations.map(({ id, at, result }) => {
      const observation = text?.demonstrations?.[id];
      return { id, at, ...(result ? { result } : {}), ...(observation ? { observation: publicText(observation) } : {}) };
    });
  }
  if (outcome.findings || text?.findings) {
    entry.findings = Object.fromEntries(
      PRINCIPLES.map((p) => [p, recordedFinding(text?.findings?.[p] ?? outcome.findings?.[p])]),
    ) as Findings;
  }
  return entry;
}

/** The lead's edit applied: each text given replaces the one before; texts not given stay. */
export function applyStatementEdit(
  text: StatementText,
  edit: { vendors?: Record<string, VendorPublicText>; conclusions?: BilingualParagraphs; lessonsLearned?: BilingualParagraphs },
): StatementText {
  const vendors = { ...text.vendors };
  for (const [vendorId, change] of Object.entries(edit.vendors ?? {})) {
    const before = vendors[vendorId] ?? {};
    vendors[vendorId] = {
      ...before,
      ...(change.summary ? { summary: trimText(change.summary) } : {}),
      ...(change.findings
        ? {
            findings: {
              ...before.findings,
              ...Object.fromEntries(
                Object.entries(change.findings).map(([p, f]) => [
                  p,
                  { assessment: trimText(f!.assessment), goodPractices: (f!.goodPractices ?? []).map(trimText) },
                ]),
              ),
            },
          }
        : {}),
      ...(change.demonstrations
        ? {
            demonstrations: {
              ...before.demonstrations,
              ...Object.fromEntries(Object.entries(change.demonstrations).map(([id, t]) => [id, trimText(t)])),
            },
          }
        : {}),
    };
  }
  return {
    vendors,
    conclusions: edit.conclusions ? trimParagraphs(edit.conclusions) : text.conclusions,
    lessonsLearned: edit.lessonsLearned ? trimParagraphs(edit.lessonsLearned) : text.lessonsLearned,
  };
}

function trimText(text: PublicText): PublicText {
  const t = publicText(text);
  return { en: t.en.trim(), fr: t.fr.trim() };
}

function trimParagraphs(text: BilingualParagraphs): BilingualParagraphs {
  const clean = (list: unknown) => (Array.isArray(list) ? list.map((p) => String(p).trim()).filter(Boolean) : []);
  return { en: clean(text.en), fr: clean(text.fr) };
}

// ── What a draft still lacks ─────────────────────────────────────────────────────────────────────

/** Where the lead enters each kind of text, so a refusal says which file to fix. */
export const TEXT_SOURCES = {
  summary: 'statement text file',
  findings: 'findings file (or statement text file)',
  demonstrations: 'statement text file',
  reason: "open-cases file (statement draft --open-cases, or the workspace's draft form)",
  conclusions: 'conclusions file (or statement text file)',
} as const satisfies Record<TextSource, string>;

export interface TextGap {
  /** Which file (or command) the text is entered in, by its key in TEXT_SOURCES. */
  source: TextSource;
  vendorId?: string;
  /** e.g. `summary`, `findings.security.assessment`, `demonstrations.d1`, `conclusions`. */
  field: string;
  language: Language;
}

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'French' };

function missing(text: PublicText | undefined): Language[] {
  return LANGUAGES.filter((l) => !text || !text[l]?.trim());
}

/** Every public text a draft needs and lacks, in either language; empty when it can go out. */
export function statementGaps(draft: Pick<StatementDraft, 'vendors' | 'conclusions' | 'lessonsLearned'>): TextGap[] {
  const gaps: TextGap[] = [];
  const need = (text: PublicText | undefined, source: TextSource, field: string, vendorId?: string) => {
    for (const language of missing(text)) gaps.push({ source, field, language, ...(vendorId ? { vendorId } : {}) });
  };
  for (const entry of draft.vendors) {
    const id = entry.vendorId;
    if (entry.stage === 'concluded') need(entry.summary, 'summary', 'summary', id);
    else if (entry.summary) need(entry.summary, 'summary', 'summary', id);
    if (entry.stage === 'closed-by-lead' || entry.stage === 'excluded') need(entry.reason, 'reason', 'reason', id);
    if (entry.stage === 'concluded' || entry.findings) {
      for (const p of PRINCIPLES) {
        const finding = entry.findings?.[p];
        need(finding?.assessment, 'findings', `findings.${p}.assessment`, id);
        finding?.goodPractices.forEach((g, i) => need(g, 'findings', `findings.${p}.goodPractices[${i}]`, id));
      }
    }
    for (const d of entry.demonstrations ?? []) {
      if (d.result !== undefined || d.observation) need(d.observation, 'demonstrations', `demonstrations.${d.id}`, id);
    }
  }
  for (const [field, paragraphs] of [
    ['conclusions', draft.conclusions],
    ['lessonsLearned', draft.lessonsLearned],
  ] as const) {
    for (const language of LANGUAGES) {
      if (!paragraphs[language]?.some((p) => p.trim())) gaps.push({ source: 'conclusions', field, language });
    }
  }
  return gaps;
}

/** `statement text file, vendor zoom, summary (French)` */
export function describeGap(gap: TextGap): string {
  return `${TEXT_SOURCES[gap.source]}, ${gap.vendorId ? `vendor ${gap.vendorId}, ` : ''}${gap.field} (${LANGUAGE_NAMES[gap.language]})`;
}

/** A missing text as the workspace words it (the status's list, a refusal to draft). */
export function missingText({ source, vendorId, field, language }: TextGap): MissingText {
  return { source, ...(vendorId ? { vendorId } : {}), field, language };
}

/** One line for a refusal: how many texts are missing, then the first twenty. */
export function describeGaps(gaps: TextGap[]): string {
  const count = gaps.length === 1 ? '1 text is' : `${gaps.length} texts are`;
  const rest = gaps.length > 20 ? `; and ${gaps.length - 20} more (\`npx dossier statement status\` lists the first 200)` : '';
  return `${count} missing in the statement: ${gaps.slice(0, 20).map(describeGap).join('; ')}${rest}.`;
}

// ── What a reader is sent of the changes ─────────────────────────────────────────────────────────

/** Changes as a message or a page shows them: some of them, each text cut; `more` were left out. */
export interface ChangesShown {
  changes: StatementChange[];
  more: number;
}

/**
 * At most `count` changes, each text cut to `excerpt` characters (with "…"). Every version goes to
 * the signatories whole, as the attached draft; the changes travel beside it, and a lead who rewrote
 * every vendor's findings would otherwise send each authority the statement twice over, past
 * Temporal's 2 MB a payload.
 */
export function changesShown(changes: StatementChange[], { count, excerpt }: { count: number; excerpt: number }): ChangesShown {
  const shown = (c: StatementChange): StatementChange => {
    if (!c.before || !c.after) {
      const cut = (text: PublicText) => ({ en: excerptOf(text.en, excerpt), fr: excerptOf(text.fr, excerpt) });
      return { ...c, ...(c.before ? { before: cut(c.before) } : {}), ...(c.after ? { after: cut(c.after) } : {}) };
    }
    // Both sides from a little before their first difference: a change past the excerpt's length
    // would otherwise show the same start twice.
    const pair = (language: Language) => aroundFirstDifference(c.before![language], c.after![language], excerpt);
    const [enBefore, enAfter] = pair('en');
    const [frBefore, frAfter] = pair('fr');
    return { ...c, before: { en: enBefore, fr: frBefore }, after: { en: enAfter, fr: frAfter } };
  };
  return { changes: changes.slice(0, count).map(shown), more: Math.max(0, changes.length - count) };
}

/** Context kept before the first difference of two long texts. */
const LEAD_IN = 100;

/** Both texts cut to `max` characters from shortly before where they first differ, marked "…" where cut. */
function aroundFirstDifference(before: string, after: string, max: number): [string, string] {
  if (before.length <= max && after.length <= max) return [before, after];
  let first = 0;
  while (first < before.length && first < after.length && before[first] === after[first]) first++;
  let start = Math.max(0, first - LEAD_IN);
  // Never between the two halves of a character.
  if (start > 0 && (before.charCodeAt(start) & 0xfc00) === 0xdc00) start--;
  const from = (text: string) => (start > 0 ? `…${excerptOf(text.slice(start), max - 1)}` : excerptOf(text, max));
  return [from(before), from(after)];
}


// ── How large the statement may grow ─────────────────────────────────────────────────────────────

/** What the statement's text weighs as it travels (UTF-8 JSON). */
export function statementBytes(draft: Comparable): number {
  return utf8Length(JSON.stringify(draft));
}

const kilobytes = (bytes: number) => `${Math.ceil(bytes / 1000)} KB`;

/**
 * The statement's text as it travels, or why it is too large. Each version goes whole to the PDF
 * renderer (one activity input) and to every reader of the draft (one query result), and Temporal
 * refuses a payload over 2 MB: a campaign whose draft passed it could never render, and waited for
 * ever. Names the vendors whose text weighs most, since the lead's edit replaces what they recorded.
 */
export function statementSizeProblem(draft: Comparable): string | undefined {
  return statementSize(draft)?.problem;
}

/** The same, by code (refusals.ts), for a reader of another language: the vendors named without their size. */
export function statementSizeRefusal(draft: Comparable): RefusalDetails<'statement-too-large'> | undefined {
  return statementSize(draft)?.details;
}

function statementSize(draft: Comparable): { problem: string; details: RefusalDetails<'statement-too-large'> } | undefined {
  const bytes = statementBytes(draft);
  if (bytes <= LIMITS.statementBytes) return undefined;
  const heaviest = draft.vendors
    .map((v) => ({ vendorId: v.vendorId, bytes: utf8Length(JSON.stringify(v)) }))
    .sort((a, b) => b.bytes - a.bytes || (a.vendorId < b.vendorId ? -1 : 1))
    .slice(0, 3);
  const problem =
    `the statement's text would take ${kilobytes(bytes)}; at most ${kilobytes(LIMITS.statementBytes)} (Temporal refuses a payload over 2 MB): ` +
    `shorten the conclusions, the lessons learned or the vendors' texts (largest: ${heaviest.map((v) => `${v.vendorId} ${kilobytes(v.bytes)}`).join(', ')})`;
  const values = { kilobytes: String(Math.ceil(bytes / 1000)), most: String(Math.ceil(LIMITS.statementBytes / 1000)), largest: heaviest.map((v) => v.vendorId).join(', ') };
  return { problem, details: { refusal: 'statement-too-large', values } };
}

// ── What changed between two versions ────────────────────────────────────────────────────────────

type Comparable = Pick<StatementDraft, 'vendors' | 'conclusions' | 'lessonsLearned'>;

function sameText(a: PublicText | undefined, b: PublicText | undefined): boolean {
  return (a?.en ?? '') === (b?.en ?? '') && (a?.fr ?? '') === (b?.fr ?? '');
}

function joined(list: PublicText[] | undefined): PublicText | undefined {
  if (!list?.length) return undefined;
  return { en: list.map((t) => t.en).join(' · '), fr: list.map((t) => t.fr).join(' · ') };
}

function paragraphsText(p: BilingualParagraphs): PublicText | undefined {
  if (!p.en.length && !p.fr.length) return undefined;
  return { en: p.en.join('\n\n'), fr: p.fr.join('\n\n') };
}

/** What the background says of the letter and this vendor: it follows the vendor's mark, if any. */
export function letterOf(entry: Pick<StatementVendorEntry, 'notWrittenTo'>): StatementLetter {
  if (!entry.notWrittenTo) return 'sent';
  return entry.notWrittenTo === 'never-started' ? 'not-sent' : 'not-reached';
}

/** A text as the statement prints it: the French with its typography (frenchSpacing). */
function printed(text: PublicText): PublicText {
  return { en: text.en, fr: typeset(text.fr ?? '', 'fr') };
}

/**
 * What differs, section by section, from `before` to `after` (old → new), in the order the
 * statement prints it. Empty when the public text of the two is the same.
 *
 * `asPrinted`: texts are compared as the PDF prints them, so a version that only respaces the French
 * before « » : ; ! ? (which the PDF sets alike) changed nothing: for readers (the approval request,
 * the statement page) and for the workflow's decisions (whether a draft changed anything, which
 * approvals carry over). As typed, such a version is a change: histories recorded before the
 * workflow compared as printed dropped the approvals of the version it respaced (the patch
 * `statement-approvals-kept-as-printed` keeps them so on replay).
 */
export function statementChanges(before: Comparable, after: Comparable, { asPrinted = false }: { asPrinted?: boolean } = {}): StatementChange[] {
  const changes: StatementChange[] = [];
  /** `a` and `b` as typed, or their parts (a list's items, paragraphs) before they are joined, each printed alone as the PDF does. */
  const compare = (
    change: Omit<StatementChange, 'before' | 'after'>,
    a: PublicText | undefined,
    b: PublicText | undefined,
    [printedA, printedB]: [PublicText | undefined, PublicText | undefined] = [a && printed(a), b && printed(b)],
  ) => {
    if (!(asPrinted ? sameText(printedA, printedB) : sameText(a, b))) changes.push({ ...change, ...(a ? { before: a } : {}), ...(b ? { after: b } : {}) });
  };
  const printedParagraphs = (p: BilingualParagraphs): BilingualParagraphs => ({ en: p.en, fr: p.fr.map((t) => typeset(t, 'fr')) });
  const old = new Map(before.vendors.map((v) => [v.vendorId, v]));
  const seen = new Set<string>();
  for (const entry of after.vendors) {
    seen.add(entry.vendorId);
    const prior = old.get(entry.vendorId);
    const vendorName = entry.vendorName;
    if (prior?.stage !== entry.stage) changes.push({ section: 'outcome', vendorName, ...(prior ? { stageBefore: prior.stage } : {}), stageAfter: entry.stage });
    // The background's opening sentence names the vendors the letter reached: a vendor moving in or
    // out of it changes the public text as much as its outcome does, whatever its stage.
    if (prior && letterOf(prior) !== letterOf(entry)) changes.push({ section: 'letter', vendorName, letterBefore: letterOf(prior), letterAfter: letterOf(entry) });
    // A late reply changes what the outcome's sentence says, though not the outcome.
    if (prior && prior.repliedLateAt !== entry.repliedLateAt) {
      changes.push({ section: 'late-reply', vendorName, ...(prior.repliedLateAt ? { repliedLateBefore: prior.repliedLateAt } : {}), ...(entry.repliedLateAt ? { repliedLateAfter: entry.repliedLateAt } : {}) });
    }
    // So does a reply in time, recorded after the case closed: the vendor no longer "did not respond".
    if (prior && prior.repliedInTimeAt !== entry.repliedInTimeAt) {
      changes.push({
        section: 'reply-in-time',
        vendorName,
        ...(prior.repliedInTimeAt ? { repliedInTimeBefore: prior.repliedInTimeAt } : {}),
        ...(entry.repliedInTimeAt ? { repliedInTimeAfter: entry.repliedInTimeAt } : {}),
      });
    }
    // So does a response the lead's closing no longer hides: the vendor responded before its review was closed.
    const respondedBefore = prior?.stage === 'closed-by-lead' ? prior.respondedAt : undefined;
    const respondedAfter = entry.stage === 'closed-by-lead' ? entry.respondedAt : undefined;
    if (prior?.stage === entry.stage && respondedBefore !== respondedAfter) {
      changes.push({ section: 'response-before-closing', vendorName, ...(respondedBefore ? { respondedBefore } : {}), ...(respondedAfter ? { respondedAfter } : {}) });
    }
    compare({ section: 'reason', vendorName }, prior?.reason, entry.reason);
    compare({ section: 'summary', vendorName }, prior?.summary, entry.summary);
    for (const principle of PRINCIPLES) {
      compare({ section: 'assessment', vendorName, principle }, prior?.findings?.[principle]?.assessment, entry.findings?.[principle]?.assessment);
      const practicesBefore = prior?.findings?.[principle]?.goodPractices;
      const practicesAfter = entry.findings?.[principle]?.goodPractices;
      compare({ section: 'good-practices', vendorName, principle }, joined(practicesBefore), joined(practicesAfter), [
        joined(practicesBefore?.map(printed)),
        joined(practicesAfter?.map(printed)),
      ]);
    }
    const priorDemos = new Map((prior?.demonstrations ?? []).map((d) => [d.id, d]));
    for (const d of entry.demonstrations ?? []) {
      compare({ section: 'demonstration', vendorName, demonstrationId: d.id, demonstrationAt: d.at }, priorDemos.get(d.id)?.observation, d.observation);
    }
  }
  for (const gone of before.vendors.filter((v) => !seen.has(v.vendorId))) {
    changes.push({ section: 'outcome', vendorName: gone.vendorName, stageBefore: gone.stage });
  }
  compare({ section: 'conclusions' }, paragraphsText(before.conclusions), paragraphsText(after.conclusions), [
    paragraphsText(printedParagraphs(before.conclusions)),
    paragraphsText(printedParagraphs(after.conclusions)),
  ]);
  compare({ section: 'lessons-learned' }, paragraphsText(before.lessonsLearned), paragraphsText(after.lessonsLearned), [
    paragraphsText(printedParagraphs(before.lessonsLearned)),
    paragraphsText(printedParagraphs(after.lessonsLearned)),
  ]);
  return changes;
}
