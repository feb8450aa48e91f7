// The intake's look-ups in Temporal, cached: reply tokens of engagements, ended ones too (from one
// visibility list, never a scan of histories) and campaigns by case reference (from the running
// campaigns' memos in one visibility list; the vendors still in progress from a list of the
// campaign's running engagements). No campaign is queried one by one: a campaign whose worker is
// gone would hold each query until the server's deadline, and every pass with it. A miss refreshes
// the cache, at most once per `refreshMs`, so a burst of unmatched mail cannot hammer the server.
// An engagement's vendor and contacts are queried, uncached (an officer may correct them), only for
// mail its subject offers to several vendors at once.
import { replyToken } from '../activities/threading';
import type { DossierClient } from '../client/api';
import { CampaignClient } from '../client/campaign-api';
import type { Contact } from '../workflows/types';
import type { Directory } from './correlate';

/** How long a campaign started before its memo named its reference has to answer its status query. */
const LEGACY_STATUS_TIMEOUT_MS = 2_000;

export class TemporalDirectory implements Directory {
  private tokens = new Map<string, { campaignId: string; vendorId: string }>();
  /** Campaign id by upper-cased case reference. */
  private campaigns = new Map<string, string>();
  private tokensAt = 0;
  private campaignsAt = 0;

  constructor(
    private readonly dossier: DossierClient,
    private readonly campaignsApi: CampaignClient,
    /** A miss refreshes at most this often; 0 refreshes on every miss (tests). */
    private readonly refreshMs = 10_000,
  ) {}

  /**
   * Ended engagements too: a token names its engagement for good. Were it forgotten once the case
   * ended, a late reply would fall through to its subject's case reference and be offered to the
   * campaign's other vendors, one of which may share the sender's domain and record it. Named, it
   * goes to the ended engagement alone, which refuses it, and the officer finds it held. The list
   * gives running engagements first, so its limit never drops one that is running.
   */
  async engagementByToken(token: string): Promise<{ campaignId: string; vendorId: string } | undefined> {
    if (!this.tokens.has(token) && Date.now() - this.tokensAt >= this.refreshMs) {
      this.tokensAt = Date.now();
      const engagements = await this.dossier.findEngagements({ limit: 100_000 });
      this.tokens = new Map(
        engagements.flatMap((e) => (e.campaignId && e.vendorId ? [[replyToken(e.workflowId), { campaignId: e.campaignId, vendorId: e.vendorId }] as const] : [])),
      );
    }
    return this.tokens.get(token);
  }

  async campaignByReference(reference: string): Promise<{ campaignId: string; vendorIds: string[] } | undefined> {
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
    const campaignId = this.campaigns.get(key);
    if (campaignId === undefined) return undefined;
    const running = await this.dossier.findEngagements({ campaign: campaignId, running: true, limit: 10_000 });
    return { campaignId, vendorIds: running.flatMap((e) => (e.vendorId ? [e.vendorId] : [])) };
  }

  async vendorOf(engagement: { campaignId: string; vendorId: string }): Promise<{ name: string; contacts?: Contact[] }> {
    const status = await this.dossier.status(engagement);
    return { name: status.vendorName, contacts: status.contacts };
  }
}
