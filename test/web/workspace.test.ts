// The workspace in a real browser (Chromium via playwright-core) against the real stack: Temporal,
// the worker, the SMTP sink and an OpenID Connect provider in-process. One campaign is played from
// its file to its published statement by the people who would do it, each signed in as themselves;
// then what each role may not do, and a form posted without its CSRF token, are refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevUser } from '../../web/dev-identity-provider';
import { mailDomain } from '../../activities/email';
import { messageIdFor } from '../../activities/threading';
import { Client } from '@temporalio/client';
import { collectAuditTrail } from '../../client/audit';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { loadCampaignFile } from '../../client/campaign-file';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { openIntake } from '../../intake/open';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { eventByPython } from '../helpers/icalendar';
import { composeReply } from '../helpers/inbound-mail';
import { checkPage, launchBrowser, signIn, startWorkspace, workspaceUrl, type Workspace } from '../helpers/web';

const USERS: DevUser[] = [
  { login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.test', roles: ['lead-officer', 'co-signatory:opc'], locale: 'en' },
  { login: 'owen', name: 'Owen Okafor', email: 'owen@opc.test', roles: ['officer'] },
  { login: 'zofia', name: 'Zofia Wiśniewska', email: 'zofia@edoeb.test', roles: ['co-signatory:fdpic'], locale: 'fr' },
  { login: 'ada', name: 'Ada Auditor', email: 'ada@opc.test', roles: ['auditor'] },
  { login: 'nobody', name: 'No Role', email: 'nobody@opc.test', roles: [] },
];

let url: string;
const env = useDossier({
  keepMail: true,
  workerConfig: async () => {
    url = await workspaceUrl();
    return { workspaceUrl: url };
  },
});
let workspace: Workspace;
let browser: Browser;
const contexts: BrowserContext[] = [];

/**
 * Run once just before the workspace sends its next approval: what lands between the workspace's
 * read of the campaign's status and its approval (another authority approving meanwhile).
 */
let beforeNextApproval: (() => Promise<unknown>) | undefined;

beforeAll(async () => {
  const client = new Client({
    connection: env.client.connection,
    namespace: env.client.options.namespace,
    dataConverter: env.encryption?.dataConverter,
    interceptors: {
      workflow: [
        {
          async startUpdate(input, next) {
            const meanwhile = input.updateName === 'approveStatement' ? beforeNextApproval : undefined;
            beforeNextApproval = undefined;
            await meanwhile?.();
            return next(input);
          },
        },
      ],
    },
  });
  workspace = await startWorkspace(env, url, USERS, { client });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
});

async function as(login: string, path = '/campaigns'): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${url}${path}`);
  await signIn(page, login);
  await page.waitForURL((u) => u.origin === url);
  return page;
}

/** Reloads until `check` passes: visibility and workflow steps land a moment after the request. */
async function eventually(page: Page, check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(300);
    await page.reload();
  }
}

function campaignFile(campaignId: string, edit: (text: string) => string = (t) => t): string {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'cli', 'campaign.yaml'), 'utf8').replace(/^id: cli-test$/m, `id: ${campaignId}`);
  const file = join(env.scratch, `${campaignId}.yaml`);
  writeFileSync(file, edit(text));
  return file;
}

/** The element's text once it is there (pages are server-rendered: no waiting on scripts). */
async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor({ timeout: 10_000 });
  return (await locator.first().innerText()).trim();
}

const stamp = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 19);
/** A time as a datetime-local field gives it back: Chromium leaves out seconds that are zero (once a minute). */
const asShown = (at: string) => at.replace(/T(\d\d:\d\d):00$/, 'T$1');

describe('the workspace', () => {
  let campaignId: string;

  it('lets a lead officer start a campaign from its file and take an engagement to its conclusion', { timeout: 150_000 }, async () => {
    campaignId = env.uniqueId('web');
    const page = await as('lea');
    expect(await textOf(page.locator('h1'))).toBe('Campaigns');
    await checkPage(page, 'campaigns');

    // A broken file: every problem listed with its line; nothing starts.
    await page.click('text=Start a campaign from its file');
    await page.setInputFiles('#campaignFile', campaignFile(campaignId, (t) => t.replace('email: privacy@zoom.test', 'email: not-an-address')));
    await page.click('button[type=submit]:has-text("Check and start")');
    const problems = page.locator('.problems li');
    expect(await problems.count()).toBe(1);
    expect(await problems.first().textContent()).toMatch(/line 27, column \d+: vendors\[0\]\.contacts\[0\]\.email/);
    await checkPage(page, 'campaign-new-problems');

    // A file that checks out starts only once confirmed: the page names the companies the letters go to, and keeps the file.
    await page.setInputFiles('#campaignFile', campaignFile(campaignId));
    await page.click('button[type=submit]:has-text("Check and start")');
    expect(await textOf(page.locator('label[for=campaign-confirm]'))).toBe('I understand the open letters go to 3 companies now (Zoom; Cisco; Houseparty); this cannot be undone.');
    expect(await page.locator('#campaign-confirm:focus').count()).toBe(1);
    await checkPage(page, 'campaign-new-confirm');
    await page.check('#campaign-confirm');
    await page.click('button[type=submit]:has-text("Check and start")');
    await page.waitForURL(`${url}/campaigns/${campaignId}`);
    await eventually(page, async () => (await page.locator('tbody tr').count()) === 3, 'three vendors on the board');
    // The board is headed by the campaign file's title (kept in the campaign's memo at its start), its id beside its reference.
    expect(await textOf(page.locator('h1'))).toBe('Video-conferencing privacy (CLI test)');
    expect(await textOf(page.locator('h1 + p code'))).toBe(campaignId);
    // Each row says when the vendor was last written to and what the engine will do next, from the
    // engagement's memo (one visibility list, no query per engagement).
    const zoomRow = page.locator('tr[data-vendor=zoom] td');
    await eventually(page, async () => (await zoomRow.nth(2).innerText()).trim() !== '—', 'the letter as last contact');
    expect(await zoomRow.nth(3).innerText()).toMatch(/^reminder 1 on \d{1,2}\u00a0\w{3}\u00a0\d{4}$/);
    await checkPage(page, 'board');

    await page.click('a:has-text("Zoom")');
    await page.waitForURL(`${url}/campaigns/${campaignId}/engagements/zoom`);
    await eventually(page, async () => (await page.locator('#stage').textContent()) === 'awaiting the response', 'the letter to go out');
    await checkPage(page, 'engagement');

    // An extension by how much longer: working days need the lead authority's calendar (this campaign names none).
    await page.click('summary:has-text("Extend the deadline")');
    await page.fill('#extend-extendBy', '10 working days');
    await page.fill('#extend-reason', 'Zoom asked for more time');
    await page.click('#extend button[type=submit]');
    expect(await textOf(page.locator('#extend-extendBy-error'))).toBe('Working days cannot be counted: the lead authority has no jurisdiction and time zone. Give the new due date instead.');
    await page.fill('#extend-extendBy', '3 days');
    await page.click('#extend button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The deadline is extended.');

    await page.click('summary:has-text("Record the response")');
    await page.fill('#respond-summary', 'Zoom describes its end-to-end encryption and its privacy programme.');
    await page.fill('#respond-attachments', 'zoom-privacy-programme.pdf');
    await page.click('#respond button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The response is recorded.');
    expect(await textOf(page.locator('#stage'))).toBe('responded');
    await page.locator('table tbody td', { hasText: 'Léa Tremblay (lea, signed in)' }).first().waitFor();

    // The workflow's own refusal, shown next to the field it concerns.
    await page.click('summary:has-text("Ask follow-up questions")');
    await page.fill('#ask-questions', 'How are meeting recordings protected at rest?');
    await page.fill('#ask-dueDate', '2020-01-01');
    await page.click('#ask button[type=submit]');
    expect(await textOf(page.locator('#ask-dueDate-error'))).toContain('must be in the future');
    expect(await page.locator('#ask-dueDate').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#ask-questions').inputValue()).toBe('How are meeting recordings protected at rest?');
    await checkPage(page, 'engagement-refused');
    await page.fill('#ask-dueDate', '');
    await page.click('#ask button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The follow-up questions are sent.');
    expect(await textOf(page.locator('#stage'))).toBe('follow-up questions');

    await page.click('summary:has-text("Record answers")');
    await page.fill('textarea[name^=answer-]', 'Recordings are encrypted with AES-256 at rest.');
    await page.click('#answer button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The answers are recorded.');

    await page.click('summary:has-text("Schedule a demonstration")');
    await page.fill('#demo-at', stamp(4_000));
    await page.fill('#demo-attendees', 'Privacy lead <privacy@zoom.test>');
    await page.fill('#demo-topics', 'How encryption keys are managed');
    await page.fill('#demo-location', 'OPC, Gatineau');
    // A plain http link is refused by the workflow's rules, next to the field it names.
    await page.fill('#demo-meeting-url', 'http://meet.example.org/opc-zoom');
    await page.click('#schedule-demo button[type=submit]');
    expect(await textOf(page.locator('#demo-meeting-url-error'))).toContain('must be an address starting with https://');
    await page.fill('#demo-at', stamp(4_000));
    await page.fill('#demo-meeting-url', 'https://meet.example.org/opc-zoom');
    await page.click('#schedule-demo button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The demonstration is scheduled and the invitation sent.');
    expect(await textOf(page.locator('#stage'))).toBe('demonstration');

    await page.waitForTimeout(4_500);
    await page.click('summary:has-text("Record the demonstration")');
    await page.selectOption('select[name=result]', 'validated');
    await page.fill('textarea[name=notes]', 'Key management shown end to end.');
    await page.click('form[id^=demo-outcome] button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe("The demonstration's outcome is recorded.");

    await page.click('summary:has-text("Conclude with findings")');
    for (const principle of ['security', 'privacy-by-design', 'know-your-audience', 'transparency', 'end-user-control']) {
      await page.fill(`#assessment-${principle}`, `Zoom meets the ${principle} principle.`);
      await page.fill(`#assessment-${principle}-fr`, `Zoom respecte le principe ${principle}.`);
    }
    await page.check('#conclude-confirm');
    await page.click('#conclude button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The engagement is concluded.');
    expect(await textOf(page.locator('#stage'))).toBe('concluded');
    await checkPage(page, 'engagement-concluded');
  });
});

describe('mail in the workspace', () => {
  it('lets an officer read held mail, assign one message to its engagement and dismiss another, then read it on the engagement', { timeout: 120_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const cisco = engagementWorkflowId(campaignId, 'cisco');
    const letterId = messageIdFor(cisco, 'letter', mailDomain(env.config.mailFrom));
    // Replies to Cisco's letter from an address that is not Cisco's: the intake holds them for an officer.
    const reply = (n: number, text: string) =>
      composeReply({ from: `counsel${n}@lawfirm.test`, to: 'case@test.example', subject: `Re: open letter (${n})`, messageId: `<held-${n}-${campaignId}@lawfirm.test>`, inReplyTo: letterId, references: [letterId], text, attachments: n === 1 ? [{ filename: 'mandate.pdf', content: Buffer.from('%PDF-1.4 mandate') }] : [] });
    expect(await intakeOutcomes([await reply(1, 'We act for Cisco; its answers to your letter follow.'), await reply(2, 'Unrelated advertising.')])).toEqual(['held', 'held']);
    const inbox = new MaildirMailbox(workspace.env.DOSSIER_MAILDIR!);
    await inbox.open();

    const owen = await as('owen', `/campaigns/${campaignId}`);
    await owen.click('a:has-text("Holding pen")');
    await owen.waitForURL(`${url}/held/${campaignId}`);
    expect(await owen.locator('tbody tr').count()).toBe(2);
    expect(await owen.locator('tbody tr', { hasText: 'counsel1@lawfirm.test' }).count()).toBe(1);
    await checkPage(owen, 'held');

    await owen.click('a:has-text("Re: open letter (1)")');
    expect(await textOf(owen.locator('#mail-text'))).toBe('We act for Cisco; its answers to your letter follow.');
    expect(await textOf(owen.locator('#mail-attachments li'))).toContain('mandate.pdf');
    expect(await textOf(owen.locator('#held-reason'))).toContain('counsel1@lawfirm.test');
    await checkPage(owen, 'held-message');
    await owen.selectOption('#assign-vendor', 'cisco');
    await owen.click('#assign button[type=submit]');
    await owen.waitForURL(`${url}/campaigns/${campaignId}/engagements/cisco`);
    expect(await textOf(owen.locator('.notice'))).toBe('The message is recorded on the engagement.');

    // Every email received has a page of its own: headers, text, attachments, and who assigned it.
    await owen.click('#received-mail a:has-text("Re: open letter (1)")');
    expect(await textOf(owen.locator('#mail-text'))).toBe('We act for Cisco; its answers to your letter follow.');
    expect(await textOf(owen.locator('#mail-attachments li'))).toContain('mandate.pdf');
    expect(await owen.locator('dd', { hasText: 'Owen Okafor (owen, signed in)' }).count()).toBe(1);
    await checkPage(owen, 'mail-received');

    // And every email sent: the copy the worker kept of the letter, as the mail server accepted it.
    await owen.goto(`${url}/campaigns/${campaignId}/engagements/cisco`);
    await owen.click('#sent-mail a:has-text("letter sent")');
    expect(await textOf(owen.locator('#mail-subject'))).toContain('[CLI-TEST-2020]');
    expect(await textOf(owen.locator('#mail-headers'))).toContain('privacy@cisco.test');
    expect(await textOf(owen.locator('#mail-text'))).toContain('Cisco');
    expect(await textOf(owen.locator('#mail-attachments li'))).toMatch(/\.pdf \(application\/pdf, \d+\.\d KB\)/);
    const sentPage = owen.url();
    await checkPage(owen, 'mail-sent');
    // The letter's PDF downloads from that page, as the mail server received it.
    const letterHref = await owen.locator('#mail-attachments a').first().getAttribute('href');
    const letterPdf = await owen.request.get(`${url}${letterHref}`);
    expect(letterPdf.status()).toBe(200);
    expect(letterPdf.headers()['content-type']).toBe('application/pdf');
    expect(letterPdf.headers()['content-disposition']).toMatch(/^attachment; filename="[^"]+\.pdf"; filename\*=UTF-8''/);
    expect((await letterPdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await owen.goto(`${url}/held/${campaignId}`);
    expect(await owen.locator('tbody tr').count()).toBe(1);
    await owen.click('a:has-text("Re: open letter (2)")');
    const dismissedPage = owen.url();
    await owen.click('summary:has-text("Dismiss the message")');
    await owen.click('#dismiss button[type=submit]');
    expect(await textOf(owen.locator('#dismiss-reason-error'))).toBe('This field is required.');
    await owen.fill('#dismiss-reason', 'Advertising, not correspondence.');
    await owen.click('#dismiss button[type=submit]');
    await owen.waitForURL(`${url}/held/${campaignId}`);
    expect(await textOf(owen.locator('.notice'))).toBe('The message is dismissed and kept with your reason.');
    expect(await owen.locator('tbody tr').count()).toBe(0);
    // Its own page, opened again once it left (a tab kept open, a link shared), says what became of it.
    expect((await owen.goto(dismissedPage))!.status()).toBe(410);
    expect(await textOf(owen.locator('#held-gone'))).toBe(
      '“Re: open letter (2)” is no longer in the holding pen: Owen Okafor (owen, signed in) dismissed it meanwhile, for this reason: “Advertising, not correspondence.”.',
    );
    const dismissed = await inbox.messages('Dismissed')[Symbol.asyncIterator]().next();
    expect(dismissed.value?.raw.toString()).toContain('X-Dossier-Dismissed-Reason: Advertising, not correspondence.');
    await inbox.close();

    // Officers only: an auditor and a co-signatory are refused the holding pen, on the server; the
    // auditor may read the case's mail, a co-signatory may not.
    const ada = await as('ada');
    expect((await ada.goto(`${url}/held/${campaignId}`))!.status()).toBe(403);
    expect((await ada.goto(sentPage))!.status()).toBe(200);
    const zofia = await as('zofia');
    expect((await zofia.goto(sentPage))!.status()).toBe(403);
    expect((await zofia.goto(`${url}/held/unsorted`))!.status()).toBe(403);
    const assign = await ada.request.post(`${url}/held/${campaignId}/dismiss`, { form: { _csrf: await csrfOf(ada), messageId: 'x', reason: 'x' } });
    expect(assign.status()).toBe(403);
  });

  it('offers for mail that names no campaign the ended cases of every campaign, under each campaign’s name, and attaches it to the one chosen', { timeout: 120_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const subject = `About your open letter (${campaignId})`;
    const letter = await composeReply({ from: 'office@elsewhere.test', to: 'case@test.example', subject, messageId: `<unsorted-${campaignId}@elsewhere.test>`, text: 'Zoom’s counsel here: our answers, which we had sent late.' });
    expect(await intakeOutcomes([letter])).toEqual(['held']);

    const owen = await as('owen', '/held/unsorted');
    await owen.click(`a:has-text("${subject}")`);
    await owen.click('summary:has-text("Attach to the closed record of a case")');
    // Zoom's case, concluded by the first test, is the campaign's one ended case, under the campaign's
    // title and id (other files' campaigns on the server have their own groups).
    const ofCampaign = owen.locator(`#attach-late-any-engagement option[value^="${campaignId}/"]`);
    expect(await ofCampaign.allTextContents()).toEqual(['Zoom']);
    expect(await ofCampaign.locator('xpath=..').getAttribute('label')).toBe(`Video-conferencing privacy (CLI test) (${campaignId})`);
    await checkPage(owen, 'held-message-unsorted');

    await owen.selectOption('#attach-late-any-engagement', `${campaignId}/zoom`);
    await owen.click('#attach-late-any button[type=submit]');
    await owen.waitForURL(`${url}/campaigns/${campaignId}/engagements/zoom`);
    expect(await textOf(owen.locator('.notice'))).toBe('The late reply is kept on the ended case’s record; the case stays as it ended.');
  });
});

describe('a fresh email from a vendor’s address, in the pen of mail that names no campaign', () => {
  it('has its vendor’s case chosen and named for the officer to confirm', { timeout: 120_000 }, async () => {
    // Zoom writes from a domain of its own (no other campaign on the server has a vendor there), with
    // no thread, no token and no case reference: the intake holds it unsorted.
    const campaignId = env.uniqueId('sender');
    const file = campaignFile(campaignId, (t) => t.replace('privacy@zoom.test', `privacy@${campaignId}.test`));
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start(loadCampaignFile(file));
    // The campaign answers whose the sender is (its own query; the board says names only).
    await expect.poll(async () => campaigns.vendorsNearSender(campaignId, `counsel@${campaignId}.test`).catch(() => undefined), { timeout: 30_000, interval: 300 }).toEqual([{ vendorId: 'zoom', distance: 1 }]);
    expect((await campaigns.board(campaignId)) as object).not.toHaveProperty('vendorContacts');
    const subject = `A question about our service (${campaignId})`;
    const fresh = await composeReply({ from: `counsel@${campaignId}.test`, to: 'case@test.example', subject, messageId: `<fresh-${campaignId}@${campaignId}.test>`, text: 'A question from Zoom’s counsel.' });
    expect(await intakeOutcomes([fresh])).toEqual(['held']);

    const owen = await as('owen', '/held/unsorted');
    await owen.click(`a:has-text("${subject}")`);
    expect(await owen.locator('#assign-engagement').inputValue()).toBe(`${campaignId}/zoom`);
    expect(await textOf(owen.locator('#assign-sender'))).toBe('This message comes from an address of Zoom: its case in Video-conferencing privacy (CLI test) is chosen below. Check it before you assign the message.');
    expect(await owen.locator('#assign-engagement').getAttribute('aria-describedby')).toBe('assign-sender');
    await checkPage(owen, 'held-message-sender');
  });
});

describe('the joint statement in the workspace', () => {
  it('goes from the draft to publication: a co-signatory reaches it from the approval email, requests a change, the lead revises, all approve', { timeout: 150_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const lead = await as('lea', `/campaigns/${campaignId}/engagements/cisco`);
    await lead.goto(`${url}/campaigns/${campaignId}/engagements/cisco`);
    await lead.click('summary:has-text("Withdraw the engagement")');
    await lead.fill('#withdraw-reason', 'Out of scope for this statement.');
    await lead.check('#withdraw-confirm');
    await lead.click('#withdraw button[type=submit]');
    expect(await textOf(lead.locator('.notice'))).toBe('The engagement is withdrawn.');
    // Houseparty is still open; the lead writes the public text in both languages, then submits
    // version 1, closing Houseparty's case there with a public reason.
    await lead.goto(`${url}/campaigns/${campaignId}/statement`);
    expect(await lead.locator('#missing-texts li').count()).toBeGreaterThan(0);
    // A refused summary is named, and every text typed in the form comes back as typed.
    await lead.click('summary:has-text("Write the public summaries")');
    await lead.fill('#summary-zoom-en', 'Zoom explained <script>alert(1)</script> its plan.');
    await lead.fill('#summary-zoom-fr', 'Zoom a expliqué les changements de son plan de 90 jours.');
    await lead.click('#summaries button[type=submit]');
    expect(await textOf(lead.locator('#summary-zoom-en-error'))).toMatch(/script/i);
    expect(await lead.locator('#summary-zoom-en').inputValue()).toBe('Zoom explained <script>alert(1)</script> its plan.');
    expect(await lead.locator('#summary-zoom-fr').inputValue()).toBe('Zoom a expliqué les changements de son plan de 90 jours.');
    await lead.goto(`${url}/campaigns/${campaignId}/statement`);
    await lead.click('summary:has-text("Write the public summaries")');
    await lead.fill('#summary-zoom-en', 'Zoom explained the changes of its 90-day plan.');
    await lead.fill('#summary-zoom-fr', 'Zoom a expliqué les changements de son plan de 90 jours.');
    await lead.fill('#observation-zoom-d1-en', 'Key management was shown end to end.');
    await lead.fill('#observation-zoom-d1-fr', 'La gestion des clés a été montrée de bout en bout.');
    await lead.click('#summaries button[type=submit]');
    expect(await textOf(lead.locator('.notice'))).toBe('The summaries are saved; they go out with the next version you submit.');
    // The findings the statement prints, edited per vendor; a refusal shows on the form, nothing lost.
    await lead.click('#findings-links a:has-text("Zoom")');
    expect(await lead.locator('#assessment-security-en').inputValue()).toBe('Zoom meets the security principle.');
    await lead.fill('#assessment-security-en', 'Zoom encrypts meetings end to end 🙂');
    await lead.click('#findings button[type=submit]');
    expect(await textOf(lead.locator('#findings-findings-error'))).toContain('🙂');
    expect(await lead.locator('#assessment-security-en').inputValue()).toBe('Zoom encrypts meetings end to end 🙂');
    await checkPage(lead, 'statement-findings-refused');
    await lead.fill('#assessment-security-en', 'Zoom encrypts meetings end to end.');
    await lead.click('#findings button[type=submit]');
    expect(await textOf(lead.locator('.notice'))).toBe('The findings are saved; they go out with the next version you submit.');
    await lead.click('summary:has-text("Set conclusions and lessons learned")');
    await lead.fill('#conclusions-en', 'The companies described their measures.');
    await lead.fill('#conclusions-fr', 'Les entreprises ont décrit leurs mesures.');
    await lead.fill('#lessons-en', 'Ask for demonstrations early.');
    await lead.fill('#lessons-fr', 'Demander les démonstrations tôt.');
    await lead.click('#conclusions button[type=submit]');
    expect(await lead.locator('#version').count()).toBe(0);
    // An open case settled without its French reason: the workflow's refusal shows next to the form.
    await lead.selectOption('#open-houseparty-action', 'close');
    await lead.fill('#open-houseparty-reason-en', 'Houseparty never answered the letter.');
    await lead.check('#draft-confirm-open-cases');
    await lead.click('#draft button[type=submit]');
    expect(await textOf(lead.locator('#draft-draft-error'))).toMatch(/houseparty/i);
    expect(await lead.locator('#open-houseparty-reason-en').inputValue()).toBe('Houseparty never answered the letter.');
    await checkPage(lead, 'statement-open-cases-refused');
    await lead.fill('#open-houseparty-reason-fr', 'Houseparty n’a jamais répondu à la lettre.');
    // A refused form asks the confirmation again, as the approval's does.
    expect(await lead.isChecked('#draft-confirm-open-cases')).toBe(false);
    await lead.check('#draft-confirm-open-cases');
    await lead.click('#draft button[type=submit]');
    await eventually(lead, async () => (await lead.locator('#version').count()) === 1, 'the first draft');
    expect(await textOf(lead.locator('#version'))).toMatch(/^version 1/);
    expect(await lead.locator('#missing-texts li').count()).toBe(0);
    const link = await approvalLink('fdpic@edoeb.test');
    expect(link).toBe(`${url}/campaigns/${campaignId}/statement`);

    const zofia = await as('zofia', new URL(link).pathname);
    expect(zofia.url()).toBe(link);
    expect(await textOf(zofia.locator('h1'))).toBe('Déclaration commune\u00a0: Vidéoconférence et vie privée (essai du CLI)');
    // The page's link names the version it shows, which its approve form names.
    const href = await zofia.locator('a[hreflang=fr][href*="/statement/draft.fr.pdf"]').getAttribute('href');
    expect(href).toBe(`/campaigns/${campaignId}/statement/draft.fr.pdf?version=${await zofia.locator('#approve input[name=version]').inputValue()}`);
    const pdf = await zofia.request.get(`${url}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await zofia.request.get(`${url}/campaigns/${campaignId}/statement/published.fr.pdf`)).status()).toBe(404);
    await checkPage(zofia, 'statement-co-signatory');
    // Sent twice (a double click): one request, one mail to the lead.
    const statementPath = `/campaigns/${campaignId}/statement`;
    expect(await postedTwice(zofia, 'request-changes', { comment: 'Please name the five principles in the conclusions.' })).toEqual([`303 ${statementPath}`, `303 ${statementPath}`]);
    await zofia.goto(link);
    expect(await textOf(zofia.locator('.notice'))).toContain('Votre demande de modifications est consignée');
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    expect((await campaigns.status(campaignId)).changeRequests.map((r) => [r.authorityId, r.version])).toEqual([['fdpic', 1]]);

    await lead.reload();
    expect(await textOf(lead.locator('tr[data-authority=fdpic] td'))).toContain('Please name the five principles');
    await lead.click('summary:has-text("Set conclusions and lessons learned")');
    await lead.fill('#conclusions-en', 'The five principles: security, privacy by design, knowing the audience, transparency, user control.');
    await lead.fill('#conclusions-fr', 'Les cinq principes : sécurité, protection dès la conception, public, transparence, contrôle.');
    await lead.fill('#lessons-en', 'Ask for demonstrations early.');
    await lead.fill('#lessons-fr', 'Demander les démonstrations tôt.');
    await lead.click('#conclusions button[type=submit]');
    expect(await textOf(lead.locator('.notice'))).toBe('The conclusions are set; they go out with the next version you submit.');
    await checkPage(lead, 'statement-lead');
    // Version 2 submitted twice at once is one version, not 2 and 3.
    expect(await postedTwice(lead, 'draft', {})).toEqual([`303 ${statementPath}`, `303 ${statementPath}`]);
    await lead.goto(`${url}${statementPath}`);
    expect(await lead.locator('.error').allInnerTexts()).toEqual([]);
    await eventually(lead, async () => (await lead.locator('#version').innerText()).startsWith('version 2'), 'version 2');
    expect((await campaigns.status(campaignId)).draft?.version).toBe(2);
    // What changed since version 1, word by word, each change marked in words as well as by style.
    const conclusions = lead.locator('#changes li', { hasText: 'Conclusions' });
    expect((await conclusions.locator('p[lang=en] del').allTextContents()).join(' ')).toMatch(/\[removed: .*measures/);
    expect((await conclusions.locator('p[lang=en] ins').allTextContents()).join(' ')).toMatch(/\[added: .*five principles/);
    expect(await conclusions.locator('p[lang=fr] ins').count()).toBeGreaterThan(0);
    await checkPage(lead, 'statement-changes');
    await lead.click('#approve button[type=submit]');
    expect(await textOf(lead.locator('.notice'))).toBe('Your approval is recorded.');
    expect(await textOf(lead.locator('tr[data-authority=opc] td'))).toContain('Léa Tremblay (lea, signed in)');
    // Approved: the page says what follows, and offers no second approval.
    expect(await textOf(lead.locator('#approved'))).toMatch(/^Your authority’s approval counts for version 2\./);
    expect(await lead.locator('#approve').count()).toBe(0);
    await checkPage(lead, 'statement-approved');
    // Taken back before publication, through the campaign itself, which keeps both; then given again.
    await lead.click('#withdraw-approval button[type=submit]');
    expect(await textOf(lead.locator('.notice'))).toBe('Your approval is withdrawn; the version awaits your authority’s answer again.');
    const withdrawn = await campaigns.status(campaignId);
    expect(withdrawn.draft?.approvals.map((a) => a.authorityId)).toEqual([]);
    expect(withdrawn.approvalsWithdrawn).toMatchObject([{ authorityId: 'opc', version: 2, approval: { authorityId: 'opc', version: 2 } }]);

    // The Office approves again (through the API) after the workspace has read the status for
    // Zofia's approval and before it sends it: her approval would now publish, and she did not
    // confirm that. Nothing is recorded; the form comes back with its confirmation to tick.
    await zofia.reload();
    expect(await zofia.locator('#approve-confirm').count()).toBe(0);
    beforeNextApproval = () => campaigns.approve(campaignId, { by: 'Léa Tremblay', authorityId: 'opc', version: 2 });
    await zofia.click('#approve button[type=submit]');
    // Answered either way: the approval recorded (its notice) or the form back.
    await zofia.locator('.notice, #approve-confirm-error').first().waitFor({ timeout: 10_000 });
    expect(beforeNextApproval).toBeUndefined();
    const raced = await campaigns.status(campaignId);
    expect(raced.draft?.approvals.map((a) => a.authorityId)).toEqual(['opc']);
    expect(raced.phase).toBe('approving');
    expect(await textOf(zofia.locator('#approve-confirm-error'))).toBe(
      'Une autre approbation est arrivée entre-temps\u00a0: cette approbation de la version 2 publierait maintenant la déclaration, pour de bon. Confirmez la publication pour approuver.',
    );

    // The last approval publishes the statement: given only with its confirmation ticked.
    await zofia.check('#approve-confirm');
    await zofia.click('#approve button[type=submit]');
    expect(await textOf(zofia.locator('.notice'))).toBe(
      'Votre approbation est consignée, et c’était la dernière dont la déclaration avait besoin\u00a0: elle est en cours de publication. Ses PDF figurent sur cette page dès qu’ils sont prêts (rechargez-la dans un instant), et chaque signataire les reçoit par courriel.',
    );
    await eventually(zofia, async () => (await zofia.locator('#phase').innerText()) === 'publiée', 'publication');
    await checkPage(zofia, 'statement-published');
    const published = await zofia.request.get(`${url}/campaigns/${campaignId}/statement/published.en.pdf`);
    expect(published.status()).toBe(200);
    expect((await published.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The very file the campaign published (and mailed), read from the publication folder.
    const files = (await campaigns.status(campaignId)).published!.files;
    expect(Buffer.compare(await published.body(), readFileSync(join(env.config.outputDir, files.en)))).toBe(0);
  });
});

describe('corrections on the engagement page', () => {
  it('corrects a refused contact address, with the workflow’s refusal next to the field, and sends the letter again', { timeout: 90_000 }, async () => {
    const campaignId = env.uniqueId('web-gone');
    env.sink.recipientPolicy = (address) => (address === 'privacy@gone.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
    try {
      const e = await startEngagement(env, engagementInput(campaignId, 'gone', patientPolicy()));
      await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
      const path = `/campaigns/${campaignId}/engagements/gone`;
      const page = await as('owen', path);
      expect(await textOf(page.locator('#stage'))).toBe('letter refused, address to correct');
      expect(await textOf(page.locator('#correct-contact .hint'))).toContain('refused the open letter for good at privacy@gone.test');
      expect(await page.locator('#correct-contact-name').inputValue()).toBe(e.input.vendor.contacts[0].name);
      await checkPage(page, 'engagement-letter-undeliverable');

      // The workflow's own refusal, next to the address field; what was typed stays.
      await page.fill('#correct-contact-email', 'privacy@gone.test');
      await page.fill('#correct-contact-reason', 'The vendor moved its privacy office');
      await page.click('#correct-contact button[type=submit]');
      expect(await textOf(page.locator('#correct-contact-email-error'))).toContain('privacy@gone.test is the address the mail server refused for good: give another one');
      expect(await page.locator('#correct-contact-email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#correct-contact-reason').inputValue()).toBe('The vendor moved its privacy office');
      await checkPage(page, 'engagement-correct-contact-refused');
      expect((await e.status()).stage).toBe('letter-undeliverable');

      // Refused on the server to an auditor, and to a form without the session's token.
      const ada = await as('ada', path);
      expect(await ada.locator('#correct-contact').count()).toBe(0);
      const byAuditor = await ada.request.post(`${url}${path}/correct-contact`, { form: { _csrf: await csrfOf(ada), email: 'privacy@found.test', reason: 'auditors may not' } });
      expect(byAuditor.status()).toBe(403);
      const noToken = await page.request.post(`${url}${path}/correct-contact`, { form: { email: 'privacy@found.test', reason: 'no token' } });
      expect(noToken.status()).toBe(403);
      expect((await e.status()).stage).toBe('letter-undeliverable');

      await page.fill('#correct-contact-email', 'privacy@found.test');
      await page.click('#correct-contact button[type=submit]');
      expect(await textOf(page.locator('.notice'))).toBe('The address is corrected; the open letter goes again.');
      const [letter] = await e.waitForMail('letter-2');
      expect(letter.to).toEqual(['privacy@found.test']);
      const sent = await e.waitForStatus((s) => s.stage === 'awaiting-response');
      expect(sent.contacts).toEqual([{ name: e.input.vendor.contacts[0].name, email: 'privacy@found.test' }]);
      expect(sent.timeline.find((t) => t.what === 'contact address corrected')).toMatchObject({
        by: 'Owen Okafor (owen, signed in)',
        detail: expect.stringContaining('privacy@found.test'),
      });
      await page.reload();
      expect(await page.locator('#correct-contact').count()).toBe(0);
      await e.handle.terminate('test over');
    } finally {
      env.sink.recipientPolicy = () => undefined;
    }
  });

  it('reschedules a demonstration keeping its place and link as shown, or removing one the officer empties', { timeout: 90_000 }, async () => {
    const campaignId = env.uniqueId('web-moved');
    const e = await startEngagement(env, engagementInput(campaignId, 'cisco', patientPolicy()));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'cisco' };
    await dossier.recordResponse(ref, { by: 'Officer Test', summary: 'Cisco answered.', attachments: [], receivedAt: new Date().toISOString() });
    await dossier.scheduleDemonstration(ref, {
      by: 'Officer Test',
      at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      durationMinutes: 60,
      attendees: [{ name: 'Privacy lead', email: 'privacy@cisco.test' }],
      topics: ['How encryption keys are managed'],
      location: 'OPC, Gatineau',
      meetingUrl: 'https://meet.example.org/opc-cisco',
    });
    const invitation = async (n: number) => {
      const [mail] = await env.parsed(await e.waitForMail(`demo-d1-invite-${n}`));
      return eventByPython(mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString('utf8'));
    };
    expect(await invitation(1)).toMatchObject({ location: 'OPC, Gatineau', url: 'https://meet.example.org/opc-cisco' });

    const page = await as('owen', `/campaigns/${campaignId}/engagements/cisco`);
    /** Sends the form; returns the time it typed. */
    const reschedule = async (days: number, reason: string, place: { location?: string; meetingUrl?: string }) => {
      await page.click('summary:has-text("Record the demonstration")');
      const at = stamp(days * 86_400_000);
      await page.fill('#reschedule-at-d1', at);
      await page.fill('#reschedule-reason-d1', reason);
      if (place.location !== undefined) await page.fill('#reschedule-location-d1', place.location);
      if (place.meetingUrl !== undefined) await page.fill('#reschedule-meeting-url-d1', place.meetingUrl);
      await page.click('#reschedule-demo-d1 button[type=submit]');
      return at;
    };

    // The place emptied, the link left as the form shows it.
    expect(await page.locator('#reschedule-location-d1').inputValue()).toBe('OPC, Gatineau');
    await reschedule(4, 'Held online only', { location: '' });
    expect(await textOf(page.locator('.notice'))).toBe('The demonstration is rescheduled.');
    let [demonstration] = (await e.status()).demonstrations;
    expect(demonstration).not.toHaveProperty('location');
    expect(demonstration.meetingUrl).toBe('https://meet.example.org/opc-cisco');
    expect(await invitation(2)).toMatchObject({ location: null, url: 'https://meet.example.org/opc-cisco' });

    // A bad place is the workflow's refusal, next to the field; then the link emptied and a place given.
    const typed = await reschedule(5, 'In person after all', { location: 'Room 4\u2028BCC: x@evil.example' });
    expect(await textOf(page.locator('#reschedule-location-d1-error'))).toMatch(/line break \(U\+2028\) in the location: it must be on one line/);
    // What was typed stays in the form sent back.
    expect(await page.locator('#reschedule-reason-d1').inputValue()).toBe('In person after all');
    expect(await page.locator('#reschedule-at-d1').inputValue()).toBe(asShown(typed));
    // No reason: the refusal is shown next to the reason, and the time chosen is still there.
    await page.goto(`${url}/campaigns/${campaignId}/engagements/cisco`);
    const chosen = await reschedule(6, '', {});
    expect(await textOf(page.locator('#reschedule-reason-d1-error'))).toBe('This field is required.');
    expect(await page.locator('#reschedule-at-d1').inputValue()).toBe(asShown(chosen));
    await page.goto(`${url}/campaigns/${campaignId}/engagements/cisco`);
    await reschedule(5, 'In person after all', { location: 'ICO, Wilmslow', meetingUrl: '' });
    expect(await textOf(page.locator('.notice'))).toBe('The demonstration is rescheduled.');
    [demonstration] = (await e.status()).demonstrations;
    expect(demonstration).toMatchObject({ location: 'ICO, Wilmslow', rescheduled: 2 });
    expect(demonstration).not.toHaveProperty('meetingUrl');
    expect(await invitation(3)).toMatchObject({ location: 'ICO, Wilmslow', url: null });
    await e.handle.terminate('test over');
  });
});

describe('forms of one demonstration among several', () => {
  it('gives a refused form back on the demonstration it named only, with the place and link as typed', { timeout: 90_000 }, async () => {
    const campaignId = env.uniqueId('web-two-demos');
    const e = await startEngagement(env, engagementInput(campaignId, 'cisco', patientPolicy()));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'cisco' };
    await dossier.recordResponse(ref, { by: 'Officer Test', summary: 'Cisco answered.', attachments: [], receivedAt: new Date().toISOString() });
    const demo = { by: 'Officer Test', durationMinutes: 60, attendees: [{ name: 'Privacy lead', email: 'privacy@cisco.test' }], topics: ['Key management'] };
    await dossier.scheduleDemonstration(ref, { ...demo, at: new Date(Date.now() + 3 * 86_400_000).toISOString(), location: 'OPC, Gatineau', meetingUrl: 'https://meet.example.org/opc-cisco' });
    await dossier.scheduleDemonstration(ref, { ...demo, at: new Date(Date.now() + 5 * 86_400_000).toISOString(), location: 'ICO, Wilmslow' });

    const page = await as('owen', `/campaigns/${campaignId}/engagements/cisco`);
    // d1 moved and its place emptied (to remove it), but with no reason: refused.
    await page.click('summary:has-text("outcome: d1")');
    const at = stamp(4 * 86_400_000);
    await page.fill('#reschedule-at-d1', at);
    await page.fill('#reschedule-location-d1', '');
    await page.click('#reschedule-demo-d1 button[type=submit]');
    expect(await textOf(page.locator('#reschedule-reason-d1-error'))).toBe('This field is required.');
    expect(await page.locator('#reschedule-reason-d1').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#reschedule-at-d1').inputValue()).toBe(asShown(at));
    expect(await page.locator('#reschedule-location-d1').inputValue()).toBe('');
    expect(await page.locator('#reschedule-meeting-url-d1').inputValue()).toBe('https://meet.example.org/opc-cisco');
    // d2 shows what is stored, with no error of d1's.
    expect(await page.locator('#reschedule-reason-d2-error').count()).toBe(0);
    expect(await page.locator('#reschedule-reason-d2').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#reschedule-location-d2').inputValue()).toBe('ICO, Wilmslow');
    expect(await page.locator('#reschedule-demo-d2').isVisible()).toBe(false);

    // The outcome of d2 with no notes: the error is d2's alone.
    await page.click('summary:has-text("outcome: d2")');
    await page.click('#demo-outcome-d2 button[type=submit]');
    expect(await textOf(page.locator('#outcome-notes-d2-error'))).toBe('This field is required.');
    expect(await page.locator('#outcome-notes-d1-error').count()).toBe(0);
    expect(await page.locator('#outcome-notes-d1').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#reschedule-location-d1').inputValue()).toBe('OPC, Gatineau');
    await checkPage(page, 'engagement-demo-outcome-refused');
    expect((await e.status()).demonstrations.map((d) => [d.id, d.location, d.result])).toEqual([
      ['d1', 'OPC, Gatineau', undefined],
      ['d2', 'ICO, Wilmslow', undefined],
    ]);
    await e.handle.terminate('test over');
  });
});

/**
 * The form `form` as the page rendered it (its hidden fields, its action), with `fields` typed in,
 * posted twice at once (a double click): each answer's status and where it sends the browser.
 */
async function postedTwice(page: Page, form: string, fields: Record<string, string>): Promise<string[]> {
  const rendered: Record<string, string> = {};
  for (const hidden of await page.locator(`#${form} input[type=hidden]`).all()) rendered[(await hidden.getAttribute('name'))!] = (await hidden.getAttribute('value'))!;
  const action = new URL((await page.locator(`form#${form}`).getAttribute('action'))!, url).href;
  const sent = await Promise.all([0, 1].map(() => page.request.post(action, { form: { ...rendered, ...fields }, maxRedirects: 0 })));
  return sent.map((r) => `${r.status()} ${r.headers().location}`);
}

describe('who acted, as the server records it', () => {
  it('sends a signed-in user’s request under their name, so the audit export names them once the content can no longer be read', { timeout: 90_000 }, async () => {
    const campaignId = env.uniqueId('web-who');
    const e = await startEngagement(env, engagementInput(campaignId, 'cisco', patientPolicy()));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const path = `/campaigns/${campaignId}/engagements/cisco`;
    const page = await as('owen', path);
    expect(await postedTwice(page, 'extend', { extendBy: '3 days', reason: 'Asked for time' })).toEqual([`303 ${path}`, `303 ${path}`]);
    const ref = { campaignId, vendorId: 'cisco' };
    const [recorded] = (await collectAuditTrail(env.client, ref)).events.filter((ev) => ev.action === 'extendDeadline');
    expect(recorded!.actor).toMatch(/^Owen Okafor \(.+, signed in\)$/);
    // Read without the campaign's key, as after crypto-shredding: the identity the server kept.
    const keyless = new Client({ connection: env.client.connection, namespace: env.client.options.namespace });
    const unreadable = (await collectAuditTrail(keyless, ref)).events.filter((ev) => ev.action === 'extendDeadline');
    expect(unreadable.map((ev) => [ev.kind, ev.actor])).toEqual([['unreadable', recorded!.actor]]);
    await e.handle.terminate('test over');
  });
});

describe('a form sent twice', () => {
  it('records the action once and answers the repeat as the first: the deadline moved once, one demonstration, one invitation', { timeout: 90_000 }, async () => {
    const campaignId = env.uniqueId('web-twice');
    const e = await startEngagement(env, engagementInput(campaignId, 'cisco', patientPolicy()));
    const before = await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const path = `/campaigns/${campaignId}/engagements/cisco`;
    const page = await as('owen', path);
    const sendTwice = (form: string, fields: Record<string, string>) => postedTwice(page, form, fields);

    expect(await sendTwice('extend', { extendBy: '3 days', reason: 'Asked for time' })).toEqual([`303 ${path}`, `303 ${path}`]);
    const extended = await e.status();
    expect(Date.parse(extended.responseDueDate!) - Date.parse(before.responseDueDate!)).toBe(3 * 86_400_000);
    // The same form sent again with other values (the officer corrected it) is a request of its own.
    expect(await sendTwice('extend', { extendBy: '2 days', reason: 'Asked for two more days' })).toEqual([`303 ${path}`, `303 ${path}`]);
    expect(Date.parse((await e.status()).responseDueDate!) - Date.parse(before.responseDueDate!)).toBe(5 * 86_400_000);

    // A form rendered afresh is a request of its own.
    await page.reload();
    await page.click('summary:has-text("Extend the deadline")');
    await page.fill('#extend-extendBy', '3 days');
    await page.fill('#extend-reason', 'Asked for more time');
    await page.click('#extend button[type=submit]');
    await e.waitForStatus((s) => Date.parse(s.responseDueDate!) - Date.parse(before.responseDueDate!) === 8 * 86_400_000, 10_000);

    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await dossier.recordResponse({ campaignId, vendorId: 'cisco' }, { by: 'Officer Test', summary: 'Cisco answered.', attachments: [], receivedAt: new Date().toISOString() });
    await page.reload();
    const demo = { at: stamp(3 * 86_400_000), durationMinutes: '60', attendees: 'Privacy lead <privacy@cisco.test>', topics: 'Key management', location: 'OPC, Gatineau' };
    expect(await sendTwice('schedule-demo', demo)).toEqual([`303 ${path}`, `303 ${path}`]);
    expect((await e.status()).demonstrations.map((d) => d.id)).toEqual(['d1']);
    await e.waitForMail('demo-d1-invite');
    // Time for a second invitation to arrive, were there one.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(e.mails().filter((m) => /^<demo-/.test(m.messageId ?? '')).length).toBe(1);

    await e.handle.terminate('test over');
  });
});

describe('dates of a case whose lead authority is in Toronto', () => {
  it('shows the response due on the day the letter states, and records a new due date typed in the page as the end of that Toronto day', { timeout: 90_000 }, async () => {
    const campaignId = env.uniqueId('web-toronto');
    const input = engagementInput(campaignId, 'zoom', patientPolicy({ responseDue: '10 working days' }));
    input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone: 'America/Toronto' } : a));
    const e = await startEngagement(env, input);
    const before = await e.waitForStatus((s) => s.stage === 'awaiting-response');
    // The day the letter states (it prints dates in the lead's zone), e.g. "11 December 2026".
    const [letter] = await env.parsed(await e.waitForMail('letter'));
    const toronto = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'America/Toronto' }).format(new Date(before.responseDueDate!));
    // Its words are joined by no-break spaces, so no line breaks inside a date.
    expect(letter.text).toContain(toronto({ day: 'numeric', month: 'long', year: 'numeric' }).replaceAll(' ', '\u00a0'));

    const page = await as('owen', `/campaigns/${campaignId}/engagements/zoom`);
    expect(await page.locator('dl.facts dt:has-text("Response due") + dd').innerText()).toBe(toronto({ day: 'numeric', month: 'short', year: 'numeric' }).replaceAll(' ', '\u00a0'));
    expect(await page.locator('label[for=extend-dueDate] .hint').textContent()).toContain('in Eastern Time, the lead authority\'s time zone');

    await page.click('summary:has-text("Extend the deadline")');
    await page.fill('#extend-dueDate', '2030-12-30');
    await page.fill('#extend-reason', 'Asked for time');
    await page.click('#extend button[type=submit]');
    const extended = await e.waitForStatus((s) => s.responseDueDate !== before.responseDueDate, 15_000);
    expect(extended.responseDueDate).toBe('2030-12-31T04:59:59.999Z');
    await e.handle.terminate('test over');
  });
});

describe('what the workspace refuses', () => {
  it('refuses, on the server, every page and action outside a role, and sends strangers to sign in', { timeout: 90_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const engagement = `${url}/campaigns/${campaignId}/engagements/zoom`;

    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(engagement);
    expect(new URL(stranger.url()).origin).toBe(workspace.idp.issuer);

    const owen = await as('owen');
    expect((await owen.goto(`${url}/campaigns/new`))!.status()).toBe(403);
    expect(await textOf(owen.locator('main p').first())).toBe('Your role does not allow this page or action.');
    await checkPage(owen, 'refused');
    const owenToken = await csrfOf(owen);
    const approve = await owen.request.post(`${url}/campaigns/${campaignId}/statement/approve`, { form: { _csrf: owenToken, version: '1' } });
    expect(approve.status()).toBe(403);
    expect((await owen.goto(`${url}/campaigns/${campaignId}/statement/findings/zoom`))!.status()).toBe(403);
    const findings = await owen.request.post(`${url}/campaigns/${campaignId}/statement/findings/zoom`, { form: { _csrf: owenToken } });
    expect(findings.status()).toBe(403);

    // The audit trail: for the lead and auditors, not officers.
    expect((await owen.request.get(`${url}/campaigns/${campaignId}/audit/audit.csv`)).status()).toBe(403);
    const ada = await as('ada', `/campaigns/${campaignId}`);
    const csv = await ada.request.get(`${url}${await ada.locator('#audit-csv').getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toContain(`engagement:${campaignId}:zoom`);
    const pdf = await ada.request.get(`${url}/campaigns/${campaignId}/audit/audit.pdf`);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await ada.goto(`${url}/campaigns/${campaignId}/engagements/zoom`);
    expect(await textOf(ada.locator('h1'))).toBe('Engagement with Zoom');
    expect(await ada.locator('form.action').count()).toBe(0);
    const respond = await ada.request.post(`${engagement}/withdraw`, { form: { _csrf: await csrfOf(ada), reason: 'auditors may not' } });
    expect(respond.status()).toBe(403);

    const zofia = await as('zofia');
    expect((await zofia.goto(`${url}/campaigns/${campaignId}`))!.status()).toBe(403);
    expect((await zofia.goto(engagement))!.status()).toBe(403);
    // Only the statements her authority signs are listed, and only as statements.
    await zofia.goto(`${url}/campaigns`);
    expect(await zofia.locator(`a[href="/campaigns/${campaignId}"]`).count()).toBe(0);
    expect(await zofia.locator(`a[href="/campaigns/${campaignId}/statement"]`).count()).toBe(1);

    const nobody = await (await browser.newContext()).newPage();
    await nobody.goto(`${url}/campaigns`);
    await signIn(nobody, 'nobody');
    await nobody.waitForURL((u) => u.origin === url);
    expect(await textOf(nobody.locator('main p').first())).toContain('Your account has no role in Dossier');
  });

  it('returns after sign-in to the page asked for, and never to another site a crafted link names', { timeout: 60_000 }, async () => {
    const board = await as('owen', `/login?returnTo=${encodeURIComponent('/campaigns?page=1')}`);
    expect(new URL(board.url()).pathname + new URL(board.url()).search).toBe('/campaigns?page=1');
    // A tab the browser drops would turn `/<tab>/evil.example` into `//evil.example`: another site.
    const crafted = await as('owen', `/login?returnTo=${encodeURIComponent('/\t/evil.example/expired')}`);
    expect(new URL(crafted.url()).pathname).toBe('/campaigns');
  });

  it('switches language on the same page: the board with its sort and page, an engagement after a refused form', { timeout: 60_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const owen = await as('owen', `/campaigns/${campaignId}?sort=deadline`);
    await owen.click('form[action="/language"] button');
    expect(owen.url()).toBe(`${url}/campaigns/${campaignId}?sort=deadline`);
    await owen.click('form[action="/language"] button'); // back to English
    const engagement = `${url}/campaigns/${campaignId}/engagements/zoom`;
    const refused = await owen.request.post(`${engagement}/withdraw`, { form: { _csrf: await csrfOf(owen), reason: '' } });
    expect(refused.status(), await refused.text()).toBe(422);
    await owen.setContent(await refused.text(), { waitUntil: 'domcontentloaded' });
    expect(await owen.locator('form[action="/language"] input[name=returnTo]').inputValue()).toBe(`/campaigns/${campaignId}/engagements/zoom`);
  });

  it('says what a form did only after the form did it: a link cannot make a page claim an action', { timeout: 60_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const owen = await as('owen');
    for (const done of ['withdraw', 'bogus']) {
      const response = await owen.goto(`${url}/campaigns/${campaignId}/engagements/zoom?done=${done}`);
      expect(response!.status()).toBe(200);
      expect(await owen.locator('.notice').count()).toBe(0);
    }
  });

  it('signs out every copy of a session: its cookie, replayed after the sign-out, is signed in no more', { timeout: 60_000 }, async () => {
    const owen = await as('owen');
    const copied = await owen.context().cookies();
    const thief = await browser.newContext();
    await thief.addCookies(copied);
    const before = await thief.request.get(`${url}/campaigns`, { maxRedirects: 0 });
    expect(before.status()).toBe(200);

    await owen.click('form[action="/logout"] button[type=submit]');
    await owen.waitForURL(`${url}/signed-out`);
    expect(await owen.title()).toMatch(/^Signed out/);
    const after = await thief.request.get(`${url}/campaigns`, { maxRedirects: 0 });
    expect(after.status()).toBe(303);
    expect(after.headers().location).toBe('/login?returnTo=%2Fcampaigns');
    await thief.close();
  });

  it('refuses a request body larger than any form the workspace takes, before reading it whole', { timeout: 60_000 }, async () => {
    const owen = await as('owen');
    const response = await owen.request.post(`${url}/logout`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: Buffer.alloc(17 * 1024 * 1024, 'a'),
    });
    expect(response.status()).toBe(413);
    expect(await response.text()).toContain('larger than the workspace accepts');
  });

  it('refuses a form sent without the session’s CSRF token, or with another session’s, and keeps every page under a strict CSP', { timeout: 60_000 }, async () => {
    const campaignId = (await firstCampaign())!;
    const owen = await as('owen', `/campaigns/${campaignId}/engagements/zoom`);
    const other = await as('ada');
    const action = `${url}/campaigns/${campaignId}/engagements/zoom/withdraw`;
    const forms: Record<string, string>[] = [{ reason: 'no token' }, { reason: 'wrong token', _csrf: await csrfOf(other) }];
    for (const form of forms) {
      const response = await owen.request.post(action, { form });
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('security token is missing or out of date');
    }
    const page = await owen.request.get(`${url}/campaigns/${campaignId}/engagements/zoom`);
    expect(page.headers()['content-security-policy']).toBe(
      `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${workspace.idp.issuer}; frame-ancestors 'none'; base-uri 'none'`,
    );
    const cookie = (await owen.context().cookies()).find((c) => c.name === 'dossier_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.secure).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });
});

async function csrfOf(page: Page): Promise<string> {
  return (await page.locator('input[name=_csrf]').first().getAttribute('value'))!;
}

/** What the intake made of `messages`, delivered to the workspace's case mailbox and read in one pass. */
async function intakeOutcomes(messages: Buffer[]): Promise<string[]> {
  const inbox = new MaildirMailbox(workspace.env.DOSSIER_MAILDIR!);
  await inbox.open();
  try {
    for (const message of messages) await inbox.append(message);
  } finally {
    await inbox.close();
  }
  const intake = await openIntake(workspace.env, undefined, {
    dossier: new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' }),
    campaigns: new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }),
  });
  try {
    return (await intake.intake.pass()).map((s) => s.outcome);
  } finally {
    await intake.close();
  }
}

/** The campaign the first test started (its board is reached through the campaign list). */
/** The campaign the first test started in the workspace: the earliest on this file's queue (later tests start their own). */
async function firstCampaign(): Promise<string | undefined> {
  const found = await env.client.workflow.list({ query: `WorkflowType = 'campaign' AND TaskQueue = '${env.taskQueue}'` });
  let earliest: { workflowId: string; startTime: Date } | undefined;
  for await (const info of found) if (!earliest || info.startTime < earliest.startTime) earliest = info;
  return earliest?.workflowId.replace(/^campaign:/, '');
}

/** The workspace link in the approval request an authority received. */
async function approvalLink(address: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mails = await env.parsed();
    const request = mails.find((m) => m.to && JSON.stringify(m.to).includes(address) && /Approba|Approval/.test(m.subject ?? ''));
    const link = request?.text?.match(/https?:\/\/\S+\/statement/)?.[0];
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no approval request with a link reached ${address}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
