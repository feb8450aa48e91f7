// `dossier list` and `dossier search`: engagements across every campaign, found through Temporal
// visibility and the Dossier search attributes (stage, vendor, campaign, next deadline), so the
// answer costs one indexed query however many cases are open. Visibility lags a second or so.
import { Command, Option } from 'commander';
import { stageAsDecided } from '../../workflows/campaign-rules';
import type { CampaignBoard } from '../../workflows/messages';
import { errorCode } from '../../workflows/errors';
import { DECIDED_STAGES, ENGAGEMENT_STAGES, type DecidedStage, type EngagementStage, type OpenCaseAction } from '../../workflows/types';
import type { EngagementRef, EngagementSummary } from '../api';
import { cliWords, type CliWords } from '../cli-words';
import { ClientErrorCode } from '../errors';
import { table } from '../output';
import { withContext, type CommandContext, type Session } from './context';

interface ListOptions {
  campaign?: string;
  vendor?: string;
  stage?: EngagementStage | DecidedStage;
  overdue?: boolean;
  all?: boolean;
  limit: number;
}

export function listCommand(session: Session): Command {
  return new Command('list')
    .option('--campaign <id>')
    .option('--vendor <id>')
    // The board's stages too: a case the lead closed or excluded is recorded withdrawn, and found so.
    .addOption(new Option('--stage <stage>').choices([...ENGAGEMENT_STAGES, ...DECIDED_STAGES]))
    .option('--overdue')
    .option('--all')
    .option('--limit <n>', '', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 200)
    .action(
      withContext(session, async (ctx, options: ListOptions) => {
        const decidedStage = DECIDED_STAGES.find((stage) => stage === options.stage);
        const found = await (await ctx.dossier()).findEngagements({
          campaign: options.campaign,
          vendor: options.vendor,
          stage: decidedStage ? 'withdrawn' : (options.stage as EngagementStage | undefined),
          overdue: options.overdue,
          running: !options.all,
          limit: options.limit,
        });
        const campaigns = await ctx.campaigns();
        const needsDecisions = !ctx.out.json || decidedStage !== undefined;
        const decided = needsDecisions ? await withDecidedStages(found, (id) => campaigns.board(id, { timeoutMs: BOARD_TIMEOUT_MS })) : { engagements: found, unread: [] };
        const kept = decidedStage ? found.filter((_, i) => decided.engagements[i]!.stage === decidedStage) : found;
        // --json keeps the stage as recorded, which scripts filter on (`--stage withdrawn`); people read the lead's decision.
        const sorted = inStableOrder(ctx.out.json ? kept : decidedStage ? decided.engagements.filter((e) => e.stage === decidedStage) : decided.engagements);
        const zones = await zonesToShow(ctx, sorted);
        ctx.out.result(sorted, () => renderSummaries(sorted, Date.now(), ctx.words, zones, { runningOnly: !options.all }));
        if (decided.unread.length) ctx.out.note(ctx.words.say('list.stages-unread', { campaigns: decided.unread.join(', ') }));
      }),
    );
}

/** How long the list waits for one campaign's board before showing its withdrawn engagements as visibility has them. */
const BOARD_TIMEOUT_MS = 5_000;

/** Why a campaign may not answer and the list still be shown: its worker is down, or the server did not answer in time. */
const UNANSWERED = new Set<string>([ClientErrorCode.NoWorker, ClientErrorCode.ServerUnreachable]);
/**
 * Why a campaign has no decision to read, its engagements' stages then being as recorded: it has no
 * workflow (engagements started one by one), or it was shredded (which must not fail every list that meets it).
 */
const UNDECIDED = new Set<string>([ClientErrorCode.NotFound, 'KeyShredded']);

/**
 * The engagements with the stage a reader is shown: a withdrawn one its campaign's lead closed or
 * excluded at drafting reads so (`stageAsDecided`), in the order given. Asks each campaign that has a
 * withdrawn engagement listed, once; one that does not answer (its worker down) leaves them as
 * visibility lists them and is named in `unread`, so the reader is told; one with no decision to read
 * (no campaign workflow, or shredded) leaves them so too. Any other failure (no master key to read
 * the campaign) is thrown: the list would otherwise call every decided case withdrawn.
 */
export async function withDecidedStages(
  found: EngagementSummary[],
  boardOf: (campaignId: string) => Promise<Pick<CampaignBoard, 'endedByLead'>>,
): Promise<{ engagements: EngagementSummary[]; unread: string[] }> {
  const campaignIds = [...new Set(found.filter((e) => e.stage === 'withdrawn' && e.campaignId !== undefined).map((e) => e.campaignId!))];
  const decided = new Map<string, Record<string, OpenCaseAction>>();
  const unread: string[] = [];
  await Promise.all(
    campaignIds.map(async (id) => {
      try {
        decided.set(id, (await boardOf(id)).endedByLead ?? {});
      } catch (err) {
        const code = errorCode(err) ?? '';
        if (UNDECIDED.has(code)) return;
        if (!UNANSWERED.has(code)) throw err;
        unread.push(id);
      }
    }),
  );
  const engagements = found.map((e) => {
    const action = e.campaignId !== undefined && e.vendorId !== undefined ? decided.get(e.campaignId)?.[e.vendorId] : undefined;
    return action ? { ...e, stage: stageAsDecided(e.stage, action) } : e;
  });
  return { engagements, unread: unread.sort() };
}

export function searchCommand(session: Session): Command {
  return new Command('search')
    .argument('<query>')
    .option('--limit <n>', '', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 200)
    .action(
      withContext(session, async (ctx, query: string, options: { limit: number }) => {
        const found = inStableOrder(await (await ctx.dossier()).search(query, options.limit));
        const zones = await zonesToShow(ctx, found);
        ctx.out.result(found, () => renderSummaries(found, Date.now(), ctx.words, zones));
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

/**
 * The zone of each campaign whose engagements show a deadline (`campaignTimeZone`, its lead
 * authority's), by campaign id: a list across campaigns shows each deadline as the day its own letter
 * gave. Read once per campaign, from one of its engagements' start (as `engagement show` reads it);
 * none under `--json`, which keeps the instants. A zone that cannot be read is left out: those rows
 * show the UTC instant, which says so.
 */
async function zonesToShow(ctx: CommandContext, found: EngagementSummary[]): Promise<Map<string, string>> {
  const zones = new Map<string, string>();
  if (ctx.out.json) return zones;
  const oneEach = new Map<string, EngagementRef>();
  for (const e of found) if (e.nextDeadline && e.campaignId && e.vendorId && !oneEach.has(e.campaignId)) oneEach.set(e.campaignId, { campaignId: e.campaignId, vendorId: e.vendorId });
  const dossier = await ctx.dossier();
  await Promise.all(
    [...oneEach].map(async ([campaignId, ref]) => {
      const zone = await dossier.campaignTimeZone(ref).catch(() => undefined);
      if (zone !== undefined) zones.set(campaignId, zone);
    }),
  );
  return zones;
}

/**
 * Vendor ids, as in `campaign status`: the id is what every other command takes. `zones`: each
 * campaign's zone, in which its next deadlines show as days (`zonesToShow`); without one, UTC instants.
 */
export function renderSummaries(
  found: EngagementSummary[],
  now = Date.now(),
  words: CliWords = cliWords('en'),
  zones: ReadonlyMap<string, string> = new Map(),
  { runningOnly = false }: { runningOnly?: boolean } = {},
): string {
  // Running ones only (`list` without --all): a case that ended is often the one looked for.
  if (!found.length) return words.say(runningOnly ? 'list.none-running' : 'list.none');
  return table(
    words.headings('campaign', 'vendor', 'stage', 'next-deadline', 'status', 'engagement'),
    found.map((e) => [e.campaignId, e.vendorId, words.code('stage', e.stage), words.deadline(e.nextDeadline, now, e.campaignId === undefined ? undefined : zones.get(e.campaignId)), words.executionStatus(e.executionStatus), e.workflowId]),
  );
}
