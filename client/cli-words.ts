// The CLI's sentences in the officer's language: its own in templates/cli.yaml, and the words it
// shares with the workspace (stages, phases, held mail, refusals) from templates/web/strings.yaml,
// English and French side by side. The language is the officer's choice: `--lang`, else the locale
// the terminal runs in (LC_ALL, LC_MESSAGES, LANG, as POSIX orders them), else English.
// `--json` is for scripts and stays as the API returns it, in no language.
import { formatCount } from '../intake/wording';
import { sharedSentence as sentence } from './shared-sentence';
import { LANGUAGES, type Language } from '../workflows/types';
import { cliCountedSentence, cliSentence, cliTemplates } from './cli-sentences';
import { invalidInput } from './errors';
import { deadline, dueDay, when } from './output';

export interface CliWords {
  readonly language: Language;
  /** A sentence of templates/cli.yaml in plain text, its `{{values}}` filled in. */
  say(key: string, values?: object): string;
  /** A sentence of templates/cli.yaml, or `fallback` where it has none (a code of a newer release). */
  sayOr(key: string, fallback: string, values?: object): string;
  /** The `key.one` or `key.other` sentence for `n` things, `{{count}}` being `n` as `count(n)` writes it. */
  sayCount(key: string, n: number, values?: object): string;
  /** A sentence the workspace shows too (templates/web/strings.yaml). */
  shared(key: string, values?: object): string;
  /** A code the workflow records (a stage, a phase, a result…) in words, or as written if this release does not know it. */
  code(prefix: 'stage' | 'phase' | 'result' | 'kind' | 'review', value: string | undefined): string | undefined;
  /** Table headings (templates/cli.yaml `heading.*`). */
  headings(...keys: string[]): string[];
  /** A Temporal execution status (`RUNNING`, `COMPLETED`…) in words, or lowercased if this release does not know it. */
  executionStatus(status: string): string;
  /** A timestamp to the minute (UTC), as `output.when` writes it in the language. */
  when(iso: string | undefined): string;
  /**
   * A deadline and how far it is from now, as `output.deadline` writes it in the language: its day in
   * `timeZone` (the campaign's, `campaignTimeZone`), or the UTC instant where the zone is not known.
   */
  deadline(iso: string | undefined, now?: number, timeZone?: string): string;
  /** A due date as its day in `timeZone` (the campaign's), as `output.dueDay` writes it; the UTC instant without one. */
  dueDay(iso: string | undefined, timeZone?: string): string;
  /** A count with the language's grouping of digits ("12,345"; "12 345"). */
  count(n: number): string;
}

export function cliWords(language: Language): CliWords {
  const say = (key: string, values: object = {}) => cliSentence(language, key, values);
  const shared = (key: string, values: object = {}) => sentence(language, key, values);
  return {
    language,
    say,
    shared,
    code(prefix, value) {
      if (value === undefined || language === 'en') return value;
      try {
        return shared(`${prefix}.${value}`);
      } catch {
        return value;
      }
    },
    headings: (...keys) => keys.map((key) => say(`heading.${key}`)),
    sayCount: (key, n, values = {}) => cliCountedSentence(language, key, n, { ...values, count: formatCount(n, language) }),
    sayOr: (key, fallback, values) => (key in cliTemplates()[language] ? say(key, values) : fallback),
    executionStatus: (status) => (cliTemplates()[language][`status.${status.toLowerCase()}`] === undefined ? status.toLowerCase() : say(`status.${status.toLowerCase()}`)),
    when: (iso) => when(iso, language),
    deadline: (iso, now, timeZone) => deadline(iso, now, language, timeZone),
    dueDay: (iso, timeZone) => dueDay(iso, language, timeZone),
    count: (n) => formatCount(n, language),
  };
}

/**
 * The language the officer asked for: `--lang en|fr` (before `--`, as `--lang fr` or `--lang=fr`),
 * else a French locale in the environment, else English. An unknown `--lang` is refused, in the
 * locale's language; an unknown locale (German, C) is no error: it reads English.
 */
export function cliLanguage(argv: readonly string[], env: NodeJS.ProcessEnv): Language {
  const fromLocale = localeLanguage(env);
  const given = langOption(argv);
  if (given === undefined) return fromLocale;
  if ((LANGUAGES as readonly string[]).includes(given)) return given as Language;
  throw invalidInput(cliWords(fromLocale).say('error.unknown-language', { value: given, choices: LANGUAGES.join(', ') }));
}

function langOption(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--lang' && i + 1 < argv.length) found = argv[++i];
    else if (arg.startsWith('--lang=')) found = arg.slice('--lang='.length);
  }
  return found?.trim().toLowerCase();
}

/** The first locale variable set decides (LC_ALL over LC_MESSAGES over LANG): `fr_CA.UTF-8`, `fr`. */
function localeLanguage(env: NodeJS.ProcessEnv): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^fr([_.@-]|$)/i.test(locale) ? 'fr' : 'en';
}
