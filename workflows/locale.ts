// How dates and names read in each language, where the correspondence (activities/) and the web
// workspace (web/) must agree: the locale each language is written in, the first day of a month as
// an ordinal ("1er juillet"), a duration in words ("4 heures"), a time zone named as its readers name
// it ("heure de l’Est"), and two rules of written French: a word elided before a name that starts with a vowel ("d’Epsilon"), and
// the hour as French typography writes it ("9 h", "9 h 30"); and the check that templates/words.yaml
// titles every principle, which both load.
// Pure, here because both sides may import workflows/ and neither may import the other; no workflow
// uses it, so it stays out of the workflow bundle.
import { FRENCH_SPACE_BEFORE } from './french-spacing';
import { durationMs } from './time';
import { type Authority, FRENCH_ARTICLES, type Language, type Principle, PRINCIPLES } from './types';

export const LOCALE: Record<Language, string> = { en: 'en-GB', fr: 'fr-CA' };

const PLURAL_RULES = new Map<Language, Intl.PluralRules>();

/**
 * The form of a sentence about `count` things (its `key.one` or `key.other`), by the language's
 * plural rule: French says "0 document" and "1 document", English "0 documents". The templates have
 * these two forms only; a rule's other categories (few, many) read as `other`.
 */
export function pluralForm(language: Language, count: number): 'one' | 'other' {
  let rules = PLURAL_RULES.get(language);
  if (!rules) PLURAL_RULES.set(language, (rules = new Intl.PluralRules(LOCALE[language])));
  return rules.select(count) === 'one' ? 'one' : 'other';
}

/**
 * A date whose day is the first of its month, with that "1" written as the language's ordinal:
 * `firstOfMonth('1 juillet 2026', '1er')` gives "1er juillet 2026" (Intl writes "1"). The space after
 * the day is kept as it was (an ordinary or a no-break one). The ordinal comes from the caller's
 * templates; a language with none passes undefined or "1". One o'clock as French writes it
 * ("2 déc. 2026, 1 h 18") is an hour, not a day: it stays "1 h".
 */
export function firstOfMonth(text: string, ordinal: string | undefined): string {
  return ordinal ? text.replace(/(^|\s)1([ \u00a0\u202f])(?=\p{L})(?!h(?:[\s\u00a0\u202f]|$))/u, (_, before: string, space: string) => `${before}${ordinal}${space}`) : text;
}

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
] as const;

/** A span of milliseconds in the largest unit that measures it whole (`36 hours`, not `1.5 days`). */
export function largestWholeUnit(ms: number): { unit: (typeof UNITS)[number][0]; count: number } {
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0) ?? UNITS[UNITS.length - 1]!;
  return { unit, count: Math.round(ms / size) };
}

/**
 * A duration as the policy wrote it (`'4 hours'`, `'2s'`, milliseconds), in words in the largest unit
 * that measures it whole: `1 hour`, `90 minutes`, `2 secondes`. One that is not a duration is given back as written.
 */
export function durationInWords(duration: string | number, language: Language): string {
  const ms = durationMs(duration);
  if (ms === undefined) return String(duration);
  const { unit, count } = largestWholeUnit(ms);
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(count);
}

// One formatter per language and zone: a page of times names its zone once per time shown, and
// building an Intl.DateTimeFormat costs far more than using one.
const ZONE_NAMES = new Map<string, Intl.DateTimeFormat>();

/**
 * A time zone as a reader names it, in their language, at a given moment (a zone's name can change
 * with its rules): "heure de l’Est" / "Eastern Time" for America/Toronto, not the IANA id. UTC stays
 * "UTC" (Intl would write "UTC+00:00" or "GMT+00:00"); a zone Intl names only by its offset keeps its
 * id. The zone must be one Intl knows (Intl throws a RangeError otherwise).
 */
export function timeZoneName(timeZone: string, language: Language, at: Date): string {
  if (/^(Etc\/)?(UTC|GMT|UCT|Zulu|Universal)$/i.test(timeZone)) return 'UTC';
  const key = `${language}|${timeZone}`;
  let format = ZONE_NAMES.get(key);
  if (!format) ZONE_NAMES.set(key, (format = new Intl.DateTimeFormat(LOCALE[language], { timeZone, timeZoneName: 'longGeneric' })));
  const name = format
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  if (!name || /^(UTC|GMT)[+-]/.test(name)) return timeZone;
  // Some French names hold a colon ("heure : Royaume-Uni"): spaced by the house rule, as the templates around it.
  return language === 'fr' ? name.replace(/ ([:;?!])/g, (_, mark: keyof typeof FRENCH_SPACE_BEFORE) => `${FRENCH_SPACE_BEFORE[mark]}${mark}`) : name;
}

/**
 * French elision before a name: `elide('de', 'Zoom')` gives "de Zoom" but "d’Epsilon", "d’Uber";
 * likewise "que" → "qu’", "le"/"la" → "l’". `elision('de', name)` gives the word alone ("d’",
 * "de "), for a name set in bold. Only before a written vowel: whether a name's h is mute
 * ("d’Hydro-Québec") or aspirated ("de Houseparty") cannot be read from its letters, so an h keeps the
 * full word, as does a y (a consonant in "de Yahoo").
 */
export function elision(word: string, name: string): string {
  const vowelFirst = /^[aeiouœæ]/i.test(name.normalize('NFD'));
  return vowelFirst && /^(de|que|le|la|ne|se|je|me|te|jusque|lorsque|puisque)$/i.test(word) ? `${word.slice(0, -1)}\u2019` : `${word} `;
}
export function elide(word: string, name: string): string {
  return `${elision(word, name)}${name}`;
}

/**
 * An organisation's name as English writes it inside a sentence: "the Office of the Privacy
 * Commissioner of Canada". English names of authorities take the article; one that already has it
 * is left alone.
 */
export function withArticle(name: string): string {
  return /^the\s/i.test(name) ? name : `the ${name}`;
}

/**
 * An authority's name as it reads inside a sentence: English with "the"; French with the article the
 * campaign file gives it ("le Commissariat…", "l’Autorité…"), or undefined when it gives none, since
 * French cannot guess it from the name (the caller then words the sentence without it).
 */
export function authorityInSentence(authority: Pick<Authority, 'name' | 'article'>, language: Language): string | undefined {
  return language === 'en' ? withArticle(authority.name.en) : withFrenchArticle(authority.name.fr, authority.article?.fr);
}

/**
 * A name inside a French sentence, with the article its owner gives it (`Authority.article.fr`):
 * "le Commissariat…", "la CNIL", "l’Autorité…" (le and la elided before a vowel).
 * Undefined without a known article: French cannot guess it from the name, so the caller words the
 * sentence without one.
 */
export function withFrenchArticle(name: string, article: string | undefined): string | undefined {
  if (!(FRENCH_ARTICLES as readonly (string | undefined)[]).includes(article)) return undefined;
  return article === 'l’' ? `l’${name}` : elide(article!, name);
}

/**
 * A French time at the end of `text` as French typography writes it: no leading zero and no ":00"
 * minutes, joined by no-break spaces ("9 h", "9 h 30"), where Intl's fr-CA writes "09 h 00".
 */
export function frenchHour(text: string): string {
  return text.replace(/(\d{1,2})[\s\u202f]h[\s\u202f](\d{2})$/u, (_, hour: string, minutes: string) => `${Number(hour)}\u00a0h${minutes === '00' ? '' : `\u00a0${minutes}`}`);
}

/**
 * Each principle's title from one language's section of templates/words.yaml (its `principles:`),
 * which the letters and the workspace both read: a title missing or blank comes back as the problem
 * to fix, which each loader throws as its own error, so neither starts with a heading left empty.
 */
export function principleTitlesIn(words: unknown, language: Language): { titles: Record<Principle, string> } | { problem: string } {
  const section = words && typeof words === 'object' ? (words as Record<string, unknown>).principles : undefined;
  const given = section && typeof section === 'object' ? (section as Record<string, unknown>) : {};
  const titles = {} as Record<Principle, string>;
  for (const p of PRINCIPLES) {
    const title = given[p];
    if (typeof title !== 'string' || !title.trim()) return { problem: `templates/words.yaml has no ${language} title for principles.${p}; add it.` };
    titles[p] = title;
  }
  return { titles };
}
