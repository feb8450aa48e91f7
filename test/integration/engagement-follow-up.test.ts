// After the response: follow-up rounds with reminders, demonstrations with invitations and
// reminders, the conclusion, and every kind of officer request the engagement must refuse.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { simpleParser } from 'mailparser';
import {
  askFollowUpUpdate,
  concludeUpdate,
  confirmInboundUpdate,
  dismissInboundUpdate,
  extendDeadlineUpdate,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordInboundUpdate,
  recordResponseUpdate,
  rescheduleDemonstrationUpdate,
  scheduleDemonstrationUpdate,
  withdrawUpdate,
} from '../../workflows/messages';
import type { EngagementInput } from '../../workflows/types';
import { useDossier } from '../helpers/harness';
import { eventByPython } from '../helpers/icalendar';
import { completeFindings, engagementInput, fastPolicy, patientPolicy } from '../helpers/fixtures';
import { fromNow, startEngagement, stepOf, type EngagementDriver } from '../helpers/engagement-driver';
import { ENGAGEMENT_REVISION } from '../../workflows/engagement-rules';
import { continueRun } from '../helpers/continued-run';

const officer = 'Officer Tremblay';
// The day the test runs: a response cannot predate its letter, sent when the test starts.
const today = new Date().toISOString().slice(0, 10);
const response = { by: officer, receivedAt: today, summary: 'Detailed answers', attachments: [] };

describe('engagement: follow-up, demonstrations, conclusion', () => {
  const env = useDossier();

  /** Replays the finished case's history against the current bundle: a non-determinism fails it. */
  async function replays(e: EngagementDriver): Promise<void> {
    const history = await e.handle.fetchHistory();
    const options = { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: env.encryption?.dataConverter };
    await Worker.runReplayHistory(options, history, e.handle.workflowId);
  }

  async function respondedEngagement(input: EngagementInput): Promise<EngagementDriver> {
    const e = await startEngagement(env, input);
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    await e.handle.executeUpdate(recordResponseUpdate, { args: [response] });
    await e.waitForStatus((s) => s.timeline.some((t) => t.what === 'acknowledgement sent'));
    return e;
  }

  it('runs two follow-up rounds with partial answers, reminders and a final notice, without closing', async () => {
    // Round 1 is due in 5 s and its first reminder goes a second later: time to answer in part first.
    const policy = fastPolicy({ responseDue: '10 minutes', followUpDue: '5s', reminderCadence: ['1s', '2s'], finalNoticeAfter: '4s' });
    const e = await respondedEngagement(engagementInput(env.uniqueId('followup'), 'zoom', policy));

    const round1 = await e.handle.executeUpdate(askFollowUpUpdate, {
      args: [{ by: officer, questions: ['How are meeting IDs generated?', 'Who can see the attendee list?'] }],
    });
    expect(round1.map((q) => [q.id, q.round])).toEqual([['q1', 1], ['q2', 1]]);
    await e.handle.executeUpdate(recordAnswersUpdate, { args: [{ by: officer, answers: [{ questionId: 'q1', answer: 'Randomly, 11 digits' }] }] });
    await e.waitForStatus((s) => s.timeline.some((t) => t.what === 'follow-up-questions sent'));

    await e.expectRejected(
      () => e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions: ['Too early?'] }] }),
      /follow-up round 1 is still open/,
    );
    // q2 stays unanswered: two reminders, then the final notice; the engagement then waits.
    const [finalNotice] = await e.waitForMail('follow-up-r1-final-notice-1');
    // Its two reminders went out before it: it says so.
    expect((await simpleParser(finalNotice.raw)).text).toContain('Despite our reminders, we have not received the answers of Vendor zoom to these follow-up questions:');
    const exhausted = await e.waitForStatus((s) => s.rounds?.[0].remindersExhausted === true);
    expect(exhausted.stage).toBe('follow-up');
    expect(exhausted.openQuestions.map((q) => q.id)).toEqual(['q2']);
    expect(exhausted.remindersSent.map((r) => `${r.about}/${r.kind}/${r.number}`)).toEqual([
      'follow-up:1/reminder/1',
      'follow-up:1/reminder/2',
      'follow-up:1/final-notice/1',
    ]);
    const [questions] = await e.waitForMail('follow-up-r1-questions');
    expect(questions.to).toEqual(['privacy@zoom.test']);
    expect(e.mails().map(stepOf).filter((s) => s?.startsWith('follow-up-r1-')).sort()).toEqual([
      'follow-up-r1-final-notice-1',
      'follow-up-r1-questions',
      'follow-up-r1-reminder-1',
      'follow-up-r1-reminder-2',
    ]);

    const round2 = await e.handle.executeUpdate(askFollowUpUpdate, {
      args: [{ by: officer, questions: ['Is the waiting room on by default?', 'How long are recordings kept?'], dueDate: fromNow(600_000) }],
    });
    expect(round2.map((q) => [q.id, q.round])).toEqual([['q3', 2], ['q4', 2]]);
    await e.waitForMail('follow-up-r2-questions');
    await e.handle.executeUpdate(recordAnswersUpdate, {
      args: [{ by: officer, answers: [{ questionId: 'q4', answer: '30 days' }, { questionId: 'q2', answer: 'Hosts only' }] }],
    });
    const partial = await e.status();
    expect(partial.openQuestions.map((q) => q.id)).toEqual(['q3']);
    expect(partial.nextDeadline).toBe(round2[0].dueDate);
    await e.handle.executeUpdate(recordAnswersUpdate, { args: [{ by: officer, answers: [{ questionId: 'q3', answer: 'Yes' }] }] });

    const outcome = await e.handle.executeUpdate(concludeUpdate, { args: [{ by: officer, findings: completeFindings() }] });
    expect(outcome).toMatchObject({ questionsAsked: 4, questionsAnswered: 4 });
    expect((await e.status()).questions.map((q) => `${q.id}=${q.answer}`)).toEqual(['q1=Randomly, 11 digits', 'q2=Hosts only', 'q3=Yes', 'q4=30 days']);
    expect((await e.handle.result()).stage).toBe('concluded');
    await replays(e);
  });

  it('reminds of a round again from an extended due date after its final notice', async () => {
    const policy = fastPolicy({ responseDue: '10 minutes', followUpDue: '1s', reminderCadence: ['1s'], finalNoticeAfter: '2s' });
    const e = await respondedEngagement(engagementInput(env.uniqueId('fuextend'), 'cisco', policy));
    await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions: ['Where are keys stored?'] }] });
    await e.waitForStatus((s) => s.rounds?.[0].remindersExhausted === true);
    const dueDate = fromNow(2_000);
    await e.handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: officer, dueDate, reason: 'Vendor asked' }] });
    const extended = await e.status();
    expect(extended.rounds?.[0]).toMatchObject({ dueDate, remindersExhausted: false });
    await e.waitForMail('follow-up-r1-reminder-2');
    await e.waitForMail('follow-up-r1-final-notice-2');
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
  });

  it('holds a round’s reminders while the vendor’s emailed answers await review, then reminds of what they left unanswered', async () => {
    const policy = fastPolicy({ responseDue: '10 minutes', followUpDue: '2s', reminderCadence: ['1s', '2s'], finalNoticeAfter: '3s' });
    const e = await respondedEngagement(engagementInput(env.uniqueId('fureview'), 'zoom', policy));
    await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions: ['How are meeting IDs generated?', 'Who can see the attendee list?'] }] });
    await e.waitForMail('follow-up-r1-questions');
    // The vendor answers by email before the due date; the intake records the reply for review.
    const messageId = `<answers-${randomUUID()}@zoom.test>`;
    const reply = {
      messageId,
      from: 'privacy@zoom.test',
      subject: `Re: [${e.input.campaign.reference}] Follow-up questions on your response`,
      receivedAt: new Date().toISOString(),
      kind: 'reply' as const,
      matchedBy: 'thread' as const,
      answersStep: 'follow-up-r1-questions',
      text: 'q1: at random, 11 digits.',
      documents: [],
      notes: [],
    };
    await e.handle.executeUpdate(recordInboundUpdate, { args: [reply], updateId: messageId });
    // By now the due date (2 s), both reminders (1 s and 2 s after it) and the final notice (3 s) have passed.
    await sleep(7_000);
    expect(e.mails().map(stepOf).filter((s) => s?.startsWith('follow-up-r1-'))).toEqual(['follow-up-r1-questions']);
    expect((await e.status()).remindersSent).toEqual([]);

    await e.handle.executeUpdate(confirmInboundUpdate, { args: [{ by: officer, messageId, as: 'answers', answers: [{ questionId: 'q1' }] }] });
    const [reminder] = await e.waitForMail('follow-up-r1-reminder-1');
    const text = (await simpleParser(reminder.raw)).text ?? '';
    expect(text).toContain('q2. Who can see the attendee list?');
    expect(text).not.toContain('q1.');
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
    await e.handle.result();
    await replays(e);
  });

  it('keeps a round’s reminders waiting for the review of the vendor’s emailed answers in the run it continues as new', async () => {
    const policy = fastPolicy({ responseDue: '10 minutes', followUpDue: '2s', reminderCadence: ['1s', '2s'], finalNoticeAfter: '3s' });
    const e = await respondedEngagement(engagementInput(env.uniqueId('fureviewcan'), 'zoom', policy));
    await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions: ['How are meeting IDs generated?'] }] });
    await e.waitForMail('follow-up-r1-questions');
    const messageId = `<answers-${randomUUID()}@zoom.test>`;
    const reply = { messageId, from: 'privacy@zoom.test', subject: 'Re: Follow-up questions', receivedAt: new Date().toISOString(), kind: 'reply' as const, matchedBy: 'thread' as const, text: 'At random.', documents: [], notes: [] };
    await e.handle.executeUpdate(recordInboundUpdate, { args: [reply], updateId: messageId });
    // The case continues as new while the reply waits: the next run resumes the round from the state.
    const status = await e.status();
    const handle = await continueRun({ client: env.client, taskQueue: env.taskQueue, handle: e.handle, input: e.input, status, letters: { letterAttempts: 1 } });
    await sleep(7_000);
    expect(e.mails().map(stepOf).filter((s) => s?.startsWith('follow-up-r1-'))).toEqual(['follow-up-r1-questions']);
    await handle.executeUpdate(dismissInboundUpdate, { args: [{ by: officer, messageId, reason: 'not the answers' }] });
    await e.waitForMail('follow-up-r1-reminder-1');
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
  });

  it('invites to a demonstration, reinvites when it is rescheduled, reminds before it and records its outcome', async () => {
    const policy = patientPolicy({ demonstrationReminderLead: '2s' });
    const e = await respondedEngagement(engagementInput(env.uniqueId('demo'), 'google', policy));
    const attendees = [
      { name: 'Ann Engineer', email: 'ann@google.test' },
      { name: 'Daniel Therrien', email: 'lead@opc.test' },
    ];
    const scheduled = await e.handle.executeUpdate(scheduleDemonstrationUpdate, {
      args: [
        {
          by: officer,
          at: fromNow(600_000),
          durationMinutes: 60,
          attendees,
          topics: ['How end-to-end encryption is validated'],
          location: 'OPC, 30 Victoria Street, Gatineau',
          meetingUrl: 'https://meet.example.org/opc-google',
        },
      ],
    });
    expect(scheduled).toMatchObject({ id: 'd1', rescheduled: 0, durationMinutes: 60, meetingUrl: 'https://meet.example.org/opc-google' });
    const [invite] = await e.waitForMail('demo-d1-invite-1');
    expect(invite.to).toEqual(['privacy@google.test', 'ann@google.test', 'lead@opc.test']);
    const letterId = (await simpleParser(invite.raw)).inReplyTo;
    expect(letterId).toMatch(/^<letter\.engagement\./);
    await e.waitForStatus((s) => s.timeline.some((t) => t.what === 'demonstration-invitation sent'));

    await e.expectRejected(
      () => e.handle.executeUpdate(recordDemonstrationOutcomeUpdate, { args: [{ by: officer, demonstrationId: 'd1', result: 'validated', notes: 'Too early' }] }),
      /demonstration d1 has not started yet/,
    );

    const newTime = fromNow(5_000);
    const rescheduledAt = Date.now();
    const moved = await e.handle.executeUpdate(rescheduleDemonstrationUpdate, {
      args: [{ by: officer, demonstrationId: 'd1', at: newTime, reason: 'Vendor engineer unavailable', meetingUrl: 'https://meet.example.org/opc-google-2' }],
    });
    expect(moved).toMatchObject({ id: 'd1', at: newTime, rescheduled: 1, previousAt: scheduled.at, location: 'OPC, 30 Victoria Street, Gatineau' });
    expect((await e.status()).nextDeadline).toBe(newTime);
    // The new invitation says from when and why, in the email and in the event, stamped when it went out.
    const [reinvite] = await e.waitForMail('demo-d1-invite-2');
    const parsed = await simpleParser(reinvite.raw);
    const previous = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(scheduled.at));
    expect(parsed.text).toContain(`Moved from: ${previous}, because: Vendor engineer unavailable`);
    expect(parsed.text).toContain('Where: OPC, 30 Victoria Street, Gatineau');
    expect(parsed.text).toContain('Video call: https://meet.example.org/opc-google-2');
    const ics = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8');
    const event = eventByPython(ics ?? '');
    expect(event).toMatchObject({ sequence: 1, location: 'OPC, 30 Victoria Street, Gatineau', url: 'https://meet.example.org/opc-google-2' });
    expect(event.description).toContain(`Moved from ${previous} (UTC); reason for the change: Vendor engineer unavailable`);
    expect(Date.parse(event.dtstamp)).toBeGreaterThanOrEqual(Math.floor(rescheduledAt / 1000) * 1000 - 2_000);
    expect(Date.parse(event.dtstamp)).toBeLessThanOrEqual(Date.now());
    const [reminder] = await e.waitForMail('demo-d1-reminder-1');
    expect(reminder.to).toHaveLength(3);

    await e.waitForStatus(() => Date.now() > Date.parse(newTime) + 500);
    const recorded = await e.handle.executeUpdate(recordDemonstrationOutcomeUpdate, {
      args: [{ by: officer, demonstrationId: 'd1', result: 'partly-validated', notes: 'Key rotation shown; audit logs not shown' }],
    });
    expect(recorded.result).toBe('partly-validated');
    await e.handle.executeUpdate(concludeUpdate, { args: [{ by: officer, findings: completeFindings() }] });
    const outcome = await e.handle.result();
    // The result says how the demonstration went; the officer's notes stay with the engagement.
    expect(outcome.demonstrations).toEqual([{ id: 'd1', at: newTime, result: 'partly-validated' }]);
    expect((await e.status()).demonstrations[0]).toMatchObject({ id: 'd1', notes: 'Key rotation shown; audit logs not shown' });
    expect(outcome.remindersSent.map((r) => `${r.about}/${r.number}`)).toEqual(['demonstration:d1/1']);
    expect(e.mails().filter((m) => stepOf(m)?.startsWith('demo-')).map(stepOf).sort()).toEqual([
      'demo-d1-invite-1',
      'demo-d1-invite-2',
      'demo-d1-reminder-1',
    ]);
    await replays(e);
  });

  it('cancels a demonstration still to come when the engagement is withdrawn, in the vendor’s calendar too', async () => {
    const e = await respondedEngagement({ ...engagementInput(env.uniqueId('demo-withdrawn'), 'google', patientPolicy()), revision: ENGAGEMENT_REVISION });
    const attendees = [{ name: 'Ann Engineer', email: 'ann@google.test' }];
    await e.handle.executeUpdate(scheduleDemonstrationUpdate, {
      args: [{ by: officer, at: fromNow(600_000), durationMinutes: 60, attendees, topics: ['Key management'], meetingUrl: 'https://meet.example.org/opc-google' }],
    });
    const [invite] = await e.waitForMail('demo-d1-invite-1');
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'Google left the market' }] });
    expect((await e.handle.result()).stage).toBe('withdrawn');
    // Everyone invited is told, and the event leaves their calendars (same UID, a higher SEQUENCE).
    const cancellation = e.mails().find((m) => stepOf(m) === 'demo-d1-cancel');
    expect(cancellation?.to, e.mails().map(stepOf).join(', ')).toEqual(invite.to);
    const parsed = await simpleParser(cancellation!.raw);
    expect(parsed.subject).toContain('Cancelled: demonstration on');
    expect(parsed.text).toContain('is cancelled: the signatory authorities have ended their engagement with Vendor google');
    expect(parsed.text).not.toContain('Google left the market');
    const ics = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8') ?? '';
    const original = (await simpleParser(invite.raw)).attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8');
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics.match(/^UID:.*$/m)?.[0]).toBe(original.match(/^UID:.*$/m)?.[0]);
    expect(eventByPython(ics).sequence).toBe(1);
    await replays(e);
  });

  it('cancels a demonstration still to come when the whole engagement is cancelled (a campaign ended early), in the vendor’s calendar too', async () => {
    const e = await respondedEngagement({ ...engagementInput(env.uniqueId('demo-cancelled'), 'google', patientPolicy()), revision: ENGAGEMENT_REVISION });
    const attendees = [{ name: 'Ann Engineer', email: 'ann@google.test' }];
    await e.handle.executeUpdate(scheduleDemonstrationUpdate, { args: [{ by: officer, at: fromNow(600_000), durationMinutes: 60, attendees, topics: ['Key management'] }] });
    const [invite] = await e.waitForMail('demo-d1-invite-1');
    await e.handle.cancel();
    expect(await e.handle.result()).toMatchObject({ stage: 'withdrawn', withdrawalReason: 'the engagement was cancelled' });
    const cancellation = e.mails().find((m) => stepOf(m) === 'demo-d1-cancel');
    expect(cancellation?.to, e.mails().map(stepOf).join(', ')).toEqual(invite.to);
    const ics = (await simpleParser(cancellation!.raw)).attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8') ?? '';
    const original = (await simpleParser(invite.raw)).attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8');
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics.match(/^UID:.*$/m)?.[0]).toBe(original.match(/^UID:.*$/m)?.[0]);
    expect((await e.status()).timeline.map((t) => t.what)).toContain('demonstration-cancellation sent');
    await replays(e);
  });

  it('refuses requests that do not fit the stage or carry invalid content, changing nothing', async () => {
    const e = await startEngagement(env, engagementInput(env.uniqueId('refuse'), 'microsoft', patientPolicy()));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const h = e.handle;

    await e.expectRejected(
      () => h.executeUpdate(recordResponseUpdate, { args: [{ ...response, by: ' ' }] }),
      'the case officer\'s name ("by") must not be blank: it is recorded in the timeline',
    );
    await e.expectRejected(() => h.executeUpdate(recordResponseUpdate, { args: [{ ...response, summary: '' }] }), 'the response summary must not be empty');
    await e.expectRejected(
      () => h.executeUpdate(recordResponseUpdate, { args: [{ ...response, receivedAt: '14/08/2020' }] }),
      /receivedAt must be an ISO date/,
    );
    await e.expectRejected(
      () => h.executeUpdate(recordAnswersUpdate, { args: [{ by: officer, answers: [{ questionId: 'q1', answer: 'Yes' }] }] }),
      'no follow-up question has been asked yet: there is nothing to answer',
    );
    await e.expectRejected(
      () => h.executeUpdate(recordDemonstrationOutcomeUpdate, { args: [{ by: officer, demonstrationId: 'd1', result: 'validated', notes: 'n' }] }),
      'no demonstration has been scheduled: there is no outcome to record',
    );
    await e.expectRejected(
      () => h.executeUpdate(concludeUpdate, { args: [{ by: officer, findings: completeFindings() }] }),
      /cannot conclude while the engagement is awaiting-response/,
    );
    await e.expectRejected(
      () => h.executeUpdate(extendDeadlineUpdate, { args: [{ by: officer, dueDate: 'next week', reason: 'r' }] }),
      /dueDate must be an ISO date/,
    );

    await h.executeUpdate(recordResponseUpdate, { args: [response] });
    await h.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions: ['Why?'] }] });
    await e.waitForStatus((s) => ['acknowledgement sent', 'follow-up-questions sent'].every((w) => s.timeline.some((t) => t.what === w)));
    await e.expectRejected(
      () => h.executeUpdate(recordAnswersUpdate, { args: [{ by: officer, answers: [{ questionId: 'q7', answer: 'Yes' }] }] }),
      'unknown question "q7" (asked: q1)',
    );
    await e.expectRejected(() => h.executeUpdate(recordResponseUpdate, { args: [response] }), /cannot record a response while the engagement is follow-up/);
    const { security: _missing, ...four } = completeFindings();
    await e.expectRejected(
      () => h.executeUpdate(concludeUpdate, { args: [{ by: officer, findings: four as never }] }),
      'findings are missing for: security (all five principles are required)',
    );
    await e.expectRejected(
      () =>
        h.executeUpdate(scheduleDemonstrationUpdate, {
          args: [{ by: officer, at: '2020-01-01T10:00:00Z', durationMinutes: 60, attendees: [{ name: 'A', email: 'a@b.test' }], topics: ['t'] }],
        }),
      /the demonstration time must be in the future/,
    );

    await h.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
    await h.result();
    // After closure the workflow is gone: the server refuses the update and nothing changes.
    await expect(h.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'again' }] })).rejects.toThrow();
    expect((await e.status()).withdrawalReason).toBe('test over');
  });
});
