// Durations and dates, read one way everywhere: the campaign file, the update validators, the
// workflows' timers and the correspondence all use these. Pure and deterministic (no clock, no
// Node), so workflow code, the client and activities can import it alike.
import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration } from './types';

/**
 * Milliseconds of a duration in the SDK's format (the `ms` package: `'14 days'`, `'36 hours'`,
 * `'2s'`, `'7 years'` of 365.25 days) or a number of milliseconds; undefined when it is not one,
 * or negative.
 * @example durationMs('7 years') // 220_898_664_000
 */
export function durationMs(duration: unknown): number | undefined {
  const millis = unboundedMs(duration);
  return millis !== undefined && millis <= MAX_DURATION_MS ? millis : undefined;
}

/**
 * The longest duration any input may give. A case runs for months, a retention for years; past
 * this, a timer's end is a date JavaScript cannot write ("Invalid time value" on every workflow
 * task), and Temporal's own timers stop at about 100 years.
 */
export const MAX_DURATION_YEARS = 10;
export const MAX_DURATION_MS = MAX_DURATION_YEARS * 365.25 * 86_400_000;
const MAX_DURATION_TEXT = `${MAX_DURATION_YEARS} years`;

// A French officer writes « 14 jours » or « 1,5 heure »; the SDK's parser knows English units only.
const FRENCH_DURATION = /^(\d+(?:[.,]\d+)?)\s*(j|jours?|semaines?|heures?|minutes?|secondes?|ans?|années?)$/i;
const ENGLISH_UNIT: Readonly<Record<string, string>> = { j: 'days', jour: 'days', semaine: 'weeks', heure: 'hours', minute: 'minutes', seconde: 'seconds', an: 'years', année: 'years' };

/** The duration with French units in the SDK's English (`"14 jours"` → `"14 days"`), else as written. */
function inEnglishUnits(duration: string): string {
  const match = FRENCH_DURATION.exec(duration);
  if (!match) return duration;
  const unit = match[2]!.toLowerCase();
  return `${match[1]!.replace(',', '.')} ${ENGLISH_UNIT[unit] ?? ENGLISH_UNIT[unit.replace(/s$/, '')]}`;
}

function unboundedMs(duration: unknown): number | undefined {
  if (typeof duration !== 'number' && typeof duration !== 'string') return undefined;
  let millis: number;
  try {
    millis = msToNumber(typeof duration === 'string' ? inEnglishUnits(duration.trim()) : duration);
  } catch {
    return undefined;
  }
  return Number.isFinite(millis) && millis >= 0 ? millis : undefined;
}

// « jours ouvrés » are Monday to Friday, as counted here; « jours ouvrables » are not taken: in France
// they include Saturdays (in Quebec they do not), so the same words would give two deadlines.
const WORKING_DAYS = /^(\d{1,4})\s+(?:working\s+days?|jours?\s+ouvrés?)$/i;
/** At most ten years of working days, like every other duration. */
export const MAX_WORKING_DAYS = 2_600;

/**
 * The number of working days of a duration written `"20 working days"`, or undefined when it is a
 * plain duration. Working days are counted on a calendar (weekends and the lead authority's public
 * holidays), which only an activity can read: the workflow asks one for the resulting date.
 * @example workingDays('20 working days') // 20
 */
export function workingDays(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const match = WORKING_DAYS.exec(duration.trim());
  return match ? Number(match[1]) : undefined;
}

const CALENDAR_DAYS = /^(\d{1,5})\s*(d|days?|w|weeks?|j|jours?|semaines?)$/i;

/**
 * The number of days of a plain duration written in whole days or weeks (`"14 days"`, `"2 weeks"`),
 * or undefined (hours, milliseconds, working days). Added to a deadline at the end of a local day,
 * such days are calendar days in the lead authority's zone, not 24-hour spans (activities/calendar.ts).
 * @example calendarDays('2 weeks') // 14
 */
export function calendarDays(duration: unknown): number | undefined {
  if (typeof duration !== 'string' || durationMs(duration) === undefined) return undefined;
  const match = CALENDAR_DAYS.exec(duration.trim());
  if (!match) return undefined;
  return Number(match[1]) * (/^(w|s)/i.test(match[2]!) ? 7 : 1);
}

/**
 * What is wrong with a duration, by kind: working days where they do not count, working days out of
 * range, not a duration, longer than the longest, shorter than a second; undefined if nothing.
 */
export type DurationIssue = 'working-days-not-counted' | 'working-days-range' | 'not-a-duration' | 'too-long' | 'under-a-second';

export function durationIssue(duration: unknown, options: { workingDays?: boolean; atLeastOneSecond?: boolean } = {}): DurationIssue | undefined {
  const days = workingDays(duration);
  if (days !== undefined) {
    if (!options.workingDays) return 'working-days-not-counted';
    return days < 1 || days > MAX_WORKING_DAYS ? 'working-days-range' : undefined;
  }
  const millis = unboundedMs(duration);
  if (millis === undefined) return 'not-a-duration';
  if (millis > MAX_DURATION_MS) return 'too-long';
  if (options.atLeastOneSecond && millis < 1_000) return 'under-a-second';
  return undefined;
}

/** What is wrong with a duration, as the end of a sentence about its field; undefined if nothing. */
export function durationProblem(duration: unknown, options: { workingDays?: boolean; atLeastOneSecond?: boolean } = {}): string | undefined {
  switch (durationIssue(duration, options)) {
    case undefined:
      return undefined;
    case 'working-days-not-counted':
      return 'must be a duration such as "14 days" or "36 hours": working days count only for deadlines owed by a vendor';
    case 'working-days-range':
      return `must be between 1 and ${MAX_WORKING_DAYS} working days (got ${workingDays(duration)})`;
    case 'not-a-duration':
      return `must be a duration such as "14 days", "36 hours", "2s"${options.workingDays ? ', "20 working days"' : ''} or a number of milliseconds`;
    case 'too-long':
      return `must be at most ${MAX_DURATION_TEXT} (got ${shortly(duration)})`;
    case 'under-a-second':
      return `must be at least 1 second: it is how often a reminder repeats (got ${shortly(duration)})`;
  }
}

function shortly(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** Milliseconds of a duration already checked (a policy from a validated campaign); throws otherwise. */
export function requireDurationMs(duration: Duration, field = 'duration'): number {
  const millis = durationMs(duration);
  if (millis !== undefined) return millis;
  if (unboundedMs(duration) !== undefined) throw new RangeError(`${field} ${durationProblem(duration)}`);
  throw new RangeError(`${field} "${String(duration)}" is not a duration such as "14 days" or "2s"`);
}

/** A calendar date written `YYYY-MM-DD`, with no time: the day itself, whatever the time zone. */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_OR_TIME = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

export function isDateOnly(text: string): boolean {
  return DATE_ONLY.test(text);
}

/**
 * Whether an ISO date or timestamp names a day and time that exist: JavaScript rolls
 * `2020-02-31` over to 2 March and accepts `T24:00`, so the parts are checked one by one.
 */
function isRealCalendarTime(match: RegExpExecArray): boolean {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  if (match[4] === undefined) return true;
  const [hour, minute, second] = [Number(match[5]), Number(match[6]), Number(match[8] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return false;
  return match[11] === undefined || (Number(match[11]) <= 23 && Number(match[12]) <= 59);
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (not 2020-02-31, not 2020-13-45). */
export function isCalendarDate(text: string): boolean {
  return DATE_ONLY.test(text) && isoInstant(text) !== undefined;
}

/**
 * Milliseconds since the epoch of an ISO date (`2020-08-10`, midnight UTC) or an ISO timestamp
 * with its zone (`2020-08-10T14:00:00Z`, `…+02:00`); undefined for anything else, including a
 * day or time that does not exist (`2020-02-31`, `T25:00`).
 */
export function isoInstant(text: string): number | undefined {
  const trimmed = text.trim();
  const match = ISO_DATE_OR_TIME.exec(trimmed);
  if (!match || !isRealCalendarTime(match)) return undefined;
  const time = Date.parse(DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * A response time counted from `from` (when the letter goes out), never earlier than `notBefore`
 * (the date already set for it): the send counts it to state it, the case keeps what was stated.
 * @example dueCountedFrom(Date.parse('2020-07-21T09:00:00Z'), '30 days') // '2020-08-20T09:00:00.000Z'
 */
export function dueCountedFrom(from: number, dueAfter: Duration, notBefore?: string): string {
  const due = from + requireDurationMs(dueAfter);
  const floor = notBefore === undefined ? undefined : isoInstant(notBefore);
  return toIsoString(floor !== undefined && floor > due ? floor : due);
}

/** The ISO timestamp (UTC, milliseconds) every recorded time is written as. */
export function toIsoString(time: number): string {
  return new Date(time).toISOString();
}

/**
 * The calendar day (`YYYY-MM-DD`) an ISO timestamp falls on in a time zone, or in UTC without one.
 * Deterministic in workflow code: an explicit zone never reads the machine's, and Node ships the
 * time-zone data with ICU.
 * @example calendarDayIn('2026-11-30T02:00:00Z', 'America/Toronto') // '2026-11-29'
 */
// Building an Intl.DateTimeFormat costs far more than using one, and a workflow's state may ask for
// a day many times an activation (a board listing is compared at every condition check).
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function calendarDayIn(instant: string, timeZone: string | undefined): string {
  const time = isoInstant(instant);
  if (time === undefined) throw new RangeError(`"${instant}" is not an ISO timestamp`);
  if (!timeZone) return toIsoString(time).slice(0, 10);
  let format = dayFormats.get(timeZone);
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = format.formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

// ── A day or a wall-clock time in a campaign's zone ──────────────────────────────────────────────
// An officer names a due date as a day on the lead authority's calendar, as the letters print it;
// a working-day deadline ends at the last moment of its local day (activities/calendar.ts), so a
// day typed in the workspace or the CLI ends there too. Intl gives the zone's offsets: no clock read.

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?$/;
const DAY_MS = 86_400_000;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone is ahead of UTC at an instant (negative west of Greenwich). */
export function zoneOffsetMs(time: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(time));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wholeSecond = Math.floor(time / 1000) * 1000;
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - wholeSecond;
}

/**
 * The instant a wall-clock time (`YYYY-MM-DDTHH:MM[:SS[.mmm]]`, no zone) names in a zone. A time the
 * clocks skip (02:30 when they spring forward) is read with the offset before the change (03:30);
 * a time they repeat (01:30 when they fall back) is its first occurrence.
 */
export function localTimeInstant(local: string, timeZone: string): number | undefined {
  const trimmed = local.trim();
  // Read as if at UTC, the wall clock's own reading; isoInstant refuses a day or time that does not exist.
  const wall = LOCAL_TIME.test(trimmed) ? isoInstant(`${trimmed}Z`) : undefined;
  if (wall === undefined) return undefined;
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => t + zoneOffsetMs(t, timeZone) === wall);
  return candidates.length ? Math.min(...candidates) : wall - before;
}

/** The calendar day (`YYYY-MM-DD`) `count` days after `date`, whatever the clocks do. */
export function calendarDayAfter(date: string, count: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + count * DAY_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a calendar day (`YYYY-MM-DD`) in a zone: where a deadline on that day ends. */
export function endOfLocalDay(date: string, timeZone: string): number | undefined {
  if (!isCalendarDate(date)) return undefined;
  const start = localTimeInstant(`${calendarDayAfter(date, 1)}T00:00`, timeZone);
  return start === undefined ? undefined : start - 1;
}

/**
 * A moment an officer typed, read in the campaign's zone: a bare day (`2021-02-03`) is the end of
 * that day there, a wall-clock time (`2021-02-03T14:00`, a `datetime-local` field) that time there,
 * and a timestamp with its zone (`…Z`, `…+01:00`) as written. Undefined when it is none of these.
 * @example instantInZone('2021-02-03', 'America/Toronto') // Date.parse('2021-02-04T04:59:59.999Z')
 */
export function instantInZone(text: string, timeZone: string): number | undefined {
  const trimmed = text.trim();
  if (DATE_ONLY.test(trimmed)) return endOfLocalDay(trimmed, timeZone);
  if (LOCAL_TIME.test(trimmed)) return localTimeInstant(trimmed, timeZone);
  return isoInstant(trimmed);
}

/**
 * The last millisecond of the first weekday (Monday to Friday) after the day `time` falls on in a
 * zone. Weekends only: public holidays come from the calendar activity, which a pure rule cannot ask.
 * @example endOfNextWeekday(Date.parse('2020-09-11T19:30:00Z'), 'America/Toronto') // Monday 14 September's end there
 */
export function endOfNextWeekday(time: number, timeZone: string): number {
  let day = calendarDayAfter(calendarDayIn(toIsoString(time), timeZone), 1);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = calendarDayAfter(day, 1);
  return endOfLocalDay(day, timeZone)!;
}
