// Two campaigns whose files name one publication folder: their statements and letter copies have
// the same names, so the second would write over the first's. Its start is refused, naming the
// folder and the campaign that holds it, before anything is sent: by the campaign API, the CLI (in
// English and French) and the workspace's upload, against the run's real Temporal server.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, ServiceError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { ClientErrorCode, DossierClientError } from '../../client/errors';
import { FOLDER_CLAIM_NAME } from '../../client/publication-folder';
import { createDatabase } from '../../infra/postgres';
import { openStore, type SharedStore } from '../../store';
import { LocalPublishedFiles } from '../../store/local';
import type { PublishedFiles } from '../../store/types';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import type { CampaignInput } from '../../workflows/types';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { PROJECT_ROOT } from '../../paths';
import { runDossier } from '../helpers/cli';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { untilFound } from '../helpers/until';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

describe('one publication folder per campaign', () => {
  const env = useDossier({ encrypted: true });
  // The worker's published files (the harness's local store): where the statements go.
  const files = () => new LocalPublishedFiles(env.config.outputDir);
  const campaigns = (store: () => PublishedFiles = files) => new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test', files: store });
  // The same claims in a PostgreSQL store of this file's own, as hosts sharing a database make them.
  let postgres: SharedStore | undefined;
  beforeAll(async () => {
    postgres = openStore({ databaseUrl: await createDatabase(inject('postgresUrl')), outputDir: join(env.scratch, 'pg-out'), stateDir: join(env.scratch, 'pg-state'), keysDir: join(env.scratch, 'pg-keys') });
    await postgres.ready();
  });
  afterAll(async () => {
    await postgres?.close();
  });

  const input = (id: string, folder: string): CampaignInput => ({
    campaign: testCampaign(id),
    vendors: [testVendor('zoom')],
    policy: fastPolicy({ responseDue: '1 hour', reminderCadence: ['30 minutes'], finalNoticeAfter: '2 hours', closeAfter: '1 hour', approvalReminderEvery: '1 hour' }),
    approval: { kind: 'all' },
    publication: { folder, notifyVendors: true },
  });

  const claimant = async (folder: string, store: () => PublishedFiles = files) => {
    const claim = await store().read(join(folder, FOLDER_CLAIM_NAME));
    return claim && (JSON.parse(claim.toString('utf8')) as { campaign: string }).campaign;
  };

  const neverStarted = async (id: string) =>
    expect(env.client.workflow.getHandle(campaignWorkflowId(id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  it('refuses a second campaign naming the first one’s folder, before it starts; the first one’s own re-run is refused only as already started', { timeout: 120_000 }, async () => {
    const folder = env.uniqueId('shared');
    const first = env.uniqueId('first');
    const second = env.uniqueId('second');
    await campaigns().start(input(first, folder));

    const refused = await campaigns().start(input(second, folder)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DossierClientError);
    expect((refused as DossierClientError).code).toBe(ClientErrorCode.AlreadyStarted);
    expect((refused as DossierClientError).message).toBe(
      `the publication folder "${folder}" belongs to campaign ${first}: give this campaign a folder of its own (publication.folder in its file)`,
    );
    expect((refused as DossierClientError).refusal).toEqual({ refusal: 'folder-taken', values: { folder, campaign: first } });
    await neverStarted(second);

    // A re-run of the first start: its own claim lets it through to Temporal, which has the id already.
    const again = await campaigns().start(input(first, folder)).catch((err: unknown) => err);
    expect((again as DossierClientError).refusal).toEqual({ refusal: 'already-exists', values: { id: `campaign:${first}` } });
    // The refused re-run leaves the folder with the campaign that did start.
    expect(await claimant(folder)).toBe(first);
  });

  // The claim's own store: a start gives it back the same way on either.
  const homes = [
    { home: 'local files', store: () => files() },
    { home: 'PostgreSQL', store: () => postgres!.files },
  ];

  it.each(homes)('gives the folder back when Temporal refuses the start, so another campaign can have it ($home)', { timeout: 120_000 }, async ({ store }) => {
    const folder = env.uniqueId('refused');
    const refusedId = env.uniqueId('refused');
    // A task queue name past the server's limit: the server refuses the start, nothing runs.
    const refusing = new CampaignClient(env.client, { taskQueue: 'q'.repeat(1_100), address: 'test', files: store });
    const failed = await refusing.start(input(refusedId, folder)).catch((err: unknown) => err);
    // INVALID_ARGUMENT: the server answered, and refused.
    expect(((failed as Error).cause as { code?: number } | undefined)?.code).toBe(3);
    await neverStarted(refusedId);
    expect(await store().read(join(folder, FOLDER_CLAIM_NAME))).toBeUndefined();

    const next = env.uniqueId('next');
    await campaigns(store).start(input(next, folder));
    expect(await claimant(folder, store)).toBe(next);
  });

  // A start that timed out may still be carried out by the server after the client looked and found
  // nothing: giving its folder back then would let a second campaign into a running one's folder.
  it('keeps the folder when the start timed out, as its outcome is unknown', { timeout: 120_000 }, async () => {
    const folder = env.uniqueId('timedout');
    const id = env.uniqueId('timedout');
    const deadline = Object.assign(new Error('deadline exceeded'), { code: 4 });
    const workflow = Object.assign(Object.create(env.client.workflow) as Client['workflow'], {
      start: () => Promise.reject(new ServiceError('the start timed out', { cause: deadline })),
    });
    const timingOut = Object.assign(Object.create(env.client) as Client, { workflow });
    const failed = await new CampaignClient(timingOut, { taskQueue: env.taskQueue, address: 'test', files })
      .start(input(id, folder))
      .catch((err: unknown) => err);
    expect((failed as DossierClientError).code).toBe(ClientErrorCode.ServerUnreachable);
    await neverStarted(id);
    expect(await claimant(folder)).toBe(id);
  });

  it.each(homes)('gives the folder back when the campaign id already names a campaign that publishes elsewhere ($home)', { timeout: 120_000 }, async ({ store }) => {
    const earlierFolder = env.uniqueId('earlier');
    const laterFolder = env.uniqueId('later');
    const id = env.uniqueId('reused');
    await campaigns(store).start(input(id, earlierFolder));

    const again = await campaigns(store).start(input(id, laterFolder)).catch((err: unknown) => err);
    expect((again as DossierClientError).refusal).toEqual({ refusal: 'already-exists', values: { id: `campaign:${id}` } });
    expect(await store().read(join(laterFolder, FOLDER_CLAIM_NAME))).toBeUndefined();
    expect(await claimant(earlierFolder, store)).toBe(id);

    const other = env.uniqueId('other');
    await campaigns(store).start(input(other, laterFolder));
    expect(await claimant(laterFolder, store)).toBe(other);
  });

  it('keeps the claim for its id when the server cannot tell whether the start happened (an unknown namespace)', { timeout: 120_000 }, async () => {
    const folder = env.uniqueId('untold');
    const id = env.uniqueId('untold');
    const elsewhere = new Client({ connection: env.client.connection, namespace: env.uniqueId('no-such-namespace'), dataConverter: env.encryption?.dataConverter });
    const failed = await new CampaignClient(elsewhere, { taskQueue: env.taskQueue, address: 'test', files }).start(input(id, folder)).catch((err: unknown) => err);
    expect((failed as DossierClientError).code).toBe(ClientErrorCode.Configuration);
    expect(await claimant(folder)).toBe(id);
    // Started again under its id, on the right namespace, it passes its own claim.
    await campaigns().start(input(id, folder));
    expect(await claimant(folder)).toBe(id);
  });

  it('keeps the folder with a campaign started on two clients at once, whichever start Temporal refuses', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 3; round++) {
      const folder = env.uniqueId('twice');
      const id = env.uniqueId('twice');
      const outcomes = await Promise.allSettled([campaigns().start(input(id, folder)), campaigns().start(input(id, folder))]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as DossierClientError).refusal).toEqual({ refusal: 'already-exists', values: { id: `campaign:${id}` } });
      expect(await claimant(folder)).toBe(id);
    }
  });

  it('lets exactly one of two campaigns started at once on two clients have the folder', { timeout: 120_000 }, async () => {
    const folder = env.uniqueId('raced');
    const ids = [env.uniqueId('one'), env.uniqueId('two'), env.uniqueId('three')];
    const outcomes = await Promise.allSettled(ids.map((id) => campaigns().start(input(id, folder))));
    const won = ids.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue;
      expect((outcome.reason as DossierClientError).refusal).toEqual({ refusal: 'folder-taken', values: { folder, campaign: won[0] } });
      await neverStarted(ids[i]!);
    }
  });

  // Folders never nest (`a` and `a/b` would write into each other's tree): a campaign file names its
  // folder as an id, one segment, and every start is checked against the schema before it claims.
  it.each([
    ['the outer folder first', ['', '/inner']],
    ['the inner folder first', ['/inner', '']],
  ])('refuses a folder inside another before claiming anything, %s', { timeout: 120_000 }, async (_, [firstTail, secondTail]) => {
    const outer = env.uniqueId('outer');
    const [firstFolder, secondFolder] = [`${outer}${firstTail}`, `${outer}${secondTail}`];
    const [first, second] = [env.uniqueId('nest-first'), env.uniqueId('nest-second')];
    const firstOutcome = await campaigns().start(input(first, firstFolder)).catch((err: unknown) => err);
    const secondOutcome = await campaigns().start(input(second, secondFolder)).catch((err: unknown) => err);
    const nested = firstTail ? firstOutcome : secondOutcome;
    expect((nested as DossierClientError).code).toBe(ClientErrorCode.InvalidInput);
    expect((nested as DossierClientError).message).toBe('publication.folder: must be lowercase letters, digits and dashes (e.g. "opc-canada")');
    await neverStarted(firstTail ? first : second);
    // The outer folder's campaign started and holds it; nothing was claimed inside it.
    expect(firstTail ? secondOutcome : firstOutcome).toEqual({ workflowId: campaignWorkflowId(firstTail ? second : first) });
    expect(await claimant(outer)).toBe(firstTail ? second : first);
    expect(await files().read(join(outer, 'inner', FOLDER_CLAIM_NAME))).toBeUndefined();
  });

  it('counts a campaign started before folders were claimed as holding its folder', { timeout: 120_000 }, async () => {
    const folder = env.uniqueId('older');
    const older = env.uniqueId('older');
    // Started as a release before this one started it: no claim, only its files in the folder.
    await new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }).start(input(older, folder));
    await untilFound(() => files().list(folder), (listed) => listed.length > 0, 'the older campaign’s letter in its folder');
    expect(await files().read(join(folder, FOLDER_CLAIM_NAME))).toBeUndefined();

    const newer = env.uniqueId('newer');
    const refused = await campaigns().start(input(newer, folder)).catch((err: unknown) => err);
    expect((refused as DossierClientError).refusal).toEqual({ refusal: 'folder-taken', values: { folder, campaign: older } });
    await neverStarted(newer);
  });

  it('refuses it at the command line, in English and in French', { timeout: 180_000 }, async () => {
    const folder = env.uniqueId('cli');
    const fixture = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'cli', 'campaign.yaml'), 'utf8');
    const campaignFile = (id: string) => {
      const file = join(env.scratch, `${id}.yaml`);
      writeFileSync(file, `${fixture.replace(/^id: cli-test$/m, `id: ${id}`)}publication:\n  folder: ${folder}\n`);
      return file;
    };
    const dossier = (args: string[]) => runDossier(env.childEnv, 'Officer Tremblay', args);
    const first = env.uniqueId('cli-first');
    const started = await dossier(['campaign', 'start', '--file', campaignFile(first), '--no-wait']);
    expect(started.code, started.stderr).toBe(0);

    const second = env.uniqueId('cli-second');
    const english = await dossier(['campaign', 'start', '--file', campaignFile(second), '--no-wait']);
    expect(english.code).toBe(4);
    expect(english.stderr).toBe(`dossier: the publication folder "${folder}" belongs to campaign ${first}: give this campaign a folder of its own (publication.folder in its file)\n`);
    const french = await dossier(['--lang', 'fr', 'campaign', 'start', '--file', campaignFile(second), '--no-wait']);
    expect(french.code).toBe(4);
    expect(french.stderr).toBe(
      `dossier: le dossier de publication «${NNBSP}${folder}${NNBSP}» appartient à la campagne ${first}${NBSP}: donnez à cette campagne un dossier qui lui soit propre (publication.folder dans son fichier)\n`,
    );
    await neverStarted(second);
  });

  it('refuses it in the workspace’s upload, in the page’s language', { timeout: 120_000 }, async () => {
    const folder = env.uniqueId('web');
    const first = env.uniqueId('web-first');
    await campaigns().start(input(first, folder));

    const secret = 'a-test-session-secret-of-at-least-32-characters';
    const app = createWebApp({
      config: { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 },
      signIn: {} as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () => campaigns(),
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const example = readFileSync(join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');
    // A form given back goes on to its page (post/redirect/get), which the browser reads with the cookie the answer set.
    const landing = async (refused: Response) => {
      expect(refused.status).toBe(303);
      const cookie = /__Host-dossier_session=[^;]+/.exec(refused.headers.get('set-cookie') ?? '')?.[0];
      expect(cookie).toBeDefined();
      return app.request(refused.headers.get('location')!, { headers: { cookie: cookie! } });
    };
    // A hidden field of the page, as the browser sends it back (Handlebars escapes these characters).
    const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };
    const hidden = (html: string, name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html)?.[1]?.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => entities[e]!);
    // As a browser does: the file first, then the confirmation the page asks for, ticked, for the file it
    // kept, so the folder's refusal comes from starting it, not from the confirmation.
    const upload = async (language: 'en' | 'fr', id: string) => {
      const session = { id: 'c'.repeat(32), csrf: 'tok', language, user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 };
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
      const body = new FormData();
      body.set('_csrf', 'tok');
      const text = example.replace(/^id: .*$/m, `id: ${id}`).replace(/^publication:\n/m, `publication:\n  folder: ${folder}\n`);
      expect(text).toContain(`  folder: ${folder}\n`);
      body.set('campaignFile', new File([text], 'campaign.yaml', { type: 'text/yaml' }));
      const asked = await landing(await app.request('/campaigns', { method: 'POST', headers: { cookie }, body }));
      expect(asked.status).toBe(200);
      const page = await asked.text();
      const confirmed = new FormData();
      confirmed.set('_csrf', 'tok');
      for (const name of ['campaignFileName', 'campaignText', 'confirms']) confirmed.set(name, hidden(page, name)!);
      confirmed.set('confirm', 'yes');
      return app.request('/campaigns', { method: 'POST', headers: { cookie }, body: confirmed });
    };

    const second = env.uniqueId('web-second');
    const english = await landing(await upload('en', second));
    expect(english.status).toBe(409);
    expect(await english.text()).toContain(`The publication folder “${folder}” belongs to campaign ${first}: give this campaign a folder of its own (publication.folder in its file).`);
    const french = await landing(await upload('fr', second));
    expect(french.status).toBe(409);
    expect(await french.text()).toContain(`Le dossier de publication «${NNBSP}${folder}${NNBSP}» appartient à la campagne ${first}${NBSP}: donnez à cette campagne un dossier qui lui soit propre`);
    await neverStarted(second);
  });
});
