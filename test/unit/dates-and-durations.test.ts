// Dates that do not exist and durations no case can wait are refused where they enter, with the
// field named: JavaScript would roll 2020-02-31 over to 2 March, and a duration of 1e300 ms makes a
// deadline that cannot be written, failing every workflow task of the engagement for ever.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignFileError, parseCampaignYaml } from '../../client/campaign-file';
import { parseIsoDate } from '../../workflows/engagement-rules';
import { durationMs, durationProblem, isoInstant, MAX_DURATION_MS, requireDurationMs } from '../../workflows/time';

const DEMO_YAML = readFileSync(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');

function problemsOf(yaml: string): string[] {
  expect(yaml).not.toBe(DEMO_YAML);
  try {
    parseCampaignYaml(yaml, 'campaigns/x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignFileError);
    return (err as CampaignFileError).problems.map((p) => `${p.where}: ${p.message}`);
  }
  throw new Error('the campaign file was accepted');
}

describe('real calendar dates', () => {
  it('refuses days and times that do not exist, and keeps those that do', () => {
    for (const bad of ['2020-02-31', '2019-02-29', '2020-13-45', '2020-00-10', '2020-04-31', '2020-09-01T24:00:00Z', '2020-09-01T12:60Z', '2020-09-01T12:00:61Z']) {
      expect(isoInstant(bad), bad).toBeUndefined();
    }
    expect(isoInstant('2020-02-29')).toBe(Date.UTC(2020, 1, 29));
    expect(isoInstant('2020-12-31T23:59:59+14:00')).toBe(Date.UTC(2020, 11, 31, 9, 59, 59));
    expect(() => parseIsoDate('2021-02-30', 'dueDate', 'due-date')).toThrow(/^dueDate must be an ISO date .*"2021-02-30"/);
  });

  it('refuses a campaign letter dated 2020-13-45 or 2020-02-31, naming the field', () => {
    expect(DEMO_YAML).toContain('date: 2020-07-21');
    expect(problemsOf(DEMO_YAML.replace('date: 2020-07-21', 'date: 2020-13-45'))).toEqual(['letter.date: must be a date that exists (got "2020-13-45")']);
    expect(problemsOf(DEMO_YAML.replace('date: 2020-07-21', 'date: 2020-02-31'))).toEqual(['letter.date: must be a date that exists (got "2020-02-31")']);
  });
});

describe('bounded durations', () => {
  it('accepts up to ten years and refuses more, saying the bound', () => {
    expect(durationMs('10 years')).toBe(MAX_DURATION_MS);
    expect(durationMs('3650 days')).toBeLessThan(MAX_DURATION_MS);
    for (const absurd of [1e300, '99999999999999 weeks', '11 years', MAX_DURATION_MS + 1]) {
      expect(durationMs(absurd), String(absurd)).toBeUndefined();
      expect(durationProblem(absurd)).toMatch(/^must be at most 10 years \(got /);
    }
    expect(() => requireDurationMs(1e300, 'policy.responseDue')).toThrow('policy.responseDue must be at most 10 years (got 1e+300)');
  });

  it('refuses a campaign whose response is due in 1e300 ms or 99999999999999 weeks, naming the field', () => {
    expect(DEMO_YAML).toMatch(/responseDue: .+\n/);
    expect(problemsOf(DEMO_YAML.replace(/responseDue: .+\n/, 'responseDue: 1e300\n'))).toEqual(['policy.responseDue: must be at most 10 years (got 1e+300)']);
    expect(problemsOf(DEMO_YAML.replace(/closeAfter: .+\n/, 'closeAfter: 99999999999999 weeks\n'))).toEqual([
      'policy.closeAfter: must be at most 10 years (got "99999999999999 weeks")',
    ]);
  });
});
