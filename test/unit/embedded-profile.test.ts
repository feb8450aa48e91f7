// What a process started beside a running `npm start` (`npm run worker`, `npm run demo`, a second
// `npm start`) learns from its embedded.json: here, the workspace's address, which the approval,
// reminder and change-request emails its worker sends link to.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withEmbeddedProfile, writeProfile } from '../../config/embedded-profile';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A data folder holding the profile of a running `npm start` (this process, a port that answers). */
async function runningSetUp(workspaceUrl?: string): Promise<NodeJS.ProcessEnv> {
  const server = createServer().listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const env = { DOSSIER_DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-')) };
  writeProfile({ pid: process.pid, temporalAddress: `127.0.0.1:${port}`, namespace: 'default', outputDir: 'out', stateDir: 'state', ...(workspaceUrl ? { workspaceUrl } : {}) }, env);
  return env;
}

describe('a worker started beside a running npm start', () => {
  it('links its emails to the workspace that npm start serves, on whatever port it took', async () => {
    const env = await runningSetUp('http://127.0.0.1:18300');
    expect((await withEmbeddedProfile(env)).DOSSIER_WEB_URL).toBe('http://127.0.0.1:18300');
  });

  it('keeps a DOSSIER_WEB_URL of its own', async () => {
    const env = await runningSetUp('http://127.0.0.1:18300');
    expect((await withEmbeddedProfile({ ...env, DOSSIER_WEB_URL: 'https://dossier.example' })).DOSSIER_WEB_URL).toBe('https://dossier.example');
  });

  it('is given no address where npm start serves no workspace (--no-worker, or a profile from before)', async () => {
    const env = await runningSetUp();
    expect((await withEmbeddedProfile(env)).DOSSIER_WEB_URL).toBeUndefined();
  });
});
