// The typed campaign API: start a campaign from its (checked) input, follow it, add or withdraw a
// vendor, draft the statement, set its conclusions, and let each co-signatory approve it or send it
// back. The CLI's `campaign` and `statement` commands and the demo call it; failures come back as
// `DossierClientError`s with a string code, like the engagement API's (client/api.ts).
import { QueryNotRegisteredError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import { listWorkflows, startInputOf } from '../activities/visibility';
import type { campaign, CampaignResult } from '../workflows/campaign';
import { checkCampaign, toCampaignFile } from './campaign-schema';
import {
  addVendorUpdate,
  approveStatementUpdate,
  campaignBoardQuery,
  campaignStatusQuery,
  draftStatementUpdate,
  editStatementUpdate,
  engagementOutcomeQuery,
  lateReplyAttachedSignal,
  statementTextQuery,
  statementChangesQuery,
  type StatementVersionChanges,
  engagementStatusQuery,
  requestChangesUpdate,
  setConclusionsUpdate,
  statementDraftQuery,
  vendorsNearSenderQuery,
  withdrawApprovalUpdate,
  withdrawVendorUpdate,
  CAMPAIGN_MEMO_KEY,
  campaignListingMemo,
  type AddVendorInput,
  type ApproveStatementInput,
  type CampaignBoard,
  type CampaignListingMemo,
  type CampaignStatus,
  type DraftStatementInput,
  type EditStatementInput,
  type LateReplyReceived,
  type EngagementStatus,
  type RequestChangesInput,
  type SenderVendor,
  type SetConclusionsInput,
  type WithdrawVendorInput,
} from '../workflows/messages';
import { type Bilingual, type CampaignInput, type EngagementInput, type EngagementOutcome, type Language, type OpenCaseDecision, type StatementDraft, type StatementText } from '../workflows/types';
import type { KeyStore } from '../encryption/keystore';
import { shredCampaign } from '../documents/document-store';
import type { DocumentStore, PublishedFiles } from '../store/types';
import { claimPublicationFolder, releaseUnstartedClaim } from './publication-folder';
import { refuseUndrawable } from './drawable';
import { findingsSizeProblem, LIMITS } from '../workflows/text-rules';
import { campaignHistoryProblem } from '../workflows/campaign-rules';
import { CAMPAIGN_TITLE_MEMO_KEY, campaignEngagementsQuery, campaignTitleOf, type UpdateOptions } from './api';
import { ClientErrorCode, DossierClientError, fromTemporal, invalidInput, notFound, refused } from './errors';
import { withWorker } from './worker-check';
import { campaignWorkflowId, engagementWorkflowId } from '../workflows/workflow-ids';
import { isoInstant } from '../workflows/time';
import { letterCopyStep } from '../workflows/campaign-state';
import type { DeliveryLedger } from '../activities/delivery-ledger';
import type { CampaignLateReplyReader } from './late-replies';
import { fileReceivedLetterCopy, letterCopyIsLetterReceived, type LetterCopyFiled, type LetterCopyTarget } from './letter-copy';

export interface CampaignClientOptions {
  /** Task queue the workers poll; the campaign and its engagements run there. */
  taskQueue: string;
  /** Server address, named in connection errors. */
  address: string;
  /**
   * The shared store's published files, where a campaign claims its publication folder before it
   * starts, and gives it back if the start did not happen (client/publication-folder.ts); without
   * them (a test's client), nothing is claimed.
   */
  files?: () => PublishedFiles;
  /**
   * The delivery ledger and the domain of the Message-IDs the workers write (MAIL_FROM's), where an
   * officer puts back a letter copy (`fileLetterCopy`): the upload is checked against the ledger's
   * record of the letter the vendor received.
   */
  ledger?: () => DeliveryLedger;
  mailDomain?: string;
  /**
   * Where replies attached to a closed case's record are kept (the document store, which the
   * campaign's workflow does not read): each draft of the statement tells the campaign when a vendor
   * that never responded replied late, so the statement says so. Without it, drafts say nothing new.
   */
  lateReplies?: CampaignLateReplyReader;
}

/** One language of the statement, rendered; `superseded` names what replaced the draft version asked for. */
export interface StatementPdf {
  bytes: Uint8Array;
  version: number;
  published: boolean;
  superseded?: { by: number; published: boolean };
}

/** The board's view of a campaign, with its title from its memo (undefined for a campaign started before it was kept). */
export interface CampaignBoardView extends CampaignBoard {
  title?: Bilingual;
}

/** The campaign's own view, plus each running engagement's live stage from its `status` query. */
export interface CampaignOverview extends CampaignStatus {
  live: Record<string, EngagementStatus | undefined>;
}

/**
 * @example
 * const campaigns = new CampaignClient(client, { taskQueue: 'dossier', address: 'localhost:7233' });
 * await campaigns.start(loadCampaignFile('campaigns/video-conferencing-2020.yaml'));
 * await campaigns.approve('video-conferencing-2020', { by: 'E. Whitfield', authorityId: 'ico', version: 1 });
 */
export class CampaignClient {
  constructor(
    readonly client: Client,
    readonly options: CampaignClientOptions,
  ) {}

  /** Starts the campaign workflow; refuses an input the campaign file schema rejects. */
  /** `by`: who starts it, recorded in its input for the audit export. */
  async start(input: CampaignInput, { by }: { by?: string } = {}): Promise<{ workflowId: string }> {
    const checked = checkCampaign(toCampaignFile(input));
    if (!checked.ok) throw invalidInput(checked.problems.map((p) => `${p.where}: ${p.message}`).join('; '));
    // Campaigns started with this code keep their letter once (campaign.ts, `letter-kept-once`).
    const crowded = campaignHistoryProblem(checked.input, checked.input.vendors.length, true);
    if (crowded) throw invalidInput(crowded);
    // Each part within its limits can still add up past what one payload carries.
    const bytes = Buffer.byteLength(JSON.stringify(checked.input));
    if (bytes > LIMITS.campaignInputBytes) {
      throw invalidInput(
        `the campaign takes ${Math.ceil(bytes / 1000)} KB as it travels; at most ${LIMITS.campaignInputBytes / 1000} KB (Temporal refuses a payload over 2 MB): fewer vendors or contacts, or a shorter letter`,
      );
    }
    const workflowId = campaignWorkflowId(input.campaign.id);
    const files = this.options.files;
    const claim = files && (await this.call(input.campaign.id, () => claimPublicationFolder(files(), this.client, checked.input), 'nothing'));
    try {
      await this.call(
        input.campaign.id,
        () =>
          this.client.workflow.start<typeof campaign>('campaign', {
            taskQueue: this.options.taskQueue,
            workflowId,
            args: [by?.trim() ? { ...checked.input, startedBy: by.trim() } : checked.input],
            memo: { [CAMPAIGN_MEMO_KEY]: campaignListingMemo(checked.input.campaign, false), [CAMPAIGN_TITLE_MEMO_KEY]: checked.input.campaign.title },
            // A campaign id names one campaign for good: a finished one is not started again by mistake.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          }),
        'nothing',
      );
    } catch (err) {
      // A folder claimed by a start that did not happen would stay taken by a campaign that never ran.
      // The start's own refusal is what the caller needs: a claim that cannot be given back now stays
      // for this id. So does the claim of a start that timed out or lost the server: the server may
      // still carry it out after we look, and a running campaign would have lost its folder.
      const outcomeUnknown = err instanceof DossierClientError && err.code === ClientErrorCode.ServerUnreachable;
      if (files && claim && !outcomeUnknown) await releaseUnstartedClaim(files(), this.client, claim).catch(() => false);
      throw err;
    }
    return { workflowId };
  }

  /** `timeoutMs` bounds the query's RPCs: past it, the call fails instead of waiting on the server's deadline. */
  status(campaignId: string, options: { timeoutMs?: number } = {}): Promise<CampaignStatus> {
    const query = () => this.handle(campaignId).query(campaignStatusQuery);
    return this.call(campaignId, this.bounded(query, options.timeoutMs), 'query');
  }

  /**
   * The campaign as the workspace's board shows it: phase and vendors' names, without every
   * engagement's state. A worker older than this query is asked for the status instead.
   * `timeoutMs` bounds the query, as for `status`. Its title comes from the campaign's memo (one
   * describe beside the query), so the board names the campaign as its file titles it.
   */
  board(campaignId: string, options: { timeoutMs?: number } = {}): Promise<CampaignBoardView> {
    const title = () => this.title(campaignId);
    const board = () =>
      this.handle(campaignId)
        .query(campaignBoardQuery)
        .catch(async (err: unknown) => {
          if (!(err instanceof QueryNotRegisteredError)) throw err;
          const status = await this.handle(campaignId).query(campaignStatusQuery);
          const vendorNames = Object.fromEntries(status.engagements.map((e) => [e.vendorId, e.vendorName]));
          const waiting = status.letterNotKept ? { letterNotKept: status.letterNotKept } : {};
          const decided = status.openCases?.length ? { endedByLead: Object.fromEntries(status.openCases.map((d) => [d.vendorId, d.action])) } : {};
          return { campaignId: status.campaignId, reference: status.reference, phase: status.phase, engagementCount: status.engagements.length, vendorNames, ...waiting, ...decided };
        });
    const query = async (): Promise<CampaignBoardView> => {
      const [found, named] = await Promise.all([board(), title()]);
      return named ? { ...found, title: named } : found;
    };
    return this.call(campaignId, this.bounded(query, options.timeoutMs), 'query');
  }

  /**
   * The campaign's vendors the sender could be, the nearest as the intake weighs a sender, each with
   * how near (0 the very address, 1 its domain, more a domain under it) and whether its engagement has
   * ended or failed: what the holding pen needs to suggest a case, or to hedge. Undefined from a worker
   * older than the question (one answering `vendorsOfSender` alone cannot tell an office from a
   * customer's domain). `timeoutMs` bounds the query, as for `status`.
   */
  vendorsNearSender(campaignId: string, from: string, options: { timeoutMs?: number } = {}): Promise<SenderVendor[] | undefined> {
    const query = () =>
      this.handle(campaignId)
        .query(vendorsNearSenderQuery, from)
        .catch((err: unknown) => {
          if (err instanceof QueryNotRegisteredError) return undefined;
          throw err;
        });
    return this.call(campaignId, this.bounded(query, options.timeoutMs), 'query');
  }

  /**
   * The campaign's title, from its memo (one describe, no query); undefined for a campaign started
   * before the memo kept it, or one the server cannot describe now: the caller names it by its id.
   */
  title(campaignId: string): Promise<Bilingual | undefined> {
    return this.handle(campaignId)
      .describe()
      .then((description) => campaignTitleOf(description.memo))
      .catch(() => undefined);
  }

  /**
   * The zone the campaign's dates are in (`campaignTimeZone`: its lead authority's, as its letters
   * date them), for a front end that shows its due dates: from its memo (one describe, no worker); a
   * campaign started before the memo kept it is asked its board. Undefined where neither says (a
   * worker older than the board's zone, a campaign the server cannot describe now).
   */
  async timeZone(campaignId: string): Promise<string | undefined> {
    const handle = this.handle(campaignId);
    const listed = await handle
      .describe()
      .then((description) => (description.memo?.[CAMPAIGN_MEMO_KEY] as CampaignListingMemo | undefined)?.timeZone)
      .catch(() => undefined);
    if (typeof listed === 'string') return listed;
    const board = await handle.query(campaignBoardQuery).catch(() => undefined);
    return board?.timeZone;
  }

  /** How one vendor's engagement ended, with its findings (the status leaves them out); undefined until it ends. */
  engagementOutcome(campaignId: string, vendorId: string): Promise<EngagementOutcome | undefined> {
    return this.call(campaignId, () => this.handle(campaignId).query(engagementOutcomeQuery, vendorId), 'query');
  }

  /**
   * The current draft (or the published statement); given a version, that version as it was sent,
   * undefined if the campaign kept none of that number (or its worker predates the argument).
   */
  async statement(campaignId: string, version?: number): Promise<StatementDraft | undefined> {
    if (version === undefined) return this.call(campaignId, () => this.handle(campaignId).query(statementDraftQuery), 'query');
    const statement = await this.call(campaignId, () => this.handle(campaignId).query(statementDraftQuery, version), 'query');
    return statement?.version === version ? statement : undefined;
  }

  /**
   * The statement as a PDF in one language: the published one once published, else the current
   * draft; undefined before the first draft. Given a draft's version, that draft, as it was sent even
   * if a later version or the publication has replaced it (`superseded` then says by what).
   * Rendering is reproducible: the bytes the authorities received, as long as the rendering code has
   * not changed since (the workspace serves the published file itself where it can read it).
   */
  async statementPdf(campaignId: string, language: Language, version?: number): Promise<StatementPdf | undefined> {
    const [status, statement] = await Promise.all([this.status(campaignId), this.statement(campaignId, version)]);
    if (!statement) return undefined;
    const { renderStatementPdf } = await import('../activities/statement');
    const published = version === undefined && status.published !== undefined;
    const current = status.published ?? status.draft;
    const superseded =
      version !== undefined && current && (current.version !== version || status.published !== undefined)
        ? { by: current.version, published: status.published !== undefined }
        : undefined;
    return { bytes: await renderStatementPdf(statement, language, !published), version: statement.version, published, ...(superseded && { superseded }) };
  }

  /** Status with every running engagement's live stage (one query per running engagement). */
  async overview(campaignId: string): Promise<CampaignOverview> {
    const status = await this.withoutCopiesPutBack(campaignId, await this.status(campaignId));
    const live: CampaignOverview['live'] = {};
    await Promise.all(
      status.engagements.map(async (e) => {
        if (e.state !== 'in-progress') return;
        live[e.vendorId] = await this.client.workflow
          .getHandle(e.workflowId)
          .query(engagementStatusQuery)
          .catch(() => undefined);
      }),
    );
    return { ...status, live };
  }

  async addVendor(campaignId: string, input: AddVendorInput) {
    // The vendor's name heads its part of the statement PDF.
    refuseUndrawable('vendor.name', input.vendor?.name);
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(addVendorUpdate, { args: [input] }));
  }

  withdrawVendor(campaignId: string, input: WithdrawVendorInput) {
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(withdrawVendorUpdate, { args: [input] }));
  }

  /**
   * The lead submits the statement: the next version goes out for approval. Refused while an
   * engagement is open and not settled in `openCases`, or while a public text is missing in
   * either language (the refusal lists every one).
   */
  async draftStatement(
    campaignId: string,
    by: string,
    openCases?: OpenCaseDecision[],
    { updateId, confirmsUnchanged, answer }: UpdateOptions & Pick<DraftStatementInput, 'confirmsUnchanged' | 'answer'> = {},
  ) {
    refuseUndrawable('openCases', openCases);
    const lateReplies = await this.lateRepliesOfNonResponders(campaignId);
    // Only when given: a worker of an earlier release never sees a field it does not know.
    const input = {
      by,
      ...(openCases ? { openCases } : {}),
      ...(confirmsUnchanged ? { confirmsUnchanged } : {}),
      ...(answer !== undefined ? { answer } : {}),
      ...(lateReplies.length ? { lateReplies } : {}),
    };
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(draftStatementUpdate, { args: [input], updateId }));
  }

  /** The late replies of the vendors whose case closed without a response: the only ones the statement tells of. */
  private async lateRepliesOfNonResponders(campaignId: string): Promise<LateReplyReceived[]> {
    const read = this.options.lateReplies;
    if (!read) return [];
    const { engagements } = await this.status(campaignId);
    const silent = engagements.filter((e) => e.state === 'ended' && e.outcome?.stage === 'closed-no-response').map((e) => e.vendorId);
    if (!silent.length) return [];
    // A store out of reach fails the draft: the version would not tell a late reply attached since the last.
    return read(campaignId, silent);
  }

  /**
   * Tells the campaign that a reply was attached to the closed record of one of its cases (the
   * intake's attachLate): every version it drafts from then on says it, and its status names a
   * current version that does not. A signal, recorded whether or not a worker runs; refused here,
   * not ignored there, when it names no instant. A campaign that has ended or does not exist fails
   * it (`not-found`).
   */
  async tellLateReply(campaignId: string, reply: LateReplyReceived): Promise<void> {
    if (isoInstant(reply.receivedAt) === undefined) throw invalidInput(`the late reply of ${reply.vendorId} must say when it was received as an ISO instant (got ${JSON.stringify(reply.receivedAt)})`);
    await this.call(campaignId, () => this.handle(campaignId).signal(lateReplyAttachedSignal, { vendorId: reply.vendorId, receivedAt: reply.receivedAt }), 'nothing');
  }

  /** The lead edits the statement's public text; nothing goes out until the next `draftStatement`. */
  async editStatement(campaignId: string, input: EditStatementInput) {
    // Over its limit, one vendor's findings could take the request past 2 MB, which Temporal refuses unexplained.
    for (const [vendorId, text] of Object.entries(input.vendors ?? {})) {
      const tooLarge = text?.findings && findingsSizeProblem(text.findings);
      if (tooLarge) throw invalidInput(`vendors.${vendorId}.findings: ${tooLarge}`);
    }
    // Printed in the statement PDFs: refused here, naming the character, if no font can draw it.
    refuseUndrawable('vendors', input.vendors);
    refuseUndrawable('conclusions', input.conclusions);
    refuseUndrawable('lessonsLearned', input.lessonsLearned);
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(editStatementUpdate, { args: [input] }));
  }

  /**
   * What the current version changed, section by section: since the version the authority last
   * received before it, or (no authority) since the previous one; undefined before version 2.
   */
  statementChanges(campaignId: string, authorityId?: string): Promise<StatementVersionChanges | undefined> {
    // No argument at all without an authority: what every worker, old or new, answers the same way.
    const query = () => (authorityId === undefined ? this.handle(campaignId).query(statementChangesQuery) : this.handle(campaignId).query(statementChangesQuery, authorityId));
    return this.call(campaignId, query, 'query');
  }

  /** The public text as the lead last edited it. */
  statementText(campaignId: string): Promise<StatementText> {
    return this.call(campaignId, () => this.handle(campaignId).query(statementTextQuery));
  }

  async setConclusions(campaignId: string, input: SetConclusionsInput) {
    // Printed in the statement PDFs, like editStatement's text: a character no font draws would fail the render.
    refuseUndrawable('conclusions', input.conclusions);
    refuseUndrawable('lessonsLearned', input.lessonsLearned);
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(setConclusionsUpdate, { args: [input] }));
  }

  approve(campaignId: string, input: ApproveStatementInput, { updateId }: UpdateOptions = {}) {
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(approveStatementUpdate, { args: [input], updateId }));
  }

  requestChanges(campaignId: string, input: RequestChangesInput, { updateId }: UpdateOptions = {}) {
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(requestChangesUpdate, { args: [input], updateId }));
  }

  /** Takes back the authority's approval of the current version; refused once the statement is being published. */
  withdrawApproval(campaignId: string, input: ApproveStatementInput, { updateId }: UpdateOptions = {}) {
    return this.call(campaignId, () => this.handle(campaignId).executeUpdate(withdrawApprovalUpdate, { args: [input], updateId }));
  }

  /**
   * Crypto-shredding on demand, as the retention workflow does it (`shredCampaign`): destroys the
   * campaign's data key in `keystore`, so every history of the campaign becomes unreadable, and
   * removes its documents from `documents` (published files stay). Refused while the campaign still
   * runs, since its own workflow would then fail on the next payload it reads. `destroyed` is false
   * when the key was already gone.
   */
  async shred(campaignId: string, keystore: Pick<KeyStore, 'shred'>, documents: DocumentStore): Promise<{ destroyed: boolean; documentsRemoved: number }> {
    const status = await this.call(
      campaignId,
      async () => {
        try {
          return (await this.handle(campaignId).describe()).status.name;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return this.oneByOneStatus(campaignId, err);
          throw err;
        }
      },
      'nothing',
    );
    if (status === 'RUNNING') {
      throw refused(campaignWorkflowId(campaignId), 'it is still running; its key can be destroyed once it has ended');
    }
    if (typeof status === 'object') {
      throw refused(
        campaignWorkflowId(campaignId),
        `its engagements ${status.running.join(', ')} are still running; its key can be destroyed once they have ended`,
      );
    }
    return shredCampaign(keystore, documents, campaignId);
  }

  /**
   * A campaign whose engagements were started one by one (`dossier engagement start`) has no campaign
   * workflow to wait for them: it has ended when each of its engagements has. With no engagement
   * either, the campaign does not exist (`notMissing` is the server's answer, rethrown).
   */
  private async oneByOneStatus(campaignId: string, notMissing: WorkflowNotFoundError): Promise<'ENDED' | { running: string[] }> {
    const running: string[] = [];
    let engagements = 0;
    for await (const wf of listWorkflows(this.client, campaignEngagementsQuery(campaignId))) {
      engagements++;
      if (wf.status === 'RUNNING') running.push(wf.workflowId);
    }
    if (!engagements) throw notMissing;
    return running.length ? { running: [...new Set(running)].sort() } : 'ENDED';
  }

  /**
   * Puts back the copy of the open letter `vendorId` received, in the campaign's publication folder,
   * where the letter's send files it: only the very PDF the vendor was sent last (its SHA-256 is the
   * one the delivery ledger keeps of that letter); anything else is refused, saying what is wrong,
   * and what is on file stays. The campaign's next look at its letter copies (each version drafted or
   * approved, and after publication) then finds the copy right and takes its listing off.
   *
   * @example
   * await campaigns.fileLetterCopy('video-conferencing-2020', 'zoom', readFileSync('zoom.en.pdf'));
   */
  async fileLetterCopy(campaignId: string, vendorId: string, pdf: Uint8Array): Promise<LetterCopyFiled> {
    const { files, ledger, mailDomain } = this.letterCopyStores();
    return fileReceivedLetterCopy({ ledger: ledger(), files: files(), domain: mailDomain }, await this.letterCopyTarget(campaignId, vendorId), pdf);
  }

  /**
   * Which of these vendors, listed as `letter-copy-not-last-letter`, have the PDF they were sent last
   * on file already (put back since the campaign's last look): the listing stays until a look, and a
   * campaign that has ended makes none.
   */
  async letterCopiesPutBack(campaignId: string, vendorIds: readonly string[]): Promise<string[]> {
    const { files, ledger, mailDomain } = this.letterCopyStores();
    const stores = { ledger: ledger(), files: files(), domain: mailDomain };
    const putBack = await Promise.all(vendorIds.map(async (vendorId) => letterCopyIsLetterReceived(stores, await this.letterCopyTarget(campaignId, vendorId))));
    return vendorIds.filter((_, i) => putBack[i]);
  }

  /**
   * The status less the `letter-copy-not-last-letter` failures whose copy was put back since the
   * campaign's last look: the campaign takes them off only at its next look, and once it has ended it
   * makes none. Left as they are where this client cannot check (no store or ledger, a read that fails).
   */
  private async withoutCopiesPutBack(campaignId: string, status: CampaignStatus): Promise<CampaignStatus> {
    const { files, ledger, mailDomain } = this.options;
    const listed = status.engagements
      .filter((e) => status.deliveryFailures.some((f) => f.step === letterCopyStep(e.vendorId) && f.refusal?.code === 'letter-copy-not-last-letter'))
      .map((e) => e.vendorId);
    if (!listed.length || !files || !ledger || mailDomain === undefined) return status;
    const putBack = new Set((await this.letterCopiesPutBack(campaignId, listed).catch(() => [])).map(letterCopyStep));
    return putBack.size ? { ...status, deliveryFailures: status.deliveryFailures.filter((f) => !putBack.has(f.step)) } : status;
  }

  private letterCopyStores(): Required<Pick<CampaignClientOptions, 'files' | 'ledger' | 'mailDomain'>> {
    const { files, ledger, mailDomain } = this.options;
    if (!files || !ledger || mailDomain === undefined) throw new DossierClientError(ClientErrorCode.Configuration, 'this client has no published files or delivery ledger to file a letter copy in');
    return { files, ledger, mailDomain };
  }

  /** The vendor's letter copy as its engagement's input names it: the campaign's folder (if it keeps copies) and the vendor's language. */
  private async letterCopyTarget(campaignId: string, vendorId: string): Promise<LetterCopyTarget> {
    const workflowId = engagementWorkflowId(campaignId, vendorId);
    const input = await this.call(
      campaignId,
      () =>
        startInputOf<Partial<EngagementInput>>(this.client, workflowId).catch((err: unknown) => {
          // A bare gRPC call: its NOT_FOUND is made the SDK's error, so an unknown vendor is named as one.
          const { code, details } = err as { code?: unknown; details?: unknown };
          if (code === 5 && typeof details === 'string' && !/namespace/i.test(details)) throw notFound(workflowId, new WorkflowNotFoundError(details, workflowId, undefined));
          throw err;
        }),
      'nothing',
    );
    const vendor = input?.vendor;
    if (!vendor || !input.campaign) throw notFound(workflowId);
    return { campaignId, vendor: { id: vendor.id, language: vendor.language }, folder: input.campaign.letterCopyFolder };
  }

  /** Waits for the campaign to finish (statement published, every engagement ended). */
  result(campaignId: string): Promise<CampaignResult> {
    return this.call(campaignId, () => this.handle(campaignId).result(), 'nothing');
  }

  handle(campaignId: string): WorkflowHandle<typeof campaign> {
    return this.client.workflow.getHandle(campaignWorkflowId(campaignId));
  }

  // One deadline for the whole call, fixed before the first asking: withWorker may ask twice.
  private bounded<T>(query: () => Promise<T>, timeoutMs: number | undefined): () => Promise<T> {
    if (timeoutMs === undefined) return query;
    const deadline = Date.now() + timeoutMs;
    return () => this.client.withDeadline(deadline, query);
  }

  private async call<T>(campaignId: string, fn: () => Promise<T>, needs: 'query' | 'update' | 'nothing' = 'update'): Promise<T> {
    try {
      if (needs === 'nothing') return await fn();
      return await withWorker(this.client, campaignWorkflowId(campaignId), campaignWorkflowId(campaignId), needs, fn);
    } catch (err) {
      throw fromTemporal(err, campaignWorkflowId(campaignId), this.options.address);
    }
  }
}

/**
 * Whether the authority's approval, given now, would be the last one the statement needs: the
 * campaign then signs and publishes it, and it can no longer be withdrawn. Mirrors the campaign's
 * `approved()`; a version back with the lead publishes nothing.
 */
export function approvalPublishes(status: CampaignStatus, authorityId: string): boolean {
  const { draft } = status;
  if (status.phase !== 'approving' || !draft || status.draftUnprintable) return false;
  if (draft.approvals.some((a) => a.authorityId === authorityId)) return false;
  return draft.approvals.length + 1 >= draft.required;
}

/**
 * Whether the statement has every approval it needs, as an update's answer or a status reads it: the
 * campaign then signs and publishes it. Right after the last approval the phase may still be
 * `approving` (the campaign asks the ledger before it signs), so the approvals are counted as its
 * `approved()` counts them.
 */
export function statementApproved(status: Pick<CampaignStatus, 'phase' | 'draft' | 'draftUnprintable'>): boolean {
  if (status.phase === 'publishing' || status.phase === 'published') return true;
  const { draft } = status;
  return status.phase === 'approving' && draft !== undefined && !status.draftUnprintable && draft.approvals.length >= draft.required;
}
