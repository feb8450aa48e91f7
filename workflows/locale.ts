// How dates read in each language, where the correspondence (activities/format.ts) and the web
// workspace (web/views.ts) must agree: the locale each language is written in, the first day of a
// month as an ordinal ("1er juillet"), and a time zone named as its readers name it ("heure de l’Est").
// Pure, here because both sides may import workflows/ and neither may import the other; no workflow
// uses it, so it stays out of the workflow bundle.
import type { Language } from './types';

export const LOCALE: Record<Language, string> = { en: 'en-GB', fr: 'fr-CA' };

/**
 * A date whose day is the first of its month, with that "1" written as the language's ordinal:
 * `firstOfMonth('1 juillet 2026', '1er')` gives "1er juillet 2026" (Intl writes "1"). The space after
 * the day is kept as it was (an ordinary or a no-break one). The ordinal comes from the caller's
 * templates; a language with none passes undefined or "1".
 */
export function firstOfMonth(text: string, ordinal: string | undefined): string {
  return ordinal ? text.replace(/(^|\s)1([ \u00a0\u202f])(?=\p{L})/u, (_, before: string, space: string) => `${before}${ordinal}${space}`) : text;
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
  // Some French names hold a colon ("heure : Royaume-Uni"); French wants a no-break space before it.
  return language === 'fr' ? name.replace(/ ([:;?!])/g, '\u00a0$1') : name;
}
