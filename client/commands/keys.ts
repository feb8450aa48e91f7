// `dossier keys …`: the operator's side of the keystore. `rewrap` is the second half of a
// master-key rotation: after a new master key is listed first in DOSSIER_MASTER_KEYS, it rewraps
// every campaign's data key under it, so the old master key can be retired and destroyed; copies
// of wrapped keys left in backups, WAL or deleted rows are then unreadable for good.
import { Command } from 'commander';
import { loadEncryption } from '../../encryption/config';
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
        ctx.out.result({ rewrapped, unchanged, failed, store: ctx.store().describe() }, () =>
          fields([
            ['store', ctx.store().describe()],
            ['rewrapped', rewrapped.length ? `${rewrapped.length}: ${rewrapped.join(', ')}` : 'none'],
            ['already current', unchanged],
            ['not rewrapped', failed.map((f) => `${f.keyId}: ${f.problem}`).join('; ') || 'none'],
            [
              'next',
              failed.length
                ? 'list the master keys named above in DOSSIER_MASTER_KEYS (after the new one) and run this again'
                : 'remove the older master keys from DOSSIER_MASTER_KEYS on every worker and CLI, then destroy them',
            ],
          ]),
        );
        // Retiring a master key now would lose these keys' campaigns: say so with the exit code too.
        if (failed.length) ctx.fellShort();
      }),
    );

  return group;
}
