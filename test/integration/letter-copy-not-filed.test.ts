// An open letter whose copy the publication folder could not take, seen from its engagement: the
// send's result says so, the engagement's status, `engagement show` and the workspace's page read
// "letter sent, copy not filed yet", and the engagement files the copy itself once the store works
// again, also when the worker that held the copy in memory is gone (patch letter-copy-filed-by-engagement).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { DossierClient, type EngagementSummary } from '../../client/api';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import { renderStatus } from '../../client/commands/engagement';
import { cliWords } from '../../client/cli-words';
import { LocalPublishedFiles, openLocalStore } from '../../store/local';
import type { PublishedFiles } from '../../store/types';
import { createWebApp } from '../../web/app';
import { boardRows } from '../../web/pages';
import { loadViews } from '../../web/views';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { correctContactsUpdate, recordInboundUpdate, type EngagementStatus } from '../../workflows/messages';
import type { OutgoingMessage } from '../../workflows/types';
import { ENGAGEMENT_REVISION } from '../../workflows/engagement-rules';
import { DossierNextAction } from '../../workflows/search-attributes';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { letterBounce } from '../helpers/continued-run';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until, untilFound } from '../helpers/until';

const NOT_A_FOLDER = /ENOTDIR|EEXIST|not a directory/;

/** The workspace's engagement page for `status`, as an officer reading in `language` is served it (HTML). */
async function engagementPage(status: EngagementStatus, language: 'en' | 'fr'): Promise<string> {
  const secret = 'a-test-session-secret-of-at-least-32-characters';
  const app = createWebApp({
    config: { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 },
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: async () => status, campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }) }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const session = { id: 'd'.repeat(32), csrf: 'token-of-the-session', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
  const html = await (await app.request(`/campaigns/${status.campaignId}/engagements/${status.vendorId}`, { headers: { cookie } })).text();
  return html.replace(/&#x27;/g, "'");
}

/** The campaign's board as visibility lists it: the engagement's row, waited for until `ok`. */
async function boardRow(dossier: DossierClient, campaignId: string, ok: (row: EngagementSummary) => boolean, what: string): Promise<EngagementSummary> {
  const [row] = await untilFound(() => dossier.findEngagements({ campaign: campaignId }), (rows) => rows[0] !== undefined && ok(rows[0]), what, 30_000);
  return row!;
}

describe('an open letter whose copy could not be filed', () => {
  const env = useDossier();

  /**
   * Starts engagement `id` of vendor zoom while its folder's `letters` is a file: the letter goes out,
   * its copy cannot be written until the test removes that file. `revision`: the engagement's, if not the default.
   */
  async function startedWithCopyRefused(id: string, { revision }: { revision?: number } = {}) {
    const folder = join(env.config.outputDir, id);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'letters'), 'not a folder');
    const input = engagementInput(id, 'zoom', patientPolicy());
    const e = await startEngagement(env, { ...input, ...(revision === undefined ? {} : { revision }), campaign: { ...input.campaign, letterCopyFolder: id } });
    return { folder, e };
  }

  it('shows on its engagement as sent with the copy not filed yet, until the engagement files it once the store works again', { timeout: 240_000 }, async () => {
    const id = env.uniqueId('copy-later');
    const { folder, e } = await startedWithCopyRefused(id);
    const [letter] = await e.waitForMail('letter');

    const notFiled = await e.waitForStatus((s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled !== undefined);
    expect(notFiled.letterCopyNotFiled).toMatchObject({ step: 'letter', error: expect.stringMatching(NOT_A_FOLDER) });
    expect(renderStatus(notFiled, cliWords('en'))).toContain('Letter sent, copy not filed yet');
    expect(renderStatus(notFiled, cliWords('en'))).toContain("The open letter reached the vendor, but its copy could not be kept in the campaign's publication folder");
    expect(renderStatus(notFiled, cliWords('fr'))).toContain('Lettre envoyée, copie pas encore classée');
    const [en, fr] = [await engagementPage(notFiled, 'en'), await engagementPage(notFiled, 'fr')];
    expect(en).toMatch(/<dt>Letter's copy<\/dt><dd id="letter-copy">Letter sent, copy not filed yet since [^<]*: the publication folder could not take it\. [^<]*The store's answer: <span lang="en">(ENOTDIR|EEXIST)/);
    expect(fr).toMatch(/<dt>Copie de la lettre<\/dt><dd id="letter-copy">Lettre envoyée, copie pas encore classée depuis le [^<]*\u00a0: le dossier de publication n’a pas pu la recevoir\. [^<]*Réponse du stockage\u00a0: <span lang="en">(ENOTDIR|EEXIST)/);
    // An engagement started before revision 3 lists it on the board through its memo.
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const listed = await boardRow(dossier, id, (r) => r.nextAction?.kind === 'file-copy', "the board's row naming the copy to file");
    expect(listed.nextAction).toEqual({ kind: 'file-copy', number: 1, about: 'letter', at: notFiled.letterCopyNotFiled!.since });

    // The worker that held the copy in memory stops; the store is mended after.
    await env.restartWorker();
    rmSync(join(folder, 'letters'));
    const filed = await e.waitForStatus((s) => s.letterCopyNotFiled === undefined, 120_000);
    expect(renderStatus(filed, cliWords('en'))).not.toContain('copy not filed');
    expect(await engagementPage(filed, 'en')).not.toContain('copy not filed');
    await boardRow(dossier, id, (r) => r.nextAction?.kind === 'reminder', "the board's row back to the first reminder");
    const sent = (await simpleParser(letter!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(Buffer.compare(readFileSync(join(folder, 'letters', 'zoom.en.pdf')), sent.content)).toBe(0);
  });

  it("lists on the campaign board that the letter's copy is not filed yet, as the engine's next step, until it is filed", { timeout: 180_000 }, async () => {
    const id = env.uniqueId('copy-board');
    // As the client and the campaign start engagements today: the board's data are search attributes.
    const { folder, e } = await startedWithCopyRefused(id, { revision: ENGAGEMENT_REVISION });
    const notFiled = await e.waitForStatus((s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled !== undefined);
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });

    const listed = await boardRow(dossier, id, (r) => r.stage === 'awaiting-response' && r.nextAction?.kind === 'file-copy', "the board's row naming the copy to file");
    expect(listed.nextAction).toEqual({ kind: 'file-copy', number: 1, about: 'letter', at: notFiled.letterCopyNotFiled!.since });
    const views = loadViews();
    const [en] = boardRows({ zoom: 'Zoom' }, [listed], new Date(), 'en', views);
    const [fr] = boardRows({ zoom: 'Zoom' }, [listed], new Date(), 'fr', views);
    const day = (language: 'en' | 'fr') => views.date(notFiled.letterCopyNotFiled!.since, language, 'UTC');
    expect(en!.nextAction).toBe(`filing the letter’s copy (not filed yet since ${day('en')})`);
    expect(fr!.nextAction).toBe(`classement de la copie de la lettre (pas encore classée depuis le ${day('fr')})`);

    rmSync(join(folder, 'letters'));
    await e.waitForStatus((s) => s.letterCopyNotFiled === undefined, 120_000);
    const back = await boardRow(dossier, id, (r) => r.nextAction?.kind !== 'file-copy', "the board's row back to the engine's next step");
    expect(back.nextAction).toMatchObject({ kind: 'reminder', number: 1, about: 'response' });
    expect(Date.parse(back.nextAction!.at)).toBeGreaterThan(Date.parse(notFiled.letterSentAt!));
    await e.handle.terminate('test over');
  });

  it('is no longer listed as waiting to file the copy once its engagement is cancelled before the copy was filed', { timeout: 180_000 }, async () => {
    const id = env.uniqueId('copy-cancelled');
    const { e } = await startedWithCopyRefused(id, { revision: ENGAGEMENT_REVISION });
    await e.waitForStatus((s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled !== undefined);
    /** What visibility lists for the campaign: each run's status and next action, as a query for copies to file reads them. */
    const listed = async (query: string) => {
      const rows: { status: string; nextAction: string | undefined }[] = [];
      for await (const w of env.client.workflow.list({ query: `DossierCampaign = '${id}'${query}` })) {
        rows.push({ status: w.status.name, nextAction: w.typedSearchAttributes.get(DossierNextAction) });
      }
      return rows;
    };
    const waitingOnCopy = ` AND DossierNextAction = 'file-copy 1 letter'`;
    await until(() => listed(waitingOnCopy), (rows) => rows.length === 1, 'the engagement listed as waiting to file its copy', 30_000);

    await e.handle.cancel();
    const outcome = await e.handle.result();
    expect(outcome.stage).toBe('withdrawn');
    const [closed] = await until(() => listed(''), (rows) => rows.length === 1 && rows[0]!.status !== 'RUNNING', 'the engagement listed as ended', 30_000);
    expect(closed!.nextAction).toBeUndefined();
    expect(await listed(waitingOnCopy)).toEqual([]);
  });

  it("keeps the corrected letter's copy once the store works again, when the bounced letter's copy retry files first", { timeout: 240_000 }, async () => {
    // The letters go out from a worker whose published files refuse every write: the copies it holds
    // never land (as if it had stopped). This file's own worker files them once the store is up, the
    // first letter's copy before the corrected letter's: the order a restart can leave them in.
    const local = openLocalStore({ outputDir: env.config.outputDir, stateDir: env.config.stateDir, keysDir: join(env.config.stateDir, 'keys') });
    const refusingFiles = Object.assign(Object.create(local.files) as PublishedFiles, {
      write: async () => {
        throw new Error('the published files are out of reach');
      },
    });
    const transport = createSmtpTransport(env.sink.url);
    const sender = createActivities({ ...env.config, keystore: env.config.encryption?.keystore, store: { ...local, files: refusingFiles }, transport });
    const store = { up: false, firstFiled: false };
    const corrected = 'privacy@found.test';
    const taskQueue = await env.ownWorker('copy-after-correction', {
      wrap: (activities) => ({
        ...activities,
        sendMessage: sender.sendMessage,
        async fileLetterCopy(copy: Parameters<typeof activities.fileLetterCopy>[0]) {
          const isCorrected = copy.vendor.contacts.some((c) => c.email === corrected);
          if (!store.up || (isCorrected && !store.firstFiled)) throw new Error('the published files are out of reach');
          await activities.fileLetterCopy(copy);
          if (!isCorrected) store.firstFiled = true;
        },
      }),
    });
    try {
      const id = env.uniqueId('copy-corrected');
      const input = engagementInput(id, 'zoom', patientPolicy());
      const e = await startEngagement(env, { ...input, campaign: { ...input.campaign, letterCopyFolder: id } }, { taskQueue });
      await e.waitForStatus((s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled?.step === 'letter');
      await e.handle.executeUpdate(recordInboundUpdate, { args: [letterBounce(input, 'letter', input.vendor.contacts[0]!.email)] });
      await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
      await e.handle.executeUpdate(correctContactsUpdate, { args: [{ by: 'Officer Tremblay', contacts: [{ name: 'Privacy team', email: corrected }], reason: 'the mailbox was closed' }] });
      const [second] = await e.waitForMail('letter-2');
      await e.waitForStatus((s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled?.step === 'letter-2');

      store.up = true;
      await e.waitForStatus((s) => s.letterCopyNotFiled === undefined, 180_000);
      expect(store.firstFiled).toBe(true);
      const sent = (await simpleParser(second!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!;
      expect(Buffer.compare(readFileSync(join(env.config.outputDir, id, 'letters', 'zoom.en.pdf')), sent.content)).toBe(0);
      await e.handle.terminate('test over');
    } finally {
      transport.close();
    }
  });

  it('files the PDF the vendor received from a worker that never held it, rendered again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-letter-copy-filed-'));
    const local = new LocalPublishedFiles(join(root, 'out'));
    // The sending worker's store refuses every write, for good: only the other worker can file the copy.
    const refusing: PublishedFiles = Object.assign(Object.create(local) as PublishedFiles, {
      write: async () => {
        throw new Error('the published files are out of reach');
      },
    });
    const transport = createSmtpTransport(env.sink.url);
    const ledger = new FileDeliveryLedger(join(root, 'deliveries'));
    const mailFrom = 'Dossier <dossier@regulator.test>';
    const campaign = { ...testCampaign(env.uniqueId('filed')), letterCopyFolder: 'filed' };
    const vendor = testVendor('zoom', { language: 'fr' });
    const details = { dueDate: '2026-12-18T22:59:59.999Z', timeZone: 'Europe/Paris' };
    const message: OutgoingMessage = { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'fr', to: vendor.contacts, campaign, vendor, details };
    try {
      const sender = createEmailActivities({ transport, mailFrom, ledger, files: refusing });
      const sent = await sender.sendMessage(message);
      expect(sent.accepted).toEqual(vendor.contacts.map((c) => c.email));
      expect(sent.letterCopyNotFiled).toBe('the published files are out of reach');
      await expect(sender.fileLetterCopy({ campaign, vendor, language: 'fr', ...details })).rejects.toThrow('out of reach');

      const other = createEmailActivities({ transport, mailFrom, ledger, files: local });
      await other.fileLetterCopy({ campaign, vendor, language: 'fr', ...details });
      const [received] = await env.sink.waitFor(1, (m) => m.messageId === sent.messageId, 10_000);
      const attached = (await simpleParser(received!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!;
      expect(Buffer.compare(readFileSync(join(root, 'out', 'filed', 'letters', 'zoom.fr.pdf')), attached.content)).toBe(0);
    } finally {
      transport.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
