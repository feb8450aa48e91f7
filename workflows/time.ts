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
  if (typeof duration !== 'number' && typeof duration !== 'string') return undefined;
  let millis: number;
  try {
    millis = msToNumber(typeof duration === 'string' ? duration.trim() : duration);
  } catch {
    return undefined;
  }
  return Number.isFinite(millis) && millis >= 0 ? millis : undefined;
}

/** Milliseconds of a duration already checked (a policy from a validated campaign); throws otherwise. */
export function requireDurationMs(duration: Duration, field = 'duration'): number {
  const millis = durationMs(duration);
  if (millis === undefined) throw new RangeError(`${field} "${String(duration)}" is not a duration such as "14 days" or "2s"`);
  return millis;
}

/** A calendar date written `YYYY-MM-DD`, with no time: the day itself, whatever the time zone. */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function isDateOnly(text: string): boolean {
  return DATE_ONLY.test(text);
}

/**
 * Milliseconds since the epoch of an ISO date (`2020-08-10`, midnight UTC) or an ISO timestamp
 * with its zone (`2020-08-10T14:00:00Z`, `…+02:00`); undefined for anything else.
 */
export function isoInstant(text: string): number | undefined {
  const trimmed = text.trim();
  if (!ISO_DATE_OR_TIME.test(trimmed)) return undefined;
  const time = Date.parse(DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(time) ? undefined : time;
}

/** The ISO timestamp (UTC, milliseconds) every recorded time is written as. */
export function toIsoString(time: number): string {
  return new Date(time).toISOString();
}
