// Starts the workspace on a loopback (or configured) port with @hono/node-server and returns a
// handle to stop it; `npm run web`, `npm start` and the tests all come up through here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { CampaignClient } from '../client/campaign-api';
import { DossierClient } from '../client/api';
import { openIntake } from '../intake/open';
import { sentMailReader } from '../client/sent-mail';
import { caseDocumentsOf, receivedDocumentReader } from '../client/received-documents';
import { documentKeeper } from '../client/response-files';
import { campaignLateReplyReader, lateReplyReader } from '../client/late-replies';
import { messageDomain } from '../client/letter-copy';
import type { Client } from '@temporalio/client';
import { clientActingAs } from './acting-as';
import { createWebApp, loggable } from './app';
import type { WebConfig } from './config';
import { OidcSignIn } from './oidc';
import { refusedFormsFrom, revokedSessionsFrom, tokenRefreshesFrom, userPreferencesFrom } from '../client/revoked-sessions';
import { sharedStoreOnce, storeSettingOf, type SharedStoreOnce } from '../client/shared-store';

/** How long a stop waits for the requests in hand before it closes their connections. */
export const STOP_GRACE_MS = 10_000;

export interface WebServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface WebServerOptions {
  config: WebConfig;
  /** A Temporal client (with the payload codec), connected lazily by the caller. */
  client(): Promise<Client>;
  taskQueue: string;
  address: string;
  /** Where the holding pen's mailbox, store and keys are configured (default: this process's). */
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Rows per page of a campaign's board (default 100; tests use fewer). */
  boardPageSize?: number;
  /**
   * The process's store, when the caller holds one already (its client's payload codec reads its
   * keys there) and closes it after the client; absent, the server opens its own and closes it.
   */
  store?: SharedStoreOnce;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { config } = options;
  const clientOptions = { taskQueue: options.taskQueue, address: options.address };
  const env = options.env ?? process.env;
  // One store (one PostgreSQL pool) for sent mail, received and uploaded documents, signed-out sessions, token refreshes, refused forms and the holding pen.
  const store = options.store ?? sharedStoreOnce(env);
  // Each signed-in user's requests go out under their own identity (web/acting-as.ts).
  const asUsers = new Map<string, Client>();
  const client = async () => clientActingAs(await options.client(), asUsers);
  const closeOwnStore = async () => {
    if (!options.store) await store.close();
  };
  const campaignLateReplies = campaignLateReplyReader(() => caseDocumentsOf(env, store()));
  const app = createWebApp({
    config,
    signIn: new OidcSignIn({
      issuer: config.issuer,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: `${config.publicUrl}/auth/callback`,
      rolesClaim: config.rolesClaim,
      scopes: config.scopes,
    }),
    dossier: async () => new DossierClient(await client(), clientOptions),
    // The ledger and MAIL_FROM's domain, where a letter copy put back is checked against the letter
    // sent; the document store, where a draft of the statement reads the late replies it tells of.
    campaigns: async () =>
      new CampaignClient(await client(), { ...clientOptions, files: () => store().files, ledger: () => store().ledger, mailDomain: messageDomain(env), lateReplies: campaignLateReplies }),
    holdingPen: async () => {
      const asUser = await client();
      // Its log is the server's (stderr, one line each): what an officer's attachment did not do, with its reason.
      return openIntake(env, (line) => console.error(`web: ${loggable(line)}`), {
        dossier: new DossierClient(asUser, clientOptions),
        campaigns: new CampaignClient(asUser, clientOptions),
        store: store(),
      });
    },
    sentMail: sentMailReader(env, store),
    receivedDocument: receivedDocumentReader(env, store),
    keepDocuments: documentKeeper(env, store),
    lateReplies: lateReplyReader(() => caseDocumentsOf(env, store())),
    publishedFiles: () => store().files,
    revokedSessions: revokedSessionsFrom(store),
    tokenRefreshes: tokenRefreshesFrom(store),
    // Another web host may serve the page a refused form goes on to.
    refusedForms: refusedFormsFrom(store),
    // The language a user chose follows them to another browser and another web host.
    userPreferences: userPreferencesFrom(store),
    now: options.now,
    boardPageSize: options.boardPageSize,
    storeSetting: storeSettingOf(env),
  });
  // A listen that fails (a taken port) rejects here: unlistened, its 'error' event ended the process.
  const server: ServerType = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err: unknown) => {
    await closeOwnStore();
    throw err;
  });
  // The answers still being written when a stop begins close their connections behind them.
  const inHand = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inHand.add(res);
    res.once('close', () => inHand.delete(res));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: config.publicUrl,
    port,
    async stop() {
      // Idle keep-alive connections close at once; a request in hand (a form being recorded) gets
      // STOP_GRACE_MS to finish and answer, so its officer learns what became of it; then it is cut.
      const http = server as { closeAllConnections?: () => void; closeIdleConnections?: () => void };
      for (const res of inHand) if (!res.headersSent) res.setHeader('Connection', 'close');
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => http.closeAllConnections?.(), STOP_GRACE_MS);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        http.closeIdleConnections?.();
      });
      await closeOwnStore();
    },
  };
}
