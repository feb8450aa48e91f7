// One publication folder, one campaign. A folder's files do not name their campaign
// (`statement-1.en.pdf`, `letters/zoom.en.pdf`), so a second campaign naming the same folder would
// write over the first's statement. Before a campaign starts, its folder is claimed in the shared
// store: a file whose first writer wins (PublishedFiles.claim), so two hosts starting at once cannot
// both have it, and a folder stays with its campaign for good, as a campaign id does, once the
// campaign has started. A start that claimed the folder and then did not happen gives it back.
// Folders never nest: a campaign file names its folder as an id (one segment, no `/`), and every
// start is checked against that schema before it claims anything.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { listWorkflows, startInputOf } from '../activities/visibility';
import { publishedPath } from '../activities/published-paths';
import type { PublishedFiles } from '../store/types';
import type { CampaignInput } from '../workflows/types';
import { campaignWorkflowId, parseWorkflowId } from '../workflows/workflow-ids';
import { folderTaken } from './errors';

/** The claim's name in the folder: it holds `{ "campaign": "<id>", "start": "<uuid>" }`. */
export const FOLDER_CLAIM_NAME = 'campaign.json';

/** A claim this campaign holds, as its start found or wrote it. */
export interface FolderClaim {
  campaignId: string;
  folder: string;
  path: string;
  /**
   * The bytes this start wrote, when it was the one that wrote the claim; undefined when the claim
   * was there already (a re-run of the start, or another host starting the same campaign at once).
   */
  written?: Buffer;
}

/**
 * Claims `input`'s publication folder for its campaign, or refuses, naming the campaign that holds
 * it. The campaign's own claim (a re-run of its start) passes.
 */
export async function claimPublicationFolder(files: PublishedFiles, client: Client, input: CampaignInput): Promise<FolderClaim> {
  const campaignId = input.campaign.id;
  const folder = publishedPath(input.publication.folder);
  const claimPath = publishedPath(folder, FOLDER_CLAIM_NAME);
  if ((await files.read(claimPath)) === undefined) {
    const earlier = await unclaimedHolder(files, client, folder, claimPath);
    if (earlier !== undefined && earlier !== campaignId) throw folderTaken(folder, earlier);
  }
  // A start's own bytes (its random `start`): of two hosts starting the same campaign at once, only
  // the one whose bytes the folder holds wrote the claim, and only it may give it back.
  const bytes = Buffer.from(JSON.stringify({ campaign: campaignId, start: randomUUID() }));
  const found = await files.claim(claimPath, bytes);
  const held = holderOf(found);
  if (held !== campaignId) throw folderTaken(folder, held ?? claimPath);
  return { campaignId, folder, path: claimPath, ...(found.equals(bytes) ? { written: bytes } : {}) };
}

/**
 * Gives back a claim its start wrote when that start did not happen: the campaign's id names no
 * workflow (Temporal refused the start), or names one that publishes elsewhere (an earlier campaign
 * with this id, REJECT_DUPLICATE). Kept whenever that cannot be told (the server out of reach, the
 * earlier campaign's input unreadable), and always when the claim was there before this start or
 * the campaign with this id publishes to this folder: a folder is never taken from a campaign that
 * started. Returns whether it was given back.
 */
export async function releaseUnstartedClaim(files: PublishedFiles, client: Client, claim: FolderClaim): Promise<boolean> {
  if (!claim.written) return false;
  const workflowId = campaignWorkflowId(claim.campaignId);
  const started = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      async () => {
        const input = await startInputOf<Partial<CampaignInput>>(client, workflowId);
        const named = input?.publication?.folder ?? input?.campaign?.id;
        return named === undefined || publishedPathOrUndefined(named) === claim.folder;
      },
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
  if (started) return false;
  // Only this start writes these bytes, and a claim is never written over: still ours, or gone.
  if (!(await files.read(claim.path))?.equals(claim.written)) return false;
  return files.delete(claim.path);
}

/**
 * The campaign started before folders were claimed that publishes to `folder`. Such a campaign
 * keeps its letter in its folder as it starts, so a folder with no files has no holder, and only a
 * folder with files but no claim is looked for among the campaigns (their first history event).
 */
async function unclaimedHolder(files: PublishedFiles, client: Client, folder: string, claimPath: string): Promise<string | undefined> {
  if ((await files.list(folder)).filter((path) => path !== claimPath).length === 0) return undefined;
  for await (const listed of listWorkflows(client, `WorkflowType = 'campaign'`)) {
    const input = await startInputOf<Partial<CampaignInput>>(client, listed.workflowId).catch(() => undefined);
    const id = input?.campaign?.id ?? parseWorkflowId(listed.workflowId)?.campaignId;
    if (id === undefined) continue;
    const named = input?.publication?.folder ?? id;
    if (publishedPathOrUndefined(named) === folder) return id;
  }
  return undefined;
}

function publishedPathOrUndefined(folder: string): string | undefined {
  try {
    return publishedPath(folder);
  } catch {
    return undefined;
  }
}

function holderOf(bytes: Buffer): string | undefined {
  try {
    const campaign = (JSON.parse(bytes.toString('utf8')) as { campaign?: unknown }).campaign;
    return typeof campaign === 'string' ? campaign : undefined;
  } catch {
    return undefined;
  }
}
