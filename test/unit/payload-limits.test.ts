// Inputs inside Dossier's documented limits must fit Temporal's (2 MB a payload): a letter of 100
// paragraphs of 20,000 characters (4 MB in two languages) failed to start with "unexpected", and
// answers piling up made the engagement's outcome too large to complete. Each limit is refused
// where it enters, naming the limit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignFileError, parseCampaignYaml } from '../../client/campaign-file';
import { readAnswersFile } from '../../client/commands/input-files';
import { checkAskFollowUp, checkRecordAnswers, engagementInputProblem, recordedText, type EngagementView } from '../../workflows/engagement-rules';
import { checkRecordInbound } from '../../workflows/inbox-rules';
import type { EngagementStatus } from '../../workflows/messages';
import { LIMITS } from '../../workflows/text-rules';
import type { Question } from '../../workflows/types';
import { engagementInput, patientPolicy } from '../helpers/fixtures';

const DEMO_YAML = readFileSync(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');

describe('payload limits', () => {
  it('refuses a letter of 90 paragraphs of 20,000 characters, naming the total limit', () => {
    const paragraphs = Array.from({ length: 90 }, (_, i) => `      - ${String(i).padEnd(20_000, 'x')}`).join('\n');
    const yaml = DEMO_YAML.replace(/letter:\n  date: (\S+)\n  body:\n    en:\n/, `letter:\n  date: $1\n  body:\n    en:\n${paragraphs}\n`);
    expect(yaml.length).toBeGreaterThan(1_800_000);
    let problems: string[] = [];
    try {
      parseCampaignYaml(yaml, 'campaigns/x.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(CampaignFileError);
      problems = (err as CampaignFileError).problems.map((p) => `${p.where}: ${p.message}`);
    }
    expect(problems).toEqual([expect.stringMatching(/^letter\.body\.en: must total at most 100000 characters \(got \d+\): Temporal refuses a payload over 2 MB/)]);

    const input = engagementInput('limits', 'zoom', patientPolicy());
    input.campaign.letterBody.fr = Array.from({ length: 100 }, () => 'y'.repeat(20_000));
    expect(engagementInputProblem(input)).toBe('campaign.letterBody.fr must total at most 100000 characters (got 2000000)');
  });

  it('refuses answers that would make the engagement record more text than its outcome can carry', () => {
    const questions: Question[] = Array.from({ length: 30 }, (_, i) => ({ id: `q${i + 1}`, round: 1, text: 'Why?', dueDate: '2030-01-01T00:00:00.000Z' }));
    const view = { workflowId: 'engagement:limits:zoom', stage: 'follow-up', questions, demonstrations: [], rounds: [] } as unknown as EngagementView;
    const answer = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ questionId: `q${from + i}`, answer: 'a'.repeat(20_000) }));
    expect(() => checkRecordAnswers(view, { by: 'Officer Tremblay', answers: answer(1, 10) })).not.toThrow();
    expect(() => checkRecordAnswers(view, { by: 'Officer Tremblay', answers: answer(1, 11) })).toThrow(
      'the answers in one request must total at most 200000 characters (got 220000)',
    );
    for (const q of questions.slice(0, 19)) q.answer = 'a'.repeat(20_000);
    expect(() => checkRecordAnswers(view, { by: 'Officer Tremblay', answers: answer(20, 2) })).toThrow(
      `these answers would bring the text this engagement records to 420120 characters; at most ${LIMITS.caseText}`,
    );
  });

  it('refuses an answers file too large for one request before sending it, naming the file and the limit', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'answers-')), 'answers.yaml');
    writeFileSync(file, Array.from({ length: 15 }, (_, i) => `q${i + 1}: ${'b'.repeat(20_000)}`).join('\n'));
    expect(() => readAnswersFile(file)).toThrow(/answers\.yaml.*must total at most 200000 characters \(got 300000\)/);
  });

  it('refuses an events-per-run setting outside what keeps an engagement continuing as new in time, naming the limit', () => {
    const problem = (historyEventsPerRun: unknown) => engagementInputProblem(engagementInput('limits', 'zoom', patientPolicy({ historyEventsPerRun: historyEventsPerRun as number })));
    expect(problem(50)).toBeUndefined();
    expect(problem(40_000)).toBeUndefined();
    for (const bad of [49, 40_001, 60_000, 1.5, '100']) {
      expect(problem(bad)).toMatch(/^policy\.historyEventsPerRun must be a whole number from 50 to 40000 \(Temporal terminates a history at 51,200 events\)/);
    }
    const yaml = DEMO_YAML.replace(/\npolicy:\n/, '\npolicy:\n  historyEventsPerRun: 60000\n');
    expect(yaml).toContain('historyEventsPerRun: 60000');
    expect(() => parseCampaignYaml(yaml, 'campaigns/x.yaml')).toThrow(CampaignFileError);
    expect(parseCampaignYaml(yaml.replace('60000', '500'), 'campaigns/x.yaml').policy.historyEventsPerRun).toBe(500);
  });

  it('counts questions and mail received in the text an engagement records, and refuses what would pass the limit', () => {
    const questions: Question[] = Array.from({ length: 19 }, (_, i) => ({ id: `q${i + 1}`, round: 1, text: 'q'.repeat(2_000), dueDate: '2030-01-01T00:00:00.000Z', answer: 'a'.repeat(18_000) }));
    const inbox = [{ text: 'm'.repeat(15_000) }] as unknown as EngagementStatus['inbox'];
    const view = { workflowId: 'engagement:limits:zoom', stage: 'follow-up', questions, inbox, demonstrations: [], rounds: [], response: { summary: 's'.repeat(4_000) } } as unknown as EngagementView;
    expect(recordedText(view)).toBe(19 * 20_000 + 15_000 + 4_000);
    expect(() => checkAskFollowUp(view, { by: 'Officer Tremblay', questions: ['x'.repeat(1_000)] }, Date.now())).not.toThrow();
    expect(() => checkAskFollowUp(view, { by: 'Officer Tremblay', questions: ['x'.repeat(1_001)] }, Date.now())).toThrow(
      `these questions would bring the text this engagement records to 400001 characters; at most ${LIMITS.caseText}`,
    );
    const mail = { messageId: '<m@zoom.test>', from: 'privacy@zoom.test', subject: 'Re', receivedAt: '2030-01-01T00:00:00Z', kind: 'reply', matchedBy: 'thread', text: 'y'.repeat(1_001), documents: [], notes: [] } as const;
    expect(() => checkRecordInbound(view, { name: 'Zoom', contacts: [{ name: 'P', email: 'privacy@zoom.test' }] }, { ...mail, documents: [], notes: [] })).toThrow(
      /^this message would bring the text this engagement records to 400001 characters; at most 400000 .*; the intake keeps it in the holding pen$/,
    );
  });
});

