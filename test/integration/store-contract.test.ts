// The shared-state contract: the same cases against local files, against the run's PostgreSQL server
// (a fresh database per implementation) and against it behind PgBouncer in transaction pooling, as
// platform teams run PostgreSQL for several hosts. A worker or the CLI may use any home without
// noticing the difference, and two processes on one home see one another's state.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDatabase } from '../../infra/postgres';
import { openStore, StoreErrorCode, type SharedStore, type StoreSettings, type WrappedKey } from '../../store';
import type { SendTurn } from '../../activities/delivery-ledger';
import { ledgerKeyFrom, sealedLedger } from '../../activities/sealed-ledger';
import { MIGRATIONS_TABLE } from '../../store/postgres';
import { KeyStore, generateMasterKeySpec, parseMasterKeys } from '../../encryption/keystore';
import { PROJECT_ROOT } from '../../paths';
import { startPgBouncer, type PgBouncer } from '../helpers/pgbouncer';
import { lateClaimHolderCases } from '../helpers/late-refresh-claims';

let pgbouncer: PgBouncer | undefined;
afterAll(async () => {
  await pgbouncer?.stop();
});

const HOMES: { name: string; settings(): Promise<StoreSettings> }[] = [
  {
    name: 'local files',
    async settings() {
      const scratch = mkdtempSync(join(tmpdir(), 'dossier-store-'));
      return { outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') };
    },
  },
  {
    name: 'PostgreSQL',
    async settings() {
      const scratch = mkdtempSync(join(tmpdir(), 'dossier-store-'));
      return {
        databaseUrl: await createDatabase(inject('postgresUrl')),
        outputDir: join(scratch, 'out'),
        stateDir: join(scratch, 'state'),
        keysDir: join(scratch, 'keys'),
      };
    },
  },
  {
    name: 'PostgreSQL behind PgBouncer (pool_mode = transaction)',
    async settings() {
      pgbouncer ??= await startPgBouncer(inject('postgresUrl'), { poolMode: 'transaction' });
      const scratch = mkdtempSync(join(tmpdir(), 'dossier-store-'));
      return {
        databaseUrl: pgbouncer.urlFor(await createDatabase(inject('postgresUrl'))),
        outputDir: join(scratch, 'out'),
        stateDir: join(scratch, 'state'),
        keysDir: join(scratch, 'keys'),
      };
    },
  },
];

function wrappedKey(id: string, masterKeyId: string, wrapped: string): WrappedKey {
  return { id, masterKeyId, iv: 'aXY=', wrapped, tag: 'dGFn', createdAt: '2026-11-28T08:00:00.000Z' };
}

/**
 * A process that claims `messageId` (stating `dueDate` on the claim, if given; then giving its send
 * up as at the worker's shutdown grace, with `abandon`) and hangs until killed.
 */
function claimInChild(settings: StoreSettings, messageId: string, dueDate?: string, { abandon = false } = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'claim-child.ts'), JSON.stringify({ settings, messageId, dueDate, abandon })], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('claimed')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`claiming process exited (${code}):\n${output}`)));
  });
}

describe.each(HOMES)('shared store on $name', (home) => {
  let settings: StoreSettings;
  let store: SharedStore;
  let other: SharedStore;

  beforeAll(async () => {
    settings = await home.settings();
    store = openStore(settings);
    // A second instance on the same home stands for another worker or the CLI.
    other = openStore(settings);
    await Promise.all([store.ready(), other.ready()]);
  });

  afterAll(async () => {
    await store?.close();
    await other?.close();
    rmSync(join(settings.outputDir, '..'), { recursive: true, force: true });
  });

  describe('delivery ledger', () => {
    it("records accepted Message-IDs that every instance finds, with an open letter's due date and PDF digest", async () => {
      expect(await store.ledger.find('<letter.a@test>')).toBeUndefined();
      const letterSha256 = 'a'.repeat(64);
      const record = { messageId: '<letter.a@test>', accepted: ['a@vendor.example'], rejected: [], deliveredAt: '2026-11-28T08:00:00.000Z', dueDate: '2026-12-18T22:59:59.999Z', letterSha256 };
      await store.ledger.record(record);
      expect(await other.ledger.find('<letter.a@test>')).toEqual(record);
      const turn = await other.ledger.begin('<letter.a@test>');
      expect(turn.delivered).toEqual(record);
    });

    it('reads many records in one call from every instance, as find reads each, with sealed addresses opened as find opens them', async () => {
      const ids = Array.from({ length: 1_200 }, (_, i) => `<letter.many-${i}@test>`);
      const sent = ids.filter((_, i) => i % 3 === 0);
      const key = ledgerKeyFrom(randomBytes(32));
      const sealed = sealedLedger(store.ledger, key);
      for (const messageId of sent) await sealed.record({ messageId, accepted: [`${messageId.slice(1, -6)}@vendor.example`], rejected: [], deliveredAt: '2026-11-28T08:00:00.000Z' });
      // Asked twice, and with one never sent: each record found once, the unsent absent.
      const found = await other.ledger.findMany([...ids, ids[0]!, '<never.sent@test>']);
      expect([...found.keys()].sort()).toEqual([...sent].sort());
      for (const messageId of sent.slice(0, 20)) expect(found.get(messageId)).toEqual(await other.ledger.find(messageId));
      expect(found.get(sent[1]!)?.accepted[0]).toMatch(/^sealed:/);
      const opened = await sealedLedger(other.ledger, key).findMany(ids);
      expect(opened.get(sent[1]!)).toEqual(await sealedLedger(other.ledger, key).find(sent[1]!));
      expect(opened.get(sent[1]!)?.accepted).toEqual(['letter.many-3@vendor.example']);
      expect(await other.ledger.findMany([])).toEqual(new Map());
    });

    it('claims a message again while some recipients are still deferred, and keeps the resentAfterCrash flag', async () => {
      const id = '<reminder.b@test>';
      await store.ledger.record({ messageId: id, accepted: ['a@x.example'], rejected: [], deliveredAt: '2026-11-28T08:00:00.000Z', deferred: ['b@x.example'], resentAfterCrash: true });
      const turn = await other.ledger.begin(id);
      expect(turn.delivered).toBeUndefined();
      if (turn.delivered) return;
      expect(turn.tookOverFromCrash).toBe(false);
      // Read under the claim, so the attempt knows who is still owed the message.
      expect(turn.partial?.deferred).toEqual(['b@x.example']);
      await turn.release();
      expect((await store.ledger.find(id))?.resentAfterCrash).toBe(true);
    });

    it('makes a second attempt wait for the first one to finish, then reports its delivery', async () => {
      const id = '<letter.c@test>';
      const first = await store.ledger.begin(id);
      expect(first.delivered).toBeUndefined();
      let secondDone = false;
      const second = other.ledger.begin(id).then((t) => ((secondDone = true), t));
      await new Promise((r) => setTimeout(r, 400));
      expect(secondDone).toBe(false);
      await store.ledger.record({ messageId: id, accepted: ['a@x.example'], rejected: [], deliveredAt: '2026-11-28T08:00:00.000Z' });
      if (!first.delivered) await first.release();
      expect((await second).delivered?.accepted).toEqual(['a@x.example']);
    });

    it('stops waiting for a live claim when the attempt is cancelled', async () => {
      const id = '<letter.d@test>';
      const first = await store.ledger.begin(id);
      const cancelled = other.ledger.begin(id, { signal: AbortSignal.timeout(300) });
      await expect(cancelled).rejects.toThrow();
      if (!first.delivered) await first.release();
    });

    it('keeps the claim of a live process whose send outlasts the lease: renewed, it is never taken over', async () => {
      const id = '<letter.f@test>';
      // Both sides on a lease of 600 ms; the child holds its turn (its send "waits on the SMTP pool") three times as long.
      const child = await claimInChild({ ...settings, ledgerLeaseMs: 600 }, id);
      const impatient = openStore({ ...settings, ledgerLeaseMs: 600 });
      try {
        await expect(impatient.ledger.begin(id, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        await impatient.close();
      }
    }, 30_000);

    it('takes over, flagged as a crash, the claim of a process killed in the middle of its send', async () => {
      const id = '<letter.e@test>';
      // On a lease of 1.5 s: a claim in PostgreSQL is taken over once its lease runs out unrenewed.
      const child = await claimInChild({ ...settings, ledgerLeaseMs: 1_500 }, id);
      try {
        // Alive, its claim is respected.
        await expect(store.ledger.begin(id, { signal: AbortSignal.timeout(500) })).rejects.toThrow();
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      const turn = await store.ledger.begin(id, { signal: AbortSignal.timeout(10_000) });
      expect(turn.delivered).toBeUndefined();
      if (!turn.delivered) {
        expect(turn.tookOverFromCrash).toBe(true);
        expect(turn.dueDateStated).toBeUndefined();
        await turn.release();
      }
    }, 30_000);

    it('hands a take-over the due date the killed process stated before its hand-off, and keeps it through a second crash', async () => {
      const id = '<letter.g@test>';
      const stated = '2026-12-29T23:59:52.000Z';
      const first = await claimInChild({ ...settings, ledgerLeaseMs: 1_500 }, id, stated);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      // The next attempt dies too, before stating anything itself: its claim carries the date on.
      const second = await claimInChild({ ...settings, ledgerLeaseMs: 1_500 }, id);
      second.kill('SIGKILL');
      await new Promise((r) => second.once('exit', r));
      const turn = await store.ledger.begin(id, { signal: AbortSignal.timeout(10_000) });
      expect(turn.delivered).toBeUndefined();
      if (!turn.delivered) {
        expect(turn.tookOverFromCrash).toBe(true);
        expect(turn.dueDateStated).toBe(stated);
        await turn.release();
      }
      // A turn given back as a send does leaves no date on the claim for the attempt after it.
      const next = await other.ledger.begin(id);
      if (!next.delivered) {
        expect(next.tookOverFromCrash).toBe(false);
        expect(next.dueDateStated).toBeUndefined();
        await next.release();
      }
    }, 30_000);
    it('lets the next attempt in this process take over, with its due date, a claim a send abandoned at the worker\'s shutdown', async () => {
      const id = '<letter.i@test>';
      const stated = '2026-12-29T23:59:52.000Z';
      const stopped = await store.ledger.begin(id);
      if (stopped.delivered) throw new Error('nothing was delivered yet');
      await stopped.stateDueDate(stated);
      // The send gave up at the shutdown grace: its claim is left as a crash leaves it.
      await stopped.abandon();
      const turn = await store.ledger.begin(id, { signal: AbortSignal.timeout(3_000) });
      expect(turn.delivered).toBeUndefined();
      if (!turn.delivered) {
        expect(turn.tookOverFromCrash).toBe(true);
        expect(turn.dueDateStated).toBe(stated);
        await turn.release();
      }
    }, 30_000);

    it('lets another worker take over at once, with its due date, a claim a send abandoned at its shutdown while that worker still runs', async () => {
      const id = '<letter.j@test>';
      const stated = '2026-12-29T23:59:52.000Z';
      // On the default lease (two minutes): the stopping worker is alive, its claim not yet expired.
      const stopping = await claimInChild(settings, id, stated, { abandon: true });
      try {
        const turn = await store.ledger.begin(id, { signal: AbortSignal.timeout(3_000) });
        expect(turn.delivered).toBeUndefined();
        if (!turn.delivered) {
          expect(turn.tookOverFromCrash).toBe(true);
          expect(turn.dueDateStated).toBe(stated);
          await turn.release();
        }
      } finally {
        stopping.kill('SIGKILL');
        await new Promise((r) => stopping.once('exit', r));
      }
    }, 30_000);

    it('lets one of two retries that start together take over a dead claim, with its due date, and makes the other wait', async () => {
      const id = '<letter.h@test>';
      const stated = '2026-12-29T23:59:52.000Z';
      const dead = await claimInChild({ ...settings, ledgerLeaseMs: 1_500 }, id, stated);
      dead.kill('SIGKILL');
      await new Promise((r) => dead.once('exit', r));
      // On PostgreSQL, a claim inserted with a due date (only a take-over carries one over) waits a
      // second and a half before it is written: a take-over in two statements, delete then insert,
      // leaves the message unclaimed that long, and the second retry starts in that gap.
      const db = settings.databaseUrl ? new Client({ connectionString: settings.databaseUrl }) : undefined;
      await db?.connect();
      await db?.query(`CREATE FUNCTION slow_take_over() RETURNS trigger AS $$
        BEGIN IF NEW.message_id = '${id}' AND NEW.due_date IS NOT NULL THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await db?.query('CREATE TRIGGER slow_take_over BEFORE INSERT ON delivery_claims FOR EACH ROW EXECUTE FUNCTION slow_take_over()');
      const unclaimed = async () => (db ? (await db.query('SELECT 1 FROM delivery_claims WHERE message_id = $1', [id])).rows.length === 0 : false);
      const turns: { first?: SendTurn; second?: SendTurn } = {};
      const first = store.ledger.begin(id, { signal: AbortSignal.timeout(10_000) }).then((t) => (turns.first = t));
      let second: Promise<unknown> | undefined;
      try {
        // The second retry starts once the first has taken the claim over, or has begun to.
        while (!turns.first && !(await unclaimed())) await new Promise((r) => setTimeout(r, 10));
        second = other.ledger.begin(id, { signal: AbortSignal.timeout(10_000) }).then((t) => (turns.second = t));
        await new Promise((r) => setTimeout(r, 500));
        const seen = (t?: SendTurn) => t && (t.delivered ? 'delivered' : { tookOverFromCrash: t.tookOverFromCrash, dueDateStated: t.dueDateStated });
        expect(seen(turns.second), 'the second retry got a turn of its own while the first held the claim').toBeUndefined();
        await first;
        expect(seen(turns.first)).toEqual({ tookOverFromCrash: true, dueDateStated: stated });
        // Given back as a send does, the turn passes to the second retry: no crash, no date.
        if (turns.first && !turns.first.delivered) await turns.first.release();
        await second;
        expect(seen(turns.second)).toEqual({ tookOverFromCrash: false, dueDateStated: undefined });
      } finally {
        const releaseAll = async () => {
          for (const t of [turns.first, turns.second]) if (t && !t.delivered) await t.release();
        };
        await releaseAll();
        await Promise.allSettled([first, second]);
        await releaseAll();
        await db?.query('DROP TRIGGER slow_take_over ON delivery_claims');
        await db?.query('DROP FUNCTION slow_take_over()');
        await db?.end();
      }
    }, 30_000);
  });

  describe('wrapped keys', () => {
    it('keeps the first of two racing keys, and every instance reads that one', async () => {
      expect(await store.keys.get('campaign-k1')).toBeUndefined();
      const [a, b] = await Promise.all([
        store.keys.putIfAbsent(wrappedKey('campaign-k1', 'm1', 'Zmlyc3Q=')),
        other.keys.putIfAbsent(wrappedKey('campaign-k1', 'm1', 'c2Vjb25k')),
      ]);
      expect(a).toEqual(b);
      expect(await other.keys.get('campaign-k1')).toEqual(a);
      expect(await store.keys.list()).toContain('campaign-k1');
    });

    it('rewraps a key only while it is still under the expected master key', async () => {
      await store.keys.putIfAbsent(wrappedKey('campaign-k2', 'm1', 'b2xk'));
      expect(await other.keys.replace(wrappedKey('campaign-k2', 'm2', 'bmV3'), 'm0')).toBe(false);
      expect(await other.keys.replace(wrappedKey('campaign-k2', 'm2', 'bmV3'), 'm1')).toBe(true);
      expect(await store.keys.get('campaign-k2')).toMatchObject({ masterKeyId: 'm2', wrapped: 'bmV3' });
    });

    it('destroys a key for every instance, and purges what the deletion left', async () => {
      await store.keys.putIfAbsent(wrappedKey('campaign-k3', 'm1', 'Z29uZQ=='));
      expect(await other.keys.delete('campaign-k3')).toBe(true);
      expect(await store.keys.delete('campaign-k3')).toBe(false);
      expect(await store.keys.get('campaign-k3')).toBeUndefined();
      expect(await store.keys.purgeDeleted()).toMatch(/\w/);
      expect(await store.keys.list()).not.toContain('campaign-k3');
    });

    it('refuses a key id that could name something else', async () => {
      await expect(store.keys.get('../master')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
    });
  });

  describe('published files', () => {
    it('writes once, reads back from every instance, and lists a folder without its namesakes', async () => {
      const pdf = Buffer.from('%PDF-1.7 statement');
      await store.files.write('c1/statement-1.en.pdf', pdf);
      await store.files.write('c1/statement-1.en.pdf', pdf);
      await store.files.write('c1/letters/zoom.pdf', Buffer.from('%PDF letter'));
      await store.files.write('c10/statement-1.en.pdf', Buffer.from('%PDF other'));
      expect(await other.files.read('c1/statement-1.en.pdf')).toEqual(pdf);
      expect(await other.files.list('c1')).toEqual(['c1/letters/zoom.pdf', 'c1/statement-1.en.pdf']);
      expect(await store.files.read('c1/missing.pdf')).toBeUndefined();
    });

    it('replaces a file whose content changed, and deletes it', async () => {
      await store.files.write('c2/drafts/statement-1-draft.en.pdf', Buffer.from('v1'));
      await other.files.write('c2/drafts/statement-1-draft.en.pdf', Buffer.from('v2'));
      expect((await store.files.read('c2/drafts/statement-1-draft.en.pdf'))?.toString()).toBe('v2');
      expect(await store.files.delete('c2/drafts/statement-1-draft.en.pdf')).toBe(true);
      expect(await other.files.read('c2/drafts/statement-1-draft.en.pdf')).toBeUndefined();
    });

    it('keeps the first of two racing claims of one path, and both instances read that one', async () => {
      const claims = await Promise.all([
        store.files.claim('c3/campaign.json', Buffer.from('{"campaign":"first"}')),
        other.files.claim('c3/campaign.json', Buffer.from('{"campaign":"second"}')),
      ]);
      expect(claims[0]).toEqual(claims[1]);
      expect(['{"campaign":"first"}', '{"campaign":"second"}']).toContain(claims[0]!.toString());
      expect(await other.files.claim('c3/campaign.json', Buffer.from('{"campaign":"third"}'))).toEqual(claims[0]);
      expect(await store.files.read('c3/campaign.json')).toEqual(claims[0]);
    });

    it('refuses a path that leaves the output folder', async () => {
      for (const path of ['../etc/passwd', '/etc/passwd', 'c1/../../x', '', 'c1//x']) {
        await expect(store.files.write(path, Buffer.from('x')), path).rejects.toMatchObject({ code: StoreErrorCode.InvalidPath });
      }
    });
  });

  describe('documents', () => {
    it('stores bytes with their name, type, size and SHA-256, per campaign', async () => {
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      const stored = await store.documents.put('c1', 'reply-1/answers.pdf', bytes, { name: 'answers.pdf', type: 'application/pdf' });
      expect(stored).toMatchObject({
        campaignId: 'c1',
        key: 'reply-1/answers.pdf',
        name: 'answers.pdf',
        type: 'application/pdf',
        size: 5,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      const got = await other.documents.get('c1', 'reply-1/answers.pdf');
      expect(got?.bytes).toEqual(bytes);
      expect(got?.document).toEqual(stored);
      expect(await other.documents.get('c2', 'reply-1/answers.pdf')).toBeUndefined();
    });

    it('lists a campaign by key, replaces and deletes', async () => {
      await store.documents.put('c3', 'b', Buffer.from('second'), { name: 'b.txt', type: 'text/plain' });
      await store.documents.put('c3', 'a', Buffer.from('first'), { name: 'a.txt', type: 'text/plain' });
      await other.documents.put('c3', 'b', Buffer.from('second, again'), { name: 'b2.txt', type: 'text/plain' });
      const listed = await store.documents.list('c3');
      expect(listed.map((d) => [d.key, d.name, d.size])).toEqual([
        ['a', 'a.txt', 5],
        ['b', 'b2.txt', 13],
      ]);
      expect(await other.documents.delete('c3', 'a')).toBe(true);
      expect(await store.documents.delete('c3', 'a')).toBe(false);
      expect((await store.documents.list('c3')).map((d) => d.key)).toEqual(['b']);
    });

    it('refuses an empty key and a campaign id with a path in it', async () => {
      await expect(store.documents.put('c1', '', Buffer.from('x'), { name: 'x', type: 'text/plain' })).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.documents.list('../c1')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
    });
  });

  describe('revoked sessions', () => {
    it('keeps a signed-out session revoked for every instance until it would have expired', async () => {
      const id = randomBytes(24).toString('base64url');
      const soon = randomBytes(24).toString('base64url');
      expect(await other.sessions.isRevoked(id)).toBe(false);
      await store.sessions.revoke(id, new Date(Date.now() + 3_600_000));
      await store.sessions.revoke(soon, new Date(Date.now() + 300));
      expect(await other.sessions.isRevoked(id)).toBe(true);
      expect(await other.sessions.isRevoked(soon)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      // Past its session's expiry the entry is not needed (the cookie itself has expired), and the next sign-out clears it.
      expect(await other.sessions.isRevoked(soon)).toBe(false);
      await other.sessions.revoke(randomBytes(24).toString('base64url'), new Date(Date.now() + 3_600_000));
      expect(await store.sessions.isRevoked(id)).toBe(true);
    });

    it('keeps a session revoked when a web host whose clock runs minutes ahead signs out another', async () => {
      const id = randomBytes(24).toString('base64url');
      // Signed out with five minutes of its session left.
      await store.sessions.revoke(id, new Date(Date.now() + 5 * 60_000));
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 10 * 60_000);
        // Another officer signs out on a host whose clock is ten minutes ahead, clearing what it takes for expired.
        await other.sessions.revoke(randomBytes(24).toString('base64url'), new Date(Date.now() + 3_600_000));
      } finally {
        vi.useRealTimers();
      }
      // A copy of the first cookie, valid five minutes more by the right clock, is still refused.
      expect(await store.sessions.isRevoked(id)).toBe(true);
    });

    it('refuses a session id that could name something else', async () => {
      await expect(store.sessions.revoke('../../keys/campaign-k1', new Date())).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.sessions.isRevoked('short')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
    });
  });

  describe('user preferences', () => {
    it('keeps the language each user chose for every instance, and the last choice', async () => {
      const subject = `owen-${randomBytes(4).toString('hex')}@opc.example`;
      expect(await other.preferences.language(subject)).toBeUndefined();
      await store.preferences.setLanguage(subject, 'fr');
      expect(await other.preferences.language(subject)).toBe('fr');
      await other.preferences.setLanguage(subject, 'en');
      expect(await store.preferences.language(subject)).toBe('en');
      // Another user's choice is their own; a subject with a path's characters names no other file.
      expect(await store.preferences.language(`../${subject}`)).toBeUndefined();
    });

    it('refuses a subject with control characters and a language that is not a tag', async () => {
      await expect(store.preferences.setLanguage('owen\nforged log line', 'fr')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.preferences.language('')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.preferences.setLanguage('owen', "fr'; DROP TABLE x")).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
    });
  });

  describe('refused forms', () => {
    const formId = () => randomBytes(18).toString('base64url');
    const inAMinute = () => new Date(Date.now() + 60_000);

    it('gives a kept form to the first take on any instance, and to no later take', async () => {
      const id = formId();
      expect(await other.refusedForms.take(id)).toBeUndefined();
      await store.refusedForms.keep(id, 'sealed form', inAMinute());
      expect(await other.refusedForms.take(id)).toBe('sealed form');
      expect(await other.refusedForms.take(id)).toBeUndefined();
      expect(await store.refusedForms.take(id)).toBeUndefined();
    });

    it('gives a form past its time to no one', async () => {
      const id = formId();
      await store.refusedForms.keep(id, 'sealed form', new Date(Date.now() + 200));
      await new Promise((r) => setTimeout(r, 300));
      expect(await other.refusedForms.take(id)).toBeUndefined();
    });

    it('gives a form to exactly one of many takes at once, on every instance', async () => {
      for (let round = 0; round < 5; round++) {
        const id = formId();
        await store.refusedForms.keep(id, `sealed form ${round}`, inAMinute());
        const takes = await Promise.all([store, other, store, other, store, other].map((s) => s.refusedForms.take(id)));
        expect(takes.filter((t) => t !== undefined)).toEqual([`sealed form ${round}`]);
      }
    });

    it('clears the forms past their time as others are kept, and leaves those still waiting', async () => {
      const lapsed = formId();
      const waiting = formId();
      await store.refusedForms.keep(lapsed, 'sealed form', new Date(Date.now() + 200));
      await store.refusedForms.keep(waiting, 'sealed form', new Date(Date.now() + 3_600_000));
      const held = async (id: string) => {
        if (home.name === 'local files') return existsSync(join(settings.stateDir, 'refused-forms', id));
        const client = new Client({ connectionString: settings.databaseUrl });
        await client.connect();
        try {
          return (await client.query('SELECT 1 FROM refused_forms WHERE id = $1', [id])).rows.length === 1;
        } finally {
          await client.end();
        }
      };
      expect(await held(lapsed)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      // Past any pause a home takes between two clearings (local files: a minute in a process).
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 2 * 60_000);
        await other.refusedForms.keep(formId(), 'sealed form', inAMinute());
      } finally {
        vi.useRealTimers();
      }
      expect(await held(lapsed)).toBe(false);
      expect(await held(waiting)).toBe(true);
      expect(await store.refusedForms.take(waiting)).toBe('sealed form');
    });

    it('refuses a form id that could name something else', async () => {
      await expect(store.refusedForms.keep('../revoked-sessions/x', 'sealed form', inAMinute())).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.refusedForms.take('short')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
    });
  });

  describe('token refreshes', () => {
    const digest = () => createHash('sha256').update(randomBytes(16)).digest('hex');

    it('lets exactly one of many instances claim an old token at once, and every instance reads its outcome', async () => {
      const old = digest();
      const until = new Date(Date.now() + 60_000);
      const claims = await Promise.all([store, other, store, other].map((s) => s.refreshes.claim(old, until)));
      const holders = claims.filter((holder) => holder !== undefined);
      expect(holders).toHaveLength(1);
      expect(await other.refreshes.outcome(old)).toEqual({ state: 'pending' });
      expect(await (claims[0] || claims[2] ? store : other).refreshes.settle(old, holders[0], 'sealed outcome', until)).toBe(true);
      expect(await store.refreshes.outcome(old)).toEqual({ state: 'settled', outcome: 'sealed outcome' });
      expect(await other.refreshes.outcome(old)).toEqual({ state: 'settled', outcome: 'sealed outcome' });
      expect(await other.refreshes.claim(old, until)).toBeUndefined();
    });

    it('lets a token be claimed again once its claim is given up or past its time', async () => {
      const released = digest();
      const given = await store.refreshes.claim(released, new Date(Date.now() + 60_000));
      expect(given).toBeDefined();
      await store.refreshes.release(released, given!);
      expect(await other.refreshes.outcome(released)).toEqual({ state: 'none' });
      expect(await other.refreshes.claim(released, new Date(Date.now() + 60_000))).toBeDefined();

      const lapsed = digest();
      const soon = new Date(Date.now() + 200);
      const briefly = await store.refreshes.claim(lapsed, soon);
      expect(briefly).toBeDefined();
      expect(await store.refreshes.settle(lapsed, briefly!, 'sealed outcome', soon)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(await other.refreshes.outcome(lapsed)).toEqual({ state: 'none' });
      expect(await other.refreshes.claim(lapsed, new Date(Date.now() + 60_000))).toBeDefined();
      expect(await store.refreshes.outcome(lapsed)).toEqual({ state: 'pending' });
    });

    it('lets exactly one of many instances take over a claim past its time, while others clear past entries', async () => {
      // Every claimant reads the lapsed claim; one that removed it and wrote its own used to see the
      // next one remove that fresh claim and write its own too: both spent the same refresh token.
      const later = <T>(ms: number, act: () => Promise<T>) => new Promise((r) => setTimeout(r, ms)).then(act);
      for (let round = 0; round < 6; round++) {
        const lapsed = digest();
        // A claim whose holder died: its time is already past.
        expect(await store.refreshes.claim(lapsed, new Date(Date.now() - 1_000))).toBeDefined();
        // Fresh instances clear the entries past their time at their first claim, the lapsed one among them.
        const instances = Array.from({ length: 6 }, () => openStore(settings));
        try {
          const until = new Date(Date.now() + 60_000);
          // Started a millisecond apart, so that one claimant's removal can fall after another's write.
          const claimants = Array.from({ length: 4 }, () => [...instances, store, other]).flat();
          const [claims] = await Promise.all([
            Promise.all(claimants.map((s, n) => later(n % 20, () => s.refreshes.claim(lapsed, until)))),
            Promise.all(instances.map((s, n) => later(3 * n, () => s.refreshes.claim(digest(), until)))),
          ]);
          expect(claims.filter((holder) => holder !== undefined)).toHaveLength(1);
          // The winner's claim stands: no clearing removed it, and nobody else may claim it now.
          expect(await other.refreshes.outcome(lapsed)).toEqual({ state: 'pending' });
          expect(await store.refreshes.claim(lapsed, until)).toBeUndefined();
        } finally {
          await Promise.all(instances.map((s) => s.close()));
        }
      }
    });

    it('keeps an outcome until the time its settling names, past the time of its claim', async () => {
      // A refresh that rotated the token: its claim is brief, its outcome lasts as long as the session.
      const rotated = digest();
      const holder = await store.refreshes.claim(rotated, new Date(Date.now() + 200));
      expect(holder).toBeDefined();
      expect(await store.refreshes.settle(rotated, holder!, 'sealed outcome', new Date(Date.now() + 60_000))).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(await store.refreshes.claim(digest(), new Date(Date.now() + 60_000))).toBeDefined();
      expect(await other.refreshes.outcome(rotated)).toEqual({ state: 'settled', outcome: 'sealed outcome' });
      expect(await other.refreshes.claim(rotated, new Date(Date.now() + 60_000))).toBeUndefined();
    });

    lateClaimHolderCases(() => ({ store: store.refreshes, other: other.refreshes }));

    // A web host of the release before claims named their holder, beside an upgraded one: its claim
    // statement takes a row past its time over without naming a holder.
    it("leaves an older web host's take-over of a claim past its time to that host, not to the late holder it took over from", async () => {
      const old = digest();
      const late = await store.refreshes.claim(old, new Date(Date.now() + 200));
      expect(late).toBeDefined();
      await new Promise((r) => setTimeout(r, 300));
      const now = new Date();
      const until = new Date(now.getTime() + 60_000);
      if (!settings.databaseUrl) {
        // Over local files, that host renamed an entry with no holder over the one past its time.
        const path = join(settings.stateDir, 'token-refreshes', old);
        writeFileSync(`${path}.older`, JSON.stringify({ until: until.getTime() }));
        renameSync(`${path}.older`, path);
      } else {
        const db = new Client({ connectionString: settings.databaseUrl });
        await db.connect();
        try {
          const taken = await db.query(
            `INSERT INTO token_refreshes (digest, until) VALUES ($1, $2)
             ON CONFLICT (digest) DO UPDATE SET until = excluded.until, outcome = NULL WHERE token_refreshes.until <= $3
             RETURNING digest`,
            [old, until, now],
          );
          expect(taken.rows).toHaveLength(1);
        } finally {
          await db.end();
        }
      }
      expect(await store.refreshes.settle(old, late!, 'late outcome', new Date(Date.now() + 60_000)), "the late holder's settle over the older host's claim").toBe(false);
      await store.refreshes.release(old, late!);
      expect(await other.refreshes.outcome(old), "the older host's claim, after the late holder settled and gave up").toEqual({ state: 'pending' });
    });

    it('refuses a digest that could name something else, and a holder no claim names', async () => {
      await expect(store.refreshes.claim('../../keys/campaign-k1', new Date())).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.refreshes.outcome('short')).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
      await expect(store.refreshes.release(digest(), "holder' OR true --")).rejects.toMatchObject({ code: StoreErrorCode.InvalidKey });
    });
  });

  describe('keystore on this store', () => {
    it('rewraps every data key under a new master key, after which the old master key can be retired', async () => {
      const [oldMaster, newMaster] = [parseMasterKeys(generateMasterKeySpec('old'))[0], parseMasterKeys(generateMasterKeySpec('new'))[0]];
      const before = new KeyStore(store.keys, [oldMaster]);
      const dataKey = await before.encryptionKey('campaign-rotated');
      const wrappedUnderOld = await store.keys.get('campaign-rotated');

      const rotating = new KeyStore(other.keys, [newMaster, oldMaster]);
      const { rewrapped, failed } = await rotating.rewrapAll();
      expect(rewrapped).toContain('campaign-rotated');
      // The cases above stored keys under master keys this process does not hold: named, not lost.
      expect(failed.map((f) => f.keyId)).toEqual(expect.arrayContaining(['campaign-k1']));
      expect(failed.every((f) => /master key "m\d"/.test(f.problem))).toBe(true);
      expect((await rotating.rewrapAll()).rewrapped).toEqual([]);

      const after = new KeyStore(store.keys, [newMaster]);
      expect(await after.decryptionKey('campaign-rotated')).toEqual(dataKey);
      // A copy wrapped under the retired master key (a backup, a WAL record) no longer opens.
      const copy = new KeyStore({ ...store.keys, get: async () => wrappedUnderOld }, [newMaster]);
      await expect(copy.decryptionKey('campaign-rotated')).rejects.toMatchObject({ code: 'MasterKeyMissing' });
    });

    it('shreds a data key for every process sharing the store', async () => {
      const master = parseMasterKeys(generateMasterKeySpec('m'));
      const here = new KeyStore(store.keys, master);
      const there = new KeyStore(other.keys, master);
      await here.encryptionKey('campaign-shredded');
      expect(await there.decryptionKey('campaign-shredded')).toEqual(await here.decryptionKey('campaign-shredded'));
      expect(await there.shred('campaign-shredded')).toBe(true);
      await expect(here.decryptionKey('campaign-shredded')).rejects.toMatchObject({ code: 'KeyShredded' });
    });

    it('never makes a new key for a campaign whose key was shredded, in this process or another', async () => {
      const master = parseMasterKeys(generateMasterKeySpec('m'));
      const here = new KeyStore(store.keys, master);
      const there = new KeyStore(other.keys, master);
      await here.encryptionKey('campaign-tombstoned');
      expect(await there.shred('campaign-tombstoned')).toBe(true);
      const refusal = /campaign "tombstoned" was shredded at \d{4}-\d\d-\d\dT[\d:.]+Z/;
      for (const keystore of [here, there]) {
        await expect(keystore.encryptionKey('campaign-tombstoned')).rejects.toMatchObject({ code: 'KeyShredded', message: expect.stringMatching(refusal) });
      }
      expect(await store.keys.get('campaign-tombstoned')).toBeUndefined();
      expect(await other.keys.list()).not.toContain('campaign-tombstoned');
      // The time stays the first shredding's, however often the shredding is repeated.
      const [shreddedAt] = refusal.exec(String(await here.encryptionKey('campaign-tombstoned').catch((err: Error) => err.message)))!;
      expect(await here.shred('campaign-tombstoned')).toBe(false);
      await expect(there.encryptionKey('campaign-tombstoned')).rejects.toThrow(shreddedAt);
      await expect(there.decryptionKey('campaign-tombstoned')).rejects.toThrow(/does not exist: campaign "tombstoned" was shredded at/);
      // Other campaigns are untouched.
      expect(await there.encryptionKey('campaign-not-tombstoned')).toEqual(await here.decryptionKey('campaign-not-tombstoned'));
    });
  });

  if (home.name === 'local files') {
    it('keeps every folder and file owner-only', async () => {
      await store.files.write('c9/statement-1.en.pdf', Buffer.from('x'));
      await store.keys.putIfAbsent(wrappedKey('campaign-k9', 'm1', 'eA=='));
      await store.documents.put('c9', 'k', Buffer.from('x'), { name: 'x', type: 'text/plain' });
      await store.ledger.record({ messageId: '<m.9@test>', accepted: [], rejected: [], deliveredAt: '2026-11-28T08:00:00.000Z' });
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect(mode(settings.keysDir)).toBe(0o700);
      expect(mode(join(settings.stateDir, 'deliveries'))).toBe(0o700);
      expect(mode(join(settings.outputDir, 'c9'))).toBe(0o700);
      expect(mode(join(settings.outputDir, 'c9', 'statement-1.en.pdf'))).toBe(0o600);
      expect(mode(join(settings.keysDir, 'campaign-k9.json'))).toBe(0o600);
      const form = randomBytes(18).toString('base64url');
      await store.refusedForms.keep(form, 'sealed form', new Date(Date.now() + 60_000));
      expect(mode(join(settings.stateDir, 'refused-forms'))).toBe(0o700);
      expect(mode(join(settings.stateDir, 'refused-forms', form))).toBe(0o600);
    });

    it('takes a refused form whose file does not read as one (a disk fault) as none, and removes it', async () => {
      const id = randomBytes(18).toString('base64url');
      await store.refusedForms.keep(randomBytes(18).toString('base64url'), 'sealed form', new Date(Date.now() + 60_000));
      writeFileSync(join(settings.stateDir, 'refused-forms', id), '{"until": 17');
      expect(await store.refusedForms.take(id)).toBeUndefined();
      expect(existsSync(join(settings.stateDir, 'refused-forms', id))).toBe(false);
    });

    it('clears what a take stopped halfway left in the refused forms\' folder, once nobody can be taking it', async () => {
      const folder = join(settings.stateDir, 'refused-forms');
      const kept = randomBytes(18).toString('base64url');
      await store.refusedForms.keep(kept, 'sealed form', new Date(Date.now() + 60_000));
      // Renamed to be read by a take whose process stopped before removing it: a form kept nine minutes
      // before its take, whose time of writing the rename kept (utimes, like the rename, sets its ctime now).
      const left = join(folder, `${randomBytes(18).toString('base64url')}.taken.0badc0de`);
      writeFileSync(left, JSON.stringify({ until: Date.now() + 60_000, sealed: 'sealed form' }));
      utimesSync(left, new Date(Date.now() - 9 * 60_000), new Date(Date.now() - 9 * 60_000));
      const keepAt = async (later: number) => {
        vi.useFakeTimers({ toFake: ['Date'] });
        try {
          vi.setSystemTime(Date.now() + later);
          await store.refusedForms.keep(randomBytes(18).toString('base64url'), 'sealed form', new Date(Date.now() + 60_000));
        } finally {
          vi.useRealTimers();
        }
      };
      // Two minutes after the take, it may still be reading (a host paused): the file is left.
      await keepAt(2 * 60_000);
      expect(existsSync(left)).toBe(true);
      await keepAt(20 * 60_000);
      expect(existsSync(left)).toBe(false);
    });
  } else {
    it('creates its schema with a versioned migration, once, however many instances start together, and leaves no lock behind', async () => {
      const fresh = await home.settings();
      const starting = Array.from({ length: 4 }, () => openStore(fresh));
      const started = await Promise.allSettled(starting.map((s) => s.ready()));
      await Promise.all(starting.map((s) => s.close()));
      rmSync(join(fresh.outputDir, '..'), { recursive: true, force: true });
      expect(started.filter((s) => s.status === 'rejected')).toEqual([]);
      const client = new Client({ connectionString: fresh.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on`);
        expect(rows.map((r) => r.name)).toEqual(['1795852800000_shared-state', '1795874400000_shredded-keys', '1795903200000_revoked-sessions', '1795932000000_claim-owner-lease', '1795960800000_claim-due-date', '1795989600000_claim-lease', '1796018400000_token-refreshes', '1796047200000_refresh-claim-holder', '1796076000000_refresh-claim-unnamed-take-over', '1796104800000_refused-forms', '1796133600000_user-preferences']);
        // A lock still held by a server session a pooler keeps open would stop the next worker's start.
        const locks = await client.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
        expect(locks.rows).toEqual([]);
      } finally {
        await client.end();
      }
    });

    it('leaves the deleted key row in the table file until the purge rewrites the table', async () => {
      const client = new Client({ connectionString: settings.databaseUrl });
      await client.connect();
      try {
        const tableFile = async () => {
          await client.query('CHECKPOINT');
          const { rows } = await client.query<{ bytes: Buffer }>("SELECT pg_read_binary_file(pg_relation_filepath('wrapped_keys')) AS bytes");
          return rows[0].bytes;
        };
        const marker = Buffer.from('dG9iZXNocmVkZGVkbWFya2Vy').toString('base64');
        await store.keys.putIfAbsent(wrappedKey('campaign-vacuumed', 'm1', marker));
        expect((await tableFile()).includes(marker)).toBe(true);
        await store.keys.delete('campaign-vacuumed');
        // Deleted, yet its bytes are still on disk: what the README warns about.
        expect((await tableFile()).includes(marker)).toBe(true);
        expect(await store.keys.purgeDeleted()).toMatch(/VACUUM FULL/);
        expect((await tableFile()).includes(marker)).toBe(false);
      } finally {
        await client.end();
      }
    });

    it('names the database, without its password, when it cannot be reached', async () => {
      const unreachable = openStore({ ...settings, databaseUrl: 'postgres://dossier:s3cret@127.0.0.1:1/none' });
      const failure = await unreachable.ready().catch((err: unknown) => err);
      await unreachable.close();
      expect(failure).toMatchObject({ code: StoreErrorCode.Migration });
      expect(String((failure as Error).message)).toContain('127.0.0.1:1');
      expect(String((failure as Error).message)).not.toContain('s3cret');
    });
  }
});
