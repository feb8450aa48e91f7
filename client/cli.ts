// The `dossier` command: the case officer's way to start campaigns, steer engagements and find
// cases that need attention. A user's mistake (unknown case, refused request, bad file, server
// down) ends with one line on stderr and a non-zero exit code; only `--debug` shows a stack trace.
// It speaks the officer's language (`--lang`, else the locale; client/cli-words.ts).
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/common';
import { campaignCommands } from './commands/campaign';
import { Session } from './commands/context';
import { engagementCommands } from './commands/engagement';
import { addReplyCommands, inboxCommands } from './commands/inbox';
import { auditCommand } from './commands/audit';
import { listCommand, searchCommand } from './commands/search';
import { statementCommands } from './commands/statement';
import { keysCommands } from './commands/keys';
import { cliLanguage, cliWords, type CliWords } from './cli-words';
import { describeInLanguage } from './cli-help';
import { fileProblemWords, type FileProblem as WordedFileProblem } from './file-problem-words';
import { ClientErrorCode, DossierClientError, fromTemporal } from './errors';
import { parseWorkflowId } from '../workflows/workflow-ids';
import { REFUSALS, refusalDetails, type RefusalDetails } from '../workflows/refusals';
import { refusalSentence, refusalWords } from './refusal-words';
import { cliWording } from './timeline-words';
import { withEmbeddedProfile } from '../config/embedded-profile';
import { unreadSettings } from '../config/unread-settings';
import type { Language } from '../workflows/types';

/** Exit codes, so scripts can tell a typo from a refusal from an outage. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  refused: 4,
  unreachable: 5,
} as const;

export function buildProgram(session: Session): Command {
  const program = new Command('dossier')
    .option('--json')
    .option('--by <name>')
    .option('--debug')
    // Read before the commands are parsed (cliLanguage), so an error of parsing is worded in it too; here for --help.
    .option('--lang <language>');
  program.addCommand(campaignCommands(session));
  const engagement = engagementCommands(session);
  addReplyCommands(engagement, session);
  program.addCommand(engagement);
  program.addCommand(inboxCommands(session));
  program.addCommand(statementCommands(session));
  program.addCommand(listCommand(session));
  program.addCommand(searchCommand(session));
  program.addCommand(auditCommand(session));
  program.addCommand(keysCommands(session));
  forEachCommand(program, (command) => command.exitOverride());
  // Described last, once every command is there: each description, and Commander's own words, in the officer's language.
  describeInLanguage(program, session.language);
  return program;
}

function forEachCommand(command: Command, fn: (command: Command) => void): void {
  fn(command);
  for (const sub of command.commands) forEachCommand(sub, fn);
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let language: Language;
  try {
    language = cliLanguage(argv, env);
  } catch (err) {
    process.stderr.write(`dossier: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  // On stderr, as the worker names them at its start: `--json` output on stdout stays parseable.
  const words = cliWords(language);
  for (const { name, closest } of unreadSettings(env)) {
    process.stderr.write(`dossier: ${closest ? words.say('warning.unread-setting-closest', { name, closest }) : words.say('warning.unread-setting', { name })}\n`);
  }
  // With no server named, the embedded set-up that `npm start` runs, wherever its ports are.
  const session = new Session(await withEmbeddedProfile(env), language);
  const program = buildProgram(session);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return session.shortfall ? EXIT.refused : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help); only the exit code is left to choose.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { message, exitCode } = explain(err, session);
    process.stderr.write(`dossier: ${message}\n`);
    if (debug && err instanceof Error) process.stderr.write(`${fullStack(err)}\n`);
    return exitCode;
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** The one line a failure ends the CLI with, in the session's language, and its exit code. */
export function explain(err: unknown, session: Session): { message: string; exitCode: number } {
  const words = cliWords(session.language);
  let error = err;
  // Errors from the campaign API reach here untranslated; name the workflow they were about.
  if (err instanceof WorkflowNotFoundError) error = fromTemporal(err, describeWorkflowId(err.workflowId), session.address());
  else error = fromTemporal(err, 'workflow', session.address());
  if (error instanceof DossierClientError) {
    const exitCode =
      error.code === ClientErrorCode.NotFound
        ? EXIT.notFound
        : error.code === ClientErrorCode.Refused || error.code === ClientErrorCode.AlreadyStarted || error.code === ClientErrorCode.Busy
          ? EXIT.refused
          : error.code === ClientErrorCode.ServerUnreachable || error.code === ClientErrorCode.NoWorker
            ? EXIT.unreachable
            : EXIT.usage;
    const message = oneLine(clientErrorWords(error, words) ?? error.message);
    if (!error.then) return { message, exitCode };
    // The refusal, then what to do instead; a refusal worded as a sentence already ends with its full stop.
    return { message: words.say('error.then', { error: message.replace(/\.$/, ''), then: words.say(`error.then.${error.then.key}`, error.then.values) }), exitCode };
  }
  if (isCodedError(error)) {
    const problems = (error as { problems?: FileProblem[] }).problems;
    const file = (error as { file?: string }).file;
    // One problem in English reads as the error says it; in another language each is worded.
    if (file && Array.isArray(problems) && problems.length && (problems.length > 1 || words.language !== 'en')) {
      const listed = problems.map((p) => problemLine(p, words));
      if (problems.length === 1) return { message: words.say('error.one-problem', { file, problem: listed[0] }), exitCode: EXIT.usage };
      return { message: words.say('error.problems', { file, count: words.count(problems.length), problems: listed.join(words.say('punctuation.list')) }), exitCode: EXIT.usage };
    }
    return { message: oneLine(error.message), exitCode: EXIT.usage };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: words.say('error.unexpected', { message: oneLine(message) }), exitCode: EXIT.unexpected };
}

/**
 * A client error in the officer's language where the CLI knows its facts (its code and values);
 * undefined keeps the error's own message (English, as the API words it for every front end).
 */
function clientErrorWords(error: DossierClientError, words: CliWords): string | undefined {
  if (words.language === 'en') return undefined;
  const id = (error.refusal?.values as { id?: string } | undefined)?.id;
  if (error.code === ClientErrorCode.NotFound && error.refusal?.refusal === 'not-found' && id) return words.say('error.not-found', { id });
  if (error.code === ClientErrorCode.AlreadyStarted && id) return words.say('error.already-exists', { id });
  if (error.code === ClientErrorCode.Refused && error.refused) {
    // Worded from its code and values as the workspace words it (or from an older worker's known
    // sentence); a reason this release cannot read is given as it came.
    const reason = refusalWords(error.refused.reason, refusalDetails(error), words.language, 'UTC', cliWording(words)) ?? error.refused.reason;
    return words.say('error.refused', { what: error.refused.what, reason });
  }
  if (error.wording) return words.sayOr(`error.${error.wording.key}`, error.message, error.wording.values);
  return undefined;
}

/** A file's problem as the CLI prints it: with its place, and the refusal it may carry. */
interface FileProblem extends WordedFileProblem {
  line?: number;
  column?: number;
  refusal?: RefusalDetails;
}

/**
 * A problem of a file, in the officer's language where it carries its refusal's code (as the
 * workspace words it; a sentence that names where in the file stands without the field's path),
 * else as the schema wrote it.
 */
function problemLine(problem: FileProblem, words: CliWords): string {
  const worded = !problem.refusal ? undefined : refusalSentence(problem.refusal, words.language, 'UTC', cliWording(words));
  const placed = worded !== undefined && Object.values(REFUSALS[problem.refusal!.refusal] as Record<string, string>).includes('path');
  const bracketed = /^\((\w+)\)$/.exec(problem.where ?? '')?.[1];
  const where = bracketed ? words.sayOr(`error.where.${bracketed}`, problem.where!) : problem.where;
  const key = `error.problem${placed ? '-placed' : ''}${problem.line === undefined ? '' : '-at-line'}`;
  return words.say(key, { where, problem: worded ?? fileProblemWords(problem, words) ?? problem.message, line: problem.line });
}

/** Errors of the Dossier code base carry a string `code` (a `instanceof` does not cross modules). */
function isCodedError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

function describeWorkflowId(workflowId: string): string {
  // Dossier's workflow ids name their kind (campaign:…, engagement:…), so the id says it all.
  if (parseWorkflowId(workflowId)) return workflowId;
  return `workflow ${workflowId || '(unknown)'}`;
}

function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('; ');
}

function fullStack(err: Error): string {
  let out = err.stack ?? String(err);
  let cause = err.cause;
  while (cause instanceof Error) {
    out += `\nCaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return out;
}

// Run when started as `bin/dossier.js` or `tsx client/cli.ts`; stay quiet when imported.
if (require.main === module || require.main?.filename.endsWith(join('bin', 'dossier.js'))) {
  // `dossier list | head`: the reader left; that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
