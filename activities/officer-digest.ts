// Finds what each officer's digest holds: running engagements whose next deadline is past or within
// the horizon, through one visibility query on the Dossier search attributes (never a scan), grouped
// by campaign and addressed to each campaign's officers. A campaign's definition (title, officers,
// vendor names) is read once from the first event of its workflow's history. A running campaign whose
// memo says a statement version was drafted is asked its status, to list that version while it waits
// for approvals, with the authorities still to give theirs. A reply recorded after the first stage
// leaves the engagement's stage as it is, so nothing in visibility shows it: the engagements in those
// stages are asked their status, for the officers this run mails, to list the replies to review.
// With the case mailbox (a worker given the intake's), each campaign's holding pen is counted too, and
// the mail that names no campaign is told to the officers of every open campaign. An ended campaign's
// pen still takes replies to its notices: it is told to that campaign's officers while it holds mail. Run every hour by its Schedule with the
// digest's hour, it mails only the officers on whose clock that hour has just begun.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { campaignWorkflowId, engagementWorkflowId, parseWorkflowId } from '../workflows/workflow-ids';
import type { QueryDefinition } from '@temporalio/common';
import { CAMPAIGN_MEMO_KEY, campaignStatusQuery, engagementStatusQuery, type CampaignListingMemo } from '../workflows/messages';
import { campaignTimeZone } from './format';
import { zoneOffsetMs } from '../workflows/time';
import { inLanes } from './lanes';
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

/** A campaign's holding pen as the digest tells it: how many messages wait, and since when. */
export interface HeldCount {
  count: number;
  /** When the oldest reached the case mailbox (ISO); absent when the mailbox does not say. */
  oldest?: string;
}

/** The case mailbox opened for one digest run (intake/held-count.ts). */
export interface HeldPen {
  /** A campaign's pen; `undefined`, the pen of mail that names no campaign (`unsorted`). */
  count(campaignId: string | undefined): Promise<HeldCount>;
  close(): Promise<void>;
}

/**
 * The campaign id of the section that counts the mail naming no campaign: no campaign has an empty
 * id (store/rules.ts), so the section is told apart without a field the digest workflow would carry.
 */
export const UNSORTED_SECTION = '';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Stages in which a reply the intake records leaves the stage as it is (workflows/inbox.ts moves
 * only a reply to the open letter to `reply-received`): only the engagement's status counts them.
 */
const STAGES_REPLIES_LEAVE_AS_THEY_ARE = ['responded', 'follow-up', 'demonstration'] as const;

/** A line for an engagement as visibility lists it, before its vendor is named. */
function itemOf(campaignId: string, vendorId: string, stage: string, deadline: Date | undefined, now: number): DigestItem {
  return {
    campaignId,
    vendorId,
    vendorName: vendorId,
    stage,
    waitsForOfficer: (STAGES_WAITING_FOR_OFFICER as readonly string[]).includes(stage),
    deadline: deadline?.toISOString(),
    overdue: deadline !== undefined && deadline.getTime() < now,
    overdueDays: deadline ? Math.max(0, Math.floor((now - deadline.getTime()) / DAY_MS)) : 0,
  };
}

/** What waits for an officer first, then most overdue, then soonest due. */
function byUrgency(a: DigestItem, b: DigestItem): number {
  return Number(b.waitsForOfficer) - Number(a.waitsForOfficer) || (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.vendorId.localeCompare(b.vendorId);
}

/**
 * `heldMail`: opens the case mailbox, for a worker that can read it; without it the digest links to
 * each holding pen but cannot say what waits there. `heldPens`: the campaigns whose pens the intake
 * last counted with mail in them (intake/held-census.ts), read without opening the mailbox: the only
 * way the digest learns of an ended campaign's pen, which visibility no longer lists as running.
 */
export function createDigestActivities(
  clientOf: () => Client = () => Context.current().client,
  heldMail?: () => Promise<HeldPen>,
  heldPens?: () => Promise<string[]>,
) {
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
        const item = campaignId && vendorId ? itemOf(campaignId, vendorId, sa.get(DossierStage) ?? '', sa.get(DossierNextDeadline), now) : undefined;
        if (!campaignId || !item || !(item.deadline || item.waitsForOfficer)) continue;
        byCampaign.set(campaignId, [...(byCampaign.get(campaignId) ?? []), item]);
      }

      // Engagements whose replies may wait for review unseen, asked only for the officers this run mails.
      const later = STAGES_REPLIES_LEAVE_AS_THEY_ARE.map((stage) => `'${stage}'`).join(', ');
      const mayHaveReplies = new Map<string, DigestItem[]>();
      for await (const wf of listWorkflows(client, `WorkflowType = 'engagement' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}' AND DossierStage IN (${later})`)) {
        const sa = wf.typedSearchAttributes;
        const campaignId = sa.get(DossierCampaign);
        const vendorId = sa.get(DossierVendor);
        if (!campaignId || !vendorId) continue;
        mayHaveReplies.set(campaignId, [...(mayHaveReplies.get(campaignId) ?? []), itemOf(campaignId, vendorId, sa.get(DossierStage) ?? '', sa.get(DossierNextDeadline), now)]);
        if (!byCampaign.has(campaignId)) byCampaign.set(campaignId, []);
      }
      const since = now - msToNumber(DIGEST_EVERY);
      // An officer's clock is their own zone, else that of the first campaign (by id) naming them, whatever it lists.
      const clocks = new Map<string, string>();
      const keyOf = (officer: Officer) => officer.email.trim().toLowerCase();
      const clockSays = (officer: Officer) => localHour === undefined || hourBegan(localHour, clocks.get(keyOf(officer)) ?? 'UTC', since, now);

      const { running, drafted } = await runningCampaigns(client, taskQueue);
      for (const campaignId of drafted) if (!byCampaign.has(campaignId)) byCampaign.set(campaignId, []);
      // Mail may wait in the pen of a campaign with nothing else to list.
      if (heldMail) for (const campaignId of running) if (!byCampaign.has(campaignId)) byCampaign.set(campaignId, []);
      // An ended campaign's pen: listed while it holds mail, to its own officers only (not an open campaign's).
      const ended = new Set<string>();
      if (heldMail && heldPens) {
        const runningNow = new Set(running);
        const penned = (await heldPens().catch(() => [] as string[])).filter((campaignId) => !runningNow.has(campaignId) && !byCampaign.has(campaignId));
        for (const campaignId of await endedOn(client, taskQueue, penned)) {
          ended.add(campaignId);
          byCampaign.set(campaignId, []);
        }
      }
      // Opened once a campaign's officers are mailed now; a mailbox that cannot be read leaves the counts out, not the digest.
      let pen: Promise<HeldPen | undefined> | undefined;
      const heldIn = async (campaignId: string | undefined) => {
        pen ??= heldMail?.().catch(() => undefined);
        return (await pen)?.count(campaignId).catch(() => undefined);
      };

      try {
        const perOfficer = new Map<string, OfficerDigest>();
        // Every officer of an open campaign, with their first campaign: who is told of the mail that names none.
        const openCampaignOfficers = new Map<string, { officer: Officer; campaign: CampaignRef }>();
        // Ended campaigns last: their mail after the cases, and an officer's clock set by a campaign still open.
        const inOrder = [...byCampaign].sort(([a], [b]) => Number(ended.has(a)) - Number(ended.has(b)) || a.localeCompare(b));
        for (const [campaignId, listed] of inOrder) {
          const candidates = mayHaveReplies.get(campaignId) ?? [];
          const definition = await campaignDefinition(client, campaignId, [...listed, ...candidates].map((i) => i.vendorId));
          if (!definition) continue;
          for (const o of officersOf(definition.campaign)) if (!clocks.has(keyOf(o))) clocks.set(keyOf(o), o.timeZone ?? campaignTimeZone(definition.campaign));
          if (!ended.has(campaignId)) for (const o of officersOf(definition.campaign)) if (!openCampaignOfficers.has(keyOf(o))) openCampaignOfficers.set(keyOf(o), { officer: o, campaign: definition.campaign });
          // What only a query or the mailbox tells is asked only for the officers this run mails.
          const mailedNow = officersOf(definition.campaign).some(clockSays);
          const items = mailedNow ? await withRepliesToReview(client, listed, candidates) : listed;
          const held = mailedNow && heldMail ? await heldIn(campaignId) : undefined;
          const awaiting = mailedNow && drafted.has(campaignId) ? await statementAwaitingApproval(client, campaignId) : undefined;
          if (!items.length && !awaiting && !held?.count) continue;
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
            ...(held ? { held: { count: held.count, ...(held.oldest ? { since: held.oldest } : {}) } } : {}),
            ...(ended.has(campaignId) ? { ended: true as const } : {}),
            items: items.map((i) => ({ ...i, vendorName: names.get(i.vendorId) ?? i.vendorId })).sort(byUrgency),
          };
          for (const officer of officersOf(definition.campaign)) {
            const key = keyOf(officer);
            const digest = perOfficer.get(key) ?? { officer, campaign: definition.campaign, sections: [], timeZone: 'UTC' };
            // An officer the campaign file names twice (the schema lets it) gets the campaign's cases once.
            if (digest.sections.includes(section)) continue;
            digest.sections.push(section);
            perOfficer.set(key, digest);
          }
        }
        // Mail that names no campaign could be any open campaign's: each of their officers mailed now is
        // told of it, once, after their campaigns, so that whoever knows the sender sorts it.
        const toldOfUnsorted = [...openCampaignOfficers.values()].filter(({ officer }) => clockSays(officer));
        const unsorted = heldMail && toldOfUnsorted.length ? await heldIn(undefined) : undefined;
        if (unsorted?.count) {
          for (const { officer, campaign } of toldOfUnsorted) {
            const key = keyOf(officer);
            const digest = perOfficer.get(key) ?? { officer, campaign, sections: [], timeZone: 'UTC' };
            digest.sections.push({
              campaignId: UNSORTED_SECTION,
              reference: '',
              title: { en: '', fr: '' },
              timeZone: clocks.get(key) ?? 'UTC',
              held: { count: unsorted.count, ...(unsorted.oldest ? { since: unsorted.oldest } : {}) },
              items: [],
            });
            perOfficer.set(key, digest);
          }
        }
        return [...perOfficer.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, digest]) => digest)
          .filter((digest) => clockSays(digest.officer));
      } finally {
        await (await pen)?.close().catch(() => undefined);
      }
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

/** How long a workflow is given to answer its status: one whose worker is gone must not hold the digest up. */
const STATUS_WAIT_MS = 5_000;
/** Status queries and history reads in flight at once (see activities/lanes.ts). */
const STATUS_LANES = 16;

/**
 * The campaign's listed lines, with the replies waiting for review that `candidates` (engagements in
 * a stage a reply leaves as it is) report in their status: on the line visibility listed, or on a
 * line of their own. An engagement that cannot answer in time has none to list.
 */
async function withRepliesToReview(client: Client, listed: DigestItem[], candidates: DigestItem[]): Promise<DigestItem[]> {
  const items = [...listed];
  await inLanes(candidates, STATUS_LANES, async (candidate) => {
    const status = await queryWithin(client, engagementWorkflowId(candidate.campaignId, candidate.vendorId), engagementStatusQuery);
    const toReview = (status?.inbox ?? []).filter((m) => m.review === 'to-review').length;
    if (!toReview) return;
    const at = items.findIndex((i) => i.vendorId === candidate.vendorId);
    const line = { ...(at >= 0 ? items[at]! : candidate), waitsForOfficer: true, toReview };
    if (at >= 0) items[at] = line;
    else items.push(line);
  });
  return items;
}

/**
 * The running campaigns, and those whose memo says a statement version was drafted (those started
 * before the memo said so too): only those may have a version waiting for approvals.
 */
async function runningCampaigns(client: Client, taskQueue: string): Promise<{ running: string[]; drafted: Set<string> }> {
  const running: string[] = [];
  const drafted = new Set<string>();
  const query = `WorkflowType = 'campaign' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}'`;
  for await (const wf of listWorkflows(client, query)) {
    const memo = wf.memo?.[CAMPAIGN_MEMO_KEY] as CampaignListingMemo | undefined;
    const campaignId = parseWorkflowId(wf.workflowId)?.campaignId;
    if (!campaignId) continue;
    running.push(campaignId);
    if (memo?.statementDrafted !== false) drafted.add(campaignId);
  }
  return { running, drafted };
}

/**
 * Of these campaigns, those whose workflow ended on this task queue. The census the pens come from is
 * the shared store's, which deployments on other task queues of the namespace may share: a campaign
 * running on another task queue has not ended, and one that ended there is that deployment's to tell.
 */
async function endedOn(client: Client, taskQueue: string, campaignIds: string[]): Promise<string[]> {
  if (!campaignIds.length) return [];
  const ids = campaignIds.map((campaignId) => `'${campaignWorkflowId(campaignId).replace(/'/g, '')}'`).join(', ');
  const runningAnywhere = new Set<string>();
  const ranHere = new Set<string>();
  for await (const wf of listWorkflows(client, `WorkflowType = 'campaign' AND WorkflowId IN (${ids})`)) {
    const campaignId = parseWorkflowId(wf.workflowId)?.campaignId;
    if (!campaignId) continue;
    if (wf.status === 'RUNNING') runningAnywhere.add(campaignId);
    else if (wf.taskQueue === taskQueue) ranHere.add(campaignId);
  }
  return campaignIds.filter((campaignId) => ranHere.has(campaignId) && !runningAnywhere.has(campaignId));
}

/** The campaign's statement version waiting for approvals, with the authorities still to approve it, from its status. */
async function statementAwaitingApproval(client: Client, campaignId: string): Promise<{ version: number; pending: string[] } | undefined> {
  const status = await queryWithin(client, campaignWorkflowId(campaignId), campaignStatusQuery);
  if (status?.phase !== 'approving' || !status.draft?.pending.length) return undefined;
  return { version: status.draft.version, pending: status.draft.pending };
}

async function queryWithin<T>(client: Client, workflowId: string, query: QueryDefinition<T, []>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STATUS_WAIT_MS)));
  try {
    return await Promise.race([client.workflow.getHandle(workflowId).query(query), timeout]);
  } catch {
    // A workflow that cannot answer (shredded, ended meanwhile) has nothing to list.
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
  const inputs: EngagementInput[] = [];
  await inLanes(vendorIds, STATUS_LANES, async (v) => {
    const input = await firstInput<EngagementInput>(client, engagementWorkflowId(campaignId, v));
    if (input) inputs.push(input);
  });
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
