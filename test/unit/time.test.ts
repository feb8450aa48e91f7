// One reading of durations and dates for the campaign file, the validators, the workflows' timers
// and the correspondence.
import { describe, expect, it } from 'vitest';
import { durationMs, isDateOnly, isoInstant, requireDurationMs, toIsoString } from '../../workflows/time';

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
