// `dossier engagement …`: everything a case officer does to one vendor's engagement, from its start
// to its conclusion. Each command reads its input (options or a file), sends one update or query
// through the typed API, and shows the result as a table or, with `--json`, as the API returned it.
import { Command, Option } from 'commander';
import type { EngagementStatus } from '../../workflows/messages';
import { DEMONSTRATION_RESULTS, PRINCIPLES, publicText, type Contact, type DemonstrationResult, type RecordedText, type TimelineEntry } from '../../workflows/types';
import { readTimelineEntry } from '../../workflows/timeline';
import { describeEngagement, parseEngagementRef, type EngagementRef } from '../api';
import { loadCampaignFile } from '../campaign-file';
import { deliveryFailureText } from '../delivery-failures';
import { invalidInput, refused } from '../errors';
import { deadline, fields, section, table, when } from '../output';
import { positiveInt, withContext, type CommandContext, type Session } from './context';
import { readAnswersFile, readDocument, readFindingsFile, readQuestionsFile, readResponseFile, readText, withAttached } from './input-files';
import { MAX_DOCUMENT_BYTES } from '../../documents/document-store';
import { storeDocuments } from './inbox';
import { durationMs, instantInZone, isDateOnly, isoInstant, toIsoString } from '../../workflows/time';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function engagementCommands(session: Session): Command {
  const group = new Command('engagement').description("one vendor's engagement: show it, record what happened, steer it");
  const refArgs = (command: Command) =>
    command
      .argument('<campaign>', 'campaign id, or the whole engagement id engagement:<campaign>:<vendor>')
      .argument('[vendor]', 'vendor id');

  group
    .command('start')
    .description('start one engagement from a campaign file, outside a campaign workflow')
    .requiredOption('--campaign-file <file>', 'campaign file (YAML)')
    .requiredOption('--vendor <id>', 'vendor of the campaign file to write to')
    .action(
      withContext(session, async (ctx, options: { campaignFile: string; vendor: string }) => {
        const campaign = loadCampaignFile(options.campaignFile);
        const vendor = campaign.vendors.find((v) => v.id === options.vendor);
        if (!vendor) {
          throw invalidInput(
            `vendor "${options.vendor}" is not in ${options.campaignFile} (vendors: ${campaign.vendors.map((v) => v.id).join(', ') || 'none'})`,
          );
        }
        const dossier = await ctx.dossier();
        const started = await dossier.startEngagement({ campaign: campaign.campaign, vendor, policy: campaign.policy });
        ctx.out.result(started, () => `Started ${started.workflowId}: the open letter goes to ${vendor.name}.`);
      }),
    );

  refArgs(group.command('show'))
    .description('stage, deadlines, reminders, questions, demonstrations and the timeline')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined) => {
        const status = await (await ctx.dossier()).status(parseEngagementRef(campaign, vendor));
        ctx.out.result(status, () => renderStatus(status));
      }),
    );

  refArgs(group.command('respond'))
    .description("record the vendor's response, from a text or Markdown file")
    .requiredOption('--file <file>', 'the response (text or Markdown); an "Attachments" section lists attached documents')
    .option('--attach <file>', 'a document to attach: kept encrypted in the document store (repeat for several)', collect, [])
    .option('--received <date>', 'when it arrived (ISO date or timestamp; not before the letter went out)', new Date().toISOString())
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { file: string; attach: string[]; received: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const response = readResponseFile(options.file);
        const files = options.attach.map((file) => readDocument(file, MAX_DOCUMENT_BYTES));
        const request = {
          by: ctx.officer,
          receivedAt: receivedTime(options.received),
          summary: response.summary,
          attachments: withAttached(response.attachments, files.map((f) => f.name)),
        };
        const dossier = await ctx.dossier();
        // A stored document cannot be taken back (another case may hold the same bytes): every argument,
        // and the engagement's own rules, are checked before one is kept.
        if (files.length) await dossier.checkResponse(ref, request);
        const documents = files.length ? await storeDocuments(ctx.env, ctx.store(), ref.campaignId, files) : [];
        await dossier.recordResponse(ref, { ...request, ...(documents.length ? { documents } : {}) });
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () => `Response recorded; ${status.workflowId} is now ${status.stage}.`);
      }),
    );

  refArgs(group.command('extend'))
    .description('move the current deadline (response or follow-up answers) later')
    .option('--until <date>', 'new due date: a day (to its end in the lead authority\'s time zone), a timestamp, or "in 30 days"')
    .option('--for <duration>', 'or how much longer, from the current due date: "10 working days" (lead authority\'s calendar) or "14 days"')
    .requiredOption('--reason <text>', 'why, for the record')
    .option('--round <n>', 'follow-up round whose answers are due (default: the current one)', positiveInt('--round'))
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { until?: string; for?: string; reason: string; round?: number }) => {
        const ref = parseEngagementRef(campaign, vendor);
        if ((options.until === undefined) === (options.for === undefined)) {
          throw invalidInput('give the new due date (--until 2021-02-03) or how much longer (--for "10 working days"), one of them');
        }
        const dossier = await ctx.dossier();
        await dossier.extendDeadline(ref, {
          by: ctx.officer,
          ...(options.until !== undefined ? { dueDate: dueTime('--until', options.until, await dossier.campaignTimeZone(ref)) } : { extendBy: options.for!.trim() }),
          reason: nonEmpty('--reason', options.reason),
          round: options.round,
        });
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () => renderExtension(status));
      }),
    );

  refArgs(group.command('ask'))
    .description('send follow-up questions, from a file (one per line or bullet) or --question')
    .option('--file <file>', 'questions, one per line or per "- " bullet')
    .option('--question <text>', 'a question (repeat for several)', collect, [])
    .option('--due <date>', "when the answers are due: a day (to its end in the lead authority's time zone), a timestamp (default: the policy's follow-up time)")
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { file?: string; question: string[]; due?: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const questions = [...(options.file ? readQuestionsFile(options.file) : []), ...options.question.map((q) => q.trim())];
        if (!questions.length) throw invalidInput('no questions: give --file <file> or --question "<text>"');
        if (questions.some((q) => !q)) throw invalidInput('--question: a question is empty');
        const dossier = await ctx.dossier();
        const asked = await dossier.askFollowUp(ref, {
          by: ctx.officer,
          questions,
          dueDate: options.due === undefined ? undefined : dueTime('--due', options.due, await dossier.campaignTimeZone(ref)),
        });
        ctx.out.result(asked, () =>
          table(
            ['question', 'round', 'due', 'text'],
            asked.map((q) => [q.id, q.round, when(q.dueDate), q.text]),
          ),
        );
      }),
    );

  refArgs(group.command('answer'))
    .description("record the vendor's answers to follow-up questions")
    .option('--file <file>', 'answers (YAML or JSON): question id → answer text')
    .option('--answer <id=text>', 'one answer, e.g. --answer q1="We encrypt…" (repeat for several)', collect, [])
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { file?: string; answer: string[] }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const answers = [...(options.file ? readAnswersFile(options.file) : []), ...options.answer.map(parseAnswerOption)];
        if (!answers.length) throw invalidInput('no answers: give --file <file> or --answer <question-id>=<text>');
        const dossier = await ctx.dossier();
        await dossier.recordAnswers(ref, { by: ctx.officer, answers });
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () =>
          `${answers.length} answer(s) recorded; ${status.openQuestions.length} question(s) still open; stage ${status.stage}.`,
        );
      }),
    );

  refArgs(group.command('schedule-demo'))
    .description('schedule a demonstration: the vendor shows how it achieves, monitors and validates its measures')
    .requiredOption('--at <time>', 'start of the meeting (ISO timestamp with time zone, e.g. 2021-02-03T15:00:00Z)')
    .option('--duration <minutes>', 'length in minutes', positiveInt('--duration'), 60)
    .requiredOption('--attendee <"Name <email>">', 'who attends for the authorities (repeat); the vendor contacts are invited too', collect)
    .option('--topic <text>', 'what the vendor will show (repeat)', collect, [])
    .option('--location <text>', 'where it is held (an address, a room)')
    .option('--link <url>', "the video call's link (https://…)")
    .action(
      withContext(
        session,
        async (
          ctx,
          campaign: string,
          vendor: string | undefined,
          options: { at: string; duration: number; attendee: string[]; topic: string[]; location?: string; link?: string },
        ) => {
          const ref = parseEngagementRef(campaign, vendor);
          const demonstration = await (await ctx.dossier()).scheduleDemonstration(ref, {
            by: ctx.officer,
            at: isoTime('--at', options.at),
            durationMinutes: options.duration,
            attendees: options.attendee.map(parseContact),
            topics: options.topic.length ? options.topic : DEFAULT_TOPICS,
            ...meetingPlaceOptions(options),
          });
          ctx.out.result(demonstration, () => `Demonstration ${demonstration.id} scheduled for ${when(demonstration.at)}.`);
        },
      ),
    );

  refArgs(group.command('reschedule-demo'))
    .description('move a scheduled demonstration')
    .requiredOption('--at <time>', 'new start (ISO timestamp)')
    .requiredOption('--reason <text>', 'why, for the record and the invitation (which also gives the time it replaces)')
    .option('--demo <id>', 'which demonstration (default: the one still to be held)')
    .option('--location <text>', 'a new place (default: unchanged)')
    .option('--no-location', 'no place any more (a meeting now held online only)')
    .option('--link <url>', 'a new video call link, https://… (default: unchanged)')
    .option('--no-link', 'no video call link any more')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { at: string; reason: string; demo?: string; location?: string | false; link?: string | false }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const dossier = await ctx.dossier();
        const demonstration = await dossier.rescheduleDemonstration(ref, {
          by: ctx.officer,
          demonstrationId: options.demo ?? (await pendingDemonstration(ctx, ref)),
          at: isoTime('--at', options.at),
          reason: nonEmpty('--reason', options.reason),
          // --no-location / --no-link: null removes the place or link; omitted, it stays.
          ...meetingPlaceOptions({ location: options.location || undefined, link: options.link || undefined }),
          ...(options.location === false ? { location: null } : {}),
          ...(options.link === false ? { meetingUrl: null } : {}),
        });
        ctx.out.result(demonstration, () => `Demonstration ${demonstration.id} moved to ${when(demonstration.at)}.`);
      }),
    );

  refArgs(group.command('demo-outcome'))
    .description('record what a demonstration showed')
    .addOption(new Option('--result <result>', 'what the demonstration established').choices(DEMONSTRATION_RESULTS).makeOptionMandatory())
    .option('--notes <text>', 'observations')
    .option('--notes-file <file>', 'observations, from a text or Markdown file')
    .option('--demo <id>', 'which demonstration (default: the one still to be held)')
    .action(
      withContext(
        session,
        async (
          ctx,
          campaign: string,
          vendor: string | undefined,
          options: { result: DemonstrationResult; notes?: string; notesFile?: string; demo?: string },
        ) => {
          const ref = parseEngagementRef(campaign, vendor);
          const notes = options.notesFile ? readText(options.notesFile).trim() : (options.notes ?? '').trim();
          if (!notes) throw invalidInput('say what the demonstration showed: --notes "<text>" or --notes-file <file>');
          const dossier = await ctx.dossier();
          const demonstration = await dossier.recordDemonstrationOutcome(ref, {
            by: ctx.officer,
            demonstrationId: options.demo ?? (await pendingDemonstration(ctx, ref)),
            result: options.result,
            notes,
          });
          ctx.out.result(demonstration, () => `Demonstration ${demonstration.id}: ${demonstration.result}.`);
        },
      ),
    );

  refArgs(group.command('conclude'))
    .description('conclude the engagement with findings under the five principles')
    .requiredOption('--findings <file>', 'findings (YAML or JSON): security, privacy-by-design, know-your-audience, transparency, end-user-control')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { findings: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const findings = readFindingsFile(options.findings);
        const outcome = await (await ctx.dossier()).conclude(ref, { by: ctx.officer, findings });
        ctx.out.result(outcome, () => `${engagementWorkflowId(ref.campaignId, ref.vendorId)} ${outcome.stage}.`);
      }),
    );

  refArgs(group.command('correct-contact'))
    .description("after the vendor's mail server refused the letter for good: write to this address instead; the letter goes again")
    .requiredOption('--email <address>', "the vendor's new address")
    .option('--name <name>', 'who the letter greets there (default: the name of the refused contact)')
    .requiredOption('--reason <text>', 'why, for the record')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { email: string; name?: string; reason: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const dossier = await ctx.dossier();
        const name = options.name ?? (await dossier.status(ref)).contacts?.[0]?.name ?? '';
        await dossier.correctContacts(ref, { by: ctx.officer, contacts: [{ name, email: options.email }], reason: nonEmpty('--reason', options.reason) });
        const status = await dossier.status(ref);

        ctx.out.result(status, () => `${status.workflowId} now writes to ${options.email}; the open letter goes again.`);
      }),
    );

  refArgs(group.command('withdraw'))
    .description("withdraw the vendor: the engagement ends without findings (through its campaign, which records why for the statement); waits for the confirmation")
    .requiredOption('--reason <text>', 'why, for the record and the statement')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { reason: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const reason = nonEmpty('--reason', options.reason);
        const status = await (await ctx.dossier()).withdraw(ref, { by: ctx.officer, reason });
        ctx.out.result(status, () =>
          status.stage === 'withdrawn'
            ? `${status.vendorName} is withdrawn: ${status.workflowId} has ended (reason recorded: ${status.withdrawalReason ?? reason}).`
            : `The withdrawal of ${status.vendorName} is recorded by its campaign but ${status.workflowId} is still ${status.stage}; ` +
              `check again with: dossier engagement show ${status.workflowId}`,
        );
      }),
    );

  return group;
}

/** What the open letter asked vendors to demonstrate, when the officer names no topic. */
const DEFAULT_TOPICS = [
  'How the privacy measures are achieved',
  'How they are monitored',
  'How they are validated',
];

/**
 * The success line of `extend`: the date that moved, the round's or the response's. The latest
 * extension in the timeline names it (a request without --round leaves the round to the workflow);
 * `nextDeadline` is the earliest of every open date and demonstration, not necessarily this one.
 */
export function renderExtension(status: EngagementStatus): string {
  const extended = [...status.timeline].reverse().find((t) => t.what === 'response deadline extended' || /^follow-up round \d+ extended$/.test(t.what));
  const round = extended && /^follow-up round (\d+) extended$/.exec(extended.what)?.[1];
  if (round === undefined) return `Deadline of ${status.workflowId} moved to ${when(status.responseDueDate)}.`;
  const dueDate = (status.rounds ?? []).find((r) => r.round === Number(round))?.dueDate;
  return `Deadline of ${status.workflowId} (follow-up round ${round}) moved to ${when(dueDate)}.`;
}

export function renderStatus(status: EngagementStatus): string {
  const parts = [
    fields([
      ['engagement', status.workflowId],
      ['vendor', `${status.vendorName} (${status.vendorId})`],
      ['stage', status.stage],
      ['next deadline', deadline(status.nextDeadline)],
      ['response', status.response ? `received ${when(status.response.receivedAt)}` : 'none yet'],
      ['reminders sent', status.remindersSent.length],
      ['open questions', status.openQuestions.length],
    ]),
  ];
  if (status.stage === 'letter-undeliverable') {
    const refused = (status.contacts ?? []).map((c) => c.email).join(', ');
    parts.push(section('Letter not delivered', `Refused for good at ${refused}. Correct it: dossier engagement correct-contact ${status.workflowId} --email <address> --reason <why>; or withdraw.`));
  }
  if (status.response) {
    parts.push(section('Response', status.response.summary));
    if (status.response.attachments.length) {
      parts.push(section('Attachments', status.response.attachments.map((a) => `  - ${a}`).join('\n')));
    }
  }
  if (status.questions.length) {
    parts.push(
      section(
        'Questions',
        table(
          ['id', 'round', 'due', 'question', 'answer'],
          status.questions.map((q) => [q.id, q.round, when(q.dueDate), q.text, q.answer ?? '(open)']),
        ),
      ),
    );
  }
  if (status.demonstrations.length) {
    parts.push(
      section(
        'Demonstrations',
        table(
          ['id', 'at', 'minutes', 'where', 'result', 'notes'],
          status.demonstrations.map((d) => [
            d.id,
            d.previousAt ? `${when(d.at)} (moved from ${when(d.previousAt)}: ${d.rescheduleReason ?? ''})` : when(d.at),
            d.durationMinutes,
            [d.location, d.meetingUrl].filter(Boolean).join(' · '),
            d.result ?? '(to be held)',
            d.notes,
          ]),
        ),
      ),
    );
  }
  if (status.findings) {
    const findings = status.findings;
    parts.push(
      section(
        'Findings',
        table(
          ['principle', 'assessment', 'good practices'],
          PRINCIPLES.map((p) => [p, bothLanguages(findings[p].assessment), findings[p].goodPractices.map((g) => `- ${bothLanguages(g)}`).join('\n')]),
        ),
      ),
    );
  }
  if (status.withdrawalReason) parts.push(section('Withdrawn', status.withdrawalReason));
  if (status.deliveryFailures.length) {
    parts.push(
      section('Delivery failures', table(['at', 'message', 'reason'], status.deliveryFailures.map((f) => [when(f.at), f.step, deliveryFailureText(f, 'en').text]))),
    );
  }
  parts.push(section('Timeline', table(['at', 'by', 'what', 'detail'], status.timeline.map((e) => [when(e.at), e.by, e.what, timelineDetail(e)]))));
  return parts.join('\n');
}

/**
 * An entry's detail with the date it records printed as the rest of the output prints times: the
 * phrases are English already, but a raw `2026-12-12T04:59:59.999Z` is not how this CLI writes one.
 */
function timelineDetail(entry: TimelineEntry): string | undefined {
  const date = readTimelineEntry(entry)?.date;
  return date && entry.detail ? entry.detail.replace(date, when(date)) : entry.detail;
}

async function pendingDemonstration(ctx: CommandContext, ref: EngagementRef): Promise<string> {
  const status = await (await ctx.dossier()).status(ref);
  const pending = status.demonstrations.filter((d) => d.result === undefined);
  if (pending.length === 1) return pending[0]!.id;
  // A refusal like the workflow's own (exit code 4), not a usage error: the command was well formed.
  if (!pending.length) throw refused(describeEngagement(ref), 'it has no demonstration still to be held; schedule one first');
  throw invalidInput(`${describeEngagement(ref)} has several demonstrations to be held (${pending.map((d) => d.id).join(', ')}): say which with --demo <id>`);
}

/**
 * An ISO date or timestamp, or a time relative to now written `in 2 minutes` / `in 3 days`, so a
 * walkthrough or script can schedule a meeting that is always in the future.
 */
export function isoTime(option: string, value: string, now = Date.now()): string {
  const relative = /^\s*in\s+(.+)$/i.exec(value);
  const time = relative ? ((ms) => (ms === undefined ? undefined : now + ms))(durationMs(relative[1]!)) : isoInstant(value);
  if (time === undefined) {
    throw invalidInput(`${option}: "${value}" is not a date; write it like 2021-02-03, 2021-02-03T15:00:00Z or "in 2 minutes"`);
  }
  return toIsoString(time);
}

/**
 * A due date as the officer wrote it, read in the campaign's zone as the workspace reads one
 * (`instantInZone`): `2021-02-03` runs to the end of that day there, `2021-02-03T17:00` is 17:00
 * there; a timestamp with its zone and "in 30 days" are kept as they are.
 */
export function dueTime(option: string, value: string, timeZone: string, now = Date.now()): string {
  if (/^\s*in\s/i.test(value)) return isoTime(option, value, now);
  const time = instantInZone(value, timeZone);
  if (time === undefined) {
    throw invalidInput(`${option}: "${value}" is not a date; write it like 2021-02-03 (to the end of that day in ${timeZone}), 2021-02-03T17:00:00Z or "in 30 days"`);
  }
  return toIsoString(time);
}

/** --location and --link as the update's fields; the workflow's rules check them. */
function meetingPlaceOptions(options: { location?: string; link?: string }): { location?: string; meetingUrl?: string } {
  return { ...(options.location !== undefined ? { location: options.location } : {}), ...(options.link !== undefined ? { meetingUrl: options.link } : {}) };
}

/**
 * When the response arrived: a date or a timestamp, never "in …" (the future is refused by the
 * workflow only beyond its clock-skew allowance, so "in 2 minutes" would pass). A date given without
 * a time stays a day: the response arrived that day, wherever the officer is.
 */
export function receivedTime(value: string): string {
  const howTo = 'write when the response arrived, like 2021-02-03 or 2021-02-03T15:00:00Z';
  if (/^\s*in\s/i.test(value)) throw invalidInput(`--received: "${value}" is in the future; ${howTo}`);
  // Read here rather than by isoTime, whose examples ("in 2 minutes") name the future.
  const time = isoInstant(value);
  if (time === undefined) throw invalidInput(`--received: "${value}" is not a date; ${howTo}`);
  return isDateOnly(value.trim()) ? value.trim() : toIsoString(time);
}

function nonEmpty(option: string, value: string): string {
  if (!value.trim()) throw invalidInput(`${option} must not be empty`);
  return value.trim();
}


function parseAnswerOption(value: string): { questionId: string; answer: string } {
  const eq = value.indexOf('=');
  const questionId = value.slice(0, eq).trim();
  const answer = value.slice(eq + 1).trim();
  if (eq <= 0 || !questionId || !answer) throw invalidInput(`--answer: "${value}" must be <question-id>=<answer text>`);
  return { questionId, answer };
}

function parseContact(value: string): Contact {
  const match = /^\s*(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$/.exec(value) ?? /^\s*()([^<>\s]+@[^<>\s]+)\s*$/.exec(value);
  if (!match) throw invalidInput(`--attendee: "${value}" must be "Name <email@example.org>"`);
  return { name: match[1] || match[2]!, email: match[2]! };
}

/** Public text as the officer checks it: English, then French; a language still to write shows as "(fr: —)". */
function bothLanguages(text: RecordedText): string {
  const { en, fr } = publicText(text);
  return `${en || '(en: —)'}\n${fr || '(fr: —)'}`;
}
