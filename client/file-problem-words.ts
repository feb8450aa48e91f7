// A campaign or vendor file's problems in the reader's language, for the CLI (a file given on the
// command line) and the workspace (a campaign file uploaded): a problem the schema found with a
// refusal code is worded as the workspace words refusals (each front end does that with its own
// views); the others here, from templates/cli.yaml: the file system's and the YAML parser's by their
// codes (`file.unreadable.*`, `file.yaml.*`), the schema's own by its sentence's key (`file.problem.*`).
// A schema's sentence is taken from the templates in English too: the message the check wrote is for
// logs and tests, and leaves out what the sentence quotes back (the value given).
import type { CliWords } from './cli-words';
import { readErrorWords, yamlErrorWords } from './commands/input-files';

/** A problem as client/campaign-file.ts reports it (`ReadingProblem`), as much as wording needs. */
export interface FileProblem {
  where?: string;
  message?: string;
  /** The sentence of a problem with no refusal code (client/campaign-schema.ts `ProblemWording`). */
  wording?: { key: string; values: Record<string, string> };
  /** Why the file could not be read or parsed, as the system's code (client/campaign-file.ts `ReadingProblem`). */
  systemCode?: string;
}

/** A problem with no refusal code in `words`' language; undefined for one this release does not word (a reading problem in English: its message is the sentence). */
export function fileProblemWords(problem: FileProblem, words: CliWords): string | undefined {
  return readingWords(problem, words) ?? schemaWords(problem, words);
}

/** A schema's problem that has no refusal code, from its sentence's key, in the reader's language. */
function schemaWords(problem: FileProblem, words: CliWords): string | undefined {
  if (!problem.wording) return undefined;
  return words.sayOr(`file.problem.${problem.wording.key}`, problem.message ?? '', problem.wording.values) || undefined;
}

/**
 * Why a file could not be read or parsed, from the system's code, in a language other than English:
 * the file system's or the parser's error in words; a parser's error this release does not word is
 * quoted, said to be the parser's. Undefined for a problem without a code, or in English.
 */
function readingWords(problem: FileProblem, words: CliWords): string | undefined {
  const code = problem.systemCode;
  if (words.language === 'en' || code === undefined) return undefined;
  if (problem.where === '(file)') return words.say('file.cannot-be-read', { why: readErrorWords(code, words) });
  if (problem.where === '(aliases)') return words.say('file.yaml-aliases');
  return yamlErrorWords(code, words) ?? words.say('file.yaml-as-given', { text: problem.message });
}
