// Stopping the workspace (Ctrl-C or SIGTERM on `npm run web`, the end of `npm start`) while a page is
// being served: the request in hand finishes and its answer reaches the browser, as a worker's
// in-flight activities finish, instead of the connection being cut under it (a form sent just then
// would leave its officer not knowing whether it was recorded).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { freePort } from '../../infra/ports';
import { startWebServer } from '../../web/server';
import { signedInLead, webConfigWithoutSignIn } from '../helpers/web-session';

describe('the workspace stopping', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-web-shutdown-'));
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('finishes the page it is serving before it closes', async () => {
    const port = await freePort();
    let reached!: () => void;
    const inHandler = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const web = await startWebServer({
      config: webConfigWithoutSignIn(port),
      // The page's client arrives only once the stop has begun: the request is in the middle of its work.
      client: async () => {
        reached();
        await gate;
        return new Client({ connection, namespace: inject('temporalNamespace') });
      },
      taskQueue: 'unused',
      address: 'test',
      env: { DOSSIER_DATA_DIR: scratch, DOSSIER_MASTER_KEYS: generateMasterKeySpec('web-shutdown') },
    });
    const { cookie } = signedInLead();
    const page = fetch(`http://127.0.0.1:${port}/campaigns`, { headers: { cookie }, redirect: 'manual' }).then(
      (response) => response.status,
      (err: Error) => `${err.message}: ${(err.cause as Error | undefined)?.message}`,
    );
    await inHandler;
    const stopped = web.stop();
    await new Promise((r) => setTimeout(r, 200));
    release();
    expect(await page).toBe(200);
    const started = Date.now();
    await stopped;
    // Closed once the page went out, not after waiting out a grace period.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
