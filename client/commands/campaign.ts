// `dossier campaign …`: start a campaign from its file, follow its engagements, add a vendor, list
// campaigns (a vendor is withdrawn with `engagement withdraw`, the one way). The file is read and
// checked by client/campaign-file.ts (one parser for the CLI, the demo and the workflow's re-check).
import { Command } from 'commander';
import { stageAsDecided } from '../../workflows/campaign-rules';
import type { Vendor } from '../../workflows/types';
import { loadCampaignFile } from '../campaign-file';
import { notMailedText } from '../not-mailed';
import { cliSentence } from '../cli-sentences';
import { cliWords, type CliWords } from '../cli-words';
import type { CampaignOverview } from '../campaign-api';
import { createInterface } from 'node:readline/promises';
import { loadEncryption } from '../../encryption/config';
import { invalidInput } from '../errors';
import { fields, progressBar, section, table } from '../output';
import { deliveryFailuresTable } from './engagement';
import { positiveInt, withContext, type CommandContext, type Session } from './context';
import { readDocument, readVendorFile } from './input-files';
import { MAX_LETTER_COPY_BYTES } from '../letter-copy';
import { campaignWorkflowId } from '../../workflows/workflow-ids';

const POLL_MS = 500;

export function campaignCommands(session: Session): Command {
  const group = new Command('campaign');

  group
    .command('start')
    .requiredOption('--file <file>')
    .option('--no-wait')
    .option('--wait-timeout <seconds>', '', positiveInt('--wait-timeout', session.words), 120)
    .action(
      withContext(session, async (ctx, options: { file: string; wait: boolean; waitTimeout: number }) => {
        const input = loadCampaignFile(options.file);
        const campaignId = input.campaign.id;
        const started = await (await ctx.campaigns()).start(input, { by: ctx.officer });
        const total = input.vendors.length;
        const engagements = options.wait && total > 0 ? await waitForEngagements(ctx, campaignId, total, options.waitTimeout * 1000) : undefined;
        ctx.out.result({ ...started, campaignId, vendors: total, engagementsStarted: engagements }, () =>
          engagements === undefined
            ? ctx.words.sayCount('campaign.started', total, { workflowId: started.workflowId })
            : ctx.words.say('campaign.started-running', { workflowId: started.workflowId, campaignId, total: ctx.words.count(total), running: ctx.words.count(engagements) }),
        );
      }),
    );

  group
    .command('status')
    .argument('<campaign>')
    .action(
      withContext(session, async (ctx, campaignId: string) => {
        const campaigns = await ctx.campaigns();
        // The zone only for people: `--json` keeps the instants, as the API returns them.
        const [overview, timeZone] = await Promise.all([campaigns.overview(campaignId), ctx.out.json ? undefined : campaigns.timeZone(campaignId)]);
        ctx.out.result(overview, () => renderOverview(overview, Date.now(), (path) => ctx.published(path), ctx.words, timeZone));
      }),
    );

  group
    .command('add-vendor')
    .argument('<campaign>')
    .option('--vendor-file <file>')
    .option('--campaign-file <file>')
    .option('--vendor <id>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { vendorFile?: string; campaignFile?: string; vendor?: string }) => {
        const vendor = vendorToAdd(options, ctx.words);
        const added = await (await ctx.campaigns()).addVendor(campaignId, { by: ctx.officer, vendor });
        ctx.out.result(added, () => ctx.words.say('campaign.vendor-added', { vendor: vendor.name, campaign: campaignWorkflowId(campaignId), workflowId: added.workflowId }));
      }),
    );

  group
    .command('file-letter-copy')
    .argument('<campaign>')
    .argument('<vendor>')
    .argument('<file>')
    .action(
      withContext(session, async (ctx, campaignId: string, vendorId: string, file: string) => {
        const pdf = readDocument(file, MAX_LETTER_COPY_BYTES, ctx.words).content;
        const filed = await (await ctx.campaigns()).fileLetterCopy(campaignId, vendorId, pdf);
        ctx.out.result({ campaignId, vendorId, ...filed }, () => ctx.words.say('campaign.letter-copy-filed', { vendor: vendorId, step: filed.step, path: ctx.published(filed.path) }));
      }),
    );

  group
    .command('list')
    .option('--all')
    .action(
      withContext(session, async (ctx, options: { all?: boolean }) => {
        const found = await (await ctx.dossier()).findCampaigns({ all: options.all });
        ctx.out.result(found, () =>
          found.length
            ? table(
                ctx.words.headings('campaign', 'status', 'started', 'ended'),
                found.map((c) => [c.campaignId, ctx.words.executionStatus(c.executionStatus), ctx.words.when(c.startedAt), ctx.words.when(c.closedAt)]),
              )
            : ctx.words.say(options.all ? 'campaign.none' : 'campaign.none-running'),
        );
      }),
    );

  group
    .command('shred')
    .argument('<campaign>')
    .option('--confirm <campaign>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { confirm?: string }) => {
        const { words } = ctx;
        const confirmed = options.confirm ?? (await askToConfirm(campaignId, words));
        if (confirmed !== campaignId) throw invalidInput(words.say('error.shred-not-confirmed', { campaignId }));
        const campaigns = await ctx.campaigns();
        const { keystore } = loadEncryption(ctx.env, ctx.store().keys);
        const { destroyed, documentsRemoved } = await campaigns.shred(campaignId, keystore, ctx.store().documents);
        // Deleting the key leaves its bytes in the store's files until they are rewritten (README).
        let notPurged: string | undefined;
        const purged = await keystore.purgeShredded().catch((err: unknown) => {
          ctx.fellShort();
          notPurged = (err as Error).message;
          return `the deleted key's leftovers were NOT purged (${notPurged}); run VACUUM FULL wrapped_keys as the table's owner`;
        });
        ctx.out.result({ campaignId, destroyed, documentsRemoved, purged, leaves: SHREDDING_LEAVES.map((what) => cliSentence('en', `shred.leaves.${what}`)) }, () =>
          [
            words.say(destroyed ? 'shred.destroyed' : 'shred.already-destroyed', { campaignId }),
            ...(documentsRemoved ? [words.sayCount('shred.documents-removed', documentsRemoved)] : []),
            notPurged === undefined ? words.say(`shred.purged.${ctx.store().kind}`) : words.say('shred.not-purged', { error: notPurged }),
            words.say('shred.leaves'),
            ...SHREDDING_LEAVES.map((what) => `  - ${words.say(`shred.leaves.${what}`)}`),
          ].join('\n'),
        );
      }),
    );

  return group;
}

/**
 * What destroying a campaign's key does not reach: the officer must know to delete it by other means.
 * Each is `shred.leaves.<name>` in templates/cli.yaml; `--json` lists them in English, as before.
 */
const SHREDDING_LEAVES = ['published-files', 'mail-copies', 'temporal-plaintext', 'key-copies'] as const;

/** Asks on the terminal; without one (a script, CI) there is nobody to ask, so nothing is confirmed. */
async function askToConfirm(campaignId: string, words: CliWords): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(words.say('shred.confirm', { campaignId }))).trim();
  } finally {
    rl.close();
  }
}

/**
 * Waits until every engagement of a new campaign is running, ticking a bar as each starts. The
 * count comes from visibility (each engagement publishes its campaign as a search attribute), one
 * cheap query per poll however large the campaign; the campaign status query confirms the total.
 */
async function waitForEngagements(ctx: CommandContext, campaignId: string, total: number, timeoutMs: number): Promise<number> {
  const dossier = await ctx.dossier();
  const campaigns = await ctx.campaigns();
  const bar = progressBar(ctx.words.say('campaign.progress'), total, !ctx.out.json);
  const deadline = Date.now() + timeoutMs;
  let running = 0;
  try {
    for (;;) {
      running = await dossier.countEngagements(campaignId);
      bar.update(running);
      if (running >= total) break;
      if (Date.now() > deadline) {
        const status = await campaigns.status(campaignId);
        ctx.out.note(ctx.words.say('campaign.still-starting', { running: ctx.words.count(running), total: ctx.words.count(status.engagements.length) }));
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    bar.stop();
  }
  return running;
}

function vendorToAdd(options: { vendorFile?: string; campaignFile?: string; vendor?: string }, words: CliWords): Vendor {
  if (options.vendorFile) return readVendorFile(options.vendorFile, words);
  if (options.campaignFile && options.vendor) {
    const input = loadCampaignFile(options.campaignFile);
    const vendor = input.vendors.find((v) => v.id === options.vendor);
    if (!vendor) throw invalidInput(words.say('error.vendor-not-in', { vendor: options.vendor, file: options.campaignFile }));
    return vendor;
  }
  throw invalidInput(words.say('error.which-vendor'));
}

/**
 * `campaign status` for people. `timeZone`: the campaign's (`campaignTimeZone`), in which each next
 * deadline shows as the day its letter gives; without it (not known), as the UTC instant.
 */
export function renderOverview(
  overview: CampaignOverview,
  now = Date.now(),
  published: (path: string) => string = (path) => path,
  words: CliWords = cliWords('en'),
  timeZone?: string,
): string {
  const rows = overview.engagements.map((e) => {
    const live = overview.live[e.vendorId];
    // A withdrawn case the lead closed or excluded at drafting reads so, as on the board.
    const decided = stageAsDecided(e.outcome?.stage, overview.openCases?.find((o) => o.vendorId === e.vendorId)?.action);
    const stage =
      e.state === 'ended'
        ? (words.code('stage', decided) ?? words.say('campaign.engagement-ended'))
        : e.state === 'failed'
          ? words.say('campaign.engagement-failed', { failure: e.failure ?? '' })
          : words.code('stage', live?.stage);
    const sent = live?.remindersSent ?? e.outcome?.remindersSent ?? [];
    // A final notice is not a reminder: it announces closure, so it gets a column of its own.
    const reminders = sent.filter((r) => r.kind === 'reminder').length;
    const finalNotices = sent.filter((r) => r.kind === 'final-notice').length;
    return [e.vendorId, e.vendorName, stage ?? words.say('campaign.engagement-starting'), words.deadline(live?.nextDeadline, now, timeZone), reminders, finalNotices, e.workflowId];
  });
  const parts = [
    fields([
      [words.say('heading.campaign'), `${overview.campaignId} (${overview.reference})`],
      [words.say('heading.phase'), words.code('phase', overview.phase)],
      [
        words.say('heading.statement'),
        overview.draft
          ? words.say('campaign.draft', { version: overview.draft.version, approvals: overview.draft.approvals.length, required: overview.draft.required })
          : words.say('campaign.not-drafted'),
      ],
      [words.say('heading.published'), overview.published ? Object.values(overview.published.files).map(published).join(', ') : '—'],
    ]),
    section(
      words.say('section.engagements'),
      rows.length ? table(words.headings('vendor', 'name', 'stage', 'next-deadline', 'reminders', 'final-notices', 'engagement'), rows) : words.say('campaign.no-engagements'),
    ),
  ];
  const waiting = overview.letterNotKept;
  if (waiting) {
    parts.push(section(words.say('campaign.letter-not-kept.title'), words.say('campaign.letter-not-kept', { error: waiting.error, problem: waiting.problem })));
  }
  if (overview.deliveryFailures.length) {
    parts.push(section(words.say('section.delivery-failures'), deliveryFailuresTable(overview.deliveryFailures, words)));
  }
  const notMailed = overview.statementNotMailed ?? [];
  if (notMailed.length) {
    parts.push(
      section(
        words.shared('statement.not-mailed'),
        table(words.headings('vendor', 'name', 'why'), notMailed.map((v) => [v.vendorId, v.vendorName, notMailedText(v.reason, words.language)])),
      ),
    );
  }
  return parts.join('\n');
}
