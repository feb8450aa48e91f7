// The delivery ledger reads of the campaign's looks at its letters (issue 16): for each vendor the
// look walks `letter` … `letter-20` (and further while the office's notices lead on). Before, one read
// a Message-ID (test/helpers/letter-walk-one-at-a-time.ts, eight vendors at a time as the look ran
// them); now a read for ENGAGEMENTS_A_READ vendors (walkEach). Both run on the same ledger, on local
// files and on a PostgreSQL server of its own, and the reads, the time and the longest the event loop
// was held (the gap between ticks of a one-millisecond timer) are printed side by side. Not part of
// `npm run bench`: it needs no Temporal server, and takes a minute and a half.
//
//   npx tsx bench/letter-reads.ts [--vendors 2000] [--rounds 5] [--only local|postgres] [--out file.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeliveryLedger, DeliveryRecord } from '../activities/delivery-ledger';
import { inLanes } from '../activities/lanes';
import { lastAcceptedLetter, letterAccepted, walkEach, type FindRecords } from '../activities/letter-accepted';
import { messageIdFor } from '../activities/threading';
import { startPostgres } from '../infra/postgres';
import { openStore, type SharedStore } from '../store';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import { walkOneAtATime } from '../test/helpers/letter-walk-one-at-a-time';
import { mapLimit, median, round } from './lib/stats';

const DOMAIN = 'regulator.test';
const CAMPAIGN = 'letter-reads';
/** As letterCopiesMissing ran its vendors before: eight at a time. */
const OLD_LANES = 8;

const { values } = parseArgs({
  options: {
    vendors: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
});
const VENDORS = Number(values.vendors);
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(VENDORS) || VENDORS < 1) throw new Error(`--vendors must be a whole number of vendors, got "${values.vendors}"`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a whole number of rounds, got "${values.rounds}"`);
const homes = (values.only ?? ['local', 'postgres']).map((h) => {
  if (h !== 'local' && h !== 'postgres') throw new Error(`--only takes local or postgres, got "${h}"`);
  return h;
});

/**
 * The campaign's ledger: a tenth of the vendors have no letter the server took (refused, the office
 * told), a tenth a second letter to a corrected address after the first was refused, a twentieth the
 * third letter past a gap, the rest their first letter only.
 */
async function fill(ledger: DeliveryLedger, threads: string[]): Promise<void> {
  const records: DeliveryRecord[] = [];
  const put = (threadId: string, step: string, accepted: string[]) => {
    const messageId = messageIdFor(threadId, step, DOMAIN);
    records.push({ messageId, accepted, rejected: accepted.length ? [] : ['gone@vendor.test'], deliveredAt: '2026-11-29T12:00:00Z' });
  };
  threads.forEach((threadId, i) => {
    const vendor = [`privacy@v${i}.test`];
    if (i % 10 === 0) {
      put(threadId, 'letter', []);
      put(threadId, 'officer-notice-letter', ['office@regulator.test']);
    } else if (i % 10 === 1) {
      put(threadId, 'officer-notice-letter', ['office@regulator.test']);
      put(threadId, 'letter-2', vendor);
    } else if (i % 20 === 2) {
      put(threadId, 'letter', vendor);
      put(threadId, 'letter-3', vendor);
    } else {
      put(threadId, 'letter', vendor);
    }
  });
  await mapLimit(records, 16, (record) => ledger.record(record));
}

interface Measure {
  reads: number;
  ms: number;
  /** The longest the event loop was held while the look ran (ms). */
  heldMs: number;
}

/** One look, timed, with its reads counted and the event loop's longest delay. */
async function timed(look: (count: () => void) => Promise<unknown>): Promise<Measure> {
  let reads = 0;
  // A tick every millisecond: the longest gap between two is the longest the look held the loop.
  let heldMs = 0;
  let tick = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    heldMs = Math.max(heldMs, now - tick);
    tick = now;
  }, 1);
  const start = performance.now();
  await look(() => reads++);
  const end = performance.now();
  clearInterval(probe);
  return { reads, ms: end - start, heldMs: Math.max(heldMs, end - tick) };
}

interface Row {
  home: string;
  look: string;
  before: Measure;
  after: Measure;
}

async function measure(home: string, store: SharedStore): Promise<Row[]> {
  const threads = Array.from({ length: VENDORS }, (_, i) => engagementWorkflowId(CAMPAIGN, `v${String(i).padStart(5, '0')}`));
  const filling = performance.now();
  await fill(store.ledger, threads);
  console.log(`${home}: ${VENDORS} vendors' letters written in ${round((performance.now() - filling) / 1000)} s`);
  const one = (count: () => void) => (id: string) => (count(), store.ledger.find(id));
  const many = (count: () => void): FindRecords => (ids) => (count(), store.ledger.findMany(ids));
  // Each vendor's last letter (letterCopiesMissing for copies on file, fileLetterCopies), and whether one went out (lettersNotAccepted).
  const looks = {
    'last letter of each vendor': {
      before: (count: () => void) => inLanes(threads, OLD_LANES, async (t) => void (await walkOneAtATime(one(count), t, DOMAIN, { last: true }))),
      after: async (count: () => void) => {
        for await (const _ of walkEach(many(count), threads, (find, t) => lastAcceptedLetter(find, t, DOMAIN)));
      },
    },
    'whether a letter went out': {
      before: async (count: () => void) => {
        for (const t of threads) await walkOneAtATime(one(count), t, DOMAIN, { last: false });
      },
      after: async (count: () => void) => {
        for await (const _ of walkEach(many(count), threads, (find, t) => letterAccepted(find, t, DOMAIN)));
      },
    },
  };
  // The same answers, before the clock runs.
  for (const threadId of threads.slice(0, 200)) {
    const before = (await walkOneAtATime((id) => store.ledger.find(id), threadId, DOMAIN, { last: true })).at(-1);
    const after = await lastAcceptedLetter((ids) => store.ledger.findMany(ids), threadId, DOMAIN);
    if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error(`${home}: the walks disagree on ${threadId}`);
  }
  const rows: Row[] = [];
  for (const [look, { before, after }] of Object.entries(looks)) {
    // One round each to warm up (the page cache, PostgreSQL's buffers, the JIT), then alternated.
    await timed(before);
    await timed(after);
    const samples: { before: Measure[]; after: Measure[] } = { before: [], after: [] };
    for (let r = 0; r < ROUNDS; r++) {
      samples.before.push(await timed(before));
      samples.after.push(await timed(after));
    }
    const med = (ms: Measure[]): Measure => ({ reads: ms[0]!.reads, ms: round(median(ms.map((m) => m.ms))), heldMs: round(median(ms.map((m) => m.heldMs))) });
    rows.push({ home, look, before: med(samples.before), after: med(samples.after) });
  }
  return rows;
}

async function main() {
  const rows: Row[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-letter-reads-'));
  try {
    if (homes.includes('local')) {
      const store = openStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
      rows.push(...(await measure('local files', store)));
      await store.close();
    }
    if (homes.includes('postgres')) {
      const server = await startPostgres();
      try {
        const store = openStore({ databaseUrl: await server.createDatabase(), outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
        await store.ready();
        rows.push(...(await measure('PostgreSQL', store)));
        await store.close();
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`\n${VENDORS} vendors, median of ${ROUNDS} rounds; "held" is the longest the look kept the event loop from a 1 ms timer\n`);
  const header = ['home', 'look', 'reads before', 'reads after', 'ms before', 'ms after', 'held ms before', 'held ms after'];
  const lines = rows.map((r) => [r.home, r.look, r.before.reads, r.after.reads, r.before.ms, r.after.ms, r.before.heldMs, r.after.heldMs].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ vendors: VENDORS, rounds: ROUNDS, rows }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
