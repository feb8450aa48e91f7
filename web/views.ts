// The workspace's pages, rendered on the server with Handlebars (the engine the emails already use):
// the HTML structure lives in templates/web/*.hbs and every sentence in templates/web/strings.yaml,
// English and French side by side, so a translator edits one file. Values are always escaped.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { formatSize } from '../intake/wording';
import { fieldOf, formsIn, type PageForm } from './form-labels';
import { elide, elision, firstOfMonth, frenchHour, LOCALE, pluralForm, principleTitlesIn, timeZoneName } from '../workflows/locale';
import { isDateOnly } from '../workflows/time';
import { LANGUAGES, type Language, type Principle } from '../workflows/types';

export const WEB_TEMPLATES_DIR = join(__dirname, '..', 'templates', 'web');

export type Strings = Record<Language, Record<string, string>>;

export class WebTemplateError extends Error {
  readonly code = 'WebTemplateError';
}

export interface Views {
  render(page: string, language: Language, view: object): string;
  /** One sentence from strings.yaml, with its `{{values}}` filled in (plain text, not escaped). */
  text(language: Language, key: string, values?: object): string;
  /** A day as the letters date it, shorter: "1er juill. 2026", "11 Dec 2026". */
  date(value: string, language: Language, timeZone?: string): string;
  /** A moment on the zone's clocks, with the zone's name: "27 Nov 2026, 10:30 (Eastern Time)". */
  dateTime(value: string, language: Language, timeZone?: string): string;
  /** The zone as the letters name it ("heure de l’Est", "UTC"), at a moment (now if none). */
  zoneName(timeZone: string, language: Language, at?: Date): string;
  /** A principle's title as the letters and the statement give it ("Contrôle par l’utilisateur final"). */
  principle(principle: Principle, language: Language): string;
  /**
   * A field of a form sent to `actionPath`, as the form's page shows it: hidden, or the label it
   * carries in `language`; undefined for a field no page's form has (or one with no label of its own).
   */
  field(actionPath: string, name: string, language: Language): { hidden: boolean; label?: string } | undefined;
  strings: Strings;
}

/**
 * Reads strings.yaml and every page once; a key missing in one language fails at load, not on a page.
 * The first of a month and the principles' titles are the letters' words, read from
 * templates/words.yaml beside `dir` (`firstOfMonth`, `principles`), so a page and a letter date a
 * day and name a principle alike; a principle with no title in a language fails at load too.
 */
export function loadViews(dir = WEB_TEMPLATES_DIR): Views {
  const strings = parse(readFileSync(join(dir, 'strings.yaml'), 'utf8')) as Strings;
  const { ordinalFirst, principleTitles } = lettersWords(join(dir, '..', 'words.yaml'));
  const [first, ...others] = LANGUAGES;
  for (const language of others) {
    const missing = Object.keys(strings[first]).filter((k) => !(k in (strings[language] ?? {})));
    const extra = Object.keys(strings[language] ?? {}).filter((k) => !(k in strings[first]));
    if (missing.length || extra.length) {
      throw new WebTemplateError(
        `templates/web/strings.yaml: ${language} lacks ${missing.join(', ') || 'nothing'} and has extra ${extra.join(', ') || 'nothing'}; every key needs en and fr`,
      );
    }
  }
  const engine = Handlebars.create();
  // Sentences get an engine with no helpers but French elision (`{{elide 'de' vendor}}` gives
  // "d’Epsilon", as the letters write it), so a value named like a page helper (`{{date}}`) is a value.
  const sentences = Handlebars.create();
  sentences.registerHelper('elide', (word: unknown, name: unknown) => elide(String(word), String(name ?? '')));
  sentences.registerHelper('elision', (word: unknown, name: unknown) => elision(String(word), String(name ?? '')));
  const sentence = new Map<string, HandlebarsTemplateDelegate>();
  const text = (language: Language, key: string, values: object = {}, escape = false): string => {
    const id = `${language}\u0000${key}\u0000${escape}`;
    let compiled = sentence.get(id);
    if (!compiled) {
      const source = strings[language]?.[key];
      if (source === undefined) throw new WebTemplateError(`templates/web/strings.yaml has no ${language} text for "${key}"`);
      // A sentence is words, never markup: on a page its own "<" (as in "Name <address>") is shown as
      // written rather than read as a tag that would swallow the rest of the form.
      compiled = sentences.compile(escape ? escapeWords(source) : source, { noEscape: !escape, strict: false });
      sentence.set(id, compiled);
    }
    return compiled(values);
  };
  const date = (value: string, language: Language, timeZone = 'UTC') => formatDate(value, language, timeZone, ordinalFirst[language]);
  const zoneName = (timeZone: string, language: Language, at = new Date()) => timeZoneName(timeZone, language, at);
  const principle = (p: Principle, language: Language): string => principleTitles[language][p];
  const dateTime = (value: string, language: Language, timeZone = 'UTC') => {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) return value;
    const time = formatDateTime(at, language, timeZone, ordinalFirst[language]);
    return text(language, 'date.in-zone', { time, zone: zoneName(timeZone, language, at) });
  };
  const languageOf = (options: Handlebars.HelperOptions): Language => (options.data?.root?.lang as Language) ?? 'en';
  // A page about a case names its campaign's zone (`timeZone` in its view); the others print UTC.
  const zoneOf = (options: Handlebars.HelperOptions): string => (options.data?.root?.timeZone as string | undefined) ?? 'UTC';

  // `count=` picks the sentence's form for that number in the page's language (`key.one`,
  // `key.other`): French writes "1 ouverte" and "0 ouverte", English "1 open" and "0 open".
  const counted = (language: Language, key: string, count: unknown): string => {
    if (typeof count !== 'number') return key;
    const form = `${key}.${pluralForm(language, count)}`;
    return form in strings[language] ? form : `${key}.other` in strings[language] ? `${key}.other` : key;
  };
  engine.registerHelper('t', function (key: string, options: Handlebars.HelperOptions) {
    const language = languageOf(options);
    return new Handlebars.SafeString(text(language, counted(language, key, options.hash?.count), options.hash, true));
  });
  engine.registerHelper('date', (value: string | undefined, options: Handlebars.HelperOptions) =>
    value ? date(value, languageOf(options), zoneOf(options)) : '—',
  );
  // `zone=` names a row's own zone where a page lists several campaigns.
  engine.registerHelper('datetime', (value: string | undefined, options: Handlebars.HelperOptions) =>
    value ? dateTime(value, languageOf(options), (options.hash?.zone as string | undefined) ?? zoneOf(options)) : '—',
  );
  // The page's zone by name, for a form's hint about the day or time it asks for.
  engine.registerHelper('zoneName', (options: Handlebars.HelperOptions) => zoneName(zoneOf(options), languageOf(options)));
  // A size in bytes as the reader's language writes it ("3,1 Mo"); a size kept only as English text
  // (a copy held by older code) is shown as written.
  engine.registerHelper('size', (bytes: unknown, ...rest: unknown[]) => {
    const options = rest.pop() as Handlebars.HelperOptions;
    if (typeof bytes === 'number' && Number.isFinite(bytes)) return formatSize(bytes, languageOf(options), (language, key, values) => text(language, key, values));
    return typeof rest[0] === 'string' ? rest[0] : '—';
  });
  // `{{principleTitle principle}}`: not `principle`, a name the pages' views use for the code itself.
  engine.registerHelper('principleTitle', (p: Principle, options: Handlebars.HelperOptions) => principle(p, languageOf(options)));
  engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // The separator may be a sentence's punctuation (`(t "punctuation.list")`, "; " or French " ; ").
  engine.registerHelper('join', (list: unknown[] | undefined, separator: unknown) =>
    (list ?? []).join(typeof separator === 'string' ? separator : separator instanceof Handlebars.SafeString ? separator.toString() : ', '),
  );
  engine.registerHelper('paragraphs', (list: string[] | undefined) => (list ?? []).join('\n\n'));
  // A fresh id in each form as it is rendered: the workspace sends it as the update's id, so the same
  // form sent twice is one request (web/pages.ts).
  engine.registerHelper('submissionId', () => randomUUID());
  engine.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
  // ` autofocus` on the first element of a page that asks for it, nothing on the others: a form given
  // back refused puts the keyboard and the screen reader on the first field it refuses (its error is
  // the field's description), not at the top of the page. A page may hold one autofocus only.
  const focusGiven = new WeakSet<object>();
  engine.registerHelper('focusFirst', (options: Handlebars.HelperOptions) => {
    const root = options.data?.root as object | undefined;
    if (!root || focusGiven.has(root)) return '';
    focusGiven.add(root);
    return new Handlebars.SafeString(' autofocus');
  });

  for (const file of readdirSync(join(dir, 'partials')).filter((f) => f.endsWith('.hbs'))) {
    engine.registerPartial(basename(file, '.hbs'), readFileSync(join(dir, 'partials', file), 'utf8'));
  }
  const layout = engine.compile(readFileSync(join(dir, 'layout.hbs'), 'utf8'), { strict: false });
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  const forms: PageForm[] = [];
  for (const file of readdirSync(join(dir, 'pages')).filter((f) => f.endsWith('.hbs'))) {
    const source = readFileSync(join(dir, 'pages', file), 'utf8');
    pages.set(basename(file, '.hbs'), engine.compile(source, { strict: false }));
    forms.push(...formsIn(source));
  }

  return {
    strings,
    text: (language, key, values) => text(language, key, values),
    date,
    dateTime,
    zoneName,
    principle,
    field(actionPath, name, language) {
      const found = fieldOf(forms, actionPath, name);
      if (!found) return undefined;
      const { field, groups } = found;
      const values = Object.fromEntries(Object.entries(field.label?.values ?? {}).map(([param, group]) => [param, groups[group] ?? '']));
      return { hidden: field.hidden, label: field.label && text(language, field.label.key, values) };
    },
    render(page, language, view) {
      const template = pages.get(page);
      if (!template) throw new WebTemplateError(`no page template templates/web/pages/${page}.hbs`);
      const context = { ...view, lang: language };
      return layout({ ...context, body: new Handlebars.SafeString(template(context)) });
    },
  };
}

/**
 * The letters' words the pages use, by language: the first of a month (`1er`, or undefined where the
 * language writes "1") and each principle's title, which every language must have.
 */
function lettersWords(file: string): { ordinalFirst: Record<Language, string | undefined>; principleTitles: Record<Language, Record<Principle, string>> } {
  const words = parse(readFileSync(file, 'utf8')) as Partial<Record<Language, Record<string, unknown>>> | null;
  const ordinalFirst = {} as Record<Language, string | undefined>;
  const principleTitles = {} as Record<Language, Record<Principle, string>>;
  for (const language of LANGUAGES) {
    const word = words?.[language]?.firstOfMonth;
    if (word !== undefined && typeof word !== 'string') throw new WebTemplateError(`templates/words.yaml ${language}.firstOfMonth must be a text, such as "1er".`);
    ordinalFirst[language] = word;
    const principles = principleTitlesIn(words?.[language], language);
    if ('problem' in principles) throw new WebTemplateError(principles.problem);
    principleTitles[language] = principles.titles;
  }
  return { ordinalFirst, principleTitles };
}

// One formatter per language, style and zone: building an Intl.DateTimeFormat costs far more than
// using one, and a 1,000-vendor board formats thousands of dates.
const FORMATS = new Map<string, Intl.DateTimeFormat>();

function formatter(language: Language, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${options.timeStyle ?? ''}`;
  let format = FORMATS.get(key);
  if (!format) FORMATS.set(key, (format = new Intl.DateTimeFormat(LOCALE[language], { ...options, timeZone })));
  return format;
}

/**
 * The day of a moment in the campaign's zone, as its letters print it (a deadline that ends at
 * 23:59 in Toronto is that Toronto day), the first of a month as the language's ordinal ("1er juill.
 * 2026", the rule the letters follow). A bare `YYYY-MM-DD` is that day, whatever the zone. Its words
 * are joined by no-break spaces (U+00A0), as in the letters, so a line never ends inside a date.
 */
function formatDate(value: string, language: Language, timeZone: string, ordinalFirst: string | undefined): string {
  const bareDate = isDateOnly(value);
  const date = new Date(bareDate ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return noBreak(firstOfMonth(formatter(language, bareDate ? 'UTC' : timeZone, { dateStyle: 'medium' }).format(date), ordinalFirst));
}

/**
 * A moment as the clock reads it in the campaign's zone: "27 Nov 2026, 09:00", "1er déc. 2026, 9 h"
 * (French writes its hours as the letters do, not as Intl's "09 h 00"). The date and the time each
 * hold together; a line may break only after the comma between them.
 */
function formatDateTime(date: Date, language: Language, timeZone: string, ordinalFirst: string | undefined): string {
  const text = firstOfMonth(formatter(language, timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(date), ordinalFirst).replace(/(?<!,)[ \u202f]/g, '\u00a0');
  return language === 'fr' ? frenchHour(text) : text;
}

function noBreak(text: string): string {
  return text.replace(/[ \u202f]/g, '\u00a0');
}

const HTML_CHARACTERS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** A sentence's own words escaped for HTML; its `{{…}}` values are left to the engine, which escapes them. */
function escapeWords(source: string): string {
  return source
    .split(/(\{\{[\s\S]*?\}\})/)
    .map((part, i) => (i % 2 ? part : part.replace(/[&<>]/g, (c) => HTML_CHARACTERS[c])))
    .join('');
}
