// Deadlines in working days, counted on the lead authority's calendar: weekends and its public
// holidays (date-holidays) do not count, and the last day ends at the authority's midnight.
import { describe, expect, it } from 'vitest';
import { addWorkingDays, deadlinesFrom } from '../../activities/calendar';
import { calendarDays, durationProblem, workingDays } from '../../workflows/time';
import { parseCampaignYaml } from '../../client/campaign-file';
import { campaignTimeZone } from '../../activities/format';
import { EngagementCase } from '../../workflows/engagement-state';
import { engagementInput } from '../helpers/fixtures';

const OTTAWA = { jurisdiction: 'CA', timeZone: 'America/Toronto' };
const PARIS = { jurisdiction: 'FR', timeZone: 'Europe/Paris' };
const localDay = (time: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(time));

describe('working days', () => {
  it('reads "20 working days" and refuses it where only a fixed duration makes sense', () => {
    expect(workingDays('20 working days')).toBe(20);
    expect(workingDays('1 working day')).toBe(1);
    expect(workingDays('10 jours ouvrés')).toBe(10);
    expect(workingDays('1 jour ouvré')).toBe(1);
    // Saturdays count as « ouvrables » in France and not in Quebec: refused rather than guessed.
    expect(workingDays('10 jours ouvrables')).toBeUndefined();
    expect(workingDays('20 days')).toBeUndefined();
    expect(durationProblem('20 working days', { workingDays: true })).toBeUndefined();
    expect(durationProblem('20 working days')).toMatch(/working days count only for deadlines owed by a vendor/);
    expect(durationProblem('0 working days', { workingDays: true })).toMatch(/between 1 and/);
  });

  it('skips Christmas and New Year in Canada', () => {
    // Friday 18 December 2020, late afternoon in Ottawa.
    const from = Date.parse('2020-12-18T16:00:00-05:00');
    const due = addWorkingDays(from, 10, OTTAWA);
    // 21-24 Dec (4), 28-31 Dec (8), 4-5 Jan (10): 25 Dec and 1 Jan are public holidays, weekends skipped.
    expect(localDay(due, OTTAWA.timeZone)).toBe('2021-01-05');
    // The vendor has the whole day: the deadline is the last moment before Ottawa's midnight.
    expect(new Date(due + 1).toISOString()).toBe('2021-01-06T05:00:00.000Z');
  });

  it('skips 14 July in France', () => {
    const from = Date.parse('2020-07-10T10:00:00+02:00'); // a Friday
    const due = addWorkingDays(from, 3, PARIS);
    // 13 July (1), 14 July is the Fête nationale, 15 (2), 16 (3).
    expect(localDay(due, PARIS.timeZone)).toBe('2020-07-16');
    expect(new Date(due + 1).toISOString()).toBe('2020-07-16T22:00:00.000Z');
  });

  it('counts a plain duration as it is and refuses working days without a calendar', () => {
    const from = Date.parse('2020-07-10T10:00:00Z');
    expect(deadlinesFrom(from, ['2 days', '3 working days'], PARIS)).toEqual([from + 2 * 86_400_000, addWorkingDays(from, 3, PARIS)]);
    expect(() => deadlinesFrom(from, ['3 working days'], undefined)).toThrow(/jurisdiction and a timeZone/);
    expect(() => addWorkingDays(from, 3, { jurisdiction: 'XX', timeZone: 'Europe/Paris' })).toThrow(/unknown jurisdiction "XX"/);
  });

  it('extends a deadline at the end of a local day by calendar days across a change to summer time', () => {
    // Due at the end of Tuesday 9 March 2021 in Toronto; clocks go forward on Sunday 14 March.
    const due = Date.parse('2021-03-10T04:59:59.999Z');
    const [twoWeeks, oneWeek] = deadlinesFrom(due, ['14 days', '1 week'], OTTAWA);
    expect(new Date(twoWeeks!).toISOString()).toBe('2021-03-24T03:59:59.999Z');
    expect(localDay(twoWeeks!, OTTAWA.timeZone)).toBe('2021-03-23');
    expect(new Date(oneWeek!).toISOString()).toBe('2021-03-17T03:59:59.999Z');
  });

  it('extends a deadline at the end of a local day by calendar days across a change back to winter time', () => {
    // Due at the end of Friday 5 November 2021 in Toronto; clocks go back on Sunday 7 November.
    const due = Date.parse('2021-11-06T03:59:59.999Z');
    const [later] = deadlinesFrom(due, ['7 days'], OTTAWA);
    expect(new Date(later!).toISOString()).toBe('2021-11-13T04:59:59.999Z');
    expect(localDay(later!, OTTAWA.timeZone)).toBe('2021-11-12');
  });

  it('adds hours, and days to a moment that is not the end of a local day, as they are', () => {
    expect([calendarDays('14 days'), calendarDays('2 weeks'), calendarDays('3d'), calendarDays('36 hours'), calendarDays('10 working days')]).toEqual([14, 14, 3, undefined, undefined]);
    const endOfDay = Date.parse('2021-03-10T04:59:59.999Z');
    expect(deadlinesFrom(endOfDay, ['336 hours'], OTTAWA)).toEqual([endOfDay + 336 * 3_600_000]);
    const afternoon = Date.parse('2021-03-09T20:00:00Z');
    expect(deadlinesFrom(afternoon, ['14 days'], OTTAWA)).toEqual([afternoon + 14 * 86_400_000]);
    expect(deadlinesFrom(endOfDay, ['14 days'], undefined)).toEqual([endOfDay + 14 * 86_400_000]);
  });
});

describe('a campaign file with working days', () => {
  const file = (lead: string, responseDue = '20 working days') => `
id: wd-test
reference: WD-1
title: { en: T, fr: T }
authorities:
  - id: opc
    lead: true
    name: { en: OPC, fr: CPVP }
    contact: { name: Office, email: office@opc.example }
${lead}
vendors:
  - { id: zoom, name: Zoom, language: en, contacts: [{ name: P, email: p@zoom.example }] }
policy:
  responseDue: ${responseDue}
  reminderCadence: [5 working days]
  finalNoticeAfter: 10 working days
  closeAfter: 14 days
  followUpDue: 10 working days
  demonstrationReminderLead: 1 day
  approvalReminderEvery: 7 days
letter: { date: 2020-07-21, body: { en: [Hello], fr: [Bonjour] } }
officeContact: { name: Office, email: office@opc.example }
`;

  it('needs the lead authority jurisdiction and time zone, and checks both', () => {
    expect(parseCampaignYaml(file('    jurisdiction: CA\n    timeZone: America/Toronto')).policy.responseDue).toBe('20 working days');
    expect(() => parseCampaignYaml(file(''))).toThrow(/authorities\[0\]\.jurisdiction: the lead authority needs a jurisdiction/);
    expect(() => parseCampaignYaml(file('    jurisdiction: XX\n    timeZone: America/Toronto'))).toThrow(/unknown jurisdiction "XX"/);
    expect(() => parseCampaignYaml(file('    jurisdiction: FR\n    timeZone: Europe/Lutece'))).toThrow(/unknown time zone "Europe\/Lutece"/);
  });
});

describe('the zone a campaign\'s documents print dates in', () => {
  it('is the zone its engagements\' letters use, so the digest and the statement agree with them', () => {
    const leads = [OTTAWA, PARIS, { timeZone: 'America/Vancouver' }, { jurisdiction: 'CA' }, {}];
    for (const calendar of leads) {
      const input = engagementInput('vc-2026', 'zoom');
      input.campaign.authorities[0] = { ...input.campaign.authorities[0]!, ...calendar };
      const lettersZone = new EngagementCase(input, 0).workingCalendar()?.timeZone ?? 'UTC';
      expect(campaignTimeZone(input.campaign), JSON.stringify(calendar)).toBe(lettersZone);
    }
    expect(campaignTimeZone({ authorities: [{ ...engagementInput('vc-2026', 'zoom').campaign.authorities[0]!, ...OTTAWA }] })).toBe('America/Toronto');
  });
});
