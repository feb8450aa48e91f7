// What text Dossier accepts from officers, campaign files and vendors, decided once for engagement
// updates, campaign updates and the campaign file. Pure (no Node, no zod), so workflow validators,
// zod refinements and the CLI apply the very same rules. Three kinds of text:
//  - names (people, vendors, authorities, references, attachment names): one line, no `<` or `>`
//    (a name is never markup), no control characters — they reach email headers and file names;
//  - lines (titles, topics): one line, no control characters, no active markup;
//  - free text (summaries, answers, notes, findings, questions, reasons): line breaks and tabs
//    allowed, other control characters refused, and active markup (`<script`, `<iframe`, `<img`,
//    `<style`, `javascript:`, an `on…=` handler inside a tag…) refused. Ordinary characters such as
//    "a < b" or a harmless `<b>` pass: every HTML template escapes its values anyway (defence in
//    depth), and a vendor quoting "<b>" is not an attack.
// Each problem is a sentence that starts after the field's name ("must be at most 200 characters…"),
// so a validator says `the vendor name must…` and the file loader says `vendors[2].name: must…`.
import type { ApplicationFailure } from '@temporalio/common';
import { refusal, valueType, type RefusalDetails, type ValueType } from './refusals';

export type TextKind = 'name' | 'line' | 'text';

export interface TextRule {
  kind: TextKind;
  /** Most characters (UTF-16 code units, as `String.length` counts them). */
  max: number;
  /** Accept an empty or blank value (default: refuse it). */
  optional?: boolean;
}

/** The limits, in one place: long enough for any real letter, short enough to keep histories small. */
export const LIMITS = {
  name: 200,
  reference: 100,
  title: 300,
  email: 254,
  fileName: 255,
  question: 2_000,
  reason: 2_000,
  topic: 500,
  summary: 20_000,
  paragraph: 20_000,
  questionsPerRound: 50,
  answersPerRequest: 50,
  attachments: 100,
  attendees: 50,
  topics: 20,
  goodPractices: 50,
  paragraphs: 100,
  /**
   * Characters of all paragraphs of one language together (a letter, conclusions). The text
   * travels in the campaign's input and every engagement's, and Temporal refuses a payload over
   * 2 MB: 100 paragraphs of 20,000 characters would be 4 MB in two languages.
   */
  paragraphsTotal: 100_000,
  /**
   * Characters an engagement records in all (response summary and every answer): its outcome, one
   * payload, must stay well under Temporal's 2 MB even in three-byte UTF-8.
   */
  caseText: 400_000,
  /**
   * Characters of all answers in one request: 50 answers of 20,000 characters in three-byte UTF-8
   * would be 3 MB, which Temporal refuses before any validator can explain why.
   */
  answersRequestTotal: 200_000,
  /**
   * Characters of one vendor's findings together (assessments and good practices, both languages):
   * 50 good practices of 2,000 characters per principle would otherwise allow 1.2 million, over
   * 2 MB in any script but Latin, and the conclusion carrying them would be refused unexplained.
   */
  findingsTotal: 100_000,
  /**
   * Bytes of the statement's text in UTF-8 (every vendor's part, the conclusions and lessons): the
   * draft goes whole to the PDF renderer, and Temporal refuses a payload over 2 MB. Unlike the other
   * limits, a campaign's workflow waits on this one (CampaignCase.readyToDraft): lowering it, or
   * adding to what a vendor's part holds, changes when recorded campaigns drafted, and needs a patch.
   */
  statementBytes: 1_500_000,
  contacts: 20,
  authorities: 50,
  /**
   * Vendors in one campaign, added ones included: its status lists each, and the statement gives
   * each a part (some 350 bytes with no text at all), within the 1.5 MB a draft may take.
   */
  vendorsPerCampaign: 2_000,
  /** Bytes of a campaign's input in UTF-8 (vendors, contacts, the letter): one payload, under Temporal's 2 MB. */
  campaignInputBytes: 1_500_000,
} as const;

/** Bytes a string takes in UTF-8, as TextEncoder counts them (a lone surrogate as its replacement, 3). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The text cut to `max` characters with its ellipsis, never between the two halves of a character. */
export function excerptOf(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last < 0xdc00) end--;
  return `${text.slice(0, end)}…`;
}

/** Characters of every text in a value (its strings, however nested). */
function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 0;
  return Object.values(value).reduce((sum: number, v) => sum + textLength(v), 0);
}

/**
 * One vendor's findings together (every assessment and good practice, both languages), checked by
 * the client before sending, by the conclusion's validator and by the lead's statement edits.
 */
export function findingsSizeProblem(findings: unknown): string | undefined {
  const total = textLength(findings);
  if (total <= LIMITS.findingsTotal) return undefined;
  return (
    `the findings must total at most ${LIMITS.findingsTotal} characters in both languages (got ${total}): ` +
    'Temporal refuses a request over 2 MB; summarise, or keep the full analysis as a document'
  );
}

/** The same, by code (refusals.ts). */
export function findingsSizeDetails(findings: unknown): RefusalDetails<'findings-too-long'> | undefined {
  const total = textLength(findings);
  return total <= LIMITS.findingsTotal ? undefined : { refusal: 'findings-too-long', values: { max: String(LIMITS.findingsTotal), got: String(total) } };
}

export const NAME: TextRule = { kind: 'name', max: LIMITS.name };
export const FREE_TEXT: TextRule = { kind: 'text', max: LIMITS.summary };

// C0 controls and DEL, plus the Unicode line breaks some mail clients honour (NEL, LS, PS).
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F]/;
// Free text keeps its layout: tab, line feed and carriage return.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// Explicit direction overrides and isolates reorder what follows them ("invoice\u202Efdp.exe" shows
// as "invoiceexe.pdf"); right-to-left scripts need none of them to display correctly.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// An RFC 2047 encoded word is decoded by mail clients in a display name, and may hide a line break
// or another address; a name is written as plain text, so none is ever needed.
const ENCODED_WORD = /=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=/;

// Markup that does something when a careless reader renders it: elements that run code, load a
// resource or restyle the page, URLs that run script, and event-handler attributes inside a tag.
const ACTIVE_MARKUP: readonly RegExp[] = [
  /<\s*\/?\s*(script|iframe|frame|frameset|img|image|style|object|embed|svg|math|link|meta|base|form|input|button|video|audio|source|applet)\b/i,
  /\b(javascript|vbscript)\s*:/i,
  /\bdata\s*:\s*text\/html/i,
  /<[a-z][^>]*\son[a-z]+\s*=/i,
];

/** The same pattern as zod's `z.email()`, so the campaign file and the updates agree on an address. */
export const EMAIL_ADDRESS =
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** A value for a message: quoted, and cut short so a megabyte of input does not become the error. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * The CLI's words for the types a problem names, in every rule and the campaign file's schema alike
 * (the workspace's are templates/web/strings.yaml's `refused-type`): a mapping is never "an object".
 */
export const TYPE_WORDS: Record<ValueType, string> = {
  string: 'a string',
  number: 'a number',
  'whole-number': 'a whole number',
  boolean: 'a boolean',
  list: 'a list',
  mapping: 'a mapping of fields',
  nothing: 'nothing',
};

/** The type of `value` in TYPE_WORDS's words; JavaScript's for a value no YAML or JSON holds. */
export function typeWords(value: unknown): string {
  const type = valueType(value);
  return type ? TYPE_WORDS[type] : `a ${typeof value}`;
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first markup that would be active if rendered, e.g. `<script`, or undefined. */
export function activeMarkup(value: string): string | undefined {
  for (const pattern of ACTIVE_MARKUP) {
    const match = pattern.exec(value);
    if (match) return match[0].length > 30 ? `${match[0].slice(0, 27)}…` : match[0];
  }
  return undefined;
}

/** What is wrong with `value` under `rule`, as the end of a sentence about the field; undefined if nothing. */
export function textProblem(value: unknown, rule: TextRule): string | undefined {
  return textIssue(value, rule)?.message;
}

/** A problem `textProblem` says, with its refusal code where the workspace words it (and what was found, quoted). */
export interface TextIssue {
  message: string;
  code?: 'field-empty' | 'field-too-long' | 'field-line-break' | 'field-control' | 'field-direction-control' | 'field-encoded-word' | 'field-angle-brackets' | 'field-markup';
  found?: string;
}

/** The problem `textProblem` says, with its code: what a campaign file's checks word in the reader's language. */
export function textIssue(value: unknown, rule: TextRule): TextIssue | undefined {
  if (value === undefined && rule.optional) return undefined;
  if (typeof value !== 'string') return value === undefined ? { message: 'is required', code: 'field-empty' } : { message: `must be text, not ${typeWords(value)}` };
  if (value.trim() === '') return rule.optional ? undefined : { message: 'must not be empty', code: 'field-empty' };
  if (value.length > rule.max) return { message: `must be at most ${rule.max} characters (got ${value.length})`, code: 'field-too-long' };
  if (rule.kind !== 'text') {
    const lineBreak = LINE_BREAK.exec(value);
    if (lineBreak) return { message: `must be on one line: it contains a line break (${codePoint(lineBreak[0])})`, code: 'field-line-break', found: codePoint(lineBreak[0]) };
  }
  const control = (rule.kind === 'text' ? CONTROL_IN_TEXT : CONTROL_IN_LINE).exec(value);
  if (control) return { message: `must not contain control characters (found ${codePoint(control[0])})`, code: 'field-control', found: codePoint(control[0]) };
  if (rule.kind !== 'text') {
    const bidi = BIDI_CONTROL.exec(value);
    if (bidi) return { message: directionControlProblem(value)!, code: 'field-direction-control', found: codePoint(bidi[0]) };
  }
  if (rule.kind === 'name') {
    const word = ENCODED_WORD.exec(value);
    if (word) return { message: `must not contain an RFC 2047 encoded word (found ${quote(word[0])}): write the name as plain text`, code: 'field-encoded-word', found: quote(word[0]) };
  }
  if (rule.kind === 'name' && /[<>]/.test(value)) return { message: 'must not contain < or >: a name is plain text, not markup', code: 'field-angle-brackets' };
  const markup = activeMarkup(value);
  if (markup) return { message: `must not contain markup (found ${quote(markup)}): markup is not accepted, describe it in words`, code: 'field-markup', found: quote(markup) };
  return undefined;
}

/**
 * The code and values of the problem `textProblem` finds in the field `ref`, so the workspace words
 * it in the reader's language: blank or too long (`sizeDetails`), a line break, a control character,
 * markup…; undefined if there is none, or for a value that is not text at all.
 */
export function textDetails(ref: FieldRef, value: unknown, rule: TextRule): RefusalDetails | undefined {
  const issue = textIssue(value, rule);
  if (!issue?.code) return undefined;
  const at = fieldValue(ref);
  switch (issue.code) {
    case 'field-empty':
    case 'field-too-long':
      return sizeDetails(ref, value, rule.max);
    case 'field-angle-brackets':
      return { refusal: issue.code, values: { field: at } };
    default:
      return { refusal: issue.code, values: { field: at, found: issue.found! } };
  }
}

function directionControlProblem(value: string): string | undefined {
  const bidi = BIDI_CONTROL.exec(value);
  return bidi ? `must not contain a text-direction control (found ${codePoint(bidi[0])}): it reorders what readers see` : undefined;
}

/**
 * The text with each lone UTF-16 surrogate replaced by U+FFFD, as String.prototype.toWellFormed does
 * (ES2024, beyond this project's lib): a name with one cannot be encoded for a URL or a header
 * (`encodeURIComponent` throws), and a sender's bytes (a TNEF long name) can carry one.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** The text without its direction controls: what the intake records of a vendor's line that had some. */
export function withoutDirectionControls(text: string): string {
  return text.replace(new RegExp(BIDI_CONTROL.source, 'g'), '');
}

/**
 * What is wrong with a line a vendor's mail carries (its subject, an attachment's name). Unlike an
 * officer's input it is data, quoted as the vendor wrote it and shown escaped wherever it appears
 * (HTML templates, the CLI; PDFs print none), so markup, `<`, `>`, "JavaScript:" or an encoded word
 * pass: refusing them held genuine replies that no officer could then assign. Refused is only what
 * cannot be kept as one line and shown as written: control characters, line breaks, direction
 * controls (the intake drops these before recording, see read-message.ts) and too many characters.
 */
export function vendorLineProblem(value: unknown, max: number, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') return value === undefined ? 'is required' : `must be text, not ${typeWords(value)}`;
  if (value.trim() === '') return optional ? undefined : 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
  const lineBreak = LINE_BREAK.exec(value);
  if (lineBreak) return `must be on one line: it contains a line break (${codePoint(lineBreak[0])})`;
  const control = CONTROL_IN_LINE.exec(value);
  if (control) return `must not contain control characters (found ${codePoint(control[0])})`;
  return directionControlProblem(value);
}

/** The name must be a name, never a path: it may become a file name when a document is saved. */
function pathProblem(value: string): string | undefined {
  const name = value.trim();
  if (/[/\\]/.test(name) || /^[A-Za-z]:/.test(name)) return `must be a file name, not a path (got ${quote(name)})`;
  if (name === '.' || name === '..') return `must be a file name, not ${quote(name)}`;
  return undefined;
}

/** What is wrong with the name of a file an officer attaches: a name, never a path. */
export function fileNameProblem(value: unknown): string | undefined {
  return textProblem(value, { kind: 'name', max: LIMITS.fileName }) ?? pathProblem(value as string);
}

/** What is wrong with the name of a file a vendor sent (an attachment): data, but a name, never a path. */
export function vendorFileNameProblem(value: unknown): string | undefined {
  return vendorLineProblem(value, LIMITS.fileName) ?? pathProblem(value as string);
}

/** What is wrong with an email address: one line, at most 254 characters, name@example.org. */
export function emailProblem(value: unknown): string | undefined {
  const problem = textProblem(value, { kind: 'line', max: LIMITS.email });
  if (problem) return problem;
  if (!EMAIL_ADDRESS.test(value as string)) return `must be an email address such as name@example.org (got ${quote(value)})`;
  return undefined;
}

/** What is wrong with a list: not a list, too long, or (unless `optional`) empty. */
export function listProblem(value: unknown, max: number, optional = false): string | undefined {
  if (!Array.isArray(value)) return value === undefined ? 'is required' : `must be a list, not ${typeWords(value)}`;
  if (!optional && value.length === 0) return 'must not be empty';
  if (value.length > max) return `must have at most ${max} entries (got ${value.length})`;
  return undefined;
}

/**
 * The fields an officer's or a co-signatory's request names in a refusal, by a stable key (a
 * refusal's `field` value, worded by the workspace from `refused-field.<key>` in strings.yaml), with
 * the English a validator's message names it by (the vendor file's and open cases' name paths
 * instead); `{n}` is the item (a number, a question id, a vendor).
 */
export const FIELDS = {
  by: 'the case officer\'s name ("by")',
  'response-summary': 'the response summary',
  attachments: 'attachments',
  attachment: 'attachment {n}',
  documents: 'documents',
  document: 'document {n}',
  'extension-reason': 'the reason for the extension',
  questions: 'the questions of a round',
  question: 'question {n}',
  answers: 'the answers',
  answer: 'the answer to {n}',
  location: 'the location',
  attendees: 'the attendees',
  'attendee-name': 'the name of attendee {n}',
  'attendee-email': 'the email address of attendee {n}',
  topics: 'the topics',
  topic: 'topic {n}',
  'reschedule-reason': 'the reason for rescheduling',
  'demonstration-notes': 'the demonstration notes',
  'withdraw-reason': 'the reason for withdrawing',
  contacts: 'the contacts',
  'contact-name': 'the name of contact {n}',
  'contact-email': 'the email address of contact {n}',
  'correction-reason': 'the reason for the correction',
  summary: 'the summary',
  reason: 'the reason',
  comment: 'the comment',
  'change-answer': 'the answer to the change requests',
  'vendor-name': 'the vendor name',
  'open-case-reason-en': 'the reason for {n} in English',
  'open-case-reason-fr': 'the reason for {n} in French',
  // A conclusion's findings: `{n}` is the principle (`security`), or the principle and the good
  // practice's number (`security/2`); the workspace names the principle by its title.
  'assessment-en': 'the assessment for {n} in English',
  'assessment-fr': 'the assessment for {n} in French',
  'good-practice-en': 'good practice {n} in English',
  'good-practice-fr': 'good practice {n} in French',
  // The lead's edit of the statement: `{n}` is the vendor.
  'vendor-summary-en': 'the summary of {n} in English',
  'vendor-summary-fr': 'the summary of {n} in French',
  // The lead's conclusions and lessons learned: `{n}` is the paragraph's number.
  'conclusions-paragraph-en': 'paragraph {n} of the conclusions in English',
  'conclusions-paragraph-fr': 'paragraph {n} of the conclusions in French',
  'lessons-paragraph-en': 'paragraph {n} of the lessons learned in English',
  'lessons-paragraph-fr': 'paragraph {n} of the lessons learned in French',
  // The lead's conclusions and lessons learned as a whole, in one language.
  'conclusions-en': 'the conclusions in English',
  'conclusions-fr': 'the conclusions in French',
  'lessons-en': 'the lessons learned in English',
  'lessons-fr': 'the lessons learned in French',
  // A demonstration's observation in the lead's edit of the statement: `{n}` is `vendor/d1`.
  'observation-en': 'the observation on demonstration {n} in English',
  'observation-fr': 'the observation on demonstration {n} in French',
  // Dates an officer gives (engagement-rules.ts's parseIsoDate).
  'demonstration-time': 'the demonstration time ("at")',
  'due-date': 'the due date ("dueDate")',
  'received-at': 'the date the response was received ("receivedAt")',
} as const;
export type FieldKey = keyof typeof FIELDS;

/** A field a refusal names: its key, and its item where the key has one (`question`, 3). */
export interface FieldRef {
  key: FieldKey;
  n?: string | number;
}

/** A field by its key: its English for a message, and `key` or `key:n` as a refusal's value. */
export function field(key: FieldKey, n?: string | number): FieldRef {
  return n === undefined ? { key } : { key, n };
}

function fieldPhrase({ key, n }: FieldRef): string {
  return FIELDS[key].replace('{n}', String(n ?? ''));
}

/** The `field` value of a refusal naming `ref`: its key, with its item after a colon. */
export function fieldValue({ key, n }: FieldRef): string {
  return n === undefined ? key : `${key}:${n}`;
}

/**
 * The refusal of a blank or too long text or list: its code and values, so the workspace words it in
 * the reader's language; undefined for other problems (markup, control characters…), said in English.
 */
export function sizeRefusal(ref: FieldRef, value: unknown, max: number, message: string): ApplicationFailure | undefined {
  const details = sizeDetails(ref, value, max);
  return details && refusal(details.refusal, details.values, message);
}

/** The code and values `sizeRefusal` gives a blank or too long text or list; undefined for any other. */
export function sizeDetails(ref: FieldRef, value: unknown, max: number): RefusalDetails | undefined {
  const at = fieldValue(ref);
  const blank = value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
  if (blank) return { refusal: 'field-empty', values: { field: at } };
  const length = typeof value === 'string' || Array.isArray(value) ? value.length : 0;
  if (length > max) return { refusal: Array.isArray(value) ? 'list-too-long' : 'field-too-long', values: { field: at, max: String(max), got: String(length) } };
  return undefined;
}

/**
 * Throws `<field> <problem>` when the problem is there: a field named by its key with the code and
 * values of the problem (`details`, else those of a blank or too long one, `max`), a field named in
 * words (the intake's) as a plain Error.
 */
function fail(field: string | FieldRef, problem: string | undefined, value?: unknown, max = Infinity, details?: RefusalDetails): void {
  if (!problem) return;
  if (typeof field === 'string') throw new Error(`${field} ${problem}`);
  const message = `${fieldPhrase(field)} ${problem}`;
  if (details) throw refusal(details.refusal, details.values, message);
  throw sizeRefusal(field, value, max, message) ?? new Error(message);
}

/**
 * Checks one text field, throwing an Error that names it.
 * @example checkText(field('response-summary'), input.summary, { kind: 'text', max: LIMITS.summary })
 */
export function checkText(field: string | FieldRef, value: unknown, rule: TextRule): void {
  fail(field, textProblem(value, rule), value, rule.max, typeof field === 'string' ? undefined : textDetails(field, value, rule));
}

export function checkFileName(field: string | FieldRef, value: unknown): void {
  const rule: TextRule = { kind: 'name', max: LIMITS.fileName };
  fail(field, fileNameProblem(value), value, LIMITS.fileName, typeof field === 'string' ? undefined : textDetails(field, value, rule));
}

export function checkVendorLine(field: string, value: unknown, max: number, optional = false): void {
  fail(field, vendorLineProblem(value, max, optional));
}

export function checkVendorFileName(field: string, value: unknown): void {
  fail(field, vendorFileNameProblem(value));
}

export function checkEmail(field: string | FieldRef, value: unknown): void {
  const problem = emailProblem(value);
  const details = typeof field === 'string' || !problem ? undefined : (textDetails(field, value, { kind: 'line', max: LIMITS.email }) ?? malformedAddress(value));
  fail(field, problem, value, LIMITS.email, details);
}

/** The refusal of text that is no email address, once it passed as a line. */
function malformedAddress(value: unknown): RefusalDetails | undefined {
  return typeof value === 'string' && !EMAIL_ADDRESS.test(value) ? { refusal: 'address-invalid', values: { address: value } } : undefined;
}

export function checkList(field: string | FieldRef, value: unknown, max: number, optional = false): void {
  fail(field, listProblem(value, max, optional), value, max);
}

/**
 * What is wrong with public text (`{ en, fr }`), as the end of a sentence about the field. Either
 * language may still be empty (the draft lists what is missing), not both; a single string is
 * refused, since it would print one language in both documents.
 */
export function publicTextProblem(value: unknown, rule: TextRule): string | undefined {
  if (typeof value === 'string') return 'must be given in English and French ({ en, fr }), not as one string';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return value === undefined ? 'is required' : `must be a mapping { en, fr }, not ${typeWords(value)}`;
  }
  const text = value as Record<string, unknown>;
  const unknown = Object.keys(text).filter((k) => k !== 'en' && k !== 'fr');
  if (unknown.length) return `has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected en and fr)`;
  for (const language of ['en', 'fr'] as const) {
    const problem = textProblem(text[language], { ...rule, optional: true });
    if (problem) return `${problem} (in ${language === 'en' ? 'English' : 'French'})`;
  }
  const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
  if (blank(text.en) && blank(text.fr)) return 'must not be empty in both languages';
  return undefined;
}

/** `refs`: the field in each language, as a refusal names it (its code then says the problem). */
export function checkPublicText(field: string, value: unknown, rule: TextRule, refs?: { en: FieldRef; fr: FieldRef }): void {
  const problem = publicTextProblem(value, rule);
  if (!problem) return;
  const details = refs && publicTextDetails(refs, value, rule);
  if (details) throw refusal(details.refusal, details.values, `${field} ${problem}`);
  fail(field, problem);
}

/**
 * The code of the problem `publicTextProblem` finds first in one language (too long, markup…), or
 * of the text blank in both, naming both fields; undefined for a text not a mapping { en, fr }, said in English.
 */
export function publicTextDetails(refs: { en: FieldRef; fr: FieldRef }, value: unknown, rule: TextRule): RefusalDetails | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const text = value as Record<string, unknown>;
  if (Object.keys(text).some((k) => k !== 'en' && k !== 'fr')) return undefined;
  const optional = { ...rule, optional: true };
  for (const language of ['en', 'fr'] as const) {
    if (textProblem(text[language], optional)) return textDetails(refs[language], text[language], optional);
  }
  const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
  if (blank(text.en) && blank(text.fr)) return { refusal: 'field-empty-both-languages', values: { english: fieldValue(refs.en), french: fieldValue(refs.fr) } };
  return undefined;
}
