// How dates, times and lists of names read in each language of the correspondence. Always with an
// explicit time zone (UTC unless the input names one), so a message's text depends only on its input.
import { DossierError } from '../workflows/errors';
import { frenchHour, firstOfMonth as ordinalFirstOfMonth, largestWholeUnit, LOCALE, timeZoneName as zoneName } from '../workflows/locale';
import { durationMs, isDateOnly, isoInstant } from '../workflows/time';
import { type Duration, type Language, type Principle } from '../workflows/types';
import { wordListOf, wordOf } from './templates';

/** A date or time zone the correspondence cannot be written with; the message shows a valid one. */
export class FormatError extends DossierError<'FormatError'> {
  constructor(message: string) {
    super('FormatError', message);
  }
}

function parseInstant(value: string, what: string): Date {
  const time = isoInstant(value);
  if (time === undefined) throw new FormatError(`${what} "${value}" is not an ISO date or timestamp.`);
  return new Date(time);
}

/**
 * Formatters by locale, style and zone, made once per process: building an Intl.DateTimeFormat costs
 * more than formatting with it, and every message formats a few dates.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${options.dateStyle ?? ''}|${options.timeStyle ?? ''}|${options.timeZone ?? ''}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

export function checkTimeZone(timeZone: string): string {
  try {
    dateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    throw new FormatError(`Unknown time zone "${timeZone}"; use an IANA name such as "America/Toronto" or "UTC".`);
  }
}

// Which zone a campaign's dates are in is a domain rule, kept beside `leadCalendar` (the web reads it too).
export { campaignTimeZone } from '../workflows/types';

/**
 * `21 July 2020` / `21 juillet 2020`, its words joined by no-break spaces (U+00A0) so that a line
 * never ends inside a date ("29 / novembre 2026"). A bare `YYYY-MM-DD` is that calendar day, whatever the zone.
 */
export function formatDate(value: string, language: Language, timeZone = 'UTC'): string {
  const bareDate = isDateOnly(value);
  const text = dateTimeFormat(LOCALE[language], {
    dateStyle: 'long',
    timeZone: bareDate ? 'UTC' : checkTimeZone(timeZone),
  }).format(parseInstant(value, 'Date'));
  return firstOfMonth(text, language).replace(/ /g, '\u00a0');
}

/**
 * `Tuesday 1 September 2020 at 14:00` / `mardi 1er septembre 2020 à 14 h`, in the given zone. French
 * writes the hour without a leading zero and without ":00" minutes ("9 h", "9 h 30"); Intl writes "09 h 00".
 * French joins the day, month and year with no-break spaces, as formatDate does, so that a subject
 * line or a calendar entry never ends inside the date ("1er / octobre 2020").
 */
export function formatDateTime(value: string, language: Language, timeZone = 'UTC'): string {
  const text = dateTimeFormat(LOCALE[language], {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: checkTimeZone(timeZone),
  }).format(parseInstant(value, 'Date and time'));
  const dated = firstOfMonth(text, language);
  if (language !== 'fr') return dated;
  return frenchHour(dated.replace(/(\d{1,2}\p{L}*) (\p{L}+\.?) (\d{4})/u, '$1\u00a0$2\u00a0$3'));
}

/**
 * A time zone as a reader names it, in their language: "heure de l’Est" / "Eastern Time" for
 * America/Toronto, not the IANA id; UTC stays "UTC". The rule is workflows/locale.ts's, which the
 * workspace follows too; here an unknown zone or instant is refused with a FormatError.
 */
export function timeZoneName(timeZone: string, language: Language, at: string): string {
  return zoneName(checkTimeZone(timeZone), language, parseInstant(at, 'Date and time'));
}

/** A language that writes the first day of a month as an ordinal (French `1er septembre`); Intl writes `1`. */
function firstOfMonth(text: string, language: Language): string {
  return ordinalFirstOfMonth(text, wordOf(language, 'firstOfMonth'));
}

const listFormats = new Map<Language, Intl.ListFormat>();

/** `A, B and C` / `A, B et C`. */
export function joinNames(names: string[], language: Language): string {
  let format = listFormats.get(language);
  if (!format) listFormats.set(language, (format = new Intl.ListFormat(LOCALE[language], { style: 'long', type: 'conjunction' })));
  return format.format(names);
}

/**
 * How far ahead the officer digest looks, as its closing sentence says it: the largest whole unit,
 * the count spelled out up to ten: `seven days` / `les sept jours` (templates/words.yaml `within`).
 * @example lookAheadInWords('7 days', 'en') // 'seven days'
 */
export function lookAheadInWords(duration: Duration, language: Language): string {
  const millis = durationMs(duration);
  if (millis === undefined) throw new FormatError(`"${String(duration)}" is not a duration such as "7 days" or "36 hours".`);
  const { unit, count: whole } = largestWholeUnit(millis);
  const count = Math.max(1, whole);
  const inWords = wordListOf(language, 'cardinals')[count] ?? new Intl.NumberFormat(LOCALE[language]).format(count);
  const text = wordOf(language, `within.${unit}.${count === 1 ? 'one' : 'other'}`, { count: inWords });
  if (text === undefined) throw new FormatError(`templates/words.yaml has no ${language} within.${unit}; add it.`);
  return text;
}

/** `second` / `deuxième`; past the words of templates/words.yaml, `11th` / `11e`. */
export function ordinal(n: number, language: Language): string {
  const word = wordListOf(language, 'ordinals')[n - 1];
  if (word) return word;
  const category = new Intl.PluralRules(LOCALE[language], { type: 'ordinal' }).select(n);
  const numbered = wordOf(language, `numberedOrdinal.${category}`, { n }) ?? wordOf(language, 'numberedOrdinal.other', { n });
  if (!numbered) throw new FormatError(`templates/words.yaml has no ${language} numberedOrdinal.other; add it.`);
  return numbered;
}

/** `End-user control` / `Contrôle par l’utilisateur final`, from templates/words.yaml. */
export function principleTitle(principle: Principle, language: Language): string {
  const title = wordOf(language, `principles.${principle}`);
  if (!title) throw new FormatError(`templates/words.yaml has no ${language} principles.${principle}; add it.`);
  return title;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `A, B and C`, or `A; B; and C` when a name holds a comma ("…Personal Data, Hong Kong"), so each name stays whole. */
export function joinAuthorityNames(names: string[], language: Language): string {
  if (!names.some((n) => n.includes(','))) return joinNames(names, language);
  if (names.length < 2) return names.join('');
  const last = names[names.length - 1];
  const rest = names.slice(0, -1);
  return language === 'fr' ? `${rest.join('\u202f; ')} et ${last}` : `${rest.join('; ')}; and ${last}`;
}

/** The first letter in lower case, unless the first word is an acronym or a name in capitals ("EU", "GDPR"). */
export function lowerFirst(text: string): string {
  const first = text.split(/\s/, 1)[0] ?? '';
  if (first.length > 1 && first === first.toUpperCase()) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * French "de" before a noun phrase that carries its article: de + les → des, de + le → du
 * ("au sujet des attentes…", "au sujet du cadre…"); "de la", "de l’" stay.
 */
export function frenchDe(phrase: string): string {
  const match = /^(les|le)\s+(.*)$/isu.exec(phrase);
  if (match) return `${match[1].toLowerCase() === 'les' ? 'des' : 'du'} ${match[2]}`;
  return `de ${phrase}`;
}
