// `dossier statement …`: the joint statement of a campaign. The lead drafts it (or the campaign does
// once every engagement has ended) and sets its conclusions; each co-signatory approves the version
// it read or sends it back; once approved the campaign renders and publishes it on its own, and
// `publication` shows (or waits for) that publication.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { CampaignStatus, CampaignUpdated } from '../../workflows/messages';
import { refusalDetails } from '../../workflows/refusals';
import { AuthorityNames } from '../authority-names';
import { approvalPublishes, statementApproved } from '../campaign-api';
import { cliWords, type CliWords } from '../cli-words';
import { ClientErrorCode, DossierClientError, invalidInput, refused } from '../errors';
import { fields, section, table } from '../output';
import { positiveInt, withContext, type CommandContext, type Session } from './context';
import { readConclusionsFile, readOpenCasesFile, readStatementTextFile } from './input-files';
import { missingTextWords, refusalSentence } from '../refusal-words';
import { actorWords, cliWording } from '../timeline-words';
import { withdrawalReasonIn } from '../withdrawal-reason';
import type { PublicText } from '../../workflows/types';

const POLL_MS = 1_000;
const DRAFT_WAIT_MS = 60_000;

/**
 * The first version goes out on its own once every engagement has ended and no text is missing
 * (the campaign drafts it on its next turn): after the edit that wrote the last text, the status
 * once it went out (its pending authorities are those it went to, named as the campaign names them);
 * undefined when the edit left it to the lead's `statement draft`.
 */
async function firstVersionOnItsOwn(campaigns: Awaited<ReturnType<CommandContext['campaigns']>>, campaignId: string, updated: CampaignUpdated): Promise<CampaignStatus | undefined> {
  const blocked = updated.draft || updated.published || (updated.missingTextCount ?? updated.missingTexts?.length ?? 0) > 0 || updated.statementTooLarge;
  if (blocked) return undefined;
  const deadline = Date.now() + 5_000;
  for (;;) {
    const status = await campaigns.status(campaignId);
    if (status.draft) return status;
    // Engagements still under way: the lead submits the first version (settling them), or waits.
    if (status.engagements.some((e) => e.state === 'in-progress') || Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, POLL_MS / 4));
  }
}

export function statementCommands(session: Session): Command {
  const group = new Command('statement');

  group
    .command('status')
    .argument('<campaign>')
    .action(
      withContext(session, async (ctx, campaignId: string) => {
        const campaigns = await ctx.campaigns();
        const [status, draft] = await Promise.all([campaigns.status(campaignId), campaigns.statement(campaignId)]);
        ctx.out.result({ status, draft }, () => {
          const parts = [renderStatementStatus(status, (path) => ctx.published(path), ctx.words)];
          if (draft) {
            parts.push(
              section(ctx.words.say('statement.vendors'), table(ctx.words.headings('vendor', 'stage'), draft.vendors.map((v) => [v.vendorName, ctx.words.code('stage', v.stage)]))),
            );
          }
          return parts.join('\n');
        });
      }),
    );

  group
    .command('draft')
    .argument('<campaign>')
    .option('--open-cases <file>')
    .option('--confirm-unchanged')
    .option('--answer <text>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { openCases?: string; confirmUnchanged?: boolean; answer?: string }) => {
        const openCases = options.openCases ? readOpenCasesFile(options.openCases, ctx.words) : undefined;
        const campaigns = await ctx.campaigns();
        const before = (await campaigns.status(campaignId)).draft?.version ?? 0;
        let status: CampaignUpdated = await campaigns.draftStatement(campaignId, ctx.officer, openCases, { confirmsUnchanged: options.confirmUnchanged === true, answer: options.answer });
        // The update only asks: the campaign renders the version and mails it in its own next
        // step, a moment later. Wait for that version so the officer can name it.
        const deadline = Date.now() + DRAFT_WAIT_MS;
        while ((status.draft?.version ?? 0) <= before && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, POLL_MS / 2));
          status = await campaigns.status(campaignId);
        }
        ctx.out.result(status, () =>
          status.draft && status.draft.version > before
            ? status.draft.pending.length
              ? ctx.words.say('statement.draft-out', { version: status.draft.version, authorities: namesIn(status, ctx.words).list(status.draft.pending) })
              : ctx.words.say('statement.draft-out-carried', { version: status.draft.version })
            : ctx.words.say('statement.draft-submitted'),
        );
      }),
    );

  group
    .command('edit')
    .argument('<campaign>')
    .requiredOption('--file <file>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { file: string }) => {
        const edit = readStatementTextFile(options.file, ctx.words);
        const campaigns = await ctx.campaigns();
        const status = await campaigns.editStatement(campaignId, { by: ctx.officer, ...edit });
        const firstOut = await firstVersionOnItsOwn(campaigns, campaignId, status);
        ctx.out.result(status, () => {
          const words = ctx.words;
          if (firstOut) return words.say('statement.edited-first-out', { authorities: pendingNamed(firstOut, words) });
          const missing = status.missingTextCount ?? status.missingTexts?.length ?? 0;
          const next = status.draft ? words.say('statement.next-version', { version: status.draft.version + 1, campaignId }) : words.say('statement.next-first', { campaignId });
          const blocked = missing ? words.sayCount('statement.texts-missing', missing) : status.statementTooLarge;
          return words.say('statement.edited', { next: blocked ?? next });
        });
      }),
    );

  group
    .command('conclusions')
    .argument('<campaign>')
    .requiredOption('--file <file>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { file: string }) => {
        const text = readConclusionsFile(options.file, ctx.words);
        const campaigns = await ctx.campaigns();
        const status = await campaigns.setConclusions(campaignId, { by: ctx.officer, ...text });
        const firstOut = await firstVersionOnItsOwn(campaigns, campaignId, status);
        ctx.out.result(status, () =>
          firstOut
            ? ctx.words.say('statement.conclusions-first-out', { authorities: pendingNamed(firstOut, ctx.words) })
            : ctx.words.say('statement.conclusions-set', { campaignId }),
        );
      }),
    );

  group
    .command('approve')
    .argument('<campaign>')
    .requiredOption('--authority <id>')
    .requiredOption('--version <n>', '', wholeNumber('--version', session.words))
    .option('--confirm-publish')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { authority: string; version: number; confirmPublish?: boolean }) => {
        const campaigns = await ctx.campaigns();
        const before = await campaigns.status(campaignId);
        const names = namesIn(before, ctx.words);
        // The last approval needed publishes the statement, for good: said before it is given, and
        // given only confirmed, as the workspace's approve form asks. An approval the campaign will
        // refuse anyway (another version, an authority it does not have) is left for it to refuse.
        const known = before.authorities?.some((a) => a.id === options.authority) ?? true;
        let confirmed = options.confirmPublish === true;
        // The lead's edits saved since this version are not in it: published now, the statement goes out without them.
        const withoutEdits = before.unsubmittedEdits === true;
        const saidWithoutEdits = () => {
          if (withoutEdits) process.stderr.write(`${ctx.words.say('statement.approval-publishes-without-edits', { version: options.version })}\n`);
        };
        if (known && before.draft?.version === options.version && approvalPublishes(before, options.authority)) {
          process.stderr.write(`${ctx.words.say('statement.approval-publishes', { version: options.version, authority: names.inSentence(options.authority) })}\n`);
          saidWithoutEdits();
          if (!confirmed) await confirmPublication(options.version, ctx.words, withoutEdits);
          confirmed = true;
        }
        const approve = (confirmsPublication: boolean) =>
          campaigns
            .approve(campaignId, { by: ctx.officer, authorityId: options.authority, version: options.version, confirmsPublication })
            .catch((err: unknown) => Promise.reject(authoritiesNamed(err, names, ctx.words)));
        const status = await approve(confirmed).catch(async (err: unknown) => {
          // Another authority approved since the status was read: this approval would now publish,
          // and the campaign took nothing. Asked as above, then sent again confirmed.
          const refusal = refusalDetails(err);
          if (confirmed || refusal?.refusal !== 'publication-unconfirmed') throw err;
          process.stderr.write(`${refusalSentence(refusal, ctx.words.language, 'UTC', cliWording(ctx.words)) ?? (err as Error).message}\n`);
          saidWithoutEdits();
          await confirmPublication(options.version, ctx.words, withoutEdits);
          return approve(true);
        });
        // While the version is sent back for changes (revising), approvals of it do not publish it.
        const complete = statementApproved(status);
        ctx.out.result(status, () =>
          renderStatementStatus(status, undefined, ctx.words) + (complete ? `\n${ctx.words.say('statement.all-approved', { campaignId })}` : ''),
        );
      }),
    );

  // Until the campaign signs the statement, an authority may take its approval back (approved by
  // mistake, or its authority changed its mind); the record keeps the approval and the withdrawal.
  group
    .command('withdraw-approval')
    .argument('<campaign>')
    .requiredOption('--authority <id>')
    .requiredOption('--version <n>', '', wholeNumber('--version', session.words))
    .action(
      withContext(session, async (ctx, campaignId: string, options: { authority: string; version: number }) => {
        const campaigns = await ctx.campaigns();
        const status = await campaigns
          .withdrawApproval(campaignId, { by: ctx.officer, authorityId: options.authority, version: options.version })
          .catch(async (err: unknown) => Promise.reject(authoritiesNamed(err, await namesOf(campaigns, campaignId, ctx.words), ctx.words)));
        const authority = namesIn(status, ctx.words).inSentence(options.authority);
        ctx.out.result(status, () => `${ctx.words.say('statement.approval-withdrawn', { authority, version: options.version })}\n${renderStatementStatus(status, undefined, ctx.words)}`);
      }),
    );

  group
    .command('request-changes')
    .argument('<campaign>')
    .requiredOption('--authority <id>')
    .requiredOption('--version <n>', '', wholeNumber('--version', session.words))
    .requiredOption('--comment <text>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { authority: string; version: number; comment: string }) => {
        const campaigns = await ctx.campaigns();
        const status = await campaigns
          .requestChanges(campaignId, {
            by: ctx.officer,
            authorityId: options.authority,
            version: options.version,
            comment: options.comment,
          })
          .catch(async (err: unknown) => Promise.reject(authoritiesNamed(err, await namesOf(campaigns, campaignId, ctx.words), ctx.words)));
        ctx.out.result(status, () =>
          status.phase === 'revising'
            ? ctx.words.say('statement.changes-back', { version: options.version })
            : ctx.words.say('statement.changes-out', { version: status.draft?.version ?? '?' }),
        );
      }),
    );

  // Publication itself is the campaign's own step once the approvals are in; this command shows it
  // (hence its name), waiting for it with --wait.
  group
    .command('publication')
    .argument('<campaign>')
    .option('--wait')
    .option('--timeout <seconds>', '', positiveInt('--timeout', session.words), 300)
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
        if (!status.published) throw notPublished(status, ctx.words);
        const published = { ...status.published, files: absoluteFiles(ctx, status.published.files) };
        ctx.out.result(published, () => publicationFields(status, published, ctx.words));
      }),
    );

  // With workers on several hosts the files are in the shared store, not on the officer's disk:
  // this reads them through it (PostgreSQL or the local output folder alike).
  group
    .command('download')
    .argument('<campaign>')
    .option('--language <language>')
    .option('--output <file>')
    .action(
      withContext(session, async (ctx, campaignId: string, options: { language?: string; output?: string }) => {
        // An officer reading the CLI in French wants the French statement unless they ask otherwise.
        const language = options.language ?? ctx.words.language;
        const status = await (await ctx.campaigns()).status(campaignId);
        if (!status.published) throw notPublished(status, ctx.words);
        const path = (status.published.files as Record<string, string>)[language];
        if (!path) throw invalidInput(ctx.words.say('error.download-language', { value: language, choices: Object.keys(status.published.files).join(', ') }));
        const bytes = await ctx.store().files.read(path);
        if (!bytes) {
          throw new DossierClientError(ClientErrorCode.NotFound, ctx.words.say('error.not-in-store', { path, store: ctx.store().describe() }));
        }
        const target = resolve(options.output ?? basename(path));
        if (existsSync(target)) throw invalidInput(ctx.words.say('error.output-exists', { target }));
        writeFileSync(target, bytes, { flag: 'wx' });
        ctx.out.result({ campaignId, language, path, file: target, size: bytes.length }, () =>
          ctx.words.say('statement.saved', { path, size: ctx.words.count(bytes.length), target }),
        );
      }),
    );

  return group;
}

/** The published statement, its campaign named as `statement status` names it (id and reference), not by its workflow id. */
export function publicationFields(
  status: Pick<CampaignStatus, 'campaignId' | 'reference'>,
  published: { version: number; publishedAt: string; files: Record<string, string> },
  words: CliWords,
): string {
  return fields([
    [words.say('heading.campaign'), `${status.campaignId} (${status.reference})`],
    [words.say('heading.version'), published.version],
    [words.say('heading.published'), words.when(published.publishedAt)],
    ...Object.entries(published.files).map(([language, file]): [string, string] => [words.say('heading.statement-in', { language }), file]),
  ]);
}

/**
 * The lead's reason for closing or excluding an open case, in the reader's language; the other
 * language's only where none was given in it, marked with its language (as the engagement page marks it).
 */
function reasonFor(reason: PublicText, words: CliWords): string {
  const { text, lang } = withdrawalReasonIn(reason.en?.trim() || reason.fr?.trim() || '', reason, words.language);
  return lang && lang !== words.language ? words.say('statement.reason-in-other-language', { text, language: lang }) : text;
}

function notPublished(status: CampaignStatus, words: CliWords): DossierClientError {
  const why =
    status.phase === 'engaging'
      ? words.say('statement.not-drafted-yet')
      : status.phase === 'approving' && status.draft
        ? words.say('statement.awaits-approval', {
            version: status.draft.version,
            authorities: pendingNamed(status, words),
            approvals: status.draft.approvals.length,
            required: status.draft.required,
          })
        : words.say('statement.is-phase', { phase: words.code('phase', status.phase) });
  return new DossierClientError(ClientErrorCode.Refused, words.say('error.not-published', { workflowId: status.workflowId, why }));
}

function absoluteFiles<T extends Record<string, string>>(ctx: CommandContext, files: T): T {
  return Object.fromEntries(Object.entries(files).map(([language, path]) => [language, ctx.published(path)])) as T;
}

/**
 * Whether the conclusions and lessons learned are written: set with `statement conclusions`, or typed in
 * the workspace's editor (which the flag does not follow), as the list of missing texts tells; written in
 * one language only, the languages still missing are named.
 */
function conclusionsState(status: CampaignUpdated, words: CliWords): string {
  if (status.conclusionsSet) return words.say('statement.conclusions.set');
  const list = status.missingTextList;
  // A list cut at its first entries cannot tell that the conclusions are not among those left out.
  if (list === undefined || (status.missingTextCount ?? list.length) > list.length) return words.say('statement.conclusions.not-set');
  const missing = list.filter((m) => m.source === 'conclusions');
  if (missing.length === 0) return words.say('statement.conclusions.set');
  const languages = [...new Set(missing.map((m) => m.language))].sort();
  // Both texts (conclusions, lessons learned) in both languages.
  if (missing.length === 4) return words.say('statement.conclusions.not-set');
  return words.say('statement.conclusions.partly', { languages: languages.join(', ') });
}

export function renderStatementStatus(status: CampaignUpdated, published: (path: string) => string = (path) => path, words: CliWords = cliWords('en')): string {
  const draft = status.draft;
  const names = namesIn(status, words);
  const parts = [
    fields([
      [words.say('heading.campaign'), `${status.campaignId} (${status.reference})`],
      [words.say('heading.phase'), words.code('phase', status.phase)],
      [words.say('heading.conclusions'), conclusionsState(status, words)],
      [words.say('heading.draft'), draft ? words.say('statement.draft-of', { version: draft.version, date: words.when(draft.date) }) : words.say('campaign.not-drafted')],
      [words.say('heading.approvals'), draft ? words.say('statement.approvals-needed', { approvals: draft.approvals.length, required: draft.required }) : '—'],
      [words.say('heading.waiting-for'), draft && names.list(draft.pending)],
      [
        words.say('heading.published'),
        status.published ? words.say('statement.published-files', { at: words.when(status.published.publishedAt), files: Object.values(status.published.files).map(published).join(', ') }) : '—',
      ],
    ]),
  ];
  if (draft?.approvals.length) {
    parts.push(
      section(
        words.say('section.approvals'),
        table(words.headings('authority', 'version', 'by', 'at'), draft.approvals.map((a) => [names.name(a.authorityId), a.version ?? draft.version, actor(a.by, words), words.when(a.at)])),
      ),
    );
  }
  if (status.openCases?.length) {
    parts.push(
      section(
        words.say('section.open-cases'),
        table(words.headings('vendor', 'action', 'reason'), status.openCases.map((d) => [d.vendorId, words.sayOr(`statement.open-case.${d.action}`, d.action), reasonFor(d.reason, words)])),
      ),
    );
  }
  if (status.missingTexts?.length) {
    parts.push(section(words.say('section.texts-missing'), missingTextLines(status, words).map((t) => `- ${t}`).join('\n')));
  }
  // The full status lists the engagements: before the first version, those still open hold it up.
  const open = 'engagements' in status && !draft ? (status as CampaignStatus).engagements.filter((e) => e.state === 'in-progress').map((e) => e.vendorId) : [];
  if (open.length) {
    parts.push(section(words.say('section.still-open'), open.join(', ')));
  }
  if (status.statementTooLarge) parts.push(section(words.say('section.too-large'), status.statementTooLarge));
  if (status.draftUnprintable) {
    parts.push(section(words.say('section.unprintable', { version: status.draftUnprintable.version }), status.draftUnprintable.error));
  }
  if (status.unsubmittedEdits) parts.push(words.say('statement.unsubmitted-edits', { version: draft?.version ?? 0 }));
  for (const { vendorName } of status.lateRepliesNotInDraft ?? []) parts.push(words.say('statement.late-reply-not-in-draft', { vendor: vendorName, version: draft?.version ?? 0 }));
  for (const { vendorName } of status.responsesNotInDraft ?? []) parts.push(words.say('statement.response-not-in-draft', { vendor: vendorName, version: draft?.version ?? 0 }));
  if (status.changeRequests.length) {
    parts.push(
      section(
        words.say('section.change-requests'),
        table(words.headings('version', 'authority', 'by', 'at', 'comment'), status.changeRequests.map((c) => [c.version, names.name(c.authorityId), actor(c.by, words), words.when(c.at), c.comment])),
      ),
    );
  }
  return parts.join('\n');
}

/**
 * The texts the next version lacks: in English as the workflow lists them; in another language as
 * the workspace words them (client/refusal-words.ts), a text this release cannot name as listed.
 */
function missingTextLines(status: CampaignUpdated, words: CliWords): string[] {
  const written = status.missingTexts ?? [];
  if (words.language === 'en' || !status.missingTextList) return written;
  const listed = status.missingTextList.map((m, i) => missingTextWords(m, words.language, cliWording(words)) ?? written[i] ?? m.field);
  const more = (status.missingTextCount ?? listed.length) - listed.length;
  return more > 0 ? [...listed, words.shared('missing-text.more', { count: words.count(more) })] : listed;
}

/** The campaign's authorities, named as its file names them in the officer's language (ids from a worker before names). */
function namesIn(status: Pick<CampaignUpdated, 'authorities'>, words: CliWords): AuthorityNames {
  return new AuthorityNames(status.authorities, words.language, cliWording(words));
}

/** The names, read from the campaign, for a refusal to name its authorities by; by their ids if the campaign cannot be read. */
async function namesOf(campaigns: Awaited<ReturnType<CommandContext['campaigns']>>, campaignId: string, words: CliWords): Promise<AuthorityNames> {
  return namesIn(await campaigns.status(campaignId).catch(() => ({})), words);
}

/** The authorities a version still awaits, by name; "nobody" when none. */
function pendingNamed(status: CampaignUpdated, words: CliWords): string {
  return namesIn(status, words).list(status.draft?.pending ?? []) || words.say('statement.nobody');
}

/**
 * A refusal of an authority's answer names the authority by its id ("fdpic has already approved"):
 * worded again from its code with the authority's name, as the workspace words it.
 * Anything else is left as it came.
 */
function authoritiesNamed(err: unknown, names: AuthorityNames, words: CliWords): unknown {
  if (!(err instanceof DossierClientError) || err.code !== ClientErrorCode.Refused || !err.refused) return err;
  const refusal = refusalDetails(err);
  if (!refusal) return err;
  // The signatory (an `actor` value) is worded by refusalSentence, as the status table names them.
  const named = names.refusal(refusal);
  const reason = refusalSentence(named, words.language, 'UTC', cliWording(words));
  return reason === undefined || named === refusal ? err : refused(err.refused.what, reason, err, named);
}

/**
 * Asks on the terminal whether to give the approval that publishes; without one (a script, CI)
 * nobody can be asked, so it is refused, naming the flag that gives it (and, `withoutEdits`, that the
 * lead's saved edits would not be in what is published). Either way nothing is sent.
 */
async function confirmPublication(version: number, words: CliWords, withoutEdits = false): Promise<void> {
  if (!process.stdin.isTTY) throw invalidInput(words.say(withoutEdits ? 'error.publish-not-confirmed-without-edits' : 'error.publish-not-confirmed', { version }));
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(words.say('statement.confirm-publish'))).trim().toLowerCase();
    if (answer !== words.say('statement.confirm-publish.yes')) throw invalidInput(words.say('error.publish-declined'));
  } finally {
    rl.close();
  }
}

/** Who acted, as the workspace and `engagement show` name them ("… command line", "… ligne de commande"), not the record's "CLI". */
function actor(by: string, words: CliWords): string {
  return actorWords(by, words.language, cliWording(words));
}

function wholeNumber(option: string, words: CliWords) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw invalidInput(words.say('error.not-a-version', { option, value }));
    return n;
  };
}
