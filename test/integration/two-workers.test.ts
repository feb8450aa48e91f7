// Two worker processes, as on two hosts: separate local folders, one Temporal server, one PostgreSQL
// (DATABASE_URL). A campaign runs across them while one is SIGKILLed again and again. Every
// engagement must end, the statement rendered by one must be attached and readable by the other
// and by the CLI, and a message may reach the sink twice only where the shared ledger says the
// send was taken over from a worker that died inside it (resentAfterCrash).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { loadEncryption } from '../../encryption/config';
import { campaignKeyId } from '../../encryption/keystore';
import { createDatabase } from '../../infra/postgres';
import { openStore, type StoreSettings } from '../../store';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { runDossier } from '../helpers/cli';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const VENDORS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];

describe('two workers sharing PostgreSQL', () => {
  const env = useDossier({ keepMail: true });

  it('runs a campaign across two worker processes, one SIGKILLed three times, with shared ledger, keys and files, then shreds its key for both', { timeout: 240_000 }, async () => {
    const databaseUrl = await createDatabase(inject('postgresUrl'));
    const taskQueue = `${env.taskQueue}-pair`;
    const hostEnv = (host: string): NodeJS.ProcessEnv => {
      const folder = join(env.scratch, host);
      mkdirSync(folder, { recursive: true });
      return {
        ...env.childEnv,
        DATABASE_URL: databaseUrl,
        SMTP_URL: env.sink.url,
        DOSSIER_TASK_QUEUE: taskQueue,
        DOSSIER_OUTPUT_DIR: join(folder, 'out'),
        DOSSIER_STATE_DIR: join(folder, 'state'),
        DOSSIER_KEYSTORE_DIR: join(folder, 'keys'),
        DOSSIER_SHUTDOWN_GRACE_SECONDS: '2',
        // A send claimed by a killed worker is taken over once its lease runs out unrenewed.
        DOSSIER_LEDGER_LEASE_SECONDS: '3',
      };
    };
    const envA = hostEnv('host-a');
    const envB = hostEnv('host-b');
    const storeOf = (e: NodeJS.ProcessEnv): StoreSettings => ({
      databaseUrl,
      outputDir: e.DOSSIER_OUTPUT_DIR!,
      stateDir: e.DOSSIER_STATE_DIR!,
      keysDir: e.DOSSIER_KEYSTORE_DIR!,
    });
    // The officer's client encrypts with the keys in PostgreSQL too, as the CLI on a third host would.
    const encryption = loadEncryption(envA);
    const client = new Client({ connection: env.client.connection, namespace: env.client.options.namespace, dataConverter: encryption.dataConverter });
    const campaigns = new CampaignClient(client, { taskQueue, address: 'test' });

    // B starts alone, so the campaign's first tasks are its own: a worker keeps the workflows it ran
    // (sticky cache) and the activities they schedule (eager dispatch), so the work moves to A only
    // when B dies, and each kill interrupts work in flight.
    let workerB: WorkerProcess = await startWorkerProcess(envB);
    let workerA: WorkerProcess | undefined;
    const pidsB = [workerB.pid];
    const id = env.uniqueId('pair');
    try {
      await campaigns.start({
        campaign: testCampaign(id),
        vendors: VENDORS.map((v) => testVendor(v)),
        policy: fastPolicy({ responseDue: '4s', reminderCadence: ['2s', '4s'], finalNoticeAfter: '6s', closeAfter: '2s', approvalReminderEvery: '5s' }),
        approval: { kind: 'all' },
        publication: { folder: id, notifyVendors: true },
      });
      await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(id));
      // The statement is drafted once the lead's own texts are written (every vendor here ends unanswered).
      await campaigns.setConclusions(id, {
        by: 'Officer Tremblay',
        conclusions: { en: ['No company answered.'], fr: ['Aucune entreprise n’a répondu.'] },
        lessonsLearned: { en: ['Send reminders early.'], fr: ['Envoyer les rappels tôt.'] },
      });
      workerA = await startWorkerProcess(envA);
      for (let kill = 0; kill < 3; kill++) {
        await new Promise((r) => setTimeout(r, 1_500 + Math.random() * 2_500));
        await workerB.kill();
        workerB = await startWorkerProcess(envB);
        pidsB.push(workerB.pid);
      }

      const until = async (ok: (s: Awaited<ReturnType<typeof campaigns.status>>) => boolean, what: string) => {
        const deadline = Date.now() + 150_000;
        for (;;) {
          const status = await campaigns.status(id);
          if (ok(status)) return status;
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(status)}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      };
      const drafted = await until((s) => s.phase === 'approving' && s.draft !== undefined, 'the draft once every engagement ended');
      for (const authority of testCampaign(id).authorities) {
        await campaigns.approve(id, { by: authority.contact.name, authorityId: authority.id, version: drafted.draft!.version });
      }
      const result = await campaigns.result(id);

      // Every engagement completed, and both workers ran the campaign's activities (A only once B had died).
      expect(result.engagements.map((e) => [e.vendorId, e.outcome?.stage]).sort()).toEqual(VENDORS.map((v) => [v, 'closed-no-response']));
      const identities = new Set<string>();
      for (const workflowId of [campaigns.handle(id).workflowId, ...result.engagements.map((e) => e.workflowId)]) {
        for (const event of (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []) {
          const identity = event.activityTaskStartedEventAttributes?.identity;
          if (identity) identities.add(identity.split('@')[0]);
        }
      }
      expect(identities.has(String(workerA.pid)), `worker A (${workerA.pid}) ran activities: ${[...identities]}\n${workerA.output()}`).toBe(true);
      expect(pidsB.some((pid) => identities.has(String(pid))), `a worker B (${pidsB}) ran activities: ${[...identities]}\n${workerB.output()}`).toBe(true);

      // The statement is in the shared store, not in either host's folder, and both read it.
      const files = result.published!.files;
      const [storeA, storeB] = [openStore(storeOf(envA)), openStore(storeOf(envB))];
      try {
        for (const path of [files.en, files.fr]) {
          const [a, b] = [await storeA.files.read(path), await storeB.files.read(path)];
          expect(a?.subarray(0, 5).toString(), path).toBe('%PDF-');
          expect(b).toEqual(a);
          expect(existsSync(join(envA.DOSSIER_OUTPUT_DIR!, path)) || existsSync(join(envB.DOSSIER_OUTPUT_DIR!, path))).toBe(false);
        }
        // The notices carry the statement whichever worker rendered it and whichever sent them.
        const notices = env.sink.messages.filter((m) => (m.messageId ?? '').includes(`.campaign.${id}@`) && m.raw.includes('statement-1.en.pdf'));
        expect(notices.length).toBeGreaterThan(0);

        // A duplicate at the sink only where the shared ledger flags the send as taken over after a crash.
        const ids = env.sink.messages.map((m) => m.messageId ?? '').filter((m) => m.includes(id));
        const counts = new Map<string, number>();
        for (const messageId of ids) counts.set(messageId, (counts.get(messageId) ?? 0) + 1);
        for (const [messageId, count] of counts) {
          if (count === 1) continue;
          expect(count, `${messageId} arrived ${count} times`).toBe(2);
          expect((await storeA.ledger.find(messageId))?.resentAfterCrash, `${messageId} arrived twice`).toBe(true);
        }
        // Every accepted message is in the shared ledger, whichever worker sent it.
        for (const messageId of counts.keys()) expect(await storeB.ledger.find(messageId), messageId).toBeDefined();
      } finally {
        await storeA.close();
        await storeB.close();
      }

      // The officer's CLI reads the published statement through the store, from a host without the file.
      const saved = join(env.scratch, 'downloaded.fr.pdf');
      const download = await runDossier(envB, 'Officer Tremblay', ['statement', 'download', id, '--language', 'fr', '--output', saved, '--json']);
      expect(download.stderr).toBe('');
      expect(JSON.parse(download.stdout)).toMatchObject({ path: files.fr, file: saved });
      expect(readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');

      // Shredding from that host deletes the key's row for every host, then vacuums the key table.
      const shred = await runDossier(envB, 'Officer Tremblay', ['campaign', 'shred', id, '--confirm', id, '--json']);
      expect(JSON.parse(shred.stdout)).toMatchObject({ campaignId: id, destroyed: true, purged: expect.stringMatching(/VACUUM FULL/) });
      const after = openStore(storeOf(envA));
      try {
        expect(await after.keys.get(campaignKeyId(id))).toBeUndefined();
      } finally {
        await after.close();
      }
      const input = (await campaigns.handle(id).fetchHistory()).events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
      await expect(loadEncryption(envA).codec.decode(input)).rejects.toThrow(/does not exist/);
    } finally {
      await Promise.all([workerA?.stop(), workerB.stop()]);
    }
  });
});
