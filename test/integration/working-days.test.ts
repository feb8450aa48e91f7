// Deadlines in working days on a real server: the engagement asks the calendar activity for its
// response and follow-up due dates (the lead authority's jurisdiction and time zone), the letter
// states the resulting date in that zone, and the history records the answer for replay.
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../activities/calendar';
import { askFollowUpUpdate, recordResponseUpdate } from '../../workflows/messages';
import type { EngagementInput } from '../../workflows/types';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

const OTTAWA = { jurisdiction: 'CA', timeZone: 'America/Toronto' };

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
    expect((await env.parsed([letter]))[0]!.text).toContain(stated);

    await e.handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer Tremblay', receivedAt: new Date().toISOString(), summary: 'Answers on all five principles', attachments: [] }],
    });
    const [question] = await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: 'Officer Tremblay', questions: ['How are keys stored?'] }] });
    const round = (await e.status()).rounds![0]!;
    expect(question!.dueDate).toBe(new Date(addWorkingDays(Date.parse(round.askedAt), 10, OTTAWA)).toISOString());
    await e.waitForMail('follow-up-r1-questions');
  });
});
