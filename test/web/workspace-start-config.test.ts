// `npm run web` on a host of a cluster: its store and keys are opened on first use, so a wrong
// DATABASE_URL or a missing master key must stop it at start with the variable named (as the
// worker is stopped), not start a workspace whose every page fails for its users.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { freePort } from '../../infra/ports';
import { startWorkspaceAlone } from '../../web/start';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-workspace-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function refusal(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const running = await startWorkspaceAlone(env, () => undefined);
    await running.stop();
  } catch (err) {
    // Nothing was left listening: the workspace's port is free again.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(Number(env.DOSSIER_WEB_PORT), '127.0.0.1', resolve));
    probe.close();
    return (err as Error).message;
  }
  throw new Error('expected the workspace not to start');
}

describe('npm run web with a bad shared-store setting', () => {
  const base = async (): Promise<NodeJS.ProcessEnv> => ({
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    DOSSIER_DATA_DIR: scratch,
    DOSSIER_WEB_PORT: String(await freePort()),
    DOSSIER_DEV_IDP_PORT: String(await freePort()),
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL, naming it', async () => {
    const env = { ...(await base()), DATABASE_URL: 'mysql://db.example.org/dossier', DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1') };
    expect(await refusal(env)).toMatch(/^DATABASE_URL: .* must be a PostgreSQL URL/);
  });

  it('refuses a DATABASE_URL set but empty', async () => {
    const env = { ...(await base()), DATABASE_URL: '', DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1') };
    expect(await refusal(env)).toMatch(/^DATABASE_URL is set but empty/);
  });

  it('refuses a shared store without the cluster\'s master keys, naming DOSSIER_MASTER_KEYS', async () => {
    const env = { ...(await base()), DATABASE_URL: 'postgres://dossier@127.0.0.1:1/dossier' };
    expect(await refusal(env)).toMatch(/No master key: .*set DOSSIER_MASTER_KEYS or DOSSIER_MASTER_KEYS_FILE/);
  });

  // Its holding pen reads the case mailbox: on a cluster host there is no local Maildir the embedded
  // mail sink fills, so /held/* pages would each fail with the intake's configuration error.
  it('refuses a shared store with no case mailbox named, naming DOSSIER_IMAP_URL and DOSSIER_MAILDIR', async () => {
    const env = { ...(await base()), DATABASE_URL: 'postgres://dossier@127.0.0.1:1/dossier', DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1') };
    expect(await refusal(env)).toMatch(/^Invalid workspace configuration:\n  - DOSSIER_IMAP_URL is required with DATABASE_URL .*or name the Maildir to read in DOSSIER_MAILDIR$/);
  });

  // As the worker does (README, "Workers on several hosts"): a process manager starts it again, and a
  // workspace that started would answer every page 503 until the database came.
  it('refuses a DATABASE_URL where no PostgreSQL answers, naming it with its password masked', async () => {
    const env = {
      ...(await base()),
      DATABASE_URL: 'postgres://dossier:s3cret@127.0.0.1:1/dossier',
      DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1'),
      DOSSIER_MAILDIR: join(scratch, 'mailbox'),
    };
    const message = await refusal(env);
    expect(message).toMatch(/^DATABASE_URL: cannot create or migrate Dossier's schema in postgres:\/\/dossier:\*\*\*@127\.0\.0\.1:1\/dossier: connect ECONNREFUSED 127\.0\.0\.1:1; check that PostgreSQL runs there/);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
  });

  it('refuses a malformed DOSSIER_IMAP_URL at start, naming it', async () => {
    const env = { ...(await base()), DOSSIER_IMAP_URL: 'https://imap.regulator.example', DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1') };
    expect(await refusal(env)).toMatch(/DOSSIER_IMAP_URL: must be a URL such as imaps:/);
  });
});

describe('npm run web facing the network without an identity provider', () => {
  const base = async (): Promise<NodeJS.ProcessEnv> => ({
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    DOSSIER_DATA_DIR: scratch,
    DOSSIER_WEB_PORT: String(await freePort()),
    DOSSIER_DEV_IDP_PORT: String(await freePort()),
    DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1'),
  });

  // The development provider takes any password for any of its users, a lead officer among them.
  it('refuses to sign users in at the development provider, naming DOSSIER_OIDC_ISSUER', async () => {
    expect(await refusal({ ...(await base()), DOSSIER_WEB_URL: 'https://dossier.regulator.example' })).toMatch(/DOSSIER_OIDC_ISSUER is required: the workspace is reached at https:\/\/dossier\.regulator\.example,/);
    expect(await refusal({ ...(await base()), DOSSIER_WEB_HOST: '0.0.0.0' })).toMatch(/DOSSIER_OIDC_ISSUER is required: .* listens on 0\.0\.0\.0/);
  });

  it('still starts the development provider for a workspace on this machine alone', async () => {
    const env = await base();
    const running = await startWorkspaceAlone({ ...env, DOSSIER_WEB_URL: `http://localhost:${env.DOSSIER_WEB_PORT}` }, () => undefined);
    try {
      expect(running.idp?.issuer).toMatch(/^http:\/\/127\.0\.0\.1:/);
    } finally {
      await running.stop();
    }
  });
});
