// A letter whose response time runs from its delivery, handed to the relay by a worker that dies
// before the ledger records it: the retry that takes the send over cannot know whether that copy went
// out, so it sends again, and must state the same due date as the copy the vendor may already hold,
// and report that date for the case to keep. Against the embedded store (local files) and PostgreSQL,
// with a real mail sink and a real worker process SIGKILLed after the relay's answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import { formatDate } from '../../activities/format';
import { createDatabase } from '../../infra/postgres';
import { PROJECT_ROOT } from '../../paths';
import { openStore, type StoreSettings } from '../../store';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';

const sink = useMailSink();
const scratch = mkdtempSync(join(tmpdir(), 'dossier-take-over-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DAY = 86_400_000;
/** Time the dying worker has to hand the letter to the relay, from the moment it is given it. */
const HAND_OFF_WITHIN = 8_000;

const HOMES: { name: string; settings(): Promise<StoreSettings> }[] = [
  {
    name: 'local files',
    async settings() {
      const root = mkdtempSync(join(scratch, 'local-'));
      return { outputDir: join(root, 'out'), stateDir: join(root, 'state'), keysDir: join(root, 'keys') };
    },
  },
  {
    name: 'PostgreSQL',
    async settings() {
      const root = mkdtempSync(join(scratch, 'postgres-'));
      // A short lease: a dead worker's claim in PostgreSQL is taken over once it runs out unrenewed.
      return { databaseUrl: await createDatabase(inject('postgresUrl')), outputDir: join(root, 'out'), stateDir: join(root, 'state'), keysDir: join(root, 'keys'), ledgerLeaseMs: 1_500 };
    },
  },
];

/** A worker process ready to send, which hangs once the relay has accepted its message. */
async function dyingWorker(settings: StoreSettings): Promise<{ child: ChildProcess; said(word: string): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'send-child.ts'), JSON.stringify({ settings, smtpUrl: sink.url })], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const heard = new Set<string>();
  const waiting = new Map<string, () => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const word of output.split('\n')) {
      heard.add(word.trim());
      waiting.get(word.trim())?.();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the sending process exited (${code}):\n${output}`))));
  exited.catch(() => undefined);
  const said = (word: string) => (heard.has(word) ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => waiting.set(word, resolve)), exited]));
  await said('ready');
  return { child, said };
}

/**
 * A letter whose response time, counted from its delivery, ends just before a UTC midnight if the
 * count starts within HAND_OFF_WITHIN of `from`, and on the next day if it starts any later: a copy
 * counted anew after the crash would then state another day.
 */
function letterDueAcrossMidnight(campaignId: string, from: number): { message: OutgoingMessage; midnight: number } {
  const midnight = Math.ceil((from + 30 * DAY + HAND_OFF_WITHIN) / DAY) * DAY;
  const dueAfterSeconds = Math.floor((midnight - HAND_OFF_WITHIN - from) / 1000);
  const campaign = testCampaign(campaignId);
  const vendor = testVendor('zoom');
  return {
    midnight,
    message: {
      threadId: engagementWorkflowId(campaign.id, vendor.id),
      step: 'letter',
      kind: 'open-letter',
      language: 'en',
      to: vendor.contacts,
      campaign,
      vendor,
      // The provisional date the workflow counted when it scheduled the send, long past.
      details: { dueDate: '2020-08-21T09:00:00.000Z', dueAfter: `${dueAfterSeconds}s` },
    },
  };
}

describe.each(HOMES)('a letter taken over from a worker that died after the relay accepted it, on $name', (home) => {
  it('states in its second copy the due date of the first, and reports that date to the case', { timeout: 90_000 }, async () => {
    const settings = await home.settings();
    const worker = await dyingWorker(settings);
    const startedAt = Date.now();
    const { message, midnight } = letterDueAcrossMidnight(`take-over-${home.name.includes('Postgre') ? 'pg' : 'local'}`, startedAt);
    worker.child.stdin!.write(`${JSON.stringify(message)}\n`);
    await worker.said('accepted');
    const acceptedAt = Date.now();
    worker.child.kill('SIGKILL');
    await new Promise((r) => worker.child.once('exit', r));
    // Otherwise the first copy's date was counted too late to tell the two apart: say so, not pass.
    expect(acceptedAt - startedAt, 'the dying worker handed the letter off in time').toBeLessThan(HAND_OFF_WITHIN);
    // Temporal retries the send a moment later, once the count would fall after midnight.
    await sleep(startedAt + HAND_OFF_WITHIN + 1_000 - Date.now());

    const store = openStore(settings);
    const transport = createSmtpTransport(sink.url);
    try {
      const activities = createEmailActivities({ transport, mailFrom: 'Dossier <dossier@regulator.test>', ledger: store.ledger, files: store.files });
      const sent = await activities.sendMessage(message);
      expect(sent.resentAfterCrash).toBe(true);
      await sleep(300);
      const copies = await Promise.all(sink.messages.filter((m) => m.messageId === sent.messageId).map((m) => simpleParser(m.raw)));
      expect(copies).toHaveLength(2);
      const [first, second] = copies.map((c) => /respond by (.+?), by replying/.exec(c.text ?? '')?.[1]);
      expect(second, 'the day the second copy states').toBe(first);
      // The retry reports the date the first copy stated, counted before that copy reached the relay.
      expect(formatDate(sent.dueDate!, 'en')).toBe(first);
      expect(Date.parse(sent.dueDate!)).toBeLessThan(midnight);
      expect(Date.parse(sent.dueDate!)).toBeGreaterThanOrEqual(startedAt + Math.floor((midnight - HAND_OFF_WITHIN - startedAt) / 1000) * 1000);
      expect((await store.ledger.find(sent.messageId))?.dueDate).toBe(sent.dueDate);
    } finally {
      transport.close();
      await store.close();
      sink.clear();
    }
  });
});
