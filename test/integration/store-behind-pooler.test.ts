// The shared store behind PgBouncer set up in a way Dossier cannot work with: it refuses to start,
// and the message names the setting to change. (In pool_mode = transaction, the recommended one,
// the store's contract, the ledger outage and several-hosts cases run through PgBouncer too.)
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../infra/postgres';
import { StoreErrorCode } from '../../store';
import { openPostgresStore } from '../../store/postgres';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer';

describe('the shared store behind a connection pooler it cannot work with', () => {
  let transaction: PgBouncer;
  let statement: PgBouncer;
  let databaseUrl: string;
  beforeAll(async () => {
    [transaction, statement, databaseUrl] = await Promise.all([
      startPgBouncer(inject('postgresUrl'), { poolMode: 'transaction' }),
      startPgBouncer(inject('postgresUrl'), { poolMode: 'statement' }),
      createDatabase(inject('postgresUrl')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([transaction?.stop(), statement?.stop()]);
  });

  const startFailure = async (url: string) => {
    const store = openPostgresStore(url);
    try {
      return await store.ready().then(() => undefined, (err: Error & { code?: string }) => err);
    } finally {
      await store.close();
    }
  };

  it('refuses to start behind pool_mode = statement, which allows no transaction, and names the mode to use', async () => {
    const failure = await startFailure(statement.urlFor(databaseUrl));
    expect(failure?.code).toBe(StoreErrorCode.Migration);
    expect(failure?.message).toMatch(/pool_mode = statement/);
    expect(failure?.message).toMatch(/set pool_mode = transaction/);
  });

  it('refuses a DATABASE_URL with session settings the pooler does not pass on, and says where to set them instead', async () => {
    const url = new URL(transaction.urlFor(databaseUrl));
    url.searchParams.set('options', '-c statement_timeout=5000');
    const failure = await startFailure(url.toString());
    expect(failure?.code).toBe(StoreErrorCode.Migration);
    expect(failure?.message).toMatch(/"options"/);
    expect(failure?.message).toMatch(/ALTER ROLE/);
  });
});
