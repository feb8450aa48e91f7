// A correspondence campaign: one engagement per vendor (child workflows), then the joint statement —
// drafted from the engagements' outcomes and the lead's conclusions, approved by the co-signatories
// (every one, or a quorum), rendered in English and French, published and sent to everyone involved.
//
// Children are started with ParentClosePolicy REQUEST_CANCEL: an engagement only makes sense inside
// its campaign, so terminating a campaign (a mistaken start, a demo run cleaned up) must not leave
// engagements sending reminders on their own. A withdrawal is a signal to the engagement
// (`withdrawSignal`; workflows cannot send updates), which applies its own withdrawal rules and
// ends with a `withdrawn` outcome that reaches the campaign as the child's result, like any other.
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from './errors';
import { checkVendor, statementTextProblems } from './campaign-rules';
import { checkWithdrawalText } from './engagement-rules';
import { FREE_TEXT, NAME, textProblem } from './text-rules';
import { engagement } from './engagement';
import { campaignRetention } from './retention';
import {
  addVendorUpdate,
  approveStatementUpdate,
  campaignStatusQuery,
  draftStatementUpdate,
  requestChangesUpdate,
  setConclusionsUpdate,
  statementDraftQuery,
  withdrawSignal,
  withdrawVendorUpdate,
  type CampaignEngagementState,
  type CampaignPhase,
  type CampaignStatus,
  type StatementApproval,
  type StatementChangeRequest,
} from './messages';
import {
  LANGUAGES,
  type Authority,
  type BilingualParagraphs,
  type CampaignInput,
  type Contact,
  type Language,
  type MessageDetails,
  type MessageKind,
  type PublishedStatement,
  type StatementDraft,
  type Vendor,
} from './types';
import { engagementWorkflowId, campaignWorkflowId, retentionWorkflowId } from './workflow-ids';

const email = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

// Rendering is local work that fails only when the worker is broken (a missing font, a full disk):
// retry, slowing down, until the worker is fixed; failing would close a months-long case.
const documents = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export interface CampaignResult {
  campaignId: string;
  published: PublishedStatement;
  engagements: CampaignEngagementState[];
}

interface TrackedEngagement {
  vendor: Vendor;
  state: CampaignEngagementState;
  /** Resolves once the server has started the child, so a signal cannot overtake it. */
  started: Promise<ChildWorkflowHandle<typeof engagement>>;
}

export async function campaign(input: CampaignInput): Promise<CampaignResult> {
  // The input was checked against the campaign-file schema before the start (client/campaign-api.ts);
  // the schema is not re-run here because zod in the workflow bundle costs every engagement memory.
  const { campaign: ref, policy, approval, publication } = input;
  const workflowId = campaignWorkflowId(ref.id);
  const authorities = ref.authorities;
  const required = approval.kind === 'all' ? authorities.length : approval.quorum;

  const engagements = new Map<string, TrackedEngagement>();
  const endings: Promise<void>[] = [];
  const chores: Promise<void>[] = [];
  let phase: CampaignPhase = 'engaging';
  let draftRequested = false;
  let conclusions: BilingualParagraphs = { en: [], fr: [] };
  let lessonsLearned: BilingualParagraphs = { en: [], fr: [] };
  let conclusionsSet = false;
  let draft: StatementDraft | undefined;
  let approvals: StatementApproval[] = [];
  const changeRequests: StatementChangeRequest[] = [];
  // Refused addresses, and letter copies that could not be filed: problems for an officer to fix.
  const deliveryFailures: CampaignStatus['deliveryFailures'] = [];
  let published: PublishedStatement | undefined;

  const now = () => new Date().toISOString();
  const allEnded = () => [...engagements.values()].every((e) => e.state.state !== 'in-progress');
  const approved = () => approvals.length >= required;

  function startEngagement(vendor: Vendor, addedLate: boolean): TrackedEngagement {
    const childId = engagementWorkflowId(ref.id, vendor.id);
    const state: CampaignEngagementState = {
      vendorId: vendor.id,
      vendorName: vendor.name,
      workflowId: childId,
      state: 'in-progress',
      addedLate,
    };
    const started = startChild(engagement, {
      workflowId: childId,
      args: [{ campaign: ref, vendor, policy }],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    const tracked: TrackedEngagement = { vendor, state, started };
    engagements.set(vendor.id, tracked);
    // A copy of the letter the vendor receives, kept with the campaign's files; a failure to archive
    // it is reported, never allowed to hold the campaign up.
    chores.push(
      documents.saveLetterCopy({ campaign: ref, vendor, folder: publication.folder }).then(
        () => undefined,
        (err: unknown) => void deliveryFailures.push({ at: now(), step: `letter-copy-${vendor.id}`, reason: errorText(err) }),
      ),
    );
    endings.push(
      started
        .then((child) => child.result())
        .then(
          (outcome) => {
            state.outcome = outcome;
            state.state = 'ended';
          },
          (err: unknown) => {
            state.failure = errorText(err);
            state.state = 'failed';
          },
        ),
    );
    return tracked;
  }

  function statementEntries(): StatementDraft['vendors'] {
    return [...engagements.values()].map(({ vendor, state }) => ({
      vendorId: vendor.id,
      vendorName: vendor.name,
      stage: state.state === 'ended' && state.outcome ? state.outcome.stage : state.state === 'failed' ? 'failed' : 'in-progress',
      outcome: state.outcome,
    }));
  }

  /** A new draft version from what is known now; approvals of earlier versions no longer count. */
  function redraft(): void {
    draft = {
      campaign: ref,
      version: (draft?.version ?? 0) + 1,
      date: now().slice(0, 10),
      vendors: statementEntries(),
      conclusions,
      lessonsLearned,
      signatories: [],
    };
    approvals = [];
  }

  const status = (): CampaignStatus => ({
    workflowId,
    campaignId: ref.id,
    reference: ref.reference,
    phase,
    engagements: [...engagements.values()].map((e) => e.state),
    conclusionsSet,
    draft: draft && {
      version: draft.version,
      date: draft.date,
      approvals,
      required,
      pending: authorities.filter((a) => !approvals.some((x) => x.authorityId === a.id)).map((a) => a.id),
    },
    changeRequests,
    published,
    deliveryFailures,
  });

  setHandler(campaignStatusQuery, status);
  setHandler(statementDraftQuery, () => draft);

  setHandler(
    addVendorUpdate,
    ({ vendor }) => startEngagement(vendor, true).state,
    {
      validator: ({ by, vendor }) => {
        requireOfficer(by);
        if (phase !== 'engaging') reject(`Vendors can no longer be added: the statement is being drafted (phase ${phase}).`);
        const check = checkVendor(vendor);
        if (!check.ok) reject(`Cannot add this vendor: ${check.problems.join('; ')}`);
        if (engagements.has(vendor.id)) reject(`Vendor "${vendor.id}" is already part of campaign ${ref.id}; choose another id.`);
      },
    },
  );

  setHandler(
    withdrawVendorUpdate,
    async ({ by, vendorId, reason }) => {
      const tracked = engagements.get(vendorId)!;
      tracked.state.withdrawal = { by, reason, at: now() };
      const child = await tracked.started;
      try {
        await child.signal(withdrawSignal, { by, reason });
      } catch {
        // The engagement ended meanwhile: its own outcome stands, as the engagement decides.
      }
      return tracked.state;
    },
    {
      validator: ({ by, vendorId, reason }) => {
        requireOfficer(by);
        const tracked = engagements.get(vendorId);
        if (!tracked) reject(`Unknown vendor "${vendorId}"; known: ${[...engagements.keys()].join(', ')}.`);
        if (tracked.state.state !== 'in-progress') reject(`The engagement with ${tracked.vendor.name} has already ended.`);
        if (tracked.state.withdrawal) reject(`${tracked.vendor.name} is already being withdrawn.`);
        // The engagement applies the same rule to the withdrawal signal and ignores one that fails
        // it, so the campaign must refuse it first or it would record a withdrawal that never happens.
        checkWithdrawalText({ by, reason });
      },
    },
  );

  setHandler(
    draftStatementUpdate,
    () => {
      if (phase === 'engaging') draftRequested = true;
      else redraft();
      return status();
    },
    {
      validator: ({ by }) => {
        requireOfficer(by);
        if (phase !== 'engaging' && phase !== 'approving') reject(`The statement is already ${phase}.`);
        if (engagements.size === 0) reject('There is nothing to report yet: the campaign has no vendors.');
      },
    },
  );

  setHandler(
    setConclusionsUpdate,
    (update) => {
      conclusions = trimmed(update.conclusions);
      lessonsLearned = trimmed(update.lessonsLearned);
      conclusionsSet = true;
      if (phase === 'approving') redraft();
      return status();
    },
    {
      validator: (update) => {
        requireOfficer(update.by);
        if (phase !== 'engaging' && phase !== 'approving') reject(`The statement is already ${phase}; its text can no longer change.`);
        const problems = statementTextProblems(update);
        if (problems.length) reject(problems.join('; '));
      },
    },
  );

  const checkVote = ({ by, authorityId, version }: { by: string; authorityId: string; version: number }) => {
    requireOfficer(by);
    if (phase !== 'approving' || !draft) reject(`There is no draft awaiting approval (phase ${phase}).`);
    if (!authorities.some((a) => a.id === authorityId)) {
      reject(`Unknown authority "${authorityId}"; the signatories are ${authorities.map((a) => a.id).join(', ')}.`);
    }
    if (version !== draft.version) reject(`Version ${version} is not the current draft: read version ${draft.version} and answer on it.`);
  };

  setHandler(
    approveStatementUpdate,
    ({ authorityId, by }) => {
      approvals = [...approvals, { authorityId, by, at: now() }];
      return status();
    },
    {
      validator: (vote) => {
        checkVote(vote);
        if (approvals.some((a) => a.authorityId === vote.authorityId)) {
          reject(`${vote.authorityId} has already approved version ${vote.version}.`);
        }
      },
    },
  );

  setHandler(
    requestChangesUpdate,
    ({ authorityId, by, version, comment }) => {
      changeRequests.push({ authorityId, by, at: now(), version, comment: comment.trim() });
      redraft();
      return status();
    },
    {
      validator: (vote) => {
        checkVote(vote);
        const problem = textProblem(vote.comment, FREE_TEXT);
        if (problem) reject(`The comment (what should change; it goes to the lead and the other signatories) ${problem}.`);
      },
    },
  );

  async function send(kind: MessageKind, step: string, to: Contact[], language: Language, details: MessageDetails, vendor?: Vendor) {
    try {
      await email.sendMessage({ threadId: workflowId, step, kind, language, to, campaign: ref, vendor, details });
    } catch (err) {
      // A refused address must not stop the approval or the publication; the officer fixes it.
      deliveryFailures.push({ at: now(), step, reason: errorText(err) });
    }
  }

  const authorityLanguage = (a: Authority): Language => a.language ?? 'en';

  // ── Engagements ─────────────────────────────────────────────────────────────────────────────
  for (const vendor of input.vendors) startEngagement(vendor, false);
  await condition(() => draftRequested || (engagements.size > 0 && allEnded()));

  // ── Approval ────────────────────────────────────────────────────────────────────────────────
  phase = 'approving';
  redraft();
  while (!approved()) {
    const current = draft!;
    const drafts = await documents.renderStatement({ statement: current, folder: publication.folder, draft: true });
    const sentBack = changeRequests.filter((c) => c.version === current.version - 1);
    const note = sentBack.map((c) => `${c.authorityId} (${c.by}): ${c.comment}`).join('\n') || undefined;
    await Promise.all(
      authorities.map((a) =>
        send('approval-request', `approval-request-v${current.version}-${a.id}`, [a.contact], authorityLanguage(a), {
          note,
          attachmentPaths: [drafts[authorityLanguage(a)]],
        }),
      ),
    );
    for (let n = 1; ; n++) {
      if (await condition(() => approved() || draft !== current, policy.approvalReminderEvery)) break;
      const waitingFor = authorities.filter((a) => !approvals.some((x) => x.authorityId === a.id));
      await Promise.all(
        waitingFor.map((a) =>
          send('approval-reminder', `approval-reminder-v${current.version}-${n}-${a.id}`, [a.contact], authorityLanguage(a), {
            reminderNumber: n,
            attachmentPaths: [drafts[authorityLanguage(a)]],
          }),
        ),
      );
    }
  }

  // ── Publication ─────────────────────────────────────────────────────────────────────────────
  phase = 'publishing';
  const signed = new Set(approvals.map((a) => a.authorityId));
  draft = { ...draft!, signatories: authorities.filter((a) => signed.has(a.id)) };
  const files = await documents.renderStatement({ statement: draft, folder: publication.folder, draft: false });
  published = { version: draft.version, files, publishedAt: now() };
  const attachmentPaths = LANGUAGES.map((l) => files[l]);
  const notices = authorities.map((a) =>
    send('statement-notice', `statement-notice-v${draft!.version}-${a.id}`, [a.contact], authorityLanguage(a), { attachmentPaths }),
  );
  if (publication.notifyVendors) {
    for (const { vendor } of engagements.values()) {
      notices.push(
        send('statement-notice', `statement-notice-v${draft.version}-vendor-${vendor.id}`, vendor.contacts, vendor.language, { attachmentPaths }, vendor),
      );
    }
  }
  await Promise.all(notices);
  phase = 'published';

  // Engagements the lead did not wait for still run to their end; the campaign closes after them.
  await Promise.all([...endings, ...chores]);
  if (publication.retention !== undefined) {
    // Abandoned, so it outlives this workflow; its ID lies outside the campaign's key (it must still
    // run after that key is gone).
    await startChild(campaignRetention, {
      workflowId: retentionWorkflowId(ref.id),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ campaignId: ref.id, retainFor: publication.retention }],
    });
  }
  await condition(allHandlersFinished);
  return { campaignId: ref.id, published, engagements: [...engagements.values()].map((e) => e.state) };
}

function requireOfficer(by: unknown): void {
  const problem = textProblem(by, NAME);
  if (problem) reject(`Say who is acting (\`by\`, the name goes into the case record): it ${problem}.`);
}

/** Validators reject with an ApplicationFailure so the officer reads the reason as given. */
function reject(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidRequest', message, nonRetryable: true });
}

/** An activity failure's own message (its cause), not the wrapper's "Activity task failed". */
function errorText(err: unknown): string {
  return err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
}

function trimmed(text: BilingualParagraphs): BilingualParagraphs {
  return {
    en: text.en.map((p) => p.trim()).filter(Boolean),
    fr: text.fr.map((p) => p.trim()).filter(Boolean),
  };
}
