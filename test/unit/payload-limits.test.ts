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
import { checkAskFollowUp, checkConclude, checkRecordAnswers, engagementInputProblem, recordedText, type EngagementView } from '../../workflows/engagement-rules';
import { checkRecordInbound } from '../../workflows/inbox-rules';
import type { EngagementStatus } from '../../workflows/messages';
import { LIMITS, utf8Length } from '../../workflows/text-rules';
import { statementBytes } from '../../workflows/statement-text';
import { statementEditProblems } from '../../workflows/campaign-rules';
import { CampaignCase } from '../../workflows/campaign-state';
import { campaignHistoryProblem } from '../../workflows/campaign-rules';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { composeMessage } from '../../activities/compose';
import type { EditStatementInput } from '../../workflows/messages';
import { PRINCIPLES, type CampaignInput, type Findings, type Question } from '../../workflows/types';
import { completeFindings, engagementInput, fastPolicy, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';

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

  it('takes how long a campaign tries to keep its letter as a duration, and names the field when it is not one', () => {
    const problem = (letterKeptWithin: unknown) => engagementInputProblem(engagementInput('limits', 'zoom', patientPolicy({ letterKeptWithin: letterKeptWithin as string })));
    expect(problem('5 minutes')).toBeUndefined();
    expect(problem('soon')).toMatch(/^policy\.letterKeptWithin /);
    const yaml = DEMO_YAML.replace(/\npolicy:\n/, '\npolicy:\n  letterKeptWithin: 10 minutes\n');
    expect(parseCampaignYaml(yaml, 'campaigns/x.yaml').policy.letterKeptWithin).toBe('10 minutes');
    expect(() => parseCampaignYaml(yaml.replace('10 minutes', 'soon'), 'campaigns/x.yaml')).toThrow(CampaignFileError);
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

  it('refuses findings longer than one conclusion may carry, at the client before sending and in the validator', async () => {
    const findings = (each: number) =>
      Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: { en: 'é'.repeat(each), fr: 'é'.repeat(each) }, goodPractices: [{ en: 'Audit', fr: 'Audit' }] }])) as unknown as Findings;
    const view = { workflowId: 'engagement:limits:zoom', stage: 'responded', questions: [], demonstrations: [], rounds: [] } as unknown as EngagementView;
    // 10 x 9,995 + 10 x 5 characters: at the limit.
    expect(() => checkConclude(view, { by: 'Officer Tremblay', findings: findings(9_995) })).not.toThrow();
    const over = 'the findings must total at most 100000 characters in both languages (got 100020)';
    expect(() => checkConclude(view, { by: 'Officer Tremblay', findings: findings(9_997) })).toThrow(over);
    const neverCalled = new Proxy({}, { get: () => { throw new Error('the request was sent'); } }) as never;
    const api = new DossierClient(neverCalled, { taskQueue: 'never', address: 'test' });
    await expect(api.conclude({ campaignId: 'limits', vendorId: 'zoom' }, { by: 'Officer Tremblay', findings: findings(9_997) })).rejects.toThrow(over);
    const campaigns = new CampaignClient(neverCalled, { taskQueue: 'never', address: 'test' });
    await expect(campaigns.editStatement('limits', { by: 'Officer Tremblay', vendors: { zoom: { findings: findings(9_997) } } })).rejects.toThrow(`vendors.zoom.findings: ${over}`);
    expect(statementEditProblems({ by: 'Officer Tremblay', vendors: { zoom: { findings: findings(9_997) } } }, ['zoom'])).toEqual([`vendors.zoom.findings: ${over}: Temporal refuses a request over 2 MB; summarise, or keep the full analysis as a document`]);
  });

  it('holds a statement whose text would pass its size until it is shortened, and refuses the lead’s change that would take it past', () => {
    const vendors = Array.from({ length: 8 }, (_, i) => testVendor(`v${i + 1}`));
    const input: CampaignInput = { campaign: testCampaign('limits'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'limits', notifyVendors: false } };
    input.campaign.letterBody = { en: ['x'.repeat(100_000)], fr: ['y'.repeat(100_000)] };
    const heavy = Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: { en: 'é'.repeat(10_000), fr: 'è'.repeat(10_000) }, goodPractices: [] }])) as unknown as Findings;
    const oversized = (options?: { holdsOversizedDraft: boolean }) => {
      const kase = new CampaignCase(input, 'edit-loop', options);
      const texts: EditStatementInput['vendors'] = {};
      for (const v of vendors) {
        kase.addEngagement(v, false);
        kase.engagementEnded(v.id, { vendorId: v.id, vendorName: v.name, stage: 'concluded', findings: heavy, demonstrations: [], remindersSent: [], endedAt: '2020-12-01T10:00:00Z' });
        texts[v.id] = { summary: { en: 'Summary.', fr: 'Résumé.' } };
      }
      kase.edit({ by: 'Officer Tremblay', vendors: texts, conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
      return kase;
    };
    // A campaign started before the hold drafts as it did, so that its history replays, unless the
    // draft is past what its render could ever have carried; there, every change must keep within the size.
    const before = oversized({ holdsOversizedDraft: false });
    expect(before.readyToDraft()).toBe(true);
    expect(() => before.checkEdit({ by: 'Officer Tremblay', vendors: { v1: { summary: { en: 'Longer summary.', fr: 'Résumé plus long.' } } } })).toThrow(/^Cannot edit the statement: the statement's text would take 1605 KB/);
    for (const v of ['v9', 'v10', 'v11']) {
      before.addEngagement(testVendor(v), false);
      before.engagementEnded(v, { vendorId: v, vendorName: v, stage: 'concluded', findings: heavy, demonstrations: [], remindersSent: [], endedAt: '2020-12-01T10:00:00Z' });
    }
    before.edit({ by: 'Officer Tremblay', vendors: { v9: { summary: { en: 'S.', fr: 'R.' } }, v10: { summary: { en: 'S.', fr: 'R.' } }, v11: { summary: { en: 'S.', fr: 'R.' } } } });
    expect(before.status().missingTexts).toEqual([]);
    expect(before.readyToDraft()).toBe(false);
    const legacy = new CampaignCase(input, 'legacy');
    for (const v of vendors) {
      legacy.addEngagement(v, false);
      legacy.engagementEnded(v.id, { vendorId: v.id, vendorName: v.name, stage: 'concluded', findings: heavy, demonstrations: [], remindersSent: [], endedAt: '2020-12-01T10:00:00Z' });
    }
    expect(() => legacy.checkDraft({ by: 'Officer Tremblay' })).toThrow(/^Cannot draft: the statement's text would take 16\d\d KB/);
    const kase = oversized();
    // Eight vendors of 200 KB each: 1.6 MB, over the 1.5 MB a draft may take.
    expect(kase.status().missingTexts).toEqual([]);
    expect(kase.status().statementTooLarge).toMatch(/^the statement's text would take 1605 KB; at most 1500 KB \(Temporal refuses a payload over 2 MB\): .* \(largest: v1 201 KB, v2 201 KB, v3 201 KB\)$/);
    expect(kase.readyToDraft()).toBe(false);
    expect(() => kase.checkDraft({ by: 'Officer Tremblay' })).toThrow(/^Cannot draft: the statement's text would take 1605 KB/);

    const brief = Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: { en: 'Met.', fr: 'Respecté.' }, goodPractices: [] }])) as unknown as Findings;
    kase.edit({ by: 'Officer Tremblay', vendors: { v1: { findings: brief } } });
    expect(kase.status().statementTooLarge).toBeUndefined();
    expect(kase.readyToDraft()).toBe(true);
    // The lead's own change that would take it back over is refused, naming the size.
    expect(() => kase.checkEdit({ by: 'Officer Tremblay', vendors: { v1: { findings: heavy } } })).toThrow(/^Cannot edit the statement: the statement's text would take 1605 KB; at most 1500 KB/);
    kase.startApproval('2020-12-01T10:00:00.000Z');
    // The letter's body, never printed in the statement, stays out of every version.
    expect(kase.draft?.campaign.letterBody).toEqual({ en: [], fr: [] });
    expect(statementBytes(kase.draft!)).toBeLessThan(LIMITS.statementBytes + 10_000);
  });

  it('counts a statement’s bytes as UTF-8 does, surrogate pairs and lone surrogates included', () => {
    for (const text of ['plain', 'éèà', '€ and 中文', '😀 emoji', 'lone \ud800 high', 'lone \udc00 low', 'end \ud83d']) {
      expect(utf8Length(text), text).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('sends the signatories the first changes of a rewritten statement, each text cut, and says how many it left out', async () => {
    const vendors = Array.from({ length: 30 }, (_, i) => testVendor(`v${i + 1}`));
    const input: CampaignInput = { campaign: testCampaign('limits'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'limits', notifyVendors: false } };
    const kase = new CampaignCase(input, 'edit-loop');
    const summaries = (text: string): EditStatementInput['vendors'] => Object.fromEntries(vendors.map((v) => [v.id, { summary: { en: text, fr: text } }]));
    for (const v of vendors) {
      kase.addEngagement(v, false);
      kase.engagementEnded(v.id, { vendorId: v.id, vendorName: v.name, stage: 'concluded', findings: undefined, demonstrations: [], remindersSent: [], endedAt: '2020-12-01T10:00:00Z' });
    }
    kase.edit({ by: 'Officer Tremblay', vendors: summaries('Short.'), conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
    kase.startApproval('2020-12-01T10:00:00.000Z');
    const [opc] = input.campaign.authorities;
    expect(kase.approvalRequestFor(opc!)).toEqual({ version: 1 });
    kase.requestChanges({ by: 'Daniel Therrien', authorityId: opc!.id, version: 1, comment: 'Say more.' }, '2020-12-02T10:00:00.000Z');
    kase.edit({ by: 'Officer Tremblay', vendors: summaries('é'.repeat(20_000)) });
    kase.requestDraft({ by: 'Officer Tremblay' }, '2020-12-03T10:00:00.000Z');
    const request = kase.approvalRequestFor(opc!);
    expect(request).toMatchObject({ version: 2, sinceVersion: 1, moreChanges: 10 });
    expect(request.changes).toHaveLength(20);
    expect(request.changes![0]!.after!.fr).toBe(`${'é'.repeat(499)}…`);
    expect(request.changes![0]!.before!.fr).toBe('Short.');
    // The whole rewrite was 30 x 2 x 20,000 characters; the request carries a bounded part of it.
    expect(JSON.stringify(request).length).toBeLessThan(25_000);
    const page = kase.changesOfCurrentVersion()!;
    expect(page.changes).toHaveLength(30);
    expect(page.more).toBeUndefined();
    expect(page.changes[29]!.after!.en).toHaveLength(1_000);

    const mail = await composeMessage({ threadId: 'campaign:limits', step: 'approval-request-v2-opc', kind: 'approval-request', language: 'fr', to: [opc!.contact], campaign: input.campaign, details: request });
    expect(String(mail.text)).toContain('Modifications non listées ici : 10. Les textes de plus de 500 caractères sont coupés ici');
  });

  it('keeps a campaign to what its status, statement and input can carry: vendors, bytes, the list of missing texts', async () => {
    const vendors = Array.from({ length: LIMITS.vendorsPerCampaign }, (_, i) => testVendor(`v${i + 1}`));
    const input: CampaignInput = { campaign: testCampaign('limits'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'limits', notifyVendors: false } };
    const kase = new CampaignCase(input, 'edit-loop');
    for (const v of vendors) {
      kase.addEngagement(v, false);
      kase.engagementEnded(v.id, { vendorId: v.id, vendorName: v.name, stage: 'concluded', findings: completeFindings(), demonstrations: [], remindersSent: [], endedAt: '2020-12-01T10:00:00Z' });
    }
    expect(() => kase.checkAddVendor({ by: 'Officer Tremblay', vendor: testVendor('one-more') })).toThrow(
      /^Campaign limits already has 2000 vendors, the most one campaign takes \(its status and statement must stay under Temporal's 2 MB\): start another campaign\.$/,
    );
    // Every vendor's summary is missing in both languages: 4,000 texts, 200 of them listed.
    const { missingTexts } = kase.status();
    expect(missingTexts).toHaveLength(201);
    expect(missingTexts!.at(-1)).toBe('… and 3804 more');
    expect(kase.status().missingTextCount).toBe(4004);
    expect(() => kase.checkDraft({ by: 'Officer Tremblay' })).toThrow(/^Cannot draft: 4004 texts are missing in the statement: .*; and 3984 more \(`npx dossier statement status` lists the first 200\)\.$/);
    expect(JSON.stringify(kase.status()).length).toBeLessThan(1_000_000);

    const yaml = DEMO_YAML.replace(/\nvendors:\n/, `\nvendors:\n${Array.from({ length: 2_001 }, (_, i) => `  - { id: x${i}, name: X ${i}, language: en, contacts: [{ name: P, email: p@x${i}.test }] }`).join('\n')}\n`);
    expect(() => parseCampaignYaml(yaml, 'campaigns/x.yaml')).toThrow(CampaignFileError);
    try {
      parseCampaignYaml(yaml, 'campaigns/x.yaml');
    } catch (err) {
      expect((err as CampaignFileError).problems).toContainEqual(expect.objectContaining({ where: 'vendors', message: 'must have at most 2000 entries' }));
    }

    // Within every limit one by one, too large together: 1,000 vendors of 20 contacts each.
    const crowded = { ...input, vendors: Array.from({ length: 1_000 }, (_, i) => testVendor(`c${i}`, { contacts: Array.from({ length: 20 }, (_, j) => ({ name: `Privacy officer number ${j} of vendor ${i}`, email: `privacy-officer-${j}@vendor-${i}.example` })) })) };
    const neverCalled = new Proxy({}, { get: () => { throw new Error('the request was sent'); } }) as never;
    await expect(new CampaignClient(neverCalled, { taskQueue: 'never', address: 'test' }).start(crowded)).rejects.toThrow(
      /^the campaign takes \d{4} KB as it travels; at most 1500 KB \(Temporal refuses a payload over 2 MB\): fewer vendors or contacts, or a shorter letter$/,
    );
  });

  it('refuses a campaign whose letter, carried by every engagement before the letter was kept once, would fill its history or one workflow task', async () => {
    const letter = (characters: number) => ({ en: Array.from({ length: 5 }, () => 'x'.repeat(characters / 5)), fr: Array.from({ length: 5 }, () => 'é'.repeat(characters / 5)) });
    const input = (vendors: number, characters: number): CampaignInput => ({
      campaign: { ...testCampaign('letters'), letterBody: letter(characters) },
      vendors: Array.from({ length: vendors }, (_, i) => testVendor(`v${i + 1}`)),
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: 'letters', notifyVendors: false },
    });
    expect(campaignHistoryProblem(input(2_000, 1_500), 2_000)).toBeUndefined();
    // 100,000 characters a language: 300 KB an engagement, twice in the history for each vendor.
    expect(campaignHistoryProblem(input(80, 100_000), 80)).toMatch(/^80 vendors would put some 49 MB in the campaign's history \(each engagement's input carries the letter, 30\d KB\); Temporal ends a history at 50 MB: at most 65 vendors with this letter, or a shorter letter$/);
    // 20,000 characters a language: 25 vendors' starts and letter copies fit one task's 4 MB, 40 do not.
    expect(campaignHistoryProblem(input(25, 20_000), 25)).toBeUndefined();
    expect(campaignHistoryProblem(input(40, 20_000), 40)).toMatch(/^the letter makes each engagement's input 6\d KB, sent twice in the workflow task that starts it \(its start and the letter's copy\), and the campaign starts 40 in one task, which Temporal refuses over 4 MB: a shorter letter, or fewer than 28 vendors$/);
    expect(campaignHistoryProblem(input(150, 20_000), 150)).toMatch(/the campaign starts 100 in one task/);
    const kase = new CampaignCase(input(65, 100_000), 'edit-loop');
    for (const v of input(65, 100_000).vendors) kase.addEngagement(v, false);
    expect(() => kase.checkAddVendor({ by: 'Officer Tremblay', vendor: testVendor('late') })).toThrow(/^Cannot add this vendor: 66 vendors would put some 41 MB in the campaign's history/);
  });

  it('lets a campaign that keeps its letter once take the most vendors with the longest letter', async () => {
    const letter = { en: Array.from({ length: 5 }, () => 'x'.repeat(20_000)), fr: Array.from({ length: 5 }, () => 'é'.repeat(20_000)) };
    const input = (vendors: number): CampaignInput => ({
      campaign: { ...testCampaign('kept-once'), letterBody: letter },
      vendors: Array.from({ length: vendors }, (_, i) => testVendor(`v${i + 1}`)),
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: 'kept-once', notifyVendors: false },
    });
    expect(campaignHistoryProblem(input(2_000), 2_000, true)).toBeUndefined();
    expect(campaignHistoryProblem(input(2_000), 2_000)).toMatch(/^2000 vendors would put some 1\d\d\d MB/);
    // The client checks as the campaign it starts will run: the request goes out.
    const neverCalled = new Proxy({}, { get: () => { throw new Error('the request was sent'); } }) as never;
    await expect(new CampaignClient(neverCalled, { taskQueue: 'never', address: 'test' }).start(input(100))).rejects.toThrow(/^the request was sent$/);
    const kase = new CampaignCase(input(65), 'edit-loop', { holdsOversizedDraft: true, keepsLetterOnce: true });
    for (const v of input(65).vendors) kase.addEngagement(v, false);
    expect(() => kase.checkAddVendor({ by: 'Officer Tremblay', vendor: testVendor('late') })).not.toThrow();
    // The letter could not be kept: 65 engagements cannot each carry it (100 KB a language), so the
    // campaign waits for the files; a campaign small enough lets them carry it, and counts a late vendor so.
    expect(kase.letterCarriedProblem()).toMatch(/^the letter makes each engagement's input 30\d KB, sent twice in the workflow task that starts it \(its start and the letter's copy\), and the campaign starts 65 in one task, which Temporal refuses over 4 MB: a shorter letter, or fewer than 5 vendors$/);
    kase.waitForLetterStore('connect ECONNREFUSED', kase.letterCarriedProblem()!);
    expect(kase.status().letterNotKept).toEqual({ error: 'connect ECONNREFUSED', problem: kase.letterCarriedProblem() });
    expect(kase.board().letterNotKept).toEqual(kase.status().letterNotKept);
    kase.letterKept();
    expect(kase.status().letterNotKept).toBeUndefined();
    // Vendors added while the letter is being kept start with the first batch, in its task.
    const few = (count: number) => {
      const kase = new CampaignCase(input(count), 'edit-loop', { holdsOversizedDraft: true, keepsLetterOnce: true });
      for (const v of input(count).vendors) kase.addEngagement(v, false);
      kase.addEngagement(testVendor('late1'), true);
      return kase;
    };
    expect(few(4).letterCarriedProblem()).toBeUndefined();
    expect(few(5).letterCarriedProblem()).toMatch(/the campaign starts 6 in one task/);
    expect(() => few(4).checkAddVendor({ by: 'Officer Tremblay', vendor: testVendor('late2') })).not.toThrow();
    const carrying = few(4);
    carrying.carryLetter();
    expect(() => carrying.checkAddVendor({ by: 'Officer Tremblay', vendor: testVendor('late2') })).toThrow(/^Cannot add this vendor: the letter makes each engagement's input 30\d KB/);
    // Withdrawn before its engagement started: it ends so, when it was withdrawn, with nothing recorded,
    // and no longer counts among the engagements that would carry the letter.
    const withdrawing = few(5);
    expect(withdrawing.stopReasonBeforeStart('v2')).toBeUndefined();
    withdrawing.withdrawVendor({ by: 'Officer Tremblay', vendorId: 'v2', reason: ' Out of scope. ' }, '2026-11-29T05:00:00Z');
    expect(withdrawing.stopReasonBeforeStart('v2')).toBe(' Out of scope. ');
    withdrawing.endBeforeStart('v2', '2026-11-29T07:00:00Z');
    withdrawing.endBeforeStart('v2', '2026-11-29T08:00:00Z');
    expect(withdrawing.outcomeOf('v2')).toEqual({ vendorId: 'v2', vendorName: 'Vendor v2', stage: 'withdrawn', demonstrations: [], remindersSent: [], withdrawalReason: 'Out of scope.', endedAt: '2026-11-29T05:00:00Z' });
    expect(withdrawing.status().engagements.find((e) => e.vendorId === 'v2')?.state).toBe('ended');
    expect(withdrawing.letterCarriedProblem()).toBeUndefined();
    // Closed by the lead's draft before it started: it ends the same way, with the lead's public reason.
    withdrawing.requestDraft({ by: 'Officer Tremblay', openCases: [{ vendorId: 'v3', action: 'close', reason: { en: 'No answer needed.', fr: 'Aucune réponse requise.' } }] }, '2026-11-29T06:00:00Z');
    expect(withdrawing.stopReasonBeforeStart('v3')).toBe('No answer needed.');
    withdrawing.endBeforeStart('v3', '2026-11-29T06:00:00Z');
    expect(withdrawing.outcomeOf('v3')).toMatchObject({ stage: 'withdrawn', withdrawalReason: 'No answer needed.', endedAt: '2026-11-29T06:00:00Z' });
  });
});

