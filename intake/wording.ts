// Sentences from templates/web/strings.yaml for code outside the web workspace's pages (the intake's
// held reasons and notes, the CLI), and sizes worded per language: "3.1 MB" in English, "3,1 Mo" in
// French, the unit words from strings.yaml (keys `size.*`) and the number from Intl.NumberFormat.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../paths';
import { LOCALE, pluralForm } from '../workflows/locale';
import type { Language } from '../workflows/types';

let strings: Record<Language, Record<string, string>> | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** One sentence in plain text (not escaped), its `{{values}}` filled in. */
export function sentence(language: Language, key: string, values: object = {}): string {
  strings ??= parse(readFileSync(join(PROJECT_ROOT, 'templates', 'web', 'strings.yaml'), 'utf8')) as Record<Language, Record<string, string>>;
  const id = `${language}\u0000${key}`;
  let template = compiled.get(id);
  if (!template) {
    const source = strings[language]?.[key];
    if (source === undefined) throw new Error(`templates/web/strings.yaml has no ${language} text for "${key}"`);
    template = Handlebars.create().compile(source, { noEscape: true, strict: false });
    compiled.set(id, template);
  }
  return template(values);
}

const NUMBERS = new Map<string, Intl.NumberFormat>();

function number(language: Language, value: number, fractionDigits: number): string {
  const key = `${language}|${fractionDigits}`;
  let format = NUMBERS.get(key);
  if (!format) NUMBERS.set(key, (format = new Intl.NumberFormat(LOCALE[language], { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits })));
  return format.format(value);
}

/**
 * A size as a reader writes it in its language: bytes below 1 KB, else KB or MB with one decimal
 * (binary multiples, as the intake's limits are set). `word` gives the unit's sentence; the web
 * pages pass their own loaded strings.
 */
export function formatSize(bytes: number, language: Language, word: (language: Language, key: string, values: object) => string = sentence): string {
  if (bytes < 1024) return word(language, 'size.bytes', { n: number(language, bytes, 0) });
  if (bytes < 1024 * 1024) return word(language, 'size.kb', { n: number(language, bytes / 1024, 1) });
  return word(language, 'size.mb', { n: number(language, bytes / 1024 / 1024, 1) });
}

/**
 * A sentence about `count` things in the form the language's plural rule gives it (`key.one` or
 * `key.other`; French: 0 and 1 are "one"), the count written as a reader writes it.
 */
export function countedSentence(language: Language, key: string, count: number, values: object = {}): string {
  return sentence(language, `${key}.${pluralForm(language, count)}`, { ...values, count: formatCount(count, language) });
}

/** A count as a reader writes it in its language ("20,000"; "20 000" in French). */
export function formatCount(n: number, language: Language): string {
  return number(language, n, 0);
}
