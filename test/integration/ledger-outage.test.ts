// The shared ledger's database fails just after the relay accepted a message, before the ledger has
// recorded who got it: the server stopped and started again, or the writing session terminated as a
// failover does. The send is then retried on another host, as Temporal may. Nobody who has the
// message gets it again, the recipients the relay deferred still get it, and the operator reads
// which database failed and what happens next. A PostgreSQL server of its own, so it can be stopped;
// the hosts reach it directly, then through PgBouncer in transaction pooling, which stays up while
// the server behind it stops or ends a session.
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailActivities, createSmtpTransport, type EmailHooks, type UnrecordedSends } from '../../activities/email';
import { letterCopyFileName, publishedPath } from '../../activities/published-paths';
import { startPostgres, type PostgresServer } from '../../infra/postgres';
import { openPostgresStore } from '../../store/postgres';
import { ErrorType } from '../../workflows/errors';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';
import { until } from '../helpers/until';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer';

const sink = useMailSink();
let server: PostgresServer;
let pgbouncer: PgBouncer;
beforeAll(async () => {
  server = await startPostgres();
  // Within the 2 s outage below, PgBouncer gives up on a query waiting for the server, as it does
  // with a longer outage and the recommended query_wait_timeout.
  pgbouncer = await startPgBouncer(server.url, { poolMode: 'transaction', queryWaitTimeout: 1 });
});
afterAll(async () => {
  await pgbouncer?.stop();
  await server?.stop();
});

/** How the worker hosts reach the database: a fresh one on the server, its URL, and the port their messages name. */
const ROUTES = [
  { name: 'directly', async database() { const url = await server.createDatabase(); return { url, hostsUrl: url, port: server.port }; } },
  {
    name: 'through PgBouncer (pool_mode = transaction)',
    async database() {
      const url = await server.createDatabase();
      return { url, hostsUrl: pgbouncer.urlFor(url), port: pgbouncer.port };
    },
  },
];

const PRIVACY = 'privacy@zoom.test';
const DPO = 'dpo@zoom.test';

function letter(campaignId: string): OutgoingMessage {
  const campaign = testCampaign(campaignId);
  const vendor = testVendor('zoom', {
    contacts: [
      { name: 'Privacy team', email: PRIVACY },
      { name: 'Data protection officer', email: DPO },
    ],
  });
  return { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'en', to: vendor.contacts, campaign, vendor, details: {} };
}

/** How many copies of the message each recipient received. */
function copies(messageId: string): Record<string, number> {
  const count: Record<string, number> = {};
  for (const mail of sink.messages.filter((m) => m.messageId === messageId)) for (const to of mail.to) count[to] = (count[to] ?? 0) + 1;
  return count;
}

/** Defers the DPO (451) until `deliver()`; the privacy team's address is accepted at once. */
function deferDpo(): { deliver(): void } {
  let deferring = true;
  sink.recipientPolicy = (address) => (deferring && address === DPO ? { code: 451, message: '4.3.0 Mailbox busy, try again later' } : undefined);
  return { deliver: () => (deferring = false) };
}

/** Two worker hosts on one database: host A runs `afterAccepted` between the relay's answer and the ledger's record. */
async function twoHosts(url: string, afterAccepted: EmailHooks['afterAccepted']) {
  // A lease longer than the outage: a live host's claim must outlast it.
  const stores = [openPostgresStore(url, { leaseMs: 15_000 }), openPostgresStore(url, { leaseMs: 15_000 })] as const;
  await Promise.all(stores.map((s) => s.ready()));
  const relay = createSmtpTransport(sink.url);
  const mailFrom = 'Dossier <dossier@regulator.test>';
  return {
    hostA: createEmailActivities({ transport: relay, mailFrom, ledger: stores[0].ledger, files: stores[0].files, hooks: { afterAccepted } }),
    hostB: createEmailActivities({ transport: relay, mailFrom, ledger: stores[1].ledger, files: stores[1].files }),
    ledgerB: stores[1].ledger,
    async close() {
      relay.close();
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}

/**
 * What a failover or `pg_terminate_backend` does to the session writing the delivery record: the
 * write is held on a table lock until it is seen waiting, then its session is terminated. Seen from
 * a second session: one inside a transaction keeps reading the same snapshot of pg_stat_activity.
 */
async function terminateTheRecordWrite(url: string) {
  const [locker, watcher] = [new Client({ connectionString: url }), new Client({ connectionString: url })];
  for (const client of [locker, watcher]) {
    client.on('error', () => undefined);
    await client.connect();
  }
  let terminated: Promise<number> | undefined;
  return {
    async afterAccepted() {
      if (terminated) return;
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE delivery_records IN ACCESS EXCLUSIVE MODE');
      terminated = (async () => {
        for (;;) {
          const { rows } = await watcher.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO delivery_records%'`,
          );
          if (rows.length) {
            await locker.query('ROLLBACK');
            return rows.length;
          }
          await sleep(20);
        }
      })();
    },
    terminated: () => terminated,
    close: () => Promise.all([locker.end(), watcher.end()]),
  };
}

const databaseNamed = (port: number) => new RegExp(`PostgreSQL at postgres://dossier@127\\.0\\.0\\.1:${port}/dossier_\\w+`);

describe.each(ROUTES)('the shared ledger losing its database after the relay accepted a message, reached $name', (route) => {
  it('sends the deferred recipient alone, once, when the database was stopped as the partial delivery was recorded and another host retries', { timeout: 90_000 }, async () => {
    const { hostsUrl, port } = await route.database();
    const dpo = deferDpo();
    let restarted: Promise<void> | undefined;
    const hosts = await twoHosts(hostsUrl, async () => {
      if (restarted) return;
      await server.halt();
      restarted = sleep(2_000).then(() => server.start());
    });
    const message = letter('stopped');
    try {
      // Host A: the relay takes the message for the privacy team, defers the DPO; then the database stops.
      const failure = await hosts.hostA.sendMessage(message).then(
        () => undefined,
        (err: Error & { type?: string }) => err,
      );
      await restarted;
      // A pooler reaches the server again a moment after it started: until then it fails B's queries too.
      await until(() => hosts.ledgerB.find('<probe@test>').then(() => true, () => false), Boolean, 'the database, reachable again', 20_000, 100);
      dpo.deliver();
      // Temporal retries the send, here on host B, once the database is back.
      const sent = await hosts.hostB.sendMessage(message);
      await sleep(500);
      expect(copies(sent.messageId)).toEqual({ [PRIVACY]: 1, [DPO]: 1 });
      const record = await hosts.ledgerB.find(sent.messageId);
      expect(record).toMatchObject({ accepted: [PRIVACY, DPO], rejected: [] });
      expect(record?.deferred).toBeUndefined();
      expect(record?.resentAfterCrash).toBeUndefined();
      // What the operator reads on the pending send: the deferral, the database by name, and what happens next.
      expect(failure?.type).toBe(ErrorType.RecipientDeferred);
      expect(failure?.message).toMatch(/deferred recipient 2 of 2/);
      expect(failure?.message).toMatch(databaseNamed(port));
      expect(failure?.message).toMatch(/unreachable/);
      expect(failure?.message).toMatch(/once the ledger works again/);
    } finally {
      await restarted;
      sink.clear();
      await hosts.close();
    }
  });

  it('sends the deferred recipient alone, once, when the session recording the partial delivery was terminated and another host retries at once', { timeout: 60_000 }, async () => {
    const { url, hostsUrl, port } = await route.database();
    const dpo = deferDpo();
    const terminate = await terminateTheRecordWrite(url);
    const hosts = await twoHosts(hostsUrl, () => terminate.afterAccepted());
    const message = letter('terminated');
    try {
      const failure = await hosts.hostA.sendMessage(message).then(
        () => undefined,
        (err: Error & { type?: string }) => err,
      );
      expect(await terminate.terminated()).toBe(1);
      dpo.deliver();
      const sent = await hosts.hostB.sendMessage(message);
      await sleep(500);
      expect(copies(sent.messageId)).toEqual({ [PRIVACY]: 1, [DPO]: 1 });
      expect(await hosts.ledgerB.find(sent.messageId)).toMatchObject({ accepted: [PRIVACY, DPO], rejected: [] });
      expect(failure?.type).toBe(ErrorType.RecipientDeferred);
      expect(failure?.message).toMatch(databaseNamed(port));
      expect(failure?.message).toMatch(/terminat/i);
    } finally {
      sink.clear();
      await terminate.close();
      await hosts.close();
    }
  });

  it('sends no second copy of a message delivered to everyone when the session recording it was terminated and another host retries', { timeout: 60_000 }, async () => {
    const { url, hostsUrl, port } = await route.database();
    const terminate = await terminateTheRecordWrite(url);
    const hosts = await twoHosts(hostsUrl, () => terminate.afterAccepted());
    const message = letter('terminated-full');
    try {
      const first = await hosts.hostA.sendMessage(message);
      expect(await terminate.terminated()).toBe(1);
      // The result never reached Temporal (the attempt timed out, the worker lost the server): retried on host B.
      const second = await hosts.hostB.sendMessage(message);
      await sleep(500);
      expect(copies(first.messageId)).toEqual({ [PRIVACY]: 1, [DPO]: 1 });
      expect(second).toMatchObject({ messageId: first.messageId, alreadyDelivered: true, accepted: [PRIVACY, DPO] });
      // The send succeeded, and says the ledger failed, where, and what happens next.
      expect(first.ledgerError).toMatch(/accepted by the mail server, but the delivery ledger could not record it/);
      expect(first.ledgerError).toMatch(databaseNamed(port));
      expect(first.ledgerError).toMatch(/once the ledger works again/);
    } finally {
      sink.clear();
      await terminate.close();
      await hosts.close();
    }
  });
});

describe('the shared ledger stopped for longer than a claim\'s lease while a send is under way', () => {
  it('keeps the live host\'s claim once the database is back, so a retry on another host sends no second copy', { timeout: 90_000 }, async () => {
    const url = await server.createDatabase();
    const LEASE_MS = 2_000;
    const stores = [openPostgresStore(url, { leaseMs: LEASE_MS }), openPostgresStore(url, { leaseMs: LEASE_MS })] as const;
    await Promise.all(stores.map((s) => s.ready()));
    const relay = createSmtpTransport(sink.url);
    const mailFrom = 'Dossier <dossier@regulator.test>';
    const message = letter('long-outage');
    let retried: Promise<unknown> | undefined;
    const hostB = createEmailActivities({ transport: relay, mailFrom, ledger: stores[1].ledger, files: stores[1].files });
    // Host A is alive throughout: the relay has just taken its copy when the database stops for
    // two and a half leases; once it is back, Temporal retries the send on host B (A's attempt timed
    // out meanwhile) while A is still finishing, for longer than another lease.
    const hostA = createEmailActivities({
      transport: relay,
      mailFrom,
      ledger: stores[0].ledger,
      files: stores[0].files,
      hooks: {
        async afterAccepted() {
          if (retried) return;
          await server.halt();
          await sleep(LEASE_MS * 2.5);
          await server.start();
          await until(() => stores[1].ledger.find('<probe@test>').then(() => true, () => false), Boolean, 'the database, reachable again', 20_000, 100);
          retried = hostB.sendMessage(message).then((sent) => sent, (err: unknown) => err);
          await sleep(LEASE_MS * 2);
        },
      },
    });
    try {
      const first = await hostA.sendMessage(message);
      const second = await retried;
      await sleep(500);
      expect(copies(first.messageId)).toEqual({ [PRIVACY]: 1, [DPO]: 1 });
      expect(second).toMatchObject({ messageId: first.messageId, alreadyDelivered: true });
      expect((await stores[1].ledger.find(first.messageId))?.resentAfterCrash).toBeUndefined();
    } finally {
      await retried;
      sink.clear();
      relay.close();
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('the shared store stopped as the relay accepts an open letter', () => {
  const MAIL_FROM = 'Dossier <dossier@regulator.test>';
  /**
   * Two hosts on one fresh database, the first halting PostgreSQL as the relay accepts its send
   * and starting it again 3 s later; `restarted()` waits for that start.
   */
  const haltedAfterAccepting = async (campaignId: string, options: Pick<Parameters<typeof createEmailActivities>[0], 'onUnrecorded'> = {}) => {
    const url = await server.createDatabase();
    const stores = [openPostgresStore(url, { leaseMs: 15_000 }), openPostgresStore(url, { leaseMs: 15_000 })] as const;
    await Promise.all(stores.map((s) => s.ready()));
    const relay = createSmtpTransport(sink.url);
    let restart: Promise<void> | undefined;
    const hostA = createEmailActivities({
      transport: relay,
      mailFrom: MAIL_FROM,
      ledger: stores[0].ledger,
      files: stores[0].files,
      ...options,
      hooks: {
        async afterAccepted() {
          await server.halt();
          restart = sleep(3_000).then(() => server.start());
        },
      },
    });
    const path = publishedPath(campaignId, letterCopyFileName({ id: 'zoom', language: 'en' }));
    return { stores, relay, path, hostA, restarted: async () => restart };
  };

  it('keeps the letter\'s copy in the published files once the database is back, and names it while it is not', { timeout: 60_000 }, async () => {
    const campaignId = 'copy-outage';
    // A campaign that keeps each letter as delivered, beside its statement.
    const message: OutgoingMessage = { ...letter(campaignId), campaign: { ...testCampaign(campaignId), letterCopyFolder: campaignId } };
    let unrecorded: UnrecordedSends | undefined;
    const { stores, relay, path, hostA, restarted } = await haltedAfterAccepting(campaignId, { onUnrecorded: (sends) => (unrecorded = sends) });
    try {
      const sent = await hostA.sendMessage(message);
      expect(sent.accepted).toEqual([PRIVACY, DPO]);
      // While the database is down, a stopping worker names the copy it could not keep.
      expect((await unrecorded!.flush()).letterCopies).toEqual([path]);
      await restarted();
      // Another host reads the campaign's published files as the statement's publisher does.
      const kept = await until(() => stores[1].files.read(path).catch(() => undefined), Boolean, 'the letter\'s copy in the published files', 20_000, 200);
      const [received] = await sink.waitFor(1, (m) => m.messageId === sent.messageId, 10_000);
      const pdf = (await simpleParser(received.raw)).attachments.find((a) => a.contentType === 'application/pdf');
      expect(pdf).toBeDefined();
      expect(Buffer.compare(kept!, pdf!.content)).toBe(0);
      expect(await unrecorded!.flush()).toMatchObject({ messageIds: [], letterCopies: [] });
      expect(copies(sent.messageId)).toEqual({ [PRIVACY]: 1, [DPO]: 1 });
    } finally {
      await restarted();
      sink.clear();
      relay.close();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("tells the letter's engagement, whose filing writes the copy on another host once the database is back, though the sending host is gone", { timeout: 60_000 }, async () => {
    const campaignId = 'copy-outage-filed';
    const message: OutgoingMessage = { ...letter(campaignId), campaign: { ...testCampaign(campaignId), letterCopyFolder: campaignId }, details: { dueDate: '2026-12-18T22:59:59.999Z' } };
    const { stores, relay, path, hostA, restarted } = await haltedAfterAccepting(campaignId);
    try {
      const sent = await hostA.sendMessage(message);
      expect(sent.accepted).toEqual([PRIVACY, DPO]);
      // What the engagement reads in the send's result: the copy is not filed, and why.
      expect(sent.letterCopyNotFiled).toMatch(/PostgreSQL|ECONNREFUSED|terminat|connect/i);
      // Host A stops with the copy and the record in its memory: nothing it holds reaches the database.
      await stores[0].close();
      await restarted();
      const hostB = createEmailActivities({ transport: relay, mailFrom: MAIL_FROM, ledger: stores[1].ledger, files: stores[1].files });
      const { campaign, vendor, language, details } = message;
      await hostB.fileLetterCopy({ campaign, vendor: vendor!, language, dueDate: details.dueDate });
      const [received] = await sink.waitFor(1, (m) => m.messageId === sent.messageId, 10_000);
      const pdf = (await simpleParser(received.raw)).attachments.find((a) => a.contentType === 'application/pdf');
      expect(Buffer.compare((await stores[1].files.read(path))!, pdf!.content)).toBe(0);
    } finally {
      await restarted();
      sink.clear();
      relay.close();
      await stores[1].close();
    }
  });
});
