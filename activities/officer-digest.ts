// Finds what each officer's digest holds: running engagements whose next deadline is past or within
// the horizon, through one visibility query on the Dossier search attributes (never a scan), grouped
// by campaign and addressed to each campaign's officers. A campaign's definition (title, officers,
// vendor names) is read once from the first event of its workflow's history. A running campaign whose
// memo says a statement version was drafted is asked its status, to list that version while it waits
// for approvals, with the authorities still to give theirs. Run every hour by its Schedule with the
// digest's hour, it mails only the officers on whose clock that hour has just begun.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { campaignWorkflowId, engagementWorkflowId, parseWorkflowId } from '../workflows/workflow-ids';
import { CAMPAIGN_MEMO_KEY, campaignStatusQuery, type CampaignListingMemo, type CampaignStatus } from '../workflows/messages';
import { campaignTimeZone } from './format';
import { zoneOffsetMs } from '../workflows/time';
import { listWorkflows, startInputOf } from './visibility';
import { DossierCampaign, DossierNextDeadline, DossierStage, DossierVendor } from '../workflows/search-attributes';
import {
  officeLanguage,
  type CampaignInput,
  type CampaignRef,
  DIGEST_EVERY,
  type DigestItem,
  type DigestSection,
  type Duration,
  type EngagementInput,
  type Officer,
  STAGES_WAITING_FOR_OFFICER,
} from '../workflows/types';

export interface CollectDigestsInput {
  /** "Now", from the workflow (so a replay agrees). */
  asOf: string;
  horizon: Duration;
  /** Only engagements served by this deployment's task queue. */
  taskQueue: string;
  /**
   * Only the officers on whose clock this hour (0–23) began within the DIGEST_EVERY up to `asOf`;
   * every officer when absent (a run started by hand, or by the daily Schedule of before).
   */
  localHour?: number;
}

export interface OfficerDigest {
  officer: Officer;
  /** The first campaign of the digest: its reference and office sign the message. */
  campaign: CampaignRef;
  sections: DigestSection[];
  /** The message's zone (UTC); each section prints its due dates in its own campaign's. */
  timeZone: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function createDigestActivities(clientOf: () => Client = () => Context.current().client) {
  return {
    async collectOfficerDigests({ asOf, horizon, taskQueue, localHour }: CollectDigestsInput): Promise<OfficerDigest[]> {
      const client = clientOf();
      const now = Date.parse(asOf);
      const until = new Date(now + msToNumber(horizon)).toISOString();
      const waiting = STAGES_WAITING_FOR_OFFICER.map((stage) => `'${stage}'`).join(', ');
      const query =
        `WorkflowType = 'engagement' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}'` +
        ` AND (DossierNextDeadline < '${until}' OR DossierStage IN (${waiting}))`;
      const byCampaign = new Map<string, DigestItem[]>();
      for await (const wf of listWorkflows(client, query)) {
        const sa = wf.typedSearchAttributes;
        const campaignId = sa.get(DossierCampaign);
        const vendorId = sa.get(DossierVendor);
        const deadline = sa.get(DossierNextDeadline);
        const stage = sa.get(DossierStage) ?? '';
        const waitsForOfficer = (STAGES_WAITING_FOR_OFFICER as readonly string[]).includes(stage);
        if (!campaignId || !vendorId || !(deadline || waitsForOfficer)) continue;
        const items = byCampaign.get(campaignId) ?? [];
        items.push({
          campaignId,
          vendorId,
          vendorName: vendorId,
          stage,
          waitsForOfficer,
          deadline: deadline?.toISOString(),
          overdue: deadline !== undefined && deadline.getTime() < now,
          overdueDays: deadline ? Math.max(0, Math.floor((now - deadline.getTime()) / DAY_MS)) : 0,
        });
        byCampaign.set(campaignId, items);
      }

      const statements = await statementsAwaitingApproval(client, taskQueue);
      for (const campaignId of statements.keys()) if (!byCampaign.has(campaignId)) byCampaign.set(campaignId, []);

      const perOfficer = new Map<string, OfficerDigest>();
      for (const [campaignId, items] of [...byCampaign].sort(([a], [b]) => a.localeCompare(b))) {
        const definition = await campaignDefinition(client, campaignId, items.map((i) => i.vendorId));
        if (!definition) continue;
        const awaiting = statements.get(campaignId);
        const authorityName = (id: string) => definition.campaign.authorities.find((a) => a.id === id)?.name ?? { en: id, fr: id };
        const names = new Map(definition.vendors.map((v) => [v.id, v.name]));
        // A vendor the lead added after the start is not in the campaign's input: its engagement's names it.
        const added = items.filter((i) => !names.has(i.vendorId)).map((i) => i.vendorId);
        for (const input of await Promise.all(added.map((v) => firstInput<EngagementInput>(client, engagementWorkflowId(campaignId, v))))) {
          if (input?.vendor) names.set(input.vendor.id, input.vendor.name);
        }
        const section: DigestSection = {
          campaignId,
          reference: definition.campaign.reference,
          title: definition.campaign.title,
          // Due dates as the campaign's letters print them; the digest's other campaigns may be led from elsewhere.
          timeZone: campaignTimeZone(definition.campaign),
          ...(awaiting ? { statement: { version: awaiting.version, pending: awaiting.pending.map(authorityName) } } : {}),
          // What waits for an officer first, then most overdue, then soonest due.
          items: items
            .map((i) => ({ ...i, vendorName: names.get(i.vendorId) ?? i.vendorId }))
            .sort(
              (a, b) =>
                Number(b.waitsForOfficer) - Number(a.waitsForOfficer) ||
                (a.deadline ?? '').localeCompare(b.deadline ?? '') ||
                a.vendorId.localeCompare(b.vendorId),
            ),
        };
        for (const officer of officersOf(definition.campaign)) {
          const key = officer.email.trim().toLowerCase();
          const digest = perOfficer.get(key) ?? { officer, campaign: definition.campaign, sections: [], timeZone: 'UTC' };
          // An officer the campaign file names twice (the schema lets it) gets the campaign's cases once.
          if (digest.sections.includes(section)) continue;
          digest.sections.push(section);
          perOfficer.set(key, digest);
        }
      }
      const since = now - msToNumber(DIGEST_EVERY);
      // An officer's clock is their own zone, else that of the campaign that signs their digest.
      const due = (digest: OfficerDigest) => localHour === undefined || hourBegan(localHour, digest.officer.timeZone ?? campaignTimeZone(digest.campaign), since, now);
      return [...perOfficer.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, digest]) => digest)
        .filter(due);
    },
  };
}

/**
 * Whether the wall clock of `timeZone` read `hour`:00 at some moment after `from` and up to `to`.
 * Read as clock times, not instants: an hour the clocks skip in spring still begins (at the jump),
 * and an hour they repeat in autumn begins once.
 */
export function hourBegan(hour: number, timeZone: string, from: number, to: number): boolean {
  const [clockFrom, clockTo] = [from, to].map((t) => t + zoneOffsetMs(t, timeZone)) as [number, number];
  return [clockFrom, clockTo].some((clock) => {
    const begins = Math.floor(clock / DAY_MS) * DAY_MS + hour * HOUR_MS;
    return clockFrom < begins && begins <= clockTo;
  });
}

/** How long a campaign is given to answer its status: one whose worker is gone must not hold the digest up. */
const STATUS_WAIT_MS = 5_000;

/**
 * The running campaigns whose statement version waits for approvals, with the authorities still to
 * approve it. Visibility finds the campaigns whose memo says a version was drafted (those started
 * before the memo said so are asked too); only those are asked their status.
 */
async function statementsAwaitingApproval(client: Client, taskQueue: string): Promise<Map<string, { version: number; pending: string[] }>> {
  const found = new Map<string, { version: number; pending: string[] }>();
  const query = `WorkflowType = 'campaign' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}'`;
  for await (const wf of listWorkflows(client, query)) {
    const memo = wf.memo?.[CAMPAIGN_MEMO_KEY] as CampaignListingMemo | undefined;
    const campaignId = parseWorkflowId(wf.workflowId)?.campaignId;
    if (!campaignId || memo?.statementDrafted === false) continue;
    const status = await statusWithin(client, wf.workflowId);
    if (status?.phase !== 'approving' || !status.draft?.pending.length) continue;
    found.set(campaignId, { version: status.draft.version, pending: status.draft.pending });
  }
  return found;
}

async function statusWithin(client: Client, workflowId: string): Promise<CampaignStatus | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STATUS_WAIT_MS)));
  try {
    return await Promise.race([client.workflow.getHandle(workflowId).query(campaignStatusQuery), timeout]);
  } catch {
    // A campaign that cannot answer (shredded, ended meanwhile) has nothing to list.
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The campaign's officers; without a list, its office in the lead authority's language. */
export function officersOf(campaign: CampaignRef): Officer[] {
  if (campaign.officers?.length) return campaign.officers;
  return [{ ...campaign.officeContact, language: officeLanguage(campaign) }];
}

/**
 * The campaign's definition from the input of its workflow, or, for engagements started on their
 * own, from theirs. Only the first event of each history is fetched.
 */
async function campaignDefinition(client: Client, campaignId: string, vendorIds: string[]): Promise<Pick<CampaignInput, 'campaign' | 'vendors'> | undefined> {
  const fromCampaign = await firstInput<CampaignInput>(client, campaignWorkflowId(campaignId));
  if (fromCampaign) return { campaign: fromCampaign.campaign, vendors: fromCampaign.vendors };
  const inputs = (await Promise.all(vendorIds.map((v) => firstInput<EngagementInput>(client, engagementWorkflowId(campaignId, v))))).filter(
    (input): input is EngagementInput => input !== undefined,
  );
  return inputs.length ? { campaign: inputs[0].campaign, vendors: inputs.map((i) => i.vendor) } : undefined;
}

async function firstInput<T>(client: Client, workflowId: string): Promise<T | undefined> {
  try {
    return await startInputOf<T>(client, workflowId);
  } catch (err) {
    // No such workflow (an engagement without a campaign), or a shredded key: nothing to tell.
    if ((err as { code?: number }).code === 5 /* NOT_FOUND */) return undefined;
    if (/does not exist|destroyed|shredded/i.test((err as Error).message)) return undefined;
    throw err;
  }
}
