// A vendor's reply after its case ended (Houseparty never answered the letter; its engagement closed
// as no response): the intake holds it, since the ended engagement records no more mail, and an
// officer attaches it to that case's record from the holding pen, in the workspace or at the command
// line. The record keeps it (the timeline says when it came, its attachments are the case's
// documents) and the case stays as it ended: its workflow untouched, its stage the same, no mail.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { messageIdFor, replyAddressFor } from '../../activities/threading';
import type { DossierClient } from '../../client/api';
import { collectAuditTrail } from '../../client/audit';
import { CampaignClient } from '../../client/campaign-api';
import { Intake } from '../../intake/intake';
import { auditCsv } from '../../client/audit-report';
import { lateReplyReader } from '../../client/late-replies';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { runDossier } from '../helpers/cli';
import { startEngagement, type EngagementDriver } from '../helpers/engagement-driver';
import { engagementInput, fastPolicy, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { composeReply } from '../helpers/inbound-mail';
import { useIntakeOnImap } from '../helpers/intake-on-imap';
import { TEST_SESSION_SECRET, webConfigWithoutSignIn } from '../helpers/web-session';

const env = useDossier();
const officer = 'Officer Tremblay';
// The intake and its mailbox, opened and closed by useIntakeOnImap, under the names the tests read.
const imap = useIntakeOnImap(env, 'late');
let { mailbox, sender, intake, options: intakeOptions, documents, domain, caseMailbox, imapUser } = imap;
beforeAll(() => {
  ({ mailbox, sender, intake, options: intakeOptions, documents, domain, caseMailbox, imapUser } = imap);
});

/** The workspace over this file's engagements, document store and case mailbox, asked without a browser. */
function workspace() {
  return createWebApp({
    config: webConfigWithoutSignIn(0),
    signIn: {} as OidcSignIn,
    dossier: async () => intakeOptions().dossier as DossierClient,
    // No campaign workflow runs these engagements: the pages go on without a board.
    campaigns: async () => ({ board: async () => undefined }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    receivedDocument: (campaignId, document) => documents.read(campaignId, document),
    lateReplies: lateReplyReader(documents),
    holdingPen: async () => ({ intake, close: async () => {} }),
  });
}

const session = { id: 'e'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 3_600_000 };
const cookie = `dossier_session=${new CookieSealer(TEST_SESSION_SECRET).seal(session)}`;

function post(app: ReturnType<typeof workspace>, path: string, form: Record<string, string>) {
  return app.request(path, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:0' },
    body: new URLSearchParams({ _csrf: 't', ...form }).toString(),
  });
}

/** A page's text as a reader sees it: no markup, entities read, spaces collapsed. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Houseparty's engagement, closed as no response after its reminders and final notice. */
async function closedWithoutResponse(): Promise<EngagementDriver> {
  const e = await startEngagement(env, engagementInput(env.uniqueId('late'), 'houseparty', fastPolicy()));
  expect((await e.handle.result()).stage).toBe('closed-no-response');
  return e;
}

/** Houseparty's reply to the open letter, as its mail client threads it, with a document. */
function lateReply(e: EngagementDriver, { messageId = `<${randomUUID()}@houseparty.test>`, text = 'Please find our response attached. We apologise for the delay.' } = {}) {
  const letterId = messageIdFor(e.handle.workflowId, 'letter', domain);
  return composeReply({
    from: 'Privacy Office <privacy@houseparty.test>',
    to: replyAddressFor(caseMailbox, e.handle.workflowId),
    subject: `Re: [${e.input.campaign.reference}] Open letter`,
    messageId,
    inReplyTo: letterId,
    references: [letterId],
    text,
    attachments: [{ filename: 'late-response.pdf', content: LATE_PDF, contentType: 'application/pdf' }],
  });
}

const LATE_PDF = Buffer.from('%PDF-1.7\n% Houseparty’s response, months late\n');

describe('a late reply to an ended case', () => {
  it('is attached from the holding pen to the closed record, which keeps it while the case stays closed and silent', async () => {
    const e = await closedWithoutResponse();
    const campaignId = e.input.campaign.id;
    const before = await e.status();
    const mailsBefore = e.mails().length;

    // A Date header counts whole seconds: one written in the second the case closed would read as
    // before the closure, and the trail would rightly list it first. A late reply comes later.
    await sleep(1_000 - (Date.now() % 1_000) + 10);
    await sender.append(await lateReply(e));
    const [settled] = await intake.pass();
    expect(settled).toMatchObject({ outcome: 'held', campaignId });

    const app = workspace();
    const heldPage = await app.request(`/held/${campaignId}/message?id=${encodeURIComponent(settled.messageId)}`, { headers: { cookie } });
    expect(heldPage.status).toBe(200);
    const heldHtml = await heldPage.text();
    expect(heldHtml).toContain(`action="/held/${campaignId}/attach-late"`);
    expect(visible(heldHtml)).toContain('Attach to the closed record of houseparty');

    const attached = await post(app, `/held/${campaignId}/attach-late`, { messageId: settled.messageId, vendor: 'houseparty' });
    expect(attached.status, visible(await attached.clone().text())).toBe(303);
    expect(attached.headers.get('location')).toBe(`/campaigns/${campaignId}/engagements/houseparty`);

    // The record: the timeline says when it came, its document is listed and downloads as sent.
    const record = visible(await (await app.request(`/campaigns/${campaignId}/engagements/houseparty`, { headers: { cookie } })).text());
    expect(record).toMatch(/late reply received on \d{1,2} \w+ \d{4}/);
    expect(record).toContain('closed without a response');
    expect(record).toContain('late-response.pdf');
    const received = await app.request(`/campaigns/${campaignId}/engagements/houseparty/mail/received?id=${encodeURIComponent(settled.messageId)}`, { headers: { cookie } });
    expect(received.status).toBe(200);
    const href = /<ul id="mail-attachments">.*?<li><a href="([^"]+)"/s.exec(await received.text())?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(href).toBeDefined();
    const download = await app.request(href!, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(LATE_PDF);

    // The case as it ended: the workflow closed and unchanged, no mail sent, the message out of the pen.
    expect((await env.client.workflow.getHandle(e.handle.workflowId).describe()).status.name).toBe('COMPLETED');
    expect(await e.status()).toEqual(before);
    expect(e.mails()).toHaveLength(mailsBefore);
    expect(await intake.held(campaignId)).toEqual([]);
    // The audit export: the reply as received, on the day it came, and the officer who attached it, after the closure.
    const trail = await collectAuditTrail(env.client, { campaignId, vendorId: 'houseparty' }, '', { lateReplies: lateReplyReader(documents) });
    const closed = trail.events.findIndex((row) => row.kind === 'case-closed');
    const receivedRow = trail.events.findIndex((row) => row.kind === 'email-received' && row.messageId === settled.messageId);
    const attachedRow = trail.events.findIndex((row) => row.kind === 'officer-action' && row.action === 'attachLateReply');
    expect(closed).toBeGreaterThanOrEqual(0);
    expect(receivedRow).toBeGreaterThan(closed);
    expect(attachedRow).toBeGreaterThan(receivedRow);
    expect(trail.events[attachedRow]).toMatchObject({ actor: 'Owen (owen, signed in)', messageId: settled.messageId });
    expect(trail.events.some((row) => row.kind === 'document' && row.documentName === 'late-response.pdf')).toBe(true);
    expect(auditCsv(trail, { language: 'en' }).toString()).toContain('late reply attached to the ended case’s record');
    expect(await intake.fate(settled.messageId)).toEqual({ outcome: 'attached-late', subject: `Re: [${e.input.campaign.reference}] Open letter`, campaignId, vendorId: 'houseparty', by: 'Owen (owen, signed in)' });
  }, 120_000);

  it('is attached all the same when its campaign cannot be told of it (none runs): the intake logs that', async () => {
    const e = await closedWithoutResponse();
    const campaignId = e.input.campaign.id;
    await sleep(1_000 - (Date.now() % 1_000) + 10);
    const messageId = `<${randomUUID()}@houseparty.test>`;
    await sender.append(await lateReply(e, { messageId }));
    expect((await intake.pass())[0]).toMatchObject({ outcome: 'held', campaignId });
    const logged: string[] = [];
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: env.config.temporal.connectionOptions.address! });
    const telling = new Intake({ ...intakeOptions(), log: (line) => logged.push(line), tellCampaign: (id, reply) => campaigns.tellLateReply(id, reply) });
    const attached = await telling.attachLate(campaignId, messageId, { campaignId, vendorId: 'houseparty' }, officer);
    expect(attached.stage).toBe('closed-no-response');
    expect(await intake.fate(messageId)).toMatchObject({ outcome: 'attached-late', campaignId, vendorId: 'houseparty' });
    expect((await documents.lateReplies(campaignId, 'houseparty')).map((r) => r.messageId)).toEqual([messageId]);
    expect(logged).toEqual([expect.stringContaining(`intake: ${messageId} is attached to engagement:${campaignId}:houseparty, but its campaign could not be told (`)]);
  }, 120_000);

  describe('in the workspace, wherever the command line would attach it', () => {
    const frSession = { ...session, id: 'f'.repeat(32), language: 'fr' };
    const frCookie = `dossier_session=${new CookieSealer(TEST_SESSION_SECRET).seal(frSession)}`;
    /** Posts the form, then reads the page it sends the officer on to (post/redirect/get). */
    const postThenRead = async (app: ReturnType<typeof workspace>, path: string, form: Record<string, string>, asCookie = cookie) => {
      const posted = await app.request(path, {
        method: 'POST',
        headers: { cookie: asCookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:0' },
        body: new URLSearchParams({ _csrf: 't', ...form }).toString(),
      });
      expect(posted.status, visible(await posted.clone().text())).toBe(303);
      const after = /dossier_session=[^;]+/.exec(posted.headers.get('set-cookie') ?? '')?.[0] ?? asCookie;
      const page = await app.request(posted.headers.get('location')!, { headers: { cookie: after } });
      return { location: posted.headers.get('location'), status: page.status, text: visible(await page.text()) };
    };

    it('offers it in the pen of mail that names no campaign, where the officer names the ended case, and refuses in English and French a case that is not one', async () => {
      const e = await closedWithoutResponse();
      const campaignId = e.input.campaign.id;
      const open = await startEngagement(env, engagementInput(env.uniqueId('open'), 'zoom', patientPolicy()));
      await open.waitForStatus((s) => s.stage === 'awaiting-response');
      // Houseparty's counsel writes to the case address, naming no case: the intake cannot tell which it is.
      const messageId = `<${randomUUID()}@lawfirm.test>`;
      await sender.append(await composeReply({ from: 'counsel@lawfirm.test', to: caseMailbox, subject: 'Houseparty’s answer to your letter', messageId, text: 'On behalf of Houseparty, months late.' }));
      const [settled] = await intake.pass();
      expect(settled).toMatchObject({ outcome: 'held', messageId });
      expect((settled as { campaignId?: string }).campaignId).toBeUndefined();

      const app = workspace();
      const html = await (await app.request(`/held/unsorted/message?id=${encodeURIComponent(messageId)}`, { headers: { cookie } })).text();
      expect(html).toContain('action="/held/unsorted/attach-late"');
      expect(html).toMatch(/<form method="post" action="\/held\/unsorted\/attach-late"[^]*?name="campaign"[^]*?name="vendor"[^]*?<\/form>/);
      expect(visible(html)).toContain('Attach to the closed record of a case');

      // Not a case at all, then a case still in progress: refused beside the form, in the officer's language.
      const unknown = await postThenRead(app, '/held/unsorted/attach-late', { messageId, campaign: campaignId, vendor: 'nobody', choice: 'any' });
      expect([unknown.location, unknown.status]).toEqual([`/held/unsorted/message?id=${encodeURIComponent(messageId)}`, 422]);
      expect(unknown.text).toContain(`engagement:${campaignId}:nobody does not exist: check the campaign and vendor ids.`);
      const inFrench = await postThenRead(app, '/held/unsorted/attach-late', { messageId, campaign: campaignId, vendor: 'nobody', choice: 'any' }, frCookie);
      expect(inFrench.text).toContain(`engagement:${campaignId}:nobody n’existe pas`);
      const inProgress = await postThenRead(app, '/held/unsorted/attach-late', { messageId, campaign: open.input.campaign.id, vendor: 'zoom', choice: 'any' });
      expect(inProgress.status).toBe(422);
      expect(inProgress.text).toMatch(/This case is .+, not ended: assign the message to it instead\./);
      const inProgressFr = await postThenRead(app, '/held/unsorted/attach-late', { messageId, campaign: open.input.campaign.id, vendor: 'zoom', choice: 'any' }, frCookie);
      expect(inProgressFr.text).toMatch(/Ce dossier est à l’étape « .+ », il n’est pas clos/);
      const blank = await postThenRead(app, '/held/unsorted/attach-late', { messageId, campaign: '', vendor: 'houseparty', choice: 'any' });
      expect(blank.status).toBe(422);
      expect((await intake.held(undefined)).some((m) => m.messageId === messageId)).toBe(true);

      // The ended case: attached, the case as it ended.
      const attached = await postThenRead(app, '/held/unsorted/attach-late', { messageId, campaign: campaignId, vendor: 'houseparty', choice: 'any' });
      expect(attached.location).toBe(`/campaigns/${campaignId}/engagements/houseparty`);
      expect(attached.text).toMatch(/late reply received on \d{1,2} \w+ \d{4}/);
      expect(await intake.fate(messageId)).toMatchObject({ outcome: 'attached-late', campaignId, vendorId: 'houseparty' });
      expect((await e.status()).stage).toBe('closed-no-response');
    }, 180_000);

    it('offers it on a copy held before refusals carried codes, which names the ended case only in English', async () => {
      const e = await closedWithoutResponse();
      const campaignId = e.input.campaign.id;
      const messageId = `<${randomUUID()}@houseparty.test>`;
      const original = await lateReply(e, { messageId });
      // As an intake of an earlier release held it: its reason in English, no refusal with a code.
      await mailbox.append(
        Buffer.concat([Buffer.from(`X-Dossier-Held-Reason: engagement:${campaignId}:houseparty refused: it has ended and accepts no more requests\r\nX-Dossier-Held-Campaign: ${campaignId}\r\n`), original]),
        `Held-${campaignId}`,
      );
      expect((await intake.held(campaignId)).map((m) => m.messageId)).toContain(messageId);

      const app = workspace();
      const html = await (await app.request(`/held/${campaignId}/message?id=${encodeURIComponent(messageId)}`, { headers: { cookie } })).text();
      expect(html).toContain(`action="/held/${campaignId}/attach-late"`);
      const attached = await postThenRead(app, `/held/${campaignId}/attach-late`, { messageId, vendor: 'houseparty', choice: 'any' });
      expect(attached.location).toBe(`/campaigns/${campaignId}/engagements/houseparty`);
      expect(await intake.fate(messageId)).toMatchObject({ outcome: 'attached-late', campaignId, vendorId: 'houseparty' });
    }, 180_000);
  });

  describe('at the command line', () => {
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

    it('attaches it, and refuses an engagement that does not exist, one still in progress, and a message already attached', async () => {
      const e = await closedWithoutResponse();
      const campaignId = e.input.campaign.id;
      const messageId = `<${randomUUID()}@houseparty.test>`;
      await sender.append(await lateReply(e, { messageId }));
      expect((await intake.pass())[0]).toMatchObject({ outcome: 'held', campaignId });

      const unknown = await cli(['inbox', 'attach-late', messageId, campaignId, 'nobody']);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain(`engagement:${campaignId}:nobody does not exist (check the campaign and vendor ids)`);

      const done = await cli(['inbox', 'attach-late', messageId, campaignId, 'houseparty']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain(`${messageId} attached to the record of engagement:${campaignId}:houseparty, which stays closed-no-response.`);
      const show = await cli(['engagement', 'show', campaignId, 'houseparty']);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/late reply received on /);
      const listed = await cli(['engagement', 'documents', campaignId, 'houseparty']);
      expect(listed.stdout).toContain('late-response.pdf');
      expect((await e.status()).stage).toBe('closed-no-response');

      // Houseparty's mail client sends it again, under the same Message-ID: held again, and refused.
      await sender.append(await lateReply(e, { messageId, text: 'Sending our response again, in case it went astray.' }));
      expect((await intake.pass())[0]).toMatchObject({ outcome: 'held', campaignId });
      const again = await cli(['inbox', 'attach-late', messageId, campaignId, 'houseparty']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(new RegExp(`engagement:${campaignId}:houseparty refused: This reply is already on the record of the ended case, attached on \\d{4}-\\d{2}-\\d{2} by ${officer} \\(`));
      expect(await intake.held(campaignId)).toHaveLength(1);
      // The workspace refuses it in the same words, beside the button.
      const app = workspace();
      const posted = await post(app, `/held/${campaignId}/attach-late`, { messageId, vendor: 'houseparty' });
      // Sent on to the held message's page (post/redirect/get), which shows the refusal once.
      expect([posted.status, posted.headers.get('location')]).toEqual([303, `/held/${campaignId}/message?id=${encodeURIComponent(messageId)}`]);
      const after = /dossier_session=[^;]+/.exec(posted.headers.get('set-cookie') ?? '')![0];
      const refused = await app.request(posted.headers.get('location')!, { headers: { cookie: after } });
      expect(refused.status).toBe(422);
      expect(visible(await refused.text())).toMatch(/This reply is already on the record of the ended case, attached on \d{1,2} \w+ \d{4} by Officer Tremblay/);

      // A case still in progress takes the mail itself: assign it instead.
      const open = await startEngagement(env, engagementInput(env.uniqueId('open'), 'zoom', patientPolicy()));
      await open.waitForStatus((s) => s.stage === 'awaiting-response');
      const counsel = `<${randomUUID()}@lawfirm.test>`;
      await sender.append(
        await composeReply({ from: 'counsel@lawfirm.test', to: replyAddressFor(caseMailbox, open.handle.workflowId), subject: 'Our client’s response', messageId: counsel, text: 'On behalf of our client.' }),
      );
      expect((await intake.pass())[0]).toMatchObject({ outcome: 'held', campaignId: open.input.campaign.id });
      const inProgress = await cli(['inbox', 'attach-late', counsel, open.input.campaign.id, 'zoom']);
      expect(inProgress.code).not.toBe(0);
      expect(inProgress.stderr).toContain(`engagement:${open.input.campaign.id}:zoom refused: This case is awaiting-response, not ended: assign the message to it instead.`);
      expect((await open.status()).inbox).toEqual([]);
    }, 180_000);

    it('says, attaching a reply that reached the case mailbox before the case closed (held meanwhile), that it came in time and, no campaign running to be told, that the lead’s next draft will say so', async () => {
      // Long enough for the reply to come in while the case is open; short enough that it closes within seconds.
      const e = await startEngagement(env, engagementInput(env.uniqueId('in-time'), 'houseparty', fastPolicy({ responseDue: '8s' })));
      const campaignId = e.input.campaign.id;
      await e.waitForStatus((s) => s.stage === 'awaiting-response');
      // Houseparty's counsel answers in time, from an address the case does not know: held, not recorded.
      const messageId = `<${randomUUID()}@lawfirm.test>`;
      await sender.append(
        await composeReply({ from: 'counsel@lawfirm.test', to: replyAddressFor(caseMailbox, e.handle.workflowId), subject: 'Our client’s response', messageId, text: 'On behalf of our client, its response.' }),
      );
      expect((await intake.pass())[0]).toMatchObject({ outcome: 'held', campaignId });
      // The case closes meanwhile, without a response on its record.
      expect((await e.handle.result()).stage).toBe('closed-no-response');

      const done = await cli(['inbox', 'attach-late', messageId, campaignId, 'houseparty']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout.replace(/\s+/g, ' ')).toContain(
        `${messageId} attached to the record of engagement:${campaignId}:houseparty, which stays closed-no-response. It reached the case mailbox within the time given, before the case closed on `,
      );
      // No campaign runs this engagement, so none could be told: the officer is not promised a version that says it.
      expect(done.stdout.replace(/\s+/g, ' ')).toContain(
        "Its campaign could not be told of it, so `npx dossier statement status` will not point it out to the lead: the lead's next `npx dossier statement draft` still reads the reply from the record, and will say that the company replied in time.",
      );
      expect(done.stderr).toContain('but its campaign could not be told (');
      const { endedAt } = await e.status();
      expect(endedAt).toBeDefined();
      const [kept] = await documents.lateReplies(campaignId, 'houseparty');
      expect(Date.parse(kept!.receivedAt)).toBeLessThanOrEqual(Date.parse(endedAt!));
    }, 180_000);
  });
});
