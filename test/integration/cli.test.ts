// The case officer's CLI, run as the officer runs it: `node bin/dossier.js …` in a subprocess,
// against the run's real Temporal server and this file's worker (reached through TEMPORAL_ADDRESS
// and DOSSIER_TASK_QUEUE). Each engagement is driven only through the CLI; the test client only
// waits for visibility and mail, which the CLI cannot be asked to wait for.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import type { EngagementSummary } from '../../client/api';
import type { CampaignStatus, EngagementStatus } from '../../workflows/messages';
import type { Demonstration, EngagementOutcome, PublishedStatement, Question } from '../../workflows/types';
import { cliAccount, cliActor } from '../../client/identity';
import { runDossier, type CliRun } from '../helpers/cli';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { mailDomain } from '../../activities/email';
import { messageIdFor } from '../../activities/threading';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { simpleParser } from 'mailparser';
import { PROJECT_ROOT } from '../../paths';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'cli');
const fixture = (name: string) => join(FIXTURES, name);
const OFFICER = 'Agnès Officer';

type Run = CliRun;

describe('the dossier CLI', () => {
  const env = useDossier({ encrypted: true });

  const dossier = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    runDossier({ ...env.childEnv, ...extraEnv }, OFFICER, args);

  /** Runs a command that must succeed; a failure shows its stderr in the assertion message. */
  async function ok(args: string[]): Promise<string> {
    const run = await dossier(args);
    expect(run.code, `dossier ${args.join(' ')}\n${run.stderr}`).toBe(0);
    return run.stdout;
  }

  async function okJson<T>(args: string[]): Promise<T> {
    return JSON.parse(await ok(['--json', ...args])) as T;
  }

  /** A copy of the fixture campaign file with an id of this test's own (and policy changes). */
  function campaignFile(campaignId: string, policy: Record<string, string> = {}): string {
    let text = readFileSync(fixture('campaign.yaml'), 'utf8').replace(/^id: cli-test$/m, `id: ${campaignId}`);
    for (const [key, value] of Object.entries(policy)) text = text.replace(new RegExp(`^  ${key}: .*$`, 'm'), `  ${key}: ${value}`);
    const file = join(env.scratch, `${campaignId}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  /** Polls visibility (eventually consistent) until the query finds `count` engagements. */
  async function waitForVisibility(query: string, count = 1, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await env.client.workflow.count(query)).count;
      if (found >= count) return;
      if (Date.now() > deadline) throw new Error(`visibility never showed ${count} for ${query} (saw ${found})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  function expectOneLineError(run: Run, exitCode: number, ...fragments: string[]) {
    expect(run.code, run.stderr).toBe(exitCode);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    for (const fragment of fragments) expect(run.stderr).toContain(fragment);
  }

  it('drives one engagement from the open letter to its conclusion', { timeout: 300_000 }, async () => {
    const campaignId = env.uniqueId('cli-walk');
    const file = campaignFile(campaignId);

    const started = await okJson<{ workflowId: string }>(['engagement', 'start', '--campaign-file', file, '--vendor', 'zoom']);
    expect(started.workflowId).toBe(`engagement:${campaignId}:zoom`);
    const [letter] = await env.sink.waitFor(1, undefined, 60_000);
    expect(letter.to).toEqual(['privacy@zoom.test']);

    const responded = await ok(['engagement', 'respond', campaignId, 'zoom', '--file', fixture('response.md'), '--attach', fixture('annex-b.pdf')]);
    expect(responded).toContain('responded');
    // The attached file is kept encrypted in the document store; the engagement holds its reference.
    const documents = await okJson<{ documents: { name: string; type: string; size: number }[] }>(['engagement', 'documents', campaignId, 'zoom']);
    expect(documents.documents).toEqual([expect.objectContaining({ name: 'annex-b.pdf', type: 'application/pdf', size: readFileSync(fixture('annex-b.pdf')).length })]);

    const asked = await okJson<Question[]>(['engagement', 'ask', `engagement:${campaignId}:zoom`, '--file', fixture('questions.md')]);
    expect(asked.map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(asked[1].text).toBe('Which default settings protect meetings held by schools, and who can change them?');

    const answered = await ok(['engagement', 'answer', campaignId, 'zoom', '--file', fixture('answers.yaml')]);
    expect(answered).toContain('2 answers recorded; 0 questions still open');

    const inTwoHours = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const scheduled = await okJson<Demonstration>([
      'engagement', 'schedule-demo', campaignId, 'zoom', '--at', inTwoHours, '--duration', '45',
      '--attendee', 'Geneviève Tremblay-Côté <lead@opc.test>', '--topic', 'End-to-end encryption key handling',
      '--location', 'OPC, Gatineau', '--link', 'https://meet.example.org/opc-zoom',
    ]);
    expect(scheduled).toMatchObject({ id: 'd1', durationMinutes: 45, topics: ['End-to-end encryption key handling'], location: 'OPC, Gatineau', meetingUrl: 'https://meet.example.org/opc-zoom' });

    const plainLink = await dossier(['engagement', 'reschedule-demo', campaignId, 'zoom', '--at', inTwoHours.replace(/^(\d{4})/, (y) => String(Number(y) + 1)), '--reason', 'r', '--link', 'http://meet.example.org/x']);
    expectOneLineError(plainLink, 4, 'the meeting link must be an address starting with https://');

    // Moved to a few seconds from now, so that its outcome can be recorded once it has started.
    const soon = new Date(Date.now() + 15_000);
    const moved = await okJson<Demonstration>(['engagement', 'reschedule-demo', campaignId, 'zoom', '--at', soon.toISOString(), '--reason', 'vendor asked for an earlier slot', '--no-location']);
    expect(moved).toMatchObject({ id: 'd1', rescheduled: 1, at: soon.toISOString(), previousAt: scheduled.at, rescheduleReason: 'vendor asked for an earlier slot' });
    // --no-location removes the place; the link, not named, stays.
    expect(moved).not.toHaveProperty('location');
    expect(moved.meetingUrl).toBe('https://meet.example.org/opc-zoom');
    await new Promise((r) => setTimeout(r, Math.max(0, soon.getTime() - Date.now() + 1_000)));

    const outcome = await ok(['engagement', 'demo-outcome', campaignId, 'zoom', '--result', 'validated', '--notes', 'Keys shown never leaving the device.']);
    expect(outcome).toContain('d1: validated');

    const concluded = await okJson<EngagementOutcome>(['engagement', 'conclude', campaignId, 'zoom', '--findings', fixture('findings.yaml')]);
    expect(concluded.stage).toBe('concluded');
    expect(concluded.findings?.security.goodPractices).toEqual([
      { en: "Keys are generated on participants' devices", fr: 'Les clés sont générées sur les appareils des participants' },
    ]);
    expect(concluded.findings?.['know-your-audience'].goodPractices[1]).toEqual({ en: 'Zoom for Education', fr: 'Zoom for Education' });

    const shown = await ok(['engagement', 'show', campaignId, 'zoom']);
    expect(shown).toContain('concluded');
    expect(shown).toContain('zoom-privacy-whitepaper.pdf');
    expect(shown).toContain('annex-b.pdf');
    expect(shown).toContain('demonstration d1 validated');
    expect(shown).toContain('vendor asked for an earlier slot');
    expect(shown).toContain('https://meet.example.org/opc-zoom');
    expect(shown).toContain(OFFICER);

    const status = await okJson<EngagementStatus>(['engagement', 'show', campaignId, 'zoom']);
    expect(status.stage).toBe('concluded');
    expect(status.response?.attachments).toEqual(['zoom-privacy-whitepaper.pdf', 'zoom-encryption-design.pdf', 'annex-b.pdf']);
    expect(status.questions.map((q) => q.answer)).toEqual([
      "Keys are generated on the participants' devices and never leave them.",
      'Waiting rooms and passcodes are on by default for education accounts; only account owners can change them.',
    ]);
    // Recorded as a CLI identity: the configured name, the account the CLI ran under, and `CLI`.
    expect(status.timeline.filter((e) => e.by === cliActor(OFFICER, cliAccount())).map((e) => e.what)).toEqual([
      'response recorded',
      'follow-up round 1 asked',
      'answers recorded',
      'demonstration d1 scheduled',
      'demonstration d1 rescheduled',
      'demonstration d1 validated',
      'concluded',
    ]);
  });

  it('lists engagements by vendor, stage and overdue through visibility', { timeout: 180_000 }, async () => {
    const campaignId = env.uniqueId('cli-list');
    // Houseparty's response is due at once; Cisco's in an hour.
    const dueNow = campaignFile(campaignId, { responseDue: '1s' });
    await ok(['engagement', 'start', '--campaign-file', dueNow, '--vendor', 'houseparty']);
    const later = campaignFile(`${campaignId}-later`);
    await ok(['engagement', 'start', '--campaign-file', later, '--vendor', 'cisco']);

    await waitForVisibility(
      `DossierCampaign = '${campaignId}' AND DossierStage = 'awaiting-response' AND DossierNextDeadline < '${new Date(Date.now() + 1_000).toISOString()}'`,
    );
    await waitForVisibility(`DossierCampaign = '${campaignId}-later' AND DossierStage = 'awaiting-response'`);

    const overdue = await okJson<EngagementSummary[]>(['list', '--overdue']);
    const overdueIds = overdue.map((e) => e.workflowId);
    expect(overdueIds).toContain(`engagement:${campaignId}:houseparty`);
    expect(overdueIds).not.toContain(`engagement:${campaignId}-later:cisco`);
    expect(overdue.every((e) => e.nextDeadline !== undefined && Date.parse(e.nextDeadline) < Date.now())).toBe(true);

    const byVendor = await okJson<EngagementSummary[]>(['list', '--vendor', 'cisco', '--stage', 'awaiting-response']);
    expect(byVendor.map((e) => e.workflowId)).toContain(`engagement:${campaignId}-later:cisco`);
    expect(byVendor.every((e) => e.vendorId === 'cisco' && e.stage === 'awaiting-response')).toBe(true);

    const table = await ok(['list', '--campaign', campaignId]);
    expect(table).toContain(`engagement:${campaignId}:houseparty`);
    expect(table).toContain('awaiting-response');
    expect(table).not.toContain('cisco');

    const searched = await okJson<EngagementSummary[]>(['search', `DossierVendor = 'houseparty' AND DossierCampaign = '${campaignId}'`]);
    expect(searched).toHaveLength(1);
    expect(searched[0]).toMatchObject({ campaignId, vendorId: 'houseparty', stage: 'awaiting-response', executionStatus: 'RUNNING' });
  });

  it('puts back the copy of the letter a vendor received only from the very PDF the relay took, in English and French', { timeout: 180_000 }, async () => {
    const campaignId = env.uniqueId('cli-copy');
    // Where the worker keeps its ledger, and the sender its Message-IDs carry: the CLI reads the same.
    const workerState = { DOSSIER_STATE_DIR: env.config.stateDir, MAIL_FROM: env.config.mailFrom };
    await ok(['campaign', 'start', '--no-wait', '--file', campaignFile(campaignId)]);
    const [letter] = await env.sink.waitFor(1, (m) => m.messageId === messageIdFor(engagementWorkflowId(campaignId, 'zoom'), 'letter', mailDomain(env.config.mailFrom)), 60_000);
    const received = (await simpleParser(letter!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!.content;
    const copyPath = join(env.config.outputDir, campaignId, 'letters', 'zoom.en.pdf');
    await until(async () => existsSync(copyPath), (filed) => filed, 'the copy its send filed');
    const other = join(env.scratch, `${campaignId}-other.pdf`);
    writeFileSync(other, '%PDF-1.7 another letter');
    const right = join(env.scratch, `${campaignId}-received.pdf`);
    writeFileSync(right, received);
    writeFileSync(copyPath, '%PDF-1.7 what was on file');

    const refused = await dossier(['campaign', 'file-letter-copy', campaignId, 'zoom', other], workerState);
    expectOneLineError(refused, 4, 'the file is not the letter zoom received last (letter): its SHA-256 is');
    const enFrançais = await dossier(['--lang', 'fr', 'campaign', 'file-letter-copy', campaignId, 'zoom', other], workerState);
    expectOneLineError(enFrançais, 4, 'le fichier n’est pas la dernière lettre reçue par zoom (letter)');
    expect(readFileSync(copyPath, 'utf8')).toBe('%PDF-1.7 what was on file');

    const filed = await dossier(['campaign', 'file-letter-copy', campaignId, 'zoom', right], workerState);
    expect(filed.code, filed.stderr).toBe(0);
    expect(filed.stdout).toContain(`The copy of the letter zoom received (letter) is filed at ${copyPath}`);
    expect(Buffer.compare(readFileSync(copyPath), received)).toBe(0);
  });

  it('starts a campaign, follows it, adds a vendor, and takes the statement to publication', { timeout: 300_000 }, async () => {
    const campaignId = env.uniqueId('cli-camp');
    const started = await okJson<{ workflowId: string; engagementsStarted: number }>(['campaign', 'start', '--file', campaignFile(campaignId)]);
    expect(started.workflowId).toBe(`campaign:${campaignId}`);
    expect(started.engagementsStarted).toBe(3);

    const added = await okJson<{ workflowId: string; addedLate: boolean }>(['campaign', 'add-vendor', campaignId, '--vendor-file', fixture('vendor-google.yaml')]);
    expect(added).toMatchObject({ workflowId: `engagement:${campaignId}:google`, addedLate: true });
    await env.sink.waitFor(4, undefined, 60_000);

    // One way to withdraw: through the engagement, routed through its campaign, and confirmed.
    const withdrawn = await ok(['engagement', 'withdraw', campaignId, 'houseparty', '--reason', 'The vendor ceased operations.']);
    expect(withdrawn).toContain('Houseparty is withdrawn');
    const houseparty = await okJson<EngagementStatus>(['engagement', 'show', campaignId, 'houseparty']);
    expect(houseparty.stage).toBe('withdrawn');
    const { status: afterWithdrawal } = await okJson<{ status: CampaignStatus }>(['statement', 'status', campaignId]);
    expect(afterWithdrawal.engagements.find((e) => e.vendorId === 'houseparty')?.withdrawal?.reason).toBe('The vendor ceased operations.');
    const noSecondWay = await dossier(['campaign', 'withdraw-vendor', campaignId, 'zoom', '--reason', 'x']);
    expect(noSecondWay.code).toBe(2);

    const overview = await ok(['campaign', 'status', campaignId]);
    for (const vendor of ['Zoom', 'Cisco', 'Houseparty', 'Google']) expect(overview).toContain(vendor);
    expect(overview).toContain('final notices');
    expect(overview).toContain('awaiting-response');

    const campaigns = await okJson<{ campaignId: string }[]>(['campaign', 'list']);
    expect(campaigns.map((c) => c.campaignId)).toContain(campaignId);

    await ok(['statement', 'conclusions', campaignId, '--file', fixture('conclusions.yaml')]);
    // Engagements are still open: drafting is refused until the lead closes or excludes each, with a reason.
    const refusedDraft = await dossier(['statement', 'draft', campaignId]);
    expectOneLineError(refusedDraft, 4, 'Cannot draft while 3 engagements are open (zoom, cisco, google)');
    const drafted = await okJson<CampaignStatus>(['statement', 'draft', campaignId, '--open-cases', fixture('open-cases.yaml')]);
    expect(drafted.phase).toBe('approving');
    expect(drafted.draft?.version).toBe(1);
    expect(drafted.openCases?.map((d) => [d.vendorId, d.action])).toEqual([['zoom', 'close'], ['cisco', 'close'], ['google', 'exclude']]);

    // A change request goes back to the lead: no new version until the lead edits and submits.
    const sentBack = await okJson<CampaignStatus>([
      'statement', 'request-changes', campaignId, '--authority', 'fdpic', '--version', '1', '--comment', 'Name the Houseparty silence plainly.',
    ]);
    expect(sentBack).toMatchObject({ phase: 'revising', draft: { version: 1 } });
    expect(await ok(['statement', 'edit', campaignId, '--file', fixture('statement-edit.yaml')])).toContain(`submit version 2 with \`npx dossier statement draft ${campaignId}\``);
    const resubmitted = await okJson<CampaignStatus>(['statement', 'draft', campaignId]);
    expect(resubmitted.draft?.version).toBe(2);

    // An approval of the version that was sent back is refused by the workflow, with its reason.
    const stale = await dossier(['statement', 'approve', campaignId, '--authority', 'opc', '--version', '1']);
    expectOneLineError(stale, 4, 'Version 1 is not the current draft');

    const byOpc = await okJson<CampaignStatus>(['statement', 'approve', campaignId, '--authority', 'opc', '--version', '2']);
    // Recorded as a CLI identity from configuration, never as a bare typed name.
    expect(byOpc.draft?.approvals.map((a) => a.by)).toEqual([cliActor(OFFICER, cliAccount())]);
    const notYet = await dossier(['statement', 'publication', campaignId]);
    // The authority it awaits is named as the campaign file names it, not by the id typed for it.
    expectOneLineError(notYet, 4, 'not published', 'awaits approval from these authorities: Swiss Federal Data Protection and Information Commissioner');
    expect(notYet.stderr).not.toMatch(/\bfdpic\b/);
    // A wait that is not a number of seconds is named, not silently replaced by the default.
    const badTimeout = await dossier(['statement', 'publication', campaignId, '--wait', '--timeout', 'soon']);
    expectOneLineError(badTimeout, 2, '--timeout: "soon" is not a positive whole number');
    // The last approval needed publishes the statement: it says so first, and with no terminal to
    // confirm on (a script) it is given only with --confirm-publish; without it nothing changes.
    const unconfirmed = await dossier(['--json', '--by', 'Adrian Lobsiger', 'statement', 'approve', campaignId, '--authority', 'fdpic', '--version', '2']);
    expect(unconfirmed.code, unconfirmed.stderr).toBe(2);
    expect(unconfirmed.stdout).toBe('');
    expect(unconfirmed.stderr).toContain('This approval of version 2 by the Swiss Federal Data Protection and Information Commissioner is the last one the statement needs');
    expect(unconfirmed.stderr).toContain('run the command again with --confirm-publish');
    const unchanged = await okJson<{ status: CampaignStatus }>(['statement', 'status', campaignId]);
    expect(unchanged.status).toMatchObject({ phase: 'approving', draft: { version: 2, pending: ['fdpic'] } });
    expect(unchanged.status.draft?.approvals.map((a) => a.authorityId)).toEqual(['opc']);
    // `--by` still names the person, but is deprecated and still recorded as a CLI identity.
    const typed = await dossier(['--json', '--by', 'Adrian Lobsiger', 'statement', 'approve', campaignId, '--authority', 'fdpic', '--version', '2', '--confirm-publish']);
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stderr).toContain('--by is deprecated');
    const byFdpic = JSON.parse(typed.stdout) as CampaignStatus;
    expect(byFdpic.draft?.approvals.find((a) => a.authorityId === 'fdpic')?.by).toBe(cliActor('Adrian Lobsiger', cliAccount()));

    const published = await okJson<PublishedStatement>(['statement', 'publication', campaignId, '--wait', '--timeout', '120']);
    expect(published.version).toBe(2);
    expect(Object.keys(published.files).sort()).toEqual(['en', 'fr']);
    // Paths that open from wherever the officer stands, not relative to the worker's out/.
    expect(isAbsolute(published.files.en)).toBe(true);
    expect(existsSync(published.files.en)).toBe(true);
    expect(await ok(['statement', 'publication', campaignId])).toContain(published.files.fr);
  });

  describe('tells the officer what went wrong, in one line, with a non-zero exit', () => {
    it('names an engagement that does not exist', async () => {
      const run = await dossier(['engagement', 'show', 'no-such-campaign', 'zoom']);
      expectOneLineError(run, 3, 'engagement:no-such-campaign:zoom does not exist');
      expect(run.stderr).not.toContain('engagement engagement');
    });

    it('names an engagement that does not exist when a date given is read in its zone', async () => {
      // --until and --due are read in the campaign's zone, looked up first from the engagement's start.
      const extend = await dossier(['engagement', 'extend', 'no-such-campaign', 'zoom', '--until', '2031-02-03', '--reason', 'Vendor asked']);
      expectOneLineError(extend, 3, 'engagement:no-such-campaign:zoom does not exist');
      const ask = await dossier(['engagement', 'ask', 'no-such-campaign', 'zoom', '--question', 'Why?', '--due', '2031-02-03']);
      expectOneLineError(ask, 3, 'engagement:no-such-campaign:zoom does not exist');
    });

    it('shows the reason the workflow refused an update', { timeout: 120_000 }, async () => {
      const campaignId = env.uniqueId('cli-refuse');
      await ok(['engagement', 'start', '--campaign-file', campaignFile(campaignId), '--vendor', 'zoom']);
      // No response yet: follow-up questions are out of place (the validator says so).
      const run = await dossier(['engagement', 'ask', campaignId, 'zoom', '--question', 'Why?']);
      expectOneLineError(run, 4, `engagement:${campaignId}:zoom refused`, 'cannot ask follow-up questions while the engagement is');
      // Equivalent refusals (nothing to answer, nothing to record an outcome for) share one exit code.
      const noQuestions = await dossier(['engagement', 'answer', campaignId, 'zoom', '--answer', 'q1=Yes']);
      expectOneLineError(noQuestions, 4, `engagement:${campaignId}:zoom refused`);
      const noDemonstration = await dossier(['engagement', 'demo-outcome', campaignId, 'zoom', '--result', 'validated', '--notes', 'Shown.']);
      expectOneLineError(noDemonstration, 4, `engagement:${campaignId}:zoom refused`, 'no demonstration');
      // A response cannot predate the letter it answers, which went out just now; the day itself is fine.
      await waitForVisibility(`WorkflowId = 'engagement:${campaignId}:zoom' AND DossierStage = 'awaiting-response'`);
      // An extension by how much longer: a plain duration moves the date; working days need the lead's calendar.
      const noCalendar = await dossier(['engagement', 'extend', campaignId, 'zoom', '--for', '10 working days', '--reason', 'Vendor asked']);
      expectOneLineError(noCalendar, 4, 'needs a jurisdiction and a timeZone to count working days');
      const before = await okJson<EngagementStatus>(['engagement', 'show', campaignId, 'zoom']);
      const longer = await okJson<EngagementStatus>(['engagement', 'extend', campaignId, 'zoom', '--for', '2 days', '--reason', 'Vendor asked']);
      expect(Date.parse(longer.responseDueDate!) - Date.parse(before.responseDueDate!)).toBe(2 * 86_400_000);
      const predated = await dossier(['engagement', 'respond', campaignId, 'zoom', '--file', fixture('response.md'), '--received', '2019-01-01']);
      expectOneLineError(predated, 4, `engagement:${campaignId}:zoom refused`, 'the date the response was received (2019-01-01) is earlier than the open letter, sent');
      const today = new Date().toISOString().slice(0, 10);
      await ok(['engagement', 'respond', campaignId, 'zoom', '--file', fixture('response.md'), '--received', today]);
      expect((await okJson<EngagementStatus>(['engagement', 'show', campaignId, 'zoom'])).response?.receivedAt).toBe(today);
    });

    it('keeps no attached document of a response it refuses, whatever makes it refuse', { timeout: 120_000 }, async () => {
      const campaignId = env.uniqueId('cli-attach');
      const state = join(env.scratch, `${campaignId}-state`);
      const annex = join(env.scratch, `${campaignId}-annex.pdf`);
      writeFileSync(annex, `%PDF-1.4 annex of ${campaignId}\n`);
      const stored = () => (existsSync(join(state, 'documents')) ? readdirSync(join(state, 'documents'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);
      const respond = (...args: string[]) => dossier(['engagement', 'respond', campaignId, 'zoom', '--file', fixture('response.md'), '--attach', annex, ...args], { DOSSIER_STATE_DIR: state });
      await ok(['engagement', 'start', '--campaign-file', campaignFile(campaignId), '--vendor', 'zoom']);
      await waitForVisibility(`WorkflowId = 'engagement:${campaignId}:zoom' AND DossierStage = 'awaiting-response'`);

      expectOneLineError(await respond('--received', 'last tuesday'), 2, '--received', 'last tuesday');
      expect(stored(), 'a document kept for a malformed --received').toBe(0);
      const unknown = await dossier(['engagement', 'respond', 'no-such-campaign', 'zoom', '--file', fixture('response.md'), '--attach', annex], { DOSSIER_STATE_DIR: state });
      expectOneLineError(unknown, 3, 'engagement:no-such-campaign:zoom does not exist');
      expect(stored(), 'a document kept for an engagement that does not exist').toBe(0);
      expectOneLineError(await respond('--received', '2019-01-01'), 4, `engagement:${campaignId}:zoom refused`, 'earlier than the open letter');
      expect(stored(), 'a document kept for a response the engagement refused').toBe(0);

      const accepted = await respond();
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(stored(), 'the accepted response\'s document').toBeGreaterThan(0);
      const status = await okJson<EngagementStatus>(['engagement', 'show', campaignId, 'zoom']);
      expect(status.response?.documents?.map((d) => d.name)).toEqual([`${campaignId}-annex.pdf`]);
    });

    it('reads a bare due date as that day in the lead authority\'s zone, to its end', { timeout: 120_000 }, async () => {
      const campaignId = env.uniqueId('cli-toronto');
      const file = campaignFile(campaignId);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^    lead: true$/m, '    lead: true\n    jurisdiction: CA\n    timeZone: America/Toronto'));
      await ok(['engagement', 'start', '--campaign-file', file, '--vendor', 'zoom']);
      await waitForVisibility(`WorkflowId = 'engagement:${campaignId}:zoom' AND DossierStage = 'awaiting-response'`);
      const extended = await okJson<EngagementStatus>(['engagement', 'extend', campaignId, 'zoom', '--until', '2030-02-04', '--reason', 'Vendor asked']);
      // The end of 4 February in Toronto (EST), as a working-day deadline on that day ends; not midnight UTC, 19:00 the day before there.
      expect(extended.responseDueDate).toBe('2030-02-05T04:59:59.999Z');
    });

    it('explains a search value left unquoted instead of printing a parser internal', async () => {
      const run = await dossier(['search', 'DossierStage = follow-up']);
      expectOneLineError(run, 2, "DossierStage = 'follow-up'");
      expect(run.stderr).not.toMatch(/sqlparser|BinaryExpr/);
    });

    it('says at once that no worker is polling, and how to start one', { timeout: 60_000 }, async () => {
      const campaignId = env.uniqueId('cli-noworker');
      const workflowId = `engagement:${campaignId}:zoom`;
      const handle = await env.client.workflow.start('engagement', { taskQueue: `nobody-polls-${campaignId}`, workflowId, args: [{}] });
      try {
        const started = Date.now();
        const run = await dossier(['engagement', 'show', campaignId, 'zoom']);
        expectOneLineError(run, 5, 'no worker is polling', `nobody-polls-${campaignId}`, 'npm start');
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        await handle.terminate('test over');
      }
    });

    it('names the malformed file and the field', async () => {
      const findings = await dossier(['engagement', 'conclude', 'any-campaign', 'zoom', '--findings', fixture('findings-missing-transparency.yaml')]);
      expectOneLineError(findings, 2, 'findings-missing-transparency.yaml', 'transparency');

      const broken = join(env.scratch, 'broken-campaign.yaml');
      writeFileSync(broken, readFileSync(fixture('campaign.yaml'), 'utf8').replace('email: privacy@zoom.test', 'email: not-an-address'));
      const campaign = await dossier(['engagement', 'start', '--campaign-file', broken, '--vendor', 'zoom']);
      expectOneLineError(campaign, 2, 'broken-campaign.yaml', 'vendors[0].contacts[0].email');
    });

    it('says the namespace does not exist, and which variable names it', { timeout: 60_000 }, async () => {
      const namespace = env.uniqueId('no-such-namespace');
      for (const args of [['engagement', 'show', 'vc', 'zoom'], ['list'], ['campaign', 'status', 'vc'], ['campaign', 'list'], ['engagement', 'extend', 'vc', 'zoom', '--until', '2031-02-03', '--reason', 'Asked']]) {
        const run = await dossier(args, { TEMPORAL_NAMESPACE: namespace });
        // Exit 2, as for any other configuration the officer must correct.
        expectOneLineError(run, 2, `namespace "${namespace}" does not exist`, 'TEMPORAL_NAMESPACE');
        expect(run.stderr, args.join(' ')).not.toContain('unexpected');
      }
    });

    it('says which server is unreachable and how to start one', async () => {
      const port = await freePort();
      const run = await dossier(['engagement', 'show', 'vc', 'zoom'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DOSSIER_CONNECT_TIMEOUT_MS: '2000' });
      expectOneLineError(run, 5, `127.0.0.1:${port}`, 'npm start');
    });
  });
});
