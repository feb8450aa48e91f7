// The audit trail of a case, for an access-to-information request or a review: read from the
// workflows' own histories (what Temporal recorded, not what the state happens to keep), so every
// accepted officer action, every message in and out, every document and every approval appears with
// its time and who acted. Payloads are decrypted with the campaign's key; after crypto-shredding they
// cannot be, and each such row says so instead of silently dropping it.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { defaultPayloadConverter, type Payload, type ProtoFailure } from '@temporalio/common';
import { decodeOptionalSinglePayload, decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { campaignEngagementsQuery } from './api';
import type { LateReplyReader } from './late-replies';
import { fromTemporal } from './errors';
import { wordedRefusal } from './refusal-words';
import { listWorkflows } from '../activities/visibility';
import { engagementWorkflowId, campaignWorkflowId, documentAccessWorkflowId, parseWorkflowId, UNSORTED_ACCESS_WORKFLOW_ID } from '../workflows/workflow-ids';
import { refusalDetails, type RefusalDetails } from '../workflows/refusals';
import { FINAL_STAGES, LANGUAGES, type Bilingual, type EngagementStage, type FrenchArticle, type Language } from '../workflows/types';
import {
  changeContactsUpdate,
  documentDownloadedSignal,
  draftStatementUpdate,
  heldMessageDismissedSignal,
  extendDeadlineUpdate,
  vendorContactsChangedSignal,
  type DeadlineExtended,
  withdrawSignal,
  type AuthorityNamed,
  type DocumentDownloadedInput,
  type HeldMessageDismissedInput,
} from '../workflows/messages';
import { stageAsDecided } from '../workflows/campaign-rules';
import type { OpenCaseAction, OpenCaseDecision } from '../workflows/types';

/** What a row of the trail records. */
export const AUDIT_EVENT_KINDS = [
  'case-opened',
  'officer-action',
  'signal',
  'stage',
  'email-sent',
  'email-refused',
  'email-not-sent',
  'email-received',
  'document',
  /** A document downloaded by an officer or an auditor (the workspace, the CLI): one a vendor sent, or an attachment of a message Dossier sent. */
  'document-downloaded',
  'approval',
  /** A version of the statement written for the co-signatories' approval, or published. */
  'statement',
  'case-closed',
  'unreadable',
  'history-not-kept',
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

/** One field of an input, by the workflow's name for it (`receivedAt`, `confirmsPublication`); a long text clipped, a list joined with ` | `. */
export interface DetailField {
  name: string;
  /** As recorded; for a field with `parts`, the same parts in the workflow's codes (`q1 (57 characters), q2 (3 characters)`). */
  value: string | number | boolean;
  /**
   * A field whose input is a list or a text of several languages (answers by question, a statement's
   * texts by vendor, principle or language): each part apart, for the report to word in the export's
   * language. What it says of a text is its languages and length, never the text itself.
   */
  parts?: DetailPart[];
}

/** One part of a field: what it is about, as recorded, and what the export says of its text in place of the text. */
export interface DetailPart {
  /** A question's, a vendor's or a demonstration's id. */
  id?: string;
  /** A principle (`security`), which the report names by its title. */
  principle?: string;
  /** The language a part is written in (the conclusions' English paragraphs), which the report names. */
  language?: Language;
  /** The languages a public text was given in (its others left empty), which the report names. */
  languages?: Language[];
  /** Its text's length: a vendor's answer is confidential, so the export says how long, not what. */
  characters?: number;
  paragraphs?: number;
}

export interface AuditEvent {
  /** ISO timestamp, as the server recorded the event. */
  at: string;
  /** Engagement or campaign workflow id. */
  workflowId: string;
  kind: AuditEventKind;
  /** Who acted: an officer's recorded identity, a sender's address, or `dossier` for the engine. */
  actor: string;
  /** The action, message kind, stage or document, in the workflow's own words (update, step, stage). */
  action: string;
  /** For an email sent, refused or not sent: the kind of message and its step, which `action` joins. */
  messageKind?: string;
  step?: string;
  /**
   * For an email the activity chose not to send: why, as its code (`NOTICE_NOT_MAILED_REASONS`, or a
   * newer release's); the report words it in the export's language.
   */
  notSent?: string;
  /** For a case opened: the revision of Dossier's workflow code its input was written for. */
  revision?: number;
  /**
   * For an email sent: the addresses the mail server refused, and whether it went out again after a
   * worker crash or had gone out on an earlier attempt. Facts, not sentences: the report words them
   * in the export's language (templates/audit.yaml `notes`).
   */
  refused?: string[];
  resentAfterCrash?: boolean;
  alreadyDelivered?: boolean;
  /** For a document: its size in bytes. */
  size?: number;
  /** For a document downloaded: where (`workspace`, `cli`); the report words it. */
  downloadedVia?: string;
  /**
   * For a held attachment's download in a case's export: it was made while the message waited with
   * the mail that names no campaign (UNSORTED_ACCESS_WORKFLOW_ID's record), before an officer gave it to this case.
   */
  whileUnsorted?: true;
  /** For history no longer kept: the latest run the server deleted (it and every run before it are gone). */
  earlierRun?: string;
  /**
   * For an officer's request the case accepted, then refused while carrying it out (the update's
   * handler failed): the refusal's message, as the workflow gave it. The request was not done.
   */
  notDone?: string;
  /**
   * Why it was not done, as facts the report words in the export's language: the refusal's code and
   * values (the failure's details, or an older worker's sentence recognised whole), and the failure's
   * type (`ExtensionRefused`, `InvalidRequest`…). Without a code the report quotes `notDone` as the system's text.
   */
  notDoneRefusal?: RefusalDetails;
  notDoneType?: string;
  /**
   * For an email received: who recorded it on the case, as the server kept the request's identity
   * (the intake's own, `Name (mailbox on host, intake)`; an officer's when they assigned it).
   */
  recordedBy?: string;
  /**
   * For a row about a received message (the email received, an officer's assigning it from the
   * holding pen): the language its subject (`detail`) and text are written in, as the intake recorded
   * it; absent when it could not tell, or recorded none (before it did).
   */
  language?: Language;
  /** For an unreadable row: the decryption error, as the codec gave it. */
  unreadableError?: string;
  /** What the workflow recorded in its own words (an input's fields, a failure's message, a subject line). */
  detail?: string;
  /** Where `detail` lists an input's fields: each apart, by the workflow's name for it, for the report to name in the export's language. */
  fields?: DetailField[];
  messageId?: string;
  recipients?: string[];
  documentName?: string;
  sha256?: string;
  /** Statement version an approval or change request is about. */
  version?: number;
  /** For an approval, a change request or a withdrawal: its authority, as the campaign file names it (its id then stays out of `detail`). */
  authority?: Bilingual;
  /** The campaign's authorities as its file names them, where `notDoneRefusal` names one by its id: the report names it so. */
  notDoneAuthorities?: AuthorityNamed[];
}

export interface AuditScope {
  campaignId: string;
  /** One engagement only; the whole campaign (its workflow and every engagement) when omitted. */
  vendorId?: string;
}

/** The record of downloads from the holding pen of mail that names no campaign, whole (collectUnsortedDownloads). */
export interface UnsortedScope {
  unsorted: true;
}

export interface AuditTrail {
  scope: AuditScope | UnsortedScope;
  /** The workflows read, in order. */
  workflowIds: string[];
  events: AuditEvent[];
  /** Rows whose content could not be decrypted (the campaign's data key was destroyed). */
  unreadable: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Reads the trail of one engagement, or of a campaign with all its engagements, in time order.
 * `lateReplies`: where replies attached to an ended case's record are kept (client/late-replies.ts);
 * no workflow's history holds them, so without it the trail leaves them out.
 */
export async function collectAuditTrail(client: Client, scope: AuditScope, serverAddress = '', { lateReplies }: { lateReplies?: LateReplyReader } = {}): Promise<AuditTrail> {
  const campaignId = campaignWorkflowId(scope.campaignId);
  let engagementIds: string[];
  try {
    engagementIds = scope.vendorId ? [engagementWorkflowId(scope.campaignId, scope.vendorId)] : await engagementIdsOf(client, scope.campaignId);
  } catch (err) {
    throw fromTemporal(err, campaignId, serverAddress);
  }
  const workflowIds: string[] = [];
  const events: AuditEvent[] = [];
  const messages = new ReceivedMessages();
  /** The lead's decisions at drafting on open engagements, by vendor, as the campaign's history recorded them. */
  const decisions = new Map<string, OpenCaseAction>();
  // The campaign's record of documents downloaded, which the first download started: none before.
  const accessId = documentAccessWorkflowId(scope.campaignId);
  for (const workflowId of scope.vendorId ? engagementIds : [campaignId, ...engagementIds]) {
    let runs: Runs;
    try {
      runs = await runsOf(client, workflowId);
    } catch (err) {
      // Engagements started one by one (`dossier engagement start`) have no campaign workflow: their campaign is theirs alone.
      if (workflowId === campaignId && engagementIds.length && err instanceof WorkflowNotFoundError) continue;
      throw fromTemporal(err, workflowId, serverAddress);
    }
    workflowIds.push(workflowId);
    // A reader per run: event ids (which link an activity's result to its input) restart in each run.
    let rows: AuditEvent[] = [];
    for (const run of runs.kept) {
      const reader = new HistoryReader(client, workflowId);
      rows.push(...(await reader.read(run)));
      for (const [vendorId, action] of reader.decisions) decisions.set(vendorId, action);
    }
    const engagement = parseWorkflowId(workflowId);
    // One engagement's export reads the lead's decisions from the campaign's history, as the campaign's
    // export does (whose history comes first), and only for a case its campaign withdrew: no decision
    // ended any other, and a campaign of 2,000 vendors has a history of tens of megabytes.
    if (scope.vendorId && engagement?.kind === 'engagement' && rows.some(isWithdrawalSignal)) {
      for (const [vendorId, action] of await leadDecisionsOf(client, campaignId, serverAddress)) decisions.set(vendorId, action);
    }
    // An engagement the lead closed or excluded reads so.
    if (engagement?.kind === 'engagement') rows = asDecidedByLead(rows, decisions.get(engagement.vendorId));
    if (lateReplies && engagement?.kind === 'engagement') rows.push(...lateReplyRows(workflowId, await lateReplies(engagement)));
    if (engagement?.kind === 'engagement') messages.add(rows);
    events.push(...withoutRepeatedStages(rows));
    if (runs.notKept) events.push(runs.notKept);
  }
  // The downloads, read once the engagements said which messages are theirs. Each is a row of the
  // engagement whose message carried the document; a held message's attachment, of the engagement
  // the message went to once an officer decided (else of the campaign's pen, in the campaign's export).
  // A held message an officer dismissed went to no case: a row of the campaign's pen alone.
  const inScope = (row: AuditEvent) => !scope.vendorId || row.workflowId === engagementIds[0];
  const campaignAccess = await accessRecordIn(client, accessId, serverAddress);
  if (campaignAccess) {
    const own = campaignAccess.rows.map((row) => messages.held(row) ?? row).filter(inScope);
    if (own.length) workflowIds.push(accessId);
    events.push(...own);
    if (campaignAccess.notKept && (own.length || !scope.vendorId)) events.push(campaignAccess.notKept);
  }
  // Mail that names no campaign is given to a case by an officer only: its pen's downloads of those
  // messages are this case's too. Its record names no campaign, so it is read only when one was given.
  const unsortedAccess = messages.anyGivenByOfficer ? await accessRecordIn(client, UNSORTED_ACCESS_WORKFLOW_ID, serverAddress) : undefined;
  if (unsortedAccess) {
    const own = unsortedAccess.rows.flatMap((row) => {
      const given = messages.held(row);
      return given && inScope(given) ? [{ ...given, whileUnsorted: true as const }] : [];
    });
    if (own.length || unsortedAccess.notKept) workflowIds.push(UNSORTED_ACCESS_WORKFLOW_ID);
    events.push(...own);
    // Read because an officer gave this case a message from that pen: its deleted runs may have held that message's downloads.
    if (unsortedAccess.notKept) events.push(unsortedAccess.notKept);
  }
  // Stable: same time keeps the order of the histories and of their events.
  const ordered = withContactChangers(events).map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => a.at.localeCompare(b.at) || i - j);
  const sorted = ordered.map(([e]) => e);
  // A case opened, a signal or a case closed keeps its own kind when its content is gone: counted too.
  return { scope, workflowIds, events: sorted, unreadable: sorted.filter((e) => e.kind === 'unreadable' || e.unreadableError !== undefined).length };
}

/**
 * An engagement's rows as the lead's decision at drafting (`action`) makes them: the campaign's signal
 * ending it is a withdrawal, and the stage and outcome it records say withdrawn; the export says it was
 * closed by the lead, or excluded, as the statement does (`stageAsDecided`).
 */
const isWithdrawalSignal = (row: AuditEvent) => row.kind === 'signal' && row.action === withdrawSignal.name;

export function asDecidedByLead(rows: AuditEvent[], action: OpenCaseAction | undefined): AuditEvent[] {
  if (action === undefined) return rows;
  // The lead's decision is the last withdrawal signal: an officer's own, sent earlier, stays the officer's.
  const lastSignal = rows.map(isWithdrawalSignal).lastIndexOf(true);
  return rows.map((row, i) => {
    if ((row.kind === 'stage' || row.kind === 'case-closed') && row.action === 'withdrawn') return { ...row, action: stageAsDecided(row.action, action) };
    if (i === lastSignal) return { ...row, action: action === 'close' ? 'closeByLead' : 'excludeByLead' };
    return row;
  });
}

/**
 * The campaign's record of a vendor's contacts changed (`vendorContactsChanged`, which the engagement
 * sends while carrying out the officer's `changeContacts`) names neither the officer nor how the
 * contacts changed: the row takes both from that update's row in the engagement's history (read in a
 * campaign's export, the only one that holds the campaign's rows), the one done before it whose
 * contacts it carries, so it reads as the engagement's own row does. Without one (that history no longer kept) it stays the
 * engagement's signal, with the contacts it carried.
 */
function withContactChangers(events: AuditEvent[]): AuditEvent[] {
  const changes = new Map<string, AuditEvent[]>();
  for (const row of events) {
    if (row.kind !== 'officer-action' || row.action !== changeContactsUpdate.name || row.notDone !== undefined) continue;
    changes.set(row.workflowId, [...(changes.get(row.workflowId) ?? []), row]);
  }
  const taken = new Set<AuditEvent>();
  return events.map((row) => {
    if (row.kind !== 'signal' || row.action !== vendorContactsChangedSignal.name) return row;
    // Both of two changes made close together may be done before the campaign records the first
    // signal: the change is the one whose contacts the signal carries, else the earliest left.
    const candidates = (changes.get(row.actor) ?? []).filter((c) => !taken.has(c) && c.at <= row.at);
    const change = candidates.find((c) => signalCarries(row, c)) ?? candidates[0];
    if (!change) return row;
    taken.add(change);
    const fields = [...(row.fields ?? []).filter((f) => f.name === 'vendorId'), ...(change.fields ?? [])];
    return { ...row, actor: change.actor, detail: detailOfFields(fields), fields };
  });
}

// A replacement leaves exactly the given contacts; an addition puts them after the present ones.
function signalCarries(signal: AuditEvent, change: AuditEvent): boolean {
  const value = (row: AuditEvent, name: string) => row.fields?.find((f) => f.name === name)?.value;
  const [carried, given] = [value(signal, 'contacts'), value(change, 'contacts')];
  if (typeof carried !== 'string' || typeof given !== 'string') return false;
  return value(change, 'mode') === 'replace' ? carried === given : carried === given || carried.endsWith(` | ${given}`);
}

/** The lead's decisions on open engagements that a draft request's input (`DraftStatementInput`) records, in order. */
function leadDecisionsIn(input: Record<string, unknown>): [string, OpenCaseAction][] {
  if (!Array.isArray(input.openCases)) return [];
  return (input.openCases as Partial<OpenCaseDecision>[]).flatMap((d) =>
    typeof d?.vendorId === 'string' && (d.action === 'close' || d.action === 'exclude') ? [[d.vendorId, d.action] as [string, OpenCaseAction]] : [],
  );
}

/**
 * The lead's decisions at drafting, by vendor, from the campaign's history: its draft requests alone
 * are decoded, not every payload of a history that names every vendor. None when the campaign has no
 * workflow (engagements started one by one), or its requests can no longer be read (shredded): the
 * engagement then reads as withdrawn, as it does in the campaign's export.
 */
async function leadDecisionsOf(client: Client, campaignId: string, serverAddress: string): Promise<Map<string, OpenCaseAction>> {
  const decisions = new Map<string, OpenCaseAction>();
  let runs: Runs;
  try {
    runs = await runsOf(client, campaignId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return decisions;
    throw fromTemporal(err, campaignId, serverAddress);
  }
  for (const event of runs.kept.flat()) {
    const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (request?.input?.name !== draftStatementUpdate.name) continue;
    let input: unknown;
    try {
      [input] = await decodeArrayFromPayloads(client.options.loadedDataConverter, request.input.args?.payloads);
    } catch {
      continue;
    }
    if (input && typeof input === 'object') for (const [vendorId, action] of leadDecisionsIn(input as Record<string, unknown>)) decisions.set(vendorId, action);
  }
  return decisions;
}

/**
 * The record of the holding pen of mail that names no campaign, whole: the downloads of attachments
 * of messages never given to a case, and the dismissals of such messages, are in no campaign's
 * export. A message an officer later assigned, or attached late to an ended case, is in that case's export too.
 */
export async function collectUnsortedDownloads(client: Client, serverAddress = ''): Promise<AuditTrail> {
  const scope: UnsortedScope = { unsorted: true };
  const access = await accessRecordIn(client, UNSORTED_ACCESS_WORKFLOW_ID, serverAddress);
  if (!access) return { scope, workflowIds: [], events: [], unreadable: 0 };
  const events = [...access.rows, ...(access.notKept ? [access.notKept] : [])];
  const sorted = events.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => a.at.localeCompare(b.at) || i - j).map(([e]) => e);
  return { scope, workflowIds: [UNSORTED_ACCESS_WORKFLOW_ID], events: sorted, unreadable: sorted.filter((e) => e.unreadableError !== undefined).length };
}

/**
 * The downloads and the held messages' dismissals a document access record holds (its start and new
 * runs are no event of a case), with the row saying its earlier runs are gone; undefined when nothing
 * ever started it.
 */
async function accessRecordIn(client: Client, workflowId: string, serverAddress: string): Promise<{ rows: AuditEvent[]; notKept?: AuditEvent } | undefined> {
  let runs: Runs;
  try {
    runs = await runsOf(client, workflowId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw fromTemporal(err, workflowId, serverAddress);
  }
  const rows: AuditEvent[] = [];
  for (const run of runs.kept) rows.push(...(await new HistoryReader(client, workflowId).read(run)));
  const recorded = rows.filter((row) => row.kind === 'document-downloaded' || row.action === heldMessageDismissedSignal.name);
  return { rows: recorded, ...(runs.notKept ? { notKept: runs.notKept } : {}) };
}

/**
 * The messages an officer gave the engagements read from a holding pen (assigned, or attached late to
 * an ended case's record), by Message-ID, each with the engagement it went to. A held message reaches a
 * case only so; and a sender writes its own Message-ID, so a held attachment's download goes to a case
 * only under the id of a message an officer gave it, never one the intake recorded by itself.
 */
class ReceivedMessages {
  private readonly givenTo = new Map<string, string>();

  add(rows: AuditEvent[]): void {
    for (const row of rows) {
      if (!row.messageId || row.kind !== 'officer-action') continue;
      if ((row.action === 'assignFromHoldingPen' || row.action === 'attachLateReply') && !this.givenTo.has(row.messageId)) this.givenTo.set(row.messageId, row.workflowId);
    }
  }

  get anyGivenByOfficer(): boolean {
    return this.givenTo.size > 0;
  }

  /** A held attachment's download, as a row of the engagement an officer gave its message; undefined for any other row. */
  held(row: AuditEvent): AuditEvent | undefined {
    const owner = row.action === 'heldAttachmentDownloaded' && row.messageId ? this.givenTo.get(row.messageId) : undefined;
    return owner ? { ...row, workflowId: owner } : undefined;
  }
}

/**
 * A late reply's rows: the email as received, when the case mailbox took it, then the officer who
 * attached it to the ended case's record, and its documents (the case's workflow recorded none of them).
 */
function lateReplyRows(workflowId: string, replies: Awaited<ReturnType<LateReplyReader>>): AuditEvent[] {
  return replies.flatMap((reply) => {
    const language = reply.language ? { language: reply.language } : {};
    return [
      { at: reply.receivedAt, workflowId, kind: 'email-received' as const, actor: reply.from, action: 'reply', detail: reply.subject, messageId: reply.messageId, ...language },
      { at: reply.attachedAt, workflowId, kind: 'officer-action' as const, actor: reply.attachedBy, action: 'attachLateReply', detail: reply.subject, messageId: reply.messageId, ...language },
      ...reply.documents.map((d) => ({ at: reply.attachedAt, workflowId, kind: 'document' as const, actor: reply.attachedBy, action: d.type, documentName: d.name, sha256: d.sha256, size: d.size })),
    ];
  });
}

/** A workflow's runs the server still keeps, oldest first, and a row saying so when it no longer keeps the earlier ones. */
interface Runs {
  kept: HistoryEvent[][];
  notKept?: AuditEvent;
}

/**
 * The histories of every run of a workflow, oldest first. A workflow id alone gives only its latest
 * run; an engagement that continued as new keeps its earlier events in the runs before, each found
 * through the `continuedExecutionRunId` its successor started with. The server deletes a run it has
 * closed once the namespace's retention has passed, and a run that continued as new is closed: the
 * export then reads what is kept and says, in a row of its own, where the rest went.
 */
async function runsOf(client: Client, workflowId: string): Promise<Runs> {
  const kept: HistoryEvent[][] = [];
  const read = new Set<string>();
  let runId: string | undefined;
  do {
    if (runId) read.add(runId);
    let events: HistoryEvent[];
    try {
      events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    } catch (caught) {
      const err = notFoundAsSuch(caught, workflowId, runId);
      if (!runId || !(err instanceof WorkflowNotFoundError)) throw err;
      const firstKept = kept[0]?.[0]?.eventTime;
      const at = (firstKept && optionalTsToDate(firstKept)?.toISOString()) ?? new Date(0).toISOString();
      return { kept, notKept: { at, workflowId, kind: 'history-not-kept', actor: 'dossier', action: 'earlier-runs', earlierRun: runId } };
    }
    kept.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId && !read.has(runId));
  return { kept };
}

/**
 * fetchHistory passes the server's bare gRPC error on, not the SDK's WorkflowNotFoundError: status 5
 * (NOT_FOUND) for a workflow or run the server does not keep. Made the SDK's error here, so an unknown
 * id is named as such and a deleted earlier run is reported rather than failing the export. A missing
 * namespace answers status 5 too and is left as it came, for the caller to name.
 */
function notFoundAsSuch(err: unknown, workflowId: string, runId: string | undefined): unknown {
  if (!(err instanceof Error) || err instanceof WorkflowNotFoundError) return err;
  const { code, details } = err as { code?: unknown; details?: unknown };
  if (code !== 5 || (typeof details === 'string' && /^Namespace \S+ is not found/i.test(details.trim()))) return err;
  return new WorkflowNotFoundError(typeof details === 'string' ? details : err.message, workflowId, runId);
}

/**
 * A run that continued as new lists its stage again (an engagement before revision 3 publishes it
 * afresh in each run): the same stage twice in a row is one change, not two.
 */
function withoutRepeatedStages(rows: AuditEvent[]): AuditEvent[] {
  let stage: string | undefined;
  return rows.filter((row) => {
    if (row.kind !== 'stage' || row.action === 'continued-as-new') return true;
    const repeated = row.action === stage;
    stage = row.action;
    return !repeated;
  });
}

/** Every engagement the campaign ever started, found through visibility (running or ended). */
async function engagementIdsOf(client: Client, campaignId: string): Promise<string[]> {
  const ids = new Set<string>();
  for await (const wf of listWorkflows(client, campaignEngagementsQuery(campaignId))) ids.add(wf.workflowId);
  return [...ids].sort();
}

/** An unreadable payload: encrypted under a key that no longer exists (or never reached this client). */
class Unreadable {
  constructor(readonly error: string) {}
}

class HistoryReader {
  private readonly converter;
  private readonly scheduled = new Map<string, { type: string; input: unknown }>();
  /** The rows each accepted update added, by update id, for its completion to mark when the handler refused it. */
  private readonly updates = new Map<string, AuditEvent[]>();
  private readonly out: AuditEvent[] = [];
  /** The last stage the run listed: search attributes are not encrypted, so it survives shredding. */
  private lastStage: string | undefined;
  /** The lead's decisions on open engagements that the run's draft requests recorded, by vendor. */
  readonly decisions = new Map<string, OpenCaseAction>();

  constructor(
    client: Client,
    private readonly workflowId: string,
  ) {
    this.converter = client.options.loadedDataConverter;
  }

  async read(events: HistoryEvent[]): Promise<AuditEvent[]> {
    for (const event of events) await this.readOne(event);
    this.noticesLeftOut();
    return this.out;
  }

  // ── Statement notices the campaign workflow itself left out ───────────────────────────────────
  // The notice's activity records the vendors it does not mail (a row of its own, above); those the
  // workflow leaves out have no activity, so their rows come from what the history shows of the publication.

  /** The campaign's `publication.notifyVendors`, from its input. */
  private notifiesVendors = false;
  /** The published statement (the last render that was not a draft), and when it was rendered. */
  private published: { at: string; statement: PublishedStatementInput } | undefined;
  /** Steps of the statement notices the campaign scheduled. */
  private readonly noticeSteps = new Set<string>();
  /** Vendors whose engagement the campaign started. */
  private readonly started = new Set<string>();
  private completed = false;
  /** Who asked for the run's cancellation, for the row saying it ended cancelled. */
  private cancelledBy: string | undefined;
  /**
   * Deadline extensions and the messages confirming them to the vendor, until each finds the other:
   * the request names a duration or a day, its confirmation the date counted and which deadline
   * moved. Two requests may be in flight at once (each waits for the calendar) and be confirmed in
   * either order, so neither order nor time pairs them (`ExtensionConfirmations`).
   */
  private readonly extensions = new ExtensionConfirmations();
  /** The campaign's authorities by id, as its file names them (from its input), for its approval rows and its refusals. */
  private readonly authorityNames = new Map<string, AuthorityNamed>();

  /**
   * One `email-not-sent` row per vendor the campaign did not mail the published statement to, with
   * why, as its status's `statementNotMailed` lists it. The statement marks each such vendor
   * (`notWrittenTo`). One published before it did is read from the history: a vendor with no notice
   * scheduled was left out, as never started when its engagement never was and otherwise as its
   * letter undelivered; only once the campaign has ended, since its notices go out a hundred at a time.
   */
  private noticesLeftOut(): void {
    const { published } = this;
    if (!this.notifiesVendors || !published) return;
    const { version, vendors } = published.statement;
    const marked = vendors.some((v) => v.notWrittenTo);
    if (!marked && !this.completed) return;
    for (const vendor of vendors) {
      const step = `statement-notice-v${version}-vendor-${vendor.vendorId}`;
      if (this.noticeSteps.has(step)) continue;
      const notSent = marked ? vendor.notWrittenTo : this.started.has(vendor.vendorId) ? 'letter-undelivered' : 'never-started';
      if (!notSent) continue;
      this.out.push({ workflowId: this.workflowId, at: published.at, kind: 'email-not-sent', actor: 'dossier', action: `statement-notice ${step}`, messageKind: 'statement-notice', step, notSent, version });
    }
  }

  private async readOne(e: HistoryEvent): Promise<void> {
    const at = optionalTsToDate(e.eventTime)?.toISOString() ?? '';
    const id = String(e.eventId ?? '');
    if (e.workflowExecutionStartedEventAttributes) {
      // A run that continues an earlier one opens nothing: the case opened in the first run, and the
      // previous run's own row says it continued. Its input carries state already recorded there.
      if (e.workflowExecutionStartedEventAttributes.continuedExecutionRunId) return;
      const [input] = await this.args(e.workflowExecutionStartedEventAttributes.input?.payloads);
      const revision = (input as { revision?: unknown } | undefined)?.revision;
      // Who started it, as the front end recorded them (CampaignInput.startedBy); else the request's identity.
      const startedBy = (input as { startedBy?: unknown } | undefined)?.startedBy;
      this.notifiesVendors = (input as { publication?: { notifyVendors?: unknown } } | undefined)?.publication?.notifyVendors === true;
      const authorities = (input as { campaign?: { authorities?: unknown } } | undefined)?.campaign?.authorities;
      for (const a of Array.isArray(authorities) ? (authorities as { id?: unknown; name?: Partial<Bilingual>; article?: { fr?: unknown } }[]) : []) {
        if (typeof a.id !== 'string' || typeof a.name?.en !== 'string' || typeof a.name.fr !== 'string') continue;
        const article = typeof a.article?.fr === 'string' ? { article: { fr: a.article.fr as FrenchArticle } } : {};
        this.authorityNames.set(a.id, { id: a.id, name: { en: a.name.en, fr: a.name.fr }, ...article });
      }
      this.push(
        {
          at,
          kind: 'case-opened',
          actor: (typeof startedBy === 'string' && startedBy.trim()) || e.workflowExecutionStartedEventAttributes.identity || 'dossier',
          action: e.workflowExecutionStartedEventAttributes.workflowType?.name ?? '',
          ...this.describe(input, ['vendor', 'campaign', 'revision', 'startedBy']),
          ...(typeof revision === 'number' ? { revision } : {}),
        },
        input,
      );
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const request = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const name = request?.input?.name ?? '';
      const [input] = await this.args(request?.input?.args?.payloads);
      const first = this.out.length;
      this.recordUpdate(at, name, input, request?.meta?.identity ?? '');
      this.updates.set(e.workflowExecutionUpdateAcceptedEventAttributes.protocolInstanceId || request?.meta?.updateId || id, this.out.slice(first));
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      // A refusal recorded before failures were encrypted keeps its sentence readable after shredding;
      // one recorded since is read with the campaign's key, and after shredding only its type remains.
      const { meta, outcome } = e.workflowExecutionUpdateCompletedEventAttributes;
      const extension = outcome?.success ? this.updates.get(meta?.updateId ?? '')?.find((row) => row.kind === 'officer-action' && row.action === extendDeadlineUpdate.name) : undefined;
      if (extension) {
        const [result] = await this.args(outcome?.success?.payloads);
        const step = (result as Partial<DeadlineExtended> | undefined)?.confirmationStep;
        this.extensions.done(extension, typeof step === 'string' ? step : undefined);
      }
      const rows = outcome?.failure ? (this.updates.get(meta?.updateId ?? '') ?? []) : [];
      if (outcome?.failure && rows.length) {
        const said = await this.failureMessage(outcome.failure);
        const message = (typeof said === 'string' && said) || 'refused';
        const [details] = await this.args(outcome.failure.applicationFailureInfo?.details?.payloads);
        const refused = refusalDetails({ details: [details] }) ?? wordedRefusal(message);
        const type = outcome.failure.applicationFailureInfo?.type || undefined;
        // An authority the refusal names is named as the campaign file names it, as its rows are.
        const named = (refused?.values as { authority?: unknown } | undefined)?.authority;
        const authorities = typeof named === 'string' && this.authorityNames.has(named) ? { notDoneAuthorities: [...this.authorityNames.values()] } : {};
        for (const row of rows) Object.assign(row, { notDone: message, ...(refused ? { notDoneRefusal: refused } : {}), ...(type ? { notDoneType: type } : {}), ...authorities });
      }
    } else if (e.workflowTaskCompletedEventAttributes) {
      this.extensions.taskCompleted();
    } else if (e.workflowExecutionSignaledEventAttributes?.signalName === documentDownloadedSignal.name) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const [input] = await this.args(a.input?.payloads);
      this.recordDownload(at, input, a.identity || 'unknown');
    } else if (e.workflowExecutionSignaledEventAttributes?.signalName === heldMessageDismissedSignal.name) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const [input] = await this.args(a.input?.payloads);
      this.recordHeldDismissal(at, input, a.identity || 'unknown');
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const [input] = await this.args(a.input?.payloads);
      // A signal one workflow sends another (the campaign withdrawing a vendor) carries the server's
      // own identity (`history-service`); the sender's workflow id says who it was.
      const sender = a.externalWorkflowExecution?.workflowId || a.identity || 'dossier';
      this.push({ at, kind: 'signal', actor: byOf(input) ?? sender, action: a.signalName ?? '', ...this.describe(input) }, input);
    } else if (e.upsertWorkflowSearchAttributesEventAttributes) {
      const stage = e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields?.DossierStage;
      if (stage) {
        this.lastStage = String(searchAttributeValue(stage));
        this.push({ at, kind: 'stage', actor: 'dossier', action: this.lastStage });
      }
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const [input] = await this.args(a.input?.payloads);
      this.scheduled.set(id, { type: a.activityType?.name ?? '', input });
      const message = input as { kind?: unknown; step?: unknown; details?: unknown } | undefined;
      if (message?.kind === 'statement-notice' && typeof message.step === 'string') this.noticeSteps.add(message.step);
      if (message?.kind === 'deadline-extension') this.extensions.scheduled(typeof message.step === 'string' ? message.step : `event ${id}`, message.details);
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      const child = parseWorkflowId(e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId ?? undefined);
      if (child?.kind === 'engagement') this.started.add(child.vendorId);
    } else if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      const task = this.scheduled.get(String(a.scheduledEventId ?? ''));
      if (!task) return;
      const [result] = await this.args(a.result?.payloads);
      this.recordActivity(at, task, result);
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      const task = this.scheduled.get(String(a.scheduledEventId ?? ''));
      if (task?.type !== 'sendMessage') return;
      const message = task.input as { kind?: string; step?: string } | Unreadable;
      const said = await this.failureMessage(a.failure);
      this.push({
        at,
        kind: 'email-refused',
        actor: 'dossier',
        action: message instanceof Unreadable ? 'sendMessage' : `${message.kind ?? ''} ${message.step ?? ''}`.trim(),
        ...(message instanceof Unreadable ? {} : messageOf(message)),
        detail: typeof said === 'string' ? said : '',
      }, said instanceof Unreadable ? said : undefined);
    } else if (e.workflowExecutionCompletedEventAttributes) {
      this.completed = true;
      const [result] = await this.args(e.workflowExecutionCompletedEventAttributes.result?.payloads);
      // After shredding the result (the outcome) is unreadable; the final stage the run listed says the same.
      const stage =
        result instanceof Unreadable
          ? FINAL_STAGES.includes(this.lastStage as EngagementStage)
            ? this.lastStage
            : undefined
          : (result as { stage?: string } | undefined)?.stage;
      this.push({ at, kind: 'case-closed', actor: 'dossier', action: stage ?? 'completed' }, result);
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      this.push({ at, kind: 'stage', actor: 'dossier', action: 'continued-as-new' });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      this.push({ at, kind: 'case-closed', actor: e.workflowExecutionTerminatedEventAttributes.identity || 'operator', action: 'terminated', detail: e.workflowExecutionTerminatedEventAttributes.reason ?? '' });
    } else if (e.workflowTaskFailedEventAttributes?.cause === temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW) {
      // An operator reset the workflow to this point: the run it replaced (not in this chain of runs)
      // may have acted after it, and those acts are not read here. The row says so, and who reset it.
      const a = e.workflowTaskFailedEventAttributes;
      const said = await this.failureMessage(a.failure);
      this.push({ at, kind: 'signal', actor: a.identity || 'operator', action: 'reset', detail: typeof said === 'string' ? said : '' }, said instanceof Unreadable ? said : undefined);
    } else if (e.workflowExecutionCancelRequestedEventAttributes) {
      const a = e.workflowExecutionCancelRequestedEventAttributes;
      // An operator (Temporal's CLI or Web UI: its identity), or the campaign that started the engagement
      // (the server's own identity then: the campaign's workflow id says who).
      this.cancelledBy = a.externalWorkflowExecution?.workflowId || a.identity || 'operator';
      this.push({ at, kind: 'signal', actor: this.cancelledBy, action: 'cancelRequested', detail: a.cause ?? '' });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      this.push({ at, kind: 'case-closed', actor: this.cancelledBy ?? 'operator', action: 'cancelled' });
    } else if (e.workflowExecutionTimedOutEventAttributes) {
      this.push({ at, kind: 'case-closed', actor: 'dossier', action: 'timed-out' });
    } else if (e.workflowExecutionFailedEventAttributes) {
      const said = await this.failureMessage(e.workflowExecutionFailedEventAttributes.failure);
      this.push({ at, kind: 'case-closed', actor: 'dossier', action: 'failed', detail: typeof said === 'string' ? said : '' }, said instanceof Unreadable ? said : undefined);
    }
  }

  private recordUpdate(at: string, name: string, input: unknown, identity: string): void {
    if (input instanceof Unreadable) {
      this.push({ at, kind: 'unreadable', actor: identity || 'unknown', action: name, unreadableError: input.error });
      return;
    }
    const value = (input ?? {}) as Record<string, unknown>;
    if (name === draftStatementUpdate.name) for (const [vendorId, action] of leadDecisionsIn(value)) this.decisions.set(vendorId, action);
    if (name === 'recordInbound') {
      const messageId = typeof value.messageId === 'string' ? value.messageId : undefined;
      // The intake records a held message once an officer assigns it, vouching for its sender: their act, their row.
      const assignedBy = typeof value.assignedBy === 'string' && value.assignedBy.trim() ? value.assignedBy.trim() : undefined;
      const language = (LANGUAGES as readonly unknown[]).includes(value.language) ? { language: value.language as Language } : {};
      if (assignedBy) this.push({ at, kind: 'officer-action', actor: assignedBy, action: 'assignFromHoldingPen', detail: String(value.subject ?? ''), messageId, ...language });
      this.push(
        {
          at,
          kind: 'email-received',
          actor: String(value.from ?? ''),
          action: String(value.kind ?? 'reply'),
          detail: String(value.subject ?? ''),
          messageId,
          ...language,
          ...(identity ? { recordedBy: identity } : {}),
        },
        input,
      );
      return;
    }
    const version = typeof value.version === 'number' ? value.version : undefined;
    const kind: AuditEventKind = name === 'approveStatement' || name === 'requestChanges' || name === 'withdrawApproval' ? 'approval' : 'officer-action';
    // An approval's authority is named as the campaign file names it; an id the campaign does not have stays as recorded.
    const authority = kind === 'approval' && typeof value.authorityId === 'string' ? this.authorityNames.get(value.authorityId)?.name : undefined;
    const described = this.describe(value, authority ? ['authorityId'] : []);
    this.push({ at, kind, actor: byOf(value) ?? (identity || 'unknown'), action: name, ...described, ...(version !== undefined ? { version } : {}), ...(authority ? { authority } : {}) }, input);
  }

  /**
   * An officer's dismissal of a held message, from its pen's record: their act, their row, with the
   * message (its Message-ID, sender and subject) and the reason they gave. The message went to no case.
   */
  private recordHeldDismissal(at: string, input: unknown, identity: string): void {
    const value = input instanceof Unreadable ? {} : ((input ?? {}) as Partial<HeldMessageDismissedInput>);
    const language = (LANGUAGES as readonly unknown[]).includes(value.language) ? { language: value.language as Language } : {};
    this.push(
      {
        at,
        kind: 'officer-action',
        actor: byOf(value) ?? identity,
        action: heldMessageDismissedSignal.name,
        ...(typeof value.messageId === 'string' ? { messageId: value.messageId } : {}),
        ...this.describe(input, ['campaignId', 'messageId', 'language']),
        ...language,
      },
      input,
    );
  }

  /**
   * A download: a row of the engagement whose message carried the document (of this record's, for a
   * held message's attachment), with who, the message, the document and its SHA-256. No document
   * row beside it: the document was recorded when it arrived, or, for an attachment of a message
   * Dossier sent, the email's row names the message (its Message-ID, and the step in the detail).
   */
  private recordDownload(at: string, input: unknown, identity: string): void {
    const action = 'documentDownloaded';
    if (input instanceof Unreadable) {
      this.out.push({ workflowId: this.workflowId, at, kind: 'document-downloaded', actor: identity, action, unreadableError: input.error });
      return;
    }
    const value = (input ?? {}) as Partial<DocumentDownloadedInput>;
    const ref = parseWorkflowId(this.workflowId);
    const campaignId = typeof value.campaignId === 'string' ? value.campaignId : ref?.campaignId;
    const workflowId = campaignId && typeof value.vendorId === 'string' ? engagementWorkflowId(campaignId, value.vendorId) : this.workflowId;
    const document = value.document;
    this.out.push({
      workflowId,
      at,
      kind: 'document-downloaded',
      actor: byOf(value) ?? identity,
      action: value.held ? 'heldAttachmentDownloaded' : value.sent ? 'sentAttachmentDownloaded' : action,
      ...(typeof value.messageId === 'string' ? { messageId: value.messageId } : {}),
      // A sent message's step (`letter`, `reminder-1`): the Action column of the email sent's row.
      ...(value.sent && typeof value.step === 'string' ? { detail: detailOfFields([{ name: 'step', value: value.step }]), fields: [{ name: 'step', value: value.step }] } : {}),
      ...(typeof document?.name === 'string' ? { documentName: document.name } : {}),
      ...(typeof document?.sha256 === 'string' ? { sha256: document.sha256 } : {}),
      ...(typeof document?.size === 'number' ? { size: document.size } : {}),
      ...(typeof value.via === 'string' ? { downloadedVia: value.via } : {}),
    });
  }

  private recordActivity(at: string, task: { type: string; input: unknown }, result: unknown): void {
    const render = task.input as { draft?: unknown; statement?: PublishedStatementInput } | undefined;
    if (task.type === 'renderStatement' && render?.draft === false && Array.isArray(render.statement?.vendors)) this.published = { at, statement: render.statement };
    if (task.type === 'renderStatement' && typeof render?.statement?.version === 'number' && !(result instanceof Unreadable)) {
      // No officer action marks these: the workflow drafts a version once it can, and publishes once all approved.
      const action = render.draft === false ? 'statement-published' : 'statement-draft';
      this.push({ at, kind: 'statement', actor: 'dossier', action, version: render.statement.version, ...this.describe(result) }, result);
      return;
    }
    if (task.type !== 'sendMessage') {
      // PDFs and other outputs: rows only for the documents they produced (found in the result).
      if (result instanceof Unreadable) this.push({ at, kind: 'unreadable', actor: 'dossier', action: task.type, unreadableError: result.error });
      else this.documentsIn(at, 'dossier', result);
      return;
    }
    if (result instanceof Unreadable || task.input instanceof Unreadable) {
      this.push({ at, kind: 'unreadable', actor: 'dossier', action: 'sendMessage', unreadableError: (result instanceof Unreadable ? result : (task.input as Unreadable)).error });
      return;
    }
    const message = task.input as { kind?: string; step?: string };
    const sent = result as { messageId?: string; accepted?: string[]; rejected?: string[]; alreadyDelivered?: boolean; resentAfterCrash?: boolean; notSent?: string };
    if (sent.notSent) {
      // The activity decided not to send it (a vendor's statement notice, no letter of its engagement
      // accepted): no email was even tried, so it is neither sent nor refused.
      this.push({ at, kind: 'email-not-sent', actor: 'dossier', action: `${message.kind ?? ''} ${message.step ?? ''}`.trim(), ...messageOf(message), notSent: sent.notSent });
      return;
    }
    this.push({
      at,
      kind: 'email-sent',
      actor: 'dossier',
      action: `${message.kind ?? ''} ${message.step ?? ''}`.trim(),
      ...messageOf(message),
      ...(sent.rejected?.length ? { refused: sent.rejected } : {}),
      ...(sent.resentAfterCrash ? { resentAfterCrash: true } : {}),
      ...(sent.alreadyDelivered ? { alreadyDelivered: true } : {}),
      messageId: sent.messageId,
      recipients: sent.accepted ?? [],
    });
  }

  /** Adds the row, then one row per document reference found in the payload it carries. */
  private push(row: Omit<AuditEvent, 'workflowId'>, payload?: unknown): void {
    this.out.push({ workflowId: this.workflowId, ...row, ...(payload instanceof Unreadable ? { unreadableError: payload.error } : {}) });
    if (payload !== undefined && !(payload instanceof Unreadable)) this.documentsIn(row.at, row.actor, payload);
  }

  private documentsIn(at: string, actor: string, value: unknown): void {
    for (const doc of documentRefsIn(value)) {
      this.out.push({ workflowId: this.workflowId, at, kind: 'document', actor, action: doc.type ?? '', documentName: doc.name, sha256: doc.sha256, ...(typeof doc.size === 'number' ? { size: doc.size } : {}) });
    }
  }

  /**
   * A short description of an input: its scalar fields (not the officer, not long texts in full), as
   * `name: value; …` in the workflow's own names, and the same fields apart for the report to name in
   * the export's language.
   */
  private describe(input: unknown, skip: string[] = []): Pick<AuditEvent, 'detail' | 'fields'> {
    if (!input || input instanceof Unreadable || typeof input !== 'object') return { detail: '' };
    const fields: DetailField[] = [];
    for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
      if (name === 'by' || skip.includes(name)) continue;
      const parted = partedFields(name, value);
      if (parted) fields.push(...parted);
      else if (typeof value === 'string') fields.push({ name, value: clip(value) });
      else if (typeof value === 'number' || typeof value === 'boolean') fields.push({ name, value });
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) fields.push({ name, value: clip(value.join(' | ')) });
      // Contacts (`correctContacts`, `changeContacts`, `vendorContactsChanged`): who is written to is the change.
      else if (Array.isArray(value) && value.length && value.every(isContact)) fields.push({ name, value: clip(value.map(contactText).join(' | ')) });
    }
    return { detail: detailOfFields(fields), ...(fields.length ? { fields } : {}) };
  }

  /**
   * A failure's message. Since failures are encrypted (encryption/failure-converter.js) the server
   * keeps "Encoded failure" and the message travels in the encoded attributes, under the campaign's
   * key; failures recorded before keep it in clear.
   */
  private async failureMessage(failure: ProtoFailure | null | undefined): Promise<string | Unreadable> {
    if (!failure?.encodedAttributes) return failure?.message ?? '';
    const [attributes] = await this.args([failure.encodedAttributes]);
    if (attributes instanceof Unreadable) return attributes;
    const { message } = (attributes ?? {}) as { message?: unknown };
    return typeof message === 'string' ? message : (failure.message ?? '');
  }

  private async args(payloads: Payload[] | null | undefined): Promise<unknown[]> {
    if (!payloads?.length) return [];
    try {
      return await decodeArrayFromPayloads(this.converter, payloads);
    } catch (err) {
      // One payload per argument: try each, so a readable argument is not lost with an unreadable one.
      return Promise.all(
        payloads.map(async (p) => {
          try {
            return await decodeOptionalSinglePayload(this.converter, p);
          } catch {
            return new Unreadable(decryptionError(err));
          }
        }),
      );
    }
  }
}

/** What the audit reads of the published statement: its version and, for each vendor, whether the letter reached it. */
type PublishedStatementInput = { version: number; vendors: { vendorId: string; notWrittenTo?: string }[] };

/** The kind and step of a message, each when the input names it. */
function messageOf(message: { kind?: string; step?: string }): Pick<AuditEvent, 'messageKind' | 'step'> {
  return { ...(message.kind ? { messageKind: message.kind } : {}), ...(message.step ? { step: message.step } : {}) };
}

/**
 * The fields of an input that are lists or texts of several languages, in parts (`DetailPart`);
 * undefined for any other. Answers (`recordAnswers`, `confirmInbound`) by question and length: a
 * vendor's answer is confidential, kept out of the export. A statement's edit (`editStatement`) by
 * what it replaces: a vendor's summary, finding by principle or demonstration's observation, in the
 * languages given; findings at conclusion by principle; conclusions and lessons by language.
 */
function partedFields(name: string, value: unknown): DetailField[] | undefined {
  const field = (fieldName: string, parts: DetailPart[]) => ({ name: fieldName, value: parts.map(partCodes).join(', '), parts });
  if (name === 'answers' && Array.isArray(value) && value.every((a) => typeof (a as { questionId?: unknown } | null)?.questionId === 'string')) {
    const parts = (value as { questionId: string; answer?: unknown }[]).map((a) => ({ id: a.questionId, ...(typeof a.answer === 'string' ? { characters: a.answer.length } : {}) }));
    return [field(name, parts)];
  }
  if (!isRecord(value)) return undefined;
  if (name === 'findings') return [field(name, findingParts(value))];
  if (name === 'conclusions' || name === 'lessonsLearned') {
    return [field(name, LANGUAGES.filter((l) => Array.isArray(value[l])).map((language) => ({ language, paragraphs: (value[language] as unknown[]).length })))];
  }
  if (name === 'vendors' && Object.values(value).every(isRecord)) {
    const summaries: DetailPart[] = [];
    const findings: DetailPart[] = [];
    const observations: DetailPart[] = [];
    for (const [vendorId, text] of Object.entries(value as Record<string, Record<string, unknown>>)) {
      if (text.summary !== undefined) summaries.push({ id: vendorId, languages: languagesOf(text.summary) });
      if (isRecord(text.findings)) findings.push(...findingParts(text.findings).map((part) => ({ id: vendorId, ...part })));
      if (isRecord(text.demonstrations)) for (const [id, observation] of Object.entries(text.demonstrations)) observations.push({ id: `${vendorId} ${id}`, languages: languagesOf(observation) });
    }
    const fields = [field('vendorSummary', summaries), field('vendorFindings', findings), field('demonstrationObservations', observations)];
    return fields.filter((f) => f.parts.length);
  }
  return undefined;
}

/**
 * Pairs each deadline extension done with the message that confirmed it to the vendor. The request's
 * result names that message's step (`DeadlineExtended`). A result recorded before it did names none:
 * the handler then scheduled the message and completed the request in one workflow task, so the pair
 * is in the same task, and two such in one task were confirmed in the order they completed.
 */
class ExtensionConfirmations {
  /** Confirmations no request has claimed yet, by step, with what each said. */
  private readonly unclaimed = new Map<string, unknown>();
  /** Requests whose result named a step not scheduled yet. */
  private readonly awaiting = new Map<string, AuditEvent>();
  /** In the workflow task being read: the steps it scheduled, and the requests it completed naming none, still unpaired. */
  private taskSteps: string[] = [];
  private taskRequests: AuditEvent[] = [];

  /** A new workflow task's commands follow: what the last one left unpaired has no pair in it. */
  taskCompleted(): void {
    this.taskSteps = [];
    this.taskRequests = [];
  }

  scheduled(step: string, details: unknown): void {
    const request = this.awaiting.get(step) ?? this.taskRequests.shift();
    this.awaiting.delete(step);
    if (request) extensionCounted(request, details);
    else {
      this.unclaimed.set(step, details);
      this.taskSteps.push(step);
    }
  }

  done(request: AuditEvent, step: string | undefined): void {
    const claimed = step ?? this.taskSteps.find((s) => this.unclaimed.has(s));
    if (claimed === undefined || !this.unclaimed.has(claimed)) {
      if (step === undefined) this.taskRequests.push(request);
      else this.awaiting.set(step, request);
      return;
    }
    extensionCounted(request, this.unclaimed.get(claimed));
    this.unclaimed.delete(claimed);
    this.taskSteps = this.taskSteps.filter((s) => s !== claimed);
  }
}

/**
 * What the message confirming an extension to the vendor says of it (`details` of a
 * `deadline-extension`), added to the request's row: which deadline moved (a follow-up round, by the
 * round of the questions it lists, else the response), the date counted and the one it replaced.
 */
function extensionCounted(row: AuditEvent, details: unknown): void {
  if (!isRecord(details)) return;
  const fields = [...(row.fields ?? [])];
  const questions = Array.isArray(details.questions) ? (details.questions as { round?: unknown }[]) : [];
  const round = questions.map((q) => q?.round).find((r) => typeof r === 'number');
  if (!fields.some((f) => f.name === 'round')) fields.push(typeof round === 'number' ? { name: 'round', value: round } : { name: 'deadline', value: 'response' });
  if (typeof details.dueDate === 'string') fields.push({ name: 'newDueDate', value: details.dueDate });
  if (typeof details.previousDueDate === 'string') fields.push({ name: 'previousDueDate', value: details.previousDueDate });
  Object.assign(row, { fields, detail: detailOfFields(fields) });
}

/** Findings by principle, each with the languages its assessment was written in. */
function findingParts(findings: Record<string, unknown>): DetailPart[] {
  return Object.entries(findings).map(([principle, finding]) => ({ principle, languages: languagesOf((finding as { assessment?: unknown } | null)?.assessment) }));
}

/** The languages a public text was given in; a lone string (as older histories recorded one) is the officer's English. */
function languagesOf(text: unknown): Language[] {
  if (typeof text === 'string') return text.trim() ? ['en'] : [];
  if (!isRecord(text)) return [];
  return LANGUAGES.filter((l) => typeof text[l] === 'string' && (text[l] as string).trim() !== '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A part in the workflow's codes, for `detail`: `zoom security (en, fr)`, `q1 (57 characters)`. */
function partCodes(part: DetailPart): string {
  const about = [part.languages?.join(', '), part.characters !== undefined ? `${part.characters} characters` : undefined, part.paragraphs !== undefined ? `${part.paragraphs} paragraphs` : undefined].filter(Boolean);
  const head = [part.id, part.principle, part.language].filter(Boolean).join(' ');
  return about.length ? `${head} (${about.join(', ')})`.trim() : head;
}

/** `name: value; …`, in the workflow's own names: a row's `detail` from its fields. */
function detailOfFields(fields: readonly DetailField[]): string {
  return fields.map(({ name, value }) => `${name}: ${String(value)}`).join('; ');
}

function isContact(value: unknown): value is { email: string; name?: unknown } {
  return typeof (value as { email?: unknown } | null)?.email === 'string';
}

/** A contact as a mail header writes one: `Name <address>`, or the address alone. */
function contactText({ email, name }: { email: string; name?: unknown }): string {
  return typeof name === 'string' && name.trim() && name.trim() !== email ? `${name.trim()} <${email}>` : email;
}

function byOf(input: unknown): string | undefined {
  const by = (input as { by?: unknown } | undefined)?.by;
  return typeof by === 'string' && by.trim() ? by.trim() : undefined;
}

function clip(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function searchAttributeValue(payload: Payload): unknown {
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The codec's error, as `code: message`; the report says in words that the content can no longer be read. */
function decryptionError(err: unknown): string {
  const code = (err as { code?: string; name?: string }).code ?? (err as { name?: string }).name ?? 'Error';
  return `${code}: ${(err as Error).message}`;
}

interface DocumentLike {
  name?: string;
  type?: string;
  size?: number;
  sha256: string;
}

/** Document references anywhere in a payload (responses, replies, answers), each once. */
export function documentRefsIn(value: unknown, found = new Map<string, DocumentLike>()): DocumentLike[] {
  if (Array.isArray(value)) for (const item of value) documentRefsIn(item, found);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.sha256 === 'string' && typeof record.name === 'string') {
      found.set(`${record.sha256}:${record.name}`, record as unknown as DocumentLike);
    } else for (const child of Object.values(record)) documentRefsIn(child, found);
  }
  return [...found.values()];
}
