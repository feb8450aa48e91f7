// One reading of durations and dates for the campaign file, the validators, the workflows' timers
// and the correspondence.
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../activities/calendar';
import { calendarDays, dueCountedFrom, durationMs, endOfLocalDay, endOfNextWeekday, instantInZone, isDateOnly, isoInstant, localTimeInstant, requireDurationMs, toIsoString } from '../../workflows/time';

const DAY = 86_400_000;

describe('durations', () => {
  it('reads the units a campaign file uses, years included', () => {
    expect(durationMs('14 days')).toBe(14 * DAY);
    expect(durationMs('36 hours')).toBe(36 * 3_600_000);
    expect(durationMs('2s')).toBe(2_000);
    expect(durationMs('2 weeks')).toBe(14 * DAY);
    expect(durationMs('7 years')).toBe(7 * 365.25 * DAY);
    expect(durationMs('1y')).toBe(365.25 * DAY);
    expect(durationMs(90_000)).toBe(90_000);
    expect(durationMs(' 3 days ')).toBe(3 * DAY);
  });

  it('reads a duration a French officer writes, in French units, as the same duration', () => {
    expect(durationMs('14 jours')).toBe(14 * DAY);
    expect(durationMs('1 jour')).toBe(DAY);
    expect(durationMs('14 j')).toBe(14 * DAY);
    expect(durationMs('36 heures')).toBe(36 * 3_600_000);
    expect(durationMs('1,5 heure')).toBe(1.5 * 3_600_000);
    expect(durationMs('2 semaines')).toBe(14 * DAY);
    expect(durationMs('90 minutes')).toBe(90 * 60_000);
    expect(durationMs('7 ans')).toBe(7 * 365.25 * DAY);
    expect(durationMs('1 année')).toBe(365.25 * DAY);
    // Added at the end of a local day, French days and weeks are calendar days as English ones are.
    expect(calendarDays('14 jours')).toBe(14);
    expect(calendarDays('2 semaines')).toBe(14);
    expect(calendarDays('36 heures')).toBeUndefined();
    // « jours ouvrables » count Saturdays in France and not in Quebec: refused, not guessed.
    expect(durationMs('10 jours ouvrables')).toBeUndefined();
  });

  it('counts a due date from a moment, never earlier than the date already set', () => {
    const from = Date.parse('2020-07-21T12:00:00Z');
    expect(dueCountedFrom(from, '30 days')).toBe('2020-08-20T12:00:00.000Z');
    expect(dueCountedFrom(from, '30 days', '2020-08-20T09:00:00.000Z')).toBe('2020-08-20T12:00:00.000Z');
    expect(dueCountedFrom(from, '30 days', '2020-08-21T09:00:00.000Z')).toBe('2020-08-21T09:00:00.000Z');
  });

  it('refuses what is not a duration, or a negative one', () => {
    for (const bad of ['7 eons', 'soon', '', '-1d', -5, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}, '1'.repeat(200)]) {
      expect(durationMs(bad), String(bad)).toBeUndefined();
    }
    expect(() => requireDurationMs('7 eons', 'policy.closeAfter')).toThrow('policy.closeAfter "7 eons" is not a duration');
  });
});

describe('ISO dates', () => {
  it('reads a calendar date as midnight UTC and a timestamp with its zone', () => {
    expect(isoInstant('2020-07-21')).toBe(Date.UTC(2020, 6, 21));
    expect(isoInstant('2020-09-01T14:00:00Z')).toBe(Date.UTC(2020, 8, 1, 14));
    expect(isoInstant('2020-09-01T14:00+02:00')).toBe(Date.UTC(2020, 8, 1, 12));
    expect(toIsoString(Date.UTC(2020, 8, 1, 14))).toBe('2020-09-01T14:00:00.000Z');
    expect(isDateOnly('2020-07-21')).toBe(true);
    expect(isDateOnly('2020-07-21T00:00:00Z')).toBe(false);
  });

  it('refuses a time without its zone and text that is not a date', () => {
    for (const bad of ['2020-09-01T14:00', 'tomorrow', '21/07/2020', '2020-13-45', '']) {
      expect(isoInstant(bad), bad).toBeUndefined();
    }
  });
});

describe('a day or a time an officer types, in the campaign\'s zone', () => {
  const iso = (time: number | undefined) => (time === undefined ? undefined : toIsoString(time));

  it('reads a bare day as the last moment of that day in the zone', () => {
    expect(iso(instantInZone('2026-12-11', 'America/Toronto'))).toBe('2026-12-12T04:59:59.999Z');
    expect(iso(instantInZone('2026-12-30', 'America/Toronto'))).toBe('2026-12-31T04:59:59.999Z');
    expect(iso(instantInZone('2021-07-14', 'Europe/Paris'))).toBe('2021-07-14T21:59:59.999Z');
    expect(iso(instantInZone('2021-01-14', 'Europe/Paris'))).toBe('2021-01-14T22:59:59.999Z');
    expect(iso(instantInZone('2021-02-03', 'UTC'))).toBe('2021-02-03T23:59:59.999Z');
    // East of UTC, the day ends before midnight UTC of the same date.
    expect(iso(instantInZone('2021-02-03', 'Australia/Sydney'))).toBe('2021-02-03T12:59:59.999Z');
  });

  it('ends a day where a working-day deadline on that day ends', () => {
    for (const timeZone of ['America/Toronto', 'Europe/Paris', 'Australia/Sydney', 'UTC']) {
      const calendar = { jurisdiction: 'CA', timeZone };
      // 10 working days from a Monday in Toronto's calendar; whichever day that lands on, the rule agrees.
      const due = addWorkingDays(Date.parse('2026-11-30T15:00:00Z'), 10, calendar);
      const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(due);
      expect(endOfLocalDay(day, timeZone), timeZone).toBe(due);
    }
  });

  it('ends the days the clocks change on after 23 and 25 hours', () => {
    // Toronto springs forward on 14 March 2021 and falls back on 7 November 2021.
    expect(iso(endOfLocalDay('2021-03-13', 'America/Toronto'))).toBe('2021-03-14T04:59:59.999Z');
    expect(iso(endOfLocalDay('2021-03-14', 'America/Toronto'))).toBe('2021-03-15T03:59:59.999Z');
    expect(iso(endOfLocalDay('2021-11-06', 'America/Toronto'))).toBe('2021-11-07T03:59:59.999Z');
    expect(iso(endOfLocalDay('2021-11-07', 'America/Toronto'))).toBe('2021-11-08T04:59:59.999Z');
    expect(endOfLocalDay('2021-03-14', 'America/Toronto')! - endOfLocalDay('2021-03-13', 'America/Toronto')!).toBe(23 * 3_600_000);
    expect(endOfLocalDay('2021-11-07', 'America/Toronto')! - endOfLocalDay('2021-11-06', 'America/Toronto')!).toBe(25 * 3_600_000);
  });

  it('ends the next weekday after a moment’s day in its zone, past a weekend and across a change of clocks', () => {
    // Friday 30 October 2020, 15:30 in Toronto: Monday 2 November, after the clocks fell back on Sunday.
    expect(iso(endOfNextWeekday(Date.parse('2020-10-30T19:30:00Z'), 'America/Toronto'))).toBe('2020-11-03T04:59:59.999Z');
    // Tuesday 23:30 in Toronto is already Wednesday in UTC: each zone counts from its own day.
    expect(iso(endOfNextWeekday(Date.parse('2020-09-16T03:30:00Z'), 'America/Toronto'))).toBe('2020-09-17T03:59:59.999Z');
    expect(iso(endOfNextWeekday(Date.parse('2020-09-16T03:30:00Z'), 'UTC'))).toBe('2020-09-17T23:59:59.999Z');
    // A Saturday's next weekday is Monday.
    expect(iso(endOfNextWeekday(Date.parse('2020-09-12T10:00:00Z'), 'Europe/Paris'))).toBe('2020-09-14T21:59:59.999Z');
  });

  it('reads a wall-clock time as that time in the zone, through the clock changes', () => {
    expect(iso(instantInZone('2021-02-03T14:00', 'America/Toronto'))).toBe('2021-02-03T19:00:00.000Z');
    expect(iso(instantInZone('2021-02-03T14:00:30', 'Europe/Paris'))).toBe('2021-02-03T13:00:30.000Z');
    expect(iso(instantInZone('2021-02-03T09:00', 'Australia/Sydney'))).toBe('2021-02-02T22:00:00.000Z');
    // 02:30 does not exist on 14 March in Toronto: read as 03:30 EDT, the time an hour's shift gives.
    expect(iso(localTimeInstant('2021-03-14T02:30', 'America/Toronto'))).toBe('2021-03-14T07:30:00.000Z');
    // 01:30 happens twice on 7 November: the first, still EDT.
    expect(iso(localTimeInstant('2021-11-07T01:30', 'America/Toronto'))).toBe('2021-11-07T05:30:00.000Z');
    expect(iso(localTimeInstant('2021-11-07T03:00', 'America/Toronto'))).toBe('2021-11-07T08:00:00.000Z');
  });

  it('keeps a timestamp that names its zone, and refuses what is not a day or a time', () => {
    expect(iso(instantInZone('2021-02-03T14:00:00Z', 'America/Toronto'))).toBe('2021-02-03T14:00:00.000Z');
    expect(iso(instantInZone('2021-02-03T14:00:00+01:00', 'America/Toronto'))).toBe('2021-02-03T13:00:00.000Z');
    expect(instantInZone('2021-02-31', 'America/Toronto')).toBeUndefined();
    expect(instantInZone('2021-02-03T25:00', 'America/Toronto')).toBeUndefined();
    expect(instantInZone('next Tuesday', 'America/Toronto')).toBeUndefined();
  });
});
