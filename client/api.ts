// The typed engagement API: start an engagement, read its status, send it every update a case
// officer can make, and find engagements across campaigns through Temporal visibility (search
// attributes, never a scan of every workflow). The CLI is one caller; a web page or the demo can
// import it too. Every failure is a `DossierClientError` with a string code (client/errors.ts).
import { createHash } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import type { engagement } from '../workflows/engagement';
import type { documentAccess } from '../workflows/document-access';
import {
  campaignStatusQuery,
  withdrawVendorUpdate,
  askFollowUpUpdate,
  concludeUpdate,
  correctContactsUpdate,
  changeContactsUpdate,
  engagementStatusQuery,
  extendDeadlineUpdate,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordResponseUpdate,
  rescheduleDemonstrationUpdate,
  scheduleDemonstrationUpdate,
  withdrawUpdate,
  confirmInboundUpdate,
  dismissInboundUpdate,
  recordInboundUpdate,
  documentDownloadedSignal,
  heldMessageDismissedSignal,
  type DocumentDownloadedInput,
  type HeldMessageDismissedInput,
  type ConfirmInboundInput,
  type DismissInboundInput,
  type RecordInboundInput,
  type RecordInboundResult,
  type AskFollowUpInput,
  type ConcludeInput,
  type CorrectContactsInput,
  type ChangeContactsInput,
  type EngagementStatus,
  type EngagementUpdated,
  type ExtendDeadlineInput,
  type RecordAnswersInput,
  type RecordDemonstrationOutcomeInput,
  type RecordResponseInput,
  type RescheduleDemonstrationInput,
  type ScheduleDemonstrationInput,
  type WithdrawInput,
  BOARD_MEMO_KEY,
  CAMPAIGN_MEMO_KEY,
  parseNextActionKeyword,
  type CampaignListingMemo,
  type EngagementBoardMemo,
} from '../workflows/messages';
import {
  DOSSIER_SEARCH_ATTRIBUTES,
  DossierCampaign,
  DossierLastContact,
  DossierNextAction,
  DossierNextActionAt,
  DossierReplyWaiting,
  DossierNextDeadline,
  DossierStage,
  DossierVendor,
  engagementStartAttributes,
} from '../workflows/search-attributes';
import { checkRecordResponse, ENGAGEMENT_REVISION } from '../workflows/engagement-rules';
import { findingsSizeProblem } from '../workflows/text-rules';
import {
  campaignTimeZone,
  ENGAGEMENT_STAGES,
  ID_PATTERN,
  type Bilingual,
  type CampaignInput,
  type EngagementInput,
  type EngagementStage,
} from '../workflows/types';
import { listWorkflowPage, listWorkflows, startInputOf, type ListedWorkflow } from '../activities/visibility';
import { ClientErrorCode, DossierClientError, fromTemporal, invalidInput, refused } from './errors';
import { refuseUndrawable } from './drawable';
import { withWorker } from './worker-check';
import { campaignWorkflowId, documentAccessWorkflowId, engagementWorkflowId, parseWorkflowId, UNSORTED_ACCESS_WORKFLOW_ID } from '../workflows/workflow-ids';
import { isReplyToken } from '../workflows/reply-token';

export interface EngagementRef {
  campaignId: string;
  vendorId: string;
}

/** One engagement as visibility knows it: enough for a list, without querying the workflow. */
export interface EngagementSummary {
  workflowId: string;
  campaignId?: string;
  vendorId?: string;
  stage?: string;
  nextDeadline?: string;
  /** Temporal's execution status: `RUNNING`, `COMPLETED`, `TERMINATED`… */
  executionStatus: string;
  startedAt: string;
  closedAt?: string;
  /** From the engagement's memo (engagements started before it existed have none). */
  lastContact?: string;
  nextAction?: EngagementBoardMemo['nextAction'];
  /** A reply from the case mailbox waits for an officer's review (engagements of revision 9, older ones once a reply came). */
  replyWaiting?: true;
}

/**
 * The memo key of a campaign's title (`{ en, fr }`), written by the starter beside the listing memo:
 * under a key of its own, since the campaign rewrites its listing memo whole when it drafts, so pages
 * that name a campaign (the campaigns list, its board) read its title from visibility or a describe,
 * never from a query per campaign. Campaigns started before it have none and are named by their id.
 */
export const CAMPAIGN_TITLE_MEMO_KEY = 'campaignTitle';

/** A campaign's title from its memo, or undefined where it kept none (or an unreadable one). */
export function campaignTitleOf(memo: Record<string, unknown> | undefined): Bilingual | undefined {
  const title = memo?.[CAMPAIGN_TITLE_MEMO_KEY] as Partial<Bilingual> | undefined;
  return typeof title?.en === 'string' && typeof title.fr === 'string' ? { en: title.en, fr: title.fr } : undefined;
}

/** One campaign as visibility knows it. */
export interface CampaignSummary {
  workflowId: string;
  campaignId: string;
  /** Its title, from the memo; undefined for a campaign started before it was kept there. */
  title?: Bilingual;
  /** The case reference, from the campaign's memo; undefined for a campaign started before it was kept there. */
  reference?: string;
  /** The zone its dates are in, from the memo; undefined for a campaign started before it was kept there. */
  timeZone?: string;
  executionStatus: string;
  startedAt: string;
  closedAt?: string;
  /** Who signs its statement, from the memo; undefined for a campaign started before it was kept there. */
  authorities?: CampaignListingMemo['authorities'];
  /** Whether a first version of the statement is drafted, from the memo; undefined as for `authorities`. */
  statementDrafted?: boolean;
}

/** How many campaigns' starts `endedCases` reads at once. */
const ENDED_CASES_READS_AT_ONCE = 8;

/** One campaign's ended cases (`DossierClient.endedCases`), in visibility's order. */
export interface CampaignEndedCases {
  campaignId: string;
  /** Its title, from the memo; undefined for a campaign started before it was kept there. */
  title?: Bilingual;
  /** Each vendor by the name the campaign gave it (its id where no name was kept). */
  cases: { vendorId: string; vendorName: string }[];
}

export interface EndedCasesOptions {
  /** How many campaigns to look at, newest first (default 200, as the campaigns list). */
  campaigns?: number;
  /** Rows per visibility page (default 200). */
  pageSize?: number;
  /** The most ended engagements read, most recently ended first (default 1,000). */
  limit?: number;
  /** Bounds every call the list makes. */
  timeoutMs?: number;
}

export interface EngagementFilter {
  campaign?: string;
  vendor?: string;
  /** Only these vendors' engagements: at least one (an empty list would match every vendor's). */
  vendorIn?: readonly string[];
  /** Every vendor's engagements but these. */
  vendorNotIn?: readonly string[];
  stage?: EngagementStage;
  /** Only running engagements whose next deadline has passed. */
  overdue?: boolean;
  /** Only running engagements. */
  running?: boolean;
  /**
   * The engagement whose Reply-To address carries this token, ended or not (16 hex digits; only
   * engagements started since starters set `DossierReplyToken`).
   */
  replyToken?: string;
  /** "Now" for `overdue`; the current time when omitted. */
  now?: Date;
  /** Stop after this many (default 1000). */
  limit?: number;
}

/** One page of engagements, in visibility's order (open ones first, the most recently started first). */
export interface EngagementPage {
  engagements: EngagementSummary[];
  /** Where the next page starts (opaque, URL-safe); undefined on the last page. */
  nextPage?: string;
}

export interface DossierClientOptions {
  /** Task queue the workers poll; new engagements start there. */
  taskQueue: string;
  /** Server address, named in connection errors. */
  address: string;
}

/**
 * `updateId`: one per request the caller means once (the workspace: one per form it rendered).
 * Temporal runs an update id once per run and answers a repeat with the first outcome, so a form
 * sent twice is recorded once. Without it (the CLI) every call is a request of its own.
 */
export interface UpdateOptions {
  updateId?: string;
}

/**
 * How Dossier starts an engagement: the input names the code's revision, and its first stage is
 * listed from the start. The benchmarks start theirs the same way, so they measure what runs.
 */
export function engagementStartOptions(input: EngagementInput, taskQueue: string) {
  return {
    taskQueue,
    workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
    args: [{ ...input, revision: ENGAGEMENT_REVISION }] as [EngagementInput],
    typedSearchAttributes: new TypedSearchAttributes(engagementStartAttributes(input.campaign.id, input.vendor.id)),
  };
}

/**
 * The update id that records a message: a digest of its Message-ID, not the Message-ID itself. The
 * server keeps update ids in clear, and a sender's mail system may write their address or name into
 * the Message-ID. A message an intake of an earlier release recorded under its bare Message-ID and
 * that is sent again under this id is still recorded once: the engagement knows it by its Message-ID.
 */
export function inboundUpdateId(messageId: string): string {
  return `mail:${createHash('sha256').update(messageId).digest('hex')}`;
}

/**
 * @example
 * const dossier = new DossierClient(client, { taskQueue: 'dossier', address: 'localhost:7233' });
 * await dossier.recordResponse({ campaignId: 'vc-2020', vendorId: 'zoom' }, { by: 'A. Officer', … });
 * const late = await dossier.findEngagements({ overdue: true });
 */
export class DossierClient {
  constructor(
    readonly client: Client,
    readonly options: DossierClientOptions,
  ) {}

  /** Starts one engagement outside any campaign workflow (a late addition, or a test). */
  async startEngagement(input: EngagementInput): Promise<EngagementRef & { workflowId: string }> {
    const ref = { campaignId: input.campaign.id, vendorId: input.vendor.id };
    const options = engagementStartOptions(input, this.options.taskQueue);
    await this.call(ref, () => this.client.workflow.start<typeof engagement>('engagement', options), 'nothing');
    return { ...ref, workflowId: options.workflowId };
  }

  status(ref: EngagementRef): Promise<EngagementStatus> {
    return this.call(ref, () => this.handle(ref).query(engagementStatusQuery), 'query');
  }

  /**
   * The zone the engagement's dates are in (`campaignTimeZone`: its lead authority's, as its letters
   * print them, else UTC), from the campaign its current run was started with: only the first event
   * of the history is read. The workspace shows and reads dates in it, and so does the CLI.
   */
  async campaignTimeZone(ref: EngagementRef): Promise<string> {
    return (await this.campaignOf(ref)).timeZone;
  }

  /**
   * The zone of the engagement's dates (`campaignTimeZone`) and its campaign's title, from the same
   * first event: a page about the engagement names its campaign without asking the campaign.
   */
  async campaignOf(ref: EngagementRef): Promise<{ timeZone: string; title?: Bilingual }> {
    const workflowId = engagementWorkflowId(ref.campaignId, ref.vendorId);
    const input = await this.call(ref, () => startInputOf<Partial<EngagementInput>>(this.client, workflowId).catch((err: unknown) => {
      // A bare gRPC call: its NOT_FOUND is made the SDK's error, as its own calls do, so an unknown
      // engagement is named as one (not "unexpected"). A namespace not found is left as it is.
      const { code, details } = err as { code?: unknown; details?: unknown };
      if (code === 5 && typeof details === 'string' && !/namespace/i.test(details)) throw new WorkflowNotFoundError(details, workflowId, undefined);
      throw err;
    }), 'nothing');
    const title = input?.campaign?.title;
    return {
      timeZone: input?.campaign?.authorities ? campaignTimeZone(input.campaign) : 'UTC',
      ...(typeof title?.en === 'string' && typeof title.fr === 'string' ? { title: { en: title.en, fr: title.fr } } : {}),
    };
  }

  /**
   * Refuses, as `recordResponse` would, a response the engagement would not accept as it stands (the
   * validator's own rules, on its status): for a caller that must first do what cannot be undone, such
   * as keeping the response's documents. The update still decides; this only spares that work.
   */
  async checkResponse(ref: EngagementRef, input: RecordResponseInput): Promise<void> {
    const status = await this.status(ref);
    try {
      checkRecordResponse(status, input, Date.now());
    } catch (err) {
      throw refused(describeEngagement(ref), (err as Error).message, err);
    }
  }

  recordResponse(ref: EngagementRef, input: RecordResponseInput, { updateId }: UpdateOptions = {}) {
    return this.call(ref, () => this.handle(ref).executeUpdate(recordResponseUpdate, { args: [input], updateId }));
  }

  extendDeadline(ref: EngagementRef, input: ExtendDeadlineInput, { updateId }: UpdateOptions = {}) {
    return this.call(ref, () => this.handle(ref).executeUpdate(extendDeadlineUpdate, { args: [input], updateId }));
  }

  askFollowUp(ref: EngagementRef, input: AskFollowUpInput, { updateId }: UpdateOptions = {}) {
    return this.call(ref, () => this.handle(ref).executeUpdate(askFollowUpUpdate, { args: [input], updateId }));
  }

  recordAnswers(ref: EngagementRef, input: RecordAnswersInput, { updateId }: UpdateOptions = {}) {
    return this.call(ref, () => this.handle(ref).executeUpdate(recordAnswersUpdate, { args: [input], updateId }));
  }

  scheduleDemonstration(ref: EngagementRef, input: ScheduleDemonstrationInput, { updateId }: UpdateOptions = {}) {
    return this.call(ref, () => this.handle(ref).executeUpdate(scheduleDemonstrationUpdate, { args: [input], updateId }));
  }

  rescheduleDemonstration(ref: EngagementRef, input: RescheduleDemonstrationInput, { updateId }: UpdateOptions = {}) {
    return this.call(ref, () => this.handle(ref).executeUpdate(rescheduleDemonstrationUpdate, { args: [input], updateId }));
  }

  async recordDemonstrationOutcome(ref: EngagementRef, input: RecordDemonstrationOutcomeInput, { updateId }: UpdateOptions = {}) {
    refuseUndrawable('notes', input.notes);
    return this.call(ref, () => this.handle(ref).executeUpdate(recordDemonstrationOutcomeUpdate, { args: [input], updateId }));
  }

  async conclude(ref: EngagementRef, input: ConcludeInput, { updateId }: UpdateOptions = {}) {
    // Over the limit the request could pass 2 MB, which Temporal refuses before any validator explains why.
    const tooLarge = findingsSizeProblem(input.findings);
    if (tooLarge) throw invalidInput(tooLarge);
    refuseUndrawable('findings', input.findings);
    return this.call(ref, () => this.handle(ref).executeUpdate(concludeUpdate, { args: [input], updateId }));
  }

  /**
   * After the recipient's server refused the letter for good (`letter-undeliverable`): the vendor's
   * new addresses, recorded in the timeline; the letter goes again to them and the deadline starts then.
   */
  correctContacts(ref: EngagementRef, input: CorrectContactsInput, { updateId }: UpdateOptions = {}): Promise<EngagementUpdated> {
    return this.call(ref, () => this.handle(ref).executeUpdate(correctContactsUpdate, { args: [input], updateId }));
  }

  /**
   * While the case is open, after the letter went out: the vendor's addresses as it asked, added to
   * the present ones or in their place, with the reason, recorded in the timeline. Every later
   * message goes to them; the letter is not sent again.
   */
  changeContacts(ref: EngagementRef, input: ChangeContactsInput, { updateId }: UpdateOptions = {}): Promise<EngagementUpdated> {
    return this.call(ref, () => this.handle(ref).executeUpdate(changeContactsUpdate, { args: [input], updateId }));
  }

  /**
   * Records a message from the case mailbox (the intake, or an officer assigning held mail). The
   * Message-ID names the update (`inboundUpdateId`): the same message sent twice, by a restarted or
   * a second intake, is recorded once and both calls get the first result. No worker check: the intake leaves a
   * message in the mailbox until this returns, so a missing worker delays it and loses nothing.
   */
  recordInbound(ref: EngagementRef, input: RecordInboundInput, options: { timeoutMs?: number } = {}): Promise<RecordInboundResult> {
    const update = () => this.handle(ref).executeUpdate(recordInboundUpdate, { args: [input], updateId: inboundUpdateId(input.messageId) });
    // A deadline on every RPC of the update (its start and the polls for its outcome), so a caller
    // that gives up does not leave a poll running for ever.
    const bounded = options.timeoutMs === undefined ? update : () => this.client.withDeadline(Date.now() + options.timeoutMs!, update);
    return this.call(ref, bounded, 'nothing');
  }

  /** The officer takes a reply as the response, or as answers to named questions. */
  confirmInbound(ref: EngagementRef, input: ConfirmInboundInput, { updateId }: UpdateOptions = {}): Promise<EngagementUpdated> {
    return this.call(ref, () => this.handle(ref).executeUpdate(confirmInboundUpdate, { args: [input], updateId }));
  }

  /** The officer sets a reply aside (not a response); a reply to the letter then lets reminders resume. */
  dismissInbound(ref: EngagementRef, input: DismissInboundInput, { updateId }: UpdateOptions = {}): Promise<EngagementUpdated> {
    return this.call(ref, () => this.handle(ref).executeUpdate(dismissInboundUpdate, { args: [input], updateId }));
  }

  /**
   * The one way to withdraw a vendor. An engagement that a running campaign still follows is
   * withdrawn through the campaign (which records why, for the statement, and signals the
   * engagement); this waits until the engagement confirms it is withdrawn. An engagement on its
   * own is withdrawn by its own update. Returns the engagement's status afterwards.
   */
  async withdraw(ref: EngagementRef, input: WithdrawInput, { updateId, confirmWithinMs = 30_000 }: UpdateOptions & { confirmWithinMs?: number } = {}): Promise<EngagementStatus> {
    if (!(await this.followedByRunningCampaign(ref))) {
      await this.call(ref, () => this.handle(ref).executeUpdate(withdrawUpdate, { args: [input], updateId }));
      return this.status(ref);
    }
    const campaignId = campaignWorkflowId(ref.campaignId);
    try {
      await withWorker(this.client, campaignId, campaignId, 'update', () =>
        this.client.workflow.getHandle(campaignId).executeUpdate(withdrawVendorUpdate, { args: [{ by: input.by, vendorId: ref.vendorId, reason: input.reason }], updateId }),
      );
    } catch (err) {
      throw fromTemporal(err, campaignId, this.options.address);
    }
    const deadline = Date.now() + confirmWithinMs;
    for (;;) {
      const status = await this.status(ref);
      if (status.stage === 'withdrawn' || Date.now() > deadline) return status;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async followedByRunningCampaign(ref: EngagementRef): Promise<boolean> {
    const handle = this.client.workflow.getHandle(campaignWorkflowId(ref.campaignId));
    try {
      if ((await handle.describe()).status.name !== 'RUNNING') return false;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw fromTemporal(err, describeEngagement(ref), this.options.address);
    }
    const campaign = await withWorker(this.client, handle.workflowId, handle.workflowId, 'query', () => handle.query(campaignStatusQuery)).catch((err: unknown) => {
      throw fromTemporal(err, handle.workflowId, this.options.address);
    });
    return campaign.engagements.some((e) => e.vendorId === ref.vendorId && e.state === 'in-progress');
  }

  /** Engagements matching every given filter, newest first, from Temporal visibility. */
  findEngagements(filter: EngagementFilter = {}): Promise<EngagementSummary[]> {
    return this.search(engagementQuery(filter), filter.limit);
  }

  /**
   * One page of the engagements matching a filter, for a screen that shows a page at a time: the
   * server's cost grows with every row it returns, so a 1,000-vendor board asks for the rows it shows.
   * The dev server's SQL visibility cannot sort by a search attribute: pages come in its own order.
   * `page` is a previous page's `nextPage`.
   */
  async findEngagementsPage(filter: EngagementFilter, { pageSize, page }: { pageSize: number; page?: string }): Promise<EngagementPage> {
    const query = engagementQuery(filter);
    const nextPageToken = page === undefined ? undefined : Buffer.from(page, 'base64url');
    if (page !== undefined && (!/^[A-Za-z0-9_-]+$/.test(page) || nextPageToken!.toString('base64url') !== page)) throw invalidInput(unknownPage(page));
    try {
      const listed = await listWorkflowPage(this.client, withEngagementType(query), { pageSize, nextPageToken });
      return {
        engagements: listed.workflows.map(engagementSummary),
        nextPage: listed.nextPageToken && Buffer.from(listed.nextPageToken).toString('base64url'),
      };
    } catch (err) {
      // A token the server did not give out, or one from another query, is refused as invalid.
      if (page !== undefined && grpcCode(err) === 3) throw invalidInput(unknownPage(page));
      throw this.searchError(err, query);
    }
  }

  /** How many engagements match a filter: one visibility count, no rows read. */
  async countMatching(filter: EngagementFilter): Promise<number> {
    const query = engagementQuery(filter);
    try {
      return (await this.client.workflow.count(withEngagementType(query))).count;
    } catch (err) {
      throw this.searchError(err, query);
    }
  }

  /**
   * Engagements matching a raw visibility query (`DossierStage = 'follow-up' AND …`); it is combined
   * with `WorkflowType = 'engagement'` so other workflows never show up.
   */
  async search(query: string, limit = 1000): Promise<EngagementSummary[]> {
    const found: EngagementSummary[] = [];
    try {
      for await (const info of listWorkflows(this.client, withEngagementType(query))) {
        found.push(engagementSummary(info));
        if (found.length >= limit) break;
      }
    } catch (err) {
      throw this.searchError(err, query);
    }
    return found;
  }

  private searchError(err: unknown, query: string): unknown {
    if (grpcCode(err) === 3) return invalidQuery(query, grpcDetails(err));
    return fromTemporal(err, 'engagements', this.options.address);
  }

  /** Campaign workflows, newest first (running only unless `all`). */
  async findCampaigns(options: { all?: boolean; limit?: number } = {}): Promise<CampaignSummary[]> {
    const query = `WorkflowType = 'campaign'${options.all ? '' : ` AND ExecutionStatus = 'Running'`}`;
    const found: CampaignSummary[] = [];
    try {
      for await (const info of listWorkflows(this.client, query)) {
        const memo = info.memo?.[CAMPAIGN_MEMO_KEY] as CampaignListingMemo | undefined;
        found.push({
          workflowId: info.workflowId,
          campaignId: parseWorkflowId(info.workflowId)?.campaignId ?? info.workflowId,
          reference: memo?.reference,
          ...(campaignTitleOf(info.memo) ? { title: campaignTitleOf(info.memo) } : {}),
          ...(memo?.timeZone ? { timeZone: memo.timeZone } : {}),
          ...(memo?.authorities && memo.statementDrafted !== undefined ? { authorities: memo.authorities, statementDrafted: memo.statementDrafted } : {}),
          executionStatus: info.status,
          startedAt: info.startTime.toISOString(),
          closedAt: info.closeTime?.toISOString(),
        });
        if (found.length >= (options.limit ?? 1000)) break;
      }
    } catch (err) {
      throw fromTemporal(err, 'campaigns', this.options.address);
    }
    return found;
  }

  /**
   * Every campaign's ended cases, for a list an officer chooses from (the unsorted pen's late-reply
   * form): the campaigns `findCampaigns({ all: true })` lists, newest first, each with the vendors
   * whose engagement has ended. One visibility list of the engagements that completed, a page at a
   * time, and one read of each such campaign's start (its vendors' names; a vendor added later, its
   * engagement's start): no campaign is queried, so no worker replays a closed campaign's history.
   * A campaign whose names cannot be read (shredded: its key is gone; or past the deadline) is left
   * out, not the whole list. `timeoutMs` bounds every call: the campaigns' list or the visibility list
   * past it fails the whole list; campaigns whose names are still being read then are left out, so a
   * slow server gives a shorter list, never a wrong one.
   *
   * "Ended" is the campaign's own word: it marks an engagement ended when the engagement's workflow
   * returns its outcome, i.e. Temporal's `Completed` (a cancelled engagement completes, withdrawn).
   * `Failed`, `Terminated` and `TimedOut` are what the campaign marks `failed`; `ContinuedAsNew` is a
   * run the next one carries on. What visibility cannot give as the campaign's status did: a vendor
   * stopped before its engagement started has no workflow and is not listed (the intake finds no case
   * to attach to either); visibility trails by a moment, so a case that ended just now shows a
   * moment later; and an engagement that completed after its campaign was terminated is listed.
   */
  async endedCases(options: EndedCasesOptions = {}): Promise<CampaignEndedCases[]> {
    const { campaigns = 200, pageSize = 200, limit = 1000, timeoutMs } = options;
    const list = async (): Promise<CampaignEndedCases[]> => {
      const [listed, ended] = await Promise.all([this.findCampaigns({ all: true, limit: campaigns }), this.completedEngagements(pageSize, limit)]);
      const groups: CampaignEndedCases[] = [];
      const withCases = listed.filter(({ campaignId }) => ended.has(campaignId));
      // A few campaigns' starts read at a time: up to 200 would otherwise be one burst on the server.
      for (let at = 0; at < withCases.length; at += ENDED_CASES_READS_AT_ONCE) {
        const read = withCases.slice(at, at + ENDED_CASES_READS_AT_ONCE).map(async ({ campaignId, title }) => {
          const vendorIds = [...ended.get(campaignId)!];
          const names = await this.vendorNames(campaignId, vendorIds).catch(() => undefined);
          return names && { campaignId, ...(title ? { title } : {}), cases: vendorIds.map((vendorId) => ({ vendorId, vendorName: names.get(vendorId) ?? vendorId })) };
        });
        for (const group of await Promise.all(read)) if (group) groups.push(group);
      }
      return groups;
    };
    try {
      return await (timeoutMs === undefined ? list() : this.client.withDeadline(Date.now() + timeoutMs, list));
    } catch (err) {
      throw fromTemporal(err, 'engagements', this.options.address);
    }
  }

  /** The completed engagements' vendor ids by campaign, from one visibility list, its memos not read; at most `limit` rows. */
  private async completedEngagements(pageSize: number, limit: number): Promise<Map<string, Set<string>>> {
    const ended = new Map<string, Set<string>>();
    let read = 0;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await listWorkflowPage(this.client, withEngagementType(`ExecutionStatus = 'Completed'`), { pageSize: Math.min(pageSize, limit - read), nextPageToken, memos: false });
      for (const { workflowId, typedSearchAttributes: attrs } of page.workflows) {
        // Engagements started before the attributes were set are named by their workflow id.
        const named = parseWorkflowId(workflowId);
        const campaignId = attrs.get(DossierCampaign) ?? (named?.kind === 'engagement' ? named.campaignId : undefined);
        const vendorId = attrs.get(DossierVendor) ?? (named?.kind === 'engagement' ? named.vendorId : undefined);
        if (campaignId && vendorId) ended.set(campaignId, (ended.get(campaignId) ?? new Set()).add(vendorId));
      }
      read += page.workflows.length;
      nextPageToken = page.nextPageToken;
    } while (nextPageToken && read < limit);
    return ended;
  }

  /**
   * The vendors' names as the campaign was started with them (the first event of its history, read
   * by the server alone); a vendor added since, from its engagement's start. Throws when either
   * cannot be read, as a shredded campaign's cannot.
   */
  private async vendorNames(campaignId: string, vendorIds: string[]): Promise<Map<string, string>> {
    const input = await startInputOf<Partial<CampaignInput>>(this.client, campaignWorkflowId(campaignId));
    const names = new Map((input?.vendors ?? []).map((v) => [v.id, v.name] as const));
    for (const vendorId of vendorIds.filter((id) => !names.has(id))) {
      const started = await startInputOf<Partial<EngagementInput>>(this.client, engagementWorkflowId(campaignId, vendorId));
      if (typeof started?.vendor?.name === 'string') names.set(vendorId, started.vendor.name);
    }
    return names;
  }

  /** How many engagements of a campaign are running or ran: one visibility count, no scan. */
  async countEngagements(campaignId: string): Promise<number> {
    const query = campaignEngagementsQuery(campaignId);
    try {
      return (await this.client.workflow.count(query)).count;
    } catch (err) {
      throw fromTemporal(err, 'engagements', this.options.address);
    }
  }

  private handle(ref: EngagementRef): WorkflowHandle<typeof engagement> {
    return this.client.workflow.getHandle(engagementWorkflowId(ref.campaignId, ref.vendorId));
  }

  /**
   * Records that a received document was downloaded (the workspace, the CLI), in the history of the
   * campaign's document access record, which the first download starts. Call it once the bytes are read, before handing them
   * over: a download that cannot be recorded must not happen.
   */
  async recordDownload(input: DocumentDownloadedInput): Promise<void> {
    await this.signalAccessRecord(input.campaignId, documentDownloadedSignal, input);
  }

  /**
   * Records an officer's dismissal of a held message in the record of its pen (its campaign's
   * document access record, or that of mail that names no campaign), which the audit export reads.
   * Call it before the message leaves the pen: a dismissal that cannot be recorded must not happen.
   */
  async recordHeldDismissal(input: HeldMessageDismissedInput): Promise<void> {
    await this.signalAccessRecord(input.campaignId, heldMessageDismissedSignal, input);
  }

  /** No worker check: the signal is in history once the server accepts it, the record started by the first. */
  private async signalAccessRecord<T>(campaignId: string | undefined, signal: SignalDefinition<[T]>, input: T): Promise<void> {
    const workflowId = campaignId ? documentAccessWorkflowId(campaignId) : UNSORTED_ACCESS_WORKFLOW_ID;
    try {
      await this.client.workflow.signalWithStart<typeof documentAccess, [T]>('documentAccess', {
        workflowId,
        taskQueue: this.options.taskQueue,
        signal,
        signalArgs: [input],
      });
    } catch (err) {
      throw fromTemporal(err, workflowId, this.options.address);
    }
  }

  private async call<T>(ref: EngagementRef, fn: () => Promise<T>, needs: 'query' | 'update' | 'nothing' = 'update'): Promise<T> {
    try {
      if (needs === 'nothing') return await fn();
      return await withWorker(this.client, engagementWorkflowId(ref.campaignId, ref.vendorId), describeEngagement(ref), needs, fn);
    } catch (err) {
      throw fromTemporal(err, describeEngagement(ref), this.options.address);
    }
  }
}

function withEngagementType(query: string): string {
  return query.trim() ? `WorkflowType = 'engagement' AND (${query})` : `WorkflowType = 'engagement'`;
}

function engagementSummary(info: ListedWorkflow): EngagementSummary {
  const attrs = info.typedSearchAttributes;
  // Engagements of revision 3 list the board's data as search attributes; older ones in their memo.
  const memo = info.memo?.[BOARD_MEMO_KEY] as EngagementBoardMemo | undefined;
  const lastContact = attrs.get(DossierLastContact)?.toISOString() ?? memo?.lastContact;
  const nextAction = parseNextActionKeyword(attrs.get(DossierNextAction), attrs.get(DossierNextActionAt)) ?? memo?.nextAction;
  return {
    workflowId: info.workflowId,
    campaignId: attrs.get(DossierCampaign),
    vendorId: attrs.get(DossierVendor),
    stage: attrs.get(DossierStage),
    nextDeadline: attrs.get(DossierNextDeadline)?.toISOString(),
    executionStatus: info.status,
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString(),
    ...(lastContact === undefined ? {} : { lastContact }),
    ...(nextAction === undefined ? {} : { nextAction }),
    ...(attrs.get(DossierReplyWaiting) === true ? { replyWaiting: true as const } : {}),
  };
}

/** The raw visibility call throws the gRPC error itself; the SDK's wrappers keep it as `cause`. */
function grpcError(err: unknown): { code?: number; details?: string } | undefined {
  const raw = err as { code?: number; details?: string; cause?: { code?: number; details?: string } };
  return raw.code === undefined ? raw.cause : raw;
}
const grpcCode = (err: unknown) => grpcError(err)?.code;
const grpcDetails = (err: unknown) => grpcError(err)?.details;

function unknownPage(page: string): string {
  return `"${page.length > 40 ? `${page.slice(0, 40)}…` : page}" is not a page of this list: start again from its first page`;
}

/** How messages name an engagement: its workflow id, which already says "engagement". */
export function describeEngagement(ref: EngagementRef): string {
  return engagementWorkflowId(ref.campaignId, ref.vendorId);
}

/** A function, not a constant: the CLI's `--help` must not load the SDK that defines the keys. */
const attributeNames = () => DOSSIER_SEARCH_ATTRIBUTES.map((k) => k.name);

/**
 * The server's reason for refusing a visibility query is often a Go parser internal
 * (`unexpected value type *sqlparser.BinaryExpr`); the usual mistake is an unquoted value, so name
 * that comparison and show it quoted. The wording lets a front end say it in its reader's language
 * (the server's own reason, when shown, is quoted as it gave it).
 */
export function invalidQuery(query: string, details: string | undefined): DossierClientError {
  const unquoted = /\b([A-Za-z]\w*)\s*(=|!=|<=|>=|<|>)\s*([A-Za-z0-9][\w:.-]*)/.exec(query);
  if (unquoted && !/^\d+(\.\d+)?$/.test(unquoted[3]!) && !/^(and|or|not|true|false|null)$/i.test(unquoted[3]!)) {
    const [clause, name, op, value] = unquoted;
    const quoted = `${name} ${op} '${value}'`;
    return new DossierClientError(ClientErrorCode.InvalidInput, `invalid search query: the value in "${clause}" needs quotes: ${quoted}`, {
      wording: { key: 'query-unquoted', values: { clause, quoted } },
    });
  }
  const reason = details && !/sqlparser|unexpected value type|\*[a-z]+\./.test(details) ? details : undefined;
  const attributes = `${attributeNames().join(', ')}, ExecutionStatus`;
  return new DossierClientError(
    ClientErrorCode.InvalidInput,
    `invalid search query "${query}"${reason ? `: ${reason}` : ''}; write comparisons like DossierStage = 'follow-up' (attributes: ${attributes})`,
    { wording: reason ? { key: 'query-invalid-because', values: { query, details: reason, attributes } } : { key: 'query-invalid', values: { query, attributes } } },
  );
}

/** The visibility query for every engagement a campaign started, running or ended; refuses an id that could not be one. */
export function campaignEngagementsQuery(campaignId: string): string {
  return `WorkflowType = 'engagement' AND ${engagementQuery({ campaign: campaignId })}`;
}

/** Builds the visibility query for a filter, refusing values that could not be IDs or stages. */
export function engagementQuery(filter: EngagementFilter): string {
  const clauses: string[] = [];
  if (filter.campaign !== undefined) clauses.push(`DossierCampaign = ${quote(checkId('campaign', filter.campaign))}`);
  if (filter.vendor !== undefined) clauses.push(`DossierVendor = ${quote(checkId('vendor', filter.vendor))}`);
  if (filter.vendorIn !== undefined) {
    if (!filter.vendorIn.length) throw invalidInput('vendorIn lists no vendor: name one at least, or leave it out');
    clauses.push(`DossierVendor IN (${filter.vendorIn.map((v) => quote(checkId('vendor', v))).join(', ')})`);
  }
  if (filter.vendorNotIn?.length) clauses.push(`DossierVendor NOT IN (${filter.vendorNotIn.map((v) => quote(checkId('vendor', v))).join(', ')})`);
  if (filter.replyToken !== undefined) {
    if (!isReplyToken(filter.replyToken)) throw invalidInput(`"${filter.replyToken}" is not a reply token: 16 lower-case hex digits`);
    clauses.push(`DossierReplyToken = ${quote(filter.replyToken)}`);
  }
  if (filter.stage !== undefined) {
    if (!(ENGAGEMENT_STAGES as readonly string[]).includes(filter.stage)) {
      throw invalidInput(`unknown stage "${filter.stage}": one of ${ENGAGEMENT_STAGES.join(', ')}`);
    }
    clauses.push(`DossierStage = ${quote(filter.stage)}`);
  }
  if (filter.overdue) {
    clauses.push(`DossierNextDeadline < ${quote((filter.now ?? new Date()).toISOString())}`);
  }
  if (filter.overdue || filter.running) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

/** Parses `campaign vendor`, `campaign/vendor`, `campaign:vendor` or `engagement:campaign:vendor`. */
export function parseEngagementRef(first: string, second?: string): EngagementRef {
  let campaignId: string | undefined;
  let vendorId: string | undefined;
  if (second !== undefined) {
    [campaignId, vendorId] = [first, second];
  } else {
    const named = parseWorkflowId(first);
    const parts = named?.kind === 'engagement' ? [named.campaignId, named.vendorId] : first.split(/[/:]/);
    if (parts.length === 2) [campaignId, vendorId] = parts;
  }
  if (!campaignId || !vendorId) {
    throw new DossierClientError(ClientErrorCode.InvalidInput, `"${first}" does not name an engagement: give <campaign> <vendor>, or engagement:<campaign>:<vendor>`, {
      wording: { key: 'not-an-engagement', values: { given: first } },
    });
  }
  return { campaignId: checkId('campaign', campaignId), vendorId: checkId('vendor', vendorId) };
}

function checkId(what: string, id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new DossierClientError(
      ClientErrorCode.InvalidInput,
      `"${id}" is not a ${what} id: lowercase letters, digits and "-", at most 63 characters`,
      { wording: { key: `not-an-id.${what}`, values: { id } } },
    );
  }
  return id;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
