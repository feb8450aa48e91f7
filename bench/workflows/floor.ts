// The engine's floor: an engagement's skeleton with nothing of Dossier's work in it. It answers the
// same updates (same definitions, same stage gates) and schedules the same number of activities and
// timers at the same points, but its activities do nothing and its state is a few fields, so a
// lifecycle of it costs what Temporal itself costs: tasks, history events, round trips.
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  askFollowUpUpdate,
  concludeUpdate,
  engagementStatusQuery,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordResponseUpdate,
  scheduleDemonstrationUpdate,
  type EngagementStatus,
  type RecordAnswersInput,
} from '../../workflows/messages';
import type { Demonstration, Duration, EngagementInput, EngagementOutcome, EngagementStage, Question } from '../../workflows/types';

/** The bench worker's one extra activity: it returns at once. */
export interface FloorActivities {
  floorStep(step: string): Promise<void>;
}

// Same profile as the engagement's email activities, so scheduling options cost the same.
const { floorStep } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function engineFloor(input: EngagementInput): Promise<EngagementOutcome> {
  const { vendor, policy } = input;
  let stage: EngagementStage = 'sending-letter';
  const questions: Question[] = [];
  const demonstrations: Demonstration[] = [];
  const chores: Promise<void>[] = [];
  const isFinal = () => stage === 'concluded';
  const firstReminder = (due: Duration) => msToNumber(due) + msToNumber(policy.reminderCadence[0] ?? 0);
  const status = (): EngagementStatus => ({
    workflowId: input.campaign.id,
    campaignId: input.campaign.id,
    vendorId: vendor.id,
    vendorName: vendor.name,
    stage,
    timeline: [],
    openQuestions: questions.filter((q) => q.answer === undefined),
    questions,
    demonstrations,
    remindersSent: [],
    deliveryFailures: [],
  });
  const gate = (ok: boolean, why: string) => {
    if (!ok) throw new Error(why);
  };

  setHandler(engagementStatusQuery, status);
  setHandler(
    recordResponseUpdate,
    (_response) => {
      stage = 'responded';
      return status();
    },
    { validator: (_response) => gate(stage === 'awaiting-response', `cannot record a response while ${stage}`) },
  );
  setHandler(
    askFollowUpUpdate,
    (req) => {
      const asked = req.questions.map((text, i) => ({ id: `q${questions.length + i + 1}`, round: 1, text, dueDate: '' }));
      questions.push(...asked);
      stage = 'follow-up';
      chores.push(
        (async () => {
          await floorStep('follow-up-questions');
          const answered = () => isFinal() || questions.every((q) => q.answer !== undefined);
          if (!(await condition(answered, firstReminder(policy.followUpDue)))) await floorStep('follow-up-reminder');
        })(),
      );
      return asked;
    },
    { validator: (_request) => gate(stage === 'responded', `cannot ask follow-up questions while ${stage}`) },
  );
  setHandler(
    recordAnswersUpdate,
    (req) => {
      for (const { questionId, answer } of req.answers) questions.find((q) => q.id === questionId)!.answer = answer;
      // The vendor is told its answers arrived (engagement revision 8), beside the update.
      chores.push(floorStep('answers-acknowledgement'));
      return status();
    },
    { validator: (req: RecordAnswersInput) => gate(req.answers.every((a) => questions.some((q) => q.id === a.questionId)), 'unknown question') },
  );
  setHandler(
    scheduleDemonstrationUpdate,
    (req) => {
      const demonstration: Demonstration = { id: `d${demonstrations.length + 1}`, ...req, rescheduled: 0 };
      demonstrations.push(demonstration);
      stage = 'demonstration';
      chores.push(
        (async () => {
          await floorStep('demonstration-invitation');
          const wait = Date.parse(demonstration.at) - msToNumber(policy.demonstrationReminderLead) - Date.now();
          const settled = () => isFinal() || demonstration.result !== undefined;
          if (wait > 0 && !(await condition(settled, wait))) await floorStep('demonstration-reminder');
        })(),
      );
      return demonstration;
    },
    { validator: (req) => gate(Date.parse(req.at) > Date.now(), 'the demonstration time must be in the future') },
  );
  setHandler(
    recordDemonstrationOutcomeUpdate,
    (req) => {
      const demonstration = demonstrations.find((d) => d.id === req.demonstrationId)!;
      demonstration.result = req.result;
      return demonstration;
    },
    {
      validator: (req) => {
        const demonstration = demonstrations.find((d) => d.id === req.demonstrationId);
        gate(demonstration !== undefined && Date.now() >= Date.parse(demonstration.at), 'the demonstration has not started yet');
      },
    },
  );
  setHandler(
    concludeUpdate,
    (_request) => {
      stage = 'concluded';
      return outcome();
    },
    { validator: (_request) => gate(demonstrations.every((d) => d.result !== undefined), 'a demonstration outcome is missing') },
  );

  const outcome = (): EngagementOutcome => ({
    vendorId: vendor.id,
    vendorName: vendor.name,
    stage: 'concluded',
    demonstrations: [],
    remindersSent: [],
    endedAt: new Date().toISOString(),
  });

  await floorStep('letter');
  stage = 'awaiting-response';
  if (!(await condition(() => stage !== 'awaiting-response', firstReminder(policy.responseDue)))) await floorStep('reminder');
  await floorStep('acknowledgement');
  await condition(isFinal);
  await Promise.all(chores);
  await condition(allHandlersFinished);
  return outcome();
}
