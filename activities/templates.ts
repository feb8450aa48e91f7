// The texts of every message and letter, kept as Handlebars templates in templates/ with English and
// French side by side (one YAML file per message kind). Loaded once and cached. HTML parts escape
// every value, so a vendor's text can never inject markup; subjects, text parts and PDF letters
// are not HTML and are rendered without escaping.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { DossierError } from '../workflows/errors';
import { elide, elision, pluralForm, principleTitlesIn } from '../workflows/locale';
import { LANGUAGES, MESSAGE_KINDS, type Language, type MessageKind } from '../workflows/types';

export const TEMPLATES_DIR = join(__dirname, '..', 'templates');

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The letter's fixed wording (labels, salutation, closing), rendered with the letter's values. */
export interface LetterWording {
  reference: string;
  date: string;
  subject: string;
  salutation: string;
  closing: string;
  /** By when a response is expected, as the covering email says; printed only when the letter states a due date. */
  responseDue: string;
  cosignedBy: string;
  /** Among the PDF's metadata keywords. */
  keyword: string;
  /** The PDF's title, before the vendor's name. */
  documentTitle: string;
}

type Compiled = (view: object) => string;
interface EmailTemplate {
  subject: Compiled;
  text: Compiled;
  html: Compiled;
  /** Labels the kind's templates look up (`{{lookup words.stages stage}}`), from its `words:` section. */
  words: Record<string, unknown>;
}
interface Layout {
  text: Compiled;
  html: Compiled;
}

const engine = Handlebars.create();

// `{{elide 'de' vendorName}}` gives "d’Epsilon", `{{elision 'de' vendorName}}` the word alone (for a name
// set in bold); the rule lives in workflows/french.ts, which the workspace's pages follow too.
engine.registerHelper('elide', (word: unknown, name: unknown) => elide(String(word), String(name ?? '')));
engine.registerHelper('elision', (word: unknown, name: unknown) => elision(String(word), String(name ?? '')));
// `{{lines comment}}` in an HTML part: a person's text escaped, its line breaks kept as <br> (HTML runs
// a bare line break into a space, so a comment's lines and a section's paragraphs ran together).
engine.registerHelper('lines', (text: unknown) => new Handlebars.SafeString(Handlebars.escapeExpression(String(text ?? '')).replace(/\r?\n/g, '<br>')));

/** A template file or one of its texts is missing or malformed; the message names the file to fix. */
export class TemplateError extends DossierError<'TemplateError'> {
  constructor(message: string) {
    super('TemplateError', message);
  }
}

function compile(source: unknown, where: string, escape: boolean): Compiled {
  if (typeof source !== 'string') throw new TemplateError(`${where} is missing; add it to the template file.`);
  // Compiling eagerly reports a syntax error at load time, not at the first send.
  const template = engine.compile(source, { noEscape: !escape, strict: false });
  template({});
  return (view) => template(view);
}

function readYaml(file: string): Record<string, Record<string, unknown>> {
  if (!existsSync(file)) throw new TemplateError(`Template file ${file} is missing; every message kind needs one, with en: and fr: sections.`);
  const data = parse(readFileSync(file, 'utf8')) as unknown;
  if (!data || typeof data !== 'object') throw new TemplateError(`${file} holds no templates; expected en: and fr: sections.`);
  return data as Record<string, Record<string, unknown>>;
}

interface TemplateSet {
  email: Map<string, EmailTemplate>;
  layouts: Map<Language, Layout>;
  letter: Map<Language, Record<keyof LetterWording, Compiled>>;
  /** templates/words.yaml: words the correspondence builds sentences from, by language. */
  words: Map<Language, Record<string, unknown>>;
  statement: Map<Language, Map<string, Compiled>>;
}

/**
 * The statement's wording in one language: `say('stage.concluded', { vendor })`, and
 * `count('counts.withdrawn', 2)` for a key with `one:`/`other:` forms chosen by the language's
 * plural rule. An unknown key throws, naming the file to fix.
 */
export interface StatementWording {
  language: Language;
  say(key: string, view?: object): string;
  count(key: string, count: number, view?: object): string;
  /** `2,000` / `2 000`: digits grouped as the language writes them. */
  number(n: number): string;
}

const cache = new Map<string, TemplateSet>();

/** Reads and compiles every template under `dir` once; a missing kind or language fails at once. */
export function loadTemplates(dir = TEMPLATES_DIR): TemplateSet {
  const cached = cache.get(dir);
  if (cached) return cached;
  const set: TemplateSet = { email: new Map(), layouts: new Map(), letter: new Map(), words: new Map(), statement: new Map() };
  const statementFile = readYaml(join(dir, 'statement.yaml'));
  const statementKeys = new Map<Language, string[]>();
  for (const lang of LANGUAGES) {
    const compiled = new Map<string, Compiled>();
    const walk = (node: unknown, path: string) => {
      if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
      else compiled.set(path, compile(node, `statement.yaml ${lang}.${path}`, false));
    };
    walk(statementFile[lang], '');
    set.statement.set(lang, compiled);
    statementKeys.set(lang, [...compiled.keys()].sort());
  }
  // Both languages must say the same things: a key in one only would print nothing in the other.
  const [first, ...others] = LANGUAGES;
  for (const lang of others) {
    const a = new Set(statementKeys.get(first)), b = new Set(statementKeys.get(lang));
    const lacking = [...[...a].filter((k) => !b.has(k)).map((k) => `${lang}.${k}`), ...[...b].filter((k) => !a.has(k)).map((k) => `${first}.${k}`)];
    if (lacking.length) throw new TemplateError(`statement.yaml lacks ${lacking.join(', ')}; every key needs an en and an fr text.`);
  }
  const layoutFile = readYaml(join(dir, 'email', 'layout.yaml'));
  const letterFile = readYaml(join(dir, 'letter.yaml'));
  const wordsFile = readYaml(join(dir, 'words.yaml'));
  for (const lang of LANGUAGES) {
    set.words.set(lang, wordsFile[lang] ?? {});
    // The principles' titles are kept here alone (the workspace reads them too): one missing would
    // leave a statement's heading, or a change's label, without its principle.
    const principles = principleTitlesIn(wordsFile[lang], lang);
    if ('problem' in principles) throw new TemplateError(principles.problem);
    const layout = layoutFile[lang] ?? {};
    set.layouts.set(lang, {
      text: compile(layout.text, `layout.yaml ${lang}.text`, false),
      html: compile(layout.html, `layout.yaml ${lang}.html`, true),
    });
    const letter = letterFile[lang] ?? {};
    const keys: (keyof LetterWording)[] = ['reference', 'date', 'subject', 'salutation', 'responseDue', 'closing', 'cosignedBy', 'keyword', 'documentTitle'];
    set.letter.set(
      lang,
      Object.fromEntries(keys.map((k) => [k, compile(letter[k], `letter.yaml ${lang}.${k}`, false)])) as Record<keyof LetterWording, Compiled>,
    );
  }
  for (const kind of MESSAGE_KINDS) {
    const file = readYaml(join(dir, 'email', `${kind}.yaml`));
    for (const lang of LANGUAGES) {
      const t = file[lang] ?? {};
      const where = `email/${kind}.yaml ${lang}`;
      set.email.set(`${kind}.${lang}`, {
        subject: compile(t.subject, `${where}.subject`, false),
        text: compile(t.text, `${where}.text`, false),
        html: compile(t.html, `${where}.html`, true),
        words: (t.words ?? {}) as Record<string, unknown>,
      });
    }
  }
  cache.set(dir, set);
  return set;
}

/**
 * Renders one email's subject and both parts; the kind's body goes into the language's layout.
 *
 * @example
 * renderEmail('reminder', 'fr', { vendorName: 'Zoom', reminderOrdinal: 'deuxième', dueDate: '21 août 2020', … })
 */
export function renderEmail(kind: MessageKind, language: Language, view: object, dir = TEMPLATES_DIR): RenderedEmail {
  const set = loadTemplates(dir);
  const template = set.email.get(`${kind}.${language}`);
  const layout = set.layouts.get(language);
  if (!template || !layout) throw new TemplateError(`No ${language} template for ${kind}; add templates/email/${kind}.yaml.`);
  const worded = { ...view, words: template.words };
  const subject = oneLine(template.subject(worded));
  const text = layout.text({ ...view, subject, body: tidyText(template.text(worded)) });
  const html = layout.html({ ...view, subject, body: new Handlebars.SafeString(template.html(worded)) });
  return { subject, text, html };
}

export function renderLetterWording(language: Language, view: object, dir = TEMPLATES_DIR): LetterWording {
  const wording = loadTemplates(dir).letter.get(language);
  if (!wording) throw new TemplateError(`No ${language} letter wording; add it to templates/letter.yaml.`);
  return Object.fromEntries(Object.entries(wording).map(([k, t]) => [k, tidyText(t(view))])) as unknown as LetterWording;
}

/**
 * One entry of templates/words.yaml in a language: a list (`ordinals`), or a text (`firstOfMonth`,
 * `numberedOrdinal.few`) with its values filled in; undefined when the language has none.
 * @example wordOf('fr', 'demonstrationEventTitle', { vendor: 'Zoom', reference: 'OPC-2020' }) // 'Démonstration de Zoom (OPC-2020)'
 */
export function wordOf(language: Language, path: string, view?: object, dir = TEMPLATES_DIR): string | undefined {
  const found = path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), loadTemplates(dir).words.get(language));
  if (found === undefined) return undefined;
  if (typeof found !== 'string') throw new TemplateError(`templates/words.yaml ${language}.${path} must be a text.`);
  return view ? compiledWord(found)(view) : found;
}

/** A list from templates/words.yaml (`ordinals`); empty when the language has none. */
export function wordListOf(language: Language, path: string, dir = TEMPLATES_DIR): string[] {
  const found = loadTemplates(dir).words.get(language)?.[path];
  if (found === undefined) return [];
  if (!Array.isArray(found) || !found.every((w) => typeof w === 'string')) throw new TemplateError(`templates/words.yaml ${language}.${path} must be a list of texts.`);
  return found;
}

const compiledWords = new Map<string, Compiled>();
function compiledWord(source: string): Compiled {
  let compiled = compiledWords.get(source);
  if (!compiled) compiledWords.set(source, (compiled = compile(source, `templates/words.yaml "${source}"`, false)));
  return compiled;
}

const NUMBER_LOCALE: Record<Language, string> = { en: 'en', fr: 'fr' };

export function statementWording(language: Language, dir = TEMPLATES_DIR): StatementWording {
  const compiled = loadTemplates(dir).statement.get(language);
  if (!compiled) throw new TemplateError(`No ${language} statement wording; add it to templates/statement.yaml.`);
  const say = (key: string, view: object = {}) => {
    const template = compiled.get(key);
    if (!template) throw new TemplateError(`templates/statement.yaml has no ${language}.${key}; add it (in en and fr).`);
    return oneLine(template(view));
  };
  const digits = new Intl.NumberFormat(NUMBER_LOCALE[language]);
  const cardinals = wordListOf(language, 'cardinals', dir);
  return {
    language,
    say,
    number: (n) => digits.format(n),
    count: (key, count, view = {}) => {
      const countInWords = cardinals[count] ?? digits.format(count);
      const CountInWords = countInWords.charAt(0).toUpperCase() + countInWords.slice(1);
      // `two` where a sentence has one ("both", "neither"): not a plural category of either language.
      const form = count === 2 && compiled.has(`${key}.two`) ? 'two' : pluralForm(language, count);
      return say(`${key}.${form}`, { ...view, count: digits.format(count), countInWords, CountInWords });
    },
  };
}

/** Collapses line breaks and runs of ordinary spaces; no-break spaces (French typography) stay. */
function oneLine(text: string): string {
  return text.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

/** Template sections leave blank runs where an `{{#if}}` was false; keep at most one blank line. */
function tidyText(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
