import { describe, expect, it } from 'vitest';
import * as rules from '../../workflows/engagement-rules';
import type { EngagementView } from '../../workflows/engagement-rules';
import { ENGAGEMENT_STAGES, type EngagementStage, type FollowUpRound, type Question } from '../../workflows/types';
import { completeFindings } from '../helpers/fixtures';
import { LIMITS } from '../../workflows/text-rules';

// The workspace offers a form where `accepts…` says the case takes it; the workflow's validator runs
// `check…`. Each pair is compared at every stage and in every shape of case below, well-formed
// requests only, so a change to either alone (a stage added to one list) fails here.

const NOW = Date.parse('2020-08-01T12:00:00Z');
const BY = 'Officer Tremblay';

const question = (id: string, round: number, answer?: string): Question => ({ id, round, text: `Question ${id}?`, dueDate: '2020-08-10T00:00:00.000Z', ...(answer ? { answer } : {}) });
const round = (n: number, remindersExhausted = false): FollowUpRound => ({ round: n, askedAt: '2020-07-31T10:00:00.000Z', dueDate: '2020-08-10T00:00:00.000Z', remindersExhausted });

/** Shapes of a case, realistic at some stages only: the rules must agree at all of them. */
const SHAPES: Record<string, Partial<EngagementView>> = {
  'nothing asked': {},
  'a round open': { rounds: [round(1)], questions: [question('Q1', 1), question('Q2', 1, 'Yes.')] },
  'a round answered': { rounds: [round(1)], questions: [question('Q1', 1, 'Yes.')] },
  'a round past its final notice': { rounds: [round(1, true)], questions: [question('Q1', 1)] },
  'a demonstration to hold': {
    demonstrations: [{ id: 'd1', at: '2020-08-05T14:00:00.000Z', durationMinutes: 60, attendees: [{ name: 'Ann', email: 'ann@zoom.test' }], topics: ['Keys'], rescheduled: 0 }],
  },
  'the letter still going out': { letterSentAt: undefined },
  // The case records as much text as it may (caseTextProblem): not one more character.
  'its text at the limit': { response: { receivedAt: '2020-07-30', summary: 'x'.repeat(LIMITS.caseText), attachments: [] } },
  'a round open, its text at the limit': {
    response: { receivedAt: '2020-07-30', summary: 'x'.repeat(LIMITS.caseText - 'Question Q1?'.length), attachments: [] },
    rounds: [round(1)],
    questions: [question('Q1', 1)],
  },
};

function view(stage: EngagementStage, shape: Partial<EngagementView>): EngagementView {
  return {
    workflowId: 'engagement:c:zoom',
    stage,
    questions: [],
    demonstrations: [],
    responseDueDate: '2020-08-20T00:00:00.000Z',
    rounds: [],
    letterSentAt: '2020-07-20T10:00:00.000Z',
    ...shape,
  };
}

const accepted = (check: () => void): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

/** Each action: its predicate, and whether its check accepts some well-formed request in this case. */
const ACTIONS: Record<string, { accepts: (v: EngagementView) => boolean; checkAccepts: (v: EngagementView) => boolean }> = {
  respond: {
    accepts: rules.acceptsResponse,
    checkAccepts: (v) => accepted(() => rules.checkRecordResponse(v, { by: BY, receivedAt: '2020-07-30', summary: 'Detailed answer', attachments: [] }, NOW)),
  },
  ask: {
    accepts: rules.acceptsFollowUpQuestions,
    checkAccepts: (v) => accepted(() => rules.checkAskFollowUp(v, { by: BY, questions: ['How are keys kept?'] }, NOW)),
  },
  answer: {
    accepts: rules.acceptsAnswers,
    // Each question asked, answered alone: an answered one is refused, so only an open one can pass.
    checkAccepts: (v) => ['Q1', ...v.questions.map((q) => q.id)].some((id) => accepted(() => rules.checkRecordAnswers(v, { by: BY, answers: [{ questionId: id, answer: 'Yes.' }] }))),
  },
  extend: {
    accepts: rules.acceptsExtension,
    // The current deadline, or any round named.
    checkAccepts: (v) =>
      [undefined, ...(v.rounds ?? []).map((r) => r.round)].some((n) =>
        accepted(() => rules.checkExtendDeadline(v, { by: BY, reason: 'Asked for time', dueDate: '2099-01-01', ...(n === undefined ? {} : { round: n }) }, NOW)),
      ),
  },
  'schedule-demo': {
    accepts: rules.acceptsDemonstration,
    checkAccepts: (v) =>
      accepted(() =>
        rules.checkScheduleDemonstration(v, { by: BY, at: '2020-08-15T14:00:00Z', durationMinutes: 60, attendees: [{ name: 'Ann', email: 'ann@zoom.test' }], topics: ['Keys'] }, NOW),
      ),
  },
  conclude: {
    accepts: rules.acceptsConclusion,
    checkAccepts: (v) => accepted(() => rules.checkConclude(v, { by: BY, findings: completeFindings() })),
  },
};

describe('what each stage accepts', () => {
  for (const [action, { accepts, checkAccepts }] of Object.entries(ACTIONS)) {
    it(`says ${action} is accepted exactly where its check accepts a well-formed request, at every stage`, () => {
      const seen = new Set<boolean>();
      for (const stage of ENGAGEMENT_STAGES) {
        for (const [shape, overrides] of Object.entries(SHAPES)) {
          const v = view(stage, overrides);
          const offered = accepts(v);
          expect(offered, `${action} at ${stage}, ${shape}`).toBe(checkAccepts(v));
          seen.add(offered);
        }
      }
      // Both answers occur, so the comparison above is not of two functions that always refuse.
      expect([...seen].sort()).toEqual([false, true]);
    });
  }

  it('offers nothing but the response and an extension while it is awaited', () => {
    const awaiting = view('awaiting-response', {});
    expect(Object.entries(ACTIONS).filter(([, { accepts }]) => accepts(awaiting)).map(([action]) => action)).toEqual(['respond', 'extend']);
    const goingOut = view('sending-letter', SHAPES['the letter still going out']);
    expect(Object.entries(ACTIONS).filter(([, { accepts }]) => accepts(goingOut)).map(([action]) => action)).toEqual([]);
  });
});
