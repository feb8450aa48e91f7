// One publication folder, one campaign. A folder's files do not name their campaign
// (`statement-1.en.pdf`, `letters/zoom.en.pdf`), so a second campaign naming the same folder would
// write over the first's statement. Before a campaign starts, its folder is claimed in the shared
// store: a file whose first writer wins (PublishedFiles.claim), so two hosts starting at once cannot
// both have it, and a folder stays with its campaign for good, as a campaign id does.
import type { Client } from '@temporalio/client';
import { listWorkflows, startInputOf } from '../activities/visibility';
import { publishedPath } from '../activities/published-paths';
import type { PublishedFiles } from '../store/types';
import type { CampaignInput } from '../workflows/types';
import { parseWorkflowId } from '../workflows/workflow-ids';
import { folderTaken } from './errors';

/** The claim's name in the folder: it holds `{ "campaign": "<id>" }`. */
export const FOLDER_CLAIM_NAME = 'campaign.json';

/**
 * Claims `input`'s publication folder for its campaign, or refuses, naming the campaign that holds
 * it. The campaign's own claim (a re-run of its start) passes.
 */
export async function claimPublicationFolder(files: PublishedFiles, client: Client, input: CampaignInput): Promise<void> {
  const campaignId = input.campaign.id;
  const folder = publishedPath(input.publication.folder);
  const claimPath = publishedPath(folder, FOLDER_CLAIM_NAME);
  if ((await files.read(claimPath)) === undefined) {
    const earlier = await unclaimedHolder(files, client, folder, claimPath);
    if (earlier !== undefined && earlier !== campaignId) throw folderTaken(folder, earlier);
  }
  const held = holderOf(await files.claim(claimPath, Buffer.from(JSON.stringify({ campaign: campaignId }))));
  if (held !== campaignId) throw folderTaken(folder, held ?? claimPath);
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
