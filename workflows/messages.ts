// Every update, signal and query a client may send to an engagement, defined once: the workflow
// sets handlers on these objects and the client API sends them. A wire name, once released, never
// changes (running cases would stop understanding it).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  DemonstrationResult,
  EngagementOutcome,
  EngagementStage,
  Findings,
  Question,
  ReminderSent,
  Demonstration,
  TimelineEntry,
  Contact,
  VendorResponse,
  FollowUpRound,
} from './types';

/** Who is acting: the case officer's name, recorded in the timeline. */
interface ByOfficer {
  by: string;
}

// ── Engagement ───────────────────────────────────────────────────────────────────────────────────

export interface RecordResponseInput extends ByOfficer, VendorResponse {}

export interface ExtendDeadlineInput extends ByOfficer {
  /** New due date (ISO date or timestamp), later than the current one. */
  dueDate: string;
  reason: string;
  /**
   * Follow-up round whose answers are due; omitted: the response while awaiting it, else the latest
   * round with unanswered questions.
   */
  round?: number;
}

export interface AskFollowUpInput extends ByOfficer {
  questions: string[];
  /** ISO date; the policy's `followUpDue` from now when omitted. */
  dueDate?: string;
}

export interface RecordAnswersInput extends ByOfficer {
  answers: { questionId: string; answer: string }[];
}

export interface ScheduleDemonstrationInput extends ByOfficer {
  /** ISO timestamp of the meeting. */
  at: string;
  durationMinutes: number;
  attendees: Contact[];
  /** What the vendor will show: how it achieves, monitors and validates its measures. */
  topics: string[];
}

export interface RescheduleDemonstrationInput extends ByOfficer {
  demonstrationId: string;
  at: string;
  reason: string;
}

export interface RecordDemonstrationOutcomeInput extends ByOfficer {
  demonstrationId: string;
  result: DemonstrationResult;
  notes: string;
}

export interface ConcludeInput extends ByOfficer {
  findings: Findings;
}

export interface WithdrawInput extends ByOfficer {
  reason: string;
}

export interface EngagementStatus {
  workflowId: string;
  campaignId: string;
  vendorId: string;
  vendorName: string;
  stage: EngagementStage;
  /** Current due date of whatever the vendor owes (response, answers), or the next demonstration. */
  nextDeadline?: string;
  timeline: TimelineEntry[];
  openQuestions: Question[];
  questions: Question[];
  demonstrations: Demonstration[];
  remindersSent: ReminderSent[];
  response?: VendorResponse;
  findings?: Findings;
  /** Messages the mail server refused for good; the officer has to fix the address. */
  deliveryFailures: { at: string; step: string; reason: string }[];
  /** When the response is (or was) due: letter date plus the policy's `responseDue`, or as extended. */
  responseDueDate?: string;
  rounds?: FollowUpRound[];
  withdrawalReason?: string;
}

export const recordResponseUpdate = defineUpdate<EngagementStatus, [RecordResponseInput]>('recordResponse');
export const extendDeadlineUpdate = defineUpdate<EngagementStatus, [ExtendDeadlineInput]>('extendDeadline');
export const askFollowUpUpdate = defineUpdate<Question[], [AskFollowUpInput]>('askFollowUp');
export const recordAnswersUpdate = defineUpdate<EngagementStatus, [RecordAnswersInput]>('recordAnswers');
export const scheduleDemonstrationUpdate = defineUpdate<Demonstration, [ScheduleDemonstrationInput]>('scheduleDemonstration');
export const rescheduleDemonstrationUpdate = defineUpdate<Demonstration, [RescheduleDemonstrationInput]>('rescheduleDemonstration');
export const recordDemonstrationOutcomeUpdate = defineUpdate<Demonstration, [RecordDemonstrationOutcomeInput]>(
  'recordDemonstrationOutcome',
);
export const concludeUpdate = defineUpdate<EngagementOutcome, [ConcludeInput]>('conclude');
export const withdrawUpdate = defineUpdate<EngagementStatus, [WithdrawInput]>('withdraw');
export const engagementStatusQuery = defineQuery<EngagementStatus>('status');

