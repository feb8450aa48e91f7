// Records the histories replayed in CI (test/replay/): runs the demo campaign (five engagements,
// one closed for no response, follow-ups, demonstrations, approvals, publication) on a private dev
// server and saves every workflow's history as JSON. Payloads are left unencrypted on purpose, so
// the replay needs no key; the contacts in the demo file are fictitious.
//   npm run record-histories   (after a change of workflow code that is meant to be incompatible)
//   npm run record-histories -- --as 2026-11-29   (keeps the earlier files: each name gets the label,
//                                                  so the demo as this code plays it replays beside them)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { playDemoCampaign } from './demo';
import { startDevServer } from '../infra/dev-server';
import { MailSink } from '../infra/mail-sink';
import { PROJECT_ROOT } from '../paths';
import { createDossierWorker } from '../worker/worker';

const OUT = join(PROJECT_ROOT, 'test', 'replay', 'histories');

/** `--as <label>`: a label for the files' names, or undefined to write over the demo's histories. */
function labelFrom(argv: string[]): string | undefined {
  if (!argv.length) return undefined;
  const [flag, label] = argv;
  if (flag !== '--as' || !label || !/^[A-Za-z0-9._-]+$/.test(label) || argv.length > 2) {
    throw new Error(`usage: npm run record-histories [-- --as <label>] (a label of letters, digits, '.', '_' or '-'; got ${argv.join(' ')})`);
  }
  return label;
}

async function main(): Promise<void> {
  const label = labelFrom(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-record-'));
  const server = await startDevServer({ uiPort: false });
  const sink = await new MailSink().start();
  const taskQueue = 'dossier-record';
  const worker = await createDossierWorker({
    temporal: { connectionOptions: { address: server.address }, namespace: server.namespace },
    taskQueue,
    smtpUrl: sink.url,
    mailFrom: 'Dossier <dossier@regulator.example>',
    outputDir: join(scratch, 'out'),
    stateDir: join(scratch, 'state'),
    shutdownGraceMs: 5_000,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: server.namespace });
    const { input } = await playDemoCampaign({ client, taskQueue, address: server.address, sink, say: (l) => console.log(l) });
    mkdirSync(OUT, { recursive: true });
    for await (const execution of client.workflow.list({ query: `WorkflowId STARTS_WITH "campaign:${input.campaign.id}" OR WorkflowId STARTS_WITH "engagement:${input.campaign.id}"` })) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const subject = execution.workflowId.split(':').pop()!.replace(input.campaign.id, 'campaign');
      const name = `${execution.type}-${subject}${label ? `-${label}` : ''}.json`;
      writeFileSync(join(OUT, name), historyToJSON(history) + '\n');
      console.log(`saved ${name} (${history.events?.length} events)`);
    }
  } finally {
    worker.worker.shutdown();
    await running;
    await connection.close();
    await sink.stop();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
