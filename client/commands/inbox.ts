// Mail from the case mailbox, for the case officer: `dossier engagement replies|confirm-reply|
// dismiss-reply|documents` review what the intake recorded on one engagement and save its documents
// (decrypted), and `dossier inbox held|assign` list a campaign's holding pen and assign held mail to
// an engagement. The engagement's own rules decide what is accepted, as for every other command.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { CaseDocuments } from '../../documents/document-store';
import { loadEncryption } from '../../encryption/config';
import { heldReasonLine, REASON_LINE_CHARS, type EngagementRefusal } from '../../intake/held-reason';
import { messageNotes } from '../../intake/inbound-notes';
import { openIntake } from '../../intake/open';
import type { EngagementStatus } from '../../workflows/messages';
import { refusalDetails } from '../../workflows/refusals';
import type { DocumentRef } from '../../workflows/types';
import { parseEngagementRef, type EngagementRef } from '../api';
import { withLateReplies } from '../late-replies';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { cliWords, type CliWords } from '../cli-words';
import { ClientErrorCode, DossierClientError, invalidInput } from '../errors';
import { typedMessageId } from '../message-id';
import { section, table } from '../output';
import { refusalWords, wordedRefusal } from '../refusal-words';
import { cliWording } from '../timeline-words';
import { withContext, type CommandContext, type Session } from './context';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * The engagement's record as the officer reads it: its status, with the replies attached to it once
 * it had ended (client/late-replies.ts), read from this command's store.
 */
export async function recordOf(ctx: CommandContext, ref: EngagementRef): Promise<EngagementStatus> {
  const status = await (await ctx.dossier()).status(ref);
  const store = ctx.store();
  const documents = new CaseDocuments(store.documents, loadEncryption(ctx.env, store.keys).keystore);
  return withLateReplies(status, await documents.lateReplies(ref.campaignId, ref.vendorId));
}

/** Every document of an engagement (its replies', its response's), once each. */
export function documentsOf(status: EngagementStatus): (DocumentRef & { from: string })[] {
  const found = new Map<string, DocumentRef & { from: string }>();
  for (const message of status.inbox ?? []) for (const d of message.documents) if (!found.has(d.id)) found.set(d.id, { ...d, from: message.messageId });
  for (const d of status.response?.documents ?? []) if (!found.has(d.id)) found.set(d.id, { ...d, from: 'response' });
  return [...found.values()];
}

/**
 * The folder `--save` writes into, made if missing. The documents are vendors' submissions, decrypted:
 * whatever it creates is the officer's alone (0700), as the audit export is (0600), whatever the umask.
 */
export function openSaveFolder(path: string): string {
  const folder = resolve(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return folder;
}

/**
 * Where a document goes in a folder the officer saves into, again after each new reply: its own
 * name, or with its id in front when another file has that name. A file there with the same bytes
 * is this document saved before, so it is neither copied again nor a reason to fail. Names are
 * bare file names (checked on the way in).
 */
export function placeDocument(folder: string, document: Pick<DocumentRef, 'id' | 'name'>, bytes: Buffer, words: CliWords = cliWords('en')): { path: string; written: boolean } {
  const paths = [document.name, `${document.id.slice(0, 8)}-${document.name}`, `${document.id}-${document.name}`].map((name) => join(folder, name));
  for (const path of paths) {
    if (!existsSync(path)) {
      writeFileSync(path, bytes, { flag: 'wx', mode: 0o600 });
      return { path, written: true };
    }
    if (statSync(path).isFile() && readFileSync(path).equals(bytes)) return { path, written: false };
  }
  throw invalidInput(words.say('error.cannot-save', { name: document.name, paths: paths.join(', ') }));
}

export function renderInbox(status: EngagementStatus, words: CliWords = cliWords('en')): string {
  const inbox = status.inbox ?? [];
  if (!inbox.length) return words.say('replies.none', { workflowId: status.workflowId });
  // What the intake could not keep of a message, below the table: a sentence is too long for a cell.
  const notes = inbox.flatMap((m) => messageNotes(m, words.language).map((note) => words.say('replies.note', { messageId: m.messageId, note: note.text })));
  return section(
    words.say('replies.title', { count: words.count(inbox.filter((m) => m.review === 'to-review').length) }),
    [
      table(
        words.headings('message', 'received', 'from', 'kind', 'review', 'subject', 'documents'),
        inbox.map((m) => [m.messageId, words.when(m.receivedAt), m.from, words.code('kind', m.kind), words.code('review', m.review), m.subject, m.documents.map((d) => d.name).join(', ')]),
      ),
      ...(notes.length ? ['', words.say('replies.notes'), ...notes] : []),
    ].join('\n'),
  );
}

export function addReplyCommands(group: Command, session: Session): void {
  const refArgs = (command: Command) =>
    command.argument('<campaign>').argument('[vendor]');

  refArgs(group.command('replies'))
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined) => {
        const status = await recordOf(ctx, parseEngagementRef(campaign, vendor));
        ctx.out.result(status.inbox ?? [], () => renderInbox(status, ctx.words));
      }),
    );

  refArgs(group.command('confirm-reply'))
    .requiredOption('--message <message-id>')
    .addOption(new Option('--as <what>').choices(['response', 'answers']).default('response'))
    .option('--question <id>', '', collect, [])
    .option('--summary <text>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { message: string; as: 'response' | 'answers'; question: string[]; summary?: string }) => {
        if (options.as === 'answers' && options.question.length === 0) throw invalidInput(ctx.words.say('error.reply-questions'));
        const dossier = await ctx.dossier();
        const ref = parseEngagementRef(campaign, vendor);
        const messageId = typedMessageId(options.message);
        await dossier.confirmInbound(ref, {
          by: ctx.officer,
          messageId,
          as: options.as,
          ...(options.as === 'answers' ? { answers: options.question.map((questionId) => ({ questionId })) } : {}),
          ...(options.summary !== undefined ? { summary: options.summary } : {}),
        });
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () =>
          ctx.words.say(options.as === 'response' ? 'replies.confirmed-as-response' : 'replies.confirmed-as-answers', {
            messageId,
            questions: options.question.join(', '),
            workflowId: status.workflowId,
            stage: ctx.words.code('stage', status.stage),
          }),
        );
      }),
    );

  refArgs(group.command('dismiss-reply'))
    .requiredOption('--message <message-id>')
    .requiredOption('--reason <text>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { message: string; reason: string }) => {
        const dossier = await ctx.dossier();
        const ref = parseEngagementRef(campaign, vendor);
        const messageId = typedMessageId(options.message);
        await dossier.dismissInbound(ref, { by: ctx.officer, messageId, reason: options.reason });
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () => ctx.words.say('replies.dismissed', { messageId, workflowId: status.workflowId, stage: ctx.words.code('stage', status.stage) }));
      }),
    );

  refArgs(group.command('documents'))
    .option('--save <folder>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { save?: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const dossier = await ctx.dossier();
        const status = await recordOf(ctx, ref);
        const documents = documentsOf(status);
        const saved: string[] = [];
        /** Already in the folder from an earlier save, byte for byte: not written again. */
        const present: string[] = [];
        if (options.save) {
          const folder = openSaveFolder(options.save);
          const store = ctx.store();
          const reader = new CaseDocuments(store.documents, loadEncryption(ctx.env, store.keys).keystore);
          for (const document of documents) {
            const bytes = await reader.read(ref.campaignId, document);
            // Recorded once read and before it is written: a download the audit trail cannot show does not happen.
            const { id, name, type, size, sha256, from } = document;
            await dossier.recordDownload({ by: ctx.officer, ...ref, ...(from === 'response' ? {} : { messageId: from }), document: { id, name, type, size, sha256 }, via: 'cli' });
            const placed = placeDocument(folder, document, bytes, ctx.words);
            (placed.written ? saved : present).push(placed.path);
          }
        }
        ctx.out.result({ documents, saved, present }, () =>
          documents.length
            ? [
                table(
                  ctx.words.headings('name', 'type', 'bytes', 'sha-256', 'from'),
                  documents.map((d) => [d.name, d.type, ctx.words.count(d.size), d.sha256, d.from === 'response' ? ctx.words.say('documents.from-response') : d.from]),
                ),
                ...saved.map((path) => ctx.words.say('documents.saved', { path })),
                ...present.map((path) => ctx.words.say('documents.already-saved', { path })),
              ].join('\n')
            : ctx.words.say('documents.none', { workflowId: status.workflowId }),
        );
      }),
    );
}

/** The intake on the command's own connection and store, which the CLI closes once, on its way out. */
async function openIntakeFor(ctx: CommandContext) {
  // Its log on stderr: what the officer's command did not do (a campaign not told of a late reply) is said there with its reason.
  return openIntake(ctx.env, (line) => process.stderr.write(`${line}\n`), { dossier: await ctx.dossier(), campaigns: await ctx.campaigns(), store: ctx.store() });
}

type OpenedIntake = Awaited<ReturnType<typeof openIntakeFor>>;

/**
 * The pen a held message is in, as the officer named it (`--campaign`, `--held-in`: a campaign's id,
 * or `unsorted` for mail that names none), or, named none, the one pen that holds it: the unsorted
 * pen, each pen the intake counted, and `also` (the target campaign's) are looked in. Held in several,
 * the officer names one; named wrongly, the refusal names the pen that holds it.
 */
async function inItsPen<T>(
  ctx: CommandContext,
  intake: OpenedIntake['intake'],
  messageId: string,
  named: { option?: string; flag: '--campaign' | '--held-in'; also?: string[] },
  act: (heldIn: string | undefined) => Promise<T>,
): Promise<T> {
  const { option, flag, also = [] } = named;
  const penName = (campaignId: string | undefined) => campaignId ?? 'unsorted';
  if (option === undefined) {
    const pens = await intake.pensHolding(messageId, also);
    if (pens.length === 1) return act(pens[0]);
    if (pens.length > 1) throw invalidInput(ctx.words.say('held.in-several-pens', { messageId, pens: pens.map(penName).join(', '), flag }));
    throw new DossierClientError(ClientErrorCode.NotFound, ctx.words.say('held.in-no-pen', { messageId }));
  }
  const heldIn = option === 'unsorted' ? undefined : option;
  try {
    return await act(heldIn);
  } catch (err) {
    // Not found: the message, or the engagement. Only a message held in another pen is worth naming.
    if (!(err instanceof DossierClientError) || err.code !== ClientErrorCode.NotFound) throw err;
    const pens = await intake.pensHolding(messageId, also).catch(() => [] as (string | undefined)[]);
    if (pens.length === 0 || pens.includes(heldIn)) throw err;
    throw new DossierClientError(ClientErrorCode.NotFound, ctx.words.say('held.in-other-pen', { messageId, pen: penName(heldIn), pens: pens.map(penName).join(', '), flag, choice: penName(pens[0]) }));
  }
}

/**
 * A held message's move to an engagement: the pen it is held in (`--held-in`; without it, the pen
 * that holds it, inItsPen), with the intake open for the move.
 */
async function onHeldMessage(
  ctx: CommandContext,
  messageId: string,
  campaign: string,
  vendor: string | undefined,
  options: { heldIn?: string },
  move: (intake: OpenedIntake['intake'], ref: EngagementRef, heldIn: string | undefined) => Promise<void>,
): Promise<void> {
  const ref = parseEngagementRef(campaign, vendor);
  const opened = await openIntakeFor(ctx);
  try {
    await inItsPen(ctx, opened.intake, messageId, { option: options.heldIn, flag: '--held-in', also: [ref.campaignId] }, (heldIn) => move(opened.intake, ref, heldIn));
  } finally {
    await opened.close();
  }
}

/**
 * An engagement's refusal of a held message on the CLI's line: its vendor and its words in the
 * officer's language by its code, as the workspace lists it (refusalWords); one this release cannot
 * word, as the engagement wrote it (its sentence names the engagement).
 */
export function heldRefusalLine(refusal: EngagementRefusal, words: CliWords): string {
  const worded = refusalWords(refusal.sentence, refusalDetails(refusal), words.language, 'UTC', cliWording(words));
  return worded === undefined ? refusal.sentence : `${refusal.vendor}${words.shared('punctuation.colon')}${worded}`;
}

/**
 * A message assigned to a case that has ended is refused (the case takes nothing more): the refusal
 * then says how to file it with the closed record instead, the command as the officer types it. Any
 * other error is left as it is. `heldIn` is the pen the officer named, if any.
 */
function endedPointsToAttachLate(err: unknown, messageId: string, ref: EngagementRef, heldIn: string | undefined): unknown {
  if (!(err instanceof DossierClientError) || err.code !== ClientErrorCode.Refused || !err.refused) return err;
  if ((refusalDetails(err) ?? wordedRefusal(err.refused.reason))?.refusal !== 'ended') return err;
  const command = ['npx dossier inbox attach-late', typedArgument(messageId.replace(/^<(.*)>$/, '$1')), ref.campaignId, ref.vendorId, ...(heldIn ? ['--held-in', heldIn] : [])].join(' ');
  return new DossierClientError(err.code, err.message, { cause: err, refused: err.refused, then: { key: 'attach-late', values: { command } } });
}

/** A value as a shell takes it: as it is when it has no character the shell reads, else in single quotes. */
function typedArgument(value: string): string {
  return /^[\w@.+=:,%\/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function inboxCommands(session: Session): Command {
  const group = new Command('inbox');

  group
    .command('held')
    .option('--campaign <id>')
    .action(
      withContext(session, async (ctx, options: { campaign?: string }) => {
        const opened = await openIntakeFor(ctx);
        try {
          const held = await opened.intake.held(options.campaign);
          // Without --campaign, the campaigns' pens that hold mail are named too, in the JSON as in the
          // text: an ended campaign's is on no board, and its mail would otherwise wait unseen.
          const alsoHeldIn = options.campaign === undefined ? await opened.intake.campaignPensHolding() : undefined;
          ctx.out.result({ pen: options.campaign ?? 'unsorted', held, ...(alsoHeldIn ? { alsoHeldIn } : {}) }, () => {
            const listed = held.length
              ? table(
                  ctx.words.headings('message', 'date', 'from', 'kind', 'subject', 'why-held'),
                  held.map((h) => [h.messageId, ctx.words.when(h.date), h.from, ctx.words.code('kind', h.kind), h.subject, heldReasonLine(h.why, ctx.words.language, REASON_LINE_CHARS, (r) => heldRefusalLine(r, ctx.words))]),
                )
              : options.campaign
                ? ctx.words.shared('held.none-for', { campaign: options.campaign })
                : ctx.words.shared('held.none-unsorted');
            if (!alsoHeldIn?.length) return listed;
            return `${listed}\n\n${ctx.words.shared('held.also-in', { pens: alsoHeldIn.map(({ campaignId, count }) => `${campaignId} (${count})`).join(', ') })}`;
          });
        } finally {
          await opened.close();
        }
      }),
    );

  group
    .command('assign')
    .argument('<message-id>')
    .argument('<campaign>')
    .argument('[vendor]')
    .option('--held-in <campaign>')
    .action(
      withContext(session, (ctx, typed: string, campaign: string, vendor: string | undefined, options: { heldIn?: string }) => {
        const messageId = typedMessageId(typed);
        return onHeldMessage(ctx, messageId, campaign, vendor, options, async (intake, ref, heldIn) => {
          const result = await intake.assign(heldIn, messageId, ref, ctx.officer).catch((err: unknown) => {
            throw endedPointsToAttachLate(err, messageId, ref, options.heldIn);
          });
          ctx.out.result(result, () =>
            ctx.words.say('held.assigned', { messageId, workflowId: engagementWorkflowId(ref.campaignId, ref.vendorId), effect: ctx.words.sayOr(`held.effect.${result.effect}`, result.effect) }),
          );
        });
      }),
    );

  group
    .command('attach-late')
    .argument('<message-id>')
    .argument('<campaign>')
    .argument('[vendor]')
    .option('--held-in <campaign>')
    .action(
      withContext(session, (ctx, typed: string, campaign: string, vendor: string | undefined, options: { heldIn?: string }) => {
        const messageId = typedMessageId(typed);
        return onHeldMessage(ctx, messageId, campaign, vendor, options, async (intake, ref, heldIn) => {
          const { stage, reply, endedAt, repliedInTime, campaignTold, campaignNotTold, campaignEnded } = await intake.attachLate(heldIn, messageId, ref, ctx.officer);
          const told = campaignTold === undefined ? {} : { campaignTold, ...(campaignNotTold !== undefined ? { campaignNotTold } : {}), ...(campaignEnded ? { campaignEnded } : {}) };
          // A reply that came in time changes what the statement says of the vendor, and a campaign not told
          // does not point the reply out to the lead: the officer is told so.
          const said = campaignEnded
            ? repliedInTime
              ? 'held.attached-in-time-campaign-ended'
              : 'held.attached-late-campaign-ended'
            : campaignTold === false
              ? repliedInTime
                ? 'held.attached-in-time-not-told'
                : 'held.attached-late-not-told'
              : repliedInTime
                ? 'held.attached-in-time'
                : 'held.attached-late';
          ctx.out.result({ messageId, stage, reply, ...(endedAt ? { endedAt } : {}), repliedInTime, ...told }, () =>
            ctx.words.say(said, {
              messageId,
              workflowId: engagementWorkflowId(ref.campaignId, ref.vendorId),
              stage: ctx.words.code('stage', stage),
              ...(repliedInTime && endedAt ? { date: ctx.words.when(endedAt) } : {}),
            }),
          );
        });
      }),
    );

  group
    .command('dismiss')
    .argument('<message-id>')
    .requiredOption('--reason <text>')
    .option('--campaign <id>')
    .action(
      withContext(session, async (ctx, typed: string, options: { reason: string; campaign?: string }) => {
        const officer = ctx.officer;
        const messageId = typedMessageId(typed);
        const opened = await openIntakeFor(ctx);
        try {
          await inItsPen(ctx, opened.intake, messageId, { option: options.campaign, flag: '--campaign' }, (heldIn) => opened.intake.dismiss(heldIn, messageId, officer, options.reason));
          ctx.out.result({ messageId, dismissed: true }, () => ctx.words.say('held.dismissed', { messageId }));
        } finally {
          await opened.close();
        }
      }),
    );

  return group;
}
