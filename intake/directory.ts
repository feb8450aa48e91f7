// The intake's look-ups in Temporal, cached: reply tokens of running engagements (from one
// visibility list, never a scan of histories), of an ended engagement by its `DossierReplyToken`
// (one visibility query) or, started before that was set, when a reply to its token names its
// campaign (from one list of that campaign's engagements, ended ones too), and campaigns by
// case reference (from the running campaigns' memos in one visibility list; the vendors still in
// progress from a list of the campaign's running engagements). No campaign is queried one by one: a
// campaign whose worker is gone would hold each query until the server's deadline, and every pass
// with it. A miss refreshes the cache, at most once per `refreshMs`, so a burst of unmatched mail
// cannot hammer the server. An engagement's vendor and contacts are queried, uncached (an officer may
// correct them), only for mail its subject offers to several vendors at once.
import { replyToken } from '../activities/threading';
import type { DossierClient, EngagementSummary } from '../client/api';
import { CampaignClient } from '../client/campaign-api';
import { ClientErrorCode, DossierClientError } from '../client/errors';
import type { Contact } from '../workflows/types';
import type { Directory, EngagementMail } from './correlate';

/** How long a campaign started before its memo named its reference has to answer its status query. */
const LEGACY_STATUS_TIMEOUT_MS = 2_000;

type EngagementRef = { campaignId: string; vendorId: string };

export interface DirectoryLimits {
  /** At most this many running engagements per refresh of the token map. */
  runningLimit?: number;
  /** How long a token looked up in its campaign's engagements is remembered, found or not. */
  lookupTtlMs?: number;
  /** At most this many such answers are remembered; the oldest go first. */
  lookupEntries?: number;
}

export class TemporalDirectory implements Directory {
  private tokens = new Map<string, EngagementRef>();
  /** Campaign id by upper-cased case reference. */
  private campaigns = new Map<string, string>();
  private tokensAt = 0;
  private campaignsAt = 0;
  /** Answers of the look-ups in a campaign's engagements, by token and campaigns searched. */
  private lookedUp = new Map<string, { found: EngagementRef | undefined; at: number }>();
  private readonly runningLimit: number;
  private readonly lookupTtlMs: number;
  private readonly lookupEntries: number;

  constructor(
    private readonly dossier: DossierClient,
    private readonly campaignsApi: CampaignClient,
    /** A miss refreshes at most this often; 0 refreshes on every miss (tests). */
    private readonly refreshMs = 10_000,
    { runningLimit = 100_000, lookupTtlMs = 60_000, lookupEntries = 10_000 }: DirectoryLimits = {},
  ) {
    this.runningLimit = runningLimit;
    this.lookupTtlMs = lookupTtlMs;
    this.lookupEntries = lookupEntries;
  }

  /**
   * A token names its engagement for good, after the case ended too. Were it forgotten then, a late
   * reply would fall through to its subject's case reference and be offered to the campaign's other
   * vendors, one of which may share the sender's domain and record it. Named, it goes to the ended
   * engagement alone, which refuses it, and the officer finds it held. The cache lists running
   * engagements only: a list of every engagement ever grows with history and, past its limit, drops
   * the oldest tokens. An ended engagement is found by its token, which its starter listed as
   * `DossierReplyToken`, whatever the subject says. One started before that was listed is looked up
   * in the engagements of the campaigns the subject names, the very ones the reply would otherwise be
   * offered to; a token is a hash of the workflow id, so it cannot be turned back into the
   * engagement it names.
   */
  async engagementByToken(token: string, references: string[] = []): Promise<EngagementRef | undefined> {
    if (!this.tokens.has(token) && Date.now() - this.tokensAt >= this.refreshMs) {
      this.tokensAt = Date.now();
      this.tokens = tokenMap(await this.dossier.findEngagements({ running: true, limit: this.runningLimit }));
    }
    const running = this.tokens.get(token);
    if (running) return running;
    const listed = await this.remembered(token, async () => {
      const [found] = await this.dossier.findEngagements({ replyToken: token, limit: 1 }).catch((err: unknown) => {
        // A namespace that has not registered DossierReplyToken refuses the query (the token itself was
        // checked): the engagement is looked for as before it was listed, not left in the inbox for good.
        if (err instanceof DossierClientError && err.code === ClientErrorCode.InvalidInput) return [];
        throw err;
      });
      return found?.campaignId && found.vendorId ? { campaignId: found.campaignId, vendorId: found.vendorId } : undefined;
    });
    if (listed || references.length === 0) return listed;
    const campaignIds = new Set<string>();
    for (const reference of references) {
      const campaignId = await this.campaignIdOf(reference);
      if (campaignId !== undefined) campaignIds.add(campaignId);
    }
    return campaignIds.size === 0 ? undefined : this.lookUp(token, [...campaignIds].sort());
  }

  private lookUp(token: string, campaignIds: string[]): Promise<EngagementRef | undefined> {
    return this.remembered(`${token} ${campaignIds.join(' ')}`, async () => {
      for (const campaign of campaignIds) {
        // A campaign's engagements, ended ones too: as many as its vendors, however long the history.
        const found = tokenMap(await this.dossier.findEngagements({ campaign, limit: 100_000 })).get(token);
        if (found) return found;
      }
      return undefined;
    });
  }

  /** A look-up's answer, found or not, from the last `lookupTtlMs`, else asked again and remembered. */
  private async remembered(key: string, ask: () => Promise<EngagementRef | undefined>): Promise<EngagementRef | undefined> {
    const known = this.lookedUp.get(key);
    if (known && Date.now() - known.at < this.lookupTtlMs) return known.found;
    const found = await ask();
    this.lookedUp.delete(key);
    this.lookedUp.set(key, { found, at: Date.now() });
    for (const oldest of this.lookedUp.keys()) {
      if (this.lookedUp.size <= this.lookupEntries) break;
      this.lookedUp.delete(oldest);
    }
    return found;
  }

  /**
   * Its engagements from one list, ended ones too (as many as its vendors, and their earlier runs):
   * a vendor is in progress when one of its runs is running.
   */
  async campaignByReference(reference: string): Promise<{ campaignId: string; vendorIds: string[]; endedVendorIds: string[] } | undefined> {
    const campaignId = await this.campaignIdOf(reference);
    if (campaignId === undefined) return undefined;
    const listed = await this.dossier.findEngagements({ campaign: campaignId, limit: 100_000 });
    const running = new Set(listed.flatMap((e) => (e.vendorId && e.executionStatus === 'RUNNING' ? [e.vendorId] : [])));
    const ended = new Set(listed.flatMap((e) => (e.vendorId && !running.has(e.vendorId) ? [e.vendorId] : [])));
    return { campaignId, vendorIds: [...running], endedVendorIds: [...ended] };
  }

  private async campaignIdOf(reference: string): Promise<string | undefined> {
    const key = reference.toUpperCase();
    if (!this.campaigns.has(key) && Date.now() - this.campaignsAt >= this.refreshMs) {
      this.campaignsAt = Date.now();
      const next = new Map<string, string>();
      const legacy: string[] = [];
      for (const summary of await this.dossier.findCampaigns({ limit: 10_000 })) {
        if (summary.reference) next.set(summary.reference.toUpperCase(), summary.campaignId);
        else legacy.push(summary.campaignId);
      }
      // Campaigns started before the memo are asked, all at once and briefly; one that does not answer is not matched by subject.
      const answers = await Promise.all(legacy.map((id) => this.campaignsApi.status(id, { timeoutMs: LEGACY_STATUS_TIMEOUT_MS }).catch(() => undefined)));
      for (const status of answers) if (status) next.set(status.reference.toUpperCase(), status.campaignId);
      // One that answered before and is busy this once (a large history to replay) keeps its reference.
      const silent = new Set(legacy.filter((_, i) => answers[i] === undefined));
      for (const [known, campaignId] of this.campaigns) if (silent.has(campaignId) && !next.has(known)) next.set(known, campaignId);
      this.campaigns = next;
    }
    return this.campaigns.get(key);
  }

  async vendorOf(engagement: { campaignId: string; vendorId: string }): Promise<{ name: string; contacts?: Contact[] }> {
    const status = await this.dossier.status(engagement);
    return { name: status.vendorName, contacts: status.contacts };
  }

  async sentSteps(engagement: { campaignId: string; vendorId: string }): Promise<string[]> {
    return (await this.engagementMail(engagement)).sentSteps;
  }

  async engagementMail(engagement: { campaignId: string; vendorId: string }): Promise<EngagementMail> {
    const status = await this.dossier.status(engagement);
    // The timeline's `<kind> sent` entries, detailed by their step (then any note in brackets).
    const sent = status.timeline.filter((t) => t.by === 'dossier' && t.what.endsWith(' sent') && t.detail);
    return { sentSteps: [...new Set(sent.map((t) => t.detail!.split(' (')[0]!))], recorded: new Map((status.inbox ?? []).map((m) => [m.messageId, m.review])) };
  }
}

function tokenMap(engagements: EngagementSummary[]): Map<string, EngagementRef> {
  return new Map(engagements.flatMap((e) => (e.campaignId && e.vendorId ? [[replyToken(e.workflowId), { campaignId: e.campaignId, vendorId: e.vendorId }] as const] : [])));
}
