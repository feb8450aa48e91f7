// What every command receives: the output (tables or `--json`), the officer acting (recorded in
// the timeline) and a Temporal client that connects only when the command first needs it.
import { isAbsolute } from 'node:path';
import type { Command } from 'commander';
import type { Client as TemporalClient } from '@temporalio/client';
import { DossierClient } from '../api';
import { CampaignClient } from '../campaign-api';
import { messageDomain } from '../letter-copy';
import { connectLazily, type DossierTarget, type LazyConnection } from '../connection';
import { cliWords, type CliWords } from '../cli-words';
import { invalidInput } from '../errors';
import { cliAccount, cliActor } from '../identity';
import { createOutput, type Output } from '../output';
import { localFolders, withProjectFolders } from '../../config/local-folders';
import { openStore, storeSettingsFromEnv, type SharedStore } from '../../store';
import type { Language } from '../../workflows/types';

export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  by?: string;
  lang?: string;
}

export interface CommandContext {
  out: Output;
  /** The officer's language: every sentence and table heading the command prints comes from it. */
  words: CliWords;
  /** The environment the CLI runs with, completed from a running `npm start` (its server, folders and keys). */
  env: NodeJS.ProcessEnv;
  /**
   * The CLI identity recorded for a change: the name DOSSIER_OFFICER configures (else the login),
   * marked with the account the CLI runs under and `CLI` (client/identity.ts).
   */
  officer: string;
  target: DossierTarget;
  /** Where the worker publishes files; the paths the workflows record are relative to it. */
  outputDir: string;
  /** A path the workflow recorded, made absolute so it opens from wherever the officer stands. */
  published(path: string): string;
  /** The workers' shared state (published files, keys): PostgreSQL with DATABASE_URL, else local files. */
  store(): SharedStore;
  client(): Promise<TemporalClient>;
  dossier(): Promise<DossierClient>;
  campaigns(): Promise<CampaignClient>;
  /**
   * The command printed its result but did not do all it was asked (a key not rewrapped, leftovers
   * not purged): the CLI exits with `refused`, so a script stops before the next, irreversible step.
   */
  fellShort(): void;
}

/** One per process: commands share its connection, and the CLI closes it on the way out. */
export class Session {
  private connection: LazyConnection | undefined;
  private shared: SharedStore | undefined;
  /** Set by a command that printed its result but fell short of what it was asked (`fellShort`). */
  shortfall = false;

  private readonly env: NodeJS.ProcessEnv;

  // The worker and the workspace keep their state in the project's folders (or DOSSIER_DATA_DIR's):
  // run from elsewhere, the CLI would otherwise store documents where neither of them looks.
  constructor(
    env: NodeJS.ProcessEnv = process.env,
    /** Chosen once, before the commands are parsed (client/cli-words.ts `cliLanguage`). */
    readonly language: Language = 'en',
  ) {
    this.env = withProjectFolders(env);
  }

  context(command: Command): CommandContext {
    const options = command.optsWithGlobals<GlobalOptions>();
    const account = cliAccount();
    const name = (options.by ?? this.env.DOSSIER_OFFICER ?? account.split('@')[0]).trim();
    // The server records the same CLI identity as each change's `by`, in plaintext: it outlives shredding.
    this.connection ??= this.connect(name ? cliActor(name, account) : undefined);
    const connection = this.connection;
    // Where `npm start` publishes (infra/embedded.ts): the data folder's `out/`, else the project's, whatever the officer's folder.
    const { outputDir } = localFolders(this.env);
    const store = () => this.store();
    const words = cliWords(this.language);
    return {
      out: createOutput(Boolean(options.json)),
      words,
      env: this.env,
      // Asked for only by commands that change something; reading needs no name.
      get officer() {
        if (!name) throw invalidInput(words.say('error.no-officer'));
        if (options.by !== undefined && !warnedAboutBy) {
          warnedAboutBy = true;
          process.stderr.write(`dossier: ${words.say('warning.by-deprecated')}\n`);
        }
        return cliActor(name, account);
      },
      target: connection.target,
      outputDir,
      published: (path) => (isAbsolute(path) ? path : store().files.locate(path)),
      store,
      client: () => connection.client(),
      dossier: async () =>
        new DossierClient(await connection.client(), {
          taskQueue: connection.target.taskQueue,
          address: connection.target.address,
        }),
      campaigns: async () =>
        new CampaignClient(await connection.client(), {
          taskQueue: connection.target.taskQueue,
          address: connection.target.address,
          files: () => store().files,
          ledger: () => store().ledger,
          mailDomain: messageDomain(this.env),
          // Loaded when a draft asks: the document store's keys are no concern of other commands.
          lateReplies: async (campaignId, vendorIds) => {
            const [{ campaignLateReplyReader }, { caseDocumentsOf }] = await Promise.all([import('../late-replies'), import('../received-documents')]);
            return campaignLateReplyReader(() => caseDocumentsOf(this.env, store()))(campaignId, vendorIds);
          },
        }),
      fellShort: () => {
        this.shortfall = true;
      },
    };
  }

  /** The officer's words, for what is worded before a command runs (its options' errors). */
  get words(): CliWords {
    return cliWords(this.language);
  }

  /** The server address for error messages, even when the connection was never opened. */
  address(): string {
    if (this.connection) return this.connection.target.address;
    try {
      return (this.connection = this.connect()).target.address;
    } catch {
      return this.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
    }
  }

  /** The one store of the process: the commands', the payload codec's keys, the intake's. */
  private store(): SharedStore {
    return (this.shared ??= openStore(storeSettingsFromEnv(this.env)));
  }

  private connect(identity?: string): LazyConnection {
    return connectLazily(this.env, { keys: () => this.store().keys, identity });
  }

  async close(): Promise<void> {
    await this.connection?.close();
    await this.shared?.close();
  }
}

/** An option's parser for a count or a number of seconds: a whole number above zero, or a one-line error naming the option. */
export function positiveInt(option: string, words: CliWords) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw invalidInput(words.say('error.not-positive', { option, value }));
    return n;
  };
}

/** Wraps a command's action so it receives its context; errors go to the CLI's one handler. */
export function withContext<Args extends unknown[]>(
  session: Session,
  action: (context: CommandContext, ...args: Args) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    await action(session.context(command), ...(args.slice(0, -1) as Args));
  };
}

let warnedAboutBy = false;
