// Moves a set-up from local files into PostgreSQL: `DATABASE_URL=postgres://… npm run store:import-local`
// copies the local store this checkout's `npm start` uses (the folders DOSSIER_DATA_DIR,
// DOSSIER_KEYSTORE_DIR, DOSSIER_STATE_DIR and DOSSIER_OUTPUT_DIR name, as for `npm start`) into the
// database DATABASE_URL names (store/import-local.ts). Run it with every worker of the set-up stopped;
// running it again copies nothing twice. README, "Workers on several hosts".
import { localFolders } from '../config/local-folders';
import { databaseUrlFrom, openStore } from '../store';
import { importLocalStore } from '../store/import-local';
import { openLocalStore } from '../store/local';

async function main(): Promise<void> {
  const databaseUrl = databaseUrlFrom(process.env);
  if (!databaseUrl) throw new Error('DATABASE_URL (or DATABASE_URL_FILE): set it to the PostgreSQL the hosts will share; the local store named by DOSSIER_DATA_DIR (else .data/ and out/) is copied into it');
  const folders = localFolders(process.env);
  const local = openLocalStore(folders);
  const target = openStore({ ...folders, databaseUrl });
  try {
    const { copied, same } = await importLocalStore(local, folders, target);
    console.log(`From ${local.describe()}`);
    console.log(`Into ${target.describe()}`);
    for (const part of Object.keys(copied) as (keyof typeof copied)[]) console.log(`${part.padEnd(11)} copied ${copied[part]}, already there ${same[part]}`);
    console.log('Done. Start the hosts with this DATABASE_URL and the same master keys (the local master.keys: DOSSIER_MASTER_KEYS_FILE).');
  } finally {
    await Promise.all([local.close(), target.close()]);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
