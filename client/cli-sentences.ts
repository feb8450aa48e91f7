// The CLI's own sentences, templates/cli.yaml, English and French side by side, in plain text (a
// terminal escapes nothing); client/cli-words.ts gathers them with the workspace's shared words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../paths';
import { pluralForm } from '../workflows/locale';
import type { Language } from '../workflows/types';

export const CLI_TEMPLATES = join(PROJECT_ROOT, 'templates', 'cli.yaml');

/** This file as the compiled CLI holds it, parsed at build time (scripts/build-cli.mjs); undefined in the sources. */
declare const __DOSSIER_CLI_TEMPLATES__: string | undefined;

let templates: Record<Language, Record<string, string>> | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Every sentence of templates/cli.yaml, by language. */
export function cliTemplates(): Record<Language, Record<string, string>> {
  // Parsing the YAML at every run would cost `--help` as much as all the rest of it.
  const built = typeof __DOSSIER_CLI_TEMPLATES__ === 'string' ? __DOSSIER_CLI_TEMPLATES__ : undefined;
  return (templates ??= (built === undefined ? parse(readFileSync(CLI_TEMPLATES, 'utf8')) : JSON.parse(built)) as Record<Language, Record<string, string>>);
}

/** One sentence, its `{{values}}` filled in; a key missing in the language is a defect of this release. */
export function cliSentence(language: Language, key: string, values: object = {}): string {
  const id = `${language}\u0000${key}`;
  let template = compiled.get(id);
  if (!template) {
    const source = cliTemplates()[language]?.[key];
    if (source === undefined) throw new Error(`templates/cli.yaml has no ${language} text for "${key}"`);
    template = Handlebars.create().compile(source, { noEscape: true, strict: false });
    compiled.set(id, template);
  }
  return template(values);
}

/**
 * The sentence for `count` things: `key.one` or `key.other`, as the language's plural rule picks
 * them (workflows/locale.ts's pluralForm, as the statement, the workspace and the intake choose theirs).
 */
export function cliCountedSentence(language: Language, key: string, count: number, values: object = {}): string {
  return cliSentence(language, `${key}.${pluralForm(language, count)}`, values);
}
