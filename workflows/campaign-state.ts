// The state of a campaign and every transition it goes through, with no Temporal call: which
// engagements it tracks and how they ended, the statement's conclusions, drafts, approvals and change
// requests, the publication. The workflow (campaign.ts) wires each update to one check and one
// method here and keeps the children, timers and mail. Checks reject with an ApplicationFailure so
// the officer reads the reason as given; times come in as arguments, never from a clock.
import { ApplicationFailure } from '@temporalio/common';
import { checkVendor, statementTextProblems } from './campaign-rules';
import { checkWithdrawalText } from './engagement-rules';
import { ErrorType } from './errors';
import type {
  AddVendorInput,
  ApproveStatementInput,
  CampaignEngagementState,
  CampaignPhase,
  CampaignStatus,
  RequestChangesInput,
  SetConclusionsInput,
  StatementApproval,
  StatementChangeRequest,
  WithdrawVendorInput,
} from './messages';
import { FREE_TEXT, NAME, textProblem } from './text-rules';
import type { Authority, BilingualParagraphs, CampaignInput, EngagementOutcome, Language, PublishedStatement, StatementDraft, Vendor } from './types';
import { campaignWorkflowId, engagementWorkflowId } from './workflow-ids';

export interface CampaignResult {
  campaignId: string;
  published: PublishedStatement;
  engagements: CampaignEngagementState[];
}

interface TrackedVendor {
  vendor: Vendor;
  state: CampaignEngagementState;
}

export class CampaignCase {
  readonly workflowId: string;
  readonly authorities: Authority[];
  /** Approvals the statement needs: every authority, or the quorum. */
  readonly required: number;
  phase: CampaignPhase = 'engaging';
  draftRequested = false;
  draft: StatementDraft | undefined;
  published: PublishedStatement | undefined;
  private readonly engagements = new Map<string, TrackedVendor>();
  private conclusions: BilingualParagraphs = { en: [], fr: [] };
  private lessonsLearned: BilingualParagraphs = { en: [], fr: [] };
  private conclusionsSet = false;
  private approvals: StatementApproval[] = [];
  private readonly changeRequests: StatementChangeRequest[] = [];
  /** Refused addresses, and letter copies that could not be filed: problems for an officer to fix. */
  private readonly deliveryFailures: CampaignStatus['deliveryFailures'] = [];

  constructor(private readonly input: CampaignInput) {
    this.workflowId = campaignWorkflowId(input.campaign.id);
    this.authorities = input.campaign.authorities;
    this.required = input.approval.kind === 'all' ? this.authorities.length : input.approval.quorum;
  }

  // ── Reading the campaign ───────────────────────────────────────────────────────────────────────

  status(): CampaignStatus {
    const { campaign } = this.input;
    return {
      workflowId: this.workflowId,
      campaignId: campaign.id,
      reference: campaign.reference,
      phase: this.phase,
      engagements: this.engagementStates(),
      conclusionsSet: this.conclusionsSet,
      draft: this.draft && {
        version: this.draft.version,
        date: this.draft.date,
        approvals: this.approvals,
        required: this.required,
        pending: this.waitingFor().map((a) => a.id),
      },
      changeRequests: this.changeRequests,
      published: this.published,
      deliveryFailures: this.deliveryFailures,
    };
  }

  result(): CampaignResult {
    return { campaignId: this.input.campaign.id, published: this.published!, engagements: this.engagementStates() };
  }

  vendors(): Vendor[] {
    return [...this.engagements.values()].map((e) => e.vendor);
  }

  hasVendors(): boolean {
    return this.engagements.size > 0;
  }

  allEnded(): boolean {
    return [...this.engagements.values()].every((e) => e.state.state !== 'in-progress');
  }

  /** The lead asked for the draft, or every engagement has ended: time to draft the statement. */
  readyToDraft(): boolean {
    return this.draftRequested || (this.hasVendors() && this.allEnded());
  }

  approved(): boolean {
    return this.approvals.length >= this.required;
  }

  /** Authorities that have not approved the current draft. */
  waitingFor(): Authority[] {
    return this.authorities.filter((a) => !this.approvals.some((x) => x.authorityId === a.id));
  }

  /** What the signatories sent back on the previous draft, for the new approval request. */
  changesRequestedBefore(version: number): string | undefined {
    const sentBack = this.changeRequests.filter((c) => c.version === version - 1);
    return sentBack.map((c) => `${c.authorityId} (${c.by}): ${c.comment}`).join('\n') || undefined;
  }

  static languageOf(authority: Authority): Language {
    return authority.language ?? 'en';
  }

  private engagementStates(): CampaignEngagementState[] {
    return [...this.engagements.values()].map((e) => e.state);
  }

  // ── Engagements ────────────────────────────────────────────────────────────────────────────────

  checkAddVendor({ by, vendor }: AddVendorInput): void {
    requireOfficer(by);
    if (this.phase !== 'engaging') reject(`Vendors can no longer be added: the statement is being drafted (phase ${this.phase}).`);
    const check = checkVendor(vendor);
    if (!check.ok) reject(`Cannot add this vendor: ${check.problems.join('; ')}`);
    if (this.engagements.has(vendor.id)) reject(`Vendor "${vendor.id}" is already part of campaign ${this.input.campaign.id}; choose another id.`);
  }

  /** Tracks the vendor's engagement (the workflow starts it as a child). */
  addEngagement(vendor: Vendor, addedLate: boolean): CampaignEngagementState {
    const state: CampaignEngagementState = {
      vendorId: vendor.id,
      vendorName: vendor.name,
      workflowId: engagementWorkflowId(this.input.campaign.id, vendor.id),
      state: 'in-progress',
      addedLate,
    };
    this.engagements.set(vendor.id, { vendor, state });
    return state;
  }

  engagementEnded(vendorId: string, outcome: EngagementOutcome): void {
    const { state } = this.engagements.get(vendorId)!;
    state.outcome = outcome;
    state.state = 'ended';
  }

  engagementFailed(vendorId: string, failure: string): void {
    const { state } = this.engagements.get(vendorId)!;
    state.failure = failure;
    state.state = 'failed';
  }

  checkWithdrawVendor({ by, vendorId, reason }: WithdrawVendorInput): void {
    requireOfficer(by);
    const tracked = this.engagements.get(vendorId);
    if (!tracked) reject(`Unknown vendor "${vendorId}"; known: ${[...this.engagements.keys()].join(', ')}.`);
    if (tracked.state.state !== 'in-progress') reject(`The engagement with ${tracked.vendor.name} has already ended.`);
    if (tracked.state.withdrawal) reject(`${tracked.vendor.name} is already being withdrawn.`);
    // The engagement applies the same rule to the withdrawal signal and ignores one that fails
    // it, so the campaign must refuse it first or it would record a withdrawal that never happens.
    checkWithdrawalText({ by, reason });
  }

  /** Records the request; the workflow then signals the engagement, which ends as `withdrawn`. */
  withdrawVendor({ by, vendorId, reason }: WithdrawVendorInput, now: string): CampaignEngagementState {
    const { state } = this.engagements.get(vendorId)!;
    state.withdrawal = { by, reason, at: now };
    return state;
  }

  deliveryFailed(step: string, reason: string, now: string): void {
    this.deliveryFailures.push({ at: now, step, reason });
  }

  // ── The statement ──────────────────────────────────────────────────────────────────────────────

  checkDraft({ by }: { by: string }): void {
    requireOfficer(by);
    if (this.phase !== 'engaging' && this.phase !== 'approving') reject(`The statement is already ${this.phase}.`);
    if (!this.hasVendors()) reject('There is nothing to report yet: the campaign has no vendors.');
  }

  /** While engaging, the draft waits for the main flow; while approving, a new version is made now. */
  requestDraft(now: string): CampaignStatus {
    if (this.phase === 'engaging') this.draftRequested = true;
    else this.redraft(now);
    return this.status();
  }

  checkConclusions(update: SetConclusionsInput): void {
    requireOfficer(update.by);
    if (this.phase !== 'engaging' && this.phase !== 'approving') reject(`The statement is already ${this.phase}; its text can no longer change.`);
    const problems = statementTextProblems(update);
    if (problems.length) reject(problems.join('; '));
  }

  setConclusions(update: SetConclusionsInput, now: string): CampaignStatus {
    this.conclusions = trimmed(update.conclusions);
    this.lessonsLearned = trimmed(update.lessonsLearned);
    this.conclusionsSet = true;
    if (this.phase === 'approving') this.redraft(now);
    return this.status();
  }

  /** The engagements are done (or the lead did not wait): the first draft goes for approval. */
  startApproval(now: string): void {
    this.phase = 'approving';
    this.redraft(now);
  }

  /** A new draft version from what is known now; approvals of earlier versions no longer count. */
  private redraft(now: string): void {
    this.draft = {
      campaign: this.input.campaign,
      version: (this.draft?.version ?? 0) + 1,
      date: now.slice(0, 10),
      vendors: [...this.engagements.values()].map(({ vendor, state }) => ({
        vendorId: vendor.id,
        vendorName: vendor.name,
        stage: state.state === 'ended' && state.outcome ? state.outcome.stage : state.state === 'failed' ? 'failed' : 'in-progress',
        outcome: state.outcome,
      })),
      conclusions: this.conclusions,
      lessonsLearned: this.lessonsLearned,
      signatories: [],
    };
    this.approvals = [];
  }

  private checkVote({ by, authorityId, version }: { by: string; authorityId: string; version: number }): void {
    requireOfficer(by);
    const { draft } = this;
    if (this.phase !== 'approving' || !draft) reject(`There is no draft awaiting approval (phase ${this.phase}).`);
    if (!this.authorities.some((a) => a.id === authorityId)) {
      reject(`Unknown authority "${authorityId}"; the signatories are ${this.authorities.map((a) => a.id).join(', ')}.`);
    }
    if (version !== draft.version) reject(`Version ${version} is not the current draft: read version ${draft.version} and answer on it.`);
  }

  checkApproval(vote: ApproveStatementInput): void {
    this.checkVote(vote);
    if (this.approvals.some((a) => a.authorityId === vote.authorityId)) reject(`${vote.authorityId} has already approved version ${vote.version}.`);
  }

  approve({ authorityId, by }: ApproveStatementInput, now: string): CampaignStatus {
    this.approvals = [...this.approvals, { authorityId, by, at: now }];
    return this.status();
  }

  checkChangeRequest(vote: RequestChangesInput): void {
    this.checkVote(vote);
    const problem = textProblem(vote.comment, FREE_TEXT);
    if (problem) reject(`The comment (what should change; it goes to the lead and the other signatories) ${problem}.`);
  }

  requestChanges({ authorityId, by, version, comment }: RequestChangesInput, now: string): CampaignStatus {
    this.changeRequests.push({ authorityId, by, at: now, version, comment: comment.trim() });
    this.redraft(now);
    return this.status();
  }

  /** Approved: the draft is signed by the authorities that approved it, and goes to rendering. */
  sign(): StatementDraft {
    this.phase = 'publishing';
    const signed = new Set(this.approvals.map((a) => a.authorityId));
    this.draft = { ...this.draft!, signatories: this.authorities.filter((a) => signed.has(a.id)) };
    return this.draft;
  }

  publish(files: PublishedStatement['files'], now: string): PublishedStatement {
    this.published = { version: this.draft!.version, files, publishedAt: now };
    return this.published;
  }

  noticesSent(): void {
    this.phase = 'published';
  }
}

function requireOfficer(by: unknown): void {
  const problem = textProblem(by, NAME);
  if (problem) reject(`Say who is acting (\`by\`, the name goes into the case record): it ${problem}.`);
}

/** Validators reject with an ApplicationFailure so the officer reads the reason as given. */
function reject(message: string): never {
  throw ApplicationFailure.create({ type: ErrorType.InvalidRequest, message, nonRetryable: true });
}

function trimmed(text: BilingualParagraphs): BilingualParagraphs {
  return {
    en: text.en.map((p) => p.trim()).filter(Boolean),
    fr: text.fr.map((p) => p.trim()).filter(Boolean),
  };
}
