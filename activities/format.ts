// How dates, times and lists of names read in each language of the correspondence. Always with an
// explicit time zone (UTC unless the input names one), so a message's text depends only on its input.
import { DossierError } from '../workflows/errors';
import { isDateOnly, isoInstant } from '../workflows/time';
import type { Language } from '../workflows/types';

const LOCALE: Record<Language, string> = { en: 'en-GB', fr: 'fr-CA' };

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

export function checkTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    throw new FormatError(`Unknown time zone "${timeZone}"; use an IANA name such as "America/Toronto" or "UTC".`);
  }
}

/** `21 July 2020` / `21 juillet 2020`. A bare `YYYY-MM-DD` is that calendar day, whatever the zone. */
export function formatDate(value: string, language: Language, timeZone = 'UTC'): string {
  const bareDate = isDateOnly(value);
  const text = new Intl.DateTimeFormat(LOCALE[language], {
    dateStyle: 'long',
    timeZone: bareDate ? 'UTC' : checkTimeZone(timeZone),
  }).format(parseInstant(value, 'Date'));
  return language === 'fr' ? premier(text) : text;
}

/** `Tuesday 1 September 2020 at 14:00` / `mardi 1 septembre 2020 à 14 h 00`, in the given zone. */
export function formatDateTime(value: string, language: Language, timeZone = 'UTC'): string {
  const text = new Intl.DateTimeFormat(LOCALE[language], {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: checkTimeZone(timeZone),
  }).format(parseInstant(value, 'Date and time'));
  return language === 'fr' ? premier(text) : text;
}

/** French writes the first day of a month as an ordinal: `1er septembre`; Intl writes `1 septembre`. */
function premier(text: string): string {
  return text.replace(/(^|\s)1 (?=\p{L})/u, '$11er ');
}

/** `A, B and C` / `A, B et C`. */
export function joinNames(names: string[], language: Language): string {
  return new Intl.ListFormat(LOCALE[language], { style: 'long', type: 'conjunction' }).format(names);
}

const ORDINALS: Record<Language, string[]> = {
  en: ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'],
  fr: ['premier', 'deuxième', 'troisième', 'quatrième', 'cinquième', 'sixième', 'septième', 'huitième', 'neuvième', 'dixième'],
};

/** `second` / `deuxième`; past ten, `11th` / `11e`. */
export function ordinal(n: number, language: Language): string {
  const word = ORDINALS[language][n - 1];
  if (word) return word;
  if (language === 'fr') return `${n}e`;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
