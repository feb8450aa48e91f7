// French typography, one rule for every French text Dossier shows (the house rule): a no-break space
// (U+00A0) before the colon, a narrow no-break space (U+202F) before « ; ? ! » and inside guillemets.
// The templates hold their spaces already (test/unit/french-reader.test.ts checks them against
// `frenchTypographyFaults`); the authorities' own text, typed in a form field, is set by `frenchSpacing`
// so that the PDF, the approval email and the workspace's statement page print it as the templates
// around it. Pure, so it lives with the workflows' text rules, where activities, the web and the CLI
// all may read it.
import type { Language } from './types';

/** The space French typography puts before each of its spaced punctuation marks (the house rule). */
export const FRENCH_SPACE_BEFORE = { ':': '\u00a0', ';': '\u202f', '?': '\u202f', '!': '\u202f' } as const;
/** The space inside guillemets: «\u202fmot\u202f». */
export const FRENCH_SPACE_IN_GUILLEMETS = '\u202f';

type SpacedMark = keyof typeof FRENCH_SPACE_BEFORE;
const spacedMark = (mark: string) => `${FRENCH_SPACE_BEFORE[mark as SpacedMark]}${mark}`;

/**
 * Where `text` breaks the house rule: a colon after a space other than U+00A0, « ; ? ! » after a space
 * other than U+202F, a guillemet with another space or none inside, one of the four typed against the
 * word before it. `what` names the fault; `at` shows it in its surroundings. A colon starting a URL's
 * "//" is not punctuation.
 */
export function frenchTypographyFaults(text: string): { what: string; at: string }[] {
  const at = (m: RegExpMatchArray, what: string) => ({ what, at: text.slice(Math.max(0, m.index! - 20), m.index! + 12) });
  return [
    ...[...text.matchAll(/[ \u202f]:/g)].map((m) => at(m, 'colon after a space other than U+00A0')),
    ...[...text.matchAll(/[ \u00a0][;!?]/g)].map((m) => at(m, '; ! ? after a space other than U+202F')),
    ...[...text.matchAll(/[\p{L}\p{N})»][;!?]/gu)].map((m) => at(m, '; ! ? with no space before')),
    ...[...text.matchAll(/\p{L}:(?!\/\/)/gu)].map((m) => at(m, 'colon with no space before')),
    ...[...text.matchAll(/«(?!\u202f)|(?<!\u202f)»/g)].map((m) => at(m, 'guillemet without U+202F inside')),
  ];
}

/** The statement's text as the statement prints it: in French with its no-break spaces (see frenchSpacing). */
export function typeset(typed: string, language: Language): string {
  return language === 'fr' ? frenchSpacing(typed) : typed;
}

/**
 * French text as the house rule sets it (FRENCH_SPACE_BEFORE): a no-break space (U+00A0) before the
 * colon, a narrow one (U+202F) before « ; ? ! » and inside guillemets, where a writer typed an ordinary
 * space (a line could then start with the colon), the other no-break space, or none. Only punctuation
 * is spaced: a colon that starts a token (a URL's "https:", "14:30", IPv6's "::1", ":8080") is left alone, and so is a quotation in English quotes. An exclamation mark typed
 * against a capitalised word, inside a line, is left as typed: it may be the name's own ("Yahoo! Inc.",
 * "Yum! Brands"), and a space inside a name is worse than one missing after an exclamation; after a
 * lower-case word ("compte! Aussi"), or ending the text or a line, it is punctuation.
 * @example frenchSpacing('Champ : voir ; pourquoi? « ceci »') // 'Champ\u00a0: voir\u202f; pourquoi\u202f? «\u202fceci\u202f»'
 */
export function frenchSpacing(text: string): string {
  // A quotation in English quotes ("…" or “…”) is its author's own text, often English: its
  // punctuation stays as typed. Each is set aside as one character that, like a quote mark, is
  // neither a letter nor a space, so the rules around it read the same.
  if (text.includes(QUOTATION)) return spaced(text);
  const quotations: string[] = [];
  const masked = maskQuotations(text, quotations);
  let n = 0;
  return spaced(masked).replace(new RegExp(QUOTATION, 'g'), () => quotations[n++]!);
}

/**
 * The text with each quotation ("…" or “…”) replaced by QUOTATION and pushed to `quotations`, as
 * `/"[^"]*"|“[^”]*”/g` would: a loop, since that pattern tried at each of many unclosed quote marks
 * scans to the end from every one of them.
 */
function maskQuotations(text: string, quotations: string[]): string {
  const closing: Record<string, string> = { '"': '"', '“': '”' };
  /** Quote marks past the last of their closing mark: none of them opens a quotation. */
  const unclosed = new Set<string>();
  let masked = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const close = closing[text[i]!];
    if (close === undefined || unclosed.has(text[i]!)) continue;
    const end = text.indexOf(close, i + 1);
    if (end < 0) {
      unclosed.add(text[i]!);
      continue;
    }
    masked += text.slice(from, i) + QUOTATION;
    quotations.push(text.slice(i, end + 1));
    from = end + 1;
    i = end;
  }
  return masked + text.slice(from);
}

/** A private-use character: it stands for a quotation while the rest is spaced. */
const QUOTATION = '\ue000';

/** After punctuation: a space, the end, a closing mark or more punctuation ("?!"); anything else starts a token. */
const ENDS_PUNCTUATION = String.raw`(?=[\s»)\]"”${QUOTATION}?!.…]|$)`;

/**
 * What closes a word or a quotation: punctuation typed against it takes its space as it would after the
 * word itself ("« oui »;" as "oui;"). A quote mark left unpaired (not set aside as a quotation) closes too.
 */
const CLOSES = String.raw`)\]»"”${QUOTATION}`;

/** Typed against what precedes it, punctuation ends at a space or the end, perhaps after more of it ("?!"). */
const TYPED_PUNCTUATION_ENDS = String.raw`(?=[?!]*(?:\s|$))`;

function spaced(text: string): string {
  const inside = FRENCH_SPACE_IN_GUILLEMETS;
  return text
    // Runs of spaces, like words below, are matched from their first: a long run tried from each of
    // its spaces would be scanned to its end each time.
    .replace(new RegExp(`(?<![ \\t\u00a0\u202f])[ \\t\u00a0\u202f]+([:;?!])${ENDS_PUNCTUATION}`, 'g'), (_, mark: string) => spacedMark(mark))
    .replace(/(?<![ \t\u00a0\u202f])[ \t\u00a0\u202f]+»/g, `${inside}»`)
    .replace(/«[ \t\u00a0\u202f]+/g, `«${inside}`)
    .replace(new RegExp(`([\\p{L}\\p{N}${CLOSES}])([:;?])${TYPED_PUNCTUATION_ENDS}`, 'gu'), (_, before: string, mark: string) => `${before}${spacedMark(mark)}`)
    // A word is matched from its first letter only: tried from every letter, a long run of them
    // (a pasted identifier) is scanned to its end once per letter, quadratic in its length.
    .replace(new RegExp(`((?<![\\p{L}\\p{N}])[\\p{L}\\p{N}]+|[${CLOSES}])!${TYPED_PUNCTUATION_ENDS}`, 'gu'), (typed, word: string, at: number, whole: string) =>
      /^\p{Lu}/u.test(word) && !/^[ \t]*(?:[\r\n]|$)/.test(whole.slice(at + typed.length)) ? typed : `${word}${spacedMark('!')}`,
    )
    .replace(/«(?=[\p{L}\p{N}(\[])/gu, `«${inside}`)
    .replace(/([\p{L}\p{N}.!?…:;)\]])»/gu, `$1${inside}»`);
}
