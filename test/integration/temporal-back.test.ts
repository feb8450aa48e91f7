// A Temporal server out of reach when a long-running process (the web workspace, `npm start`'s
// digest set-up) first needs it: a cluster restarted, its workspace up before its frontend. The
// process must connect once the server is back, not answer "unreachable" until it is restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectLazily } from '../../client/connection';
import { ClientErrorCode } from '../../client/errors';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { freePort } from '../../infra/ports';
import { tcpRelay, type TcpRelay } from '../helpers/tcp-relay';

describe('a connection made lazily', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-temporal-back-'));
  let relay: TcpRelay | undefined;
  afterAll(async () => {
    await relay?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('connects once the Temporal server is back, after a call that found it unreachable', { timeout: 60_000 }, async () => {
    const [host, port] = inject('temporalAddress').split(':') as [string, string];
    const address = `127.0.0.1:${await freePort()}`;
    const connection = connectLazily({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      DOSSIER_MASTER_KEYS: generateMasterKeySpec('t1'),
      DOSSIER_KEYSTORE_DIR: join(scratch, 'keys'),
      DOSSIER_STATE_DIR: join(scratch, 'state'),
      DOSSIER_OUTPUT_DIR: join(scratch, 'out'),
      DOSSIER_CONNECT_TIMEOUT_MS: '2000',
    });
    try {
      // Nothing listens there yet: the server is down.
      await expect(connection.client()).rejects.toMatchObject({ code: ClientErrorCode.ServerUnreachable });
      // The server is back at the same address.
      relay = await tcpRelay(host, Number(port), { port: Number(address.split(':')[1]) });
      const client = await connection.client();
      const info = await client.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await connection.close();
    }
  });
});
