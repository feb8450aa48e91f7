// The workspace as a case officer uses it with the keyboard alone and a screen reader: every step is
// a key press (Tab, Enter), and what is checked is what Chromium's accessibility tree gives a screen
// reader for the element that has focus (its role, name and description), once the page a form or a
// link led to has loaded. A page that loads with focus on nothing starts the reader at the top,
// past the header, with no word of what the action did.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevUser } from '../../web/dev-identity-provider';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { mailDomain } from '../../activities/email';
import { messageIdFor } from '../../activities/threading';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { openIntake } from '../../intake/open';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { composeReply } from '../helpers/inbound-mail';
import { useDossier } from '../helpers/harness';
import { completeFindings, testCampaign } from '../helpers/fixtures';
import { campaignWithLettersOut, checkPage, launchBrowser, SCREENSHOTS_DIR, signedInPage, signIn, startWorkspace, workspaceUrl, type Workspace } from '../helpers/web';

const USERS: DevUser[] = [
  { login: 'owen', name: 'Owen Okafor', email: 'owen@opc.test', roles: ['officer'], locale: 'en' },
  { login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.test', roles: ['lead-officer'], locale: 'en' },
];
const VENDOR_IDS = ['acme', 'birch', 'cobalt'];

let url: string;
const env = useDossier({
  workerConfig: async () => {
    url = await workspaceUrl();
    return { workspaceUrl: url };
  },
});
let workspace: Workspace;
let browser: Browser;
let page: Page;
let campaignId: string;

beforeAll(async () => {
  workspace = await startWorkspace(env, url, USERS, { boardPageSize: 2 });
  browser = await launchBrowser();
  ({ campaignId } = await campaignWithLettersOut(env, 'keys', VENDOR_IDS));
  page = await signedInPage(browser, `${url}/campaigns/${campaignId}`, 'owen');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
});

interface Spoken {
  role: string;
  name: string;
  description: string;
}

/** What a screen reader is given for the element with focus: Chromium's accessibility tree, not the markup. */
async function focused(): Promise<Spoken> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value: string }; name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[];
    };
    // The document itself counts as focused too: the element is the last focused node, the deepest.
    const node = nodes.filter((n) => n.properties?.some((p) => p.name === 'focused' && p.value.value === true)).pop();
    return { role: node?.role?.value ?? '(nothing)', name: node?.name?.value ?? '', description: node?.description?.value ?? '' };
  } finally {
    await cdp.detach();
  }
}

/** The text of the element with focus, for a live region, whose role takes no name. */
const focusedText = async () => (await page.locator(':focus').innerText()).trim();

/** Presses Tab until an element matching `selector` (and reading `text`) has focus: a control the keyboard cannot reach fails here. */
async function tabTo(selector: string, text?: string, most = 120): Promise<void> {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    const reached = (await page.locator(`${selector}:focus`, text === undefined ? {} : { hasText: text }).count()) > 0;
    if (reached) return;
  }
  throw new Error(`${selector} ${text ?? ''} not reached in ${most} presses of Tab`);
}

/** Enter on the focused link or button, and the page it leads to loaded and rendered. */
async function enterToNewPage(): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  // Autofocus is applied when the page is next rendered, which may come after the load event.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
}

/** Opens one of the engagement page's forms (a `<details>` summary) from the top of the page. */
async function openForm(summary: string): Promise<void> {
  await tabTo('summary', summary);
  await page.keyboard.press('Enter');
}

describe('forms of the engagement page, by keyboard', () => {
  it('gives a refused form back with focus on the field refused, the refusal as its description', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}/engagements/acme`);
    await openForm('Record the response');
    await tabTo('#respond button[type=submit]');
    await enterToNewPage();
    expect(await focused()).toEqual({ role: 'textbox', name: 'Response text', description: 'This field is required.' });
    await checkPage(page, 'keyboard-respond-refused');
  });

  it('puts focus on the notice that says what a recorded form did, in the page’s language', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}/engagements/acme`);
    await openForm('Record the response');
    await tabTo('#respond-summary');
    await page.keyboard.type('Acme describes its encryption.');
    // The file input is reached by the keyboard; the system's file chooser it opens is the browser's, so the file is set here.
    await tabTo('#respond-documents');
    await page.setInputFiles('#respond-documents', { name: 'acme-dpia.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 Acme DPIA') });
    await tabTo('#respond button[type=submit]');
    await enterToNewPage();
    expect((await focused()).role).toBe('status');
    expect(await focusedText()).toBe('The response is recorded.');
    // Kept in the document store and listed with the response, as a download of the very bytes uploaded.
    const download = page.locator('#documents a', { hasText: 'acme-dpia.pdf' });
    const downloaded = await page.request.get(new URL((await download.getAttribute('href'))!, url).href);
    expect(downloaded.status()).toBe(200);
    expect((await downloaded.body()).toString()).toBe('%PDF-1.7 Acme DPIA');

    await tabTo('button[name=language]');
    await enterToNewPage();
    await openForm('Poser des questions complémentaires');
    await tabTo('#ask-questions');
    await page.keyboard.type('Combien de temps gardez-vous les enregistrements ?');
    await tabTo('#ask button[type=submit]');
    await enterToNewPage();
    expect((await focused()).role).toBe('status');
    expect(await focusedText()).toBe('Les questions complémentaires sont envoyées.');
    await checkPage(page, 'keyboard-ask-done-fr');
    await tabTo('button[name=language]');
    await enterToNewPage();
  });

  it('ties a refusal that names no one field to the fields it concerns, in French too', { timeout: 60_000 }, async () => {
    // A question to answer, asked outside the page: this test is about the answers' form.
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'birch' };
    await dossier.recordResponse(ref, { by: 'Owen Okafor', summary: 'Birch answered.', attachments: [], receivedAt: new Date().toISOString() });
    await dossier.askFollowUp(ref, { by: 'Owen Okafor', questions: ['How long are recordings kept?'] });
    await page.goto(`${url}/campaigns/${campaignId}/engagements/birch`);
    await tabTo('button[name=language]');
    await enterToNewPage();
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await openForm('Consigner les réponses');
    await tabTo('#answer button[type=submit]');
    await enterToNewPage();
    const field = await focused();
    expect(field).toMatchObject({ role: 'textbox', description: 'Écrivez au moins une réponse.' });
    expect(field.name).toContain('How long are recordings kept?');
    await checkPage(page, 'keyboard-answers-refused-fr');
    await tabTo('button[name=language]');
    await enterToNewPage();
  });
});

describe('the conclusion’s findings, in English and French, by keyboard', () => {
  it('ties a refusal of the French assessment to that field, not to the whole form, with focus on it', { timeout: 60_000 }, async () => {
    // A response recorded outside the page: this test is about the conclusion's form.
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await dossier.recordResponse({ campaignId, vendorId: 'cobalt' }, { by: 'Owen Okafor', summary: 'Cobalt answered.', attachments: [], receivedAt: new Date().toISOString() });
    await page.goto(`${url}/campaigns/${campaignId}/engagements/cobalt`);
    await openForm('Conclude with findings');
    await tabTo('#assessment-security');
    await page.keyboard.type('Strong encryption.');
    await tabTo('#assessment-security-fr');
    await page.keyboard.type('Chiffrement fort <img src=x>.');
    await tabTo('#conclude-confirm');
    await page.keyboard.press('Space');
    await tabTo('#conclude button[type=submit]');
    await enterToNewPage();
    const field = await focused();
    expect(field).toMatchObject({ role: 'textbox', name: 'Assessment, in French' });
    expect(field.description).toMatch(/^Markup \(.*<img.*\) in the assessment for “Security” in French: markup is not accepted/);
    expect(await page.getAttribute('#assessment-security-fr', 'aria-invalid')).toBe('true');
    // The English field and the form as a whole are not said to be wrong.
    expect(await page.getAttribute('#assessment-security', 'aria-invalid')).toBeNull();
    expect(await page.locator('#conclude-findings-error').count()).toBe(0);
    await checkPage(page, 'keyboard-conclude-refused-fr-field');
  });
});

describe('forms of the statement page, by keyboard', () => {
  it('gives the conclusions back refused with focus on the summary of its problems, whose first link leads to the French conclusions, its refusal as its description', { timeout: 60_000 }, async () => {
    // The lead steers the statement: signed in on a page of its own, the officer's left as it was.
    const officersPage = page;
    page = await (await browser.newContext()).newPage();
    try {
      await page.goto(`${url}/campaigns/${campaignId}/statement`);
      await signIn(page, 'lea');
      await page.waitForURL(`${url}/campaigns/${campaignId}/statement`);
      await openForm('Set conclusions and lessons learned');
      await tabTo('#conclusions-en');
      await page.keyboard.type('Every vendor answered.');
      await tabTo('#conclusions button[type=submit]');
      await enterToNewPage();
      // Three fields left blank: the summary takes the focus, named by its count, and links each field.
      expect(await focused()).toEqual({ role: 'alert', name: 'This form has 3 problems to fix:', description: '' });
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      // Refused by the campaign's own check, which names every blank text at once.
      expect(await focused()).toEqual({ role: 'textbox', name: 'Conclusions (French)', description: 'Fill in the conclusions in French: it must not be empty.' });
      expect(await page.title()).toBe(`Error: Joint statement: ${testCampaign(campaignId).title.en} — Dossier`);
      await checkPage(page, 'keyboard-conclusions-refused');
    } finally {
      await page.context().close();
      page = officersPage;
    }
  });
});

describe('a campaign file refused on upload, by keyboard', () => {
  it('puts focus on the file’s problems, named by their heading, and marks the file field wrong, in French too', { timeout: 60_000 }, async () => {
    const officersPage = page;
    page = await (await browser.newContext()).newPage();
    try {
      await page.goto(`${url}/campaigns/new`);
      await signIn(page, 'lea');
      await page.waitForURL(`${url}/campaigns/new`);
      for (const [language, heading] of [['en', /^The file has \d+ problems?; fix (it|them) and upload/], ['fr', /^Le fichier comporte \d+ problèmes?\s;\scorrigez/]] as const) {
        if (language === 'fr') {
          await tabTo('button[name=language]');
          await enterToNewPage();
        }
        await page.setInputFiles('#campaignFile', { name: 'campaign.yaml', mimeType: 'text/yaml', buffer: Buffer.from('id: broken\nvendors: [\n') });
        await tabTo('form.action button[type=submit]');
        await enterToNewPage();
        const summary = await focused();
        expect(summary.role).toBe('alert');
        expect(summary.name).toMatch(heading);
        expect(await page.getAttribute('#campaignFile', 'aria-invalid')).toBe('true');
        await checkPage(page, `keyboard-campaign-file-refused-${language}`);
      }
    } finally {
      await page.context().close();
      page = officersPage;
    }
  });
});

describe('the board, by keyboard', () => {
  it('after a sort, a page link or the filters, puts focus on the table, named by its rows and described by their order', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}`);
    await tabTo('th a', 'Vendor');
    await enterToNewPage();
    expect(await focused()).toEqual({
      role: 'table',
      name: 'Vendors 1 to 2 of 3 (3 in the campaign)',
      description: 'Sorted by the column Vendor, over every matching vendor.',
    });
    expect(await page.getAttribute('th[aria-sort=ascending] a', 'href')).toBe('?sort=vendor&dir=desc');

    await tabTo('#next-page');
    await enterToNewPage();
    expect(await focused()).toMatchObject({ role: 'table', name: 'Vendors 3 to 3 of 3 (3 in the campaign)' });

    await tabTo('.filters button[type=submit]');
    await enterToNewPage();
    expect(await focused()).toMatchObject({ role: 'table', name: 'Vendors 1 to 2 of 3 (3 in the campaign)' });
    await checkPage(page, 'keyboard-board-sorted');

    // The same board in French, as the language button brings it back.
    await tabTo('button[name=language]');
    await enterToNewPage();
    expect((await focused()).role).toBe('table');
    await tabTo('button[name=language]');
    await enterToNewPage();
  });
});

/** WCAG 2.2's relative luminance of an sRGB colour given as `rgb(r, g, b)` or `rgba(r, g, b, a)` (opaque only). */
function luminance(css: string): number {
  const channels = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(css);
  if (!channels) throw new Error(`not an rgb() colour: ${css}`);
  if (channels[4] !== undefined && Number(channels[4]) < 1) throw new Error(`a translucent colour has no contrast of its own: ${css}`);
  const [r, g, b] = channels.slice(1, 4).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.2's contrast ratio of two colours, from 1 to 21. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The focus indicator of the element with focus as Chromium computed it, and the colour it is drawn
 * over: that of the nearest element behind it with a background of its own (the indicator sits
 * outside the element, at its outline offset).
 */
async function focusIndicator(): Promise<{ style: string; width: number; offset: number; color: string; behind: string }> {
  // A string, evaluated in the page: the tests are compiled without the DOM's types.
  return page.evaluate(`(() => {
    const focused = document.activeElement;
    const style = getComputedStyle(focused);
    let behind = 'rgba(0, 0, 0, 0)';
    for (let e = focused.parentElement; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (colour !== 'transparent' && colour !== 'rgba(0, 0, 0, 0)') {
        behind = colour;
        break;
      }
    }
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), offset: parseFloat(style.outlineOffset), color: style.outlineColor, behind };
  })()`);
}

/**
 * What of the page reaches past the right edge of the window, data tables included (their rows
 * become blocks at narrow widths, SC 1.4.10): each element or text, by its tag and where it ends, and
 * the page itself when it scrolls sideways.
 */
async function pastTheEdge(): Promise<string[]> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const past = [];
    if (document.documentElement.scrollWidth > width) past.push('the page scrolls sideways to ' + document.documentElement.scrollWidth);
    for (const e of document.querySelectorAll('body *')) {
      const box = e.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5) past.push(e.tagName + (e.id ? '#' + e.id : '') + ' ends at ' + Math.round(box.right));
    }
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(text);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5) past.push('“' + text.textContent.trim().slice(0, 40) + '” ends at ' + Math.round(box.right));
    }
    return past.slice(0, 12);
  })()`);
}

/**
 * The roles Chromium's accessibility tree gives a screen reader for the page's tables and their parts,
 * counted, and the text it reads for each cell.
 */
async function tableRoles(): Promise<{ roles: Record<string, number>; cells: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; name?: { value: string }; ignored?: boolean }[] };
    const roles: Record<string, number> = {};
    const cells: string[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (!node.ignored && ['table', 'row', 'columnheader', 'rowheader', 'cell'].includes(role)) roles[role] = (roles[role] ?? 0) + 1;
      if (!node.ignored && role === 'cell') cells.push(node.name?.value ?? '');
    }
    return { roles, cells };
  } finally {
    await cdp.detach();
  }
}

/**
 * A campaign of its own, with a row in every table its pages show before a statement is drafted:
 * the board's, the campaigns list's, the questions', the demonstrations', the timeline's and the
 * holding pen's. Made once, by the first test that asks for it.
 */
let everyTable: Promise<string> | undefined;
function campaignWithEveryTable(): Promise<string> {
  everyTable ??= (async () => {
    const { campaignId: reflowId, dossier } = await campaignWithLettersOut(env, 'reflow', ['delta', 'echo']);
    const delta = { campaignId: reflowId, vendorId: 'delta' };
    await dossier.recordResponse(delta, { by: 'Owen Okafor', summary: 'Delta answered.', attachments: [], receivedAt: new Date().toISOString() });
    await dossier.askFollowUp(delta, { by: 'Owen Okafor', questions: ['How long are recordings of meetings kept, and where?'] });
    await dossier.scheduleDemonstration(delta, {
      by: 'Owen Okafor', at: new Date(Date.now() + 3 * 86_400_000).toISOString(), durationMinutes: 60,
      attendees: [{ name: 'Privacy lead', email: 'privacy@delta.test' }], topics: ['How encryption keys are managed'],
      location: 'OPC, Gatineau', meetingUrl: 'https://meet.example.org/opc-delta-demonstration',
    });
    const letterId = messageIdFor(engagementWorkflowId(reflowId, 'echo'), 'letter', mailDomain(env.config.mailFrom));
    const inbox = new MaildirMailbox(workspace.env.DOSSIER_MAILDIR!);
    await inbox.open();
    await inbox.append(await composeReply({
      from: 'counsel@lawfirm.test', to: 'case@test.example', subject: 'Re: open letter', messageId: `<held-${reflowId}@lawfirm.test>`,
      inReplyTo: letterId, references: [letterId], text: 'We act for Echo.',
    }));
    const intake = await openIntake(workspace.env, undefined, { dossier, campaigns: new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }) });
    try {
      expect((await intake.intake.pass()).map((s) => s.outcome)).toEqual(['held']);
    } finally {
      await intake.close();
    }
    return reflowId;
  })();
  return everyTable;
}

describe('the pages at 320 CSS pixels wide (400% zoom), in English and French', () => {
  it('fit the window, their data tables too: facts, addresses, Message-IDs, long French words, the file field and each table’s rows wrap or shrink', { timeout: 120_000 }, async () => {
    const reflowId = await campaignWithEveryTable();
    const officersPage = page;
    page = await (await browser.newContext({ viewport: { width: 320, height: 640 } })).newPage();
    try {
      await page.goto(`${url}/campaigns/${reflowId}/engagements/delta`);
      await signIn(page, 'lea');
      await page.waitForURL(`${url}/campaigns/${reflowId}/engagements/delta`);
      const letter = await page.locator('#sent-mail a').first().getAttribute('href');
      const tables: Record<string, number> = {
        '/campaigns': 1,
        [`/campaigns/${reflowId}`]: 1,
        [`/campaigns/${reflowId}/engagements/delta`]: 3,
        [letter!]: 0,
        // Its authorities' table comes with the first version drafted: statement-reading.test.ts holds it to 320 pixels.
        [`/campaigns/${reflowId}/statement`]: 0,
        [`/held/${reflowId}`]: 1,
        '/campaigns/new': 0,
      };
      for (const language of ['en', 'fr']) {
        // Léa's language is hers wherever she signs in: one she chose in a test before comes with her here.
        if ((await page.getAttribute('html', 'lang')) !== language) {
          await tabTo('button[name=language]');
          await enterToNewPage();
        }
        for (const [path, count] of Object.entries(tables)) {
          await page.goto(`${url}${path}`);
          expect(await page.getAttribute('html', 'lang')).toBe(language);
          expect(await page.locator('table tbody tr').count(), `rows of the tables of ${path}`).toBeGreaterThanOrEqual(count);
          expect(await pastTheEdge(), `${path} in ${language}`).toEqual([]);
          // Still tables to a screen reader, their rows' cells and headers too, though shown as blocks.
          if (count) {
            const { roles, cells } = await tableRoles();
            expect(roles, `${path} in ${language}`).toMatchObject({ table: count, columnheader: expect.any(Number), rowheader: expect.any(Number), cell: expect.any(Number) });
            // A cell's column name is drawn above it, but a screen reader has it from the header: not read twice.
            const bare = (text: string) => text.replace(/\s+/g, '');
            const doubled = new Set(await page.locator('td[data-label]').evaluateAll((tds) => tds.map((td) => `${td.getAttribute('data-label')}${td.textContent}`)).then((texts) => texts.map(bare)));
            expect(cells.filter((cell) => doubled.has(bare(cell))), `${path} in ${language}`).toEqual([]);
            await checkPage(page, `narrow${path.replace(reflowId, 'campaign').replace(/\//g, '-')}-${language}`);
          }
        }
      }
      await tabTo('button[name=language]');
      await enterToNewPage();
    } finally {
      await page.context().close();
      page = officersPage;
    }
  });
});

/** WCAG 1.4.12's test spacing, as its understanding document gives it: what a reader's own style sheet may set. */
const TEXT_SPACING = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';

/**
 * What of the page's text is cut off or drawn over other text: an element that hides what overflows
 * it (but for the visually hidden, one pixel wide on purpose, and the text fields, which scroll), and
 * every two lines of text whose boxes cross.
 */
async function cutOrOverlapping(): Promise<string[]> {
  return page.evaluate(`(() => {
    const found = [];
    const named = (e) => e.tagName + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '');
    for (const e of document.querySelectorAll('body *')) {
      const style = getComputedStyle(e);
      if (e.matches('input, textarea') || e.clientWidth <= 1 || !e.textContent.trim()) continue;
      const hides = (o) => o !== 'visible';
      if ((hides(style.overflowX) && e.scrollWidth > e.clientWidth + 1) || (hides(style.overflowY) && e.scrollHeight > e.clientHeight + 1)) found.push(named(e) + ' cuts its text off');
    }
    const lines = [];
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode()) {
      if (!text.textContent.trim() || text.parentElement.closest('.visually-hidden, .skip, thead:not(.sort-links), option')) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const box of range.getClientRects()) if (box.width > 0 && box.height > 0) lines.push({ text, box });
    }
    for (let i = 0; i < lines.length; i++) {
      for (let j = i + 1; j < lines.length; j++) {
        const a = lines[i].box, b = lines[j].box;
        const across = Math.min(a.right, b.right) - Math.max(a.left, b.left), down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (across > 1 && down > 1) found.push('“' + lines[i].text.textContent.trim().slice(0, 30) + '” and “' + lines[j].text.textContent.trim().slice(0, 30) + '” overlap');
      }
    }
    return [...new Set(found)].slice(0, 12);
  })()`);
}

/**
 * The element with focus, where the keyboard left it: whether it is entirely hidden by other content
 * (SC 2.4.11: its centre and its four inner corners all under something else), and what else on the
 * page became visible when it took focus and the pointer rested on it (SC 1.4.13).
 */
async function focusedAndRevealed(shownBefore: string[]): Promise<{ name: string; hidden: boolean; revealed: string[] } | undefined> {
  const centre = await page.evaluate<[number, number] | null>(`(() => {
    if (!document.activeElement || document.activeElement === document.body) return null;
    const box = document.activeElement.getBoundingClientRect();
    return [box.left + box.width / 2, box.top + box.height / 2];
  })()`);
  if (!centre) return undefined;
  await page.mouse.move(...centre);
  return page.evaluate(`(() => {
    const focused = document.activeElement;
    const name = focused.tagName + (focused.id ? '#' + focused.id : '') + ' ' + (focused.textContent || '').trim().slice(0, 30);
    const box = focused.getBoundingClientRect();
    const inset = (a, b) => [a + 2, b - 2];
    const [left, right] = inset(box.left, box.right), [top, bottom] = inset(box.top, box.bottom);
    const points = [[(box.left + box.right) / 2, (box.top + box.bottom) / 2], [left, top], [right, top], [left, bottom], [right, bottom]];
    const seen = points.some(([x, y]) => { const hit = document.elementFromPoint(x, y); return hit && (focused.contains(hit) || hit.contains(focused)); });
    const before = new Set(${JSON.stringify(shownBefore)});
    // The element itself may show as it takes focus (a link to skip to the content): not more content.
    const own = window.__pathOf(focused);
    const revealed = window.__shown().filter((e) => !before.has(e) && !e.startsWith(own));
    return { name, hidden: box.width > 0 && !seen, revealed };
  })()`);
}

/** Every element shown on the page, by its path: what focus or hover adds to it is content they revealed. */
const SHOWN = `window.__pathOf = (e) => { let path = ''; for (let x = e; x && x !== document.body; x = x.parentElement) path = x.tagName + ':' + [...x.parentElement.children].indexOf(x) + '/' + path; return path; };
window.__shown = () => [...document.querySelectorAll('body *')].filter((e) => {
  const box = e.getBoundingClientRect(), style = getComputedStyle(e);
  return box.width > 1 && box.height > 1 && box.right > 0 && box.left < innerWidth && style.visibility !== 'hidden' && style.opacity !== '0';
}).map(window.__pathOf)`;

describe('the board and an engagement at 200% zoom and 320 CSS pixels, beyond what axe checks', () => {
  const sizes = [{ width: 640, height: 400 }, { width: 320, height: 640 }];

  it('keep every text whole and apart with a reader’s text spacing (SC 1.4.12), in English and French', { timeout: 120_000 }, async () => {
    const reflowId = await campaignWithEveryTable();
    const officersPage = page;
    try {
      for (const viewport of sizes) {
        // The reader's style sheet is inline: the page's Content-Security-Policy would refuse it.
        page = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
        await page.goto(`${url}/campaigns/${reflowId}`);
        await signIn(page, 'lea');
        await page.waitForURL(`${url}/campaigns/${reflowId}`);
        for (const language of ['en', 'fr']) {
          if (language === 'fr') {
            await tabTo('button[name=language]');
            await enterToNewPage();
          }
          for (const path of [`/campaigns/${reflowId}`, `/campaigns/${reflowId}/engagements/delta`]) {
            await page.goto(`${url}${path}`);
            await page.addStyleTag({ content: TEXT_SPACING });
            expect(await page.evaluate<string>('getComputedStyle(document.querySelector("main p")).letterSpacing'), 'the spacing applied').not.toBe('normal');
            // Every form opened: their fields, hints and buttons are text too.
            await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
            const named = `${path} in ${language} at ${viewport.width} pixels`;
            await page.screenshot({ path: join(SCREENSHOTS_DIR, `text-spacing${path.replace(reflowId, 'campaign').replace(/\//g, '-')}-${language}-${viewport.width}.png`), fullPage: true });
            expect(await cutOrOverlapping(), named).toEqual([]);
            expect(await pastTheEdge(), named).toEqual([]);
          }
        }
        await tabTo('button[name=language]');
        await enterToNewPage();
        await page.context().close();
      }
    } finally {
      page = officersPage;
    }
  });

  it('leave what has focus in sight, and show nothing more on focus or hover (SC 2.4.11, 1.4.13)', { timeout: 180_000 }, async () => {
    const reflowId = await campaignWithEveryTable();
    const officersPage = page;
    try {
      for (const viewport of sizes) {
        page = await (await browser.newContext({ viewport })).newPage();
        await page.goto(`${url}/campaigns/${reflowId}`);
        await signIn(page, 'lea');
        await page.waitForURL(`${url}/campaigns/${reflowId}`);
        for (const path of [`/campaigns/${reflowId}`, `/campaigns/${reflowId}/engagements/delta`]) {
          await page.goto(`${url}${path}`);
          // Every form opened: their fields and buttons take focus too.
          await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
          await page.evaluate(SHOWN);
          await page.mouse.move(0, 0);
          const shownBefore = await page.evaluate<string[]>('window.__shown()');
          const problems: string[] = [];
          // The controls Tab stops at: a closed form's fields are out of the order until it is opened.
          const focusable = await page.evaluate<number>(`[...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]')].filter((e) => e.checkVisibility()).length`);
          let reached = 0;
          for (; reached < focusable; reached++) {
            await page.keyboard.press('Tab');
            const found = await focusedAndRevealed(shownBefore);
            if (!found) break;
            const { name, hidden, revealed } = found;
            if (hidden) problems.push(`${name}: hidden`);
            if (revealed.length) problems.push(`${name}: reveals ${revealed.slice(0, 3).join(', ')}`);
          }
          expect(problems, `${path} at ${viewport.width} pixels`).toEqual([]);
          // Every control of the page had its turn (the board's sort links and pages, each form's summary).
          expect(reached, `${path} at ${viewport.width} pixels`).toBe(focusable);
        }
        await page.context().close();
      }
    } finally {
      page = officersPage;
    }
  });
});

describe('a letter sent in the vendor’s language, read on a page in the other', () => {
  it('marks the letter’s subject and text with the language they are written in, the page’s own words with the page’s', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}/engagements/acme`);
    const letter = await page.locator('#sent-mail a').first().getAttribute('href');
    await page.goto(`${url}${letter}`);
    await tabTo('button[name=language]');
    await enterToNewPage();
    try {
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      // Acme's letter went out in English (its Content-Language); a French screen reader voice would mangle it.
      const languageOf = (selector: string) => page.locator(selector).evaluate((e) => e.closest('[lang]')?.getAttribute('lang'));
      expect(await page.locator('#mail-text').innerText()).toContain('Vendor acme');
      expect(await languageOf('#mail-text')).toBe('en');
      expect(await languageOf('#mail-subject')).toBe('en');
      expect(await languageOf('#mail-headers dt >> nth=0')).toBe('fr');
      await checkPage(page, 'mail-sent-letter-fr');
    } finally {
      await tabTo('button[name=language]');
      await enterToNewPage();
    }
  });
});

describe('the dark page header, by keyboard', () => {
  it('shows focus on its links and buttons with a ring of at least 3:1 against the header, 2 px wide, outside the control', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns`);
    const header = await page.evaluate<string>("getComputedStyle(document.querySelector('header.site')).backgroundColor");
    for (const [selector, text] of [['header.site a', 'Dossier'], ['header.site a', 'Campaigns'], ['header.site button[name=language]', undefined], ['header.site form[action="/logout"] button', undefined]] as const) {
      await tabTo(selector, text);
      const ring = await focusIndicator();
      const named = `${selector} ${text ?? ''}: a ${ring.style} ${ring.width}px ring of ${ring.color} on ${ring.behind}`;
      expect(ring.behind, named).toBe(header);
      expect(contrast(ring.color, header), named).toBeGreaterThanOrEqual(3);
      // ‘auto’ leaves the ring's look to the browser (Chromium's is dark, drawn over the control's
      // edge): its colour is then no promise of what is drawn. A solid ring outside the control is.
      expect(ring.style, named).toBe('solid');
      expect(ring.width, named).toBeGreaterThanOrEqual(2);
      expect(ring.offset, named).toBeGreaterThanOrEqual(0);
    }
    await checkPage(page, 'keyboard-header-focus');
  });
});

describe('a reply to review, by keyboard', () => {
  it('is taken as the answers to the question ticked, a refusal first tied to the questions, from the engagement page', { timeout: 60_000 }, async () => {
    // Acme's response is recorded and a question asked above; its reply arrives as the intake records one.
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'acme' };
    await dossier.recordInbound(ref, {
      messageId: `<answers-${campaignId}@acme.test>`, from: 'privacy@acme.test', subject: 'Re: your questions', receivedAt: new Date().toISOString(),
      kind: 'reply', matchedBy: 'thread', text: 'Recordings are kept for 30 days.', documents: [], notes: [],
    });
    await page.goto(`${url}/campaigns/${campaignId}/engagements/acme`);
    await openForm('Review the reply: Re: your questions');
    await tabTo('#confirm-answers-0 button[type=submit]');
    await enterToNewPage();
    const box = await focused();
    expect(box).toMatchObject({ role: 'checkbox', description: 'Name the questions the reply answers.' });
    expect(box.name).toContain('Combien de temps gardez-vous les enregistrements ?');
    await checkPage(page, 'keyboard-reply-answers-refused');
    await page.keyboard.press('Space');
    await tabTo('#confirm-answers-0 button[type=submit]');
    await enterToNewPage();
    expect((await focused()).role).toBe('status');
    expect(await focusedText()).toBe('The reply is recorded as the answers.');
    expect((await dossier.status(ref)).questions.map((q) => q.answer)).toEqual(['Recordings are kept for 30 days.']);
  });
});

describe('findings written in English and French, on a French page', () => {
  it('marks each language’s text with its language, in the conclusion’s fields and in the findings shown once concluded', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}/engagements/cobalt`);
    await tabTo('button[name=language]');
    await enterToNewPage();
    try {
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      // The English fields of the conclusion, as their French siblings are French.
      expect(await page.getAttribute('#assessment-security', 'lang')).toBe('en');
      expect(await page.getAttribute('#practices-security', 'lang')).toBe('en');
      expect(await page.getAttribute('#assessment-security-fr', 'lang')).toBe('fr');

      const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
      await dossier.conclude({ campaignId, vendorId: 'cobalt' }, { by: 'Owen Okafor', findings: completeFindings() });
      await page.reload();
      const said = await page.locator('#findings dd').first().locator('span[lang]').evaluateAll((spans) => spans.map((s) => `${s.getAttribute('lang')}: ${s.textContent}`));
      expect(said).toEqual([
        'en: Meets the security principle.',
        'fr: Respecte le principe security.',
        'en: Documented security controls',
        'fr: Contrôles security documentés',
      ]);
      await checkPage(page, 'keyboard-findings-fr');
    } finally {
      await tabTo('button[name=language]');
      await enterToNewPage();
    }
  });
});

describe('the accessibility check the page tests run', () => {
  it('finds text cut off or drawn over other text, focus hidden under a sticky header, and content shown on hover', async () => {
    const officersPage = page;
    page = await (await browser.newContext({ viewport: { width: 320, height: 200 } })).newPage();
    try {
      await page.setContent(`<!DOCTYPE html><html lang="en"><head><title>Traps</title></head><body>
        <header style="position:sticky;top:0;height:120px;background:#fff">Header</header>
        <p style="height:1.2em;overflow:hidden;margin:0">A line that the spacing of a reader pushes onto a second line, cut off</p>
        <p style="height:1em;margin:0">Two lines of text in a box one line high, spilling over the next</p><p>The next paragraph</p>
        <style>.tip{display:none}a:hover + .tip,a:focus + .tip{display:block}</style>
        <main style="height:600px"><a href="#a">First</a><span class="tip">A tip shown on hover</span></main></body></html>`);
      const cut = await cutOrOverlapping();
      expect(cut.some((problem) => problem.startsWith('P cuts its text off')), cut.join('; ')).toBe(true);
      expect(cut.some((problem) => problem.includes('overlap')), cut.join('; ')).toBe(true);
      await page.evaluate(SHOWN);
      const shownBefore = await page.evaluate<string[]>('window.__shown()');
      // Focus, scrolled to under the header as a page with a sticky header would leave it.
      await page.focus('a');
      await page.evaluate("window.scrollTo(0, document.querySelector('a').getBoundingClientRect().top + scrollY - 40)");
      const found = await focusedAndRevealed(shownBefore);
      expect(found).toMatchObject({ hidden: true });
      expect(found?.revealed.join()).toContain('SPAN');
    } finally {
      await page.context().close();
      page = officersPage;
    }
  });

  it('holds a page to WCAG 2.2 AA’s target size, which axe leaves off unless asked', async () => {
    const context = await browser.newContext();
    try {
      const bare = await context.newPage();
      // Two 10-pixel buttons side by side: neither 24 pixels wide nor 24 pixels from the other.
      await bare.setContent('<!DOCTYPE html><html lang="en"><head><title>Targets</title></head><body><main><h1>Targets</h1><button style="width:10px;height:10px;padding:0;margin:0;border:0" aria-label="Previous"></button><button style="width:10px;height:10px;padding:0;margin:0;border:0" aria-label="Next"></button></main></body></html>');
      const refused = await checkPage(bare, 'check-small-targets').then(() => undefined, (err: { actual?: unknown }) => err);
      // The violations it lists, each by its rule.
      expect(JSON.stringify(refused?.actual)).toMatch(/"target-size \(serious\)/);
    } finally {
      await context.close();
    }
  });
});
