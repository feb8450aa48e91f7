// Profile of the board's visibility list (issue 18; numbers in BENCHMARKS.md section 5). `seed` opens a
// 1,000-vendor campaign (N) in a SQLite file kept in PROFILE_DIR (default /tmp/dossier-board-profile); `measure` restarts
// the server on that file and times each part of the list; `web` serves the board over it and walks its pages.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { loadEncryption } from '../encryption/config';
import { generateMasterKeySpec } from '../encryption/keystore';
import { startDevServer } from '../infra/dev-server';
import { MailSink } from '../infra/mail-sink';
import { quietLogger } from '../infra/quiet-logger';
import { CampaignClient } from '../client/campaign-api';
import { DossierClient } from '../client/api';
import { patientPolicy, testCampaign, testVendor } from '../test/helpers/fixtures';
import { startBenchWorker } from './lib/worker-process';
import { cpuSeconds } from './lib/setup';

const dir = process.env.PROFILE_DIR ?? '/tmp/dossier-board-profile';
const N = Number(process.env.N ?? 1000);
mkdirSync(dir, { recursive: true });
const specFile = join(dir, 'master-keys');
if (!existsSync(specFile)) writeFileSync(specFile, generateMasterKeySpec('prof1'));
const keysEnv = { DOSSIER_MASTER_KEYS: readFileSync(specFile, 'utf8'), DOSSIER_KEYSTORE_DIR: join(dir, 'keys') };
const campaignId = 'prof-board';

async function main(mode: string) {
  const server = await startDevServer({ dbFilename: join(dir, 'temporal.sqlite'), uiPort: false, port: 17233, logFile: join(dir, 'server.log') });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter: loadEncryption(keysEnv).dataConverter });
  try {
    if (mode === 'seed') await seed(client, server.address, server.namespace);
    else if (mode === 'web') await web(client, server.address, server.namespace);
    else await measure(client, server.process.pid!);
  } finally {
    await connection.close();
    await server.stop();
  }
}

async function seed(client: Client, address: string, namespace: string) {
  const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'workflows', 'index.ts'), logger: quietLogger });
  const bundlePath = join(dir, 'bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const sink = await new MailSink().start();
  const taskQueue = 'prof';
  const worker = await startBenchWorker(
    { address, namespace, taskQueue, bundlePath, smtpUrl: sink.url, mailFrom: 'P <p@example.org>', outputDir: join(dir, 'out'), stateDir: join(dir, 'state'), encrypted: true },
    { env: keysEnv },
  );
  const campaigns = new CampaignClient(client, { taskQueue, address });
  const vendors = Array.from({ length: N }, (_, i) => testVendor(`vendor-${String(i).padStart(4, '0')}`));
  await campaigns.start({
    campaign: testCampaign(campaignId),
    vendors,
    policy: patientPolicy({ responseDue: '30 days', reminderCadence: ['14 days'], finalNoticeAfter: '21 days', closeAfter: '14 days', followUpDue: '30 days', approvalReminderEvery: '7 days' }),
    approval: { kind: 'all' },
    publication: { folder: campaignId, notifyVendors: false },
  });
  const started = Date.now();
  for (;;) {
    const n = (await client.workflow.count(`WorkflowType = 'engagement' AND DossierCampaign = '${campaignId}' AND DossierStage = 'awaiting-response'`)).count;
    console.log(`${Math.round((Date.now() - started) / 1000)} s: ${n}`);
    if (n >= N) break;
    await new Promise((r) => setTimeout(r, 5000));
  }
  await worker.stop();
  await sink.stop();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(client: Client, serverPid: number) {
  const query = `WorkflowType = 'engagement' AND (DossierCampaign = '${campaignId}')`;
  const svc = client.workflowService;
  const ns = client.options.namespace;
  const runs = Number(process.env.RUNS ?? 7);
  const codec = client.options.loadedDataConverter.payloadCodecs[0]!;
  const converter = client.options.loadedDataConverter.payloadConverter;
  const dossier = new DossierClient(client, { taskQueue: 'prof', address: '' });

  const rpc = async (pageSize: number) => {
    let token: Uint8Array | undefined;
    const pages: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse[] = [];
    do {
      const page = await svc.listWorkflowExecutions({ namespace: ns, query, pageSize, nextPageToken: token });
      pages.push(page as temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse);
      token = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (token);
    return pages;
  };
  for (let i = 0; i < 2; i++) await rpc(0);
  for (const pageSize of [0, 100, 250, 500, 1000]) {
    const wall: number[] = [];
    const own: number[] = [];
    const srv: number[] = [];
    let pages = 0;
    let rows = 0;
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const s0 = cpuSeconds(serverPid);
      const t0 = performance.now();
      const got = await rpc(pageSize);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      own.push((c.user + c.system) / 1000);
      srv.push((cpuSeconds(serverPid) - s0) * 1000);
      pages = got.length;
      rows = got.reduce((n, p) => n + (p.executions?.length ?? 0), 0);
      bytes = got.reduce((n, p) => n + temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse.encode(p).finish().length, 0);
    }
    console.log(`rpc pageSize=${pageSize}: ${pages} pages ${rows} rows ${Math.round(bytes / 1024)} KiB; wall p50 ${median(wall).toFixed(1)} ms, client CPU ${median(own).toFixed(1)} ms, server CPU ${median(srv).toFixed(0)} ms`);
  }
  // Concurrent slices by first letter? Rows per query matter: time 1 page of 100 alone.
  {
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await svc.listWorkflowExecutions({ namespace: ns, query, pageSize: 100 });
      wall.push(performance.now() - t0);
    }
    console.log(`first page of 100 alone: p50 ${median(wall).toFixed(1)} ms`);
  }
  {
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await svc.countWorkflowExecutions({ namespace: ns, query });
      wall.push(performance.now() - t0);
    }
    console.log(`count: p50 ${median(wall).toFixed(1)} ms`);
  }
  const [page] = await rpc(0);
  const bytes = temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse.encode(page!).finish();
  const executions = page!.executions;
  const time = (label: string, fn: () => unknown) => {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fn();
      xs.push(performance.now() - t0);
    }
    console.log(`${label}: p50 ${median(xs).toFixed(1)} ms`);
  };
  const timeAsync = async (label: string, fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      xs.push(performance.now() - t0);
    }
    console.log(`${label}: p50 ${median(xs).toFixed(1)} ms`);
  };
  time(`protobuf decode of ${executions.length} rows (${Math.round(bytes.length / 1024)} KiB)`, () => temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse.decode(bytes));
  const memoPayloads = executions.flatMap((e) => Object.values(e.memo?.fields ?? {})) as Payload[];
  const memoBytes = memoPayloads.reduce((n, p) => n + (p.data?.length ?? 0), 0);
  await timeAsync(`codec decode of ${memoPayloads.length} memos (${Math.round(memoBytes / 1024)} KiB)`, () => codec.decode(memoPayloads));
  const plain = await codec.decode(memoPayloads);
  time(`payload converter of ${plain.length} memos`, () => plain.map((p) => converter.fromPayload(p)));
  time(`search attributes of ${executions.length} rows`, () => executions.map((e) => decodeTypedSearchAttributes(e.searchAttributes?.indexedFields)));
  const saBytes = executions.reduce((n, e) => n + temporal.api.common.v1.SearchAttributes.encode(e.searchAttributes!).finish().length, 0);
  console.log(`search attribute bytes ${Math.round(saBytes / 1024)} KiB; memo field names ${JSON.stringify(Object.keys(executions[0]!.memo?.fields ?? {}))}; sample memo ${JSON.stringify(converter.fromPayload(plain[0]!))}`);
  console.log(`one execution info: ${temporal.api.workflow.v1.WorkflowExecutionInfo.encode(executions[0]!).finish().length} bytes; fields ${Object.keys(executions[0]!).join(',')}`);
  await timeAsync('DossierClient.findEngagements (the board list)', () => dossier.findEngagements({ campaign: campaignId, limit: 100_000 }));
  await timeAsync('DossierClient.findEngagements with a stage clause (the same 1,000 rows)', () =>
    dossier.findEngagements({ campaign: campaignId, stage: 'awaiting-response', limit: 100_000 }),
  );
}

async function web(client: Client, address: string, namespace: string) {
  const { startWebServer } = await import('../web/server');
  const { CookieSealer, newSessionId } = await import('../web/session');
  const { freePort } = await import('../infra/ports');
  const worker = await startBenchWorker(
    { address, namespace, taskQueue: 'prof', bundlePath: join(dir, 'bundle.js'), smtpUrl: 'smtp://127.0.0.1:9', mailFrom: 'P <p@example.org>', outputDir: join(dir, 'out'), stateDir: join(dir, 'state'), encrypted: true },
    { env: keysEnv },
  );
  const secret = 'bench-session-secret-of-at-least-32-characters';
  const port = await freePort();
  const server = await startWebServer({
    config: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}`, issuer: 'http://127.0.0.1:9/unused', clientId: 'b', clientSecret: 'b', rolesClaim: 'dossier_roles', sessionSecret: secret, sessionHours: 1 },
    client: async () => client,
    taskQueue: 'prof',
    address,
  });
  const cookie = `dossier_session=${new CookieSealer(secret).seal({ id: newSessionId(), user: { subject: 'b', name: 'B', roles: ['officer'] }, language: 'en', csrf: 'b', expiresAt: Date.now() + 3_600_000 })}`;
  const get = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { cookie } });
    const body = await res.text();
    return { ms: performance.now() - t0, status: res.status, body, timing: res.headers.get('server-timing') };
  };
  try {
    const board = `/campaigns/${campaignId}`;
    for (const path of process.env.SKIP ? [] : [board, `${board}?sort=deadline`, `${board}?stage=awaiting-response`]) {
      const xs: number[] = [];
      let last;
      for (let i = 0; i < Number(process.env.RUNS ?? 7) + 2; i++) {
        last = await get(path);
        if (i >= 2) xs.push(last.ms);
      }
      console.log(`${path}: ${last!.status} p50 ${median(xs).toFixed(1)} ms, ${Math.round(last!.body.length / 1024)} KiB, rows ${(last!.body.match(/<tr data-vendor/g) ?? []).length}; ${last!.timing}; caption ${/<caption>(.*?)<\/caption>/.exec(last!.body)?.[1]}`);
    }
    // Walk every page: every vendor exactly once.
    const seen = new Set<string>();
    let path: string | undefined = board;
    let pages = 0;
    while (path) {
      const r = await get(path);
      pages++;
      for (const m of r.body.matchAll(/<tr data-vendor="([^"]+)"/g)) {
        if (seen.has(m[1]!)) throw new Error(`${m[1]} twice`);
        seen.add(m[1]!);
      }
      const next = /href="([^"]+)" id="next-page"/.exec(r.body)?.[1];
      console.log(pages, r.status, next, [...r.body.matchAll(/<tr data-vendor="([^"]+)"/g)].slice(0, 3).map((m) => m[1]), /<caption>(.*?)<\/caption>/.exec(r.body)?.[1], r.timing);
      path = next ? `${board}${next.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=')}` : undefined;
    }
    console.log(`walked ${pages} pages, ${seen.size} distinct vendors`);
  } finally {
    await server.stop();
    await worker.stop();
  }
}

main(process.argv[2] ?? 'measure').then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
