// Brings the workspace up for `npm run web` and `npm start`. With DOSSIER_OIDC_ISSUER set it signs
// users in at that provider; without it (the embedded default) it starts the local development
// provider with a few named users and prints them, and keeps a development session secret under
// .data/, so a newcomer can sign in at once.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { connectLazily, type LazyConnection } from '../client/connection';
import { checkSharedStoreSettings, sharedStoreOnce, type SharedStoreOnce } from '../client/shared-store';
import { dataDir } from '../config/local-folders';
import { DossierError } from '../workflows/errors';
import { ConfigError } from '../config/temporal';
import { parseIntakeConfig } from '../intake/config';
import { DEFAULT_WEB_PORT, isLoopback, isLoopbackUrl, parseWebConfig, WebConfigError } from './config';
import { DEFAULT_DEV_USERS, devUsersTable, startDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider';
import { startWebServer, type WebServer } from './server';

export interface RunningWorkspace {
  web: WebServer;
  idp?: DevIdentityProvider;
  stop(): Promise<void>;
}

/**
 * `npm run web`: the workspace and its own connection, whose payload codec reads its keys from the
 * workspace's store, so the process holds one store (one PostgreSQL pool); `stop` closes all three.
 */
export async function startWorkspaceAlone(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.log(line),
): Promise<RunningWorkspace> {
  // The store and the keys are opened on first use: a wrong DATABASE_URL or a missing master key
  // would otherwise start a workspace whose every page fails. Refused here, with the variable named.
  const onCluster = checkSharedStoreSettings(env);
  checkHoldingPenSettings(env);
  const store = sharedStoreOnce(env);
  const connection = connectLazily(env, { keys: () => store().keys });
  const closeRest = async () => {
    await connection.close();
    await store.close();
  };
  // A cluster's database reached (and its schema migrated) before Ready, as the worker does: started
  // without it, every page would answer 503. Once started, pages say the store is out of reach while
  // it is, and work again when it answers (the schema is tried again at the next request).
  if (onCluster) {
    await store()
      .ready()
      .catch(async (err: unknown) => {
        await closeRest();
        throw storeNotReady(err);
      });
  }
  const workspace = await startWorkspaceFor(connection, env, log, store).catch(async (err: unknown) => {
    await closeRest();
    throw err;
  });
  return {
    ...workspace,
    async stop() {
      await workspace.stop();
      await closeRest();
    },
  };
}

/**
 * The holding pen's pages read the case mailbox with the intake's settings, opened at each request: a
 * cluster host (DATABASE_URL) that names no mailbox, or a malformed DOSSIER_IMAP_URL, would start a
 * workspace whose every /held/ page fails. Read once at start instead, so the workspace does not
 * start: here for `npm run web`, and by `npm start` (worker/main-job.ts) before its worker, since
 * with SMTP_URL given its embedded set-up names no Maildir and reads none of these settings itself.
 */
export function checkHoldingPenSettings(env: NodeJS.ProcessEnv): void {
  try {
    parseIntakeConfig(env);
  } catch (err) {
    throw err instanceof ConfigError ? new WebConfigError(err.problems) : err;
  }
}

/**
 * PostgreSQL did not answer, refused the user, or the schema could not be created or migrated: one
 * line naming the variable, in the worker's words (worker/start-up-errors.ts `storeNotReady`, which
 * web/ may not import). Its message already carries the URL masked (store/postgres.ts).
 */
function storeNotReady(cause: unknown): DossierError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DossierError(
    'WorkspaceStartFailed',
    `DATABASE_URL: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}; check that PostgreSQL runs there and lets this user in, ` +
      "or set DATABASE_URL (or DATABASE_URL_FILE) to the cluster's database",
    { cause },
  );
}

/** `store`: the process's, which its caller closes (see `startWebServer`); absent, the server's own. */
export async function startWorkspaceFor(
  connection: LazyConnection,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.log(line),
  store?: SharedStoreOnce,
): Promise<RunningWorkspace> {
  const settings = { ...env };
  let idp: DevIdentityProvider | undefined;
  if (!settings.DOSSIER_OIDC_ISSUER) {
    const port = Number(settings.DOSSIER_WEB_PORT ?? DEFAULT_WEB_PORT);
    const url = (settings.DOSSIER_WEB_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
    // The development provider signs anyone in as any of its users (a lead officer among them) with
    // any password: a workspace that other machines reach must sign in at the regulator's provider.
    const host = settings.DOSSIER_WEB_HOST?.trim();
    if (!isLoopbackUrl(url) || (host && host !== '::1' && !isLoopback(host))) {
      throw new WebConfigError([
        `DOSSIER_OIDC_ISSUER is required: the workspace is reached at ${url}${host ? ` and listens on ${host}` : ''}, and without an identity provider ` +
          'it would sign users in at the development provider, which takes any password. Set DOSSIER_OIDC_ISSUER, DOSSIER_OIDC_CLIENT_ID and ' +
          'DOSSIER_OIDC_CLIENT_SECRET (or _FILE), or keep the workspace on 127.0.0.1 for development.',
      ]);
    }
    idp = await startDevIdentityProvider({
      users: DEFAULT_DEV_USERS,
      redirectUris: [`${url}/auth/callback`],
      port: Number(settings.DOSSIER_DEV_IDP_PORT ?? 8301),
    }).catch((err: unknown) => {
      throw portTaken(err, 'development sign-in provider', 'DOSSIER_DEV_IDP_PORT');
    });
    Object.assign(settings, { DOSSIER_OIDC_ISSUER: idp.issuer, DOSSIER_OIDC_CLIENT_ID: idp.clientId, DOSSIER_OIDC_CLIENT_SECRET: idp.clientSecret });
    if (!settings.DOSSIER_SESSION_SECRET && !settings.DOSSIER_SESSION_SECRET_FILE) {
      settings.DOSSIER_SESSION_SECRET_FILE = ensureDevSessionSecret(join(dataDir(settings), 'web-session.secret'));
    }
  }
  try {
    const config = parseWebConfig(settings);
    const web = await startWebServer({
      config,
      client: () => connection.client(),
      taskQueue: connection.target.taskQueue,
      address: connection.target.address,
      // The holding pen, sent mail and the store read the set-up given here, as the connection does
      // (npm start's embedded one), not whatever this process was started with.
      env: settings,
      store,
    }).catch((err: unknown) => {
      throw portTaken(err, 'web workspace', 'DOSSIER_WEB_PORT');
    });
    log(`Web workspace        ${config.publicUrl}  (sign-in: ${idp ? `development provider ${idp.issuer}` : config.issuer})`);
    if (idp) {
      log('  Development users (any password; each sees the workspace in its language until it picks another):');
      for (const line of devUsersTable(idp.users)) log(`    ${line}`);
    }
    return {
      web,
      idp,
      async stop() {
        await web.stop();
        await idp?.stop();
      },
    };
  } catch (err) {
    await idp?.stop();
    throw err;
  }
}

/**
 * A port another process holds (a second `npm start` beside the first), named with the variable that
 * moves it, as the embedded server's and sink's are (infra/embedded.ts); any other failure as it is.
 */
function portTaken(err: unknown, what: string, variable: string): unknown {
  const { code, port, address } = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (code !== 'EADDRINUSE') return err;
  return new Error(
    `port ${port} (${what}; set ${variable} to move it) is already in use on ${address ?? '127.0.0.1'}. ` +
      'If another `npm start` runs from a different folder, stop it (Ctrl-C in its terminal) or give this one other ports.',
    { cause: err },
  );
}

/** The development session secret, in the embedded set-up's data folder (DOSSIER_DATA_DIR, else .data/). */
function ensureDevSessionSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  }
  return file;
}
