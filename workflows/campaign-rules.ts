// The rules a running campaign applies to what its lead sends it: a vendor added late, the
// statement's conclusions and lessons learned. Plain functions over text-rules.ts, without zod, on
// purpose: every workflow instantiates the whole workflow bundle for itself, and zod in it cost each
// cached engagement about three times the memory (BENCHMARKS.md, part 2). The campaign file's zod
// schema (client/campaign-schema.ts) calls these same functions for its vendors and paragraphs.
import { refusalOfAll, valueType, type RefusalDetails, type ValueType } from './refusals';
import { emailProblem, field, TYPE_WORDS, typeWords, fieldValue, findingsSizeDetails, findingsSizeProblem, LIMITS, publicTextDetails, publicTextProblem, quote, sizeDetails, textDetails, textProblem, utf8Length, type FieldRef, type TextRule } from './text-rules';
import { ID_PATTERN, LANGUAGES, OPEN_CASE_ACTIONS, PRINCIPLES, type BilingualParagraphs, type CampaignInput, type Contact, type DecidedStage, type OpenCaseAction, type Vendor } from './types';

/**
 * An engagement's stage as a reader is shown it: one that ended withdrawn by the lead's decision at
 * drafting reads as closed by the lead, or excluded, as the statement says it. Derived from the
 * campaign's decisions (recorded in its history since the lead drafted), so cases that ended before
 * this read right too and no workflow writes a new stage.
 */
export function stageAsDecided<S extends string | undefined>(stage: S, action: OpenCaseAction | undefined): S | DecidedStage {
  if (stage !== 'withdrawn' || action === undefined) return stage;
  return action === 'close' ? 'closed-by-lead' : 'excluded';
}

/**
 * The vendors whose withdrawn engagement reads as `stage` (`stageAsDecided`): those the lead closed, or
 * those it excluded; for withdrawn, every vendor but those the lead decided on. A board filtered on one
 * of these stages asks visibility for its withdrawn engagements of these vendors, a page at a time.
 */
export function vendorsShownAs(stage: 'withdrawn' | DecidedStage, endedByLead: Readonly<Record<string, OpenCaseAction>> = {}): { only: string[] } | { except: string[] } {
  const decided = Object.keys(endedByLead).sort();
  if (stage === 'withdrawn') return { except: decided };
  return { only: decided.filter((vendorId) => stageAsDecided('withdrawn', endedByLead[vendorId]) === stage) };
}

export type Path = (string | number)[];

export interface Problem {
  path: Path;
  message: string;
  /** Its code and values, where the workspace words it in the reader's language. */
  refusal?: RefusalDetails;
}

const NAME: TextRule = { kind: 'name', max: LIMITS.name };
const PARAGRAPH: TextRule = { kind: 'text', max: LIMITS.paragraph };
export const ID_MESSAGE = 'must be lowercase letters, digits and dashes (e.g. "opc-canada")';

/** `vendors[2].contacts[0].email`, as officers read paths in every message. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(file)';
}

/** The wording of a value of the wrong type. */
export function wrongType(expected: 'list' | 'mapping' | 'string', value: unknown): string {
  if (value === undefined) return 'is required';
  return `must be ${TYPE_WORDS[expected]}, not ${typeWords(value)}`;
}

/** `path` as a refusal names it: formatPath's, or empty for the whole file or request. */
export function refusalPath(path: readonly PropertyKey[]): string {
  return path.length ? formatPath(path) : '';
}

/**
 * The code and values of a value missing or of the wrong type at `path` (`expected` several types
 * joined by `|`); undefined for a value of a type no refusal names.
 */
export function wrongTypeDetails(path: readonly PropertyKey[], expected: ValueType | `${ValueType}|${string}`, value: unknown): RefusalDetails | undefined {
  if (value === undefined) return { refusal: 'required', values: { path: refusalPath(path) } };
  const got = valueType(value);
  return got && { refusal: 'wrong-type', values: { path: refusalPath(path), expected, got } };
}

/** The code and values of fields nobody declared, found at `path`. */
export function unknownFieldsDetails(path: readonly PropertyKey[], fields: readonly string[]): RefusalDetails {
  return fields.length === 1
    ? { refusal: 'unknown-field', values: { path: refusalPath(path), field: fields[0]! } }
    : { refusal: 'unknown-fields', values: { path: refusalPath(path), fields: fields.join(', ') } };
}

/** A value of the wrong type (or none) at `path`, with its code where the type is one a refusal names. */
function wrongTypeAt(path: Path, expected: 'list' | 'mapping' | 'string', value: unknown): Problem {
  const refusal = wrongTypeDetails(path, expected, value);
  return { path, message: wrongType(expected, value), ...(refusal ? { refusal } : {}) };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a mapping's own fields: the wrong type, or fields nobody declared. */
function mappingProblems(value: unknown, path: Path, fields: readonly string[]): Problem[] | undefined {
  if (!isMapping(value)) return [wrongTypeAt(path, 'mapping', value)];
  const unknown = Object.keys(value).filter((k) => !fields.includes(k));
  return unknown.length ? [{ path, message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, refusal: unknownFieldsDetails(path, unknown) }] : undefined;
}

/** `ref`: the field's name in a refusal, which carries the code of what is wrong with the text. */
function textAt(value: unknown, path: Path, rule: TextRule, ref?: FieldRef): Problem[] {
  // A text left out is said empty, by the field's name, where the refusal names the field.
  if (typeof value !== 'string' && (value !== undefined || !ref)) return [wrongTypeAt(path, 'string', value)];
  const problem = typeof value === 'string' ? textProblem(value, rule) : wrongType('string', value);
  if (!problem) return [];
  const refusal = ref && textDetails(ref, value, rule);
  return [{ path, message: problem, ...(refusal ? { refusal } : {}) }];
}

/** `n`: the contact's number as a refusal names it (from 1). */
function contactProblems(value: unknown, path: Path, n: number): Problem[] {
  const shape = mappingProblems(value, path, ['name', 'email']);
  if (shape && !isMapping(value)) return shape;
  const { name, email } = value as Record<string, unknown>;
  const problems = textAt(name, [...path, 'name'], NAME, field('contact-name', n));
  if (typeof email !== 'string') problems.push(wrongTypeAt([...path, 'email'], 'string', email));
  else {
    const problem = emailProblem(email);
    const malformed = problem?.startsWith('must be an email address');
    const refusal: RefusalDetails | undefined = malformed ? { refusal: 'address-invalid', values: { address: email } } : textDetails(field('contact-email', n), email, { kind: 'line', max: LIMITS.email });
    // zod's own wording for a malformed address, which the officer's guide quotes.
    if (problem) problems.push({ path: [...path, 'email'], message: malformed ? 'invalid email' : problem, ...(refusal ? { refusal } : {}) });
  }
  return [...problems, ...(shape ?? [])];
}

/** Everything wrong with one vendor, at `path` (e.g. `['vendors', 2]`). */
export function vendorProblems(value: unknown, path: Path = []): Problem[] {
  const shape = mappingProblems(value, path, ['id', 'name', 'language', 'contacts']);
  if (shape && !isMapping(value)) return shape;
  const { id, name, language, contacts } = value as Record<string, unknown>;
  const problems: Problem[] = [];
  if (typeof id !== 'string') problems.push(wrongTypeAt([...path, 'id'], 'string', id));
  else if (!ID_PATTERN.test(id)) problems.push({ path: [...path, 'id'], message: ID_MESSAGE, refusal: { refusal: 'vendor-id-invalid', values: { id } } });
  problems.push(...textAt(name, [...path, 'name'], NAME, field('vendor-name')));
  if (!LANGUAGES.includes(language as (typeof LANGUAGES)[number])) {
    problems.push({
      path: [...path, 'language'],
      message: language === undefined ? 'is required' : `Invalid option: expected one of ${LANGUAGES.map((l) => `"${l}"`).join('|')}`,
      ...(language === undefined ? { refusal: wrongTypeDetails([...path, 'language'], 'string', language) } : {}),
    });
  }
  if (!Array.isArray(contacts)) problems.push(wrongTypeAt([...path, 'contacts'], 'list', contacts));
  else if (contacts.length === 0) problems.push({ path: [...path, 'contacts'], message: 'needs at least one contact', refusal: { refusal: 'no-contact', values: {} } });
  else if (contacts.length > LIMITS.contacts) problems.push({ path: [...path, 'contacts'], message: `must have at most ${LIMITS.contacts} entries` });
  else contacts.forEach((c, i) => problems.push(...contactProblems(c, [...path, 'contacts', i], i + 1)));
  return [...problems, ...(shape ?? [])];
}

/** A vendor that passed `vendorProblems`, with its text trimmed as the file loader trims it. */
export function cleanVendor(vendor: Vendor): Vendor {
  return {
    id: vendor.id,
    name: vendor.name.trim(),
    language: vendor.language,
    contacts: vendor.contacts.map((c: Contact) => ({ name: c.name.trim(), email: c.email })),
  };
}

/** Problems with one vendor added to a running campaign, in the same words as the file checks. */
/** `refusal`: the code and values of the only problem, where it has them (the workspace words it). */
export function checkVendor(vendor: unknown): { ok: true; vendor: Vendor } | { ok: false; problems: string[]; refusal?: RefusalDetails } {
  const problems = vendorProblems(vendor, ['vendor']);
  if (problems.length === 0) return { ok: true, vendor: cleanVendor(vendor as Vendor) };
  const refusal = refusalOfAll(problems.map((p) => p.refusal));
  return { ok: false, problems: problems.map((p) => `${formatPath(p.path)}: ${p.message}`), ...(refusal ? { refusal } : {}) };
}

/**
 * Everything wrong with paragraphs given in both languages (`{ en: [...], fr: [...] }`); `named`: the
 * statement's paragraphs a refusal names by number (a problem in one then has a code).
 */
export function paragraphsProblems(value: unknown, path: Path = [], named?: 'conclusions' | 'lessons'): Problem[] {
  const shape = mappingProblems(value, path, LANGUAGES);
  if (shape && !isMapping(value)) return shape;
  const problems: Problem[] = [];
  for (const language of LANGUAGES) {
    const list = (value as Record<string, unknown>)[language];
    const at = [...path, language];
    const whole = named && field(`${named}-${language}`);
    const counted = whole && Array.isArray(list) ? sizeDetails(whole, list, LIMITS.paragraphs) : undefined;
    if (!Array.isArray(list)) problems.push(wrongTypeAt(at, 'list', list));
    else if (list.length === 0) problems.push({ path: at, message: 'needs at least one paragraph', ...(counted ? { refusal: counted } : {}) });
    else if (list.length > LIMITS.paragraphs) problems.push({ path: at, message: `must have at most ${LIMITS.paragraphs} entries`, ...(counted ? { refusal: counted } : {}) });
    else {
      list.forEach((p, i) => problems.push(...textAt(p, [...at, i], PARAGRAPH, named && field(`${named}-paragraph-${language}`, i + 1))));
      const total = list.reduce((sum: number, p) => sum + (typeof p === 'string' ? p.length : 0), 0);
      if (total > LIMITS.paragraphsTotal) {
        const refusal: RefusalDetails | undefined = whole && { refusal: 'paragraphs-too-long', values: { field: fieldValue(whole), max: String(LIMITS.paragraphsTotal), got: String(total) } };
        problems.push({
          path: at,
          message: `must total at most ${LIMITS.paragraphsTotal} characters (got ${total}): Temporal refuses a payload over 2 MB, and this text travels in every engagement's input`,
          ...(refusal ? { refusal } : {}),
        });
      }
    }
  }
  return [...problems, ...(shape ?? [])];
}

export function cleanParagraphs(value: BilingualParagraphs): BilingualParagraphs {
  return { en: value.en.map((p) => p.trim()), fr: value.fr.map((p) => p.trim()) };
}

/**
 * Problems with the lead's statement text (conclusions and lessons learned, en and fr paragraphs),
 * each as `conclusions.fr[2]: must…`; empty when it can go into the statement. For the
 * `setConclusions` validator and the CLI's conclusions file alike.
 */
export function statementTextProblems(update: { conclusions: unknown; lessonsLearned: unknown }): string[] {
  return statementTextProblemList(update).map((p) => `${formatPath(p.path)}: ${p.message}`);
}

/** The same problems, each with its code where it has one (refusalOfAll makes them one refusal). */
export function statementTextProblemList(update: { conclusions: unknown; lessonsLearned: unknown }): Problem[] {
  return [...paragraphsProblems(update.conclusions, ['conclusions'], 'conclusions'), ...paragraphsProblems(update.lessonsLearned, ['lessonsLearned'], 'lessons')];
}

// ── The statement's public text: the lead's edits and the decisions on open engagements ─────────

const PUBLIC_TEXT: TextRule = { kind: 'text', max: LIMITS.paragraph };
const GOOD_PRACTICE: TextRule = { kind: 'text', max: LIMITS.question };
const DEMONSTRATION_ID = /^d[0-9]{1,4}$/;

/** `refs`: the field in each language as a refusal names it, so a problem in one language has a code. */
function publicTextAt(value: unknown, path: Path, rule: TextRule = PUBLIC_TEXT, refs?: { en: FieldRef; fr: FieldRef }): Problem[] {
  const problem = publicTextProblem(value, rule);
  if (!problem) return [];
  const refusal = refs && publicTextDetails(refs, value, rule);
  return [{ path, message: problem, ...(refusal ? { refusal } : {}) }];
}

/** Paragraphs in an edit: either language may still be empty (the draft lists what is missing). */
function editParagraphsProblems(value: unknown, path: Path, named: 'conclusions' | 'lessons'): Problem[] {
  const shape = mappingProblems(value, path, LANGUAGES);
  if (shape && !isMapping(value)) return shape;
  const problems: Problem[] = [];
  for (const language of LANGUAGES) {
    const list = (value as Record<string, unknown>)[language];
    if (list === undefined) continue;
    const at = [...path, language];
    if (!Array.isArray(list)) problems.push(wrongTypeAt(at, 'list', list));
    else if (list.length > LIMITS.paragraphs) problems.push({ path: at, message: `must have at most ${LIMITS.paragraphs} entries`, refusal: sizeDetails(field(`${named}-${language}`), list, LIMITS.paragraphs) });
    else list.forEach((p, i) => problems.push(...textAt(p, [...at, i], PARAGRAPH, field(`${named}-paragraph-${language}`, i + 1))));
  }
  return [...problems, ...(shape ?? [])];
}

function findingEditProblems(value: unknown, path: Path): Problem[] {
  const shape = mappingProblems(value, path, ['assessment', 'goodPractices']);
  if (shape && !isMapping(value)) return shape;
  const { assessment, goodPractices } = value as Record<string, unknown>;
  const principle = String(path.at(-1));
  const problems = publicTextAt(assessment, [...path, 'assessment'], PUBLIC_TEXT, { en: field('assessment-en', principle), fr: field('assessment-fr', principle) });
  if (goodPractices !== undefined) {
    if (!Array.isArray(goodPractices)) problems.push(wrongTypeAt([...path, 'goodPractices'], 'list', goodPractices));
    else if (goodPractices.length > LIMITS.goodPractices) problems.push({ path: [...path, 'goodPractices'], message: `must have at most ${LIMITS.goodPractices} entries` });
    else {
      goodPractices.forEach((g, i) => {
        const item = `${principle}/${i + 1}`;
        problems.push(...publicTextAt(g, [...path, 'goodPractices', i], GOOD_PRACTICE, { en: field('good-practice-en', item), fr: field('good-practice-fr', item) }));
      });
    }
  }
  return [...problems, ...(shape ?? [])];
}

/**
 * Everything wrong with the lead's edit of the statement text (`editStatement`), each as
 * `vendors.zoom.summary: must…`; `vendorIds` are the campaign's vendors. Empty when it applies.
 */
export function statementEditProblems(edit: unknown, vendorIds: readonly string[]): string[] {
  return statementEditProblemList(edit, vendorIds).map((p) => `${formatPath(p.path)}: ${p.message}`);
}

/** The same problems, each with its code where it has one (refusalOfAll makes them one refusal). */
export function statementEditProblemList(edit: unknown, vendorIds: readonly string[]): Problem[] {
  const shape = mappingProblems(edit, [], ['by', 'vendors', 'conclusions', 'lessonsLearned']);
  if (shape && !isMapping(edit)) return shape;
  const { vendors, conclusions, lessonsLearned } = edit as Record<string, unknown>;
  const problems: Problem[] = [...(shape ?? [])];
  if (vendors === undefined && conclusions === undefined && lessonsLearned === undefined) {
    problems.push({ path: [], message: 'nothing to change: give vendors, conclusions or lessonsLearned' });
  }
  if (vendors !== undefined) {
    if (!isMapping(vendors)) problems.push(wrongTypeAt(['vendors'], 'mapping', vendors));
    else {
      for (const [vendorId, text] of Object.entries(vendors)) {
        const at: Path = ['vendors', vendorId];
        if (!vendorIds.includes(vendorId)) {
          problems.push({ path: at, message: `unknown vendor (the campaign's vendors: ${vendorIds.join(', ')})` });
          continue;
        }
        const fields = mappingProblems(text, at, ['summary', 'findings', 'demonstrations']);
        if (fields && !isMapping(text)) {
          problems.push(...fields);
          continue;
        }
        problems.push(...(fields ?? []));
        const { summary, findings, demonstrations } = text as Record<string, unknown>;
        if (summary !== undefined) problems.push(...publicTextAt(summary, [...at, 'summary'], PUBLIC_TEXT, { en: field('vendor-summary-en', vendorId), fr: field('vendor-summary-fr', vendorId) }));
        if (findings !== undefined) {
          const principles = mappingProblems(findings, [...at, 'findings'], PRINCIPLES);
          if (principles) problems.push(...principles);
          if (isMapping(findings)) {
            for (const p of PRINCIPLES) if (findings[p] !== undefined) problems.push(...findingEditProblems(findings[p], [...at, 'findings', p]));
            const tooLarge = findingsSizeProblem(findings);
            const refusal = findingsSizeDetails(findings);
            if (tooLarge) problems.push({ path: [...at, 'findings'], message: tooLarge, ...(refusal ? { refusal } : {}) });
          }
        }
        if (demonstrations !== undefined) {
          if (!isMapping(demonstrations)) problems.push(wrongTypeAt([...at, 'demonstrations'], 'mapping', demonstrations));
          else {
            for (const [id, observation] of Object.entries(demonstrations)) {
              if (!DEMONSTRATION_ID.test(id)) problems.push({ path: [...at, 'demonstrations', id], message: 'is not a demonstration id (d1, d2, …)' });
              else problems.push(...publicTextAt(observation, [...at, 'demonstrations', id], PUBLIC_TEXT, { en: field('observation-en', `${vendorId}/${id}`), fr: field('observation-fr', `${vendorId}/${id}`) }));
            }
          }
        }
      }
    }
  }
  if (conclusions !== undefined) problems.push(...editParagraphsProblems(conclusions, ['conclusions'], 'conclusions'));
  if (lessonsLearned !== undefined) problems.push(...editParagraphsProblems(lessonsLearned, ['lessonsLearned'], 'lessons'));
  return problems;
}

/**
 * Everything wrong with the lead's decisions on open engagements at drafting: each names a vendor
 * whose engagement is open (`openVendorIds`) once, says close or exclude, and gives a public reason.
 */
export function openCasesProblems(value: unknown, openVendorIds: readonly string[]): string[] {
  return openCaseProblemList(value, openVendorIds).map((p) => `${formatPath(p.path)}: ${p.message}`);
}

/**
 * The code and values of the problems `openCaseProblemList` found, when one refusal says them all:
 * reasons missing for several vendors in one sentence, else each problem by its code; undefined when
 * one has none.
 */
export function openCasesRefusal(problems: readonly Problem[]): RefusalDetails | undefined {
  const codes = problems.map((p) => p.refusal);
  if (codes.length > 1 && codes.every((r) => r?.refusal === 'open-case-no-reason')) {
    return { refusal: 'open-case-no-reason', values: { vendors: codes.map((r) => (r!.values as { vendors: string }).vendors).join(', ') } };
  }
  return refusalOfAll(codes);
}

/** The same problems, each with its code where it has one (`openCasesProblems` writes them out). */
export function openCaseProblemList(value: unknown, openVendorIds: readonly string[], vendorNames: Readonly<Record<string, string>> = {}): Problem[] {
  // A vendor is named as the officer knows it: a case that ended while the lead filled in the form, or
  // one whose reason is missing (the field it marks keeps the id); one the campaign does not know, as typed.
  const nameOf = (vendorId: string) => vendorNames[vendorId] ?? vendorId;
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [wrongTypeAt(['openCases'], 'list', value)];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  value.forEach((decision, i) => {
    const at: Path = ['openCases', i];
    const shape = mappingProblems(decision, at, ['vendorId', 'action', 'reason']);
    if (shape && !isMapping(decision)) return void problems.push(...shape);
    problems.push(...(shape ?? []));
    const { vendorId, action, reason } = decision as Record<string, unknown>;
    if (typeof vendorId !== 'string' || !openVendorIds.includes(vendorId)) {
      problems.push({
        path: [...at, 'vendorId'],
        message: `${quote(vendorId)} is not an open engagement (open: ${openVendorIds.join(', ') || 'none'})`,
        // Most often it ended while the lead filled in the form.
        ...(typeof vendorId === 'string' ? { refusal: { refusal: 'open-case-not-open', values: { vendor: nameOf(vendorId) } } } : {}),
      });
    } else if (seen.has(vendorId)) problems.push({ path: [...at, 'vendorId'], message: `${vendorId} is named twice` });
    else seen.add(vendorId);
    if (!OPEN_CASE_ACTIONS.includes(action as OpenCaseAction)) problems.push({ path: [...at, 'action'], message: `must be ${OPEN_CASE_ACTIONS.join(' or ')}` });
    const rule: TextRule = { kind: 'text', max: LIMITS.reason };
    const [problem] = publicTextAt(reason, [...at, 'reason'], rule);
    if (problem) {
      const refusal = typeof vendorId === 'string' ? reasonRefusal(reason, rule, vendorId, nameOf(vendorId)) : undefined;
      const named = refusal?.refusal === 'open-case-no-reason' ? `${problem.message} (the public reason for ${nameOf(vendorId as string)})` : problem.message;
      problems.push({ ...problem, message: named, ...(refusal ? { refusal } : {}) });
    }
  });
  return problems;
}

/**
 * The code of the problem `publicTextProblem` finds first in a decision's reason, where it has one: a
 * reason too long in a language, or blank in both.
 */
function reasonRefusal(value: unknown, rule: TextRule, vendorId: string, vendorName: string): RefusalDetails | undefined {
  if (!isMapping(value) || Object.keys(value).some((k) => k !== 'en' && k !== 'fr')) return undefined;
  for (const language of LANGUAGES) {
    const optional = { ...rule, optional: true };
    if (textProblem(value[language], optional)) return textDetails(field(`open-case-reason-${language}`, vendorId), value[language], optional);
  }
  return { refusal: 'open-case-no-reason', values: { vendors: vendorName } };
}

/** Engagements a campaign starts in one workflow task (campaign.ts): their inputs share its 4 MB of commands. */
export const ENGAGEMENTS_PER_TASK = 100;
/**
 * What a campaign's history may grow to from its vendors alone, leaving 10 MB for the rest (updates,
 * approvals, timers): Temporal ends a history at 50 MB. 2,000 vendors of the 2020 campaign (a
 * 3.4 KB letter) came to some 36 MB while each engagement's input carried the letter.
 */
const VENDORS_HISTORY_BYTES = 40_000_000;
/**
 * Per vendor beyond the two copies of its engagement's input: its statement notice, its result, their
 * events. Measured: a 2,000-vendor campaign of the 2020 letter, run end to end, ended at 27.1 MB, some
 * 13 KB a vendor with inputs of 2.9 KB (BENCHMARKS.md, section 13).
 */
const PER_VENDOR_OVERHEAD_BYTES = 7_500;
/** The inputs a task starting engagements carries (each start, and each letter copy), with room for its other commands. */
const BATCH_BYTES = 3_500_000;
/** As large as the reference to a kept letter gets (a folder of up to 100 characters). */
const STORED_LETTER_SHAPE = { path: 'x'.repeat(130), sha256: '0'.repeat(64) };

/**
 * Why `vendorCount` vendors are too many for this campaign's letter, or undefined. Each vendor's
 * engagement input is kept twice in the campaign's history (the child's start and the copy kept with
 * its files), both in the workflow task that starts it, and a batch of starts shares one task
 * (`firstBatch` vendors in the largest: a batch, or more when vendors added meanwhile start with
 * it). `letterKeptOnce`: the campaign keeps its letter in the published files (patch
 * `letter-kept-once`), so those inputs carry a reference to it instead of the body; campaigns
 * before it carried the body in both.
 */
export function campaignHistoryProblem(
  input: Pick<CampaignInput, 'campaign' | 'policy' | 'vendors'>,
  vendorCount: number,
  letterKeptOnce = false,
  firstBatch = Math.min(vendorCount, ENGAGEMENTS_PER_TASK),
): string | undefined {
  return campaignHistoryRoom(input, vendorCount, letterKeptOnce, firstBatch)?.message;
}

/** The problem `campaignHistoryProblem` says, with its code and values, where a vendor added late is refused for it. */
export function campaignHistoryRoom(
  input: Pick<CampaignInput, 'campaign' | 'policy' | 'vendors'>,
  vendorCount: number,
  letterKeptOnce = false,
  firstBatch = Math.min(vendorCount, ENGAGEMENTS_PER_TASK),
): { message: string; refusal: RefusalDetails } | undefined {
  const largest = input.vendors.reduce((max, v) => Math.max(max, utf8Length(JSON.stringify(v))), 0);
  const campaign = letterKeptOnce ? { ...input.campaign, letterBody: { en: [], fr: [] }, letterFile: STORED_LETTER_SHAPE } : input.campaign;
  const perEngagement = utf8Length(JSON.stringify({ campaign, policy: input.policy })) + largest;
  const history = vendorCount * (2 * perEngagement + PER_VENDOR_OVERHEAD_BYTES);
  if (history > VENDORS_HISTORY_BYTES) {
    const most = Math.floor(VENDORS_HISTORY_BYTES / (2 * perEngagement + PER_VENDOR_OVERHEAD_BYTES));
    const megabytes = Math.ceil(history / 1_000_000);
    const carries = letterKeptOnce ? 'is' : 'carries the letter,';
    return {
      message: `${vendorCount} vendors would put some ${megabytes} MB in the campaign's history (each engagement's input ${carries} ${Math.ceil(perEngagement / 1000)} KB); Temporal ends a history at 50 MB: at most ${most} vendors with this ${letterKeptOnce ? 'campaign' : 'letter, or a shorter letter'}`,
      refusal: { refusal: 'history-full', values: { vendors: String(vendorCount), megabytes: String(megabytes), most: String(most) } },
    };
  }
  if (firstBatch * 2 * perEngagement > BATCH_BYTES) {
    const kilobytes = Math.ceil(perEngagement / 1000);
    const most = Math.floor(BATCH_BYTES / (2 * perEngagement));
    return {
      message: `the letter makes each engagement's input ${kilobytes} KB, sent twice in the workflow task that starts it (its start and the letter's copy), and the campaign starts ${firstBatch} in one task, which Temporal refuses over 4 MB: a shorter letter, or fewer than ${most} vendors`,
      refusal: { refusal: 'start-batch-full', values: { kilobytes: String(kilobytes), batch: String(firstBatch), most: String(most) } },
    };
  }
  return undefined;
}

