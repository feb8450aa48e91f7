// Files a case officer hands to the CLI: a vendor's response (text or Markdown), follow-up
// questions (one per line or bullet), answers and findings (YAML or JSON). Each reader names the
// file and the field that is wrong, so the officer can fix the file without reading code. What the
// text may contain (lengths, markup) is checked by the workflow's own rules, not here.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { answersSizeProblem } from '../../workflows/engagement-rules';
import { z } from 'zod';
import { issueRefusal, statementTextProblems } from '../campaign-schema';
import { parseVendorYaml } from '../campaign-file';
import { cliTemplates } from '../cli-sentences';
import { refusalSentence } from '../refusal-words';
import { cliWording } from '../timeline-words';
import type { EditStatementInput } from '../../workflows/messages';
import { OPEN_CASE_ACTIONS, PRINCIPLES, type Findings, type OpenCaseDecision, type PublicText, type Vendor } from '../../workflows/types';
import { cliWords, type CliWords } from '../cli-words';
import { ClientErrorCode, DossierClientError, invalidFile } from '../errors';
import { attachedFile, type AttachedFile } from '../response-files';

/** Far above any real letter or answer; a bigger file is a wrong argument (a PDF, a log, a disk image). */
export const MAX_INPUT_FILE_BYTES = 1_000_000;

/** Why a file cannot be read, by the system's error code (templates/cli.yaml `file.unreadable.*`). */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no-such-file',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EISDIR: 'folder',
  ENOTDIR: 'not-a-folder',
};

function cannotRead(file: string, why: string, words: CliWords, cause?: unknown): DossierClientError {
  return new DossierClientError(ClientErrorCode.InvalidFile, words.say('file.cannot-read', { file: file === '' ? words.say('file.empty-name') : file, why }), { cause });
}

/** An error of the file system in words; a code this release does not name is given as it is. */
function readError(err: unknown, words: CliWords): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? readErrorWords(code, words) : String(err);
}

/** A file system error's code (`ENOENT`) in words; one this release does not name, as it is. */
export function readErrorWords(code: string, words: CliWords): string {
  return READ_ERRORS[code] ? words.say(`file.unreadable.${READ_ERRORS[code]}`) : code;
}

/** A YAML parser error's code (`DUPLICATE_KEY`) in words; undefined for one this release does not word. */
export function yamlErrorWords(code: string | undefined, words: CliWords): string | undefined {
  const key = `file.yaml.${code}`;
  return code && cliTemplates()[words.language][key] !== undefined ? words.say(key) : undefined;
}

/** A text file named on the command line, or an error that names it and says why it cannot be read. */
export function readText(file: string, words: CliWords = cliWords('en')): string {
  if (file.trim() === '') throw cannotRead(file, words.say('file.unreadable.name-empty'), words);
  if (file.includes('\0')) throw cannotRead(JSON.stringify(file), words.say('file.unreadable.name-nul'), words);
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) throw cannotRead(file, words.say('file.unreadable.folder'), words);
    if (!stats.isFile()) throw cannotRead(file, words.say('file.unreadable.not-regular'), words);
    if (stats.size > MAX_INPUT_FILE_BYTES) {
      throw cannotRead(file, words.say('file.unreadable.too-large', { size: words.count(stats.size), max: words.count(MAX_INPUT_FILE_BYTES) }), words);
    }
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof DossierClientError) throw err;
    throw cannotRead(file, readError(err, words), words, err);
  }
}

/**
 * A document to attach (`respond --attach FILE`): its bare name, a media type from its extension,
 * and its bytes; refused, naming the file, when it cannot be read or exceeds `maxBytes`.
 */
export function readDocument(file: string, maxBytes: number, words: CliWords = cliWords('en')): AttachedFile {
  if (file.trim() === '') throw cannotRead(file, words.say('file.unreadable.name-empty'), words);
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) throw cannotRead(file, words.say('file.unreadable.folder'), words);
    if (!stats.isFile()) throw cannotRead(file, words.say('file.unreadable.not-regular'), words);
    if (stats.size > maxBytes) throw cannotRead(file, words.say('file.unreadable.document-too-large', { size: words.count(stats.size), max: words.count(maxBytes) }), words);
    return attachedFile(basename(file), readFileSync(file));
  } catch (err) {
    if (err instanceof DossierClientError) throw err;
    throw cannotRead(file, readError(err, words), words, err);
  }
}

export interface ResponseFile {
  summary: string;
  attachments: string[];
}

const ATTACHMENTS_HEADING = /^(?:#{1,6}\s*)?(attachments|attached|pièces jointes|annexes)\s*:?\s*$/i;
const BULLET = /^\s*(?:[-*+•]|\d+[.)])\s+(.*)$/;

/**
 * A vendor's response: the text is the summary; a trailing "Attachments" section (a heading or a
 * line `Attachments:`) lists the attached documents, one bullet each.
 */
export function readResponseFile(file: string, words: CliWords = cliWords('en')): ResponseFile {
  const lines = readText(file, words).replace(/^\uFEFF/, '').split(/\r?\n/);
  const heading = lines.findIndex((line) => ATTACHMENTS_HEADING.test(line.trim()));
  const body = heading === -1 ? lines : lines.slice(0, heading);
  const attachments: string[] = [];
  if (heading !== -1) {
    for (const line of lines.slice(heading + 1)) {
      if (/^#{1,6}\s/.test(line)) break;
      const item = BULLET.exec(line)?.[1]?.trim();
      if (item) attachments.push(item);
      else if (line.trim()) throw invalidFile(file, words.say('file.attachment-not-listed', { line: line.trim() }));
    }
  }
  const summary = body.join('\n').trim();
  if (!summary) throw invalidFile(file, words.say('file.response-empty'));
  return { summary, attachments };
}

/**
 * Follow-up questions: with bullets, one question per bullet (indented lines continue it);
 * without, one per non-empty line. Markdown headings are titles, not questions.
 */
export function readQuestionsFile(file: string, words: CliWords = cliWords('en')): string[] {
  const lines = readText(file, words)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() && !/^\s*#/.test(line));
  const bulleted = lines.some((line) => BULLET.test(line));
  const questions: string[] = [];
  for (const line of lines) {
    const item = BULLET.exec(line)?.[1];
    if (!bulleted) questions.push(line.trim());
    else if (item !== undefined) questions.push(item.trim());
    else if (questions.length && /^\s/.test(line)) questions[questions.length - 1] += ` ${line.trim()}`;
    else throw invalidFile(file, words.say('file.not-a-question', { line: line.trim() }));
  }
  const empty = questions.findIndex((q) => !q);
  if (empty !== -1) throw invalidFile(file, words.say('file.question-empty', { n: empty + 1 }));
  if (!questions.length) throw invalidFile(file, words.say('file.no-questions'));
  return questions;
}

function readStructured(file: string, words: CliWords): unknown {
  const text = readText(file, words);
  try {
    return parseYaml(text);
  } catch (err) {
    if ((err as { code?: string }).code === 'InvalidFile') throw err;
    throw invalidFile(file, yamlProblem(err as Error & { code?: string; linePos?: { line: number; col: number }[] }, text, words), err);
  }
}

/**
 * Why the YAML parser refused a file: from its error's code, with the line and column, in a language
 * other than English; the parser's own message (English) where it gives a code this release does not
 * word, said to be the parser's, and in English.
 */
function yamlProblem(err: Error & { code?: string; linePos?: { line: number; col: number }[] }, text: string, words: CliWords): string {
  const at = err.linePos?.[0];
  const worded = yamlErrorWords(err.code, words);
  if (words.language === 'en' || !at || worded === undefined) {
    return words.say(words.language === 'en' ? 'file.not-yaml' : 'file.not-yaml-as-given', { problem: parserMessage(err, text) });
  }
  const line = (text.split(/\r?\n/)[at.line - 1] ?? '').trimEnd();
  const quoted = line.length > 120 ? `${line.slice(0, 120)}…` : line;
  return words.say('file.not-yaml', { problem: words.say('file.yaml-at', { problem: worded, line: at.line, column: at.col, quoted: quoted.trim() ? quoted : undefined }) });
}

/**
 * The YAML parser's message on one line, as the CLI prints errors: its first line ends "at line 2,
 * column 13:" before a caret drawing, which one line cannot show, so the line it names is quoted.
 */
function parserMessage(err: Error, text: string): string {
  const [first = '', ...drawing] = err.message.split('\n');
  if (!drawing.some((line) => line.trim())) return first.trim();
  const at = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
  const line = at === undefined ? '' : (text.split(/\r?\n/)[at - 1] ?? '').trimEnd();
  const quoted = line.length > 120 ? `${line.slice(0, 120)}…` : line;
  return `${first.trim().replace(/:$/, '')}${line.trim() ? ` ("${quoted}")` : ''}`;
}

/**
 * A file's first problem the schema found. A message this file wrote is the key of its sentence
 * (`file.issue.*`, its values in the issue's params), worded in the officer's language; zod's own
 * (a field missing, of the wrong type, unknown) is worded from its refusal code as the workspace
 * words it, in English as zod gives it.
 */
function firstIssue(file: string, error: z.ZodError, words: CliWords): never {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : words.say('file.top-level');
  if (issue.message.startsWith(ISSUE)) {
    const values = (issue as { params?: object }).params ?? {};
    throw invalidFile(file, words.say('file.issue', { field, problem: words.say(issue.message, values) }));
  }
  const refusal = words.language === 'en' ? undefined : issueRefusal(issue as z.core.$ZodIssue & { input?: unknown });
  const worded = refusal && refusalSentence(refusal, words.language, 'UTC', cliWording(words));
  if (worded) throw invalidFile(file, worded);
  throw invalidFile(file, words.say('file.issue', { field, problem: issue.message }));
}

/** The messages this file gives the schema: keys of templates/cli.yaml, worded by `firstIssue`. */
const ISSUE = 'file.issue.';
const issue = (key: string) => `${ISSUE}${key}`;

const answerText = z.string().trim().min(1, issue('answer-empty'));
const answersSchema = z.union([
  z.record(z.string().min(1), answerText),
  z.array(z.strictObject({ questionId: z.string().min(1), answer: answerText })),
]);

/** Answers keyed by question id (`q1: "…"`), or a list of `{ questionId, answer }`. */
export function readAnswersFile(file: string, words: CliWords = cliWords('en')): { questionId: string; answer: string }[] {
  const data = readStructured(file, words);
  const unwrapped = isRecord(data) && 'answers' in data ? data.answers : data;
  const parsed = answersSchema.safeParse(unwrapped, { reportInput: true });
  if (!parsed.success) firstIssue(file, parsed.error, words);
  const answers = Array.isArray(parsed.data)
    ? parsed.data
    : Object.entries(parsed.data).map(([questionId, answer]) => ({ questionId, answer }));
  if (!answers.length) throw invalidFile(file, words.say('file.no-answers'));
  const tooLarge = answersSizeProblem(answers);
  if (tooLarge) throw invalidFile(file, tooLarge);
  return answers;
}

/**
 * Public text in a file: `{ en: …, fr: … }`, or `{ same: … }` for a name written alike in both
 * languages (a product, a feature). A language left out stays to be written: the draft lists it.
 */
const publicText = z.unknown().transform((value, ctx): PublicText => {
  if (isRecord(value) && 'same' in value) {
    const keys = Object.keys(value).filter((k) => k !== 'same');
    if (keys.length) ctx.addIssue({ code: 'custom', message: issue('same-alone'), params: { keys: keys.join(', ') } });
    if (typeof value.same !== 'string' || !value.same.trim()) ctx.addIssue({ code: 'custom', message: issue('same-not-text') });
    const same = String(value.same ?? '').trim();
    return { en: same, fr: same };
  }
  if (!isRecord(value)) {
    ctx.addIssue({
      code: 'custom',
      message: issue(typeof value === 'string' ? 'text-in-both-languages' : 'texts-required'),
    });
    return { en: '', fr: '' };
  }
  const unknown = Object.keys(value).filter((k) => k !== 'en' && k !== 'fr');
  if (unknown.length) ctx.addIssue({ code: 'custom', message: issue(unknown.length > 1 ? 'unknown-text-fields' : 'unknown-text-field'), params: { fields: unknown.join(', ') } });
  for (const language of ['en', 'fr'] as const) {
    if (value[language] !== undefined && value[language] !== null && typeof value[language] !== 'string') {
      ctx.addIssue({ code: 'custom', path: [language], message: issue('must-be-text') });
    }
  }
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  if (!text(value.en) && !text(value.fr)) ctx.addIssue({ code: 'custom', message: issue('empty-both-languages') });
  return { en: text(value.en), fr: text(value.fr) };
});

const findingSchema = z.strictObject({
  assessment: publicText,
  goodPractices: z.array(publicText, { error: issue('good-practices-list') }).default([]),
});
const findingsSchema = z.strictObject(
  Object.fromEntries(PRINCIPLES.map((p) => [p, findingSchema])) as Record<(typeof PRINCIPLES)[number], typeof findingSchema>,
);

/**
 * Findings under each of the five principles, written for publication in both languages:
 * `security: { assessment: { en, fr }, goodPractices: [{ en, fr }, { same: … }] }`…
 */
export function readFindingsFile(file: string, words: CliWords = cliWords('en')): Findings {
  const data = readStructured(file, words);
  const unwrapped = isRecord(data) && 'findings' in data ? data.findings : data;
  const principles = PRINCIPLES.join(', ');
  if (!isRecord(unwrapped)) throw invalidFile(file, words.say('file.findings-not-mapping', { principles }));
  for (const key of Object.keys(unwrapped)) {
    if (!(PRINCIPLES as readonly string[]).includes(key)) throw invalidFile(file, words.say('file.not-a-principle', { key, principles }));
  }
  for (const principle of PRINCIPLES) {
    if (!(principle in unwrapped)) throw invalidFile(file, words.say('file.principle-missing', { principle }));
  }
  const parsed = findingsSchema.safeParse(unwrapped, { reportInput: true });
  if (!parsed.success) firstIssue(file, parsed.error, words);
  return parsed.data;
}

const statementTextSchema = z.strictObject({
  vendors: z
    .record(
      z.string(),
      z.strictObject({
        summary: publicText.optional(),
        findings: z.strictObject(
          Object.fromEntries(PRINCIPLES.map((p) => [p, findingSchema.optional()])) as Record<(typeof PRINCIPLES)[number], z.ZodOptional<typeof findingSchema>>,
        ).optional(),
        demonstrations: z.record(z.string(), publicText).optional(),
      }),
    )
    .optional(),
  conclusions: z.strictObject({ en: z.array(z.string()).default([]), fr: z.array(z.string()).default([]) }).optional(),
  lessonsLearned: z.strictObject({ en: z.array(z.string()).default([]), fr: z.array(z.string()).default([]) }).optional(),
});

/**
 * The lead's edit of the statement's public text (docs/statement-text.md): any of a vendor's
 * summary, findings and demonstration observations, the conclusions and the lessons learned, each
 * in English and French. Texts not in the file stay as they are.
 */
export function readStatementTextFile(file: string, words: CliWords = cliWords('en')): Omit<EditStatementInput, 'by'> {
  const parsed = statementTextSchema.safeParse(readStructured(file, words), { reportInput: true });
  if (!parsed.success) firstIssue(file, parsed.error, words);
  const edit = parsed.data;
  if (!edit.vendors && !edit.conclusions && !edit.lessonsLearned) {
    throw invalidFile(file, words.say('file.nothing-to-change'));
  }
  return edit as Omit<EditStatementInput, 'by'>;
}

const openCasesSchema = z.record(
  z.string(),
  z.strictObject({ action: z.enum(OPEN_CASE_ACTIONS, { error: issue('close-or-exclude') }), reason: publicText }),
);

/**
 * How the lead settles the engagements still open at drafting: `<vendor>: { action: close |
 * exclude, reason: { en, fr } }`. The reason is printed in the statement.
 */
export function readOpenCasesFile(file: string, words: CliWords = cliWords('en')): OpenCaseDecision[] {
  const parsed = openCasesSchema.safeParse(readStructured(file, words), { reportInput: true });
  if (!parsed.success) firstIssue(file, parsed.error, words);
  const decisions = Object.entries(parsed.data).map(([vendorId, d]) => ({ vendorId, action: d.action, reason: d.reason }));
  if (!decisions.length) throw invalidFile(file, words.say('file.no-open-cases'));
  return decisions;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const paragraphs = z.array(z.string().trim().min(1, issue('paragraph-empty')), { error: issue('paragraphs-list') }).min(1, issue('no-paragraph'));
const bilingualParagraphs = z.strictObject({ en: paragraphs, fr: paragraphs }, { error: issue('paragraphs-both-languages') });
const conclusionsSchema = z.strictObject({ conclusions: bilingualParagraphs, lessonsLearned: bilingualParagraphs });

/** The statement's conclusions and lessons learned, each as `en:` and `fr:` lists of paragraphs. */
export function readConclusionsFile(file: string, words: CliWords = cliWords('en')): z.output<typeof conclusionsSchema> {
  const parsed = conclusionsSchema.safeParse(readStructured(file, words), { reportInput: true });
  if (!parsed.success) firstIssue(file, parsed.error, words);
  const [problem] = statementTextProblems(parsed.data);
  if (problem) throw invalidFile(file, problem);
  return parsed.data;
}

/**
 * One vendor (id, name, language, contacts), checked with the campaign file's own rules: its problems
 * name their field and line as a campaign file's do, and the CLI words them the same way.
 */
export function readVendorFile(file: string, words: CliWords = cliWords('en')): Vendor {
  return parseVendorYaml(readText(file, words), file);
}
