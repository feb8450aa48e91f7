// The language a vendor wrote its message in, so a page in the other language has a screen reader
// read the vendor's words in theirs (WCAG 3.1.2). A guess between the campaign's languages from the
// words that make up most of any text in them (articles, pronouns, prepositions, a letter's greeting
// and closing); where they do not say clearly, its Content-Language. Deterministic, and "unknown"
// when neither says: a wrong mark reads English as French, worse than none.
import { LANGUAGES, type Language } from '../workflows/types';

export type ReplyLanguage = Language | 'unknown';

/**
 * Words frequent in any text of one language and rare in the other's: none is a word of both ("a",
 * "on", "an", "as", "son", "plus" are left out). French elisions count as words of their own (`l'`).
 */
const FUNCTION_WORDS: Record<Language, ReadonlySet<string>> = {
  en: new Set(
    (
      'the and of to is are was were be been being that this these those with for from by at in into ' +
      'we our us you your they their them it its he she his her which who what will would shall should ' +
      'can could have has had do does did not no any all there here about after before than then ' +
      'dear hello regards sincerely thank thanks please kind best attached find'
    ).split(' '),
  ),
  fr: new Set(
    (
      'le la les un une des du de et est sont été être avons avez ont nous vous votre vos notre nos ' +
      'leur leurs ils elles il elle que qui quoi où pour dans par avec sans sur sous pas ne ni ' +
      'au aux ce cette ces cet mais ou donc très aussi ainsi selon chez ' +
      "l' d' qu' n' s' j' c' m' " +
      'bonjour madame monsieur cordialement salutations merci veuillez ci-joint ci-jointe'
    ).split(' ').filter(Boolean),
  ),
};

/** Fewer of a language's words than this and the text is too short to tell. */
export const MIN_WORDS = 5;
/** The language named must have at least this share of the words counted; less is a mixed text. */
export const MIN_SHARE = 0.8;
/** Characters read to tell: an engagement records no more, and a message of megabytes says it well before. */
const GUESS_CHARS = 20_000;

/**
 * The message's language: the one its words say clearly (guessLanguage), else the one its
 * Content-Language names (`fr-CA`, `en`) when that is one of `languages`, else "unknown". The words
 * come first because Outlook writes its own interface language there (en-US) whatever the message
 * is written in.
 */
export function replyLanguage(contentLanguage: unknown, text: string, languages: readonly Language[] = LANGUAGES): ReplyLanguage {
  const said = guessLanguage(text, languages);
  if (said !== 'unknown') return said;
  const named = declaredLanguages(contentLanguage);
  return named.length === 1 ? (languages.find((l) => l === named[0]) ?? 'unknown') : 'unknown';
}

/** The primary language subtags a Content-Language header lists (RFC 3282), lower-cased, each once. */
function declaredLanguages(header: unknown): string[] {
  if (typeof header !== 'string') return [];
  const tags = header
    .split(',')
    .map((tag) => tag.trim().toLowerCase().split('-')[0]!)
    .filter((tag) => /^[a-z]{2,3}$/.test(tag));
  return [...new Set(tags)];
}

/**
 * The language among `languages` whose words make up at least MIN_SHARE of those counted, at least
 * MIN_WORDS of them; "unknown" otherwise. Quoted lines (`>`) are left out: they are someone else's words.
 */
export function guessLanguage(text: string, languages: readonly Language[] = LANGUAGES): ReplyLanguage {
  if (languages.length === 0) return 'unknown';
  const counts = new Map<Language, number>(languages.map((l) => [l, 0]));
  const own = text
    .slice(0, GUESS_CHARS)
    .split('\n')
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .toLowerCase()
    .normalize('NFC')
    .replace(/[\u2019\u02bc]/g, "'");
  for (const [word] of own.matchAll(/\p{L}+(?:-\p{L}+)*(?:'(?=\p{L}))?/gu)) {
    // An elision ("l'entreprise", "qu'il") is counted as its article or pronoun: what follows is a word of its own.
    for (const language of languages) if (FUNCTION_WORDS[language].has(word)) counts.set(language, counts.get(language)! + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const [best, most] = [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  return most >= MIN_WORDS && most / total >= MIN_SHARE ? best : 'unknown';
}
