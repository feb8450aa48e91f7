// `dossier keys …`: the operator's side of the keystore. `rewrap` is the second half of a
// master-key rotation: after a new master key is listed first in DOSSIER_MASTER_KEYS, it rewraps
// every campaign's data key under it, so the old master key can be retired and destroyed; copies
// of wrapped keys left in backups, WAL or deleted rows are then unreadable for good.
import { Command } from 'commander';
import { loadEncryption } from '../../encryption/config';
import type { RewrapFailure } from '../../encryption/keystore';
import type { StoreLocation } from '../../store';
import type { CliWords } from '../cli-words';
import { fields } from '../output';
import { withContext, type Session } from './context';

export function keysCommands(session: Session): Command {
  const group = new Command('keys');

  group
    .command('rewrap')
    .action(
      withContext(session, async (ctx) => {
        const { keystore } = loadEncryption(ctx.env, ctx.store().keys);
        const { rewrapped, unchanged, failed } = await keystore.rewrapAll();
        const { words } = ctx;
        // Where a missing master key is to be listed: the variable, or the file, this process read.
        const masterKeysFrom = keystore.sources.masterKeys;
        ctx.out.result({ rewrapped, unchanged, failed, store: ctx.store().describe() }, () =>
          fields([
            [words.say('heading.store'), storeWords(ctx.store().location, words)],
            [words.say('heading.rewrapped'), rewrapped.length ? words.say('keys.rewrapped', { count: words.count(rewrapped.length), keys: rewrapped.join(', ') }) : words.say('keys.none')],
            [words.say('heading.already-current'), words.count(unchanged)],
            [words.say('heading.not-rewrapped'), failed.map((f) => failureWords(f, masterKeysFrom, words)).join(words.say('punctuation.list')) || words.say('keys.none')],
            [words.say('heading.next'), words.say(failed.length ? 'keys.next.list-master-keys' : 'keys.next.retire-older', { masterKeysFrom })],
          ]),
        );
        // Retiring a master key now would lose these keys' campaigns: say so with the exit code too.
        if (failed.length) ctx.fellShort();
      }),
    );

  return group;
}

/** Where the keys are, in words: the local folders, or the database. */
export function storeWords(location: StoreLocation, words: CliWords): string {
  return location.kind === 'local' ? words.say('store.local', location) : words.say('store.postgres', location);
}

/** Why a data key was not rewrapped, from its code; the keystore's own sentence, quoted, for a failure it did not name. */
function failureWords(failure: RewrapFailure, masterKeysFrom: string, words: CliWords): string {
  const values = { ...failure, masterKeysFrom };
  return words.sayOr(`keys.not-rewrapped.${failure.code}`, words.say('keys.not-rewrapped.other', values), values);
}
