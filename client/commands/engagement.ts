// `dossier engagement …`: everything a case officer does to one vendor's engagement, from its start
// to its conclusion. Each command reads its input (options or a file), sends one update or query
// through the typed API, and shows the result as a table or, with `--json`, as the API returned it.
import { Command, Option } from 'commander';
import type { EngagementStatus } from '../../workflows/messages';
import { DEMONSTRATION_RESULTS, PRINCIPLES, publicText, type Contact, type DeliveryFailure, type OpenCaseAction, type OpenCaseDecision, type DemonstrationResult, type Principle, type PublicText, type RecordedText } from '../../workflows/types';
import { stageAsDecided } from '../../workflows/campaign-rules';
import { wordOf } from '../../activities/templates';
import { describeEngagement, parseEngagementRef, type EngagementRef } from '../api';
import { loadCampaignFile } from '../campaign-file';
import { deliveryFailureText } from '../delivery-failures';
import { cliWords, type CliWords } from '../cli-words';
import { invalidInput, refused } from '../errors';
import { typedContact } from '../typed-contact';
import { fields, section, table } from '../output';
import { cliWording, wordTimeline } from '../timeline-words';
import { leadDecisionOf, withdrawalReasonIn, withdrawalReasonMarked } from '../withdrawal-reason';
import { positiveInt, withContext, type CommandContext, type Session } from './context';
import { readAnswersFile, readDocument, readFindingsFile, readQuestionsFile, readResponseFile, readText } from './input-files';
import { documentKeeper, MAX_ATTACHED_FILE_BYTES, recordResponseWithFiles } from '../response-files';
import { recordOf } from './inbox';
import { durationMs, instantInZone, isDateOnly, isoInstant, toIsoString } from '../../workflows/time';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function engagementCommands(session: Session): Command {
  const group = new Command('engagement');
  // Commander checks mandatory options before arguments, and `[vendor]` is optional in its syntax
  // (`engagement:<campaign>:<vendor>` names both), so `respond vc` would be told of `--file` before
  // of the vendor it lacks. The engagement is named first, then the options (see namedFirst below).
  const refArgs = (command: Command) =>
    command
      .argument('<campaign>')
      .argument('[vendor]')
      .hook('preAction', (action) => {
        parseEngagementRef(...(action.processedArgs as [string, string | undefined]));
        const missing = (deferred.get(action) ?? []).find((option) => action.getOptionValue(option.attributeName()) === undefined);
        if (missing) action.error(`error: required option '${missing.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
      });
  const deferred = new WeakMap<Command, Option[]>();

  group
    .command('start')
    .requiredOption('--campaign-file <file>')
    .requiredOption('--vendor <id>')
    .action(
      withContext(session, async (ctx, options: { campaignFile: string; vendor: string }) => {
        const campaign = loadCampaignFile(options.campaignFile);
        const vendor = campaign.vendors.find((v) => v.id === options.vendor);
        if (!vendor) {
          const vendors = campaign.vendors.map((v) => v.id).join(', ');
          throw invalidInput(ctx.words.say(vendors ? 'error.vendor-not-in-file' : 'error.vendor-not-in-file-none', { vendor: options.vendor, file: options.campaignFile, vendors }));
        }
        const dossier = await ctx.dossier();
        const started = await dossier.startEngagement({ campaign: campaign.campaign, vendor, policy: campaign.policy });
        ctx.out.result(started, () => ctx.words.say('engagement.started', { workflowId: started.workflowId, vendor: vendor.name }));
      }),
    );

  refArgs(group.command('show'))
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined) => {
        const ref = parseEngagementRef(campaign, vendor);
        const [status, timeZone] = await Promise.all([recordOf(ctx, ref), zoneToShow(ctx, ref)]);
        // A reason the lead gave in both languages is printed in the officer's (the JSON keeps the record).
        const decision = status.withdrawalReason ? await ctx.campaigns().then((campaigns) => leadDecisionOf(campaigns, ref, status), () => undefined) : undefined;
        ctx.out.result(status, () => renderStatus(status, ctx.words, timeZone, decision));
      }),
    );

  refArgs(group.command('respond'))
    .requiredOption('--file <file>')
    .option('--attach <file>', '', collect, [])
    .option('--received <date>', '', new Date().toISOString())
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { file: string; attach: string[]; received: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const response = readResponseFile(options.file, ctx.words);
        const files = options.attach.map((file) => readDocument(file, MAX_ATTACHED_FILE_BYTES, ctx.words));
        const request = { by: ctx.officer, receivedAt: receivedTime(options.received, ctx.words), summary: response.summary, attachments: response.attachments };
        const dossier = await ctx.dossier();
        await recordResponseWithFiles(dossier, documentKeeper(ctx.env, () => ctx.store()), ref, request, files);
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () => ctx.words.say('engagement.response-recorded', { workflowId: status.workflowId, stage: ctx.words.code('stage', status.stage) }));
        // A name the file lists with no file given is recorded as a name: the officer may have meant to keep it.
        const namesOnly = response.attachments.filter((name) => !files.some((f) => f.name === name));
        if (namesOnly.length) ctx.out.note(ctx.words.say('engagement.attachments-named-only', { names: namesOnly.join(', ') }));
      }),
    );

  refArgs(group.command('extend'))
    .option('--until <date>')
    .option('--for <duration>')
    .requiredOption('--reason <text>')
    .option('--round <n>', '', positiveInt('--round', session.words))
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { until?: string; for?: string; reason: string; round?: number }) => {
        const ref = parseEngagementRef(campaign, vendor);
        if ((options.until === undefined) === (options.for === undefined)) {
          throw invalidInput(ctx.words.say('error.extend-until-or-for'));
        }
        const dossier = await ctx.dossier();
        await dossier.extendDeadline(ref, {
          by: ctx.officer,
          ...(options.until !== undefined ? { dueDate: dueTime('--until', options.until, await dossier.campaignTimeZone(ref), Date.now(), ctx.words) } : { extendBy: options.for!.trim() }),
          reason: nonEmpty('--reason', options.reason, ctx.words),
          round: options.round,
        });
        // The update answers with the stage alone; the whole status is read when shown.
        const [status, timeZone] = await Promise.all([dossier.status(ref), zoneToShow(ctx, ref)]);
        ctx.out.result(status, () => renderExtension(status, ctx.words, timeZone));
      }),
    );

  refArgs(group.command('ask'))
    .option('--file <file>')
    .option('--question <text>', '', collect, [])
    .option('--due <date>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { file?: string; question: string[]; due?: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const questions = [...(options.file ? readQuestionsFile(options.file, ctx.words) : []), ...options.question.map((q) => q.trim())];
        if (!questions.length) throw invalidInput(ctx.words.say('error.no-questions'));
        if (questions.some((q) => !q)) throw invalidInput(ctx.words.say('error.question-empty'));
        const dossier = await ctx.dossier();
        const asked = await dossier.askFollowUp(ref, {
          by: ctx.officer,
          questions,
          dueDate: options.due === undefined ? undefined : dueTime('--due', options.due, await dossier.campaignTimeZone(ref), Date.now(), ctx.words),
        });
        const timeZone = await zoneToShow(ctx, ref);
        ctx.out.result(asked, () =>
          table(
            ctx.words.headings('question', 'round', 'due', 'text'),
            asked.map((q) => [q.id, q.round, ctx.words.dueDay(q.dueDate, timeZone), q.text]),
          ),
        );
      }),
    );

  refArgs(group.command('answer'))
    .option('--file <file>')
    .option('--answer <id=text>', '', collect, [])
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { file?: string; answer: string[] }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const answers = [...(options.file ? readAnswersFile(options.file, ctx.words) : []), ...options.answer.map((answer) => parseAnswerOption(answer, ctx.words))];
        if (!answers.length) throw invalidInput(ctx.words.say('error.no-answers'));
        const dossier = await ctx.dossier();
        await dossier.recordAnswers(ref, { by: ctx.officer, answers });
        // The update answers with the stage alone; the whole status is read when shown.
        const status = await dossier.status(ref);
        ctx.out.result(status, () =>
          ctx.words.say('engagement.answers-recorded', {
            answers: ctx.words.sayCount('engagement.answers', answers.length),
            open: ctx.words.sayCount('engagement.questions-open', status.openQuestions.length),
            stage: ctx.words.code('stage', status.stage),
          }),
        );
      }),
    );

  refArgs(group.command('schedule-demo'))
    .requiredOption('--at <time>')
    .option('--duration <minutes>', '', positiveInt('--duration', session.words), 60)
    .requiredOption('--attendee <"Name <email>">', '', collect)
    .option('--topic <text>', '', collect, [])
    .option('--location <text>')
    .option('--link <url>')
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
            at: isoTime('--at', options.at, Date.now(), ctx.words),
            durationMinutes: options.duration,
            attendees: options.attendee.map((attendee) => parseContact(attendee, ctx.words)),
            topics: options.topic.length ? options.topic : DEFAULT_TOPICS,
            ...meetingPlaceOptions(options),
          });
          ctx.out.result(demonstration, () => ctx.words.say('engagement.demo-scheduled', { id: demonstration.id, at: ctx.words.when(demonstration.at) }));
        },
      ),
    );

  refArgs(group.command('reschedule-demo'))
    .requiredOption('--at <time>')
    .requiredOption('--reason <text>')
    .option('--demo <id>')
    .option('--location <text>')
    .option('--no-location')
    .option('--link <url>')
    .option('--no-link')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { at: string; reason: string; demo?: string; location?: string | false; link?: string | false }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const dossier = await ctx.dossier();
        const demonstration = await dossier.rescheduleDemonstration(ref, {
          by: ctx.officer,
          demonstrationId: options.demo ?? (await pendingDemonstration(ctx, ref)),
          at: isoTime('--at', options.at, Date.now(), ctx.words),
          reason: nonEmpty('--reason', options.reason, ctx.words),
          // --no-location / --no-link: null removes the place or link; omitted, it stays.
          ...meetingPlaceOptions({ location: options.location || undefined, link: options.link || undefined }),
          ...(options.location === false ? { location: null } : {}),
          ...(options.link === false ? { meetingUrl: null } : {}),
        });
        ctx.out.result(demonstration, () => ctx.words.say('engagement.demo-moved', { id: demonstration.id, at: ctx.words.when(demonstration.at) }));
      }),
    );

  refArgs(group.command('demo-outcome'))
    .addOption(new Option('--result <result>').choices(DEMONSTRATION_RESULTS).makeOptionMandatory())
    .option('--notes <text>')
    .option('--notes-file <file>')
    .option('--demo <id>')
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
          const notes = options.notesFile ? readText(options.notesFile, ctx.words).trim() : (options.notes ?? '').trim();
          if (!notes) throw invalidInput(ctx.words.say('error.no-demo-notes'));
          const dossier = await ctx.dossier();
          const demonstration = await dossier.recordDemonstrationOutcome(ref, {
            by: ctx.officer,
            demonstrationId: options.demo ?? (await pendingDemonstration(ctx, ref)),
            result: options.result,
            notes,
          });
          ctx.out.result(demonstration, () => ctx.words.say('engagement.demo-outcome', { id: demonstration.id, result: ctx.words.code('result', demonstration.result) }));
        },
      ),
    );

  refArgs(group.command('conclude'))
    .requiredOption('--findings <file>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { findings: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const findings = readFindingsFile(options.findings, ctx.words);
        const outcome = await (await ctx.dossier()).conclude(ref, { by: ctx.officer, findings });
        ctx.out.result(outcome, () => ctx.words.say('engagement.concluded', { workflowId: engagementWorkflowId(ref.campaignId, ref.vendorId), stage: ctx.words.code('stage', outcome.stage) }));
      }),
    );

  refArgs(group.command('correct-contact'))
    .requiredOption('--email <address>')
    .option('--name <name>')
    .requiredOption('--reason <text>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { email: string; name?: string; reason: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const dossier = await ctx.dossier();
        const name = options.name ?? (await dossier.status(ref)).contacts?.[0]?.name ?? '';
        await dossier.correctContacts(ref, { by: ctx.officer, contacts: [{ name, email: options.email }], reason: nonEmpty('--reason', options.reason, ctx.words) });
        const status = await dossier.status(ref);
        ctx.out.result(status, () => ctx.words.say('engagement.contact-corrected', { workflowId: status.workflowId, email: options.email }));
      }),
    );

  // `--add a@x.test,Name` or `--replace …`, repeated for several; a name left out is the vendor's own.
  refArgs(group.command('contacts'))
    .option('--add <email[,name]>', '', collect, [])
    .option('--replace <email[,name]>', '', collect, [])
    .requiredOption('--reason <text>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { add: string[]; replace: string[]; reason: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        if ((options.add.length === 0) === (options.replace.length === 0)) throw invalidInput(ctx.words.say('error.contacts-add-or-replace'));
        const mode = options.add.length ? 'add' : 'replace';
        const reason = nonEmpty('--reason', options.reason, ctx.words);
        const dossier = await ctx.dossier();
        const { vendorName } = await dossier.status(ref);
        const contacts = (mode === 'add' ? options.add : options.replace).map((given) => typedContact(given, vendorName));
        await dossier.changeContacts(ref, { by: ctx.officer, mode, contacts, reason });
        const status = await dossier.status(ref);
        const emails = (status.contacts ?? []).map((c) => c.email).join(', ');
        ctx.out.result(status, () => ctx.words.say('engagement.contacts-changed', { workflowId: status.workflowId, emails }));
      }),
    );

  refArgs(group.command('withdraw'))
    .requiredOption('--reason <text>')
    .action(
      withContext(session, async (ctx, campaign: string, vendor: string | undefined, options: { reason: string }) => {
        const ref = parseEngagementRef(campaign, vendor);
        const reason = nonEmpty('--reason', options.reason, ctx.words);
        const status = await (await ctx.dossier()).withdraw(ref, { by: ctx.officer, reason });
        ctx.out.result(status, () =>
          ctx.words.say(status.stage === 'withdrawn' ? 'engagement.withdrawn' : 'engagement.withdrawal-pending', {
            vendor: status.vendorName,
            workflowId: status.workflowId,
            reason: status.withdrawalReason ?? reason,
            stage: ctx.words.code('stage', status.stage),
          }),
        );
      }),
    );

  // Every command of `refArgs` checks its mandatory options once its engagement is named.
  for (const command of group.commands.filter((c) => c.registeredArguments.some((a) => a.name() === 'vendor'))) {
    const mandatory = command.options.filter((option) => option.mandatory);
    for (const option of mandatory) option.makeOptionMandatory(false);
    deferred.set(command, mandatory);
  }
  return group;
}

/** What the open letter asked vendors to demonstrate, when the officer names no topic. */
const DEFAULT_TOPICS = [
  'How the privacy measures are achieved',
  'How they are monitored',
  'How they are validated',
];

/**
 * The zone an engagement's due dates are shown in (`campaignTimeZone`: its lead authority's, as its
 * letters and the workspace date them); none under `--json`, which keeps the instants and needs no
 * extra read. A zone that cannot be read leaves the dates as UTC instants, which say so.
 */
async function zoneToShow(ctx: CommandContext, ref: EngagementRef): Promise<string | undefined> {
  if (ctx.out.json) return undefined;
  return (await ctx.dossier()).campaignTimeZone(ref).catch(() => undefined);
}

/**
 * The success line of `extend`: the date that moved, the round's or the response's, as the day the
 * vendor is told (its day in `timeZone`, the campaign's). The latest extension in the timeline names
 * it (a request without --round leaves the round to the workflow); `nextDeadline` is the earliest of
 * every open date and demonstration, not necessarily this one.
 */
export function renderExtension(status: EngagementStatus, words: CliWords = cliWords('en'), timeZone?: string): string {
  const extended = [...status.timeline].reverse().find((t) => t.what === 'response deadline extended' || /^follow-up round \d+ extended$/.test(t.what));
  const round = extended && /^follow-up round (\d+) extended$/.exec(extended.what)?.[1];
  if (round === undefined) return words.say('engagement.deadline-moved', { workflowId: status.workflowId, date: words.dueDay(status.responseDueDate, timeZone) });
  const dueDate = (status.rounds ?? []).find((r) => r.round === Number(round))?.dueDate;
  return words.say('engagement.round-deadline-moved', { workflowId: status.workflowId, round, date: words.dueDay(dueDate, timeZone) });
}

/** The title of the reason's section, by the stage a withdrawn case reads as. */
const WITHDRAWAL_SECTIONS = { withdrawn: 'section.withdrawn', 'closed-by-lead': 'section.closed-by-lead', excluded: 'section.excluded' } as const;

/**
 * `timeZone`: the campaign's (`campaignTimeZone`), the due dates' days are shown in; without it, UTC instants.
 * `decision`: the lead's, when the engagement was closed or excluded at drafting (client/withdrawal-reason.ts): the
 * stage reads so, and its reason is shown in the officer's language.
 */
export function renderStatus(status: EngagementStatus, words: CliWords = cliWords('en'), timeZone?: string, decision?: Pick<OpenCaseDecision, 'action' | 'reason'>): string {
  const given = decision?.reason;
  const parts = [
    fields([
      [words.say('heading.engagement'), status.workflowId],
      [words.say('heading.vendor'), `${status.vendorName} (${status.vendorId})`],
      [words.say('heading.stage'), words.code('stage', stageAsDecided(status.stage, decision?.action))],
      [words.say('heading.next-deadline'), words.deadline(status.nextDeadline, undefined, timeZone)],
      [words.say('heading.response'), status.response ? words.say('engagement.response-received', { at: words.when(status.response.receivedAt) }) : words.say('engagement.no-response')],
      // A final notice is not a reminder (it announces closure): counted apart, as `campaign status` does.
      [words.say('heading.reminders-sent'), words.count(status.remindersSent.filter((r) => r.kind === 'reminder').length)],
      [words.say('heading.final-notices-sent'), words.count(status.remindersSent.filter((r) => r.kind === 'final-notice').length)],
      [words.say('heading.open-questions'), words.count(status.openQuestions.length)],
    ]),
  ];
  if (status.stage === 'letter-undeliverable') {
    const refused = (status.contacts ?? []).map((c) => c.email).join(', ');
    parts.push(section(words.say('engagement.undelivered.title'), words.say('engagement.undelivered', { addresses: refused, workflowId: status.workflowId })));
  }
  const copy = status.letterCopyNotFiled;
  if (copy) parts.push(section(words.say('engagement.letter-copy.title'), words.say('engagement.letter-copy-not-filed', { since: words.when(copy.since), error: copy.error })));
  if (status.response) {
    parts.push(section(words.say('section.response'), status.response.summary));
    if (status.response.attachments.length) {
      parts.push(section(words.say('section.attachments'), status.response.attachments.map((a) => `  - ${a}`).join('\n')));
    }
  }
  if (status.questions.length) {
    parts.push(
      section(
        words.say('section.questions'),
        table(
          words.headings('id', 'round', 'due', 'question', 'answer'),
          status.questions.map((q) => [q.id, q.round, words.dueDay(q.dueDate, timeZone), q.text, q.answer ?? words.say('engagement.question-open')]),
        ),
      ),
    );
  }
  if (status.demonstrations.length) {
    parts.push(
      section(
        words.say('section.demonstrations'),
        table(
          words.headings('id', 'at', 'minutes', 'where', 'result', 'notes'),
          status.demonstrations.map((d) => [
            d.id,
            d.previousAt ? words.say('engagement.demo-moved-from', { at: words.when(d.at), from: words.when(d.previousAt), reason: d.rescheduleReason ?? '' }) : words.when(d.at),
            d.durationMinutes,
            [d.location, d.meetingUrl].filter(Boolean).join(' · '),
            words.code('result', d.result) ?? words.say('engagement.demo-to-be-held'),
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
        words.say('section.findings'),
        table(
          words.headings('principle', 'assessment', 'good-practices'),
          PRINCIPLES.map((p) => [principleName(p, words), bothLanguages(findings[p].assessment, words), findings[p].goodPractices.map((g) => `- ${bothLanguages(g, words)}`).join('\n')]),
        ),
      ),
    );
  }
  if (status.withdrawalReason) parts.push(section(words.say(WITHDRAWAL_SECTIONS[stageAsDecided('withdrawn', decision?.action)]), withdrawalReasonIn(status.withdrawalReason, given, words.language).text));
  if (status.deliveryFailures.length) {
    parts.push(section(words.say('section.delivery-failures'), deliveryFailuresTable(status.deliveryFailures, words)));
  }
  parts.push(section(words.say('section.timeline'), timelineTable(status, words, timeZone, given, decision?.action)));
  return parts.join('\n');
}

/** Messages refused or bounced for good, and why, in the officer's language (client/delivery-failures.ts). */
export function deliveryFailuresTable(failures: readonly DeliveryFailure[], words: CliWords): string {
  return table(
    words.headings('at', 'message', 'reason'),
    failures.map((f) => [words.when(f.at), f.step, deliveryFailureText(f, words.language).text]),
  );
}

/** A principle as the officer knows it: its code in English (what findings files name), its title in French. */
function principleName(principle: Principle, words: CliWords): string {
  return words.language === 'en' ? principle : (wordOf(words.language, `principles.${principle}`) ?? principle);
}

/**
 * The timeline, each entry worded in the officer's language from the workspace's sentences, its
 * detail included, as the workspace's engagement page words it (client/timeline-words.ts): an entry
 * read as recorded ("open-letter sent", "letter") reads as a sentence in English too. The days it
 * names (a deadline moved "to 18 January") are days in `timeZone`; when each entry happened stays UTC.
 */
function timelineTable(status: EngagementStatus, words: CliWords, timeZone?: string, given?: PublicText, decided?: OpenCaseAction): string {
  const wording = cliWording(words, timeZone);
  const worded = withdrawalReasonMarked(
    wordTimeline(status.timeline, words.language, timeZone ?? 'UTC', wording, status.deliveryFailures),
    status.timeline,
    given,
    words.language,
    // Its entry names the lead's decision, as the engagement page's does.
    decided && { withdrawn: wording.text(words.language, 'timeline.withdrawn'), as: wording.text(words.language, `timeline.${stageAsDecided('withdrawn', decided)}`) },
  );
  return table(words.headings('at', 'by', 'what'), worded.map((e) => [words.when(e.at), e.by, e.said ? `${e.what}${e.said.text}` : e.what]));
}

async function pendingDemonstration(ctx: CommandContext, ref: EngagementRef): Promise<string> {
  const status = await (await ctx.dossier()).status(ref);
  const pending = status.demonstrations.filter((d) => d.result === undefined);
  if (pending.length === 1) return pending[0]!.id;
  // A refusal like the workflow's own (exit code 4), not a usage error: the command was well formed.
  if (!pending.length) throw refused(describeEngagement(ref), ctx.words.say('error.no-pending-demo'));
  throw invalidInput(ctx.words.say('error.several-pending-demos', { engagement: describeEngagement(ref), ids: pending.map((d) => d.id).join(', ') }));
}

/**
 * An ISO date or timestamp, or a time relative to now written `in 2 minutes` / `in 3 days`, so a
 * walkthrough or script can schedule a meeting that is always in the future.
 */
export function isoTime(option: string, value: string, now = Date.now(), words: CliWords = cliWords('en')): string {
  const relative = /^\s*in\s+(.+)$/i.exec(value);
  const time = relative ? ((ms) => (ms === undefined ? undefined : now + ms))(durationMs(relative[1]!)) : isoInstant(value);
  if (time === undefined) {
    throw invalidInput(words.say('error.not-a-time', { option, value }));
  }
  return toIsoString(time);
}

/**
 * A due date as the officer wrote it, read in the campaign's zone as the workspace reads one
 * (`instantInZone`): `2021-02-03` runs to the end of that day there, `2021-02-03T17:00` is 17:00
 * there; a timestamp with its zone and "in 30 days" are kept as they are.
 */
export function dueTime(option: string, value: string, timeZone: string, now = Date.now(), words: CliWords = cliWords('en')): string {
  if (/^\s*in\s/i.test(value)) return isoTime(option, value, now, words);
  const time = instantInZone(value, timeZone);
  if (time === undefined) {
    throw invalidInput(words.say('error.not-a-due-date', { option, value, timeZone }));
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
export function receivedTime(value: string, words: CliWords = cliWords('en')): string {
  if (/^\s*in\s/i.test(value)) throw invalidInput(words.say('error.received-in-future', { value }));
  // Read here rather than by isoTime, whose examples ("in 2 minutes") name the future.
  const time = isoInstant(value);
  if (time === undefined) throw invalidInput(words.say('error.received-not-a-date', { value }));
  return isDateOnly(value.trim()) ? value.trim() : toIsoString(time);
}

function nonEmpty(option: string, value: string, words: CliWords): string {
  if (!value.trim()) throw invalidInput(words.say('error.empty-option', { option }));
  return value.trim();
}


function parseAnswerOption(value: string, words: CliWords): { questionId: string; answer: string } {
  const eq = value.indexOf('=');
  const questionId = value.slice(0, eq).trim();
  const answer = value.slice(eq + 1).trim();
  if (eq <= 0 || !questionId || !answer) throw invalidInput(words.say('error.answer-option', { value }));
  return { questionId, answer };
}

function parseContact(value: string, words: CliWords): Contact {
  const match = /^\s*(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$/.exec(value) ?? /^\s*()([^<>\s]+@[^<>\s]+)\s*$/.exec(value);
  if (!match) throw invalidInput(words.say('error.attendee-option', { value }));
  return { name: match[1] || match[2]!, email: match[2]! };
}

/** Public text as the officer checks it: English, then French; a language still to write shows as "(fr: —)". */
function bothLanguages(text: RecordedText, words: CliWords): string {
  const { en, fr } = publicText(text);
  return `${en || words.say('engagement.text-missing', { language: 'en' })}\n${fr || words.say('engagement.text-missing', { language: 'fr' })}`;
}

