// The kept copy of a message Dossier sent on an engagement, as the workspace shows it: each attachment
// (the open letter's PDF) downloads from the message's page, to the people who may read that page.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import MailComposer from 'nodemailer/lib/mail-composer';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { parseSentMail, type SentMail } from '../../client/sent-mail';
import type { EngagementRef } from '../../client/api';
import type { DocumentDownloadedInput } from '../../workflows/messages';

const secret = 'a-test-session-secret-of-at-least-32-characters';
const config = { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };

const PDF = Buffer.from('%PDF-1.7\n% the open letter\n%%EOF\n');
// A name with accents, a quote and a line break: what a header must never carry as it is.
const AWKWARD = 'Lettre «\u202Fouverte\u202F» "finale"\r\nX-Injected: yes.pdf';

const status = {
  workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'letter-sent',
  timeline: [{ at: '2026-11-27T14:05:00.000Z', by: 'dossier', what: 'open-letter sent', detail: 'letter' }],
  questions: [], openQuestions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
};

const mail: SentMail = {
  messageId: '<letter@dossier.example>', subject: '[VC] Open letter', from: 'dossier@opc.example', recipients: ['privacy@zoom.test'],
  date: '2026-11-27T14:05:00.000Z', text: 'Please find our open letter attached.',
  attachments: [
    { name: 'open-letter.pdf', type: 'application/pdf', size: PDF.length, content: PDF },
    { name: AWKWARD, type: 'text/html', size: 5, content: Buffer.from('<b>x') },
  ],
};

/** The downloads the workspace recorded, as it signalled them (DossierClient.recordDownload). */
let recorded: DocumentDownloadedInput[] = [];

function workspace(
  read: (ref: EngagementRef, step: string) => Promise<SentMail | undefined> = async (ref, step) => (ref.vendorId === 'zoom' && step === 'letter' ? mail : undefined),
  recordDownload = async (input: DocumentDownloadedInput) => void recorded.push(input),
) {
  return createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: async () => status, campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }), recordDownload }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    sentMail: read,
  });
}

const as = (roles: string[]) => ({
  headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 's'.repeat(32), csrf: 't', user: { subject: 'owen', name: 'Owen', roles }, expiresAt: Date.now() + 60_000 })}` },
});

const page = '/campaigns/vc/engagements/zoom/mail/sent/letter';

/** The download links of the page's attachment list, in order. */
async function attachmentLinks(roles: string[]): Promise<string[]> {
  const html = await (await workspace().request(page, as(roles))).text();
  const list = /<ul id="mail-attachments">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

describe('an attachment of a message sent on an engagement', () => {
  beforeEach(() => {
    recorded = [];
  });

  it('has a download link on the message’s page, one per attachment', async () => {
    const links = await attachmentLinks(['officer']);
    expect(links).toHaveLength(2);
    expect(links.every((l) => l.startsWith(`${page}/attachments/`))).toBe(true);
  });

  it('downloads as the PDF that was sent, under its name', async () => {
    const [link] = await attachmentLinks(['auditor']);
    expect(link, 'a download link').toBeDefined();
    const response = await workspace().request(link!, as(['auditor']));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="open-letter.pdf"; filename*=UTF-8''open-letter.pdf`);
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('names a file with accents, quotes and a line break safely: ASCII with underscores, and UTF-8 per RFC 8187', async () => {
    const [, link] = await attachmentLinks(['officer']);
    expect(link, 'a download link').toBeDefined();
    const response = await workspace().request(link!, as(['officer']));
    expect(response.status).toBe(200);
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).not.toMatch(/[\r\n]/);
    expect(response.headers.get('x-injected')).toBeNull();
    expect(disposition).toBe(
      `attachment; filename="Lettre __ouverte__ _finale___X-Injected: yes.pdf"; filename*=UTF-8''Lettre%20%C2%AB%E2%80%AFouverte%E2%80%AF%C2%BB%20%22finale%22%0D%0AX-Injected%3A%20yes.pdf`,
    );
    // An HTML file goes as a download the browser does not sniff, never as a workspace page.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('is written to the case’s audit trail before it is handed over: who, which message, which document and its SHA-256', async () => {
    const [link] = await attachmentLinks(['auditor']);
    expect(recorded).toEqual([]);
    expect((await workspace().request(link!, as(['auditor']))).status).toBe(200);
    expect(recorded).toEqual([
      {
        by: 'Owen (owen, signed in)',
        campaignId: 'vc',
        vendorId: 'zoom',
        messageId: '<letter@dossier.example>',
        sent: true,
        step: 'letter',
        document: { name: 'open-letter.pdf', type: 'application/pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex') },
        via: 'workspace',
      },
    ]);
  });

  it('is not handed over when its download cannot be recorded', async () => {
    const [link] = await attachmentLinks(['officer']);
    const app = workspace(undefined, async () => {
      throw new Error('the Temporal server is unreachable');
    });
    const response = await app.request(link!, as(['officer']));
    expect(response.status).toBe(503);
    expect(response.headers.get('content-disposition')).toBeNull();
    expect(await response.text()).toContain('its download could not be recorded in the case');
  });

  it('is refused to anyone who may not read the engagement’s page, as the page is', async () => {
    const app = workspace();
    expect((await app.request(page, as(['co-signatory']))).status).toBe(403);
    expect((await app.request(`${page}/attachments/0`, as(['co-signatory']))).status).toBe(403);
    expect((await app.request(`${page}/attachments/0`)).status).not.toBe(200);
  });

  it('is not found past the copy’s last attachment, for a step never sent, or with no copy kept', async () => {
    expect((await workspace().request(`${page}/attachments/2`, as(['officer']))).status).toBe(404);
    expect((await workspace().request(`${page}/attachments/x`, as(['officer']))).status).toBe(404);
    expect((await workspace().request('/campaigns/vc/engagements/zoom/mail/sent/reminder-1/attachments/0', as(['officer']))).status).toBe(404);
    expect((await workspace(async () => undefined).request(`${page}/attachments/0`, as(['officer']))).status).toBe(404);
  });

  it('keeps the bytes the kept copy holds, read back from its MIME text', async () => {
    const raw = await new MailComposer({
      from: 'dossier@opc.example', to: 'privacy@zoom.test', subject: '[VC] Open letter', text: 'Attached.',
      attachments: [{ filename: 'lettre-ouverte-é.pdf', contentType: 'application/pdf', content: PDF }],
    }).compile().build();
    const [attachment] = (await parseSentMail(raw)).attachments;
    expect(attachment?.name).toBe('lettre-ouverte-é.pdf');
    expect(attachment?.type).toBe('application/pdf');
    expect(attachment?.content.equals(PDF)).toBe(true);
  });
});
