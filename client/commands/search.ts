// `dossier list` and `dossier search`: engagements across every campaign, found through Temporal
// visibility and the Dossier search attributes (stage, vendor, campaign, next deadline), so the
// answer costs one indexed query however many cases are open. Visibility lags a second or so.
import { Command, Option } from 'commander';
import { ENGAGEMENT_STAGES, type EngagementStage } from '../../workflows/types';
import type { EngagementSummary } from '../api';
import { cliWords, type CliWords } from '../cli-words';
import { table } from '../output';
import { withContext, type Session } from './context';

interface ListOptions {
  campaign?: string;
  vendor?: string;
  stage?: EngagementStage;
  overdue?: boolean;
  all?: boolean;
  limit: number;
}

export function listCommand(session: Session): Command {
  return new Command('list')
    .description('engagements across campaigns, by campaign, vendor, stage, or overdue (next deadline passed)')
    .option('--campaign <id>', 'only this campaign')
    .option('--vendor <id>', "only this vendor's engagements, in every campaign")
    .addOption(new Option('--stage <stage>', 'only engagements at this stage').choices(ENGAGEMENT_STAGES))
    .option('--overdue', 'only running engagements whose next deadline has passed')
    .option('--all', 'include engagements that have ended (default: running only)')
    .option('--limit <n>', 'at most this many', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 200)
    .action(
      withContext(session, async (ctx, options: ListOptions) => {
        const found = await (await ctx.dossier()).findEngagements({
          campaign: options.campaign,
          vendor: options.vendor,
          stage: options.stage,
          overdue: options.overdue,
          running: !options.all,
          limit: options.limit,
        });
        const sorted = inStableOrder(found);
        ctx.out.result(sorted, () => renderSummaries(sorted, Date.now(), ctx.words));
      }),
    );
}

export function searchCommand(session: Session): Command {
  return new Command('search')
    .description('engagements matching a Temporal visibility query over the Dossier search attributes')
    .argument('<query>', `e.g. "DossierStage = 'follow-up' AND DossierNextDeadline < '2021-01-01T00:00:00Z'"`)
    .option('--limit <n>', 'at most this many', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 200)
    .action(
      withContext(session, async (ctx, query: string, options: { limit: number }) => {
        const found = inStableOrder(await (await ctx.dossier()).search(query, options.limit));
        ctx.out.result(found, () => renderSummaries(found, Date.now(), ctx.words));
      }),
    );
}

/**
 * By campaign, then vendor (the ids the officer types), whatever order visibility returned; a
 * vendor's engagements in several campaigns stay together under each campaign.
 */
export function inStableOrder(found: EngagementSummary[]): EngagementSummary[] {
  const key = (e: EngagementSummary) => `${e.campaignId ?? ''}\u0000${e.vendorId ?? ''}\u0000${e.workflowId}`;
  return [...found].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Vendor ids, as in `campaign status`: the id is what every other command takes. */
export function renderSummaries(found: EngagementSummary[], now = Date.now(), words: CliWords = cliWords('en')): string {
  if (!found.length) return words.say('list.none');
  return table(
    words.headings('campaign', 'vendor', 'stage', 'next-deadline', 'status', 'engagement'),
    found.map((e) => [e.campaignId, e.vendorId, words.code('stage', e.stage), words.deadline(e.nextDeadline, now), words.executionStatus(e.executionStatus), e.workflowId]),
  );
}
