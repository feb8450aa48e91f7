// A campaign's board a page at a time (issue 18: a 1,000-vendor board must answer in under 300 ms, and
// the visibility server's cost grows with every row it returns). Here a page holds two rows and the
// campaign has five vendors: every vendor is reached through the page links, exactly once; the stage
// and overdue filters are applied by the visibility query; a column sort orders every vendor, not one
// page; a page link that is not the server's is refused with words, not a crash.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevUser } from '../../web/dev-identity-provider';
import { DossierClient } from '../../client/api';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { campaignWithLettersOut, checkPage, launchBrowser, signedInPage, startWorkspace, workspaceUrl, type Workspace } from '../helpers/web';

const USERS: DevUser[] = [{ login: 'owen', name: 'Owen Okafor', email: 'owen@opc.test', roles: ['officer'] }];
const VENDOR_IDS = ['acme', 'birch', 'cobalt', 'delta', 'ember'];
const PAGE_SIZE = 2;

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
  workspace = await startWorkspace(env, url, USERS, { boardPageSize: PAGE_SIZE });
  browser = await launchBrowser();
  let dossier: DossierClient;
  ({ campaignId, dossier } = await campaignWithLettersOut(env, 'paged', VENDOR_IDS));
  // One vendor in another stage, for the stage filter.
  await dossier.withdraw({ campaignId, vendorId: 'cobalt' }, { by: 'Owen Okafor', reason: 'Left the market' });
  await until(() => dossier.countMatching({ campaign: campaignId, stage: 'withdrawn' }), (n) => n === 1, 'cobalt withdrawn in visibility');
  page = await signedInPage(browser, `${url}/campaigns/${campaignId}`, 'owen');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
});

const vendorsOnPage = () => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vendor')));
const caption = async () => (await page.locator('caption').innerText()).trim();

/** Every page from the current one on, through its "Next page" link: the vendors of each page. */
async function walkPages(): Promise<string[][]> {
  const pages: string[][] = [(await vendorsOnPage()) as string[]];
  while ((await page.locator('#next-page').count()) > 0) {
    await page.click('#next-page');
    await page.waitForLoadState();
    pages.push((await vendorsOnPage()) as string[]);
  }
  return pages;
}

describe('the board of a campaign larger than a page', () => {
  it('reaches every vendor exactly once through its page links, numbering the rows', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}`);
    expect(await caption()).toBe('Vendors 1 to 2 of 5 (5 in the campaign)');
    expect(await page.locator('#first-page').count()).toBe(0);
    await checkPage(page, 'board-paged');
    const pages = await walkPages();
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(VENDOR_IDS);
    // The last page: numbered from where the links said, no next page, and a way back to the first.
    expect(await caption()).toBe('Vendors 5 to 5 of 5 (5 in the campaign)');
    await page.click('#first-page');
    expect(await vendorsOnPage()).toEqual(pages[0]);
  });

  it('filters by stage and overdue through the visibility query, counting only what matches', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}`);
    await page.selectOption('#stage', 'withdrawn');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/stage=withdrawn/);
    expect(await vendorsOnPage()).toEqual(['cobalt']);
    expect(await caption()).toBe('Vendors 1 to 1 of 1 (5 in the campaign)');
    expect(await page.locator('#next-page').count()).toBe(0);

    await page.goto(`${url}/campaigns/${campaignId}?stage=awaiting-response`);
    const awaiting = await walkPages();
    expect(awaiting.flat().sort()).toEqual(VENDOR_IDS.filter((v) => v !== 'cobalt'));

    // Every deadline is a month away: nothing is overdue.
    await page.goto(`${url}/campaigns/${campaignId}?overdue=1`);
    expect(await vendorsOnPage()).toEqual([]);
    expect(await caption()).toBe('No vendor matches (5 in the campaign)');
  });

  it('sorts every matching vendor by a column, then pages the sorted rows both ways', { timeout: 60_000 }, async () => {
    await page.goto(`${url}/campaigns/${campaignId}`);
    await page.click('th a:has-text("Vendor")');
    await page.waitForURL(/sort=vendor/);
    expect(await page.locator('#board-order').innerText()).toBe('Sorted by the column Vendor, over every matching vendor.');
    expect(await page.locator('th[aria-sort=ascending]').innerText()).toBe('Vendor');
    expect((await walkPages()).flat()).toEqual(VENDOR_IDS);
    await page.click('#previous-page');
    expect(await vendorsOnPage()).toEqual(['cobalt', 'delta']);
    expect(await caption()).toBe('Vendors 3 to 4 of 5 (5 in the campaign)');

    // Descending, and the stage filter kept with the sort.
    await page.goto(`${url}/campaigns/${campaignId}?sort=vendor&dir=desc`);
    expect((await walkPages()).flat()).toEqual([...VENDOR_IDS].reverse());
    await page.goto(`${url}/campaigns/${campaignId}?sort=vendor`);
    await page.selectOption('#stage', 'awaiting-response');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/stage=awaiting-response/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('vendor');
    expect((await walkPages()).flat()).toEqual(['acme', 'birch', 'delta', 'ember']);
  });

  it('refuses a page link the board did not give out, saying how to go on', async () => {
    await page.goto(`${url}/campaigns/${campaignId}`);
    const next = new URLSearchParams((await page.locator('#next-page').getAttribute('href'))!.slice(1)).get('page')!;
    expect((await page.request.get(`${url}/campaigns/${campaignId}?page=${encodeURIComponent(next)}`)).status()).toBe(200);
    // The server's token edited: the link's signature no longer matches it.
    const [token, signature] = next.split('.');
    for (const link of ['not a token!', 'Z2FyYmFnZQ', `${token}A.${signature}`]) {
      const response = await page.request.get(`${url}/campaigns/${campaignId}?page=${encodeURIComponent(link)}`);
      expect(response.status(), link).toBe(400);
      expect(await response.text()).toContain('This page of the board no longer exists');
    }
  });
});
