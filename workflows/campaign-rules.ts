// The rules a running campaign applies to what its lead sends it: a vendor added late, the
// statement's conclusions and lessons learned. Plain functions over text-rules.ts, without zod, on
// purpose: every workflow instantiates the whole workflow bundle for itself, and zod in it cost each
// cached engagement about three times the memory (BENCHMARKS.md, part 2). The campaign file's zod
// schema (client/campaign-schema.ts) calls these same functions for its vendors and paragraphs.
import { emailProblem, LIMITS, textProblem, type TextRule } from './text-rules';
import { ID_PATTERN, LANGUAGES, type BilingualParagraphs, type Contact, type Vendor } from './types';

export type Path = (string | number)[];

export interface Problem {
  path: Path;
  message: string;
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

/** The wording of a value of the wrong type, shared with the file schema's error map. */
export function wrongType(expected: 'list' | 'mapping' | 'string', value: unknown): string {
  if (value === undefined) return 'is required';
  const got = Array.isArray(value) ? 'a list' : value === null ? 'nothing' : `a ${typeof value}`;
  const wanted = expected === 'list' ? 'a list' : expected === 'mapping' ? 'a mapping of fields' : 'a string';
  return `must be ${wanted}, not ${got}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a mapping's own fields: the wrong type, or fields nobody declared. */
function mappingProblems(value: unknown, path: Path, fields: readonly string[]): Problem[] | undefined {
  if (!isMapping(value)) return [{ path, message: wrongType('mapping', value) }];
  const unknown = Object.keys(value).filter((k) => !fields.includes(k));
  return unknown.length ? [{ path, message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` }] : undefined;
}

function textAt(value: unknown, path: Path, rule: TextRule): Problem[] {
  const problem = typeof value === 'string' ? textProblem(value, rule) : wrongType('string', value);
  return problem ? [{ path, message: problem }] : [];
}

function contactProblems(value: unknown, path: Path): Problem[] {
  const shape = mappingProblems(value, path, ['name', 'email']);
  if (shape && !isMapping(value)) return shape;
  const { name, email } = value as Record<string, unknown>;
  const problems = textAt(name, [...path, 'name'], NAME);
  if (typeof email !== 'string') problems.push({ path: [...path, 'email'], message: wrongType('string', email) });
  else {
    const problem = emailProblem(email);
    // zod's own wording for a malformed address, which the officer's guide quotes.
    if (problem) problems.push({ path: [...path, 'email'], message: problem.startsWith('must be an email address') ? 'invalid email' : problem });
  }
  return [...problems, ...(shape ?? [])];
}

/** Everything wrong with one vendor, at `path` (e.g. `['vendors', 2]`). */
export function vendorProblems(value: unknown, path: Path = []): Problem[] {
  const shape = mappingProblems(value, path, ['id', 'name', 'language', 'contacts']);
  if (shape && !isMapping(value)) return shape;
  const { id, name, language, contacts } = value as Record<string, unknown>;
  const problems: Problem[] = [];
  if (typeof id !== 'string') problems.push({ path: [...path, 'id'], message: wrongType('string', id) });
  else if (!ID_PATTERN.test(id)) problems.push({ path: [...path, 'id'], message: ID_MESSAGE });
  problems.push(...textAt(name, [...path, 'name'], NAME));
  if (!LANGUAGES.includes(language as (typeof LANGUAGES)[number])) {
    problems.push({
      path: [...path, 'language'],
      message: language === undefined ? 'is required' : `Invalid option: expected one of ${LANGUAGES.map((l) => `"${l}"`).join('|')}`,
    });
  }
  if (!Array.isArray(contacts)) problems.push({ path: [...path, 'contacts'], message: wrongType('list', contacts) });
  else if (contacts.length === 0) problems.push({ path: [...path, 'contacts'], message: 'needs at least one contact' });
  else if (contacts.length > LIMITS.contacts) problems.push({ path: [...path, 'contacts'], message: `must have at most ${LIMITS.contacts} entries` });
  else contacts.forEach((c, i) => problems.push(...contactProblems(c, [...path, 'contacts', i])));
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
export function checkVendor(vendor: unknown): { ok: true; vendor: Vendor } | { ok: false; problems: string[] } {
  const problems = vendorProblems(vendor, ['vendor']);
  if (problems.length === 0) return { ok: true, vendor: cleanVendor(vendor as Vendor) };
  return { ok: false, problems: problems.map((p) => `${formatPath(p.path)}: ${p.message}`) };
}

/** Everything wrong with paragraphs given in both languages (`{ en: [...], fr: [...] }`). */
export function paragraphsProblems(value: unknown, path: Path = []): Problem[] {
  const shape = mappingProblems(value, path, LANGUAGES);
  if (shape && !isMapping(value)) return shape;
  const problems: Problem[] = [];
  for (const language of LANGUAGES) {
    const list = (value as Record<string, unknown>)[language];
    const at = [...path, language];
    if (!Array.isArray(list)) problems.push({ path: at, message: wrongType('list', list) });
    else if (list.length === 0) problems.push({ path: at, message: 'needs at least one paragraph' });
    else if (list.length > LIMITS.paragraphs) problems.push({ path: at, message: `must have at most ${LIMITS.paragraphs} entries` });
    else {
      list.forEach((p, i) => problems.push(...textAt(p, [...at, i], PARAGRAPH)));
      const total = list.reduce((sum: number, p) => sum + (typeof p === 'string' ? p.length : 0), 0);
      if (total > LIMITS.paragraphsTotal) {
        problems.push({
          path: at,
          message: `must total at most ${LIMITS.paragraphsTotal} characters (got ${total}): Temporal refuses a payload over 2 MB, and this text travels in every engagement's input`,
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
  return [...paragraphsProblems(update.conclusions, ['conclusions']), ...paragraphsProblems(update.lessonsLearned, ['lessonsLearned'])].map(
    (p) => `${formatPath(p.path)}: ${p.message}`,
  );
}
