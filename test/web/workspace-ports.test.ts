// `npm start` beside another set-up (README: "two set-ups side by side, each with a data folder of
// its own"): the workspace's port and the development sign-in provider's may be taken by the first.
// Each taken port is named with the variable that moves it, as the server's and the sink's are, and
// the start fails as an error its caller handles (npm start then stops what it started).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectLazily } from '../../client/connection';
import { freePort } from '../../infra/ports';
import { startWorkspaceFor } from '../../web/start';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-workspace-ports-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function startFails(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const running = await startWorkspaceFor(connectLazily(env), env, () => undefined);
    await running.stop();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the workspace not to start');
}

describe('the workspace on a taken port', () => {
  const base = async (): Promise<NodeJS.ProcessEnv> => ({
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    DOSSIER_DATA_DIR: scratch,
    DOSSIER_WEB_PORT: String(await freePort()),
    DOSSIER_DEV_IDP_PORT: String(await freePort()),
  });

  it('names the development sign-in provider\'s port and DOSSIER_DEV_IDP_PORT', async () => {
    const env = await base();
    const taken = await occupy(Number(env.DOSSIER_DEV_IDP_PORT));
    try {
      expect(await startFails(env)).toMatch(new RegExp(`port ${env.DOSSIER_DEV_IDP_PORT} .*set DOSSIER_DEV_IDP_PORT to move it`));
    } finally {
      taken.close();
    }
  });

  it('names the workspace\'s port and DOSSIER_WEB_PORT, instead of ending the process', async () => {
    const env = await base();
    const taken = await occupy(Number(env.DOSSIER_WEB_PORT));
    try {
      expect(await startFails(env)).toMatch(new RegExp(`port ${env.DOSSIER_WEB_PORT} .*set DOSSIER_WEB_PORT to move it`));
      // The provider started first was stopped: its port is free for the next try.
      const again = await occupy(Number(env.DOSSIER_DEV_IDP_PORT));
      again.close();
    } finally {
      taken.close();
    }
  });
});
