// Workers on several hosts sharing one PostgreSQL: what a dropped database connection, a host's own
// development master key and a busy connection pool must not do to the cluster. Dropped connections
// also behind PgBouncer in transaction pooling, where the server sessions dropped are the pooler's.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transporter } from 'nodemailer';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import { generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { createDatabase } from '../../infra/postgres';
import { openPostgresStore } from '../../store/postgres';
import { parseWorkerConfig } from '../../worker/config';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer';

const sink = useMailSink();
let pgbouncer: PgBouncer;
beforeAll(async () => {
  pgbouncer = await startPgBouncer(inject('postgresUrl'), { poolMode: 'transaction' });
});
afterAll(async () => {
  await pgbouncer?.stop();
});

/** What a PostgreSQL restart or failover does: every session but the caller's ends. */
async function dropEverySession(admin: Client): Promise<number> {
  const { rows } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return rows.length;
}

describe('workers on several hosts sharing one PostgreSQL', () => {
  it.each([
    { route: 'directly', hostsUrl: (url: string) => url },
    { route: 'through PgBouncer (pool_mode = transaction)', hostsUrl: (url: string) => pgbouncer.urlFor(url) },
  ])('sends a message once when the database drops its connections while the first host is still sending it, reached $route', { timeout: 60_000 }, async ({ hostsUrl }) => {
    const url = await createDatabase(inject('postgresUrl'));
    const storeA = openPostgresStore(hostsUrl(url));
    const storeB = openPostgresStore(hostsUrl(url));
    await Promise.all([storeA.ready(), storeB.ready()]);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    const relay = createSmtpTransport(sink.url);
    // Host A's relay takes 4 s: the window the claim exists to cover.
    const slow = { sendMail: async (mail: unknown) => (await sleep(4_000), relay.sendMail(mail as never)) } as unknown as Transporter;
    const hostA = createEmailActivities({ transport: slow, mailFrom: 'Dossier <dossier@regulator.test>', ledger: storeA.ledger, files: storeA.files });
    const hostB = createEmailActivities({ transport: relay, mailFrom: 'Dossier <dossier@regulator.test>', ledger: storeB.ledger, files: storeB.files });
    const campaign = testCampaign('dropped');
    const vendor = testVendor('zoom');
    const message: OutgoingMessage = { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'en', to: vendor.contacts, campaign, vendor, details: {} };
    try {
      const first = hostA.sendMessage(message);
      while (!(await admin.query('SELECT 1 FROM delivery_claims')).rows.length) await sleep(20);
      expect(await dropEverySession(admin)).toBeGreaterThan(0);
      await sleep(200);
      // Temporal retries the send on host B: A's attempt timed out while it waited on its relay.
      const second = await hostB.sendMessage(message);
      const firstResult = await first;
      await sleep(500);
      expect(sink.messages.filter((m) => m.messageId === second.messageId)).toHaveLength(1);
      expect(second.messageId).toBe(firstResult.messageId);
    } finally {
      // Both routes send the same Message-ID: the next one counts its own copies.
      sink.clear();
      relay.close();
      await admin.end();
      await storeA.close();
      await storeB.close();
    }
  });

  it('names the data key and the master key when this host\'s master key under the same id is not the one that wrapped it', { timeout: 30_000 }, async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const store = openPostgresStore(url);
    try {
      // Two hosts whose `npm start` each made a development key "dev1" of their own, before ids were drawn.
      await new KeyStore(store.keys, parseMasterKeys(generateMasterKeySpec('dev1'))).encryptionKey('campaign-c1');
      const hostB = new KeyStore(store.keys, parseMasterKeys(generateMasterKeySpec('dev1')));
      await expect(hostB.decryptionKey('campaign-c1')).rejects.toMatchObject({
        code: 'MasterKeyMismatch',
        message: expect.stringMatching(/data key "campaign-c1".*master key "dev1" configured here.*master keys differ/),
      });
    } finally {
      await store.close();
    }
  });

  it('gives the worker\'s store a connection for every activity slot, and reports a busy pool as busy, not unreachable', { timeout: 60_000 }, async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const worker = (extra: NodeJS.ProcessEnv) =>
      parseWorkerConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', TEMPORAL_ADDRESS: '127.0.0.1:7233', DATABASE_URL: url, DOSSIER_MASTER_KEYS: generateMasterKeySpec('k1'), ...extra }).store!;
    const busyFor11s = (store: ReturnType<typeof worker>, n: number) => {
      const query = (store.files as unknown as { query: (sql: string) => Promise<unknown> }).query;
      return Array.from({ length: n }, () => query('SELECT pg_sleep(11)'));
    };
    const roomy = worker({}); // DOSSIER_ACTIVITY_TASK_SLOTS: 20 by default
    const small = worker({ DOSSIER_DB_POOL_SIZE: '2' });
    await Promise.all([roomy.ready(), small.ready()]);
    const busy = [...busyFor11s(roomy, 20), ...busyFor11s(small, 2)];
    try {
      // The 21st query of a worker whose 20 activities each hold a connection.
      await expect(roomy.ledger.find('<m@regulator.test>')).resolves.toBeUndefined();
      const error = await small.ledger.find('<m@regulator.test>').then(() => undefined, (err: Error) => err);
      expect(error?.message).toMatch(/all 2 connections of this process's pool were busy for 10 s; raise DOSSIER_DB_POOL_SIZE/);
      expect(error?.message).not.toMatch(/unreachable/);
    } finally {
      await Promise.allSettled(busy);
      await roomy.close();
      await small.close();
    }
  });
});
