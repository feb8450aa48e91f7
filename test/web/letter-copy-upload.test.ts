// Putting back a vendor's letter copy from the statement page, in Chromium against the real servers:
// the campaign lists `letter-copy-not-last-letter` for a vendor whose letter went again to a corrected
// address while the folder holds the earlier one. The lead uploads a file; only the PDF the vendor
// received (as the relay took it) is filed, and the campaign's next look takes the listing off.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevUser } from '../../web/dev-identity-provider';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { mailDomain } from '../../activities/email';
import { messageIdFor } from '../../activities/threading';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import type { CampaignStatus } from '../../workflows/messages';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until, untilFound } from '../helpers/until';
import { checkPage, launchBrowser, signedInPage, startWorkspace, workspaceUrl, type Workspace } from '../helpers/web';

const USERS: DevUser[] = [
  { login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.test', roles: ['lead-officer'], locale: 'en' },
  { login: 'lucie', name: 'Lucie Gagnon', email: 'lucie@opc.test', roles: ['lead-officer'], locale: 'fr' },
  { login: 'owen', name: 'Owen Okafor', email: 'owen@opc.test', roles: ['officer'], locale: 'en' },
];
const officer = 'Officer Tremblay';

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

beforeAll(async () => {
  workspace = await startWorkspace(env, url, USERS);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await workspace?.stop();
});

const copyFailure = (s: CampaignStatus) => s.deliveryFailures.find((f) => f.step === 'letter-copy-gone');

/**
 * Campaign `id` of vendor gone, whose first address the relay refuses for good: an officer corrects
 * it, the letter goes again as `letter-2`, and the folder is made to hold another letter's copy, as
 * an earlier release could leave it. Version 1 is drafted, and the campaign's look lists the copy.
 * Returns the PDF the vendor received, as the relay took it.
 */
async function copyListed(id: string): Promise<{ received: Buffer; earlier: Buffer; copyPath: string; campaigns: CampaignClient }> {
  const clientOptions = { taskQueue: env.taskQueue, address: 'test' };
  const campaigns = new CampaignClient(env.client, clientOptions);
  const engagements = new DossierClient(env.client, clientOptions);
  const ref = { campaignId: id, vendorId: 'gone' };
  env.sink.recipientPolicy = (address) => (address === 'privacy@gone.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
  await campaigns.start({
    campaign: testCampaign(id),
    vendors: [testVendor('gone')],
    policy: fastPolicy({ responseDue: '10 minutes', finalNoticeAfter: '20 minutes', reminderCadence: [], approvalReminderEvery: '10 minutes' }),
    approval: { kind: 'all' },
    publication: { folder: id, notifyVendors: true },
  });
  await untilFound(() => engagements.status(ref), (s) => s.stage === 'letter-undeliverable', 'the letter refused for good');
  await engagements.correctContacts(ref, { by: officer, contacts: [{ name: 'Privacy team', email: 'privacy@new.test' }], reason: 'The old mailbox was closed.' });
  await until(() => engagements.status(ref), (s) => s.stage === 'awaiting-response', 'the letter sent again');
  const [letter2] = await env.sink.waitFor(1, (m) => m.messageId === messageIdFor(engagementWorkflowId(id, 'gone'), 'letter-2', mailDomain(env.config.mailFrom)));
  const received = (await simpleParser(letter2!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!.content;
  const copyPath = join(env.config.outputDir, id, 'letters', 'gone.en.pdf');
  const earlier = Buffer.from('%PDF-1.7 the letter sent before the address was corrected');
  writeFileSync(copyPath, earlier);
  await campaigns.editStatement(id, { by: officer, conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  await campaigns.draftStatement(id, officer, [{ vendorId: 'gone', action: 'exclude', reason: { en: 'Published before this review ended.', fr: 'Publiée avant la fin de cet examen.' } }]);
  await untilFound(() => campaigns.status(id), (s) => copyFailure(s)?.refusal?.code === 'letter-copy-not-last-letter', 'the copy listed');
  env.sink.recipientPolicy = () => undefined;
  return { received, earlier, copyPath, campaigns };
}

/** Chooses `pdf` in the vendor's file field and sends its form; the page it leads to, loaded. */
async function upload(page: Page, pdf: Buffer): Promise<number | undefined> {
  await page.setInputFiles('#letter-copy-gone-pdf', { name: 'gone.en.pdf', mimeType: 'application/pdf', buffer: pdf });
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#letter-copy-gone button[type=submit]')]);
  return response?.status();
}

describe('putting back a letter copy from the statement page', () => {
  it('refuses any file but the PDF the vendor received, in English and French, files that one, and the next look takes the listing off', { timeout: 240_000 }, async () => {
    const id = env.uniqueId('copy-upload');
    const { received, earlier, copyPath, campaigns } = await copyListed(id);
    const address = `${url}/campaigns/${id}/statement`;

    // An officer who does not steer the campaign is offered no upload.
    const owen = await signedInPage(browser, address, 'owen');
    expect(await owen.locator('#letter-copies').count()).toBe(0);
    await owen.context().close();

    const lea = await signedInPage(browser, address, 'lea');
    // The form's route, sent as a script would: refused without the session's CSRF token; with it, a
    // file that is not the letter is refused (422 on the statement page it is sent back to), not a page unknown.
    const post = (csrf: string) =>
      lea.request.post(`${address}/letter-copy`, { multipart: { _csrf: csrf, vendor: 'gone', pdf: { name: 'gone.en.pdf', mimeType: 'application/pdf', buffer: earlier } }, maxRedirects: 0 });
    expect((await post('forged')).status()).toBe(403);
    const refused = await post(await lea.locator('input[name=_csrf]').first().inputValue());
    expect([refused.status(), refused.headers().location]).toEqual([303, `/campaigns/${id}/statement`]);
    expect((await lea.request.get(address)).status()).toBe(422);
    await expect.poll(() => lea.locator('#letter-copies h2').innerText()).toBe('Letter copies to put back');
    expect(await lea.locator('label[for=letter-copy-gone-pdf]').innerText()).toBe('PDF Vendor gone received');
    await checkPage(lea, 'letter-copy-upload-en');

    // The earlier letter itself: refused, said on the field, which has focus; the file on record stays.
    expect(await upload(lea, earlier)).toBe(422);
    const refusal = await lea.locator('#letter-copy-gone-pdf-error').innerText();
    expect(refusal).toContain('This file is not the letter the vendor received last (letter-2)');
    expect(await lea.getAttribute('#letter-copy-gone-pdf', 'aria-invalid')).toBe('true');
    expect(await lea.evaluate('document.activeElement?.id')).toBe('letter-copy-gone-pdf');
    expect(readFileSync(copyPath).equals(earlier)).toBe(true);
    await checkPage(lea, 'letter-copy-upload-refused-en');

    // In French, a file that is no PDF.
    const lucie = await signedInPage(browser, address, 'lucie');
    expect(await upload(lucie, Buffer.from('<html>pas une lettre</html>'))).toBe(422);
    expect(await lucie.locator('#letter-copy-gone-pdf-error').innerText()).toBe('Le fichier n’est pas un PDF. Téléversez le PDF que l’entreprise a reçu, joint à sa dernière lettre ouverte.');
    expect(readFileSync(copyPath).equals(earlier)).toBe(true);
    await lucie.context().close();

    // The PDF the vendor received, as the relay took it: filed, and said so.
    expect(await upload(lea, received)).toBe(200);
    expect(await lea.locator('p.notice').innerText()).toMatch(/^The copy of the letter is filed: it is the PDF the vendor received\./);
    expect(Buffer.compare(readFileSync(copyPath), received)).toBe(0);
    // Still listed in the campaign's status until its next look, it is offered for upload no more.
    expect(copyFailure(await campaigns.status(id))?.refusal?.code).toBe('letter-copy-not-last-letter');
    expect(await lea.locator('#letter-copies').count()).toBe(0);

    // The look before publication finds the copy right and takes it off the list, and off the page.
    const finished = campaigns.result(id);
    await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
    await campaigns.approve(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 });
    await finished;
    expect(copyFailure(await campaigns.status(id))).toBeUndefined();
    await lea.goto(address);
    expect(await lea.locator('#letter-copies').count()).toBe(0);
    await lea.context().close();
  });
});
