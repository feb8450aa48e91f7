// Two web hosts behind a load balancer that does not keep a session on one host: a form refused on
// one host goes on (post/redirect/get) to its page, which the balancer may send to the other. The
// refused form waits in the shared store both hosts read (local files in a shared folder, or
// PostgreSQL), so the page shows the refusal and what was typed on whichever host serves it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { createDatabase } from '../../infra/postgres';
import { freePort } from '../../infra/ports';
import { startWebServer, type WebServer } from '../../web/server';
import { signedInLead, webConfigWithoutSignIn } from '../helpers/web-session';

describe('refused forms on two web hosts without sticky sessions', () => {
  const started: WebServer[] = [];
  const scratches: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((web) => web.stop()));
    for (const scratch of scratches.splice(0)) rmSync(scratch, { recursive: true, force: true });
  });

  /** A host of the workspace on its own port, on the store `env` names (the same for both hosts). */
  async function host(env: NodeJS.ProcessEnv): Promise<string> {
    const port = await freePort();
    const web = await startWebServer({
      config: webConfigWithoutSignIn(port),
      // Never dialled: a refused form and its page read the store and the mailbox only.
      client: async () => new TemporalClient({ connection: Connection.lazy({ address: '127.0.0.1:9' }) }),
      taskQueue: 'unused',
      address: 'test',
      env,
    });
    started.push(web);
    return `http://127.0.0.1:${port}`;
  }

  /** The session cookie a response sets, as the browser sends it back. */
  const cookieFrom = (response: Response): string => {
    const set = response.headers.getSetCookie().find((c) => c.startsWith('dossier_session='));
    expect(set, 'the refusal is recorded in the session cookie').toBeDefined();
    return set!.split(';')[0]!;
  };

  it.each([
    { home: 'local files in a folder both hosts share', database: false },
    { home: 'PostgreSQL', database: true },
  ])('shows the refusal and what was typed on host B after host A refused the form, on $home', { timeout: 60_000 }, async ({ database }) => {
    const scratch = mkdtempSync(join(tmpdir(), 'dossier-refused-hosts-'));
    scratches.push(scratch);
    mkdirSync(join(scratch, 'mailbox'));
    const env: NodeJS.ProcessEnv = {
      ...(database ? { DATABASE_URL: await createDatabase(inject('postgresUrl')) } : {}),
      DOSSIER_STATE_DIR: join(scratch, 'state'),
      DOSSIER_KEYSTORE_DIR: join(scratch, 'keys'),
      DOSSIER_OUTPUT_DIR: join(scratch, 'out'),
      DOSSIER_MAILDIR: join(scratch, 'mailbox'),
      MAIL_FROM: 'dossier@authority.example',
      DOSSIER_MASTER_KEYS: generateMasterKeySpec('refused-hosts'),
    };
    const [hostA, hostB] = [await host(env), await host(env)];
    const { cookie, csrf } = signedInLead();
    const post = (url: string, fields: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }), redirect: 'manual' });

    // A campaign form sent without its file: refused on A, its page read on B.
    const noFile = await post(`${hostA}/campaigns`, {});
    expect(noFile.status).toBe(303);
    expect(noFile.headers.get('location')).toBe('/campaigns/new');
    const newCampaign = await fetch(`${hostB}/campaigns/new`, { headers: { cookie: cookieFrom(noFile) }, redirect: 'manual' });
    expect(await newCampaign.text()).toContain('choose a campaign file to upload');
    expect(newCampaign.status).toBe(400);
    // Taken on B, it is gone for A too: the same cookie sent there again reads the page as it is.
    const again = await fetch(`${hostA}/campaigns/new`, { headers: { cookie: cookieFrom(noFile) }, redirect: 'manual' });
    expect(await again.text()).not.toContain('choose a campaign file to upload');
    expect(again.status).toBe(200);

    // A reason typed to dismiss a held message that is no longer held: the reason comes back on B.
    const dismissed = await post(`${hostA}/held/unsorted/dismiss`, { messageId: '<gone.1@vendor.example>', reason: 'Spam, typed on host A' });
    expect(dismissed.status).toBe(303);
    const messagePage = dismissed.headers.get('location')!;
    expect(messagePage).toMatch(/^\/held\/unsorted\/message\?id=/);
    const gone = await fetch(`${hostB}${messagePage}`, { headers: { cookie: cookieFrom(dismissed) }, redirect: 'manual' });
    expect(await gone.text()).toContain('Spam, typed on host A');
    expect(gone.status).toBe(409);
  });
});
