// A process that claims the refresh of one old token in a shared store, several times from the given
// moment on, so a test can set several processes on one lapsed claim at once. Argument: JSON
// { settings, digest, at, until } (epoch ms); prints how many of its claims won, and exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, type StoreSettings } from '../../store';

/** Claims a millisecond apart, so that one claimant's removal can fall after another's write. */
const CLAIM_OFFSETS_MS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

async function main() {
  const { settings, digest, at, until } = JSON.parse(process.argv[2]) as { settings: StoreSettings; digest: string; at: number; until: number };
  const store = openStore(settings);
  const claims = CLAIM_OFFSETS_MS.map((offset) => sleep(Math.max(0, at + offset - Date.now())).then(() => store.refreshes.claim(digest, new Date(until))));
  const won = (await Promise.all(claims)).filter((holder) => holder !== undefined).length;
  process.stdout.write(`${won}\n`);
  await store.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
