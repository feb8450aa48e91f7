// Records the two campaign histories of a letter the published files could not keep within
// policy.letterKeptWithin (patch letter-waits-for-store), replayed in CI beside the demo's: 40 vendors
// of a 66 KB letter their engagements cannot carry (the campaign waits; one vendor withdrawn before
// the wait began and one during it never start; then the store comes back), and 6 vendors of a
// 100-word letter (the engagements carry it; the one withdrawn early never starts). The
// worker's store refuses the letter until told otherwise; payloads are left unencrypted, as in
// record-histories.ts, so the replay needs no key.
//   node --import tsx scripts/record-letter-store-histories.ts
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSmtpTransport } from '../activities/email';
import { CampaignClient } from '../client/campaign-api';
import { startDevServer } from '../infra/dev-server';
import { MailSink } from '../infra/mail-sink';
import { patientPolicy, testCampaign, testVendor } from '../test/helpers/fixtures';
import type { CampaignInput } from '../workflows/types';
import { PROJECT_ROOT } from '../paths';

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-record-store-'));
  const server = await startDevServer({ uiPort: false });
  const sink = await new MailSink().start();
  const taskQueue = 'dossier-record-store';
  const store = { up: false };
  const transport = createSmtpTransport(sink.url);
  const activities = createActivities({ smtpUrl: sink.url, mailFrom: 'Dossier <dossier@regulator.example>', outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), transport });
  const { code } = await bundleWorkflowCode({ workflowsPath: join(PROJECT_ROOT, 'workflows', 'index.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
  const nc = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: nc, namespace: server.namespace, taskQueue, workflowBundle: { code },
    activities: { ...activities, async storeLetter(r: Parameters<typeof activities.storeLetter>[0]) { if (!store.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); return activities.storeLetter(r); } },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const campaigns = new CampaignClient(client, { taskQueue, address: server.address });
  const para = (n: number, w: string, words: number) => `${n}. ${`${w} `.repeat(words)}`;
  const run = async (name: string, vendorCount: number, paragraphs: number, words: number) => {
    const id = `record-${name}`;
    store.up = false;
    const vendors = Array.from({ length: vendorCount }, (_, i) => testVendor(`v${i}`));
    const input: CampaignInput = {
      campaign: { ...testCampaign(id), letterBody: { en: Array.from({ length: paragraphs }, (_, i) => para(i + 1, 'expectations', words)), fr: Array.from({ length: paragraphs }, (_, i) => para(i + 1, 'attentes', words)) } },
      vendors, policy: { ...patientPolicy(), letterKeptWithin: '5s' }, approval: { kind: 'all' }, publication: { folder: id, notifyVendors: false },
    };
    await campaigns.start(input);
    const withdraw = (vendorId: string) => campaigns.withdrawVendor(id, { by: 'Officer Tremblay', vendorId, reason: 'Out of scope after all.' });
    for (;;) { const s = await campaigns.status(id).catch(() => undefined); if (s?.engagements.length === vendorCount) break; await new Promise((r) => setTimeout(r, 100)); }
    await withdraw('v1');
    for (;;) { const s = await campaigns.status(id); if (s.letterNotKept || s.engagements.some((e) => e.state === 'in-progress' && e.vendorId !== 'v1' && s.phase !== 'engaging')) break; if (!s.letterNotKept && (await client.workflow.getHandle(`campaign:${id}`).fetchHistory()).events?.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)) break; await new Promise((r) => setTimeout(r, 250)); }
    if ((await campaigns.status(id)).letterNotKept) await withdraw('v2');
    await new Promise((r) => setTimeout(r, 2_000));
    store.up = true;
    for (;;) { const s = await campaigns.status(id); if (s.engagements.filter((e) => e.state === 'ended').length >= 1 && !s.letterNotKept) break; await new Promise((r) => setTimeout(r, 250)); }
    const withdrawn = (await campaigns.status(id)).engagements.filter((e) => e.withdrawal).length;
    await sink.waitFor(vendorCount - withdrawn, (m) => (m.messageId ?? '').startsWith('<letter.') && (m.messageId ?? '').includes(id), 120_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const handle = client.workflow.getHandle(`campaign:${id}`);
    await handle.terminate('recorded');
    const history = await handle.fetchHistory();
    const file = join(PROJECT_ROOT, 'test', 'replay', 'histories', `campaign-${name}-${new Date().toISOString().slice(0, 10)}.json`);
    writeFileSync(file, historyToJSON(history));
    console.log(name, history.events?.length, 'events ->', file);
  };
  try {
    // 40 vendors of a 2 × 1,500-word letter: too large for each engagement to carry, so it waits.
    await run('letter-waits-for-store', 40, 2, 1_500);
    // 6 vendors of a 100-word letter: it fits, so the engagements carry it.
    await run('letter-carried', 6, 1, 100);
  } finally {
    worker.shutdown(); await running; transport.close(); await nc.close(); await connection.close(); await sink.stop(); await server.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
