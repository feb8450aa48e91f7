// Part 5: the web workspace under a large campaign: N engagements (1,000 by default) of one campaign
// run on a bench worker; the workspace serves the campaign's board and one engagement page over HTTP
// to a signed-in officer (a sealed session cookie, as after sign-in). The board shows a page of 100
// rows (one visibility page, plus a count); a board sorted by a column reads every row, then shows a
// page: both are timed, and the first page's visibility list against the whole list. The campaign workflow starts
// all of them, a hundred per workflow task (one task starting 1,000 children overran the 5-second
// workflow task timeout). Measured side by side in one run:
// the board (one visibility list plus the campaign's board query: its phase and vendors' names) against reading the same
// engagements with one status query each (what the board avoids), and the engagement page against
// its one status query alone.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CampaignClient } from '../../client/campaign-api';
import { DossierClient, engagementQuery } from '../../client/api';
import { listWorkflows } from '../../activities/visibility';
import type { CampaignInput } from '../../workflows/types';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { patientPolicy, testCampaign, testVendor } from '../../test/helpers/fixtures';
import { freePort } from '../../infra/ports';
import { CookieSealer, newSessionId } from '../../web/session';
import { startWebServer } from '../../web/server';
import type { Bench } from '../lib/setup';
import { mapLimit, round, sleep, spread, type Spread } from '../lib/stats';

export interface WebOptions {
  vendors: number;
  /** Timed requests per page, after warm-up. */
  runs: number;
}

export interface WebReport {
  settings: WebOptions;
  /** Seconds from the campaign's start until every engagement had sent its letter and was visible as awaiting a response. */
  openSeconds: number;
  /** The board's first page (100 rows, visibility order): what an officer opening the board gets. */
  boardMs: Spread;
  boardBytes: number;
  /** Its next page, through the link the first page gives. */
  boardNextPageMs: Spread;
  /** The board sorted by next deadline: every matching row read, sorted, a page shown. */
  boardSortedMs: Spread;
  /** One visibility page of 100 rows, as the paged board reads it. */
  boardPageListMs: Spread;
  /** The sorted board's parts (Server-Timing). */
  boardSortedServerTiming: Record<string, Spread>;
  /** The same engagements read with one status query each (50 at a time), for comparison; 2 runs. */
  perEngagementQueriesMs: Spread;
  engagementPageMs: Spread;
  /** The engagement page's one status query alone: the page's own cost is the difference. */
  engagementQueryMs: Spread;
  /** The board's parts alone: its visibility list (memos decoded a page at a time, as the board does) … */
  boardListMs: Spread;
  /** … the same list with each memo decoded on its own (one read of the campaign's key per memo) … */
  boardListOneByOneMs: Spread;
  /** … and the campaign's status query. Page time minus the slower of list and status is rendering and HTTP. */
  boardStatusMs: Spread;
  /** … and the campaign's board query, which the board reads instead of the status (phase and names). */
  boardQueryMs: Spread;
  /** Status and list side by side, as the page reads them, against one after the other. */
  boardReadsTogetherMs: Spread;
  boardReadsOneAfterOtherMs: Spread;
  /** The board page's Server-Timing parts (the campaign's board query and the list side by side, then rows, then render). */
  boardServerTiming: Record<string, Spread>;
  /** Board time over the per-engagement reading's, medians (lower is better). */
  boardRatio: number;
}

const SESSION_SECRET = 'bench-session-secret-of-at-least-32-characters';

export async function measureWeb(bench: Bench, options: WebOptions, log: (line: string) => void): Promise<WebReport> {
  const taskQueue = `bench-web-${randomUUID().slice(0, 8)}`;
  const worker = await bench.startWorker({ taskQueue, encrypted: true });
  const clientOptions = { taskQueue, address: bench.server.address };
  const campaigns = new CampaignClient(bench.encryptedClient, clientOptions);
  const dossier = new DossierClient(bench.encryptedClient, clientOptions);
  const campaignId = `bench-web-${randomUUID().slice(0, 8)}`;
  const vendors = Array.from({ length: options.vendors }, (_, i) => testVendor(`vendor-${String(i).padStart(4, '0')}`));
  const input: CampaignInput = {
    campaign: testCampaign(campaignId),
    vendors,
    policy: patientPolicy({ responseDue: '30 days', reminderCadence: ['14 days'], finalNoticeAfter: '21 days', closeAfter: '14 days', followUpDue: '30 days', approvalReminderEvery: '7 days' }),
    approval: { kind: 'all' },
    publication: { folder: campaignId, notifyVendors: false },
  };
  const port = await freePort();
  const web = await startWebServer({
    config: {
      host: '127.0.0.1',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      // Never contacted: the bench arrives signed in.
      issuer: 'http://127.0.0.1:9/unused',
      clientId: 'bench',
      clientSecret: 'bench',
      rolesClaim: 'dossier_roles',
      sessionSecret: SESSION_SECRET,
      sessionHours: 1,
    },
    client: async () => bench.encryptedClient,
    taskQueue,
    address: bench.server.address,
    // The page reads the case's documents with the worker's keys and folders: without them it looked
    // for the project's own master key and store, which a fresh clone does not have.
    env: {
      ...process.env,
      ...bench.keysEnv,
      DOSSIER_DATA_DIR: join(bench.scratch, taskQueue),
      DOSSIER_OUTPUT_DIR: join(bench.scratch, taskQueue, 'out'),
      DOSSIER_STATE_DIR: join(bench.scratch, taskQueue, 'state'),
    },
  });
  const cookie = `dossier_session=${new CookieSealer(SESSION_SECRET).seal({
    // A session without an id cannot be signed out, so the workspace no longer takes it (sign-out revocation).
    id: newSessionId(),
    user: { subject: 'bench', name: 'Bench Officer', roles: ['officer'] },
    language: 'en',
    csrf: 'bench',
    expiresAt: Date.now() + 3_600_000,
  })}`;
  const get = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { cookie } });
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
    // `list;dur=12.3, render;dur=4.5`: the page's own account of where its time went.
    const parts = Object.fromEntries(
      (response.headers.get('server-timing') ?? '').split(',').flatMap((p) => {
        const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(p);
        return m ? [[m[1], Number(m[2])]] : [];
      }),
    ) as Record<string, number>;
    // Handlebars escapes `=` in attributes; a browser reads the link as this.
    const next = /href="([^"]+)" id="next-page"/.exec(body)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    return { ms, bytes: Buffer.byteLength(body), parts, next };
  };
  const time = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  try {
    const opening = performance.now();
    await campaigns.start(input);
    for (;;) {
      const waiting = await bench.encryptedClient.workflow.count(
        `WorkflowType = 'engagement' AND DossierCampaign = '${campaignId}' AND DossierStage = 'awaiting-response'`,
      );
      if (waiting.count >= options.vendors) break;
      // Each engagement renders and mails its letter: 1,000 of them took 6-10 minutes on a loaded machine.
      if (performance.now() - opening > 1_500_000) throw new Error(`only ${waiting.count} of ${options.vendors} engagements opened in 25 minutes`);
      await sleep(1_000);
    }
    const openSeconds = round((performance.now() - opening) / 1000);
    log(`[web] ${options.vendors} engagements open in ${openSeconds} s`);

    const board = `/campaigns/${campaignId}`;
    const ref = { campaignId, vendorId: vendors[Math.floor(options.vendors / 2)].id };
    const engagement = `/campaigns/${campaignId}/engagements/${ref.vendorId}`;
    for (let i = 0; i < 3; i++) {
      await get(board);
      await get(engagement);
    }
    const first = await get(board);
    if (!first.next) throw new Error('the board of a large campaign gave no next page');
    const nextPage = `${board}${first.next}`;
    const sortedBoard = `${board}?sort=deadline`;
    for (let i = 0; i < 3; i++) await get(sortedBoard);
    const boardSamples: number[] = [];
    const nextPageSamples: number[] = [];
    const sortedSamples: number[] = [];
    const sortedParts: Record<string, number[]> = {};
    const pageListSamples: number[] = [];
    const perEngagementSamples: number[] = [];
    const pageSamples: number[] = [];
    const querySamples: number[] = [];
    const listSamples: number[] = [];
    const listOneByOneSamples: number[] = [];
    const statusSamples: number[] = [];
    const boardQuerySamples: number[] = [];
    const serverParts: Record<string, number[]> = {};
    const togetherSamples: number[] = [];
    const oneAfterOtherSamples: number[] = [];
    const boardQuery = `WorkflowType = 'engagement' AND (${engagementQuery({ campaign: campaignId, now: new Date() })})`;
    const drain = async (batchMemos: boolean) => {
      // Since revision 3 an engagement lists its board data as search attributes, not in its memo: every row counts.
      let n = 0;
      for await (const listed of listWorkflows(bench.encryptedClient, boardQuery, { batchMemos })) if (listed.workflowId) n++;
      if (n < options.vendors) throw new Error(`the board's list read ${n} rows of ${options.vendors}`);
    };
    let boardBytes = 0;
    // Interleaved, so a slow moment on the shared machine falls on both sides of each comparison.
    for (let i = 0; i < options.runs; i++) {
      const b = await get(board);
      boardSamples.push(b.ms);
      for (const [name, ms] of Object.entries(b.parts)) (serverParts[name] ??= []).push(ms);
      boardBytes = b.bytes;
      nextPageSamples.push((await get(nextPage)).ms);
      const sorted = await get(sortedBoard);
      sortedSamples.push(sorted.ms);
      for (const [name, ms] of Object.entries(sorted.parts)) (sortedParts[name] ??= []).push(ms);
      pageListSamples.push(await time(() => dossier.findEngagementsPage({ campaign: campaignId, now: new Date() }, { pageSize: 100 })));
      pageSamples.push((await get(engagement)).ms);
      querySamples.push(await time(() => dossier.status(ref)));
      listSamples.push(await time(() => drain(true)));
      listOneByOneSamples.push(await time(() => drain(false)));
      statusSamples.push(await time(() => campaigns.status(campaignId)));
      boardQuerySamples.push(await time(() => campaigns.board(campaignId)));
      // The page runs both reads side by side; do they slow each other down on the dev server?
      togetherSamples.push(await time(() => Promise.all([campaigns.status(campaignId), drain(true)])));
      oneAfterOtherSamples.push(await time(async () => (await campaigns.status(campaignId), await drain(true))));
    }
    log(`[web] board p50 ${round(spread(boardSamples).p50)} ms, engagement page p50 ${round(spread(pageSamples).p50)} ms; now one query per engagement`);
    // 50 at a time: all 1,000 at once overwhelmed the dev server (NamespaceNotFound under load).
    for (let i = 0; i < 2; i++) {
      perEngagementSamples.push(await time(() => mapLimit(vendors, 50, (v) => dossier.status({ campaignId, vendorId: v.id }))));
    }
    const report: WebReport = {
      settings: options,
      openSeconds,
      boardMs: spread(boardSamples),
      boardBytes,
      boardNextPageMs: spread(nextPageSamples),
      boardSortedMs: spread(sortedSamples),
      boardPageListMs: spread(pageListSamples),
      boardSortedServerTiming: Object.fromEntries(Object.entries(sortedParts).map(([name, samples]) => [name, spread(samples)])),
      perEngagementQueriesMs: spread(perEngagementSamples),
      engagementPageMs: spread(pageSamples),
      engagementQueryMs: spread(querySamples),
      boardListMs: spread(listSamples),
      boardListOneByOneMs: spread(listOneByOneSamples),
      boardStatusMs: spread(statusSamples),
      boardQueryMs: spread(boardQuerySamples),
      boardReadsTogetherMs: spread(togetherSamples),
      boardReadsOneAfterOtherMs: spread(oneAfterOtherSamples),
      boardServerTiming: Object.fromEntries(Object.entries(serverParts).map(([name, samples]) => [name, spread(samples)])),
      boardRatio: 0,
    };
    report.boardRatio = round(report.boardMs.p50 / report.perEngagementQueriesMs.p50, 2);
    log(
      `[web] board of ${options.vendors}, first page: p50 ${report.boardMs.p50} ms p90 ${report.boardMs.p90} ms (${Math.round(boardBytes / 1024)} KiB); ` +
        `next page p50 ${report.boardNextPageMs.p50} ms; sorted by deadline p50 ${report.boardSortedMs.p50} ms p90 ${report.boardSortedMs.p90} ms ` +
        `(Server-Timing p50: ${Object.entries(report.boardSortedServerTiming).map(([n, s]) => `${n} ${s.p50} ms`).join(', ')}); ` +
        `one visibility page of 100 p50 ${report.boardPageListMs.p50} ms; ` +
        `one query per engagement p50 ${report.perEngagementQueriesMs.p50} ms; engagement page p50 ${report.engagementPageMs.p50} ms p90 ${report.engagementPageMs.p90} ms ` +
        `(its status query alone p50 ${report.engagementQueryMs.p50} ms); board parts: list p50 ${report.boardListMs.p50} ms ` +
        `(memos one by one p50 ${report.boardListOneByOneMs.p50} ms), campaign status p50 ${report.boardStatusMs.p50} ms, board query p50 ${report.boardQueryMs.p50} ms; ` +
        `status and list side by side p50 ${report.boardReadsTogetherMs.p50} ms, one after the other ${report.boardReadsOneAfterOtherMs.p50} ms; ` +
        `inside the page (Server-Timing p50): ${Object.entries(report.boardServerTiming).map(([n, s]) => `${n} ${s.p50} ms`).join(', ')}`,
    );
    return report;
  } finally {
    await web.stop();
    // Its engagements are asked to cancel with it (ParentClosePolicy REQUEST_CANCEL).
    await bench.encryptedClient.workflow.getHandle(campaignWorkflowId(campaignId)).terminate('bench over').catch(() => undefined);
    await worker.stop();
  }
}
