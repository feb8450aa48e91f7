// Every transition of an engagement's state, without a server: what each officer step records,
// which stage it leads to, what the status query and the outcome then say.
import { describe, expect, it } from 'vitest';
import { ENGAGEMENT_REVISION } from '../../workflows/engagement-rules';
import { EngagementCase, ENGINE } from '../../workflows/engagement-state';
import type { RecordInboundInput } from '../../workflows/messages';
import { completeFindings, engagementInput, fastPolicy } from '../helpers/fixtures';
import { checkRecordInbound, isVendorAddress } from '../../workflows/inbox-rules';

const T0 = Date.parse('2020-07-21T09:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;
const iso = (time: number) => new Date(time).toISOString();
const OFFICER = 'Officer Tremblay';

/** A case as a starter of this code opens it (its revision in the input). */
function newCase(policy = fastPolicy({ responseDue: '30 days', followUpDue: '14 days', demonstrationReminderLead: '1 day' }), revision = ENGAGEMENT_REVISION) {
  return new EngagementCase({ ...engagementInput('vc-2020', 'zoom', policy), revision }, T0);
}

function respondedCase(revision = ENGAGEMENT_REVISION) {
  const kase = newCase(undefined, revision);
  kase.letterSent();
  kase.recordResponse({ by: OFFICER, receivedAt: '2020-08-10', summary: '  Detailed answer ', attachments: ['reply.pdf'] }, at(10));
  return kase;
}

describe('engagement state', () => {
  it("says a letter's copy is not filed until the copy of that very letter is, not of an earlier one", () => {
    const kase = newCase();
    kase.letterSent();
    expect(kase.status().letterCopyNotFiled).toBeUndefined();
    kase.letterCopyNotFiled('letter', 'ENOSPC: no space left on device, write', at(1));
    expect(kase.status().letterCopyNotFiled).toEqual({ step: 'letter', since: iso(at(1)), error: 'ENOSPC: no space left on device, write' });
    // The letter went again to a corrected address, its copy refused too: filing the first one's does not clear it.
    kase.letterCopyNotFiled('letter-2', 'EROFS: read-only file system', at(5));
    kase.letterCopyFiled('letter');
    expect(kase.status().letterCopyNotFiled?.step).toBe('letter-2');
    kase.letterCopyFiled('letter-2');
    expect(kase.status().letterCopyNotFiled).toBeUndefined();
    expect(kase.status().stage).toBe('awaiting-response');
  });

  it("lists a letter's copy not filed yet as the board's next step, before any reminder, until it is filed, and only when the case lists it", () => {
    const reminder = new Map([['response', { kind: 'reminder' as const, at: at(31 * 24 * 60) }]]);
    const listedCase = (onBoard: boolean) => {
      const kase = newCase();
      kase.log(ENGINE, 'open-letter sent', at(1));
      kase.letterSentAt(at(1));
      kase.letterCopyNotFiled('letter', 'EROFS: read-only file system', at(1), onBoard);
      return kase;
    };
    const kase = listedCase(true);
    expect(kase.boardListing(reminder)).toMatchObject({ stage: 'awaiting-response', nextAction: 'file-copy 1 letter', nextActionAt: iso(at(1)) });
    expect(kase.boardMemo(reminder).nextAction).toEqual({ kind: 'file-copy', about: 'letter', number: 1, at: iso(at(1)) });
    // The engagement goes on filing it once withdrawn: the board still names it.
    kase.withdraw({ by: OFFICER, reason: 'the vendor closed' }, at(2));
    expect(kase.boardListing(new Map()).nextAction).toBe('file-copy 1 letter');
    kase.letterCopyFiled('letter');
    expect(kase.boardListing(new Map())).toMatchObject({ nextAction: null, nextActionAt: null });
    // A case recorded before the patch listed nothing of it: its history upserted the reminder alone.
    expect(listedCase(false).boardListing(reminder)).toMatchObject({ nextAction: 'reminder 1 response', nextActionAt: iso(at(31 * 24 * 60)) });
    const filed = listedCase(true);
    filed.letterCopyFiled('letter');
    expect(filed.boardListing(reminder)).toMatchObject({ nextAction: 'reminder 1 response', nextActionAt: iso(at(31 * 24 * 60)) });
  });

  it('lists a reply waiting for review only where the case lists it, until it is reviewed or the case ends', () => {
    const kase = respondedCase();
    const reply = (id: string): RecordInboundInput => ({ messageId: `<${id}@zoom.test>`, from: 'privacy@zoom.test', subject: 'Re: questions', receivedAt: iso(at(20)), kind: 'reply', matchedBy: 'thread', text: 'Answers.', documents: [], notes: [] });
    expect(kase.boardListing(new Map(), true).replyWaiting).toBeNull();
    kase.recordInbound(reply('a'), at(20));
    kase.recordInbound(reply('b'), at(21));
    // A case that does not list it (older than revision 9, no marker) upserts the fields it always did.
    expect(kase.boardListing(new Map())).not.toHaveProperty('replyWaiting');
    expect(kase.boardListing(new Map(), true)).toMatchObject({ stage: 'responded', replyWaiting: true });
    kase.dismissInbound({ by: OFFICER, messageId: '<a@zoom.test>', reason: 'not the answers' }, at(22));
    expect(kase.boardListing(new Map(), true).replyWaiting).toBe(true);
    kase.withdraw({ by: OFFICER, reason: 'the vendor closed' }, at(23));
    expect(kase.boardListing(new Map(), true).replyWaiting).toBeNull();
  });

  it("stops listing a letter's copy to file once the case is cancelled before filing it, and still says the copy is not filed", () => {
    const kase = newCase();
    kase.log(ENGINE, 'open-letter sent', at(1));
    kase.letterSentAt(at(1));
    kase.letterCopyNotFiled('letter', 'EROFS: read-only file system', at(1), true);
    expect(kase.listsCopyToFile()).toBe(true);
    kase.withdraw({ by: ENGINE, reason: 'the engagement was cancelled' }, at(2));
    kase.letterCopyLeftToCampaign();
    expect(kase.listsCopyToFile()).toBe(false);
    expect(kase.boardListing(new Map())).toMatchObject({ stage: 'withdrawn', nextAction: null, nextActionAt: null });
    expect(kase.boardMemo(new Map()).nextAction).toBeUndefined();
    expect(kase.status().letterCopyNotFiled?.step).toBe('letter');
    // A case listing nothing of the copy has nothing to take off the board.
    const unlisted = newCase();
    unlisted.letterCopyNotFiled('letter', 'EROFS: read-only file system', at(1));
    expect(unlisted.listsCopyToFile()).toBe(false);
  });

  it('cancels a demonstration on withdrawal only while it is still to come, and only in cases started at revision 6', () => {
    const withdrawnWith = (revision: number) => {
      const kase = respondedCase(revision);
      const demo = kase.scheduleDemonstration({ by: OFFICER, at: iso(at(120)), durationMinutes: 60, attendees: [], topics: ['Keys'] }, at(20));
      expect(kase.cancelsDemonstration(demo, at(30))).toBe(false); // not withdrawn
      kase.withdraw({ by: OFFICER, reason: 'out of scope' }, at(30));
      return { kase, demo };
    };
    const { kase, demo } = withdrawnWith(6);
    expect(kase.cancelsDemonstration(demo, at(30))).toBe(true);
    expect(kase.cancelsDemonstration(demo, at(179))).toBe(true); // still under way
    expect(kase.cancelsDemonstration(demo, at(180))).toBe(false); // over
    const older = withdrawnWith(5);
    expect(older.kase.cancelsDemonstration(older.demo, at(30))).toBe(false);
  });

  it('cancels the demonstrations still to come of a cancelled engagement only in cases started at revision 7', () => {
    expect(newCase(undefined, 7).cancelsDemonstrationsOnCancellation()).toBe(true);
    expect(newCase(undefined, 6).cancelsDemonstrationsOnCancellation()).toBe(false);
  });

  it('keeps the due date the delivered letter stated when its send counted it from the delivering attempt (revision 7)', () => {
    // Held up by the relay for three hours: the send counted 30 days from its attempt at 12:00.
    const kase = newCase();
    expect(kase.countsDueFromDelivery()).toBe(true);
    kase.letterStated('2020-08-20T12:00:00.000Z');
    kase.letterSentAt(at(181));
    expect(kase.state.responseDueDate).toBe('2020-08-20T12:00:00.000Z');
    expect(kase.state.timeline.map((t) => [t.what, t.detail])).toEqual([["response deadline set from the letter's delivery", 'to 2020-08-20T12:00:00.000Z']]);
    // Cases started before count it here, from the delivery; working days come from the calendar.
    const older = newCase(undefined, 6);
    expect(older.countsDueFromDelivery()).toBe(false);
    older.letterSentAt(at(181));
    expect(older.state.responseDueDate).toBe('2020-08-20T12:01:00.000Z');
    expect(newCase(fastPolicy({ responseDue: '20 working days' })).countsDueFromDelivery()).toBe(false);
  });

  it('starts sending the letter, its response due after the policy period, and no deadline runs before the letter is out', () => {
    const kase = newCase();
    expect(kase.state).toMatchObject({ workflowId: 'engagement:vc-2020:zoom', stage: 'sending-letter', responseDueDate: '2020-08-20T09:00:00.000Z' });
    expect(kase.nextDeadline()).toBeUndefined();
    expect(kase.attributesKey()).toBe('sending-letter|');
    kase.letterSent();
    expect(kase.state.stage).toBe('awaiting-response');
    expect(kase.nextDeadline()).toBe('2020-08-20T09:00:00.000Z');
    expect(kase.attributesKey()).toBe('awaiting-response|2020-08-20T09:00:00.000Z');
  });

  it('lists the provisional due date while the letter is being sent for a case started before revision 3, as its recorded history did', () => {
    // Such a case upserted its deadline again when the calendar answered; the replayed history
    // test/replay/histories/engagement-working-days-lean2-2026-11-28.json holds that upsert.
    const kase = newCase(undefined, 2);
    expect(kase.nextDeadline()).toBe('2020-08-20T09:00:00.000Z');
    expect(kase.attributesKey()).toBe('sending-letter|2020-08-20T09:00:00.000Z');
    expect(newCase(undefined, 3).attributesKey()).toBe('sending-letter|');
  });

  it('lists the board’s data for search attributes: no deadline while the letter is being sent, then the deadline, the last contact and the next step', () => {
    const kase = newCase();
    expect(kase.boardListing(new Map())).toEqual({ stage: 'sending-letter', deadline: null, lastContact: null, nextAction: null, nextActionAt: null });
    kase.log(ENGINE, 'open-letter sent', at(1));
    kase.letterSentAt(at(1));
    const reminderAt = at(31 * 24 * 60);
    expect(kase.boardListing(new Map([['response', { kind: 'reminder', at: reminderAt }]]))).toEqual({
      stage: 'awaiting-response',
      deadline: kase.state.responseDueDate,
      lastContact: iso(at(1)),
      nextAction: 'reminder 1 response',
      nextActionAt: iso(reminderAt),
    });
  });

  it('records a response, trimmed, with who recorded it and when', () => {
    const kase = respondedCase();
    expect(kase.state.stage).toBe('responded');
    expect(kase.state.response).toEqual({ receivedAt: '2020-08-10', summary: 'Detailed answer', attachments: ['reply.pdf'] });
    expect(kase.state.timeline).toEqual([{ at: iso(at(10)), by: OFFICER, what: 'response recorded', detail: 'received 2020-08-10' }]);
    expect(kase.nextDeadline()).toBeUndefined();
  });

  it('extends the response deadline while awaiting it, and a follow-up round once asked', () => {
    const waiting = newCase();
    waiting.letterSent();
    waiting.extendDeadline({ by: OFFICER, dueDate: '2020-09-15', reason: 'vendor asked' }, at(1));
    expect(waiting.state.responseDueDate).toBe('2020-09-15T00:00:00.000Z');
    expect(waiting.state.timeline.at(-1)?.what).toBe('response deadline extended');

    const kase = respondedCase();
    const { round } = kase.askFollowUp({ by: OFFICER, questions: ['Where are keys kept?'] }, at(20));
    round.remindersExhausted = true;
    kase.extendDeadline({ by: OFFICER, dueDate: '2020-10-01T12:00:00Z', reason: 'holidays' }, at(30));
    expect(round).toMatchObject({ dueDate: '2020-10-01T12:00:00.000Z', remindersExhausted: false });
    expect(kase.state.questions[0].dueDate).toBe('2020-10-01T12:00:00.000Z');
    expect(kase.state.timeline.at(-1)).toMatchObject({ what: 'follow-up round 1 extended', detail: 'to 2020-10-01T12:00:00.000Z: holidays' });
  });

  it('asks follow-up questions in numbered rounds, due after the policy period unless a date is given', () => {
    const kase = respondedCase();
    const first = kase.askFollowUp({ by: OFFICER, questions: [' Where are keys kept? ', 'Who can read them?'] }, at(20));
    expect(first.asked.map((q) => [q.id, q.text, q.round])).toEqual([
      ['q1', 'Where are keys kept?', 1],
      ['q2', 'Who can read them?', 1],
    ]);
    expect(first.round).toMatchObject({ round: 1, askedAt: iso(at(20)), dueDate: iso(at(20) + 14 * 24 * 60 * MIN) });
    expect(kase.state.stage).toBe('follow-up');
    expect(kase.nextDeadline()).toBe(first.round.dueDate);

    const second = kase.askFollowUp({ by: OFFICER, questions: ['And backups?'], dueDate: '2020-08-01' }, at(40));
    expect(second.asked[0]).toMatchObject({ id: 'q3', round: 2, dueDate: '2020-08-01T00:00:00.000Z' });
    // The earliest open due date is the next deadline.
    expect(kase.nextDeadline()).toBe('2020-08-01T00:00:00.000Z');
  });

  it('records answers; a round is settled once every question in it is answered', () => {
    const kase = respondedCase();
    const { round } = kase.askFollowUp({ by: OFFICER, questions: ['A?', 'B?'] }, at(20));
    kase.recordAnswers({ by: OFFICER, answers: [{ questionId: 'q1', answer: ' In an HSM. ' }] }, at(30));
    expect(kase.state.questions[0]).toMatchObject({ answer: 'In an HSM.', answeredAt: iso(at(30)) });
    expect(kase.questionsOf(round, 'unanswered')).toEqual([{ id: 'q2', text: 'B?' }]);
    expect(kase.questionsOf(round, 'all')).toHaveLength(2);
    expect(kase.isRoundSettled(round)).toBe(false);
    expect(kase.status().openQuestions.map((q) => q.id)).toEqual(['q2']);
    kase.recordAnswers({ by: OFFICER, answers: [{ questionId: 'q2', answer: 'Nobody.' }] }, at(31));
    expect(kase.isRoundSettled(round)).toBe(true);
    expect(kase.nextDeadline()).toBeUndefined();
  });

  it('acknowledges each recording of answers, by the officer or from a confirmed reply: what they answer, when they came, what is still open and by when', () => {
    const kase = respondedCase();
    kase.askFollowUp({ by: OFFICER, questions: ['A?', 'B?'] }, at(20));
    kase.askFollowUp({ by: OFFICER, questions: ['C?'], dueDate: '2020-08-01' }, at(21));
    const typed = { by: OFFICER, answers: [{ questionId: 'q1', answer: 'In an HSM.' }, { questionId: 'q3', answer: 'Yes.' }] };
    kase.recordAnswers(typed, at(30));
    expect(kase.answersAcknowledgement(typed, at(30))).toEqual({
      step: 'answers-acknowledgement-1',
      details: {
        receivedAt: iso(at(30)),
        issuedAt: iso(at(30)),
        answered: [{ id: 'q1', text: 'A?' }, { id: 'q3', text: 'C?' }],
        stillOpen: [{ id: 'q2', dueDate: iso(at(20) + 14 * 24 * 60 * MIN) }],
      },
    });
    // The vendor's emailed answers, confirmed a day after they arrived: dated by their arrival.
    kase.recordInbound({ messageId: '<a@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: Follow-up questions', receivedAt: iso(at(40)), kind: 'reply', matchedBy: 'thread', text: 'Nobody.', documents: [], notes: [] }, at(40));
    const confirmed = { by: OFFICER, messageId: '<a@zoom.test>', as: 'answers' as const, answers: [{ questionId: 'q2' }] };
    kase.confirmInbound(confirmed, at(40 + 24 * 60));
    expect(kase.answersAcknowledgement(confirmed, at(40 + 24 * 60))).toEqual({
      step: 'answers-acknowledgement-2',
      details: { receivedAt: iso(at(40)), issuedAt: iso(at(40 + 24 * 60)), answered: [{ id: 'q2', text: 'B?' }], stillOpen: [] },
    });
    // A reply confirmed as the response has the response's own acknowledgement.
    expect(kase.answersAcknowledgement({ by: OFFICER, messageId: '<a@zoom.test>', as: 'response' }, at(50))).toBeUndefined();
  });

  it('acknowledges no answers for a case started before revision 8, whose history sent none', () => {
    const kase = respondedCase(7);
    kase.askFollowUp({ by: OFFICER, questions: ['A?'] }, at(20));
    const typed = { by: OFFICER, answers: [{ questionId: 'q1', answer: 'In an HSM.' }] };
    kase.recordAnswers(typed, at(30));
    expect(kase.answersAcknowledgement(typed, at(30))).toBeUndefined();
  });

  it('schedules, reschedules and records a demonstration, inviting the vendor contacts and new attendees once each', () => {
    const kase = respondedCase();
    const demo = kase.scheduleDemonstration(
      {
        by: OFFICER,
        at: '2020-09-01T14:00:00Z',
        durationMinutes: 60,
        attendees: [{ name: 'Same', email: 'PRIVACY@zoom.test' }, { name: 'Ann Lee', email: 'ann@opc.test' }],
        topics: [' Key management '],
      },
      at(20),
    );
    expect(demo).toMatchObject({ id: 'd1', at: '2020-09-01T14:00:00.000Z', topics: ['Key management'], rescheduled: 0 });
    expect(kase.state.stage).toBe('demonstration');
    // The result is owed by the end of the next working day (the campaign names no zone: UTC).
    expect(kase.nextDeadline()).toBe('2020-09-02T23:59:59.999Z');
    expect(kase.demonstrationRecipients(demo).map((c) => c.email)).toEqual(['privacy@zoom.test', 'ann@opc.test']);
    expect(kase.demonstrationReminderAt(demo)).toBe(Date.parse('2020-08-31T14:00:00Z'));

    kase.rescheduleDemonstration({ by: OFFICER, demonstrationId: 'd1', at: '2020-09-02T15:00:00+01:00', reason: 'vendor asked' }, at(30));
    expect(demo).toMatchObject({ at: '2020-09-02T14:00:00.000Z', rescheduled: 1 });
    expect(kase.demonstrationDetails(demo).demonstration).toMatchObject({ id: 'd1', rescheduled: 1 });

    kase.recordDemonstrationOutcome({ by: OFFICER, demonstrationId: 'd1', result: 'validated', notes: ' Shown end to end. ' }, at(40));
    expect(demo).toMatchObject({ result: 'validated', notes: 'Shown end to end.' });
    expect(kase.nextDeadline()).toBeUndefined();
    expect(kase.state.timeline.map((e) => e.what).slice(-3)).toEqual(['demonstration d1 scheduled', 'demonstration d1 rescheduled', 'demonstration d1 validated']);
  });

  it('does not count a demonstration overdue while it is held: its result is owed by the end of the next working day after it, in the campaign’s zone', () => {
    // Led from Toronto: the zone the letters, the board and the digest date things in.
    const input = { ...engagementInput('vc-2020', 'zoom', fastPolicy({ responseDue: '30 days', demonstrationReminderLead: '1 day' })), revision: ENGAGEMENT_REVISION };
    input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone: 'America/Toronto' } : a));
    const kase = new EngagementCase(input, T0);
    kase.letterSent();
    kase.recordResponse({ by: OFFICER, receivedAt: '2020-08-10', summary: 'Answer', attachments: [] }, at(10));
    const demo = kase.scheduleDemonstration({ by: OFFICER, at: '2020-09-11T18:00:00Z', durationMinutes: 90, attendees: [], topics: ['Keys'] }, at(20));
    // Friday 14:00 to 15:30 in Toronto: still due while it runs and after it ends, until Monday's end there.
    expect(kase.nextDeadline()).toBe('2020-09-15T03:59:59.999Z');
    expect(Date.parse(kase.nextDeadline()!)).toBeGreaterThan(Date.parse(demo.at) + 90 * MIN);
    expect(kase.boardListing(new Map()).deadline).toBe('2020-09-15T03:59:59.999Z');
    expect(kase.status().nextDeadline).toBe('2020-09-15T03:59:59.999Z');

    // Moved to Tuesday 23:30 for an hour: it ends on Wednesday there, so Thursday is the day to record it.
    kase.rescheduleDemonstration({ by: OFFICER, demonstrationId: 'd1', at: '2020-09-16T03:30:00Z', reason: 'vendor asked' }, at(30));
    expect(kase.nextDeadline()).toBe('2020-09-18T03:59:59.999Z');

    // An answer owed earlier is still the next deadline; a recorded result owes nothing more.
    kase.askFollowUp({ by: OFFICER, questions: ['Where are keys kept?'], dueDate: '2020-09-16T12:00:00Z' }, at(40));
    expect(kase.nextDeadline()).toBe('2020-09-16T12:00:00.000Z');
    kase.recordAnswers({ by: OFFICER, answers: [{ questionId: 'q1', answer: 'In an HSM.' }] }, at(50));
    expect(kase.nextDeadline()).toBe('2020-09-18T03:59:59.999Z');
    kase.recordDemonstrationOutcome({ by: OFFICER, demonstrationId: 'd1', result: 'validated', notes: 'Shown.' }, at(60));
    expect(kase.nextDeadline()).toBeUndefined();
  });

  it('takes the calendar’s date for a demonstration’s result from revision 5, and drops an answer for a schedule that has moved', () => {
    const torontoCase = (revision: number) => {
      const input = { ...engagementInput('vc-2020', 'zoom', fastPolicy({ responseDue: '30 days', demonstrationReminderLead: '1 day' })), revision };
      input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone: 'America/Toronto' } : a));
      const kase = new EngagementCase(input, T0);
      kase.letterSent();
      kase.recordResponse({ by: OFFICER, receivedAt: '2020-08-10', summary: 'Answer', attachments: [] }, at(10));
      return kase;
    };
    expect(torontoCase(4).asksCalendarForResultDue()).toBe(false);
    expect(respondedCase().asksCalendarForResultDue()).toBe(false); // no working calendar
    const kase = torontoCase(ENGAGEMENT_REVISION);
    expect(kase.asksCalendarForResultDue()).toBe(true);
    // Friday 4 September, before Labour Day: the weekday rule says Monday, the calendar Tuesday.
    const demo = kase.scheduleDemonstration({ by: OFFICER, at: '2020-09-04T18:00:00Z', durationMinutes: 60, attendees: [], topics: ['Keys'] }, at(20));
    expect(kase.nextDeadline()).toBe('2020-09-08T03:59:59.999Z');
    kase.demonstrationResultDueFromCalendar(demo, 0, '2020-09-09T03:59:59.999Z');
    expect(kase.nextDeadline()).toBe('2020-09-09T03:59:59.999Z');
    expect(kase.boardListing(new Map()).deadline).toBe('2020-09-09T03:59:59.999Z');

    // Moved: the weekday rule until the calendar answers for the new schedule; an answer for the old one is dropped.
    kase.rescheduleDemonstration({ by: OFFICER, demonstrationId: 'd1', at: '2020-09-16T14:00:00Z', reason: 'vendor asked' }, at(30));
    expect(demo.resultDue).toBeUndefined();
    expect(kase.nextDeadline()).toBe('2020-09-18T03:59:59.999Z');
    kase.demonstrationResultDueFromCalendar(demo, 0, '2020-09-09T03:59:59.999Z');
    expect(kase.nextDeadline()).toBe('2020-09-18T03:59:59.999Z');
    kase.demonstrationResultDueFromCalendar(demo, 1, '2020-09-18T03:59:59.999Z');
    expect(demo.resultDue).toBe('2020-09-18T03:59:59.999Z');
    // Once the result is recorded nothing is owed, and a late answer changes nothing.
    kase.recordDemonstrationOutcome({ by: OFFICER, demonstrationId: 'd1', result: 'validated', notes: 'Shown.' }, at(40));
    expect(kase.nextDeadline()).toBeUndefined();
  });

  it('lists a demonstration’s start as its deadline for a case started before revision 4, as its recorded history upserted it', () => {
    const kase = respondedCase(3);
    kase.scheduleDemonstration({ by: OFFICER, at: '2020-09-01T14:00:00Z', durationMinutes: 60, attendees: [], topics: ['Keys'] }, at(20));
    expect(kase.nextDeadline()).toBe('2020-09-01T14:00:00.000Z');
    expect(kase.attributesKey()).toBe('demonstration|2020-09-01T14:00:00.000Z');
  });

  it('keeps the place and link of a rescheduled demonstration unless the request gives new ones or removes them with null', () => {
    const kase = respondedCase();
    const demo = kase.scheduleDemonstration(
      { by: OFFICER, at: '2020-09-01T14:00:00Z', durationMinutes: 60, attendees: [{ name: 'Ann Lee', email: 'ann@opc.test' }], topics: ['Keys'], location: 'OPC, Gatineau', meetingUrl: 'https://meet.example.org/a' },
      at(20),
    );
    kase.rescheduleDemonstration({ by: OFFICER, demonstrationId: 'd1', at: '2020-09-02T14:00:00Z', reason: 'vendor asked' }, at(21));
    expect(demo).toMatchObject({ location: 'OPC, Gatineau', meetingUrl: 'https://meet.example.org/a' });
    kase.rescheduleDemonstration({ by: OFFICER, demonstrationId: 'd1', at: '2020-09-03T14:00:00Z', reason: 'online only', location: null }, at(22));
    expect(demo).not.toHaveProperty('location');
    expect(demo.meetingUrl).toBe('https://meet.example.org/a');
    kase.rescheduleDemonstration({ by: OFFICER, demonstrationId: 'd1', at: '2020-09-04T14:00:00Z', reason: 'in person', location: 'ICO, Wilmslow', meetingUrl: null }, at(23));
    expect(demo).toMatchObject({ location: 'ICO, Wilmslow' });
    expect(demo).not.toHaveProperty('meetingUrl');
    const { demonstration } = kase.demonstrationDetails(demo);
    expect(demonstration).not.toHaveProperty('meetingUrl');
    expect(demonstration.location).toBe('ICO, Wilmslow');
  });

  it('concludes with findings, and the outcome carries when it ended', () => {
    const kase = respondedCase();
    const outcome = kase.conclude({ by: OFFICER, findings: completeFindings() }, at(50));
    expect(kase.isFinal()).toBe(true);
    expect(outcome).toMatchObject({ vendorId: 'zoom', stage: 'concluded', endedAt: iso(at(50)), findings: completeFindings() });
    expect(kase.outcome(at(99)).endedAt).toBe(iso(at(50)));
    expect(kase.nextDeadline()).toBeUndefined();
  });

  it('closes as no response, naming the due date in the timeline', () => {
    const kase = newCase();
    kase.letterSent();
    kase.closeAsNoResponse(at(60));
    expect(kase.outcome(at(99))).toMatchObject({ stage: 'closed-no-response', endedAt: iso(at(60)) });
    expect(kase.state.timeline.at(-1)).toEqual({ at: iso(at(60)), by: ENGINE, what: 'closed: no response', detail: 'due 2020-08-20T09:00:00.000Z' });
  });

  it('is withdrawn by an update or a signal, and ignores a withdrawal signal once it has ended', () => {
    const byUpdate = respondedCase();
    expect(byUpdate.withdraw({ by: OFFICER, reason: ' Out of scope ' }, at(5))).toMatchObject({ stage: 'withdrawn', withdrawalReason: 'Out of scope' });

    const bySignal = respondedCase();
    bySignal.withdrawBySignal({ by: 'Lead', reason: 'Merged with another vendor' }, at(6));
    expect(bySignal.outcome(at(7))).toMatchObject({ stage: 'withdrawn', withdrawalReason: 'Merged with another vendor', endedAt: iso(at(6)) });

    const concluded = respondedCase();
    concluded.conclude({ by: OFFICER, findings: completeFindings() }, at(8));
    concluded.withdrawBySignal({ by: 'Lead', reason: 'Too late' }, at(9));
    expect(concluded.state).toMatchObject({ stage: 'concluded' });
    expect(concluded.state.withdrawalReason).toBeUndefined();
  });

  it('records deliveries, refusals and reminders with their numbers', () => {
    const kase = newCase();
    kase.delivered('letter', 'open-letter', false, at(1));
    kase.delivered('reminder-response-1', 'reminder', true, at(2));
    kase.notDelivered('reminder-response-2', 'reminder', 'RecipientRejected: 550', at(3));
    expect(kase.state.timeline.map((e) => e.detail)).toEqual([
      'letter',
      'reminder-response-1 (resent after a worker crash: the vendor may hold two identical copies)',
      'reminder-response-2: RecipientRejected: 550',
    ]);
    expect(kase.state.deliveryFailures).toEqual([{ at: iso(at(3)), step: 'reminder-response-2', reason: 'RecipientRejected: 550' }]);
    expect(kase.nextReminderNumber('response', 'reminder')).toBe(1);
    kase.reminderSent('response', 'reminder', 1, at(4));
    expect(kase.nextReminderNumber('response', 'reminder')).toBe(2);
    expect(kase.nextReminderNumber('response', 'final-notice')).toBe(1);
    expect(kase.state.remindersSent).toEqual([{ at: iso(at(4)), about: 'response', kind: 'reminder', number: 1 }]);
  });

  it('waits with no deadline while the letter is undeliverable, and writes to the corrected address from then on', () => {
    const kase = newCase();
    kase.letterUndeliverable('letter', at(1));
    expect(kase.state.stage).toBe('letter-undeliverable');
    expect(kase.nextDeadline()).toBeUndefined();
    expect(kase.attributesKey()).toBe('letter-undeliverable|');
    const status = kase.correctContacts({ by: OFFICER, contacts: [{ name: ' Privacy ', email: ' new@zoom.test ' }], reason: ' moved ' }, at(60));
    expect(status.stage).toBe('sending-letter');
    expect(kase.contacts()).toEqual([{ name: 'Privacy', email: 'new@zoom.test' }]);
    expect(kase.vendor().contacts).toEqual([{ name: 'Privacy', email: 'new@zoom.test' }]);
    expect(kase.state.timeline.at(-1)).toEqual({ at: iso(at(60)), by: OFFICER, what: 'contact address corrected', detail: 'privacy@zoom.test → new@zoom.test: moved' });
    // The letter goes again: the response is due 30 days from then, as the new letter states.
    kase.letterResending(at(61));
    expect(kase.state.responseDueDate).toBe(iso(at(61) + 30 * 24 * 60 * MIN));
  });

  it('adds a contact or replaces them on an open case, writes to them from then on, and does not send the letter again', () => {
    const kase = respondedCase();
    const entries = kase.state.timeline.length;
    const added = kase.changeContacts({ by: OFFICER, mode: 'add', contacts: [{ name: ' DPO ', email: ' dpo@lawfirm.test ' }], reason: ' The vendor asked us to copy its DPO. ' }, at(20));
    expect(added.stage).toBe('responded');
    expect(kase.contacts()).toEqual([
      { name: 'Zoë Łukasiewicz-Παπαδόπουλος', email: 'privacy@zoom.test' },
      { name: 'DPO', email: 'dpo@lawfirm.test' },
    ]);
    expect(kase.state.timeline.at(-1)).toEqual({ at: iso(at(20)), by: OFFICER, what: 'contact added', detail: 'dpo@lawfirm.test: The vendor asked us to copy its DPO.' });
    // Mail from the added address, on another domain, is the vendor's now.
    expect(isVendorAddress(kase.vendor(), 'DPO@lawfirm.test')).toBe(true);
    const replaced = kase.changeContacts({ by: OFFICER, mode: 'replace', contacts: [{ name: 'Privacy team', email: 'privacy-team@zoom.test' }], reason: 'Write to the team from now on.' }, at(30));
    expect(replaced.contacts).toEqual([{ name: 'Privacy team', email: 'privacy-team@zoom.test' }]);
    expect(kase.vendor().contacts).toEqual([{ name: 'Privacy team', email: 'privacy-team@zoom.test' }]);
    expect(kase.state.timeline.at(-1)).toEqual({
      at: iso(at(30)),
      by: OFFICER,
      what: 'contacts replaced',
      detail: 'privacy@zoom.test, dpo@lawfirm.test → privacy-team@zoom.test: Write to the team from now on.',
    });
    // Nothing but the two entries: no letter step, the stage as it was.
    expect(kase.state.timeline.length).toBe(entries + 2);
    expect(kase.state.stage).toBe('responded');
    // The campaign learns them with the outcome.
    expect(kase.outcome(at(40)).contacts).toEqual([{ name: 'Privacy team', email: 'privacy-team@zoom.test' }]);
  });

  it('says in its outcome when the letter never reached the vendor, so the campaign does not mail it the statement', () => {
    const withdrawn = (kase: EngagementCase) => {
      kase.withdraw({ by: OFFICER, reason: 'Out of scope' }, at(9));
      return kase.outcome(at(10));
    };
    // Refused (or bounced) for good, then withdrawn.
    const refused = newCase();
    refused.letterUndeliverable('letter', at(1));
    expect(withdrawn(refused)).toMatchObject({ stage: 'withdrawn', letterUndelivered: true });
    // Delivered, then bounced from every address.
    const bounced = newCase();
    bounced.letterSent(at(1));
    bounced.letterUndeliverable('letter', at(2));
    expect(withdrawn(bounced).letterUndelivered).toBe(true);
    // Withdrawn while it went out; the send then failed (undeliverable is not recorded on an ended case).
    const stillSending = newCase();
    expect(withdrawn(stillSending).letterUndelivered).toBe(true);
    stillSending.letterUndeliverable('letter', at(11));
    expect(stillSending.outcome(at(12)).letterUndelivered).toBe(true);

    // Withdrawn while it went out, and delivered after all: the vendor has it.
    const lateDelivery = newCase();
    lateDelivery.withdraw({ by: OFFICER, reason: 'Out of scope' }, at(1));
    lateDelivery.letterSentAt(at(2));
    expect(lateDelivery.state.stage).toBe('withdrawn');
    expect(lateDelivery.outcome(at(3))).not.toHaveProperty('letterUndelivered');
    // Sent again to a corrected address, and delivered.
    const corrected = newCase();
    corrected.letterUndeliverable('letter', at(1));
    corrected.correctContacts({ by: OFFICER, contacts: [{ name: 'Privacy', email: 'new@zoom.test' }], reason: 'moved' }, at(2));
    corrected.letterSentAt(at(3));
    expect(withdrawn(corrected)).not.toHaveProperty('letterUndelivered');
    // Delivered, then ended the usual ways.
    expect(withdrawn(respondedCase())).not.toHaveProperty('letterUndelivered');
    expect(respondedCase().conclude({ by: OFFICER, findings: completeFindings() }, at(50))).not.toHaveProperty('letterUndelivered');
    // A run continued as new starts past the letter, unless its stage says the letter is not out.
    const continued = respondedCase();
    const resumed = new EngagementCase({ ...engagementInput('vc-2020', 'zoom'), revision: ENGAGEMENT_REVISION }, at(20), continued.state);
    expect(withdrawn(resumed)).not.toHaveProperty('letterUndelivered');
  });

  it('takes a bounce of the latest letter as undelivered only when every contact bounced while the response is owed', () => {
    const kase = newCase();
    const bounce = (recipients: string[], answersStep = 'letter'): RecordInboundInput => ({
      messageId: '<b@mx>', from: 'mailer-daemon@mx', subject: 'Undelivered', receivedAt: iso(at(2)), kind: 'bounce', matchedBy: 'thread', answersStep, text: '', documents: [], notes: [], bounce: { recipients },
    });
    expect(kase.bouncedFromEveryContact(bounce(['privacy@zoom.test']), 'letter')).toBe(false); // still sending
    kase.letterSent(at(1));
    expect(kase.bouncedFromEveryContact(bounce(['PRIVACY@zoom.test']), 'letter')).toBe(true);
    expect(kase.bouncedFromEveryContact(bounce(['other@zoom.test']), 'letter')).toBe(false);
    expect(kase.bouncedFromEveryContact(bounce(['privacy@zoom.test'], 'reminder-response-1'), 'letter')).toBe(false);
    expect(kase.bouncedFromEveryContact(bounce(['privacy@zoom.test']), 'letter-2')).toBe(false);
    expect(kase.letterNotOut()).toBe(false);
    kase.letterUndeliverable('letter', at(3));
    expect(kase.letterNotOut()).toBe(true);
  });

  it('adds up the bounces of one letter, reported one address at a time or after the relay refused the others', () => {
    const twoContacts = () => {
      const input = { ...engagementInput('vc-2020', 'zoom', fastPolicy({ responseDue: '30 days' })), revision: ENGAGEMENT_REVISION };
      input.vendor = { ...input.vendor, contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }, { name: 'DPO', email: 'dpo@zoom.test' }] };
      return new EngagementCase(input, T0);
    };
    const bounce = (n: number, recipients: string[], answersStep = 'letter'): RecordInboundInput => ({
      messageId: `<b${n}@mx>`, from: 'mailer-daemon@mx', subject: 'Undelivered', receivedAt: iso(at(2)), kind: 'bounce', matchedBy: 'thread', answersStep, text: '', documents: [], notes: [], bounce: { recipients },
    });
    const record = (kase: EngagementCase, input: RecordInboundInput) => {
      kase.recordInbound(input, at(2));
      return { alone: kase.bouncedFromEveryContact(input, 'letter'), together: kase.bouncesAddUp(input, 'letter') };
    };

    const apart = twoContacts();
    apart.letterSent(at(1));
    expect(record(apart, bounce(1, ['privacy@zoom.test']))).toEqual({ alone: false, together: false });
    expect(record(apart, bounce(2, ['other@zoom.test'], 'reminder-response-1'))).toEqual({ alone: false, together: false });
    expect(record(apart, bounce(3, ['DPO@zoom.test']))).toEqual({ alone: false, together: true });
    expect(apart.state.inbox!.map((m) => m.bounceRecipients)).toEqual([['privacy@zoom.test'], ['other@zoom.test'], ['DPO@zoom.test']]);

    // The relay took the letter for one address only; that address bouncing later is enough.
    const partly = twoContacts();
    partly.letterReachedOnly('letter', ['dpo@zoom.test']);
    partly.letterSent(at(1));
    expect(record(partly, bounce(1, ['dpo@zoom.test']))).toEqual({ alone: false, together: true });
    // Only the letter it went out as: bounces of an earlier letter do not count for a later one.
    const again = twoContacts();
    again.letterSent(at(1));
    again.recordInbound(bounce(1, ['privacy@zoom.test'], 'letter'), at(2));
    const later = bounce(2, ['dpo@zoom.test'], 'letter-2');
    again.recordInbound(later, at(3));
    expect(again.bouncesAddUp(later, 'letter-2')).toBe(false);
  });

  it('counts the open letters sent from the timeline, for a run continued by code that did not carry the count', () => {
    const kase = newCase();
    const correct = (email: string, minute: number) => kase.correctContacts({ by: OFFICER, contacts: [{ name: 'Privacy', email }], reason: 'moved' }, at(minute));
    expect(kase.lettersRecorded()).toBe(0);
    kase.notDelivered('letter', 'open-letter', 'RecipientRejected: 550 5.1.1 No such user', at(1));
    kase.delivered('officer-notice-letter', 'officer-notice', undefined, at(1));
    kase.letterUndeliverable('letter', at(1));
    expect(kase.lettersRecorded()).toBe(1);
    correct('found@zoom.test', 2);
    kase.deliveryDelayed('letter-2', 'open-letter', '1 hour', at(63));
    expect(kase.lettersRecorded()).toBe(2);
    kase.delivered('letter-2', 'open-letter', true, at(64));
    kase.letterSentAt(at(64));
    kase.recordInbound(
      { messageId: '<b@mx>', from: 'mailer-daemon@mx', subject: 'Undelivered', receivedAt: iso(at(70)), kind: 'bounce', matchedBy: 'thread', answersStep: 'letter-2', text: '', documents: [], notes: [], bounce: { recipients: ['found@zoom.test'] } },
      at(70),
    );
    kase.letterUndeliverable('letter-2', at(70));
    expect(kase.lettersRecorded()).toBe(2);
    correct('third@zoom.test', 80);
    kase.delivered('letter-3', 'open-letter', undefined, at(81), 'the ledger could not record it');
    kase.delivered('reminder-response-1', 'reminder', undefined, at(90));
    // What else mentions a letter (the bounce, the officer's notices, an officer's own entry) is not one.
    kase.log(OFFICER, 'open-letter sent', at(95), 'letter-12');
    expect(kase.state.timeline.filter((t) => t.detail?.startsWith('letter-2')).map((t) => t.what)).toEqual([
      'open-letter delayed',
      'open-letter sent',
      'message bounced',
      'letter undeliverable',
    ]);
    expect(kase.lettersRecorded()).toBe(3);
    // The next run reads the same count from the state handed over.
    const resumed = new EngagementCase({ ...engagementInput('vc-2020', 'zoom'), revision: ENGAGEMENT_REVISION }, at(100), kase.state);
    expect(resumed.lettersRecorded()).toBe(3);
    resumed.delivered('letter-10', 'open-letter', undefined, at(101));
    expect(resumed.lettersRecorded()).toBe(10);
  });

  it('keeps a reply or a response that arrived while the letter went out once it is delivered, from the patch on', () => {
    const early = newCase();
    early.recordResponse({ by: OFFICER, receivedAt: iso(at(1)), summary: 'Early answer', attachments: [] }, at(1));
    expect(early.movedWhileLetterWentOut()).toBe(true);
    early.letterSent(at(2), true);
    expect(early.state.stage).toBe('responded');
    expect(early.state.letterSentAt).toBe(iso(at(2)));

    // A case recorded before the patch replays as it ran: back to awaiting the response.
    const recorded = newCase();
    recorded.recordResponse({ by: OFFICER, receivedAt: iso(at(1)), summary: 'Early answer', attachments: [] }, at(1));
    recorded.letterSent(at(2));
    expect(recorded.state.stage).toBe('awaiting-response');

    const plain = newCase();
    expect(plain.movedWhileLetterWentOut()).toBe(false);
    plain.letterSent(at(2), true);
    expect(plain.state.stage).toBe('awaiting-response');
  });

  it('settles a reply waiting for review when the officer records the response by hand', () => {
    const kase = newCase();
    kase.letterSent(at(1));
    const reply: RecordInboundInput = {
      messageId: '<r1@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: Open letter', receivedAt: iso(at(2)), kind: 'reply', matchedBy: 'thread', answersStep: 'letter', text: 'Our answer', documents: [], notes: [],
    };
    kase.recordInbound(reply, at(2));
    expect(kase.status().stage).toBe('reply-received');
    kase.recordResponse({ by: OFFICER, receivedAt: iso(at(2)), summary: 'Our answer', attachments: [] }, at(3));
    expect(kase.status().inbox?.[0]).toMatchObject({ review: 'confirmed', reviewedBy: OFFICER });
    // A reply recorded after the response is the officer's to review.
    kase.recordInbound({ ...reply, messageId: '<r2@zoom.test>', receivedAt: iso(at(4)) }, at(4));
    expect(kase.status().inbox?.[1]).toMatchObject({ review: 'to-review' });
  });

  it('holds a round for review only by a reply that came after its questions, until the officer confirms or dismisses it', () => {
    const kase = respondedCase();
    const reply = (id: string, minutes: number): RecordInboundInput => ({
      messageId: `<${id}@zoom.test>`, from: 'privacy@zoom.test', subject: 'Re: Follow-up questions', receivedAt: iso(at(minutes)), kind: 'reply', matchedBy: 'thread', text: 'q1: in an HSM.', documents: [], notes: [],
    });
    // Left to review from before the round: it cannot answer questions not yet asked.
    kase.recordInbound(reply('early', 15), at(15));
    const { round } = kase.askFollowUp({ by: OFFICER, questions: ['A?', 'B?'] }, at(30));
    expect(kase.answersUnderReview(round)).toBe(false);
    kase.recordInbound({ ...reply('auto', 40), kind: 'auto-reply' }, at(40));
    expect(kase.answersUnderReview(round)).toBe(false);
    kase.recordInbound(reply('answers', 41), at(41));
    expect(kase.answersUnderReview(round)).toBe(true);
    kase.confirmInbound({ by: OFFICER, messageId: '<answers@zoom.test>', as: 'answers', answers: [{ questionId: 'q1' }] }, at(50));
    expect(kase.answersUnderReview(round)).toBe(false);
    kase.recordInbound(reply('more', 60), at(60));
    expect(kase.answersUnderReview(round)).toBe(true);
    kase.dismissInbound({ by: OFFICER, messageId: '<more@zoom.test>', reason: 'Not about the questions' }, at(61));
    expect(kase.answersUnderReview(round)).toBe(false);
  });
});


describe('bounces after the vendor’s contacts were changed', () => {
  const bounce = (recipients: string[], answersStep = 'letter'): RecordInboundInput => ({
    messageId: `<bounce-${answersStep}-${recipients.join('-')}@mx.test>`,
    from: 'mailer-daemon@mx.test',
    subject: 'Undelivered Mail Returned to Sender',
    receivedAt: iso(at(30)),
    kind: 'bounce',
    matchedBy: 'thread',
    answersStep,
    text: '',
    documents: [],
    notes: [],
    bounce: { recipients },
  });
  /** A case whose letter went to privacy@zoom.test, its one contact, as the workflow sends it. */
  const letterOut = () => {
    const kase = new EngagementCase(engagementInput('vc-2020', 'zoom', fastPolicy({ responseDue: '30 days' })), T0);
    kase.letterGoingTo('letter', kase.contacts().map((c) => c.email));
    kase.letterSent(at(1));
    return kase;
  };

  it('takes a bounce of the letter from the address it went to, though an officer replaced that address since, and the letter reached nobody', () => {
    const kase = letterOut();
    kase.changeContacts({ by: OFFICER, mode: 'replace', contacts: [{ name: 'Team', email: 'team@zoom.test' }], reason: 'asked' }, at(10));
    const report = bounce(['privacy@zoom.test']);
    expect(() => checkRecordInbound(kase.state, kase.vendor(), report)).not.toThrow();
    kase.recordInbound(report, at(30));
    expect(kase.bouncedFromEveryContact(report, 'letter')).toBe(true);
    expect(kase.bouncesAddUp(report, 'letter')).toBe(true);
  });

  it('takes a bounce of a reminder sent to a former contact, and still refuses an address it never wrote to', () => {
    const kase = letterOut();
    kase.changeContacts({ by: OFFICER, mode: 'replace', contacts: [{ name: 'Team', email: 'team@zoom.test' }], reason: 'asked' }, at(10));
    expect(() => checkRecordInbound(kase.state, kase.vendor(), bounce(['PRIVACY@zoom.test'], 'reminder-1'))).not.toThrow();
    expect(() => checkRecordInbound(kase.state, kase.vendor(), bounce(['someone@else.test'], 'reminder-1'))).toThrow(/not an address this engagement wrote to/);
  });

  it('finds the letter undeliverable when it bounced from every address it went to, though an officer added one since', () => {
    const kase = letterOut();
    kase.changeContacts({ by: OFFICER, mode: 'add', contacts: [{ name: 'DPO', email: 'dpo@lawfirm.test' }], reason: 'asked' }, at(10));
    const report = bounce(['privacy@zoom.test']);
    kase.recordInbound(report, at(30));
    expect(kase.bouncedFromEveryContact(report, 'letter')).toBe(true);
    expect(kase.bouncesAddUp(report, 'letter')).toBe(true);
    // The old way (a history recorded before the patch) compares with the contacts now.
    expect(kase.bouncedFromEveryContact(report, 'letter', false)).toBe(false);
  });

  it('keeps the letter’s recipients and former contacts across a continue-as-new, and a continuation without them reads the contacts', () => {
    const kase = letterOut();
    kase.changeContacts({ by: OFFICER, mode: 'replace', contacts: [{ name: 'Team', email: 'team@zoom.test' }], reason: 'asked' }, at(10));
    const input = engagementInput('vc-2020', 'zoom', fastPolicy({ responseDue: '30 days' }));
    const resumed = new EngagementCase(input, at(20), structuredClone(kase.state));
    const report = bounce(['privacy@zoom.test']);
    expect(() => checkRecordInbound(resumed.state, resumed.vendor(), report)).not.toThrow();
    expect(resumed.bouncedFromEveryContact(report, 'letter')).toBe(true);
    const { letterSentTo: _sent, formerContacts: _former, ...older } = structuredClone(kase.state);
    const olderRun = new EngagementCase(input, at(20), older);
    expect(olderRun.bouncedFromEveryContact(bounce(['team@zoom.test']), 'letter')).toBe(true);
  });
});
