// The French statement's typography on the authorities' own text (typed in a form field, unlike the
// templates, which already hold their no-break spaces): the PDF sets it as French typography does,
// and the approval email and the workspace's statement page quote it as the PDF prints it. Pure,
// so it lives with the workflows' text rules, where activities and the web both may read it.
import type { Language } from './types';

/** The statement's text as the statement prints it: in French with its no-break spaces (see frenchSpacing). */
export function typeset(typed: string, language: Language): string {
  return language === 'fr' ? frenchSpacing(typed) : typed;
}

/**
 * French text as French typography sets it: a narrow no-break space (U+202F) before « : ; ? ! » and
 * inside guillemets, where a writer typed an ordinary space (a line could then start with the colon)
 * or none. Only punctuation is spaced: a colon that starts a token (a URL's "https:", "14:30", IPv6's
 * "::1", ":8080") is left alone, and so is a quotation in English quotes. An exclamation mark typed
 * against a capitalised word, inside a line, is left as typed: it may be the name's own ("Yahoo! Inc.",
 * "Yum! Brands"), and a space inside a name is worse than one missing after an exclamation; after a
 * lower-case word ("compte! Aussi"), or ending the text or a line, it is punctuation.
 * @example frenchSpacing('Champ : voir ; pourquoi? « ceci »') // 'Champ\u202f: voir\u202f; pourquoi\u202f? «\u202fceci\u202f»'
 */
export function frenchSpacing(text: string): string {
  // A quotation in English quotes ("…" or “…”) is its author's own text, often English: its
  // punctuation stays as typed. Each is set aside as one character that, like a quote mark, is
  // neither a letter nor a space, so the rules around it read the same.
  if (text.includes(QUOTATION)) return spaced(text);
  const quotations: string[] = [];
  const masked = text.replace(/"[^"]*"|“[^”]*”/g, (quotation) => (quotations.push(quotation), QUOTATION));
  let n = 0;
  return spaced(masked).replace(new RegExp(QUOTATION, 'g'), () => quotations[n++]!);
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
  return text
    .replace(new RegExp(`[ \\t]+([:;?!])${ENDS_PUNCTUATION}`, 'g'), '\u202f$1')
    .replace(/[ \t]+»/g, '\u202f»')
    .replace(/«[ \t]+/g, '«\u202f')
    .replace(new RegExp(`([\\p{L}\\p{N}${CLOSES}])([:;?])${TYPED_PUNCTUATION_ENDS}`, 'gu'), '$1\u202f$2')
    .replace(new RegExp(`([\\p{L}\\p{N}]+|[${CLOSES}])!${TYPED_PUNCTUATION_ENDS}`, 'gu'), (typed, word: string, at: number, whole: string) =>
      /^\p{Lu}/u.test(word) && !/^[ \t]*(?:[\r\n]|$)/.test(whole.slice(at + typed.length)) ? typed : `${word}\u202f!`,
    )
    .replace(/«(?=[\p{L}\p{N}(\[])/gu, '«\u202f')
    .replace(/([\p{L}\p{N}.!?…:;)\]])»/gu, '$1\u202f»');
}
