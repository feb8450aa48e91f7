// The CLI's help and Commander's usage errors in the officer's language. Every description of a
// command, argument and option is `help.<command path>[.argument.<name>|.option.<long flag>]` in
// templates/cli.yaml; Commander's own words (section titles, the help option and command, the
// "(default: …)" notes, its usage errors) are there too, set through its public API. The language is
// chosen before Commander parses (cli-words.ts `cliLanguage`), so `--lang fr --help` is French.
import type { Argument, Command, Help, Option } from 'commander';
import { cliCountedSentence, cliSentence, cliTemplates } from './cli-sentences';
import type { Language } from '../workflows/types';

/**
 * A help text of templates/cli.yaml. Read without Handlebars, which `--help` must not load (its
 * texts fill in plain `{{value}}`s only); a key missing is a defect of this release.
 */
function helpText(language: Language, key: string, values: Record<string, string> = {}): string {
  const text = cliTemplates()[language]?.[key];
  if (text === undefined) throw new Error(`templates/cli.yaml has no ${language} text for "${key}"`);
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}

/** The key of a command's description: `help.dossier` for the program, else its path (`help.engagement.show`). */
export function commandHelpKey(command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  return path.length ? `help.${path.join('.')}` : `help.${command.name()}`;
}

export const argumentHelpKey = (command: Command, argument: Argument) => `${commandHelpKey(command)}.argument.${argument.name()}`;
export const optionHelpKey = (command: Command, option: Option) => `${commandHelpKey(command)}.option.${(option.long ?? option.short ?? option.flags).replace(/^-+/, '')}`;

/** Describes `program` and every command under it in `language`, Commander's words included. */
export function describeInLanguage(program: Command, language: Language): void {
  const text = (key: string, values?: Record<string, string>) => helpText(language, key, values);
  const help = helpIn(language);
  const visit = (command: Command) => {
    command.description(text(commandHelpKey(command)));
    for (const argument of command.registeredArguments) argument.description = text(argumentHelpKey(command, argument));
    for (const option of command.options) option.description = text(optionHelpKey(command, option));
    command.helpOption('-h, --help', text('help.option.help'));
    if (command.commands.length) command.helpCommand('help [command]', text('help.command.help'));
    command.configureHelp(help);
    command.configureOutput({ outputError: (message, write) => write(usageError(message, language)) });
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  program.showHelpAfterError(text('help.after-error'));
  program.addHelpText('after', `\n${text('help.after')}`);
}

const TITLES: Record<string, string> = {
  'Usage:': 'help.title.usage',
  'Arguments:': 'help.title.arguments',
  'Options:': 'help.title.options',
  'Commands:': 'help.title.commands',
  'Global Options:': 'help.title.global-options',
};

/**
 * The key of a placeholder of the syntax (`campaign`, `message-id`, `"Name <email>"`, `id=text`,
 * and Commander's `options` and `command`): `help.syntax.<its words joined by ->`.
 */
export const syntaxKey = (placeholder: string) =>
  `help.syntax.${placeholder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')}`;

/** A placeholder in `language`; `missing` gives it as written where this release has no word for it (a usage error's). */
function placeholderIn(language: Language, placeholder: string, missing: 'throw' | 'as-written' = 'throw'): string {
  const key = syntaxKey(placeholder.replace(/\.\.\.$/, ''));
  if (missing === 'as-written' && cliTemplates()[language]?.[key] === undefined) return placeholder;
  return helpText(language, key) + (placeholder.endsWith('...') ? '...' : '');
}

/**
 * A piece of the syntax in `language`: an argument (`campaign`, `<campaign>`, `[vendor]`),
 * Commander's `[options]` and `[command]`, or an option's flags with their value (`--file <file>`):
 * the names an officer types (commands, flags) stay as they are, the placeholders are worded.
 */
export function syntaxIn(language: Language, piece: string, missing: 'throw' | 'as-written' = 'throw'): string {
  const m = /^(.*?)(^| )([<[])(.*)([>\]])$/.exec(piece);
  if (m) return `${m[1]}${m[2]}${m[3]}${placeholderIn(language, m[4]!, missing)}${m[5]}`;
  return piece.startsWith('-') ? piece : placeholderIn(language, piece, missing);
}

/** Commander's help, its titles and the notes it adds to a description (choices, default…) in `language`. */
function helpIn(language: Language): Partial<Help> {
  const text = (key: string, values?: Record<string, string>) => helpText(language, key, values);
  const noted = (description: string, notes: string[]) => (notes.length ? [description, `(${notes.join(', ')})`].filter(Boolean).join(' ') : description);
  const choices = (values: readonly string[] | undefined) => (values ? [text('help.note.choices', { value: values.map((v) => JSON.stringify(v)).join(', ') })] : []);
  return {
    styleTitle: (title: string) => (TITLES[title] ? text(TITLES[title]) : title),
    // The syntax's pieces, as Commander's styleUsage, styleSubcommandTerm and the terms hand them over
    // (lib/help.js): an argument's name alone or bracketed, `[options]`, an option's flags, `[command]`.
    styleArgumentText: (piece: string) => syntaxIn(language, piece),
    styleOptionText: (piece: string) => syntaxIn(language, piece),
    styleSubcommandText: (piece: string) => (piece === '[command]' ? syntaxIn(language, piece) : piece),
    // As Commander notes them (lib/help.js), in the language.
    optionDescription(option: Option): string {
      const notes = choices(option.argChoices);
      if (option.defaultValue !== undefined && (option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean'))) {
        notes.push(text('help.note.default', { value: option.defaultValueDescription || JSON.stringify(option.defaultValue) }));
      }
      if (option.presetArg !== undefined && option.optional) notes.push(text('help.note.preset', { value: JSON.stringify(option.presetArg) }));
      if (option.envVar !== undefined) notes.push(text('help.note.env', { value: option.envVar }));
      return noted(option.description, notes);
    },
    argumentDescription(argument: Argument): string {
      const notes = choices(argument.argChoices);
      if (argument.defaultValue !== undefined) notes.push(text('help.note.default', { value: argument.defaultValueDescription || JSON.stringify(argument.defaultValue) }));
      return noted(argument.description, notes);
    },
  };
}

/**
 * Commander's usage errors, read back from its English (the only form its public API gives them
 * in, to `outputError`) and worded from templates/cli.yaml. One this release does not know is
 * printed as Commander wrote it.
 */
const USAGE_ERRORS: Array<{ key: string; pattern: RegExp; values: (m: RegExpExecArray, language: Language) => object }> = [
  { key: 'usage.unknown-option', pattern: /^error: unknown option '(.*)'$/, values: (m) => ({ option: m[1] }) },
  { key: 'usage.unknown-command', pattern: /^error: unknown command '(.*)'$/, values: (m) => ({ command: m[1] }) },
  { key: 'usage.missing-argument', pattern: /^error: missing required argument '(.*)'$/, values: (m, language) => ({ argument: syntaxIn(language, m[1]!, 'as-written') }) },
  { key: 'usage.option-missing-argument', pattern: /^error: option '(.*)' argument missing$/, values: (m, language) => ({ option: syntaxIn(language, m[1]!, 'as-written') }) },
  { key: 'usage.missing-option', pattern: /^error: required option '(.*)' not specified$/, values: (m, language) => ({ option: syntaxIn(language, m[1]!, 'as-written') }) },
  {
    key: 'usage.too-many-arguments',
    pattern: /^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\.$/,
    values: (m, language) => ({
      command: m[1],
      expected: cliCountedSentence(language, 'usage.arguments-expected', Number(m[2]), { count: m[2] }),
      received: cliCountedSentence(language, 'usage.arguments-received', Number(m[3]), { count: m[3] }),
    }),
  },
  {
    key: 'usage.invalid-option-value',
    pattern: /^error: option '(.*)' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/,
    values: (m, language) => ({ option: syntaxIn(language, m[1]!, 'as-written'), value: m[2], choices: m[3] }),
  },
  {
    key: 'usage.invalid-argument-value',
    pattern: /^error: command-argument value '(.*)' is invalid for argument '(.*)'\. Allowed choices are (.*)\.$/,
    values: (m) => ({ value: m[1], argument: m[2], choices: m[3] }),
  },
];

const SUGGESTIONS: Array<{ key: string; pattern: RegExp }> = [
  { key: 'usage.did-you-mean-one-of', pattern: /^\(Did you mean one of (.*)\?\)$/ },
  { key: 'usage.did-you-mean', pattern: /^\(Did you mean (.*)\?\)$/ },
];

export function usageError(message: string, language: Language): string {
  const [first = '', ...rest] = message.replace(/\n$/, '').split('\n');
  const worded = wordLine(first, USAGE_ERRORS, language);
  if (worded === undefined) return message;
  const suggestions = rest.map((line) => wordLine(line, SUGGESTIONS.map((s) => ({ ...s, values: (m: RegExpExecArray) => ({ suggestion: m[1] }) })), language) ?? line);
  return [worded, ...suggestions].join('\n') + '\n';
}

function wordLine(line: string, known: Array<{ key: string; pattern: RegExp; values: (m: RegExpExecArray, language: Language) => object }>, language: Language): string | undefined {
  for (const { key, pattern, values } of known) {
    const m = pattern.exec(line);
    if (m) return cliSentence(language, key, values(m, language));
  }
  return undefined;
}
