// The reason an engagement was closed or excluded at drafting, which the lead gave in English and
// French: the engagement page, its timeline and the CLI's `engagement show` read it in the reader's
// language, and mark a text in the other language with it (WCAG 3.1.2). Checked on plain values.
import { describe, expect, it } from 'vitest';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { renderStatus } from '../../client/commands/engagement';
import { cliWords } from '../../client/cli-words';
import { withdrawalReasonIn } from '../../client/withdrawal-reason';
import { engagementStatusOf } from '../helpers/fixtures';

const secret = 'a-test-session-secret-of-at-least-32-characters';
const config = { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };

const reason = {
  en: 'The company was acquired and its service closed before it responded.',
  fr: 'L’entreprise a été rachetée et son service fermé avant qu’elle ne réponde.',
};
// The engagement records the English (the campaign signals one string); the campaign keeps both.
const status = engagementStatusOf('vc', 'houseparty', {
  vendorName: 'Houseparty',
  stage: 'withdrawn',
  withdrawalReason: reason.en,
  responseDueDate: '2027-01-02',
  endedAt: '2020-12-01T10:00:00.000Z',
  timeline: [{ at: '2020-12-01T10:00:00.000Z', by: 'Lena Lead', what: 'withdrawn', detail: reason.en }],
});
const campaign = { campaignId: 'vc', openCases: [{ vendorId: 'houseparty', action: 'close', reason }], engagements: [], changeRequests: [] };

async function page(language: string, openCases = campaign): Promise<string> {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: async () => status, campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }) }) as never,
    campaigns: async () => ({ status: async () => openCases }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'w'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
  return (await app.request('/campaigns/vc/engagements/houseparty', { headers: { cookie } })).text();
}

describe('a withdrawal reason given in English and French', () => {
  it('is shown in French on the French engagement page, in its facts and its timeline', async () => {
    const html = await page('fr');
    expect(html).toContain(`<dd id="withdrawal-reason">${reason.fr}</dd>`);
    expect(html).toContain(`<span lang="fr">${reason.fr}</span>`);
    expect(html).not.toContain('The company was acquired');
  });

  it('is shown in English on the English page', async () => {
    const html = await page('en');
    expect(html).toContain(`<dd id="withdrawal-reason">${reason.en}</dd>`);
    expect(html).not.toContain('rachetée');
  });

  it('falls back to the other language, marked with it, where the reader’s was not given', async () => {
    const html = await page('fr', { ...campaign, openCases: [{ vendorId: 'houseparty', action: 'close', reason: { en: reason.en, fr: '' } }] });
    expect(html).toContain(`<dd id="withdrawal-reason" lang="en">${reason.en}</dd>`);
  });

  it('is printed in French by `dossier --lang fr engagement show`, in its section and its timeline, the stage as the lead decided', () => {
    const text = renderStatus(status, cliWords('fr'), undefined, { action: 'close', reason });
    expect(text).toContain(reason.fr);
    expect(text).not.toContain('The company was acquired');
    expect(text).toMatch(/│ étape\s+│ clos par l’autorité responsable/);
    expect(renderStatus(status, cliWords('fr'))).toMatch(/│ étape\s+│ retiré/);
  });

  it('titles the reason and words the timeline entry as the lead decided in `engagement show`, as the page does', () => {
    const closed = renderStatus(status, cliWords('fr'), undefined, { action: 'close', reason });
    expect(closed).toMatch(/^Clos par l’autorité responsable$/m);
    expect(closed).not.toMatch(/^Retiré$/m);
    expect(closed).toMatch(/│ clos par l’autorité responsable\u00a0: /);
    expect(closed).not.toMatch(/│ retiré\u00a0: /);
    const excluded = renderStatus(status, cliWords('en'), undefined, { action: 'exclude', reason });
    expect(excluded).toMatch(/^Excluded from the statement$/m);
    expect(excluded).toMatch(/│ excluded from the statement: /);
  });

  it('names the lead’s decision, not a withdrawal, in the facts and the timeline, and shows no response as still awaited', async () => {
    const html = await page('fr');
    expect(html).toContain('<dt>Clos par l’autorité responsable parce que</dt>');
    expect(html).not.toContain('Retiré parce que');
    expect(html).toContain('clos par l’autorité responsable\u00a0: <span lang="fr">');
    expect(html).not.toMatch(/>retiré/);
    expect(html).not.toContain('Réponse attendue le');
    expect(html).not.toContain('Aucune réponse consignée pour le moment');
    expect(html).toContain('Aucune réponse n’a été consignée : l’autorité responsable a clos le dossier le 1er\u00a0déc.\u00a02020.'.replace(' :', '\u00a0:'));
    const excluded = await page('en', { ...campaign, openCases: [{ vendorId: 'houseparty', action: 'exclude', reason }] });
    expect(excluded).toContain('<dt>Excluded from the statement because</dt>');
    expect(excluded).toContain('excluded from the statement: <span');
    expect(excluded).not.toContain('Response due');
    expect(excluded).not.toContain('No response recorded yet.');
    expect(excluded).toContain('No response was recorded: the case was excluded from the statement on 1\u00a0Dec\u00a02020.');
  });

  it('shows a withdrawal an officer made as withdrawn, and the response it no longer awaits as ended', async () => {
    const html = await page('en', { ...campaign, openCases: [] });
    expect(html).toContain('<dt>Withdrawn because</dt>');
    expect(html).toContain('No response was recorded: the case was withdrawn on 1\u00a0Dec\u00a02020.');
    expect(html).not.toContain('No response recorded yet.');
  });

  it('names its timeline once for a screen reader: the table is labelled by its heading, with no caption repeating it', async () => {
    const html = await page('fr');
    expect(html).not.toMatch(/<h2[^>]*>([^<]*)<\/h2>\s*<table[^>]*>\s*<caption>\1<\/caption>/);
    expect(html).toMatch(/<h2 id="timeline-heading">Chronologie<\/h2>\s*<table aria-labelledby="timeline-heading">\s*<thead>/);
  });

  it('leaves a reason an officer typed (no pair from the campaign) as recorded', () => {
    expect(withdrawalReasonIn('Vendor left the market', reason, 'fr')).toEqual({ text: 'Vendor left the market' });
    expect(withdrawalReasonIn('Vendor left the market', undefined, 'fr')).toEqual({ text: 'Vendor left the market' });
  });
});
