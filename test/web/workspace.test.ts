// The workspace in a real browser (Chromium via playwright-core) against the real stack: Temporal,
// the worker, the SMTP sink and an OpenID Connect provider in-process. One campaign is played from
// its file to its published statement by the people who would do it, each signed in as themselves;
// then what each role may not do, and a form posted without its CSRF token, are refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevUser } from '../../web/dev-identity-provider';
import { useDossier } from '../helpers/harness';
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

beforeAll(async () => {
  workspace = await startWorkspace(env, url, USERS);
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

    await page.setInputFiles('#campaignFile', campaignFile(campaignId));
    await page.click('button[type=submit]:has-text("Check and start")');
    await page.waitForURL(`${url}/campaigns/${campaignId}`);
    await eventually(page, async () => (await page.locator('tbody tr').count()) === 3, 'three vendors on the board');
    await checkPage(page, 'board');

    await page.click('a:has-text("Zoom")');
    await page.waitForURL(`${url}/campaigns/${campaignId}/engagements/zoom`);
    await eventually(page, async () => (await page.locator('#stage').textContent()) === 'awaiting the response', 'the letter to go out');
    await checkPage(page, 'engagement');

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
    expect(await textOf(page.locator('#ask-questions-error'))).toContain('must be in the future');
    expect(await page.locator('#ask-questions').getAttribute('aria-invalid')).toBe('true');
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
    }
    await page.click('#conclude button[type=submit]');
    expect(await textOf(page.locator('.notice'))).toBe('The engagement is concluded.');
    expect(await textOf(page.locator('#stage'))).toBe('concluded');
    await checkPage(page, 'engagement-concluded');
  });
});
