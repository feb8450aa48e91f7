import { describe, expect, it } from 'vitest';
import * as rules from '../../workflows/engagement-rules';
import type { EngagementView } from '../../workflows/engagement-rules';
import type { Demonstration, Question } from '../../workflows/types';
import { completeFindings, engagementInput, patientPolicy } from '../helpers/fixtures';
import { nextActionKeyword, parseNextActionKeyword } from '../../workflows/messages';

const NOW = Date.parse('2020-08-01T12:00:00Z');

function view(overrides: Partial<EngagementView> = {}): EngagementView {
  return {
    workflowId: 'engagement:c:zoom',
    stage: 'awaiting-response',
    questions: [],
    demonstrations: [],
    responseDueDate: '2020-08-20T00:00:00.000Z',
    rounds: [],
    ...overrides,
  };
}

const question = (id: string, round: number, answer?: string): Question => ({
  id,
  round,
  text: `Question ${id}?`,
  dueDate: '2020-08-10T00:00:00.000Z',
  ...(answer ? { answer } : {}),
});

const demonstration = (overrides: Partial<Demonstration> = {}): Demonstration => ({
  id: 'd1',
  at: '2020-08-05T14:00:00.000Z',
  durationMinutes: 60,
  attendees: [{ name: 'Ann', email: 'ann@zoom.test' }],
  topics: ['How encryption keys are managed'],
  rescheduled: 0,
  ...overrides,
});

const responded = (overrides: Partial<EngagementView> = {}) =>
  view({ stage: 'responded', response: { receivedAt: '2020-07-30', summary: 'ok', attachments: [] }, ...overrides });

describe('engagement rules', () => {
  describe('recording a response', () => {
    const valid = { by: 'Officer Tremblay', receivedAt: '2020-07-30', summary: 'Detailed answer', attachments: ['reply.pdf'] };

    it('accepts a dated, summarised response while awaiting it', () => {
      expect(() => rules.checkRecordResponse(view(), valid, NOW)).not.toThrow();
    });

    it('refuses a blank officer name', () => {
      expect(() => rules.checkRecordResponse(view(), { ...valid, by: '  ' }, NOW)).toThrow(/officer's name/);
    });

    it('refuses an empty summary', () => {
      expect(() => rules.checkRecordResponse(view(), { ...valid, summary: ' ' }, NOW)).toThrow('the response summary must not be empty');
    });

    it('refuses a date that is not ISO, and one in the future', () => {
      expect(() => rules.checkRecordResponse(view(), { ...valid, receivedAt: '30/07/2020' }, NOW)).toThrow(/receivedAt must be an ISO date/);
      expect(() => rules.checkRecordResponse(view(), { ...valid, receivedAt: '2020-02-30x' }, NOW)).toThrow(/ISO date/);
      expect(() => rules.checkRecordResponse(view(), { ...valid, receivedAt: '2020-09-01' }, NOW)).toThrow(/future/);
    });

    it('refuses a response received before its letter went out, naming the date received', () => {
      const sent = view({ letterSentAt: '2020-07-21T14:00:00.000Z' });
      expect(() => rules.checkRecordResponse(sent, { ...valid, receivedAt: '2019-01-01' }, NOW)).toThrow(
        /the date the response was received \(2019-01-01\) is earlier than the open letter, sent 2020-07-21T14:00:00.000Z/,
      );
      expect(() => rules.checkRecordResponse(sent, { ...valid, receivedAt: '2020-07-21T13:00:00Z' }, NOW)).toThrow(/earlier than the open letter/);
      // The day the letter went out, written without a time, is that day wherever the officer is.
      expect(() => rules.checkRecordResponse(sent, { ...valid, receivedAt: '2020-07-21' }, NOW)).not.toThrow();
      expect(() => rules.checkRecordResponse(sent, { ...valid, receivedAt: '2020-07-21T14:30:00Z' }, NOW)).not.toThrow();
    });

    it('reads when the letter went out from the timeline of an engagement started before that was recorded', () => {
      const timeline = [{ at: '2020-07-21T14:00:00.000Z', by: 'dossier', what: 'open-letter sent', detail: 'letter' }];
      expect(() => rules.checkRecordResponse(view({ timeline }), { ...valid, receivedAt: '2020-07-20' }, NOW)).toThrow(/earlier than the open letter/);
    });

    it('refuses a second response and anything after closure', () => {
      expect(() => rules.checkRecordResponse(responded(), valid, NOW)).toThrow(/while the engagement is responded/);
      expect(() => rules.checkRecordResponse(view({ stage: 'closed-no-response' }), valid, NOW)).toThrow(
        'engagement:c:zoom is closed-no-response: it accepts no more changes',
      );
    });
  });

  describe('extending a deadline', () => {
    const valid = { by: 'Officer', dueDate: '2020-09-01', reason: 'Vendor asked for time' };

    it('takes how much longer instead of a date: working days only on a calendar, a duration only if it ends ahead', () => {
      const longer = { by: 'Officer', extendBy: '10 working days', reason: 'Vendor asked for time' };
      expect(() => rules.checkExtendDeadline(view(), longer, NOW, { calendar: true })).not.toThrow();
      expect(() => rules.checkExtendDeadline(view(), longer, NOW)).toThrow(/needs a jurisdiction and a timeZone to count working days/);
      expect(() => rules.checkExtendDeadline(view(), { ...longer, extendBy: '14 days' }, NOW)).not.toThrow();
      // A French officer's « 14 jours » is the same extension.
      expect(() => rules.checkExtendDeadline(view(), { ...longer, extendBy: '14 jours' }, NOW)).not.toThrow();
      expect(() => rules.checkExtendDeadline(view(), { ...longer, extendBy: 'a fortnight' }, NOW)).toThrow(/the extension must be a duration such as/);
      expect(() => rules.checkExtendDeadline(view(), { ...longer, dueDate: '2020-09-01' }, NOW, { calendar: true })).toThrow(/either the new due date or how much longer/);
      expect(() => rules.checkExtendDeadline(view(), { by: 'Officer', reason: 'r' }, NOW)).toThrow(/either the new due date or how much longer/);
      // Overdue since 20 July: two days more still ends before now.
      expect(() => rules.checkExtendDeadline(view({ responseDueDate: '2020-07-20T00:00:00.000Z' }), { ...longer, extendBy: '2 days' }, NOW)).toThrow(
        /the current due date \(2020-07-20T00:00:00.000Z\) plus 2 days must be in the future/,
      );
    });

    it('moves the response due date forward only', () => {
      expect(() => rules.checkExtendDeadline(view(), valid, NOW)).not.toThrow();
      expect(() => rules.checkExtendDeadline(view(), { ...valid, dueDate: '2020-08-19' }, NOW)).toThrow(/later than the current one/);
      expect(() => rules.checkExtendDeadline(view(), { ...valid, reason: '' }, NOW)).toThrow(/reason/);
    });

    it('targets the latest round with open questions after the response', () => {
      const rounds = [
        { round: 1, askedAt: '2020-08-01', dueDate: '2020-08-10T00:00:00.000Z', remindersExhausted: true },
        { round: 2, askedAt: '2020-08-01', dueDate: '2020-08-12T00:00:00.000Z', remindersExhausted: false },
      ];
      const v = responded({ stage: 'follow-up', rounds, questions: [question('q1', 1), question('q2', 2, 'yes')] });
      expect(rules.extensionTarget(v, {})?.round).toBe(1);
      expect(() => rules.checkExtendDeadline(v, { ...valid, round: 2 }, NOW)).toThrow(/every question of follow-up round 2 is answered/);
      expect(() => rules.checkExtendDeadline(responded(), valid, NOW)).toThrow(/nothing to extend/);
    });

    it('extends the response deadline while a reply is under review (a vendor asking for two more weeks lands there)', () => {
      const underReview = view({ stage: 'reply-received', letterSentAt: '2020-07-21T09:00:00.000Z' });
      expect(rules.extensionTarget(underReview, {})).toBeUndefined();
      expect(() => rules.checkExtendDeadline(underReview, { by: 'Officer', extendBy: '14 days', reason: 'Vendor asked for time' }, NOW)).not.toThrow();
      expect(() => rules.checkExtendDeadline(underReview, valid, NOW)).not.toThrow();
      expect(() => rules.checkExtendDeadline(underReview, { ...valid, dueDate: '2020-08-19' }, NOW)).toThrow(/later than the current one/);
    });

    it('names the stage truthfully when the letter has not reached the vendor yet', () => {
      const longer = { by: 'Officer', extendBy: '14 days', reason: 'Vendor asked for time' };
      expect(() => rules.checkExtendDeadline(view({ stage: 'sending-letter' }), longer, NOW)).toThrow(
        'cannot extend the response deadline while the engagement is sending-letter: the open letter is still being sent, and the response is due a set time after it goes out',
      );
      expect(() => rules.checkExtendDeadline(view({ stage: 'letter-undeliverable', letterSentAt: '2020-07-21T09:00:00.000Z' }), valid, NOW)).toThrow(
        /while the engagement is letter-undeliverable: the open letter has not reached the vendor, so no response deadline runs; correct the contact address/,
      );
      // A reply that came in while the letter (again, after a correction) was still going out.
      const corrected = { at: '2020-07-25T09:00:00.000Z', by: 'Officer', what: 'contact address corrected' };
      for (const v of [view({ stage: 'reply-received' }), view({ stage: 'reply-received', letterSentAt: '2020-07-21T09:00:00.000Z', timeline: [corrected] })]) {
        expect(() => rules.checkExtendDeadline(v, longer, NOW)).toThrow(/the open letter is still being sent, .*: extend the response deadline once it has gone out/);
      }
      expect(() =>
        rules.checkExtendDeadline(view({ stage: 'reply-received', letterSentAt: '2020-07-26T09:00:00.000Z', timeline: [corrected] }), longer, NOW),
      ).not.toThrow();
    });
  });

  describe('follow-up questions', () => {
    const rounds = [{ round: 1, askedAt: '2020-08-01', dueDate: '2020-08-10T00:00:00.000Z', remindersExhausted: false }];

    it('needs a response first and at least one non-empty question', () => {
      expect(() => rules.checkAskFollowUp(view(), { by: 'O', questions: ['Why?'] }, NOW)).toThrow(/cannot ask follow-up questions while the engagement is awaiting-response/);
      expect(() => rules.checkAskFollowUp(responded(), { by: 'O', questions: [] }, NOW)).toThrow('ask at least one question');
      expect(() => rules.checkAskFollowUp(responded(), { by: 'O', questions: ['ok', ' '] }, NOW)).toThrow('question 2 must not be empty');
      expect(() => rules.checkAskFollowUp(responded(), { by: 'O', questions: ['Why?'], dueDate: 'soon' }, NOW)).toThrow(/dueDate must be an ISO date/);
    });

    it('opens a new round only once the previous one is answered or its reminders are exhausted', () => {
      const open = responded({ stage: 'follow-up', rounds, questions: [question('q1', 1, 'yes'), question('q2', 1)] });
      expect(() => rules.checkAskFollowUp(open, { by: 'O', questions: ['More?'] }, NOW)).toThrow(/round 1 is still open/);
      const exhausted = { ...open, rounds: [{ ...rounds[0], remindersExhausted: true }] };
      expect(() => rules.checkAskFollowUp(exhausted, { by: 'O', questions: ['More?'] }, NOW)).not.toThrow();
      const answered = { ...open, questions: [question('q1', 1, 'yes'), question('q2', 1, 'no')] };
      expect(() => rules.checkAskFollowUp(answered, { by: 'O', questions: ['More?'] }, NOW)).not.toThrow();
    });

    it('records answers only to known, unanswered questions', () => {
      const v = responded({ stage: 'follow-up', rounds, questions: [question('q1', 1, 'yes'), question('q2', 1)] });
      expect(() => rules.checkRecordAnswers(view(), { by: 'O', answers: [{ questionId: 'q1', answer: 'a' }] })).toThrow(
        /no follow-up question has been asked yet/,
      );
      expect(() => rules.checkRecordAnswers(v, { by: 'O', answers: [{ questionId: 'q9', answer: 'a' }] })).toThrow(/unknown question "q9"/);
      expect(() => rules.checkRecordAnswers(v, { by: 'O', answers: [{ questionId: 'q1', answer: 'a' }] })).toThrow(/already answered/);
      expect(() => rules.checkRecordAnswers(v, { by: 'O', answers: [{ questionId: 'q2', answer: '' }] })).toThrow(/answer to q2/);
      expect(() => rules.checkRecordAnswers(v, { by: 'O', answers: [{ questionId: 'q2', answer: 'a' }] })).not.toThrow();
    });
  });

  describe('demonstrations', () => {
    const schedule = {
      by: 'O',
      at: '2020-08-05T14:00:00Z',
      durationMinutes: 60,
      attendees: [{ name: 'Ann', email: 'ann@zoom.test' }],
      topics: ['Key management'],
    };

    it('schedules a future meeting with attendees and topics', () => {
      expect(() => rules.checkScheduleDemonstration(responded(), schedule, NOW)).not.toThrow();
      expect(() => rules.checkScheduleDemonstration(responded(), { ...schedule, at: '2020-07-01T00:00:00Z' }, NOW)).toThrow(/in the future/);
      expect(() => rules.checkScheduleDemonstration(responded(), { ...schedule, durationMinutes: 0 }, NOW)).toThrow(/durationMinutes/);
      expect(() => rules.checkScheduleDemonstration(responded(), { ...schedule, topics: [] }, NOW)).toThrow(/at least one topic/);
      expect(() => rules.checkScheduleDemonstration(responded(), { ...schedule, attendees: [{ name: 'X', email: 'x' }] }, NOW)).toThrow(
        /email address/,
      );
    });

    it('takes a place and an https meeting link, on a schedule and a reschedule', () => {
      const placed = { ...schedule, location: 'OPC, Gatineau, room 4', meetingUrl: 'https://meet.example.org/opc-zoom?pwd=x1' };
      expect(() => rules.checkScheduleDemonstration(responded(), placed, NOW)).not.toThrow();
      expect(() => rules.checkScheduleDemonstration(responded(), { ...placed, meetingUrl: 'http://meet.example.org/opc' }, NOW)).toThrow(
        'the meeting link must be an address starting with https:// (got "http://meet.example.org/opc")',
      );
      for (const bad of ['https://', 'https://user:pw@meet.example.org/', 'https://meet.example.org/a b', 'https://meet.example.org/"onmouseover=x']) {
        expect(() => rules.checkScheduleDemonstration(responded(), { ...placed, meetingUrl: bad }, NOW), bad).toThrow(/is not a web address/);
      }
      expect(() => rules.checkScheduleDemonstration(responded(), { ...placed, location: 'Room 4\nBCC: x@evil.example' }, NOW)).toThrow(/the location/);
      const reschedule = { by: 'O', demonstrationId: 'd1', at: '2020-08-06T14:00:00Z', reason: 'Vendor asked', meetingUrl: 'javascript:alert(1)' };
      expect(() => rules.checkRescheduleDemonstration(responded({ demonstrations: [demonstration()] }), reschedule, NOW)).toThrow(/https:\/\//);
      // A reschedule may remove the place or the link (null); a schedule has none to remove.
      const removing = { ...reschedule, location: null, meetingUrl: null };
      expect(() => rules.checkRescheduleDemonstration(responded({ demonstrations: [demonstration()] }), removing, NOW)).not.toThrow();
      expect(() => rules.checkScheduleDemonstration(responded(), { ...placed, location: null } as never, NOW)).toThrow(/the location must be text/);
    });

    it('records an outcome only for a demonstration that has started and has none yet', () => {
      const outcome = { by: 'O', demonstrationId: 'd1', result: 'validated' as const, notes: 'Shown live' };
      expect(() => rules.checkDemonstrationOutcome(responded(), outcome, NOW)).toThrow(/no demonstration has been scheduled/);
      const v = responded({ stage: 'demonstration', demonstrations: [demonstration()] });
      expect(() => rules.checkDemonstrationOutcome(v, outcome, NOW)).toThrow(/has not started yet/);
      const later = Date.parse('2020-08-05T14:30:00Z');
      expect(() => rules.checkDemonstrationOutcome(v, outcome, later)).not.toThrow();
      expect(() => rules.checkDemonstrationOutcome(v, { ...outcome, demonstrationId: 'd7' }, later)).toThrow(/unknown demonstration "d7"/);
      expect(() => rules.checkDemonstrationOutcome(v, { ...outcome, result: 'great' as never }, later)).toThrow(/result must be one of/);
      const done = responded({ demonstrations: [demonstration({ result: 'validated' })] });
      expect(() => rules.checkDemonstrationOutcome(done, outcome, later)).toThrow(/already recorded/);
    });

    it('reschedules a pending demonstration to a new future time', () => {
      const v = responded({ stage: 'demonstration', demonstrations: [demonstration()] });
      const req = { by: 'O', demonstrationId: 'd1', at: '2020-08-06T14:00:00Z', reason: 'Vendor unavailable' };
      expect(() => rules.checkRescheduleDemonstration(v, req, NOW)).not.toThrow();
      expect(() => rules.checkRescheduleDemonstration(v, { ...req, at: '2020-08-05T14:00:00Z' }, NOW)).toThrow(/already scheduled/);
      expect(() => rules.checkRescheduleDemonstration(v, { ...req, reason: '' }, NOW)).toThrow(/reason/);
    });
  });

  describe('conclusion and withdrawal', () => {
    it('needs findings for all five principles', () => {
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: completeFindings() })).not.toThrow();
      const { transparency: _dropped, ...four } = completeFindings();
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: four as never })).toThrow(
        'findings are missing for: transparency (all five principles are required)',
      );
      const blank = { ...completeFindings(), security: { assessment: { en: '', fr: ' ' }, goodPractices: [] } };
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: blank })).toThrow(/assessment for security must not be empty in both languages/);
    });

    it('takes findings only in English and French: one string would print one language in both documents', () => {
      const single = { ...completeFindings(), security: { assessment: 'Encrypted end to end.', goodPractices: [] } };
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: single as never })).toThrow(
        'the assessment for security must be given in English and French ({ en, fr }), not as one string',
      );
      const practice = { ...completeFindings(), security: { assessment: { en: 'A', fr: 'B' }, goodPractices: ['Waiting rooms'] } };
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: practice as never })).toThrow(/good practice 1 for security must be given in English and French/);
      // Half written is accepted here: the draft lists what is still missing.
      const englishOnly = { ...completeFindings(), security: { assessment: { en: 'Encrypted.', fr: '' }, goodPractices: [] } };
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: englishOnly })).not.toThrow();
    });

    it('cannot conclude before the response or with a demonstration outcome pending', () => {
      expect(() => rules.checkConclude(view(), { by: 'O', findings: completeFindings() })).toThrow(/awaiting-response/);
      const pending = responded({ demonstrations: [demonstration()] });
      expect(() => rules.checkConclude(pending, { by: 'O', findings: completeFindings() })).toThrow(/demonstration d1 first/);
    });

    it('withdraws any open engagement with a reason', () => {
      expect(() => rules.checkWithdraw(view({ stage: 'sending-letter' }), { by: 'O', reason: 'Duplicate' })).not.toThrow();
      expect(() => rules.checkWithdraw(view(), { by: 'O', reason: '' })).toThrow(/reason for withdrawing/);
      expect(() => rules.checkWithdraw(view({ stage: 'withdrawn' }), { by: 'O', reason: 'x' })).toThrow(/accepts no more changes/);
    });
  });

  describe('text limits, markup and file names (text-rules.ts)', () => {
    const response = { by: 'Officer', receivedAt: '2020-07-30', summary: 'Detailed answer', attachments: ['reply.pdf'] };

    it('refuses an oversized summary and too many attachments, naming the limit', () => {
      expect(() => rules.checkRecordResponse(view(), { ...response, summary: 'x'.repeat(20_001) }, NOW)).toThrow(
        'the response summary must be at most 20000 characters (got 20001)',
      );
      expect(() => rules.checkRecordResponse(view(), { ...response, attachments: Array.from({ length: 101 }, (_, i) => `a${i}.pdf`) }, NOW)).toThrow(
        'attachments must have at most 100 entries (got 101)',
      );
    });

    it('refuses attachment names that are paths, and active markup in the summary but not a harmless tag', () => {
      expect(() => rules.checkRecordResponse(view(), { ...response, attachments: ['../../etc/passwd'] }, NOW)).toThrow(
        'attachment 1 must be a file name, not a path',
      );
      expect(() => rules.checkRecordResponse(view(), { ...response, summary: 'Fine <script>alert(1)</script>' }, NOW)).toThrow(
        /the response summary must not contain markup \(found "<script"\)/,
      );
      expect(() => rules.checkRecordResponse(view(), { ...response, summary: 'We use <b>end-to-end</b> encryption; a < b.' }, NOW)).not.toThrow();
    });

    it('refuses more than 50 questions in a round and a question over 2,000 characters', () => {
      expect(() => rules.checkAskFollowUp(responded(), { by: 'O', questions: Array(51).fill('Why?') }, NOW)).toThrow(
        'the questions of a round must have at most 50 entries (got 51)',
      );
      expect(() => rules.checkAskFollowUp(responded(), { by: 'O', questions: ['x'.repeat(2_001)] }, NOW)).toThrow(
        'question 1 must be at most 2000 characters (got 2001)',
      );
    });

    it('refuses header injection in an attendee, and an officer name with a line break', () => {
      const schedule = { by: 'O', at: '2020-08-05T14:00:00Z', durationMinutes: 60, topics: ['Keys'], attendees: [{ name: 'Ann', email: 'ann@zoom.test' }] };
      expect(() =>
        rules.checkScheduleDemonstration(responded(), { ...schedule, attendees: [{ name: 'Ann\r\nBcc: x@evil.test', email: 'ann@zoom.test' }] }, NOW),
      ).toThrow('the name of attendee 1 must be on one line: it contains a line break (U+000D)');
      expect(() =>
        rules.checkScheduleDemonstration(responded(), { ...schedule, attendees: [{ name: 'Ann', email: 'ann@zoom.test\nBcc: x@evil.test' }] }, NOW),
      ).toThrow('the email address of attendee 1 must be on one line');
      expect(() => rules.checkWithdraw(view(), { by: 'O\nFake entry', reason: 'Duplicate' })).toThrow(/officer's name \("by"\) must be on one line/);
    });

    it("checks a withdrawal's text on its own, for the campaign to refuse what the engagement would ignore", () => {
      expect(() => rules.checkWithdrawalText({ by: 'O', reason: 'Out of scope' })).not.toThrow();
      expect(() => rules.checkWithdrawalText({ by: 'O', reason: 'x'.repeat(2_001) })).toThrow(
        'the reason for withdrawing must be at most 2000 characters (got 2001)',
      );
      expect(() => rules.checkWithdrawalText({ by: '<b>O</b>', reason: 'x' })).toThrow(/officer's name \("by"\) must not contain < or >/);
    });

    it('answers a request of the wrong shape with a sentence, not a TypeError', () => {
      expect(() => rules.checkWithdraw(view(), undefined as never)).toThrow(/the request must be an object/);
      const v = responded({ stage: 'follow-up', questions: [question('q1', 1)] });
      expect(() => rules.checkRecordAnswers(v, { by: 'O', answers: [null as never] })).toThrow('answer 1 must be { questionId, answer } (got null)');
      expect(() => rules.checkRecordAnswers(v, { by: 'O', answers: [{ questionId: 'q1', answer: 7 as never }] })).toThrow(
        'the answer to q1 must be text, not a number',
      );
      expect(() => rules.checkConclude(responded(), { by: 'O', findings: 'all good' as never })).toThrow(/findings must be a mapping/);
    });
  });
});

describe('correcting a contact address', () => {
  const refused = (overrides: Partial<EngagementView> = {}) =>
    view({ stage: 'letter-undeliverable', contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }], ...overrides });
  const input = (contacts: unknown, reason = 'moved') => ({ by: 'Officer', contacts, reason }) as never;

  it('is accepted only while the letter is undeliverable, with a new, valid address', () => {
    expect(() => rules.checkCorrectContacts(refused(), input([{ name: 'Privacy', email: 'new@zoom.test' }]))).not.toThrow();
    expect(() => rules.checkCorrectContacts(refused({ stage: 'awaiting-response' }), input([{ name: 'P', email: 'new@zoom.test' }]))).toThrow(
      /cannot correct the contact address while the engagement is awaiting-response/,
    );
    expect(() => rules.checkCorrectContacts(refused(), input([]))).toThrow(/at least one contact/);
    expect(() => rules.checkCorrectContacts(refused(), input([{ name: 'P', email: 'nope' }]))).toThrow(/email address of contact 1/);
    expect(() => rules.checkCorrectContacts(refused(), input([{ name: 'P', email: 'PRIVACY@zoom.test' }]))).toThrow(/refused for good/);
    expect(() => rules.checkCorrectContacts(refused(), input([{ name: 'P', email: 'new@zoom.test' }], ''))).toThrow(/reason for the correction/);
  });
});


describe('changing the contacts of an open case', () => {
  const open = (overrides: Partial<EngagementView> = {}) =>
    view({ stage: 'awaiting-response', contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }], ...overrides });
  const input = (mode: unknown, contacts: unknown, reason = 'the vendor asked') => ({ by: 'Officer', mode, contacts, reason }) as never;
  const code = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return (err as { details?: [{ refusal: string }] }).details?.[0]?.refusal ?? (err as Error).message;
    }
    return 'accepted';
  };
  const dpo = [{ name: 'DPO', email: 'dpo@lawfirm.test' }];

  it('accepts an added or a replacing address at any stage from the letter out until the case ends', () => {
    for (const stage of ['awaiting-response', 'responded', 'follow-up', 'demonstration'] as const) {
      expect(code(() => rules.checkChangeContacts(open({ stage }), input('add', dpo))), stage).toBe('accepted');
      expect(code(() => rules.checkChangeContacts(open({ stage }), input('replace', dpo))), stage).toBe('accepted');
    }
  });

  it('refuses an ended case, a letter still going out or refused for good, and says why', () => {
    expect(() => rules.checkChangeContacts(open({ stage: 'concluded' }), input('add', dpo))).toThrow(/is concluded: it accepts no more changes/);
    expect(code(() => rules.checkChangeContacts(open({ stage: 'withdrawn' }), input('add', dpo)))).toBe('final');
    expect(() => rules.checkChangeContacts(open({ stage: 'sending-letter' }), input('add', dpo))).toThrow(/still going out/);
    expect(code(() => rules.checkChangeContacts(open({ stage: 'letter-undeliverable' }), input('replace', dpo)))).toBe('change-contact-undeliverable');
  });

  it('refuses bad input, naming what is wrong', () => {
    expect(() => rules.checkChangeContacts(open(), input('add', []))).toThrow('give at least one contact address for the vendor');
    expect(() => rules.checkChangeContacts(open(), input('add', [{ name: 'DPO', email: 'not an address' }]))).toThrow(/email address of contact 1/);
    expect(() => rules.checkChangeContacts(open(), input('add', [{ name: '', email: 'dpo@lawfirm.test' }]))).toThrow(/name of contact 1/);
    expect(() => rules.checkChangeContacts(open(), input('merge', dpo))).toThrow(/add or replace; got "merge"/);
    expect(() => rules.checkChangeContacts(open(), input('add', [{ name: 'P', email: 'PRIVACY@zoom.test' }]))).toThrow("PRIVACY@zoom.test is already one of the vendor's contacts");
    expect(() => rules.checkChangeContacts(open(), input('replace', [...dpo, { name: 'D', email: 'DPO@lawfirm.test' }]))).toThrow('DPO@lawfirm.test is given twice');
    expect(() => rules.checkChangeContacts(open(), input('replace', [{ name: 'Privacy', email: 'privacy@zoom.test' }]))).toThrow(/nothing would change/);
    // A new name on the same address is a change: the letters greet the contact by it.
    expect(code(() => rules.checkChangeContacts(open(), input('replace', [{ name: 'Jane Doe, DPO', email: 'privacy@zoom.test' }])))).toBe('accepted');
    expect(() => rules.checkChangeContacts(open(), input('add', dpo, ' '))).toThrow(/the reason/);
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `C${i}`, email: `c${i}@zoom.test` }));
    expect(code(() => rules.checkChangeContacts(open(), input('add', many)))).toBe('contacts-too-many');
    expect(code(() => rules.checkChangeContacts(open(), input('replace', many)))).toBe('accepted');
  });
});

describe('what an engagement lists and how its input names its revision', () => {
  it('writes the next automatic step as one keyword and reads it back with its time', () => {
    const next = { kind: 'final-notice' as const, number: 1, about: 'follow-up:2', at: '2020-09-01T09:00:00.000Z' };
    expect(nextActionKeyword(next)).toBe('final-notice 1 follow-up:2');
    expect(parseNextActionKeyword(nextActionKeyword(next), new Date(next.at))).toEqual(next);
  });

  it('reads nothing from a keyword that is not a next step, or without its time', () => {
    const at = new Date('2020-09-01T09:00:00.000Z');
    for (const keyword of [undefined, '', 'reminder', 'reminder 0 response', 'reminder x response', 'wave 1 response', 'reminder 1 response extra']) {
      expect(parseNextActionKeyword(keyword, at)).toBeUndefined();
    }
    expect(parseNextActionKeyword('reminder 1 response', undefined)).toBeUndefined();
  });

  it('refuses a revision that is not a whole number from 1, naming it', () => {
    const input = engagementInput('revisions', 'zoom', patientPolicy());
    expect(rules.engagementInputProblem({ ...input, revision: rules.ENGAGEMENT_REVISION })).toBeUndefined();
    expect(rules.engagementInputProblem({ ...input, revision: 2.5 })).toBe('revision must be a whole number from 1 (got 2.5)');
    expect(rules.engagementInputProblem({ ...input, revision: '3' })).toBe('revision must be a whole number from 1 (got "3")');
  });

  it('refuses approval reminders every 0 seconds in an input another client started', () => {
    const input = engagementInput('reminders', 'zoom', patientPolicy({ approvalReminderEvery: 0 }));
    expect(rules.engagementInputProblem(input)).toBe('policy.approvalReminderEvery must be at least 1 second: it is how often a reminder repeats (got 0)');
  });
});
