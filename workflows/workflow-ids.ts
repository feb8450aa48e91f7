// Workflow ids are business ids, built and read here only: the payload codec picks a campaign's
// data key from them (crypto-shredding depends on it), mail threads start from them, and the CLI
// names them back to the officer. A format change made here reaches every reader at once.

/** Every workflow a campaign runs, and the campaign (and vendor) its id names. */
export type WorkflowRef =
  | { kind: 'engagement'; campaignId: string; vendorId: string }
  | { kind: 'campaign'; campaignId: string }
  | { kind: 'retention'; campaignId: string }
  | { kind: 'access'; campaignId: string };

export type WorkflowKind = WorkflowRef['kind'];

/** One engagement per campaign and vendor. */
export function engagementWorkflowId(campaignId: string, vendorId: string): string {
  return `engagement:${campaignId}:${vendorId}`;
}

export function campaignWorkflowId(campaignId: string): string {
  return `campaign:${campaignId}`;
}

/** The timer that destroys a campaign's data key once its retention period has passed. */
export function retentionWorkflowId(campaignId: string): string {
  return `retention:${campaignId}`;
}

/**
 * The record of who downloaded which of a campaign's received documents (documentAccess): under the
 * campaign's key, as the documents it names are.
 */
export function documentAccessWorkflowId(campaignId: string): string {
  return `access:${campaignId}`;
}

/**
 * The record of downloads from the holding pen of mail that names no campaign: no campaign's key
 * covers it. A campaign's audit export shows only the downloads of messages an officer gave its
 * engagements; `dossier audit --unsorted` exports it whole.
 */
export const UNSORTED_ACCESS_WORKFLOW_ID = 'access-unsorted';

/** Builds the id of a workflow from what it names. */
export function workflowIdOf(ref: WorkflowRef): string {
  switch (ref.kind) {
    case 'engagement':
      return engagementWorkflowId(ref.campaignId, ref.vendorId);
    case 'campaign':
      return campaignWorkflowId(ref.campaignId);
    case 'retention':
      return retentionWorkflowId(ref.campaignId);
    case 'access':
      return documentAccessWorkflowId(ref.campaignId);
  }
}

const PART = '([a-z0-9][a-z0-9-]*)';
const FORMATS: { kind: WorkflowKind; pattern: RegExp }[] = [
  { kind: 'engagement', pattern: new RegExp(`^engagement:${PART}:${PART}$`) },
  { kind: 'campaign', pattern: new RegExp(`^campaign:${PART}$`) },
  { kind: 'retention', pattern: new RegExp(`^retention:${PART}$`) },
  { kind: 'access', pattern: new RegExp(`^access:${PART}$`) },
];

/**
 * What a workflow id names, or undefined when it is not one of Dossier's (a test's random id).
 * @example parseWorkflowId('engagement:vc-2020:zoom') // { kind: 'engagement', campaignId: 'vc-2020', vendorId: 'zoom' }
 */
export function parseWorkflowId(workflowId: string | undefined): WorkflowRef | undefined {
  if (!workflowId) return undefined;
  for (const { kind, pattern } of FORMATS) {
    const match = pattern.exec(workflowId);
    if (!match) continue;
    return kind === 'engagement' ? { kind, campaignId: match[1], vendorId: match[2] } : { kind, campaignId: match[1] };
  }
  return undefined;
}
