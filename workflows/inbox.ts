// The engagement's inbox: what recording a message from the case mailbox does, and what the
// officer's review does. Plain functions over the engagement's state (no Temporal calls), so each
// transition is unit-tested without a server; the workflow wires them to its updates. A reply to
// the open letter moves the engagement to `reply-received` (its reminders wait); an auto-reply is
// only noted; a bounce is a delivery failure the officer is told about, as a refused address is.
import type { ConfirmInboundInput, DismissInboundInput, EngagementStatus, RecordInboundInput, RecordInboundResult } from './messages';
import { MESSAGE_KINDS, type InboundMessage, type MessageKind, type OfficerNotice, type Question } from './types';

type Log = (by: string, what: string, detail?: string) => void;
const ENGINE = 'dossier';

/**
 * A bounce's reason when the report names no status and no diagnostic. Recorded in running cases'
 * histories, so it never changes; timeline.ts reads it back.
 */
export const NO_BOUNCE_REPORT = 'no reason given';

export interface Recorded {
  result: RecordInboundResult;
  /** For a bounce: the notice the officer gets (sent by the workflow, as for a refused address). */
  officerNotice?: { step: string; notice: OfficerNotice };
}

export function recordInbound(state: EngagementStatus, input: RecordInboundInput, now: string, log: Log): Recorded {
  const inbox = (state.inbox ??= []);
  const known = inbox.find((m) => m.messageId === input.messageId);
  // The update id already keeps one message from being recorded twice; an officer assigning a
  // copy that the intake had recorded meanwhile lands here.
  if (known) return { result: { messageId: known.messageId, effect: known.review } };
  const message: InboundMessage = {
    messageId: input.messageId,
    from: input.from,
    ...(input.fromName ? { fromName: input.fromName } : {}),
    subject: input.subject,
    receivedAt: input.receivedAt,
    recordedAt: now,
    kind: input.kind,
    matchedBy: input.matchedBy,
    ...(input.answersStep ? { answersStep: input.answersStep } : {}),
    ...(input.kind === 'bounce' && input.bounce ? { bounceRecipients: input.bounce.recipients } : {}),
    text: input.text,
    ...(input.language ? { language: input.language } : {}),
    documents: input.documents,
    notes: input.notes ?? [],
    ...(input.noteCodes?.length ? { noteCodes: input.noteCodes } : {}),
    review: input.kind === 'reply' ? 'to-review' : 'noted',
    ...(input.assignedBy ? { assignedBy: input.assignedBy } : {}),
  };
  inbox.push(message);
  const who = input.assignedBy ?? ENGINE;
  if (input.kind === 'bounce') {
    const bounce = input.bounce!;
    const reason = `bounced by the vendor's mail server for ${bounce.recipients.join(', ')}: ${[bounce.status, bounce.diagnostic].filter(Boolean).join(' ') || NO_BOUNCE_REPORT}`;
    state.deliveryFailures.push({ at: now, step: input.answersStep!, reason });
    log(who, 'message bounced', `${input.answersStep}: ${reason}`);
    const count = inbox.filter((m) => m.kind === 'bounce').length;
    const kind = kindSent(state, input.answersStep!);
    return {
      result: { messageId: message.messageId, effect: 'delivery-failure' },
      officerNotice: {
        step: `officer-notice-bounce-${count}`,
        notice: {
          code: 'bounced',
          step: input.answersStep!,
          ...(kind ? { kind } : {}),
          recipients: bounce.recipients,
          ...(bounce.status ? { status: bounce.status } : {}),
          ...(bounce.diagnostic ? { diagnostic: bounce.diagnostic } : {}),
        },
      },
    };
  }
  if (input.kind === 'auto-reply') {
    log(who, 'automatic reply recorded', `${message.from}: ${message.subject}`);
    return { result: { messageId: message.messageId, effect: 'noted' } };
  }
  if (state.stage === 'awaiting-response' || state.stage === 'sending-letter') state.stage = 'reply-received';
  log(who, 'reply received, to review', `${message.from}: ${message.subject}${message.documents.length ? ` (${message.documents.length} document(s))` : ''}`);
  return { result: { messageId: message.messageId, effect: 'to-review' } };
}

/** The kind of message the engagement sent as `step`, from its timeline (`open-letter sent`, detail `letter …`). */
function kindSent(state: EngagementStatus, step: string): MessageKind | undefined {
  const sent = state.timeline.find((t) => t.by === ENGINE && t.what.endsWith(' sent') && (t.detail === step || t.detail?.startsWith(`${step} (`)));
  const kind = sent?.what.slice(0, -' sent'.length);
  return MESSAGE_KINDS.find((k) => k === kind);
}

/** Records answers on their questions: the officer's `answer` update and a confirmed reply share it. */
export function answerQuestions(questions: Question[], answers: { questionId: string; answer: string }[], now: string): void {
  for (const { questionId, answer } of answers) {
    const question = questions.find((q) => q.id === questionId)!;
    question.answer = answer.trim();
    question.answeredAt = now;
  }
}

export function confirmInbound(state: EngagementStatus, input: ConfirmInboundInput, now: string, log: Log): void {
  const message = state.inbox!.find((m) => m.messageId === input.messageId)!;
  message.review = 'confirmed';
  message.reviewedBy = input.by.trim();
  if (input.as === 'response') {
    state.response = {
      receivedAt: message.receivedAt,
      summary: (input.summary ?? message.text).trim(),
      attachments: message.documents.map((d) => d.name),
      documents: message.documents,
      messageId: message.messageId,
    };
    state.stage = 'responded';
    log(input.by, 'reply confirmed as the response', message.messageId);
    return;
  }
  const answers = input.answers!.map(({ questionId, answer }) => ({ questionId, answer: answer ?? message.text }));
  answerQuestions(state.questions, answers, now);
  log(input.by, 'reply confirmed as answers', `${answers.map((a) => a.questionId).join(', ')} (${message.messageId})`);
}

/**
 * The officer recorded the response by hand (`respond`), typically from a reply the intake put up
 * for review: every reply still waiting is settled with it, reviewed by that officer, or it would
 * stay "to review" for ever (neither confirm nor dismiss is accepted once the case has responded).
 * Only the case's status changes, no command: running cases replay as they ran.
 */
export function settleRepliesByResponse(state: EngagementStatus, by: string): void {
  for (const message of state.inbox ?? []) {
    if (message.review !== 'to-review') continue;
    message.review = 'confirmed';
    message.reviewedBy = by.trim();
  }
}

export function dismissInbound(state: EngagementStatus, input: DismissInboundInput, log: Log): void {
  const message = state.inbox!.find((m) => m.messageId === input.messageId)!;
  message.review = 'dismissed';
  message.reviewedBy = input.by.trim();
  message.reviewNote = input.reason.trim();
  // With nothing left to review, the response is still owed: reminders resume.
  if (state.stage === 'reply-received' && !state.inbox!.some((m) => m.review === 'to-review')) state.stage = 'awaiting-response';
  log(input.by, 'reply dismissed', `${message.messageId}: ${message.reviewNote}`);
}
