// What can go wrong for a case officer at the command line, one class per failure, each named by a
// string code (the web page and scripts test `code`, not `instanceof`) and each message saying what
// to do. `fromTemporal` turns the SDK's errors into these, so no caller sees a gRPC status.
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { DossierError } from '../workflows/errors';
import type { RefusalDetails } from '../workflows/refusals';

export const ClientErrorCode = {
  NotFound: 'NotFound',
  Refused: 'Refused',
  AlreadyStarted: 'AlreadyStarted',
  InvalidFile: 'InvalidFile',
  InvalidInput: 'InvalidInput',
  ServerUnreachable: 'ServerUnreachable',
  /** The server is up but no worker polls the task queue: queries and updates would wait. */
  NoWorker: 'NoWorker',
  Configuration: 'Configuration',
  /** Someone else's request on the same thing is under way: try again once it has finished. */
  Busy: 'Busy',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class DossierClientError extends DossierError<ClientErrorCode> {
  /** A refusal's code and values where the client words it itself; a workflow's ride in `cause` (refusalDetails). */
  readonly refusal?: RefusalDetails;
  /** A refusal's parts, so a front end can word it in its reader's language: what was refused and why (as given). */
  readonly refused?: { what: string; reason: string };
  /** Which sentence the message is and the values it names, so a front end can say it in its reader's language (the CLI: `error.<key>`). */
  readonly wording?: ErrorWording;
  /** What the officer can do instead, which a front end words after the error (the CLI: `error.then.<key>`). */
  readonly then?: ErrorWording;

  constructor(
    code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown; refusal?: RefusalDetails; refused?: { what: string; reason: string }; wording?: ErrorWording; then?: ErrorWording },
  ) {
    super(code, message, options);
    if (options?.refusal) this.refusal = options.refusal;
    if (options?.refused) this.refused = options.refused;
    if (options?.wording) this.wording = options.wording;
    if (options?.then) this.then = options.then;
  }
}

export interface ErrorWording {
  key: string;
  values: Record<string, string>;
}

/** No workflow with that ID (never started, or a typo in the campaign or vendor). */
export function notFound(what: string, cause?: unknown): DossierClientError {
  return new DossierClientError(ClientErrorCode.NotFound, `${what} does not exist (check the campaign and vendor ids)`, { cause, refusal: { refusal: 'not-found', values: { id: what } } });
}

/**
 * Why an update to a workflow that has finished is refused. One constant, so the web workspace can
 * word it in the reader's language (web/refusals.ts) without matching a copy of the sentence.
 */
export const ENDED_REASON = 'it has ended and accepts no more requests';

/** The workflow's validator turned the request down; its reason is the message. */
export function refused(what: string, reason: string, cause?: unknown, refusal?: RefusalDetails): DossierClientError {
  return new DossierClientError(ClientErrorCode.Refused, `${what} refused: ${reason}`, { cause, refused: { what, reason }, ...(refusal ? { refusal } : {}) });
}

/** A file given on the command line is missing, unreadable or does not have the expected shape. */
export function invalidFile(file: string, problem: string, cause?: unknown): DossierClientError {
  return new DossierClientError(ClientErrorCode.InvalidFile, `${file}: ${problem}`, { cause });
}

export function invalidInput(problem: string): DossierClientError {
  return new DossierClientError(ClientErrorCode.InvalidInput, problem);
}

/**
 * Another campaign's files go to the publication folder this campaign's file names: its statement
 * would be written over theirs (a folder's files do not name their campaign).
 */
export function folderTaken(folder: string, campaign: string): DossierClientError {
  const values = { folder, campaign };
  return new DossierClientError(
    ClientErrorCode.AlreadyStarted,
    `the publication folder "${folder}" belongs to campaign ${campaign}: give this campaign a folder of its own (publication.folder in its file)`,
    { refusal: { refusal: 'folder-taken', values }, wording: { key: 'folder-taken', values } },
  );
}

export function serverUnreachable(address: string, cause?: unknown): DossierClientError {
  return new DossierClientError(
    ClientErrorCode.ServerUnreachable,
    `cannot reach the Temporal server at ${address}: start the embedded one with \`npm start\`, ` +
      'or set TEMPORAL_ADDRESS (or TEMPORAL_PROFILE) to a running cluster',
    { cause, wording: { key: 'server-unreachable', values: { address } } },
  );
}

/** The namespace the client is configured with does not exist on the server it reached. */
export function namespaceNotFound(namespace: string, address: string, cause?: unknown): DossierClientError {
  return new DossierClientError(
    ClientErrorCode.Configuration,
    `the Temporal namespace "${namespace}" does not exist on the server at ${address}: set TEMPORAL_NAMESPACE ` +
      '(or the namespace of the TEMPORAL_PROFILE profile) to the one the workers use, or create it on the server',
    { cause, wording: { key: 'namespace-not-found', values: { namespace, address } } },
  );
}

/**
 * Translates an error from the Temporal client. `what` names the workflow for the officer, e.g.
 * `engagement engagement:vc-2020:zoom`; `address` is the server, for connection failures.
 */
export function fromTemporal(err: unknown, what: string, address: string): unknown {
  if (err instanceof DossierClientError) return err;
  const namespace = missingNamespace(err);
  if (namespace !== undefined) return namespaceNotFound(namespace, address, err);
  // The server answers an update to a finished workflow with NotFound too; it does exist.
  if (err instanceof WorkflowNotFoundError && /already completed/i.test(err.message)) {
    return refused(what, ENDED_REASON, err, { refusal: 'ended', values: {} });
  }
  if (err instanceof WorkflowNotFoundError) return notFound(what, err);
  if (err instanceof WorkflowUpdateFailedError) return refused(what, err.cause?.message ?? err.message, err);
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new DossierClientError(ClientErrorCode.AlreadyStarted, `${what} already exists`, { cause: err, refusal: { refusal: 'already-exists', values: { id: what } } });
  }
  if (isUnavailable(err)) return serverUnreachable(address, err);
  return err;
}

// The SDK's NamespaceNotFoundError on most calls; on a bare gRPC call (visibility, history) or a
// ServiceError wrapping one, status 5 (NOT_FOUND) whose details name the namespace.
function missingNamespace(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof NamespaceNotFoundError || e.name === 'NamespaceNotFoundError') return (e as NamespaceNotFoundError).namespace;
    const { code, details } = e as { code?: unknown; details?: unknown };
    const named = code === 5 && typeof details === 'string' ? /^Namespace (\S+) is not found\.?$/i.exec(details.trim()) : null;
    if (named) return named[1];
  }
  return undefined;
}

// gRPC status 14 (UNAVAILABLE) or 4 (DEADLINE_EXCEEDED) on a call: the server went away after we
// connected, or never answered.
function isUnavailable(err: unknown): boolean {
  if (!(err instanceof ServiceError)) return false;
  const code = (err.cause as { code?: number } | undefined)?.code;
  return code === 14 || code === 4;
}
