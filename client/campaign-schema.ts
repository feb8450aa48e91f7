// The shape of a campaign file, checked field by field before anything starts (the loader and the
// client's start both run it). Vendors and paragraphs go through campaign-rules.ts, the zod-free
// rules the running campaign applies to a late vendor and to the statement text, so both check
// with the very same rules. Text fields follow text-rules.ts (as engagement updates do): names are
// one line without `<` or `>`, titles one line, paragraphs free text without active markup, every
// field with a maximum length.
import { z } from 'zod';
import { describeCharacter, undrawableCharacters } from '../activities/pdf/fonts';
import { checkTimeZoneName, holidaysFor } from '../activities/calendar';
import {
  cleanParagraphs,
  cleanVendor,
  formatPath,
  ID_MESSAGE,
  paragraphsProblems,
  vendorProblems,
  refusalPath,
  unknownFieldsDetails,
  wrongTypeDetails,
  type Problem,
} from '../workflows/campaign-rules';
import { REFUSALS, type RefusalDetails, type ValueType } from '../workflows/refusals';
import { emailProblem, LIMITS, textIssue, TYPE_WORDS, typeWords, type TextRule } from '../workflows/text-rules';
import { durationIssue, durationMs, durationProblem, isCalendarDate, workingDays, DATE_ONLY, MAX_WORKING_DAYS } from '../workflows/time';
import { FRENCH_ARTICLES, ID_PATTERN, LANGUAGES, type BilingualParagraphs, type CampaignInput, type Vendor } from '../workflows/types';
import { HISTORY_EVENTS_PER_RUN } from '../workflows/engagement-rules';

export { checkVendor, formatPath, statementTextProblems } from '../workflows/campaign-rules';

const id = z.string().regex(ID_PATTERN, ID_MESSAGE);

/**
 * A problem this schema finds itself, with no refusal code the workspace words: the key of its
 * sentence (templates/cli.yaml `file.problem.<key>`) and its values, so the CLI says it in the
 * officer's language. The English `message` stays what the file's checks have always said.
 */
export interface ProblemWording {
  key: string;
  values: Record<string, string>;
}

/** An issue of this schema, English for its message, worded elsewhere by `key`. */
function wordedIssue(ctx: z.RefinementCtx, message: string, key: string, values: Record<string, string> = {}, path?: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message, params: { wording: { key, values } }, ...(path ? { path } : {}) });
}

/** A value as a problem quotes it: text as written, anything else as JSON, cut at 40 characters. */
function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** A duration's problem, worded by its issue (`file.problem.duration.<issue>`). */
function durationIssueOf(value: unknown, options: { workingDays?: boolean; atLeastOneSecond?: boolean }, ctx: z.RefinementCtx): void {
  const problem = durationProblem(value, options);
  if (!problem) return;
  const issue = durationIssue(value, options)!;
  const key = issue === 'not-a-duration' && options.workingDays ? 'duration.not-a-deadline' : `duration.${issue}`;
  wordedIssue(ctx, problem, key, { got: quoted(value), max: issue === 'working-days-range' ? String(MAX_WORKING_DAYS) : '' });
}

/** A part checked by the plain rules of campaign-rules.ts (which the running campaign uses too). */
function byRules<T>(problems: (value: unknown) => Problem[], clean: (value: T) => T) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      // The code travels in the issue's params; checkCampaign makes its path the file's (`vendors[2].id`).
      for (const p of problems(value)) {
        const language = p.refusal ? undefined : unknownLanguage(value, p.path);
        if (language) wordedIssue(ctx, language.message, 'one-of', language.values, p.path);
        else ctx.addIssue({ code: 'custom', path: p.path, message: p.message, ...(p.refusal ? { params: { refusal: p.refusal } } : {}) });
      }
    })
    .transform((value) => clean(value as T));
}

/**
 * A vendor's language that is not one of Dossier's: campaign-rules.ts says it as zod once did
 * (`Invalid option: expected one of "en"|"fr"`); the file's reader is told the choices and what it wrote.
 */
function unknownLanguage(value: unknown, path: (string | number)[]): { message: string; values: Record<string, string> } | undefined {
  if (path[path.length - 1] !== 'language') return undefined;
  const given = path.reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string | number, unknown>)[key] : undefined), value);
  if (given === undefined || (LANGUAGES as readonly unknown[]).includes(given)) return undefined;
  const values = { choices: choices(LANGUAGES), got: quoted(given) };
  return { message: `must be one of ${values.choices} (got ${JSON.stringify(given)})`, values };
}

/**
 * A string field checked by text-rules.ts, trimmed once it passes; its problem worded by its code
 * (`file.problem.text.<code>`), with what was found as typed (the sentence quotes it as its language quotes).
 */
function ruled(rule: TextRule) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const issue = textIssue(value, rule);
      if (!issue) return;
      if (!issue.code) return void ctx.addIssue({ code: 'custom', message: issue.message });
      wordedIssue(ctx, issue.message, `text.${issue.code}`, { found: unquoted(issue.found ?? ''), max: String(rule.max), got: String(value.length) });
    })
    .transform((value) => value.trim());
}

/** What text-rules.ts quoted as JSON ("<script"), as typed: a French sentence quotes it « thus ». */
function unquoted(found: string): string {
  try {
    const text: unknown = JSON.parse(found);
    return typeof text === 'string' ? text : found;
  } catch {
    return found.replace(/^"|"$/g, '');
  }
}

/** A list with a maximum length, said in the same words as text-rules.ts. */
function listOf<T extends z.ZodType>(item: T, max: number) {
  return z.array(item).max(max, `must have at most ${max} entries`);
}

const name = ruled({ kind: 'name', max: LIMITS.name });
const text = ruled({ kind: 'line', max: LIMITS.title });
const email = z.string().superRefine((value, ctx) => {
  const problem = emailProblem(value);
  // zod's own wording for a malformed address, which the officer's guide quotes.
  if (problem) ctx.addIssue({ code: 'custom', message: problem.startsWith('must be an email address') ? 'invalid email' : problem });
});
const duration = z.union([z.number(), z.string()]).superRefine((value, ctx) => durationIssueOf(value, {}, ctx));
/** How often a reminder repeats: a duration of at least a second. */
const interval = z.union([z.number(), z.string()]).superRefine((value, ctx) => durationIssueOf(value, { atLeastOneSecond: true }, ctx));
/**
 * How long a published campaign's histories stay readable before its data key is destroyed: more
 * than nothing, so the key outlives the campaign's own last step (its result is sealed with it).
 */
const retention = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  const millis = durationMs(value);
  if (durationProblem(value)) durationIssueOf(value, {}, ctx);
  else if (millis !== undefined && millis < 1_000) wordedIssue(ctx, `must be at least 1 second (got ${JSON.stringify(value)})`, 'retention-under-a-second', { got: quoted(value) });
});
/** A deadline a vendor owes: a duration, or working days on the lead authority's calendar. */
const deadline = z.union([z.number(), z.string()]).superRefine((value, ctx) => durationIssueOf(value, { workingDays: true }, ctx));
/** Either error thrown by a check, as an issue on this field, worded by `key` with the value given. */
function checkedBy(check: (value: string) => void, key: string) {
  return z.string().superRefine((value, ctx) => {
    try {
      check(value);
    } catch (err) {
      wordedIssue(ctx, (err as Error).message, key, { got: quoted(value) });
    }
  });
}
const isoDate = z.string().superRefine((value, ctx) => {
  if (!DATE_ONLY.test(value)) wordedIssue(ctx, `must be a date written YYYY-MM-DD (got "${quoted(value)}")`, 'date-format', { got: quoted(value) });
  else if (!isCalendarDate(value)) wordedIssue(ctx, `must be a date that exists (got "${value}")`, 'date-not-real', { got: value });
});
const language = z.enum(LANGUAGES);
const bilingual = z.strictObject({ en: text, fr: text });
const bilingualName = z.strictObject({ en: name, fr: name });
const paragraphs = byRules<BilingualParagraphs>(paragraphsProblems, cleanParagraphs);
const contact = z.strictObject({ name, email });
/** The office that signs the emails: one name, or its name in each language (`{ en, fr }`). */
const officeContact = z.strictObject({ name: z.union([name, bilingualName]), email });

/**
 * `le`, `la` or `l’`; a typed `l'` is kept with the typographic apostrophe the emails print. `les` is
 * refused with its reason, since it reads as an article like the others.
 */
const frenchArticle = z
  .string()
  .transform((value) => value.trim().replace(/'$/, '’'))
  .pipe(
    z.enum(FRENCH_ARTICLES, {
      error: (issue) =>
        typeof issue.input === 'string' && issue.input.toLowerCase() === 'les'
          ? `must be one of ${FRENCH_ARTICLES.join(', ')}, not les: an authority is one body, and the French emails make it the subject of a singular verb ("Le Commissariat … demande")`
          : `must be one of ${FRENCH_ARTICLES.join(', ')}: the article French puts before the name in a sentence`,
    }),
  );

const authority = z.strictObject({
  id,
  name: bilingualName,
  article: z.strictObject({ fr: frenchArticle }).optional(),
  contact,
  lead: z.boolean().optional(),
  language: language.optional(),
  jurisdiction: checkedBy((value) => void holidaysFor(value), 'jurisdiction-unknown').optional(),
  timeZone: checkedBy(checkTimeZoneName, 'time-zone-unknown').optional(),
});

export const vendorSchema = byRules<Vendor>(vendorProblems, cleanVendor);

const policy = z.strictObject({
  responseDue: deadline,
  reminderCadence: z.array(deadline),
  finalNoticeAfter: deadline,
  closeAfter: deadline,
  followUpDue: deadline,
  demonstrationReminderLead: duration,
  deliveryAlertAfter: duration.optional(),
  historyEventsPerRun: z.int().min(HISTORY_EVENTS_PER_RUN.min).max(HISTORY_EVENTS_PER_RUN.max).optional(),
  letterKeptWithin: duration.optional(),
  approvalReminderEvery: interval,
});

const approval = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('all') }),
  z.strictObject({ rule: z.literal('quorum'), quorum: z.int().min(1) }),
]);

/** Marks the second occurrence of each id in a list, at its own path. */
function uniqueIds<T extends { id: string }>(what: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const first = seen.get(item.id);
      if (first === undefined) seen.set(item.id, index);
      else wordedIssue(ctx, `duplicate ${what} id "${item.id}" (first at index ${first})`, `duplicate-id.${what}`, { id: item.id, first: String(first) }, [index, 'id']);
    });
  };
}

export const campaignFileSchema = z
  .strictObject({
    id,
    reference: ruled({ kind: 'name', max: LIMITS.reference }),
    title: bilingual,
    topic: bilingual.optional(),
    authorities: listOf(authority, LIMITS.authorities)
      .min(1, 'needs at least one signatory authority')
      .superRefine(uniqueIds('authority'))
      .superRefine((list, ctx) => {
        const leads = list.flatMap((a, index) => (a.lead ? [index] : []));
        if (leads.length === 1) return;
        const ids = leads.map((i) => `"${list[i].id}"`).join(' and ');
        if (leads.length > 1) wordedIssue(ctx, `exactly one authority leads, but ${ids} both have lead: true`, 'leads-several', { ids: leads.map((i) => list[i].id).join(', ') }, [leads[1], 'lead']);
        else wordedIssue(ctx, 'exactly one authority must have lead: true', 'leads-none', {}, []);
      }),
    vendors: listOf(vendorSchema, LIMITS.vendorsPerCampaign).superRefine(uniqueIds('vendor')),
    policy,
    letter: z.strictObject({ date: isoDate, body: paragraphs }),
    officeContact,
    /** Who gets the daily digest, each in their language and at its hour in their zone; the office in the lead's language when absent. */
    officers: z.array(z.strictObject({ name, email, language, timeZone: checkedBy(checkTimeZoneName, 'time-zone-unknown').optional() })).optional(),
    approval: approval.default({ rule: 'all' }),
    publication: z
      .strictObject({ folder: id.optional(), notifyVendors: z.boolean().default(true), retention: retention.optional() })
      .default({ notifyVendors: true }),
  })
  .superRefine((file, ctx) => {
    refuseUndrawable(file, [], ctx);
    if (file.approval.rule === 'quorum' && file.approval.quorum > file.authorities.length) {
      const values = { quorum: String(file.approval.quorum), count: String(file.authorities.length) };
      wordedIssue(ctx, `a quorum of ${values.quorum} cannot be met by ${values.count} authorities`, 'quorum-unreachable', values, ['approval', 'quorum']);
    }
    const inWorkingDays = (['responseDue', 'reminderCadence', 'finalNoticeAfter', 'closeAfter', 'followUpDue'] as const).filter((field) =>
      [file.policy[field]].flat().some((d) => workingDays(d) !== undefined),
    );
    const lead = file.authorities.findIndex((a) => a.lead);
    if (inWorkingDays.length && lead !== -1) {
      for (const field of ['jurisdiction', 'timeZone'] as const) {
        if (!file.authorities[lead]![field]) {
          const fields = inWorkingDays.map((f) => `policy.${f}`).join(', ');
          const message = `the lead authority needs a ${field} to count ${fields} in working days (e.g. ${field === 'jurisdiction' ? 'CA' : 'America/Toronto'})`;
          wordedIssue(ctx, message, `lead-calendar-needed.${field}`, { fields }, ['authorities', lead, field]);
        }
      }
    }
    // The zone dates letters, the digest and the statement only with a calendar to go with it
    // (workflows/types.ts leadCalendar): either one alone would leave every date in UTC unsaid.
    const leadAuthority = lead === -1 ? undefined : file.authorities[lead]!;
    if (leadAuthority && !inWorkingDays.length && Boolean(leadAuthority.jurisdiction) !== Boolean(leadAuthority.timeZone)) {
      const missing = leadAuthority.timeZone ? 'jurisdiction' : 'timeZone';
      const given = missing === 'jurisdiction' ? 'timeZone' : 'jurisdiction';
      const message = `the lead authority gives a ${given} but no ${missing}: dates are shown in its zone only with both (e.g. jurisdiction: CA, timeZone: America/Toronto); without either they are in UTC`;
      wordedIssue(ctx, message, `lead-calendar-half.${missing}`, {}, ['authorities', lead, missing]);
    }
    // Compared in one unit: days of either kind (a working day is at least a calendar day).
    const reach = (d: string | number) => durationMs(d) ?? (workingDays(d) ?? 0) * 86_400_000;
    const finalNotice = reach(file.policy.finalNoticeAfter);
    file.policy.reminderCadence.forEach((reminder, index) => {
      if (reach(reminder) >= finalNotice) {
        const values = { reminder: String(reminder), finalNotice: String(file.policy.finalNoticeAfter) };
        wordedIssue(ctx, `reminder at ${values.reminder} is not before the final notice (${values.finalNotice})`, 'reminder-not-before-final-notice', values, ['policy', 'reminderCadence', index]);
      }
    });
  });

/**
 * Every text of the file ends up in a letter or statement PDF: a character no embedded font can
 * draw (an emoji, a script without a font on this machine) is refused here, at its field, rather
 * than printed as an empty box or refused by the PDF activity once the campaign runs.
 */
function refuseUndrawable(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === 'string') {
    const missing = undrawableCharacters(value);
    if (missing.length) {
      ctx.addIssue({ code: 'custom', path, message: `contains ${missing.map(describeCharacter).join(', ')}, which no font of Dossier's PDFs can draw` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => refuseUndrawable(item, [...path, i], ctx));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) refuseUndrawable(item, [...path, key], ctx);
  }
}

export type CampaignFile = z.output<typeof campaignFileSchema>;

/**
 * One problem in a campaign file: where it is (`vendors[2].contacts[0].email`) and what is wrong;
 * `refusal`, its code and values where the workspace words it in the reader's language.
 */
export interface CampaignProblem {
  path: (string | number)[];
  where: string;
  message: string;
  refusal?: RefusalDetails;
  /** Where no refusal code fits: the sentence the CLI words it with (`file.problem.<key>`). */
  wording?: ProblemWording;
}

/** zod's names of the types a refusal names; any other (a literal, a date) has no code. */
const ZOD_TYPES: Record<string, ValueType> = { string: 'string', number: 'number', int: 'whole-number', boolean: 'boolean', array: 'list', object: 'mapping' };

/** The types a union's every branch expected (`number|string`), when each branch refused the value's type alone. */
function unionTypes(issue: { errors: readonly (readonly z.core.$ZodIssue[])[] }): string | undefined {
  const expected = issue.errors.map((branch) => (branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0 ? ZOD_TYPES[branch[0]!.expected] : undefined));
  if (!expected.length || expected.some((t) => t === undefined)) return undefined;
  return [...new Set(expected)].join('|');
}


const choices = (values: readonly unknown[]) => values.map(String).join(', ');

/** The sentence of a problem that has no refusal code: one this schema gave, or a value not among the choices. */
function issueWording(issue: z.core.$ZodIssue & { input?: unknown }): ProblemWording | undefined {
  if (issue.code === 'invalid_value') return { key: 'one-of', values: { choices: choices(issue.values), got: quoted(issue.input) } };
  return issue.code === 'custom' ? (issue.params as { wording?: ProblemWording } | undefined)?.wording : undefined;
}

/** Short, officer-readable messages instead of zod's defaults (`received undefined` → `is required`). */
const messages: z.core.$ZodErrorMap = (issue) => {
  const got = () => typeWords(issue.input);
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    const expected = ZOD_TYPES[issue.expected];
    return `must be ${expected ? TYPE_WORDS[expected] : `a ${issue.expected}`}, not ${got()}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_value') return `must be one of ${choices(issue.values)} (got ${JSON.stringify(issue.input) ?? 'nothing'})`;
  if (issue.code === 'invalid_union' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_union') {
    const expected = unionTypes(issue);
    if (expected) return `must be ${expected.split('|').map((t) => TYPE_WORDS[t as ValueType]).join(' or ')}, not ${got()}`;
  }
  return undefined;
};

/**
 * The code and values of a problem zod found: a field missing, of the wrong type or unknown; one
 * campaign-rules.ts found, carried in its params, with its path made the file's.
 */
export function issueRefusal(issue: z.core.$ZodIssue & { input?: unknown }): RefusalDetails | undefined {
  if (issue.code === 'invalid_type') {
    const expected = ZOD_TYPES[issue.expected];
    return expected && wrongTypeDetails(issue.path, expected, issue.input);
  }
  if (issue.code === 'unrecognized_keys') return unknownFieldsDetails(issue.path, issue.keys);
  if (issue.code === 'invalid_union') {
    if (issue.input === undefined) return wrongTypeDetails(issue.path, 'string', undefined);
    const expected = unionTypes(issue);
    return expected ? wrongTypeDetails(issue.path, expected as ValueType, issue.input) : undefined;
  }
  const carried = issue.code === 'custom' ? (issue.params as { refusal?: RefusalDetails } | undefined)?.refusal : undefined;
  if (!carried) return undefined;
  const kinds = REFUSALS[carried.refusal] as Record<string, string>;
  const values = Object.fromEntries(Object.entries(carried.values).map(([name, value]) => [name, kinds[name] === 'path' ? refusalPath(issue.path) : value]));
  return { refusal: carried.refusal, values } as RefusalDetails;
}

export type CampaignCheck = { ok: true; input: CampaignInput } | { ok: false; problems: CampaignProblem[] };

/** Every issue zod found, as problems: where, what, and the code or sentence that words it. */
function problemsOf(error: z.ZodError): CampaignProblem[] {
  return error.issues.map((issue) => {
    const refusal = issueRefusal(issue);
    const wording = refusal ? undefined : issueWording(issue);
    return {
      path: issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k)),
      where: formatPath(issue.path),
      message: issue.message,
      ...(refusal ? { refusal } : {}),
      ...(wording ? { wording } : {}),
    };
  });
}

/** Checks parsed campaign data (from YAML or a workflow input) and maps it to the workflow input. */
export function checkCampaign(data: unknown): CampaignCheck {
  // `reportInput`: the value each issue is about, whose type a refusal names.
  const parsed = campaignFileSchema.safeParse(data, { error: messages, reportInput: true });
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  return { ok: true, input: toCampaignInput(parsed.data) };
}

/** Checks a vendor file's data, one entry of a campaign's `vendors`, with the same rules; paths are the file's (`contacts[0].email`). */
export function checkVendorFile(data: unknown): { ok: true; vendor: Vendor } | { ok: false; problems: CampaignProblem[] } {
  const parsed = vendorSchema.safeParse(data, { error: messages, reportInput: true });
  return parsed.success ? { ok: true, vendor: parsed.data } : { ok: false, problems: problemsOf(parsed.error) };
}

export function toCampaignInput(file: CampaignFile): CampaignInput {
  const office = file.officeContact;
  return {
    campaign: {
      id: file.id,
      reference: file.reference,
      title: file.title,
      authorities: file.authorities,
      letterDate: file.letter.date,
      letterBody: file.letter.body,
      // Mail headers carry one name; footers and signatures use the office's name in each language.
      officeContact: { name: typeof office.name === 'string' ? office.name : office.name.en, email: office.email },
      ...(typeof office.name === 'string' ? {} : { officeName: office.name }),
      ...(file.topic ? { topic: file.topic } : {}),
      ...(file.officers?.length ? { officers: file.officers } : {}),
    },
    vendors: file.vendors,
    policy: file.policy,
    approval: file.approval.rule === 'all' ? { kind: 'all' } : { kind: 'quorum', quorum: file.approval.quorum },
    publication: {
      folder: file.publication.folder ?? file.id,
      notifyVendors: file.publication.notifyVendors,
      ...(file.publication.retention === undefined ? {} : { retention: file.publication.retention }),
    },
  };
}

/** The campaign file's form of a workflow input: what `checkCampaign` reads back. */
export function toCampaignFile(input: CampaignInput): CampaignFile {
  const { campaign } = input;
  return {
    id: campaign.id,
    reference: campaign.reference,
    title: campaign.title,
    authorities: campaign.authorities,
    vendors: input.vendors,
    policy: input.policy,
    letter: { date: campaign.letterDate, body: campaign.letterBody },
    officeContact: { name: campaign.officeName ?? campaign.officeContact.name, email: campaign.officeContact.email },
    ...(campaign.topic ? { topic: campaign.topic } : {}),
    ...(campaign.officers ? { officers: campaign.officers } : {}),
    approval: input.approval.kind === 'all' ? { rule: 'all' } : { rule: 'quorum', quorum: input.approval.quorum },
    publication: { folder: input.publication.folder, notifyVendors: input.publication.notifyVendors, retention: input.publication.retention },
  };
}


