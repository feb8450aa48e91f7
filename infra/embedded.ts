// The embedded defaults: when no Temporal server or mail relay is configured, start the real dev
// server (SQLite in the data folder, DOSSIER_DATA_DIR else .data/; Web UI on) and the local mail
// sink (every message kept as .eml under out/mail/). `npm start`, the demo and the benchmarks all
// come up through here. While it runs, embedded.json in the data folder tells the CLI and other
// processes where it is; a second process (the demo, a worker started alone) uses the set-up
// already running instead of clashing with it.
import { once } from 'node:events';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureDevMasterKeys, loadEncryption } from '../encryption/config';
import { namesSharedStore } from '../store';
import { codecTokenFromEnv, createCodecServer } from '../encryption/codec-server';
import { createServer } from 'node:net';
import { startDevServer, type DevServer } from './dev-server';
import { removeProfile, runningProfile, stopOrphanedServer, withEmbeddedProfile, writeProfile } from '../config/embedded-profile';
import { localFolders } from '../config/local-folders';
import { MailSink } from './mail-sink';
import { parseIntakeConfig } from '../intake/config';
import { MaildirMailbox } from '../intake/maildir-mailbox';

export interface EmbeddedOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  outputDir?: string;
  log?: (line: string) => void;
  /** The workspace the caller serves beside this set-up, recorded for the workers started next to it. */
  workspaceUrl?: string;
}

export interface Embedded {
  /** The environment a worker or client should read: the caller's, plus what was started. */
  env: NodeJS.ProcessEnv;
  server?: DevServer;
  sink?: MailSink;
  /** The codec server the Web UI decrypts through, and the token it requires. */
  codec?: { url: string; token: string };
  /** Set when another process's embedded set-up was running and is used instead (nothing started). */
  reusedFrom?: number;
  stop(): Promise<void>;
}

/** The ports `npm start` listens on, the variable that moves each, and its default. */
export const EMBEDDED_PORTS = [
  { variable: 'DOSSIER_DEV_SERVER_PORT', what: 'Temporal dev server', port: 7233 },
  { variable: 'DOSSIER_UI_PORT', what: 'Temporal Web UI', port: 8233 },
  { variable: 'DOSSIER_CODEC_PORT', what: 'codec server', port: 8234 },
  { variable: 'DOSSIER_SINK_PORT', what: 'mail sink', port: 2525 },
] as const;

function portOf(env: NodeJS.ProcessEnv, variable: (typeof EMBEDDED_PORTS)[number]['variable']): number {
  const entry = EMBEDDED_PORTS.find((p) => p.variable === variable)!;
  const raw = env[variable]?.trim();
  if (!raw) return entry.port;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable}="${raw}" is not a port number (1-65535)`);
  return port;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Every port this set-up needs is free, or an error naming each taken one and how to move it. */
async function requireFreePorts(env: NodeJS.ProcessEnv, variables: (typeof EMBEDDED_PORTS)[number]['variable'][]): Promise<void> {
  const taken: string[] = [];
  for (const variable of variables) {
    const port = portOf(env, variable);
    if (!(await isFree(port))) taken.push(`${port} (${EMBEDDED_PORTS.find((p) => p.variable === variable)!.what}; set ${variable} to move it)`);
  }
  if (taken.length) throw new Error(portsTakenMessage(taken));
}

/** Each taken port with what it is for; several are said in the plural. */
export function portsTakenMessage(taken: string[]): string {
  return (
    `${taken.length > 1 ? 'ports' : 'port'} ${taken.join(', ')} ${taken.length > 1 ? 'are' : 'is'} already in use on 127.0.0.1. ` +
    'If another `npm start` runs from a different folder, stop it (Ctrl-C in its terminal) or give this one other ports.'
  );
}

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<Embedded> {
  let env = { ...(options.env ?? process.env) };
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.dataDir) env.DOSSIER_DATA_DIR = options.dataDir;
  // The folders this set-up and the processes it starts share, named in their environment so they
  // agree whatever their working folder. The keystore is left to DOSSIER_DATA_DIR: named, it would
  // hide keys an earlier version kept elsewhere (encryption/config.ts refuses to start over them).
  const folders = localFolders(env, { fromProject: true });
  const { dataDir } = folders;
  env.DOSSIER_DATA_DIR = dataDir;
  if (!env.TEMPORAL_ADDRESS && !env.SMTP_URL) {
    const running = await runningProfile(env);
    if (running) {
      env = await withEmbeddedProfile(env);
      log(`Using the embedded set-up already running (pid ${running.pid}); it keeps running after this process.`);
      log(`Temporal server      ${running.temporalAddress}${running.uiUrl ? `  (Web UI ${running.uiUrl})` : ''}`);
      if (running.smtpUrl) log(`Mail sink            ${running.smtpUrl}  (messages: ${join(running.outputDir, 'mail')})`);
      return { env, reusedFrom: running.pid, stop: async () => undefined };
    }
  }
  const outputDir = options.outputDir ?? folders.outputDir;
  env.DOSSIER_OUTPUT_DIR = outputDir;
  env.DOSSIER_STATE_DIR = folders.stateDir;
  let server: DevServer | undefined;
  let sink: MailSink | undefined;
  let codecServer: Server | undefined;
  let codec: Embedded['codec'];
  let codecTokenFile = '';
  let profileWritten = false;
  const stop = async () => {
    if (profileWritten) removeProfile(process.pid, env);
    await sink?.stop();
    await server?.stop();
    codecServer?.close();
  };
  try {
    if (!env.TEMPORAL_ADDRESS) await stopOrphanedServer(env, log);
    await requireFreePorts(env, [
      ...(env.TEMPORAL_ADDRESS ? [] : (['DOSSIER_DEV_SERVER_PORT', 'DOSSIER_UI_PORT', 'DOSSIER_CODEC_PORT'] as const)),
      ...(env.SMTP_URL ? [] : (['DOSSIER_SINK_PORT'] as const)),
    ]);
    // With a shared store the cluster's keys must be given: the worker refuses to start without them.
    if (!env.DOSSIER_MASTER_KEYS && !env.DOSSIER_MASTER_KEYS_FILE && !namesSharedStore(env)) {
      env.DOSSIER_MASTER_KEYS_FILE = ensureDevMasterKeys(folders.devMasterKeysFile);
      log(`Payload encryption   development master key in ${env.DOSSIER_MASTER_KEYS_FILE}`);
    }
    if (!env.TEMPORAL_ADDRESS) {
      const uiPort = portOf(env, 'DOSSIER_UI_PORT');
      // The Web UI decrypts payloads through this codec server, which holds the keys; the
      // browser calls it directly, so it must allow the UI's origin.
      // The UI sends no bearer token to a plain-HTTP codec server, so it gets an endpoint URL that
      // carries the token; the token is also kept owner-only in the data folder for other tools.
      const token = codecTokenFromEnv(env);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dataDir, 'codec.token'), `${token}\n`, { mode: 0o600 });
      chmodSync(join(dataDir, 'codec.token'), 0o600);
      codecServer = createCodecServer({
        codec: loadEncryption(env).codec,
        allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
        token,
      });
      codecTokenFile = join(dataDir, 'codec.token');
      codecServer.listen(portOf(env, 'DOSSIER_CODEC_PORT'), '127.0.0.1');
      await once(codecServer, 'listening');
      const codecUrl = `http://127.0.0.1:${(codecServer.address() as AddressInfo).port}`;
      codec = { url: codecUrl, token };
      const port = portOf(env, 'DOSSIER_DEV_SERVER_PORT');
      server = await startDevServer({
        dbFilename: join(dataDir, 'temporal.sqlite'),
        port,
        uiPort,
        logFile: join(dataDir, 'temporal-server.log'),
        uiCodecEndpoint: `${codecUrl}/${token}`,
        ownProcessGroup: true,
      });
      env.TEMPORAL_ADDRESS = server.address;
      env.TEMPORAL_NAMESPACE = server.namespace;
      log(`Temporal dev server  ${server.address}  (state: ${join(dataDir, 'temporal.sqlite')})`);
      log(`Temporal Web UI      ${server.uiUrl}  (decrypts through the codec server ${codecUrl}; token in ${codecTokenFile})`);
    } else {
      log(`Temporal server      ${env.TEMPORAL_ADDRESS} (from TEMPORAL_ADDRESS)`);
    }
    if (!env.SMTP_URL) {
      // Without a real IMAP server, mail to the case mailbox lands in a local Maildir the intake reads;
      // named, since an intake with a shared store reads no Maildir it was not told of.
      env.DOSSIER_MAILDIR = folders.maildir;
      const intakeConfig = parseIntakeConfig(env);
      const caseMailbox =
        intakeConfig.mailbox.kind === 'maildir' ? { address: intakeConfig.caseMailbox, maildir: new MaildirMailbox(intakeConfig.mailbox.root) } : undefined;
      await caseMailbox?.maildir.open();
      sink = await new MailSink({ port: portOf(env, 'DOSSIER_SINK_PORT'), folder: join(outputDir, 'mail'), caseMailbox }).start();
      env.SMTP_URL = sink.url;
      log(`Mail sink            ${sink.url}  (messages: ${join(outputDir, 'mail')})`);
      if (caseMailbox) log(`Case mailbox         ${caseMailbox.address} delivered to ${caseMailbox.maildir.root}`);
    } else {
      log(`Mail relay           ${redact(env.SMTP_URL)} (from SMTP_URL)`);
    }
    if (server) {
      const path = writeProfile(
        {
          pid: process.pid,
          serverPid: server.process.pid,
          temporalAddress: server.address,
          namespace: server.namespace,
          smtpUrl: sink?.url,
          uiUrl: server.uiUrl,
          outputDir,
          stateDir: folders.stateDir,
          keysDir: folders.keysDir,
          masterKeysFile: env.DOSSIER_MASTER_KEYS_FILE,
          workspaceUrl: options.workspaceUrl,
        },
        env,
      );
      profileWritten = true;
      log(`CLI connection       export TEMPORAL_ADDRESS=${server.address} TEMPORAL_NAMESPACE=${server.namespace}`);
      log(`                     (or nothing: \`npx dossier\` and \`npm run worker\` find this set-up through ${path})`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, server, sink, codec, stop };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable SMTP_URL)';
  }
}
