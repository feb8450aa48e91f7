// The board filtered on withdrawn, closed by the lead or excluded reads one page of rows, as any other
// filter does: the campaign names the vendors the lead decided on, and the visibility query asks for
// those (or all but those), instead of every withdrawn engagement read and filtered in the workspace.
import { describe, expect, it } from 'vitest';
import { engagementQuery, type EngagementFilter, type EngagementSummary } from '../../client/api';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { vendorsShownAs } from '../../workflows/campaign-rules';
import type { OpenCaseAction } from '../../workflows/types';

const secret = 'a-test-session-secret-of-at-least-32-characters';
const config = { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };
const PAGE_SIZE = 2;

// Ten withdrawn engagements: three the lead closed, two it excluded, five officers withdrew; one still open.
const closed = ['c1', 'c2', 'c3'];
const excluded = ['x1', 'x2'];
const withdrawn = ['w1', 'w2', 'w3', 'w4', 'w5'];
const endedByLead: Record<string, OpenCaseAction> = { ...Object.fromEntries(closed.map((v) => [v, 'close'])), ...Object.fromEntries(excluded.map((v) => [v, 'exclude'])) };
const summary = (vendorId: string, stage: string): EngagementSummary => ({
  workflowId: `engagement:vc:${vendorId}`,
  campaignId: 'vc',
  vendorId,
  stage,
  executionStatus: stage === 'withdrawn' ? 'COMPLETED' : 'RUNNING',
  startedAt: '2026-11-27T15:30:00.000Z',
});
const engagements = [...[...closed, ...excluded, ...withdrawn].map((v) => summary(v, 'withdrawn')), summary('open', 'awaiting-response')];

/** Visibility as the client API asks it, counting the rows it hands back. */
function fakeVisibility(decided: Record<string, OpenCaseAction> = endedByLead) {
  const read = { rows: 0, lists: 0 };
  const matching = (f: EngagementFilter) =>
    engagements.filter((e) => (!f.stage || e.stage === f.stage) && (!f.vendorIn || f.vendorIn.includes(e.vendorId!)) && (!f.vendorNotIn || !f.vendorNotIn.includes(e.vendorId!)));
  const dossier = {
    findEngagements: async (f: EngagementFilter) => {
      const rows = matching(f).slice(0, f.limit ?? 1000);
      read.rows += rows.length;
      read.lists++;
      return rows;
    },
    findEngagementsPage: async (f: EngagementFilter, { pageSize, page }: { pageSize: number; page?: string }) => {
      const from = page === undefined ? 0 : Number(Buffer.from(page, 'base64url').toString());
      const all = matching(f);
      const rows = all.slice(from, from + pageSize);
      read.rows += rows.length;
      read.lists++;
      return { engagements: rows, ...(from + pageSize < all.length ? { nextPage: Buffer.from(String(from + pageSize)).toString('base64url') } : {}) };
    },
    countMatching: async (f: EngagementFilter) => matching(f).length,
  };
  const campaigns = { board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: engagements.length, vendorNames: {}, timeZone: 'UTC', endedByLead: decided }) };
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => dossier as never,
    campaigns: async () => campaigns as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    boardPageSize: PAGE_SIZE,
  });
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'd'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 3_600_000 })}`;
  const get = async (query: string) => {
    const html = await (await app.request(`/campaigns/vc${query}`, { headers: { cookie } })).text();
    const vendors = [...html.matchAll(/<tr[^>]*data-vendor="([^"]+)"/g)].map((m) => m[1]!);
    const caption = /<caption[^>]*>([\s\S]*?)<\/caption>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
    const next = /id="next-page"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*id="next-page"/.exec(html);
    return { vendors, caption, next: next ? (next[1] ?? next[2])!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') : undefined };
  };
  return { read, get };
}

describe('the board filtered on a stage the lead’s decisions give', () => {
  it('reads one page of rows for it, counting every vendor that matches', async () => {
    for (const [stage, expected] of [
      ['closed-by-lead', closed],
      ['excluded', excluded],
      ['withdrawn', withdrawn],
    ] as const) {
      const { read, get } = fakeVisibility();
      const seen: string[] = [];
      let shown = await get(`?stage=${stage}`);
      expect(read.rows, stage).toBeLessThanOrEqual(PAGE_SIZE);
      expect(shown.caption, stage).toMatch(new RegExp(`1 to ${Math.min(PAGE_SIZE, expected.length)} of ${expected.length}\\b`));
      seen.push(...shown.vendors);
      // Every page through its link, each read a page at a time.
      for (let pages = 1; shown.next; pages++) {
        expect(pages, `${stage}: more pages than its vendors`).toBeLessThan(expected.length);
        const before = read.rows;
        shown = await get(shown.next);
        expect(read.rows - before, `${stage} page ${pages + 1}`).toBeLessThanOrEqual(PAGE_SIZE);
        seen.push(...shown.vendors);
      }
      expect(seen.sort(), stage).toEqual([...expected].sort());
    }
  });

  it('starts a link of the old paging by row (`from`, no page token) at the first page, numbered from 1, so no row is out of reach', async () => {
    const { get } = fakeVisibility();
    // A page or bookmark served before the filter paged by the server's token.
    let shown = await get('?stage=withdrawn&from=2');
    expect(shown.vendors).toEqual(['w1', 'w2']);
    expect(shown.caption).toMatch(/1 to 2 of 5\b/);
    const seen = [...shown.vendors];
    while (shown.next) {
      shown = await get(shown.next);
      seen.push(...shown.vendors);
    }
    expect(seen).toEqual(withdrawn);
  });

  it('asks visibility nothing for a stage the lead gave no vendor, and says none matches', async () => {
    const { read, get } = fakeVisibility({});
    const shown = await get('?stage=excluded');
    expect(read.lists).toBe(0);
    expect(shown.vendors).toEqual([]);
    expect(shown.caption).toMatch(/^No vendor matches/);
    // Every withdrawn one reads as withdrawn then, a page at a time.
    expect((await get('?stage=withdrawn')).caption).toMatch(/1 to 2 of 10\b/);
    expect(read.rows).toBe(2);
  });

  it('names the vendors the visibility query asks for: those decided, or every withdrawn one but those', () => {
    expect(vendorsShownAs('closed-by-lead', endedByLead)).toEqual({ only: closed });
    expect(vendorsShownAs('excluded', endedByLead)).toEqual({ only: excluded });
    expect(vendorsShownAs('withdrawn', endedByLead)).toEqual({ except: [...closed, ...excluded].sort() });
    expect(vendorsShownAs('withdrawn', undefined)).toEqual({ except: [] });
    expect(vendorsShownAs('excluded', { c1: 'close' })).toEqual({ only: [] });
  });

  it('asks visibility for those vendors by the query, refusing what could not be a vendor id', () => {
    expect(engagementQuery({ campaign: 'vc', stage: 'withdrawn', vendorIn: ['c1', 'c2'] })).toBe("DossierCampaign = 'vc' AND DossierVendor IN ('c1', 'c2') AND DossierStage = 'withdrawn'");
    expect(engagementQuery({ campaign: 'vc', stage: 'withdrawn', vendorNotIn: ['c1'] })).toBe("DossierCampaign = 'vc' AND DossierVendor NOT IN ('c1') AND DossierStage = 'withdrawn'");
    expect(engagementQuery({ campaign: 'vc', vendorNotIn: [] })).toBe("DossierCampaign = 'vc'");
    expect(() => engagementQuery({ campaign: 'vc', vendorIn: [] })).toThrow(/lists no vendor/);
    expect(() => engagementQuery({ campaign: 'vc', vendorIn: ["x') OR ('1"] })).toThrow(/is not a vendor id/);
  });
});
