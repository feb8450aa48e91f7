// The statement page as a co-signatory reads it in Chromium, in French and in English: the campaign's
// state is the workflow's own (CampaignCase, driven through a send-back and a second version), served
// to the workspace by a stand-in campaign client, so the page's layout and markup are tested without
// a worker. What a real co-signatory meets: another authority's long or multi-line comment, and the
// word-by-word comparison read by a screen reader.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import { fromTemporal } from '../../client/errors';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { CampaignCase } from '../../workflows/campaign-state';
import { CampaignClient } from '../../client/campaign-api';
import type { ApproveStatementInput } from '../../workflows/messages';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { checkPage, launchBrowser } from '../helpers/web';
import { serveApp, type ServedApp } from '../helpers/served-app';
import { TEST_SESSION_SECRET, webConfigWithoutSignIn } from '../helpers/web-session';

/** A link pasted into a comment: one word far wider than any screen. */
const PASTED_LINK = `https://www.edoeb.admin.ch/dam/documents/${'Rapport2026AnnexeObservations'.repeat(12)}.pdf`;
const COMMENT = `Voir ${PASTED_LINK}\nDeuxième point : nommer les cinq principes.\n\nTroisième point : la date.`;

const cases = new Map<string, CampaignCase>();
let served: ServedApp | undefined;
let url: string;
let browser: Browser;
/** Change requests the page sent to the campaign: a reload must send none. */
let changeRequestsSent = 0;

beforeAll(async () => {
  const base = testCampaign('vc');
  const campaign = { ...base, authorities: base.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone: 'America/Toronto' } : a)) };
  const kase = new CampaignCase(
    { campaign, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } },
    'edit-loop',
  );
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  const conclusions = (en: string, fr: string) => ({ by: 'Léa Tremblay (lea, signed in)', conclusions: { en: [en], fr: [fr] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  kase.setConclusions(conclusions('The companies described their measures.', 'Les entreprises ont décrit leurs mesures.'), '2026-11-24T15:00:00.000Z');
  kase.startApproval('2026-11-25T15:00:00.000Z');
  kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia Wiśniewska (zofia, signed in)', version: 1, comment: COMMENT }, '2026-11-25T16:00:00.000Z');
  kase.setConclusions(conclusions('The companies described their five principles.', 'Les entreprises ont décrit leurs cinq principes.'), '2026-11-26T15:00:00.000Z');
  kase.requestDraft({ by: 'Léa Tremblay (lea, signed in)' }, '2026-11-26T16:00:00.000Z');
  expect(kase.status().draft?.version).toBe(2);
  // Two more campaigns at version 1: one that lacks only the FDPIC's approval (which publishes it),
  // one the FDPIC has approved and may take back.
  for (const [id, approver] of [['vc-last', 'opc'], ['vc-taken-back', 'fdpic']] as const) {
    const other = new CampaignCase({ campaign: { ...campaign, id }, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: id, notifyVendors: true } }, 'edit-loop');
    other.addEngagement(testVendor('zoom'), false);
    other.engagementFailed('zoom', 'worker lost');
    other.setConclusions(conclusions('The companies described their measures.', 'Les entreprises ont décrit leurs mesures.'), '2026-11-24T15:00:00.000Z');
    other.startApproval('2026-11-25T15:00:00.000Z');
    other.approve({ authorityId: approver, by: approver === 'opc' ? 'Léa Tremblay (lea, signed in)' : 'Zofia Wiśniewska (zofia, signed in)', version: 1 }, '2026-11-25T16:00:00.000Z');
    cases.set(id, other);
  }

  const port = await freePort();
  const app = createWebApp({
    config: webConfigWithoutSignIn(port),
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    // The campaign client itself (its statementPdf), over the workflow's own state instead of Temporal's queries.
    campaigns: async () =>
      Object.assign(Object.create(CampaignClient.prototype) as CampaignClient, {
        status: async (id: string) => (cases.get(id) ?? kase).status(),
        statement: async (id: string, version?: number) => {
          const of = cases.get(id) ?? kase;
          return version === undefined ? of.draft : of.statementVersion(version);
        },
        statementChanges: async (id: string) => (cases.get(id) ?? kase).changesOfCurrentVersion(),
        // The page was read at version 1; the lead has drafted version 2 since, so the campaign refuses either answer.
        // The other campaigns take an answer as their workflow does: its validator, then its handler.
        approve: async (id: string, input: ApproveStatementInput) => {
          const other = cases.get(id);
          if (!other) return refusedByCampaign(() => kase.checkApproval({ authorityId: 'fdpic', by: 'Zofia', version: 1 }));
          refusedByCampaign(() => other.checkApproval(input), false);
          return other.approve(input, '2026-11-26T09:00:00.000Z');
        },
        withdrawApproval: async (id: string, input: ApproveStatementInput) => {
          const other = cases.get(id)!;
          refusedByCampaign(() => other.checkWithdrawal(input), false);
          return other.withdrawApproval(input, '2026-11-26T10:00:00.000Z');
        },
        requestChanges: async () => {
          changeRequestsSent++;
          return refusedByCampaign(() => kase.checkChangeRequest({ authorityId: 'fdpic', by: 'Zofia', version: 1, comment: 'x' }));
        },
        statementText: async (id: string) => (cases.get(id) ?? kase).text,
        letterCopiesPutBack: async () => [],
        // The lead's conclusions, as the campaign's validator checks them (every problem at once).
        setConclusions: async (id: string, input: never) => refusedByCampaign(() => (cases.get(id) ?? kase).checkConclusions(input)),
      }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  served = await serveApp(app, port);
  url = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
});

/** The campaign's refusal as the client hands it on, from its validator's check; `mustRefuse`: an accepted request is the test's fault. */
function refusedByCampaign(check: () => void, mustRefuse = true): never | void {
  try {
    check();
  } catch (err) {
    throw fromTemporal(new WorkflowUpdateFailedError('Workflow Update failed', err as Error), 'campaign campaign:vc', '127.0.0.1:7233');
  }
  if (mustRefuse) throw new Error('the check accepted the request');
}

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** The statement page of `campaign` as the FDPIC's co-signatory reads it, on a screen `width` pixels wide. */
async function statementAsCoSignatory(language: 'en' | 'fr', width = 1024, campaign = 'vc'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const session = { id: 'c'.repeat(32), csrf: 't', language, user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + 3_600_000 };
  await context.addCookies([{ name: 'dossier_session', value: new CookieSealer(TEST_SESSION_SECRET).seal(session), url }]);
  const page = await context.newPage();
  await page.goto(`${url}/campaigns/${campaign}/statement`);
  return page;
}

describe('a comment sent back on the statement, on the co-signatory’s page', () => {
  it('stays within the page however long a word it holds, and keeps its line breaks as typed', async () => {
    for (const width of [1024, 400, 320]) {
      const page = await statementAsCoSignatory('fr', width);
      const pageWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
      const screenWidth = await page.locator('html').evaluate((html) => html.clientWidth);
      expect(pageWidth, `page width on a ${width}-pixel screen`).toBeLessThanOrEqual(screenWidth);
      const answer = await page.locator('tr[data-authority=fdpic] td').innerText();
      expect(answer).toContain(`${PASTED_LINK}\nDeuxième point`);
      expect(answer).toContain('principes.\n\nTroisième point');
      expect(await page.locator('main li', { hasText: 'renvoyée' }).innerText()).toContain('principes.\n\nTroisième point');
      await page.context().close();
    }
  });
});

describe('the comparison of two versions, read aloud', () => {
  it('says its own words (the language, “added”, “removed”) in the page’s language, and only the quoted text in the text’s', async () => {
    for (const language of ['fr', 'en'] as const) {
      const page = await statementAsCoSignatory(language);
      // Every word the workspace adds around a quoted text, with the language a screen reader reads it in.
      const added = await page.locator('#changes p.diff .diff-language, #changes p.diff .visually-hidden').evaluateAll((spans) =>
        spans.map((span) => ({ text: span.textContent, lang: span.closest('[lang]')?.getAttribute('lang') })),
      );
      expect(added.length).toBeGreaterThan(0);
      expect(added.filter((span) => span.lang !== language)).toEqual([]);
      // The versions' own words keep the language they are written in.
      for (const quoted of ['en', 'fr']) {
        expect(await page.locator(`#changes p.diff[lang=${quoted}] ins`).first().evaluate((ins) => ins.closest('[lang]')?.getAttribute('lang'))).toBe(quoted);
      }
      await checkPage(page, `statement-co-signatory-reading-${language}`);
      await page.context().close();
    }
  });
});

describe('an answer the campaign refuses because the version was replaced meanwhile', () => {
  it('is announced and takes the focus where the co-signatory acted, in both forms and languages', async () => {
    for (const [form, language, words] of [
      ['approve', 'fr', 'La version 1 n’est pas la version en cours'],
      ['request-changes', 'en', 'Version 1 is not the current draft'],
    ] as const) {
      const page = await statementAsCoSignatory(language);
      // The page as it was read before the lead drafted version 2.
      await page.locator(`form#${form} input[name=version]`).evaluate((input) => input.setAttribute('value', '1'));
      if (form === 'request-changes') await page.fill('#changes-comment', 'Name the five principles.');
      await page.locator(`form#${form} button[type=submit]`).click();
      await page.waitForLoadState();
      // Focus is on the refusal, inside the form the co-signatory sent, and a screen reader hears it as an alert.
      const focused = await page.locator('html').evaluate((html) => {
        const active = html.ownerDocument.activeElement;
        return { text: active?.textContent ?? '', form: active?.closest('form')?.id };
      });
      expect(focused).toEqual({ text: expect.stringContaining(words), form });
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.count()).toBe(1);
      expect(await alert.innerText()).toContain(words);
      const tree = await page.locator('main').ariaSnapshot();
      expect(tree).toMatch(new RegExp(`- alert: .*${words.slice(0, 12)}`));
      if (form === 'request-changes') expect(await page.inputValue('#changes-comment')).toBe('Name the five principles.');
      await checkPage(page, `statement-refused-${form}-${language}`);
      await page.context().close();
    }
  });
});

describe('a change request sent with no comment, by keyboard', () => {
  it('comes back with focus on the comment field, its refusal as its description, in both languages', async () => {
    for (const [language, name, description] of [
      ['fr', 'Ce qui doit changer', 'Ce champ est obligatoire.'],
      ['en', 'What should change', 'This field is required.'],
    ] as const) {
      const page = await statementAsCoSignatory(language);
      await page.focus('#request-changes button[type=submit]');
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
      // What a screen reader is given for the element with focus: the field to fill in, not the error's paragraph.
      const cdp = await page.context().newCDPSession(page);
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
        nodes: { role?: { value: string }; name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[];
      };
      const node = nodes.filter((n) => n.properties?.some((p) => p.name === 'focused' && p.value.value === true)).pop();
      expect({ role: node?.role?.value, name: node?.name?.value, description: node?.description?.value }).toEqual({ role: 'textbox', name, description });
      expect(await page.getAttribute('#changes-comment', 'aria-invalid')).toBe('true');
      await checkPage(page, `statement-comment-refused-${language}`);
      await page.context().close();
    }
  });
});

describe('the approve button, reached by keyboard', () => {
  it('says what approving leads to as its description, in both languages', async () => {
    for (const [language, name, leadsTo] of [
      ['fr', 'Approuver la version 2', /^La déclaration est publiée dès qu’elle a les approbations requises/],
      ['en', 'Approve version 2', /^The statement is published as soon as it has the approvals it needs/],
    ] as const) {
      const page = await statementAsCoSignatory(language);
      for (let i = 0; i < 80 && !(await page.locator('#approve button[type=submit]:focus').count()); i++) await page.keyboard.press('Tab');
      const cdp = await page.context().newCDPSession(page);
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
        nodes: { role?: { value: string }; name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[];
      };
      const node = nodes.filter((n) => n.properties?.some((p) => p.name === 'focused' && p.value.value === true)).pop();
      expect({ role: node?.role?.value, name: node?.name?.value }).toEqual({ role: 'button', name });
      expect(node?.description?.value ?? '').toMatch(leadsTo);
      await page.context().close();
    }
  });
});

describe('the draft PDF link of a version the lead has since replaced', () => {
  it('says so in the reader’s language, on a page a screen reader reads, with version 1 as it was and a way back', async () => {
    for (const language of ['fr', 'en'] as const) {
      const page = await statementAsCoSignatory(language);
      await page.goto(`${url}/campaigns/vc/statement/draft.${language}.pdf?version=1`);
      const heading = await page.locator('h1').innerText();
      expect(heading).toBe(language === 'fr' ? 'La version 1 de la déclaration a été remplacée' : 'Version 1 of the statement has been replaced');
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      expect(await page.locator('main a[href="/campaigns/vc/statement"]').innerText()).toMatch(/version 2/);
      const asItWas = page.locator(`main a[hreflang=${language}]`);
      expect(await asItWas.getAttribute('href')).toBe(`/campaigns/vc/statement/draft.${language}.pdf?version=1&as-it-was`);
      await checkPage(page, `statement-superseded-${language}`);
      await page.context().close();
    }
  });
});

/** What a screen reader is given for the element with focus once Tab reaches `selector`. */
async function focusedByTab(page: Page, selector: string) {
  for (let i = 0; i < 80 && !(await page.locator(`${selector}:focus`).count()); i++) await page.keyboard.press('Tab');
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: { role?: { value: string }; name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[];
  };
  const node = nodes.filter((n) => n.properties?.some((p) => p.name === 'focused' && p.value.value === true)).pop();
  return { role: node?.role?.value, name: node?.name?.value, description: node?.description?.value ?? '' };
}

describe('the approval that would publish the statement', () => {
  it('says so as the button’s description and is given only with the confirmation ticked, in both languages', async () => {
    for (const [language, publishes, confirm] of [
      ['fr', /^Votre approbation est la dernière dont la déclaration a besoin : la version 1 est alors publiée/, /^Je confirme : mon autorité approuve la version 1/],
      ['en', /^Your approval is the last one the statement needs: version 1 is then published at once/, /^I confirm: my authority approves version 1/],
    ] as const) {
      const page = await statementAsCoSignatory(language, 1024, 'vc-last');
      const button = await focusedByTab(page, '#approve button[type=submit]');
      expect(button.description.replace(/\u00a0/g, ' ')).toMatch(publishes);
      const box = page.locator('#approve-confirm');
      expect({ type: await box.getAttribute('type'), name: await box.getAttribute('name'), required: await box.getAttribute('required') }).toEqual({ type: 'checkbox', name: 'confirm', required: '' });
      expect((await page.locator('label[for=approve-confirm]').innerText()).replace(/\u00a0/g, ' ')).toMatch(confirm);
      await checkPage(page, `statement-last-approval-${language}`);
      await page.context().close();
    }
    // Sent without the confirmation (no browser check in the way): refused with the page's sentence, nothing approved.
    const page = await statementAsCoSignatory('en', 1024, 'vc-last');
    const unconfirmed = await page.request.post(`${url}/campaigns/vc-last/statement/approve`, { form: { _csrf: 't', version: '1' } });
    expect(unconfirmed.status()).toBe(422);
    expect(await unconfirmed.text()).toContain('Your approval would publish the statement: tick the confirmation to approve it.');
    expect(cases.get('vc-last')!.approved()).toBe(false);
    await page.check('#approve-confirm');
    await Promise.all([page.waitForURL(`${url}/campaigns/vc-last/statement`), page.click('#approve button[type=submit]')]);
    // Answered as what it is: the statement is going out, though the campaign signs it a moment later.
    expect(await page.locator('p.notice').innerText()).toBe(
      'Your approval is recorded, and it was the last one the statement needed: the statement is being published. Its PDFs appear on this page once they are ready (reload it in a moment), and every signatory receives them by email.',
    );
    expect(cases.get('vc-last')!.approved()).toBe(true);
    await page.context().close();
  });
});

describe('an approval the co-signatory takes back', () => {
  it('is offered while the statement is not published, recorded beside the approval, and refused once it is being published', async () => {
    const french = await statementAsCoSignatory('fr', 1024, 'vc-taken-back');
    const offered = await focusedByTab(french, '#withdraw-approval button[type=submit]');
    expect(offered.name).toBe('Retirer l’approbation de la version 1');
    expect(offered.description.replace(/\u00a0/g, ' ')).toMatch(/^Tant que la déclaration n’est pas publiée, votre autorité peut retirer son approbation de la version 1/);
    await checkPage(french, 'statement-approval-withdrawable-fr');
    await french.context().close();

    const page = await statementAsCoSignatory('en', 1024, 'vc-taken-back');
    await Promise.all([page.waitForURL(`${url}/campaigns/vc-taken-back/statement`), page.click('#withdraw-approval button[type=submit]')]);
    expect(await page.locator('p.notice').innerText()).toBe('Your approval is withdrawn; the version awaits your authority’s answer again.');
    const kase = cases.get('vc-taken-back')!;
    expect(kase.status().draft?.approvals).toEqual([]);
    expect(kase.status().approvalsWithdrawn).toMatchObject([{ authorityId: 'fdpic', version: 1, approval: { authorityId: 'fdpic', version: 1 } }]);
    // The approve form is back; one that does not publish says it can be taken back until then.
    expect(await page.locator('#withdraw-approval').count()).toBe(0);
    expect(await page.locator('#approve-leads-to').innerText()).toMatch(/Until then, your authority can withdraw its approval\.$/);
    expect(await page.locator('#approve-confirm').count()).toBe(0);

    // Approved again, and signed by the campaign: too late to take back, in the page's words.
    kase.approve({ authorityId: 'fdpic', by: 'Zofia Wiśniewska (zofia, signed in)', version: 1 }, '2026-11-26T11:00:00.000Z');
    kase.approve({ authorityId: 'opc', by: 'Léa Tremblay (lea, signed in)', version: 1 }, '2026-11-26T11:00:00.000Z');
    kase.sign('2026-11-26T11:00:00.000Z');
    const late = await page.request.post(`${url}/campaigns/vc-taken-back/statement/withdraw-approval`, { form: { _csrf: 't', version: '1' } });
    expect(late.status()).toBe(422);
    expect(await late.text()).toMatch(/The statement is past approval \(phase “[^”]+”\): an approval can no longer be withdrawn\./);
    await page.context().close();
  });
});

/** The statement page of `campaign` as Léa reads it: the lead officer, who signs for the OPC too. */
async function statementAsLead(language: 'en' | 'fr', campaign = 'vc'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const session = { id: 'l'.repeat(32), csrf: 't', language, user: { subject: 'lea', name: 'Léa Tremblay', roles: ['lead-officer', 'co-signatory'], authorityId: 'opc' }, expiresAt: Date.now() + 3_600_000 };
  await context.addCookies([{ name: 'dossier_session', value: new CookieSealer(TEST_SESSION_SECRET).seal(session), url }]);
  const page = await context.newPage();
  await page.goto(`${url}/campaigns/${campaign}/statement`);
  return page;
}

describe('a refused form, and then a reload', () => {
  it('lands on the statement page’s address with the refusal and what was typed, and a reload sends nothing again', async () => {
    const page = await statementAsCoSignatory('en');
    await page.locator('form#request-changes input[name=version]').evaluate((input) => input.setAttribute('value', '1'));
    await page.fill('#changes-comment', 'Name the five principles.');
    const before = changeRequestsSent;
    await Promise.all([page.waitForURL(`${url}/campaigns/vc/statement`), page.locator('form#request-changes button[type=submit]').click()]);
    expect(page.url()).toBe(`${url}/campaigns/vc/statement`);
    expect(await page.getByRole('alert').innerText()).toContain('Version 1 is not the current draft');
    expect(await page.inputValue('#changes-comment')).toBe('Name the five principles.');
    expect(changeRequestsSent).toBe(before + 1);
    // Chromium reloads a page reached by a redirect after a POST with a GET of its address.
    const posts: string[] = [];
    page.on('request', (request) => void (request.method() === 'POST' && posts.push(request.url())));
    const reloaded = await page.reload();
    expect(reloaded?.request().method()).toBe('GET');
    expect(reloaded?.status()).toBe(200);
    expect(posts).toEqual([]);
    expect(changeRequestsSent).toBe(before + 1);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });
});

describe('the conclusions form with several problems', () => {
  it('lists them all at the top, each linked to its field, with focus on the list, in both languages', async () => {
    for (const language of ['en', 'fr'] as const) {
      const page = await statementAsLead(language, 'vc-last');
      await page.locator('details:has(form#conclusions) > summary').click();
      await page.fill('#conclusions-en', '');
      await page.fill('#conclusions-fr', 'Chaque entreprise a répondu <iframe>.');
      await page.fill('#lessons-en', 'Ask early <script>.');
      await Promise.all([page.waitForURL(`${url}/campaigns/vc-last/statement`), page.locator('form#conclusions button[type=submit]').click()]);
      const summary = page.locator('#conclusions-problems');
      expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#conclusions-en', '#conclusions-fr', '#lessons-en']);
      expect(await page.evaluate('document.activeElement?.id')).toBe('conclusions-problems');
      for (const id of ['conclusions-en', 'conclusions-fr', 'lessons-en']) {
        expect(await page.getAttribute(`#${id}`, 'aria-invalid'), id).toBe('true');
        expect(await page.getAttribute(`#${id}`, 'aria-describedby'), id).toBe(`${id}-error`);
      }
      await checkPage(page, `statement-conclusions-refused-${language}`);
      await page.context().close();
    }
  });
});

describe('a statement PDF that does not exist, in the browser', () => {
  it('leads back to the statement page and passes the accessibility checks, in both languages', async () => {
    for (const [language, back] of [['en', 'Back to the statement'], ['fr', 'Retour à la déclaration']] as const) {
      const page = await statementAsCoSignatory(language);
      const response = await page.goto(`${url}/campaigns/vc/statement/published.${language}.pdf`);
      expect(response?.status()).toBe(404);
      expect(await page.locator('main a[href="/campaigns/vc/statement"]').innerText()).toContain(back);
      expect(await page.locator('#sign-in-until').innerText()).not.toContain('UTC');
      await checkPage(page, `statement-pdf-not-found-${language}`);
      await page.context().close();
    }
  });
});
