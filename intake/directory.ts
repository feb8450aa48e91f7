// The intake's look-ups in Temporal, cached: reply tokens of running engagements (from one
// visibility list, never a scan of histories) and campaigns by case reference (from each running
// campaign's status query). A miss refreshes the cache, at most once per `refreshMs`, so a burst
// of unmatched mail cannot hammer the server.
import { replyToken } from '../activities/threading';
import type { DossierClient } from '../client/api';
import { CampaignClient } from '../client/campaign-api';
import type { Directory } from './correlate';

export class TemporalDirectory implements Directory {
  private tokens = new Map<string, { campaignId: string; vendorId: string }>();
  private campaigns = new Map<string, { campaignId: string; vendorIds: string[] }>();
  private tokensAt = 0;
  private campaignsAt = 0;

  constructor(
    private readonly dossier: DossierClient,
    private readonly campaignsApi: CampaignClient,
    private readonly refreshMs = 10_000,
  ) {}

  async engagementByToken(token: string): Promise<{ campaignId: string; vendorId: string } | undefined> {
    if (!this.tokens.has(token) && Date.now() - this.tokensAt > this.refreshMs) {
      this.tokensAt = Date.now();
      const running = await this.dossier.findEngagements({ running: true, limit: 100_000 });
      this.tokens = new Map(
        running.flatMap((e) => (e.campaignId && e.vendorId ? [[replyToken(e.workflowId), { campaignId: e.campaignId, vendorId: e.vendorId }] as const] : [])),
      );
    }
    return this.tokens.get(token);
  }

  async campaignByReference(reference: string): Promise<{ campaignId: string; vendorIds: string[] } | undefined> {
    const key = reference.toUpperCase();
    if (!this.campaigns.has(key) && Date.now() - this.campaignsAt > this.refreshMs) {
      this.campaignsAt = Date.now();
      const next = new Map<string, { campaignId: string; vendorIds: string[] }>();
      for (const summary of await this.dossier.findCampaigns({ limit: 10_000 })) {
        const status = await this.campaignsApi.status(summary.campaignId).catch(() => undefined);
        if (!status) continue;
        const vendorIds = status.engagements.filter((e) => e.state === 'in-progress').map((e) => e.vendorId);
        next.set(status.reference.toUpperCase(), { campaignId: status.campaignId, vendorIds });
      }
      this.campaigns = next;
    }
    return this.campaigns.get(key);
  }
}
