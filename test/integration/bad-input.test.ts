// Malformed input, table by table: campaign files (the loader), updates to live engagements and a
// live campaign (the workflows' validators, on the real server), and CLI arguments (`dossier` in a
// subprocess). Every row must be refused with an error that names what is wrong — the field, the
// argument or the file — and must leave what is already recorded exactly as it was.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { simpleParser } from 'mailparser';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { CampaignFileError, parseCampaignYaml } from '../../client/campaign-file';
import {
  addVendorUpdate,
  approveStatementUpdate,
  askFollowUpUpdate,
  campaignStatusQuery,
  concludeUpdate,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordResponseUpdate,
  rescheduleDemonstrationUpdate,
  scheduleDemonstrationUpdate,
  withdrawUpdate,
  setConclusionsUpdate,
  withdrawVendorUpdate,
} from '../../workflows/messages';
import { startEngagement, fromNow, type EngagementDriver } from '../helpers/engagement-driver';
import { completeFindings, engagementInput, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { runDossier } from '../helpers/cli';
import { useDossier } from '../helpers/harness';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { PROJECT_ROOT } from '../../paths';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'cli');
const OFFICER = 'Officer Tremblay';
const CRLF_BCC = '\r\nBcc: victim@evil.example';

// ── Table 1: campaign files, through the loader ──────────────────────────────────────────────────

type CampaignData = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const campaignYaml = readFileSync(join(FIXTURES, 'campaign.yaml'), 'utf8');

/** The CLI fixture campaign with one change made to its parsed form, as YAML again. */
function editedCampaign(change: (campaign: CampaignData) => void): string {
  const data = parseYaml(campaignYaml) as CampaignData;
  change(data);
  return stringifyYaml(data);
}

interface CampaignFileRow {
  name: string;
  input: string;
  expected: RegExp;
}

const campaignFileRows: CampaignFileRow[] = [
  { name: 'an empty file', input: '', expected: /^\(file\): must be a mapping of fields, not nothing/ },
  {
    name: 'a vendor list that is a single string',
    input: editedCampaign((c) => (c.vendors = 'zoom, cisco')),
    expected: /^vendors: must be a list, not a string/,
  },
  {
    name: 'lead: "yes" instead of a boolean',
    input: editedCampaign((c) => (c.authorities[0].lead = 'yes')),
    expected: /^authorities\[0\]\.lead: must be a boolean, not a string/,
  },
  { name: 'an empty reference', input: editedCampaign((c) => (c.reference = '  ')), expected: /^reference: must not be empty/ },
  {
    name: 'a campaign id with spaces and capitals',
    input: editedCampaign((c) => (c.id = 'Video Conferencing')),
    expected: /^id: must be lowercase letters, digits and dashes/,
  },
  {
    name: 'a vendor name of 201 characters',
    input: editedCampaign((c) => (c.vendors[0].name = 'Z'.repeat(201))),
    expected: /^vendors\[0\]\.name: must be at most 200 characters \(got 201\)/,
  },
  {
    name: 'a letter paragraph of 20,001 characters',
    input: editedCampaign((c) => (c.letter.body.fr[1] = 'é'.repeat(20_001))),
    expected: /^letter\.body\.fr\[1\]: must be at most 20000 characters \(got 20001\)/,
  },
  {
    name: '21 contacts for one vendor',
    input: editedCampaign((c) => (c.vendors[1].contacts = Array.from({ length: 21 }, (_, i) => ({ name: `C ${i}`, email: `c${i}@cisco.test` })))),
    expected: /^vendors\[1\]\.contacts: must have at most 20 entries/,
  },
  {
    name: 'a script element in a vendor name',
    input: editedCampaign((c) => (c.vendors[0].name = 'Zoom<script>alert(1)</script>')),
    expected: /^vendors\[0\]\.name: must not contain < or >/,
  },
  {
    name: 'an angle bracket in an authority name',
    input: editedCampaign((c) => (c.authorities[1].name.fr = 'Préposé fédéral > Suisse')),
    expected: /^authorities\[1\]\.name\.fr: must not contain < or >/,
  },
  {
    name: 'an iframe in the campaign title',
    input: editedCampaign((c) => (c.title.en = 'Privacy <iframe src="https://evil.example">')),
    expected: /^title\.en: must not contain markup \(found "<iframe"\)/,
  },
  {
    name: 'a javascript: URL in a letter paragraph',
    input: editedCampaign((c) => (c.letter.body.en[0] = 'Read <a href="javascript:alert(1)">our letter</a>.')),
    expected: /^letter\.body\.en\[0\]: must not contain markup \(found "javascript:"\)/,
  },
  {
    name: 'CR LF and a Bcc header in a vendor contact name',
    input: editedCampaign((c) => (c.vendors[0].contacts[0].name = `Privacy team${CRLF_BCC}`)),
    expected: /^vendors\[0\]\.contacts\[0\]\.name: must be on one line: it contains a line break \(U\+000D\)/,
  },
  {
    name: 'CR LF and a Bcc header in the office contact address',
    input: editedCampaign((c) => (c.officeContact.email = `office@opc.test${CRLF_BCC}`)),
    expected: /^officeContact\.email: must be on one line: it contains a line break/,
  },
  {
    name: 'a line feed in the reference (it goes into every subject)',
    input: editedCampaign((c) => (c.reference = 'CLI-2020\nBcc: victim@evil.example')),
    expected: /^reference: must be on one line: it contains a line break \(U\+000A\)/,
  },
  {
    name: 'two addresses in one email field',
    input: editedCampaign((c) => (c.authorities[0].contact.email = 'lead@opc.test, eve@evil.example')),
    expected: /^authorities\[0\]\.contact\.email: invalid email/,
  },
  {
    name: 'a publication folder that climbs out of the output folder',
    input: editedCampaign((c) => (c.publication = { folder: '../../etc' })),
    expected: /^publication\.folder: must be lowercase letters, digits and dashes/,
  },
  {
    name: 'an absolute publication folder',
    input: editedCampaign((c) => (c.publication = { folder: '/var/www' })),
    expected: /^publication\.folder: must be lowercase letters, digits and dashes/,
  },
];

// ── Table 2: updates to a live engagement or campaign ───────────────────────────────────────────

type Target = 'awaiting' | 'follow-up' | 'withdrawn' | 'campaign';

interface UpdateRow {
  name: string;
  target: Target;
  /** The update and the request sent with it, as a client would send them. */
  input: { update: UpdateDefinition<unknown, [never]>; request: unknown };
  expected: RegExp;
}

const send = <Req>(update: UpdateDefinition<unknown, [Req]>, request: unknown) => ({
  update: update as unknown as UpdateDefinition<unknown, [never]>,
  request,
});

// The day the test runs: a response cannot predate its letter, sent when the test starts.
const today = new Date().toISOString().slice(0, 10);
const response = { by: OFFICER, receivedAt: today, summary: 'Detailed answers on all five principles', attachments: ['reply.pdf'] };
const demo = {
  by: OFFICER,
  at: fromNow(3 * 3_600_000),
  durationMinutes: 60,
  attendees: [{ name: 'Ann Lee', email: 'ann@opc.test' }],
  topics: ['Key management'],
};
const newVendor = testVendor('whereby', { name: 'Whereby' });

const updateRows: UpdateRow[] = [
  { name: 'an empty response summary', target: 'awaiting', input: send(recordResponseUpdate, { ...response, summary: '  ' }), expected: /^the response summary must not be empty$/ },
  {
    name: 'a response summary of 20,001 characters',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, summary: 'x'.repeat(20_001) }),
    expected: /^the response summary must be at most 20000 characters \(got 20001\)$/,
  },
  {
    name: 'a script element in the response summary',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, summary: 'All good. <script>fetch("https://evil.example")</script>' }),
    expected: /^the response summary must not contain markup \(found "<script"\): markup is not accepted/,
  },
  {
    name: 'an attachment named ../../etc/passwd',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, attachments: ['reply.pdf', '../../etc/passwd'] }),
    expected: /^attachment 2 must be a file name, not a path \(got "\.\.\/\.\.\/etc\/passwd"\)$/,
  },
  {
    name: 'an attachment given as an absolute path',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, attachments: ['/etc/shadow'] }),
    expected: /^attachment 1 must be a file name, not a path/,
  },
  {
    name: 'an attachment name with a NUL byte',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, attachments: ['reply.pdf\u0000.exe'] }),
    expected: /^attachment 1 must not contain control characters \(found U\+0000\)$/,
  },
  {
    name: '101 attachments',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, attachments: Array.from({ length: 101 }, (_, i) => `annex-${i}.pdf`) }),
    expected: /^attachments must have at most 100 entries \(got 101\)$/,
  },
  {
    name: 'attachments as one string instead of a list',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, attachments: 'reply.pdf' }),
    expected: /^attachments must be a list of file names/,
  },
  {
    name: 'a receipt date that is a number',
    target: 'awaiting',
    input: send(recordResponseUpdate, { ...response, receivedAt: 20200814 }),
    expected: /^receivedAt must be an ISO date such as 2020-08-10/,
  },
  {
    name: 'an officer name with CR LF',
    target: 'awaiting',
    input: send(withdrawUpdate, { by: `${OFFICER}\r\nwithdrawn by: someone else`, reason: 'Duplicate' }),
    expected: /^the case officer's name \("by"\) must be on one line/,
  },
  {
    name: 'follow-up questions before the response (wrong stage)',
    target: 'awaiting',
    input: send(askFollowUpUpdate, { by: OFFICER, questions: ['Why?'] }),
    expected: /^cannot ask follow-up questions while the engagement is awaiting-response/,
  },
  {
    name: 'answers before any question (wrong stage)',
    target: 'awaiting',
    input: send(recordAnswersUpdate, { by: OFFICER, answers: [{ questionId: 'q1', answer: 'Yes' }] }),
    expected: /^no follow-up question has been asked yet/,
  },
  {
    name: 'a demonstration outcome before any demonstration (wrong stage)',
    target: 'awaiting',
    input: send(recordDemonstrationOutcomeUpdate, { by: OFFICER, demonstrationId: 'd1', result: 'validated', notes: 'Shown' }),
    expected: /^no demonstration has been scheduled: there is no outcome to record$/,
  },
  {
    name: 'an answer to an unknown question id',
    target: 'follow-up',
    input: send(recordAnswersUpdate, { by: OFFICER, answers: [{ questionId: 'q9', answer: 'Yes' }] }),
    expected: /^unknown question "q9" \(asked: q1\)$/,
  },
  {
    name: 'an iframe in an answer',
    target: 'follow-up',
    input: send(recordAnswersUpdate, { by: OFFICER, answers: [{ questionId: 'q1', answer: 'See <iframe src="https://evil.example"></iframe>' }] }),
    expected: /^the answer to q1 must not contain markup \(found "<iframe"\)/,
  },
  {
    name: '51 follow-up questions in one round',
    target: 'follow-up',
    input: send(askFollowUpUpdate, { by: OFFICER, questions: Array.from({ length: 51 }, (_, i) => `Question ${i + 1}?`) }),
    expected: /^the questions of a round must have at most 50 entries \(got 51\)$/,
  },
  {
    name: 'CR LF and a Bcc header in an attendee name',
    target: 'follow-up',
    input: send(scheduleDemonstrationUpdate, { ...demo, attendees: [{ name: `Ann Lee${CRLF_BCC}`, email: 'ann@opc.test' }] }),
    expected: /^the name of attendee 1 must be on one line: it contains a line break \(U\+000D\)$/,
  },
  {
    name: 'CR LF and a Bcc header in an attendee address',
    target: 'follow-up',
    input: send(scheduleDemonstrationUpdate, { ...demo, attendees: [{ name: 'Ann Lee', email: `ann@opc.test${CRLF_BCC}` }] }),
    expected: /^the email address of attendee 1 must be on one line/,
  },
  {
    name: 'rescheduling an unknown demonstration id',
    target: 'follow-up',
    input: send(rescheduleDemonstrationUpdate, { by: OFFICER, demonstrationId: 'd9', at: fromNow(4 * 3_600_000), reason: 'Vendor asked' }),
    expected: /^unknown demonstration "d9" \(known: none scheduled yet\)$/,
  },
  {
    name: 'an event handler inside a tag in a finding',
    target: 'follow-up',
    input: send(concludeUpdate, {
      by: OFFICER,
      findings: { ...completeFindings(), security: { assessment: { en: 'Encrypted <img src=x onerror=alert(1)>', fr: 'Chiffré' }, goodPractices: [] } },
    }),
    expected: /^the assessment for security must not contain markup \(found "<img"\)/,
  },
  {
    // A withdrawn engagement has ended, so the server itself turns the update away.
    name: 'a response recorded after the engagement was withdrawn',
    target: 'withdrawn',
    input: send(recordResponseUpdate, response),
    expected: /workflow execution already completed/,
  },
  {
    name: 'a late vendor whose name holds a script element',
    target: 'campaign',
    input: send(addVendorUpdate, { by: OFFICER, vendor: { ...newVendor, name: '<script>alert(1)</script>' } }),
    expected: /vendor\.name: must not contain < or >/,
  },
  {
    name: 'a late vendor whose contact name carries a Bcc header',
    target: 'campaign',
    input: send(addVendorUpdate, { by: OFFICER, vendor: { ...newVendor, contacts: [{ name: `Privacy${CRLF_BCC}`, email: 'privacy@whereby.test' }] } }),
    expected: /vendor\.contacts\[0\]\.name: must be on one line/,
  },
  {
    name: 'a late vendor with a name of 201 characters',
    target: 'campaign',
    input: send(addVendorUpdate, { by: OFFICER, vendor: { ...newVendor, name: 'W'.repeat(201) } }),
    expected: /vendor\.name: must be at most 200 characters \(got 201\)/,
  },
  {
    name: 'a late vendor without a valid address',
    target: 'campaign',
    input: send(addVendorUpdate, { by: OFFICER, vendor: { ...newVendor, contacts: [{ name: 'Privacy', email: 'privacy-at-whereby' }] } }),
    expected: /vendor\.contacts\[0\]\.email: invalid email/,
  },
  {
    name: 'withdrawing an unknown vendor',
    target: 'campaign',
    input: send(withdrawVendorUpdate, { by: OFFICER, vendorId: 'nobody', reason: 'Not in scope' }),
    expected: /^Unknown vendor "nobody"; known: zoom\.$/,
  },
  {
    name: 'an approval before any draft (wrong stage)',
    target: 'campaign',
    input: send(approveStatementUpdate, { by: OFFICER, authorityId: 'opc', version: 1 }),
    expected: /^There is no draft awaiting approval \(phase engaging\)\.$/,
  },
  {
    // The engagement would ignore such a withdrawal signal, so the campaign must refuse it first.
    name: 'a vendor withdrawal whose reason holds a script element',
    target: 'campaign',
    input: send(withdrawVendorUpdate, { by: OFFICER, vendorId: 'zoom', reason: 'Out of scope <script>alert(1)</script>' }),
    expected: /^the reason for withdrawing must not contain markup \(found "<script"\)/,
  },
  {
    name: 'an officer name carrying a header injection in the campaign',
    target: 'campaign',
    input: send(setConclusionsUpdate, { by: `Officer${CRLF_BCC}`, conclusions: { en: ['x'], fr: ['x'] }, lessonsLearned: { en: ['y'], fr: ['y'] } }),
    expected: /^Say who is acting .*: it must be on one line/,
  },
];

// ── Table 3: CLI arguments ───────────────────────────────────────────────────────────────────────

interface LiveIds {
  campaignId: string;
  liveCampaignId: string;
  scratch: string;
}

interface CliRow {
  name: string;
  /** Which live case the command is about; its status must not change. */
  target: Exclude<Target, 'withdrawn'>;
  input: (ids: LiveIds) => string[];
  exitCode: number;
  expected: RegExp;
}

const cliRows: CliRow[] = [
  {
    name: 'respond --file naming a file that does not exist',
    target: 'awaiting',
    input: ({ campaignId, scratch }) => ['engagement', 'respond', campaignId, 'zoom', '--file', join(scratch, 'no-such-response.md')],
    exitCode: 2,
    expected: /^dossier: cannot read \S*no-such-response\.md: no such file$/,
  },
  {
    name: 'respond --file naming a folder',
    target: 'awaiting',
    input: ({ campaignId, scratch }) => ['engagement', 'respond', campaignId, 'zoom', '--file', scratch],
    exitCode: 2,
    expected: /^dossier: cannot read \S+: it is a folder, not a file$/,
  },
  {
    name: 'respond --attach naming a file that does not exist',
    target: 'awaiting',
    input: ({ campaignId, scratch }) => ['engagement', 'respond', campaignId, 'zoom', '--file', join(FIXTURES, 'response.md'), '--attach', join(scratch, 'no-such-annex.pdf')],
    exitCode: 2,
    expected: /^dossier: cannot read \S*no-such-annex\.pdf: no such file$/,
  },
  {
    name: 'respond --file with a 25,000-character response',
    target: 'awaiting',
    input: ({ campaignId, scratch }) => ['engagement', 'respond', campaignId, 'zoom', '--file', join(scratch, 'huge-response.md')],
    exitCode: 4,
    expected: /refused: the response summary must be at most 20000 characters \(got 25000\)/,
  },
  {
    name: 'respond --file with a script element in the response',
    target: 'awaiting',
    input: ({ campaignId, scratch }) => ['engagement', 'respond', campaignId, 'zoom', '--file', join(scratch, 'script-response.md')],
    exitCode: 4,
    expected: /refused: the response summary must not contain markup \(found "<script"\)/,
  },
  {
    name: 'answer before any question was asked',
    target: 'awaiting',
    input: ({ campaignId }) => ['engagement', 'answer', campaignId, 'zoom', '--answer', 'q1=Yes'],
    exitCode: 4,
    expected: /refused: no follow-up question has been asked yet/,
  },
  {
    name: 'demo-outcome before any demonstration',
    target: 'awaiting',
    input: ({ campaignId }) => ['engagement', 'demo-outcome', campaignId, 'zoom', '--result', 'validated', '--notes', 'Shown', '--demo', 'd1'],
    exitCode: 4,
    expected: /refused: no demonstration has been scheduled/,
  },
  {
    name: 'extend --until tomorrow',
    target: 'awaiting',
    input: ({ campaignId }) => ['engagement', 'extend', campaignId, 'zoom', '--until', 'tomorrow', '--reason', 'Vendor asked'],
    exitCode: 2,
    expected: /^dossier: --until: "tomorrow" is not a date/,
  },
  {
    name: 'an engagement of an unknown campaign',
    target: 'awaiting',
    input: () => ['engagement', 'respond', 'no-such-campaign', 'zoom', '--file', join(FIXTURES, 'response.md')],
    exitCode: 3,
    expected: /^dossier: engagement:no-such-campaign:zoom does not exist/,
  },
  {
    name: 'schedule-demo --attendee with CR LF and a Bcc header',
    target: 'follow-up',
    input: ({ campaignId }) => ['engagement', 'schedule-demo', campaignId, 'cisco', '--at', fromNow(3 * 3_600_000), '--attendee', `Ann Lee${CRLF_BCC} <ann@opc.test>`],
    exitCode: 2,
    expected: /^dossier: --attendee: .* must be "Name <email@example\.org>"$/,
  },
  {
    name: 'conclude --findings with an iframe in an assessment',
    target: 'follow-up',
    input: ({ campaignId, scratch }) => ['engagement', 'conclude', campaignId, 'cisco', '--findings', join(scratch, 'iframe-findings.yaml')],
    exitCode: 4,
    expected: /refused: the assessment for security must not contain markup \(found "<iframe"\)/,
  },
  {
    name: 'campaign add-vendor --vendor-file with a script element in the name',
    target: 'campaign',
    input: ({ liveCampaignId, scratch }) => ['campaign', 'add-vendor', liveCampaignId, '--vendor-file', join(scratch, 'script-vendor.yaml')],
    exitCode: 2,
    expected: /^dossier: name: must not contain < or >: .* \(.*script-vendor\.yaml:2:\d+\)$/,
  },
];

describe('bad input is refused with an error naming the problem, and nothing recorded changes', () => {
  // Mail stays in the sink: the follow-up questions sent while setting up are read by a later test.
  const env = useDossier({ keepMail: true });
  const live = {} as Record<Exclude<Target, 'campaign'>, EngagementDriver> & { campaign: WorkflowHandle; ids: LiveIds };
  const harmless = {
    summary: 'We use <b>end-to-end</b> encryption; keys older than n < 2 years are rotated.',
    question: 'Which <b>default</b> settings protect schools?',
  };

  beforeAll(async () => {
    const campaignId = env.uniqueId('bad-input');
    const liveCampaignId = env.uniqueId('bad-input-campaign');
    const scratch = join(env.scratch, 'bad-input');
    mkdirSync(scratch, { recursive: true });
    writeFileSync(join(scratch, 'huge-response.md'), 'x'.repeat(25_000));
    writeFileSync(join(scratch, 'script-response.md'), 'Zoom answered.\n\n<script>document.location="https://evil.example"</script>\n');
    const findings = completeFindings();
    findings.security.assessment = { en: 'Encrypted. <iframe src="https://evil.example"></iframe>', fr: 'Chiffré.' };
    writeFileSync(join(scratch, 'iframe-findings.yaml'), stringifyYaml(findings));
    writeFileSync(join(scratch, 'script-vendor.yaml'), stringifyYaml({ ...newVendor, name: 'Whereby<script>alert(1)</script>' }));
    live.ids = { campaignId, liveCampaignId, scratch };

    const [awaiting, followUp, withdrawn] = await Promise.all(
      ['zoom', 'cisco', 'houseparty'].map((vendor) => startEngagement(env, engagementInput(campaignId, vendor, patientPolicy()))),
    );
    await Promise.all([awaiting, followUp, withdrawn].map((d) => d.waitForStatus((s) => s.stage === 'awaiting-response')));
    await followUp.handle.executeUpdate(recordResponseUpdate, { args: [{ ...response, summary: harmless.summary }] });
    await followUp.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: OFFICER, questions: [harmless.question] }] });
    await withdrawn.handle.executeUpdate(withdrawUpdate, { args: [{ by: OFFICER, reason: 'Duplicate of another case' }] });
    Object.assign(live, { awaiting, 'follow-up': followUp, withdrawn });

    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({
      campaign: testCampaign(liveCampaignId),
      vendors: [testVendor('zoom')],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: liveCampaignId, notifyVendors: false },
    });
    live.campaign = env.client.workflow.getHandle(campaignWorkflowId(liveCampaignId));
    const deadline = Date.now() + 60_000;
    while ((await live.campaign.query(campaignStatusQuery)).engagements.length < 1) {
      if (Date.now() > deadline) throw new Error('the campaign never started its engagement');
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  /** What is recorded for a live case: its status query, as the officer reads it. */
  const recorded = (target: Target) => (target === 'campaign' ? live.campaign.query(campaignStatusQuery) : live[target].status());

  describe('campaign files: the loader names the field path', () => {
    // A loop, not it.each: it.each cuts a `$name` short at 40 characters.
    for (const { name, input, expected } of campaignFileRows) it(`refuses ${name}`, () => {
      let error: unknown;
      try {
        parseCampaignYaml(input, 'campaigns/bad.yaml');
      } catch (err) {
        error = err;
      }
      expect(error, 'the campaign file should have been refused').toBeInstanceOf(CampaignFileError);
      const problems = (error as CampaignFileError).problems.map((p) => `${p.where}: ${p.message}`);
      expect(problems).toContainEqual(expect.stringMatching(expected));
      expect((error as Error).message).toContain('campaigns/bad.yaml');
    });
  });

  describe('updates: the workflow refuses them and its status query is unchanged', () => {
    for (const { name, target, input, expected } of updateRows) it(`refuses ${name}`, { timeout: 60_000 }, async () => {
      const run = () => {
        const handle = target === 'campaign' ? live.campaign : live[target].handle;
        return handle.executeUpdate(input.update, { args: [input.request as never] });
      };
      if (target === 'awaiting' || target === 'follow-up') return live[target].expectRejected(run, expected);
      const before = await recorded(target);
      const error = await run().then(
        () => undefined,
        (err: unknown) => err,
      );
      if (target === 'withdrawn') {
        expect(error, 'the update should have been refused').toBeInstanceOf(WorkflowNotFoundError);
        expect((error as Error).message).toMatch(expected);
      } else {
        expect(error, 'the update should have been refused').toBeInstanceOf(WorkflowUpdateFailedError);
        expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(expected);
      }
      expect(await recorded(target)).toEqual(before);
    });

    it('keeps a harmless <b> in free text as written, and escapes it in the HTML mail', { timeout: 60_000 }, async () => {
      const status = await live['follow-up'].status();
      expect(status.response?.summary).toBe(harmless.summary);
      expect(status.questions.map((q) => q.text)).toEqual([harmless.question]);
      const [mail] = await live['follow-up'].waitForMail('follow-up');
      const parsed = await simpleParser(mail.raw);
      expect(parsed.html).toContain('Which &lt;b&gt;default&lt;/b&gt; settings');
      expect(parsed.html).not.toContain('<b>default</b>');
      expect(parsed.text).toContain(harmless.question);
    });
  });

  describe('CLI arguments: one line on stderr, a non-zero exit, the case unchanged', () => {
    const dossier = (args: string[]) => runDossier(env.childEnv, OFFICER, args);

    for (const { name, target, input, exitCode, expected } of cliRows) it(`refuses ${name}`, { timeout: 60_000 }, async () => {
      const before = await recorded(target);
      const run = await dossier(input(live.ids));
      expect(run.code, run.stderr).toBe(exitCode);
      expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
      expect(run.stderr.trimEnd()).toMatch(expected);
      expect(run.stdout).toBe('');
      expect(await recorded(target)).toEqual(before);
    });
  });

  it('runs at least 40 rows across the three tables', () => {
    expect(campaignFileRows.length + updateRows.length + cliRows.length).toBeGreaterThanOrEqual(40);
    expect(cliRows.length).toBeLessThanOrEqual(12);
  });
});
