// `dossier statement …`: the joint statement of a campaign. The lead drafts it (or the campaign does
// once every engagement has ended) and sets its conclusions; each co-signatory approves the version
// it read or sends it back; once approved the campaign renders and publishes it on its own, and
// `publication` shows (or waits for) that publication.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import type { CampaignStatus, CampaignUpdated } from '../../workflows/messages';
import { ClientErrorCode, DossierClientError, invalidInput } from '../errors';
import { fields, section, table, when } from '../output';
import { positiveInt, withContext, type CommandContext, type Session } from './context';
import { readConclusionsFile, readOpenCasesFile, readStatementTextFile } from './input-files';
import { campaignWorkflowId } from '../../workflows/workflow-ids';

const POLL_MS = 1_000;
const DRAFT_WAIT_MS = 60_000;

/**
 * The first version goes out on its own once every engagement has ended and no text is missing
 * (the campaign drafts it on its next turn): after the edit that wrote the last text, the
 * authorities it went to; undefined when the edit left it to the lead's `statement draft`.
 */
async function firstVersionOnItsOwn(campaigns: Awaited<ReturnType<CommandContext['campaigns']>>, campaignId: string, updated: CampaignUpdated): Promise<string[] | undefined> {
  const blocked = updated.draft || updated.published || (updated.missingTextCount ?? updated.missingTexts?.length ?? 0) > 0 || updated.statementTooLarge;
  if (blocked) return undefined;
  const deadline = Date.now() + 5_000;
  for (;;) {
    const status = await campaigns.status(campaignId);
    if (status.draft) return status.draft.pending;
    // Engagements still under way: the lead submits the first version (settling them), or waits.
    if (status.engagements.some((e) => e.state === 'in-progress') || Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, POLL_MS / 4));
  }
}

export function statementCommands(session: Session): Command {
  const group = new Command('statement').description("the joint statement: draft status, an authority's approval or change request, publication");

  group
    .command('status')
    .description('the current draft: version, approvals, pending authorities, change requests, published files')
    .argument('<campaign>', 'campaign id')
    .action(
      withContext(session, async (ctx, campaignId: string) => {
        const campaigns = await ctx.campaigns();
        const [status, draft] = await Promise.all([campaigns.status(campaignId), campaigns.statement(campaignId)]);
        ctx.out.result({ status, draft }, () => {
          const parts = [renderStatementStatus(status, (path) => ctx.published(path))];
          if (draft) {
            parts.push(
              section('Vendors in this version', table(['vendor', 'stage'], draft.vendors.map((v) => [v.vendorName, v.stage]))),
            );
          }
          return parts.join('\n');
        });
      }),
    );

  group
    .command('draft')
    .description('submit the statement: the next version goes out for approval (refused while a text is missing or an engagement is open)')
    .argument('<campaign>', 'campaign id')
    .option('--open-cases <file>', 'YAML or JSON: close or exclude each engagement still open, with a reason in en and fr (docs/input-files.md)')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { openCases?: string }) => {
        const openCases = options.openCases ? readOpenCasesFile(options.openCases) : undefined;
        const campaigns = await ctx.campaigns();
        const before = (await campaigns.status(campaignId)).draft?.version ?? 0;
        let status: CampaignUpdated = await campaigns.draftStatement(campaignId, ctx.officer, openCases);
        // The update only asks: the campaign renders the version and mails it in its own next
        // step, a moment later. Wait for that version so the officer can name it.
        const deadline = Date.now() + DRAFT_WAIT_MS;
        while ((status.draft?.version ?? 0) <= before && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, POLL_MS / 2));
          status = await campaigns.status(campaignId);
        }
        ctx.out.result(status, () =>
          status.draft && status.draft.version > before
            ? `Draft version ${status.draft.version} goes out for approval to ${status.draft.pending.join(', ') || 'nobody (every approval carried over)'}.`
            : 'The draft was submitted; `dossier statement status` shows the version once it is out.',
        );
      }),
    );

  group
    .command('edit')
    .description(
      "edit the statement's public text (summaries, findings, observations, conclusions); a version goes out when the lead submits it with `statement draft`, or, the first one, on its own once every engagement has ended and no text is missing",
    )
    .argument('<campaign>', 'campaign id')
    .requiredOption('--file <file>', 'YAML or JSON: the texts to change, each in en and fr (docs/input-files.md, "Statement text")')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { file: string }) => {
        const edit = readStatementTextFile(options.file);
        const campaigns = await ctx.campaigns();
        const status = await campaigns.editStatement(campaignId, { by: ctx.officer, ...edit });
        const firstOut = await firstVersionOnItsOwn(campaigns, campaignId, status);
        ctx.out.result(status, () => {
          if (firstOut) return `Statement text updated; it was the last text missing, so version 1 went out for approval to ${firstOut.join(', ') || 'nobody'}.`;
          const missing = status.missingTextCount ?? status.missingTexts?.length ?? 0;
          const next = status.draft ? `submit version ${status.draft.version + 1} with \`dossier statement draft ${campaignId}\`` : `submit it with \`dossier statement draft ${campaignId}\``;
          const blocked = missing ? `${missing} text(s) still missing (\`dossier statement status\` lists them)` : status.statementTooLarge;
          return `Statement text updated; ${blocked ?? next}.`;
        });
      }),
    );

  group
    .command('conclusions')
    .description("set the statement's conclusions and lessons learned (a new draft version if one is out)")
    .argument('<campaign>', 'campaign id')
    .requiredOption('--file <file>', 'YAML or JSON: conclusions and lessonsLearned, each with en and fr paragraph lists')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { file: string }) => {
        const text = readConclusionsFile(options.file);
        const campaigns = await ctx.campaigns();
        const status = await campaigns.setConclusions(campaignId, { by: ctx.officer, ...text });
        const firstOut = await firstVersionOnItsOwn(campaigns, campaignId, status);
        ctx.out.result(status, () =>
          firstOut
            ? `Conclusions set; they were the last text missing, so version 1 went out for approval to ${firstOut.join(', ') || 'nobody'}.`
            : `Conclusions set; they go out with the next version the lead submits (\`dossier statement draft ${campaignId}\`).`,
        );
      }),
    );

  group
    .command('approve')
    .description('approve a draft version on behalf of a signatory authority')
    .argument('<campaign>', 'campaign id')
    .requiredOption('--authority <id>', 'the approving authority (its id in the campaign file)')
    .requiredOption('--version <n>', 'the draft version the authority read', wholeNumber('--version'))
    .action(
      withContext(session, async (ctx, campaignId: string, options: { authority: string; version: number }) => {
        const status = await (await ctx.campaigns()).approve(campaignId, { by: ctx.officer, authorityId: options.authority, version: options.version });
        // While the version is sent back for changes (revising), approvals of it do not publish it.
        const complete = status.phase === 'approving' && status.draft !== undefined && status.draft.approvals.length >= status.draft.required;
        ctx.out.result(status, () =>
          renderStatementStatus(status) +
            (complete ? `\nEvery approval is in: the statement is being published (dossier statement publication ${campaignId} --wait).` : ''),
        );
      }),
    );

  group
    .command('request-changes')
    .description('send a draft version back with a comment, on behalf of a signatory authority')
    .argument('<campaign>', 'campaign id')
    .requiredOption('--authority <id>', 'the authority asking for changes')
    .requiredOption('--version <n>', 'the draft version the authority read', wholeNumber('--version'))
    .requiredOption('--comment <text>', 'what should change')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { authority: string; version: number; comment: string }) => {
        const status = await (await ctx.campaigns()).requestChanges(campaignId, {
          by: ctx.officer,
          authorityId: options.authority,
          version: options.version,
          comment: options.comment,
        });
        ctx.out.result(status, () =>
          status.phase === 'revising'
            ? `Changes requested: version ${options.version} goes back to the lead, who edits the text and submits the next version.`
            : `Changes requested; draft version ${status.draft?.version ?? '?'} goes out for approval.`,
        );
      }),
    );

  // Publication itself is the campaign's own step once the approvals are in; this command shows it
  // (hence its name), waiting for it with --wait.
  group
    .command('publication')
    .description('show where the published statement is; says what is missing (or, with --wait, waits) until it is published')
    .argument('<campaign>', 'campaign id')
    .option('--wait', 'wait until the statement is published')
    .option('--timeout <seconds>', 'how long --wait waits', positiveInt('--timeout'), 300)
    .action(
      withContext(session, async (ctx, campaignId: string, options: { wait?: boolean; timeout: number }) => {
        const campaigns = await ctx.campaigns();
        const deadline = Date.now() + options.timeout * 1000;
        let status = await campaigns.status(campaignId);
        // Publishing follows the last approval within seconds (rendering and mail); wait for that
        // even without --wait, but not for authorities that have yet to answer.
        while (!status.published && (options.wait || status.phase === 'publishing') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, POLL_MS));
          status = await campaigns.status(campaignId);
        }
        if (!status.published) throw notPublished(status);
        const published = { ...status.published, files: absoluteFiles(ctx, status.published.files) };
        ctx.out.result(published, () =>
          fields([
            ['campaign', campaignWorkflowId(campaignId)],
            ['version', published.version],
            ['published', when(published.publishedAt)],
            ...Object.entries(published.files).map(([language, file]): [string, string] => [`statement (${language})`, file]),
          ]),
        );
      }),
    );

  // With workers on several hosts the files are in the shared store, not on the officer's disk:
  // this reads them through it (PostgreSQL or the local output folder alike).
  group
    .command('download')
    .description('save a copy of the published statement (read from the shared store) to a file')
    .argument('<campaign>', 'campaign id')
    .option('--language <language>', 'en or fr', 'en')
    .option('--output <file>', 'where to save it (default: its own name in the current folder); never overwrites')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { language: string; output?: string }) => {
        const status = await (await ctx.campaigns()).status(campaignId);
        if (!status.published) throw notPublished(status);
        const path = (status.published.files as Record<string, string>)[options.language];
        if (!path) throw invalidInput(`--language: "${options.language}" is not one of ${Object.keys(status.published.files).join(', ')}`);
        const bytes = await ctx.store().files.read(path);
        if (!bytes) {
          throw new DossierClientError(ClientErrorCode.NotFound, `${path} is not in the store (${ctx.store().describe()}): point DATABASE_URL (or DOSSIER_OUTPUT_DIR) where the workers publish`);
        }
        const target = resolve(options.output ?? basename(path));
        if (existsSync(target)) throw invalidInput(`--output: ${target} already exists; name another file`);
        writeFileSync(target, bytes, { flag: 'wx' });
        ctx.out.result({ campaignId, language: options.language, path, file: target, size: bytes.length }, () => `Saved ${path} (${bytes.length} bytes) to ${target}.`);
      }),
    );

  return group;
}

function notPublished(status: CampaignStatus): DossierClientError {
  const why =
    status.phase === 'engaging'
      ? 'the statement has not been drafted yet (engagements are in progress; `dossier statement draft` drafts it now)'
      : status.phase === 'approving' && status.draft
        ? `draft version ${status.draft.version} awaits approval from ${status.draft.pending.join(', ') || 'nobody'} (${status.draft.approvals.length}/${status.draft.required} approvals)`
        : `the statement is ${status.phase}`;
  return new DossierClientError(ClientErrorCode.Refused, `${status.workflowId} is not published: ${why}`);
}

function absoluteFiles<T extends Record<string, string>>(ctx: CommandContext, files: T): T {
  return Object.fromEntries(Object.entries(files).map(([language, path]) => [language, ctx.published(path)])) as T;
}

export function renderStatementStatus(status: CampaignUpdated, published: (path: string) => string = (path) => path): string {
  const draft = status.draft;
  const parts = [
    fields([
      ['campaign', `${status.campaignId} (${status.reference})`],
      ['phase', status.phase],
      ['conclusions', status.conclusionsSet ? 'set' : 'not set yet'],
      ['draft', draft ? `version ${draft.version} of ${draft.date}` : 'not drafted'],
      ['approvals', draft ? `${draft.approvals.length} of ${draft.required} needed` : '—'],
      ['waiting for', draft?.pending.join(', ')],
      ['published', status.published ? `${when(status.published.publishedAt)}: ${Object.values(status.published.files).map(published).join(', ')}` : '—'],
    ]),
  ];
  if (draft?.approvals.length) {
    parts.push(
      section('Approvals', table(['authority', 'version', 'by', 'at'], draft.approvals.map((a) => [a.authorityId, a.version ?? draft.version, a.by, when(a.at)]))),
    );
  }
  if (status.openCases?.length) {
    parts.push(section('Open engagements settled at drafting', table(['vendor', 'action', 'reason (en)'], status.openCases.map((d) => [d.vendorId, d.action, d.reason.en]))));
  }
  if (status.missingTexts?.length) {
    parts.push(section('Texts still missing (the next version is refused until they are written)', status.missingTexts.map((t) => `- ${t}`).join('\n')));
  }
  // The full status lists the engagements: before the first version, those still open hold it up.
  const open = 'engagements' in status && !draft ? (status as CampaignStatus).engagements.filter((e) => e.state === 'in-progress').map((e) => e.vendorId) : [];
  if (open.length) {
    parts.push(
      section(
        'Engagements still open (version 1 goes out on its own once they end; `statement draft --open-cases <file>` settles them now)',
        open.join(', '),
      ),
    );
  }
  if (status.statementTooLarge) parts.push(section('Too long to go out (the next version is refused until it is shorter)', status.statementTooLarge));
  if (status.draftUnprintable) {
    parts.push(section(`Version ${status.draftUnprintable.version} could not be printed (nobody can approve it; submit a new version)`, status.draftUnprintable.error));
  }
  if (status.unsubmittedEdits) parts.push('The lead has edited the text since the current version: it goes out with the next `statement draft`.');
  if (status.changeRequests.length) {
    parts.push(
      section(
        'Change requests',
        table(['version', 'authority', 'by', 'at', 'comment'], status.changeRequests.map((c) => [c.version, c.authorityId, c.by, when(c.at), c.comment])),
      ),
    );
  }
  return parts.join('\n');
}

function wholeNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw invalidInput(`${option}: "${value}" is not a version number (1, 2, …)`);
    return n;
  };
}
