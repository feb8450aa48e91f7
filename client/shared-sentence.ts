// The workspace's sentences (templates/web/strings.yaml) as the CLI and the audit export say them.
// Some name a vendor after a French word elided before a vowel (`{{elide 'de' vendor}}`: "d’Epsilon"),
// a helper the plain engine of intake/wording.ts does not register; Handlebars takes a helper it
// lacks from the values, so every sentence is given `elide` there, as the workspace's engine has it.
import { sentence } from '../intake/wording';
import { elide } from '../workflows/locale';
import type { Language } from '../workflows/types';

const helpers = { elide: (word: unknown, name: unknown) => elide(String(word), String(name ?? '')) };

/** One sentence of strings.yaml in plain text, its `{{values}}` filled in. */
export function sharedSentence(language: Language, key: string, values: object = {}): string {
  return sentence(language, key, { ...helpers, ...values });
}
