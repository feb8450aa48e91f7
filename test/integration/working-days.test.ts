// Deadlines in working days on a real server: the engagement asks the calendar activity for its
// response and follow-up due dates (the lead authority's jurisdiction and time zone), the letter
// states the resulting date in that zone, and the history records the answer for replay.
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../activities/calendar';
import { ENGAGEMENT_REVISION } from '../../workflows/engagement-rules';
import { askFollowUpUpdate, extendDeadlineUpdate, recordResponseUpdate, rescheduleDemonstrationUpdate, scheduleDemonstrationUpdate } from '../../workflows/messages';
import { DossierNextDeadline } from '../../workflows/search-attributes';
import type { EngagementInput, Language, WorkingCalendar } from '../../workflows/types';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

const OTTAWA = { jurisdiction: 'CA', timeZone: 'America/Toronto' };
const PARIS = { jurisdiction: 'FR', timeZone: 'Europe/Paris' };

/** A lead authority on `calendar`, writing to a vendor in `language`, on plain-duration deadlines. */
function ledFrom(campaignId: string, calendar: WorkingCalendar, language: Language): EngagementInput {
  const input = engagementInput(campaignId, 'zoom', patientPolicy());
  input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, ...calendar } : a));
  input.vendor.language = language;
  return input;
}

/** The next year, from now on, whose `month`/`day` falls on a Tuesday, Wednesday or Thursday. */
function nextYearWithMidweek(month: number, day: number): number {
  for (let year = new Date().getUTCFullYear() + 1; ; year++) {
    if ([2, 3, 4].includes(new Date(Date.UTC(year, month - 1, day)).getUTCDay())) return year;
  }
}

function inWorkingDays(campaignId: string): EngagementInput {
  const input = engagementInput(campaignId, 'zoom', patientPolicy({ responseDue: '20 working days', followUpDue: '10 working days' }));
  input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, ...OTTAWA } : a));
  return input;
}

describe('deadlines in working days', () => {
  const env = useDossier();

  it('dates the response and the follow-up answers on the lead authority calendar, and the letter says which day', { timeout: 120_000 }, async () => {
    const e = await startEngagement(env, inWorkingDays(env.uniqueId('working-days')));
    const [letter] = await e.waitForMail('letter');
    const awaiting = await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const started = (await e.handle.describe()).startTime.getTime();

    const due = addWorkingDays(started, 20, OTTAWA);
    expect(awaiting.responseDueDate).toBe(new Date(due).toISOString());
    // More than 20 calendar days: at least the four weekends in between are skipped.
    expect(due - started).toBeGreaterThan(26 * 86_400_000);
    const stated = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: OTTAWA.timeZone }).format(new Date(due));
    // A date's words are joined by no-break spaces.
    expect((await env.parsed([letter]))[0]!.text).toContain(stated.replaceAll(' ', '\u00a0'));

    await e.handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer Tremblay', receivedAt: new Date().toISOString(), summary: 'Answers on all five principles', attachments: [] }],
    });
    const [question] = await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: 'Officer Tremblay', questions: ['How are keys stored?'] }] });
    const round = (await e.status()).rounds![0]!;
    expect(question!.dueDate).toBe(new Date(addWorkingDays(Date.parse(round.askedAt), 10, OTTAWA)).toISOString());
    await e.waitForMail('follow-up-r1-questions');
  });

  // A holiday mid-week, the day after the current due date: one working day more ends the day after it.
  const holidays = [
    { name: 'Christmas in Canada', calendar: OTTAWA, language: 'en' as const, month: 12, day: 25, offset: '-05:00', stated: (y: number) => `is extended to 26\u00a0December\u00a0${y}` },
    { name: '14 July in France', calendar: PARIS, language: 'fr' as const, month: 7, day: 14, offset: '+02:00', stated: (y: number) => `est reportée au 15\u00a0juillet\u00a0${y}` },
  ];
  for (const holiday of holidays) {
    it(`extends a deadline by working days over ${holiday.name}, and the vendor is told the date in its language`, { timeout: 120_000 }, async () => {
      const e = await startEngagement(env, ledFrom(env.uniqueId('wd-extend'), holiday.calendar, holiday.language));
      await e.waitForStatus((s) => s.stage === 'awaiting-response');
      const year = nextYearWithMidweek(holiday.month, holiday.day);
      const pad = (n: number) => String(n).padStart(2, '0');
      const eve = `${year}-${pad(holiday.month)}-${pad(holiday.day - 1)}`;
      const dayAfter = `${year}-${pad(holiday.month)}-${pad(holiday.day + 1)}`;
      // The vendor has until the end of the eve of the holiday...
      const endOfEve = new Date(Date.parse(`${eve}T23:59:59.999${holiday.offset}`)).toISOString();
      await e.handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: 'Officer Tremblay', dueDate: endOfEve, reason: 'Asked for time' }] });
      // ...then one working day more: the holiday does not count, the day after it does, to its end.
      await e.handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: 'Officer Tremblay', extendBy: '1 working day', reason: 'Asked again' }] });
      const extended = await e.status();
      const endOfDayAfter = Date.parse(`${dayAfter}T00:00:00${holiday.offset}`) + 86_400_000 - 1;
      expect(extended.responseDueDate).toBe(new Date(endOfDayAfter).toISOString());
      expect(extended.responseDueDate).toBe(new Date(addWorkingDays(Date.parse(endOfEve), 1, holiday.calendar)).toISOString());
      const [confirmation] = await e.waitForMail('deadline-extension-2');
      expect((await env.parsed([confirmation]))[0]!.text).toContain(holiday.stated(year));
      await e.handle.terminate('test over');
    });
  }

  it('owes a demonstration’s result by the end of the next working day after it, skipping a public holiday, and asks again when it moves', { timeout: 120_000 }, async () => {
    const e = await startEngagement(env, { ...ledFrom(env.uniqueId('wd-demo'), PARIS, 'fr'), revision: ENGAGEMENT_REVISION });
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    await e.handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer Tremblay', receivedAt: new Date().toISOString(), summary: 'Answers on all five principles', attachments: [] }],
    });
    // A meeting on the eve of 14 July: the holiday is no day to write its result up.
    const year = nextYearWithMidweek(7, 14);
    const attendees = [{ name: 'Ann Engineer', email: 'ann@zoom.test' }];
    await e.handle.executeUpdate(scheduleDemonstrationUpdate, {
      args: [{ by: 'Officer Tremblay', at: `${year}-07-13T14:00:00+02:00`, durationMinutes: 60, attendees, topics: ['Encryption keys'] }],
    });
    const endOf15July = new Date(Date.parse(`${year}-07-15T23:59:59.999+02:00`)).toISOString();
    const owed = await e.waitForStatus((s) => s.nextDeadline === endOf15July, 30_000);
    expect(owed.demonstrations[0]!.resultDue).toBe(endOf15July);
    // The board lists the same date: the search and the digest read it there.
    await expect.poll(async () => (await e.handle.describe()).typedSearchAttributes.get(DossierNextDeadline)?.toISOString(), { timeout: 30_000 }).toBe(endOf15July);

    // Moved a week earlier, the calendar is asked again for the new day.
    const movedAt = `${year}-07-06T14:00:00+02:00`;
    await e.handle.executeUpdate(rescheduleDemonstrationUpdate, { args: [{ by: 'Officer Tremblay', demonstrationId: 'd1', at: movedAt, reason: 'Vendor asked' }] });
    const dayAfterMove = new Date(addWorkingDays(Date.parse(movedAt) + 3_600_000, 1, PARIS)).toISOString();
    const moved = await e.waitForStatus((s) => s.demonstrations[0]!.resultDue === dayAfterMove, 30_000);
    expect(moved.nextDeadline).toBe(dayAfterMove);
    const asked = (await e.handle.fetchHistory()).events!.filter((ev) => ev.activityTaskScheduledEventAttributes?.activityType?.name === 'workingDeadlines');
    expect(asked).toHaveLength(2);
    await e.handle.terminate('test over');
  });

  it('extends a deadline by "14 days" across the change to summer time: the same local day two weeks on, to its end', { timeout: 120_000 }, async () => {
    const e = await startEngagement(env, ledFrom(env.uniqueId('dst-extend'), OTTAWA, 'en'));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    // Toronto's clocks go forward on the second Sunday of March; due the Tuesday before, to its end.
    const year = new Date().getUTCFullYear() + 1;
    const firstSunday = 1 + ((7 - new Date(Date.UTC(year, 2, 1)).getUTCDay()) % 7);
    const day = (d: number) => `${year}-03-${String(d).padStart(2, '0')}`;
    const tuesday = firstSunday + 7 - 5;
    const endOfTuesday = new Date(Date.parse(`${day(tuesday)}T23:59:59.999-05:00`)).toISOString();
    await e.handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: 'Officer Tremblay', dueDate: endOfTuesday, reason: 'Asked for time' }] });
    await e.handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: 'Officer Tremblay', extendBy: '14 days', reason: 'Asked again' }] });
    // 24-hour days would end at 00:59:59.999 on the Wednesday, daylight time.
    expect((await e.status()).responseDueDate).toBe(new Date(Date.parse(`${day(tuesday + 14)}T23:59:59.999-04:00`)).toISOString());
    const [confirmation] = await e.waitForMail('deadline-extension-2');
    expect((await env.parsed([confirmation]))[0]!.text).toContain(`is extended to ${tuesday + 14}\u00a0March\u00a0${year}`);
    // Counted by the calendar activity, behind a patch (its id is plain JSON in the marker).
    const events = (await e.handle.fetchHistory()).events!;
    const patches = events
      .filter((ev) => ev.markerRecordedEventAttributes?.markerName === 'core_patch')
      .flatMap((ev) => Object.values(ev.markerRecordedEventAttributes!.details!).map((d) => JSON.parse(Buffer.from(d.payloads![0]!.data!).toString()).id));
    expect(patches).toContain('extension-counts-calendar-days');
    expect(events.filter((ev) => ev.activityTaskScheduledEventAttributes?.activityType?.name === 'workingDeadlines')).toHaveLength(1);
    await e.handle.terminate('test over');
  });
});
