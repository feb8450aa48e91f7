// The embedded Temporal server keeps its state in a SQLite file from one `npm start` to the next. The
// CLI's `--search-attribute` registers attributes only when it creates that file, so a file written by
// an older Dossier lacks the attributes added since, and the worker refuses to start on it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { cliType, startDevServer } from '../../infra/dev-server';
import { freePort } from '../../infra/ports';
import { resolveTemporalCli } from '../../infra/temporal-cli';
import { DOSSIER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { until } from '../helpers/until';

async function registered(address: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return Object.keys(customAttributes ?? {}).sort();
  } finally {
    await connection.close();
  }
}

describe('the embedded Temporal server', () => {
  it('registers on a state file an older Dossier wrote the search attributes added since', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-dev-server-'));
    const dbFilename = join(dir, 'temporal.sqlite');
    try {
      // The server as the release before DossierReplyToken started it, on the same file.
      const older = DOSSIER_SEARCH_ATTRIBUTES.filter((key) => key.name !== 'DossierReplyToken');
      const port = await freePort();
      const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--db-filename', dbFilename];
      for (const key of older) args.push('--search-attribute', `${key.name}=${cliType(key.type)}`);
      const before = spawn(resolveTemporalCli(), args, { stdio: 'ignore' });
      try {
        await until(() => registered(`127.0.0.1:${port}`).catch(() => []), (names) => names.length === older.length, 'the older server to answer');
      } finally {
        before.kill('SIGTERM');
        await once(before, 'exit');
      }

      const server = await startDevServer({ dbFilename, uiPort: false });
      try {
        expect(await registered(server.address)).toEqual(DOSSIER_SEARCH_ATTRIBUTES.map((key) => key.name).sort());
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
