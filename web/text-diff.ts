// What changed between two versions of the statement, for reading on the statement page: the
// sections come from the workflows' own comparison (statementChanges, through the campaign's
// `statementChanges` query); this only splits each section's old and new text into words kept,
// removed and added (jsdiff), for <del>/<ins> markup. Nothing here decides what counts as a change.
import { diffWords } from 'diff';
import { typeset } from '../workflows/french-spacing';
import type { StatementVersionChanges } from '../workflows/messages';
import { LANGUAGES, publicText, type Language, type StatementChange } from '../workflows/types';
import type { Views } from './views';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface ChangeView {
  label: string;
  stageBefore?: string;
  stageAfter?: string;
  /** For a change of what the background says of the letter and the vendor. */
  letterBefore?: string;
  letterAfter?: string;
  /**
   * For a reply attached after the case closed (`late-reply`: it came late; `reply-in-time`: it came in
   * time), or a response before the lead closed the review (`response-before-closing`): what the
   * outcome's sentence said of it, and says now.
   */
  lateBefore?: string;
  lateAfter?: string;
  /** One line per language whose text differs, as words kept, removed and added. */
  languages: { language: Language; parts: DiffPart[] }[];
}

export function wordDiff(before: string, after: string): DiffPart[] {
  return diffWords(before, after).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** `timeZone`: the campaign's, in which the statement dates a demonstration, and so names it here. */
export function changesView(found: StatementVersionChanges | undefined, language: Language, views: Views, timeZone?: string) {
  if (!found) return undefined;
  const items: ChangeView[] = found.changes.map((change) => ({
    label: views.text(language, `change.${change.section}`, {
      vendor: change.vendorName ?? '',
      principle: change.principle ? views.principle(change.principle, language) : '',
      demonstration: change.demonstrationId ?? '',
      date: change.demonstrationAt ? views.date(change.demonstrationAt, language, timeZone) : undefined,
    }),
    ...(change.section === 'outcome'
      ? {
          stageBefore: views.text(language, change.stageBefore ? `stage.${change.stageBefore}` : 'change.absent'),
          stageAfter: views.text(language, change.stageAfter ? `stage.${change.stageAfter}` : 'change.absent'),
        }
      : {}),
    ...(change.section === 'letter'
      ? { letterBefore: views.text(language, `letter.${change.letterBefore}`), letterAfter: views.text(language, `letter.${change.letterAfter}`) }
      : {}),
    ...(change.section === 'late-reply'
      ? {
          lateBefore: lateReplyText(change.repliedLateBefore, language, views, timeZone),
          lateAfter: lateReplyText(change.repliedLateAfter, language, views, timeZone),
        }
      : {}),
    ...(change.section === 'reply-in-time'
      ? {
          lateBefore: replyInTimeText(change.repliedInTimeBefore, language, views, timeZone),
          lateAfter: replyInTimeText(change.repliedInTimeAfter, language, views, timeZone),
        }
      : {}),
    ...(change.section === 'response-before-closing'
      ? {
          lateBefore: respondedText(change.respondedBefore, language, views, timeZone),
          lateAfter: respondedText(change.respondedAfter, language, views, timeZone),
        }
      : {}),
    languages: textLanguages(change),
  }));
  // A co-signatory that did not receive the version before this one reads changes since an older
  // one: the page's heading then names it rather than saying "the previous version".
  const sinceOlder = found.sinceVersion < found.version - 1;
  return { version: found.version, sinceVersion: found.sinceVersion, sinceOlder, items, more: found.more ?? 0 };
}

function lateReplyText(at: string | undefined, language: Language, views: Views, timeZone?: string): string {
  return at ? views.text(language, 'late-reply.on', { date: views.date(at, language, timeZone) }) : views.text(language, 'late-reply.none');
}

function replyInTimeText(at: string | undefined, language: Language, views: Views, timeZone?: string): string {
  return at ? views.text(language, 'reply-in-time.on', { date: views.date(at, language, timeZone) }) : views.text(language, 'reply-in-time.none');
}

function respondedText(at: string | undefined, language: Language, views: Views, timeZone?: string): string {
  return at ? views.text(language, 'response-before-closing.on', { date: views.date(at, language, timeZone) }) : views.text(language, 'response-before-closing.none');
}

/** Sections that say a fact (a stage, a date), not a text of the authorities': no words to compare. */
const FACT_SECTIONS: ReadonlySet<StatementChange['section']> = new Set(['outcome', 'letter', 'late-reply', 'reply-in-time', 'response-before-closing']);

function textLanguages(change: StatementChange): ChangeView['languages'] {
  if (FACT_SECTIONS.has(change.section)) return [];
  const before = publicText(change.before);
  const after = publicText(change.after);
  // Each language's text as the statement prints it (French with its no-break spaces), as the PDF
  // has it; a language whose printed text is the same (its spacing alone retyped) has no line.
  return LANGUAGES.map((l) => ({ language: l, before: typeset(before[l] ?? '', l), after: typeset(after[l] ?? '', l) }))
    .filter((t) => t.before !== t.after)
    .map((t) => ({ language: t.language, parts: wordDiff(t.before, t.after) }));
}
