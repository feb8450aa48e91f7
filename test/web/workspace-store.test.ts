// The workspace and the shared store on PostgreSQL: every reader in one web process (signed-out
// sessions, the holding pen, sent mail) goes through one store, and stopping the workspace gives
// its connections back instead of leaving them to the pool's idle timeout.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { createDatabase } from '../../infra/postgres';
import { freePort } from '../../infra/ports';
import { until } from '../helpers/until';
import { startWebServer, type WebServer } from '../../web/server';
import { signedInLead, webConfigWithoutSignIn } from '../helpers/web-session';

describe('the workspace on PostgreSQL', () => {
  let databaseUrl: string;
  let observer: Client;
  let web: WebServer | undefined;

  beforeAll(async () => {
    databaseUrl = await createDatabase(inject('postgresUrl'));
    observer = new Client({ connectionString: databaseUrl });
    await observer.connect();
  });
  afterAll(async () => {
    await web?.stop();
    await observer.end();
  });

  /** Connections to the test database other than the observer's own. */
  const connections = async () =>
    Number((await observer.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0].n);

  it('reads sessions and held mail through one pool, and closes it when it stops', { timeout: 60_000 }, async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'dossier-web-store-'));
    mkdirSync(join(scratch, 'mailbox'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    web = await startWebServer({
      config: webConfigWithoutSignIn(port),
      // Never dialled: these pages read the store and the mailbox only.
      client: async () => new TemporalClient({ connection: Connection.lazy({ address: '127.0.0.1:9' }) }),
      taskQueue: 'unused',
      address: 'test',
      env: {
        DATABASE_URL: databaseUrl,
        DOSSIER_STATE_DIR: join(scratch, 'state'),
        DOSSIER_KEYSTORE_DIR: join(scratch, 'keys'),
        DOSSIER_MAILDIR: join(scratch, 'mailbox'),
        MAIL_FROM: 'dossier@authority.example',
        DOSSIER_MASTER_KEYS: generateMasterKeySpec('web-store'),
      },
    });
    expect(await connections()).toBe(0);

    const { cookie, csrf } = signedInLead();
    for (const path of ['/campaigns/new', '/held/unsorted', '/held/unsorted', '/campaigns/new']) {
      const page = await fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status, path).toBe(200);
    }
    // One page after another leaves one connection open (a closed one leaves pg_stat_activity a
    // moment after its client let go). The old code did too, as each held page closed its own pool:
    // what tells them apart is the stop below.
    await until(connections, (n) => n === 1, 'one connection from the workspace', 3_000, 50);

    const signOut = await fetch(`${url}/logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
      redirect: 'manual',
    });
    expect(signOut.status).toBe(200);
    const after = await fetch(`${url}/campaigns/new`, { headers: { cookie }, redirect: 'manual' });
    expect(after.status).toBe(303);

    // Well within the pool's idle timeout (10 s), after which an unclosed pool would let go too.
    await web.stop();
    web = undefined;
    await until(connections, (n) => n === 0, 'no connection left by the stopped workspace', 3_000, 50);
  });
});
