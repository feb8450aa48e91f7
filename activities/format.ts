// How dates, times and lists of names read in each language of the correspondence. Always with an
// explicit time zone (UTC unless the input names one), so a message's text depends only on its input.
import { DossierError } from '../workflows/errors';
import { isDateOnly, isoInstant } from '../workflows/time';
import type { Language } from '../workflows/types';
import { wordListOf, wordOf } from './templates';

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
  return firstOfMonth(text, language);
}

/** `Tuesday 1 September 2020 at 14:00` / `mardi 1 septembre 2020 à 14 h 00`, in the given zone. */
export function formatDateTime(value: string, language: Language, timeZone = 'UTC'): string {
  const text = new Intl.DateTimeFormat(LOCALE[language], {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: checkTimeZone(timeZone),
  }).format(parseInstant(value, 'Date and time'));
  return firstOfMonth(text, language);
}

/** A language that writes the first day of a month as an ordinal (French `1er septembre`); Intl writes `1`. */
function firstOfMonth(text: string, language: Language): string {
  const word = wordOf(language, 'firstOfMonth');
  return word ? text.replace(/(^|\s)1 (?=\p{L})/u, `$1${word} `) : text;
}

/** `A, B and C` / `A, B et C`. */
export function joinNames(names: string[], language: Language): string {
  return new Intl.ListFormat(LOCALE[language], { style: 'long', type: 'conjunction' }).format(names);
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

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
