// Why the intake holds a message, as data: a code and its values, worded by each reader in its
// language from templates/web/strings.yaml (keys `held.why.*`), the CLI and the held copy's header in
// English. A `detail` is text the intake does not write and cannot translate (an engagement's
// refusal, a parser's error, the border server's verdict); readers show it as written, in English.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../paths';
import type { Language } from '../workflows/types';

export type HeldWhy =
  | { code: 'unreadable'; detail: string }
  | { code: 'oversize'; size: string; limit: string }
  | { code: 'no-match' }
  | { code: 'unverified-sender'; detail: string }
  /** Every candidate engagement's validator refused it; `detail` is their words. */
  | { code: 'refused'; detail: string }
  /** Held by a version of the intake that wrote only its English sentence: that sentence. */
  | { code: 'as-written'; detail: string };

const CODES: HeldWhy['code'][] = ['unreadable', 'oversize', 'no-match', 'unverified-sender', 'refused', 'as-written'];

let strings: Record<Language, Record<string, string>> | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** The reason in words: the sentence for its code, then its detail as written. */
export function heldReasonText(why: HeldWhy, language: Language = 'en'): string {
  strings ??= parse(readFileSync(join(PROJECT_ROOT, 'templates', 'web', 'strings.yaml'), 'utf8')) as Record<Language, Record<string, string>>;
  const key = `${language}\u0000held.why.${why.code}`;
  let sentence = compiled.get(key);
  if (!sentence) {
    const source = strings[language]?.[`held.why.${why.code}`];
    if (source === undefined) throw new Error(`templates/web/strings.yaml has no ${language} text for "held.why.${why.code}"`);
    sentence = Handlebars.create().compile(source, { noEscape: true, strict: false });
    compiled.set(key, sentence);
  }
  const label = sentence(why);
  return 'detail' in why ? (label ? `${label} ${why.detail}` : why.detail) : label;
}

/** A reason read back from a held copy's header, or undefined when it is not one this intake wrote. */
export function parseHeldWhy(text: string): HeldWhy | undefined {
  try {
    const why = JSON.parse(text) as HeldWhy;
    return typeof why === 'object' && why !== null && CODES.includes(why.code) ? why : undefined;
  } catch {
    return undefined;
  }
}
