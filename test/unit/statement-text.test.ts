// The statement's public text without a server: what each vendor's entry carries (never a
// submission), what a draft still lacks in either language, how the lead's edits apply, what
// changed between two versions, and the rules on edits and on open engagements at drafting.
import { describe, expect, it } from 'vitest';
import { openCasesProblems, statementEditProblems } from '../../workflows/campaign-rules';
import type { CampaignEngagementState } from '../../workflows/messages';
import {
  applyStatementEdit,
  describeGap,
  describeGaps,
  emptyStatementText,
  changesShown,
  statementChanges,
  statementEntry,
  statementGaps,
} from '../../workflows/statement-text';
import { PRINCIPLES, type EngagementOutcome, type Findings, type OpenCaseDecision, type StatementChange, type StatementText, type VendorPublicText } from '../../workflows/types';
import { completeFindings } from '../helpers/fixtures';

const both = (en: string, fr: string) => ({ en, fr });

/** An engagement as the campaign tracks it: the state its status lists, and the outcome whole. */
interface Tracked {
  state: CampaignEngagementState;
  outcome?: EngagementOutcome;
}

function ended(vendorId: string, changes: Partial<EngagementOutcome> = {}): Tracked {
  const outcome: EngagementOutcome = {
    vendorId,
    vendorName: vendorId.toUpperCase(),
    stage: 'concluded',
    response: { receivedAt: '2020-08-14T00:00:00Z', summary: 'CONFIDENTIAL response', attachments: ['secret.pdf'] },
    findings: completeFindings(),
    demonstrations: [{ id: 'd1', at: '2020-09-01T14:00:00Z', result: 'validated', notes: 'internal notes' }],
    questions: [{ id: 'q1', round: 1, text: 'Q?', dueDate: '2020-09-01', answer: 'CONFIDENTIAL answer' }],
    remindersSent: [],
    endedAt: '2020-10-01T00:00:00Z',
    ...changes,
  };
  const state: CampaignEngagementState = {
    vendorId,
    vendorName: vendorId.toUpperCase(),
    workflowId: `engagement:c:${vendorId}`,
    state: 'ended',
    addedLate: false,
    outcome: { stage: outcome.stage, endedAt: outcome.endedAt, remindersSent: outcome.remindersSent, demonstrations: [] },
  };
  return { state, outcome };
}

const open = (vendorId: string): Tracked => ({
  state: { vendorId, vendorName: vendorId.toUpperCase(), workflowId: `engagement:c:${vendorId}`, state: 'in-progress', addedLate: false },
});

const entryOf = (tracked: Tracked, text: VendorPublicText | undefined, decision?: OpenCaseDecision) => statementEntry(tracked.state, tracked.outcome, text, decision);

function draftOf(tracked: Tracked[], text: StatementText, decisions: (OpenCaseDecision | undefined)[] = []) {
  return {
    vendors: tracked.map((t, i) => entryOf(t, text.vendors[t.state.vendorId], decisions[i])),
    conclusions: text.conclusions,
    lessonsLearned: text.lessonsLearned,
  };
}

const complete = (): StatementText =>
  applyStatementEdit(emptyStatementText(), {
    vendors: { zoom: { summary: both('Zoom explained its plan.', 'Zoom a expliqué son plan.'), demonstrations: { d1: both('Shown.', 'Montré.') } } },
    conclusions: { en: ['Done.'], fr: ['Fait.'] },
    lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] },
  });

describe('a vendor’s part of the statement', () => {
  it('carries public facts and the authorities’ text, never the response, answers or officer’s notes', () => {
    const entry = entryOf(ended('zoom'), complete().vendors.zoom);
    expect(JSON.stringify(entry)).not.toMatch(/CONFIDENTIAL|secret\.pdf|internal notes/);
    expect(entry).toMatchObject({
      stage: 'concluded',
      respondedAt: '2020-08-14T00:00:00Z',
      questionsAsked: 1,
      questionsAnswered: 1,
      summary: both('Zoom explained its plan.', 'Zoom a expliqué son plan.'),
      demonstrations: [{ id: 'd1', result: 'validated', observation: both('Shown.', 'Montré.') }],
    });
    expect(entry.findings?.security).toEqual(completeFindings().security);
  });

  it('reports the same facts from an outcome that carries no submission, as engagements now return it', () => {
    const legacy = ended('zoom');
    const slim: Tracked = {
      state: legacy.state,
      outcome: { ...legacy.outcome!, response: undefined, questions: undefined, respondedAt: '2020-08-14T00:00:00Z', questionsAsked: 1, questionsAnswered: 1 },
    };
    expect(entryOf(slim, complete().vendors.zoom)).toEqual(entryOf(legacy, complete().vendors.zoom));
  });

  it('reads findings an older history recorded as one string as English, with the French to write', () => {
    const legacy = Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: `Old ${p}.`, goodPractices: ['Old practice'] }])) as unknown as Findings;
    const entry = entryOf(ended('zoom', { findings: legacy }), undefined);
    expect(entry.findings?.security).toEqual({ assessment: both('Old security.', ''), goodPractices: [both('Old practice', '')] });
  });

  it('reports an open engagement the lead closed or excluded, with the reason', () => {
    const reason = both('Acquired.', 'Rachetée.');
    expect(entryOf(open('party'), undefined, { vendorId: 'party', action: 'close', reason })).toMatchObject({ stage: 'closed-by-lead', reason });
    expect(entryOf(open('party'), undefined, { vendorId: 'party', action: 'exclude', reason }).stage).toBe('excluded');
    // Withdrawn by the decision itself: still reported as the lead decided.
    const withdrawn = ended('party', { stage: 'withdrawn', findings: undefined, response: undefined });
    expect(entryOf(withdrawn, undefined, { vendorId: 'party', action: 'close', reason }).stage).toBe('closed-by-lead');
  });

  it('keeps when a vendor the lead closed had responded, so the statement can say it did', () => {
    const reason = both('Closed before follow-up questions.', 'Clos avant les questions complémentaires.');
    // Closed after its response: the engagement ended withdrawn, its outcome saying when it responded.
    const responded = ended('cisco', { stage: 'withdrawn', findings: undefined, response: undefined, respondedAt: '2020-08-14T00:00:00Z', demonstrations: [], questions: undefined });
    expect(entryOf(responded, undefined, { vendorId: 'cisco', action: 'close', reason })).toMatchObject({ stage: 'closed-by-lead', respondedAt: '2020-08-14T00:00:00Z', reason });
    // One that never responded has none; nor has an excluded vendor, which the statement does not cover.
    const silent = ended('party', { stage: 'withdrawn', findings: undefined, response: undefined, demonstrations: [], questions: undefined });
    expect(entryOf(silent, undefined, { vendorId: 'party', action: 'close', reason })).not.toHaveProperty('respondedAt');
    expect(entryOf(responded, undefined, { vendorId: 'cisco', action: 'exclude', reason })).not.toHaveProperty('respondedAt');
  });

  it('counts a response the lead’s closing now reveals as a change of the public text', () => {
    const reason = both('Closed.', 'Clos.');
    const entry = entryOf(ended('cisco', { stage: 'withdrawn', findings: undefined, response: undefined, respondedAt: '2020-08-14T00:00:00Z', demonstrations: [], questions: undefined }), undefined, { vendorId: 'cisco', action: 'close', reason });
    const { respondedAt: _untold, ...before } = entry;
    const base = { conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['L.'], fr: ['L.'] } };
    expect(statementChanges({ ...base, vendors: [before] }, { ...base, vendors: [entry] }, { asPrinted: true })).toEqual([
      { section: 'response-before-closing', vendorName: 'CISCO', respondedAfter: '2020-08-14T00:00:00Z' },
    ]);
  });
});

describe('what a draft still lacks', () => {
  it('lists every missing English or French text with its file, vendor and field', () => {
    const text = applyStatementEdit(emptyStatementText(), {
      vendors: { zoom: { summary: both('Zoom explained its plan.', '') } },
      conclusions: { en: ['Done.'], fr: [] },
    });
    const findings = completeFindings();
    findings.transparency.assessment = both('Clear.', '');
    const gaps = statementGaps(draftOf([ended('zoom', { findings })], text));
    expect(gaps.map((g) => `${g.vendorId ?? '-'} ${g.field} ${g.language}`)).toEqual([
      'zoom summary fr',
      'zoom findings.transparency.assessment fr',
      'zoom demonstrations.d1 en',
      'zoom demonstrations.d1 fr',
      '- conclusions fr',
      '- lessonsLearned en',
      '- lessonsLearned fr',
    ]);
    expect(describeGaps(gaps)).toMatch(
      /^7 texts are missing in the statement: statement text file, vendor zoom, summary \(French\); findings file \(or statement text file\), vendor zoom, findings\.transparency\.assessment \(French\);/,
    );
  });

  it('needs a reason in both languages for an engagement closed or excluded at drafting, and nothing for a non-responder', () => {
    const silent = ended('party', { stage: 'closed-no-response', response: undefined, findings: undefined, demonstrations: [], questions: [] });
    const text = complete();
    const draft = draftOf([ended('zoom'), silent, open('late')], text, [undefined, undefined, { vendorId: 'late', action: 'exclude', reason: both('Too late.', '') }]);
    expect(statementGaps(draft)).toEqual([{ source: 'reason', vendorId: 'late', field: 'reason', language: 'fr' }]);
    expect(statementGaps(draft).map(describeGap)).toEqual(["open-cases file (statement draft --open-cases, or the workspace's draft form), vendor late, reason (French)"]);
  });

  it('is empty once every text is there', () => {
    expect(statementGaps(draftOf([ended('zoom')], complete()))).toEqual([]);
  });
});

describe('the lead’s edits and the changes between versions', () => {
  it('replaces only the texts an edit names', () => {
    const text = applyStatementEdit(complete(), { vendors: { zoom: { findings: { security: { assessment: both(' New. ', ' Nouveau. '), goodPractices: [] } } } } });
    expect(text.vendors.zoom.summary).toEqual(both('Zoom explained its plan.', 'Zoom a expliqué son plan.'));
    expect(text.vendors.zoom.findings?.security).toEqual({ assessment: both('New.', 'Nouveau.'), goodPractices: [] });
    expect(text.conclusions).toEqual({ en: ['Done.'], fr: ['Fait.'] });
  });

  it('lists each changed section, old → new, and nothing when the text is the same', () => {
    const before = draftOf([ended('zoom')], complete());
    const edited = applyStatementEdit(complete(), {
      vendors: { zoom: { summary: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.'), findings: { security: { assessment: both('New.', 'Nouveau.'), goodPractices: [] } } } },
      lessonsLearned: { en: ['Ask early.', 'Demonstrate.'], fr: ['Demander tôt.', 'Démontrer.'] },
    });
    const after = draftOf([ended('zoom')], edited);
    const changes = statementChanges(before, after);
    expect(changes.map((c) => [c.section, c.principle ?? ''])).toEqual([
      ['summary', ''],
      ['assessment', 'security'],
      ['good-practices', 'security'],
      ['lessons-learned', ''],
    ]);
    expect(changes[0]).toMatchObject({ vendorName: 'ZOOM', before: both('Zoom explained its plan.', 'Zoom a expliqué son plan.'), after: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.') });
    expect(changes[2].after).toBeUndefined();
    expect(changes[2].before).toEqual(completeFindings().security.goodPractices[0]);
    expect(statementChanges(after, draftOf([ended('zoom')], edited))).toEqual([]);
  });

  it('names a vendor whose outcome changed', () => {
    const changes = statementChanges(draftOf([open('late')], complete()), draftOf([ended('late', { findings: undefined })], complete()));
    expect(changes[0]).toEqual({ section: 'outcome', vendorName: 'LATE', stageBefore: 'in-progress', stageAfter: 'concluded' });
  });

  it('names a vendor the letter no longer reaches, though its outcome stayed the same: the background sentence changed', () => {
    const before = draftOf([ended('zoom'), ended('late')], complete());
    const mark = (draft: typeof before, vendorId: string, notWrittenTo: 'letter-not-accepted' | 'letter-undelivered') => ({
      ...draft,
      vendors: draft.vendors.map((v) => (v.vendorId === vendorId ? { ...v, notWrittenTo } : v)),
    });
    const after = mark(before, 'late', 'letter-not-accepted');
    expect(statementChanges(before, after)).toEqual([{ section: 'letter', vendorName: 'LATE', letterBefore: 'sent', letterAfter: 'not-reached' }]);
    expect(statementChanges(after, before)).toEqual([{ section: 'letter', vendorName: 'LATE', letterBefore: 'not-reached', letterAfter: 'sent' }]);
    // Another reason the letter did not reach it prints the same sentence.
    expect(statementChanges(after, mark(before, 'late', 'letter-undelivered'))).toEqual([]);
  });

  it('names a vendor whose late reply the statement now tells, though its outcome stayed the same', () => {
    const before = draftOf([ended('late', { stage: 'closed-no-response', findings: undefined })], complete());
    const after = { ...before, vendors: before.vendors.map((v) => ({ ...v, repliedLateAt: '2021-03-01T14:30:00Z' })) };
    expect(after.vendors[0]!.stage).toBe('closed-no-response');
    expect(statementChanges(before, after)).toEqual([{ section: 'late-reply', vendorName: 'LATE', repliedLateAfter: '2021-03-01T14:30:00Z' }]);
    expect(statementChanges(after, after, { asPrinted: true })).toEqual([]);
  });

  it('names a vendor whose reply in time, recorded after its case closed, the statement now tells, though its outcome stayed the same', () => {
    const before = draftOf([ended('held', { stage: 'closed-no-response', findings: undefined })], complete());
    const after = { ...before, vendors: before.vendors.map((v) => ({ ...v, repliedInTimeAt: '2020-11-30T10:00:00Z' })) };
    expect(statementChanges(before, after)).toEqual([{ section: 'reply-in-time', vendorName: 'HELD', repliedInTimeAfter: '2020-11-30T10:00:00Z' }]);
    expect(statementChanges(before, after, { asPrinted: true })).toHaveLength(1);
    expect(statementChanges(after, after, { asPrinted: true })).toEqual([]);
  });

  it('says a reply received before the case ended came in time, one received after it came late, and neither of a vendor that responded', () => {
    const entry = (stage: EngagementOutcome['stage'], receivedAt: string) => {
      const { state, outcome } = ended('cisco', { stage, endedAt: '2020-12-01T10:00:00Z', findings: undefined, response: undefined, questions: [] });
      return statementEntry(state, outcome, undefined, undefined, receivedAt);
    };
    expect(entry('closed-no-response', '2020-11-30T10:00:00Z')).toMatchObject({ repliedInTimeAt: '2020-11-30T10:00:00Z' });
    expect(entry('closed-no-response', '2020-11-30T10:00:00Z')).not.toHaveProperty('repliedLateAt');
    // At the very instant the case ended: in time.
    expect(entry('closed-no-response', '2020-12-01T10:00:00Z')).toMatchObject({ repliedInTimeAt: '2020-12-01T10:00:00Z' });
    expect(entry('closed-no-response', '2020-12-01T10:00:01Z')).toMatchObject({ repliedLateAt: '2020-12-01T10:00:01Z' });
    expect(entry('closed-no-response', '2020-12-01T10:00:01Z')).not.toHaveProperty('repliedInTimeAt');
    expect(entry('concluded', '2020-11-30T10:00:00Z')).not.toHaveProperty('repliedInTimeAt');
  });
});

describe('rules on the lead’s statement requests', () => {
  it('refuses an edit that names an unknown vendor, one string for two languages, or markup', () => {
    expect(statementEditProblems({ by: 'L', vendors: { nobody: { summary: both('a', 'b') } } }, ['zoom'])).toEqual([
      "vendors.nobody: unknown vendor (the campaign's vendors: zoom)",
    ]);
    expect(statementEditProblems({ by: 'L', vendors: { zoom: { summary: 'One language only' } } }, ['zoom'])).toEqual([
      'vendors.zoom.summary: must be given in English and French ({ en, fr }), not as one string',
    ]);
    expect(statementEditProblems({ by: 'L', conclusions: { en: ['<script>x</script>'], fr: [] } }, ['zoom'])[0]).toMatch(/^conclusions\.en\[0\]: must not contain markup/);
    expect(statementEditProblems({ by: 'L' }, ['zoom'])).toEqual(['(file): nothing to change: give vendors, conclusions or lessonsLearned']);
    expect(statementEditProblems({ by: 'L', vendors: { zoom: { demonstrations: { d1: both('Shown.', '') } } } }, ['zoom'])).toEqual([]);
  });

  it('refuses decisions on engagements that are not open, twice the same one, or without a bilingual reason', () => {
    const reason = both('Acquired.', 'Rachetée.');
    expect(openCasesProblems([{ vendorId: 'zoom', action: 'close', reason }], ['party'])).toEqual([
      'openCases[0].vendorId: "zoom" is not an open engagement (open: party)',
    ]);
    expect(openCasesProblems([{ vendorId: 'party', action: 'forget', reason: 'gone' }], ['party'])).toEqual([
      'openCases[0].action: must be close or exclude',
      'openCases[0].reason: must be given in English and French ({ en, fr }), not as one string',
    ]);
    expect(
      openCasesProblems(
        [
          { vendorId: 'party', action: 'close', reason },
          { vendorId: 'party', action: 'exclude', reason },
        ],
        ['party'],
      ),
    ).toEqual(['openCases[1].vendorId: party is named twice']);
  });
});

describe('the changes a signatory is sent', () => {
  it('shows a change deep in a long text from just before it, not the same start twice', () => {
    const long = 'Le chiffrement est documenté. '.repeat(400);
    const changed = `${long.slice(0, 9_000)}Les clés tournent chaque mois. ${long.slice(9_000)}`;
    const change: StatementChange = { section: 'summary', vendorName: 'Zoom', before: { en: 'Same.', fr: long }, after: { en: 'Same.', fr: changed } };
    const [shown] = changesShown([change], { count: 20, excerpt: 500 }).changes;
    expect(shown!.before!.fr).not.toBe(shown!.after!.fr);
    expect(shown!.after!.fr).toContain('Les clés tournent chaque mois.');
    expect(shown!.after!.fr.startsWith('…')).toBe(true);
    expect(shown!.after!.fr.length).toBeLessThanOrEqual(500);
    expect(shown!.before!.en).toBe('Same.');
  });
});

