// The embedded defaults: when no Temporal server or mail relay is configured, start the real dev
// server (SQLite under .data/, Web UI on) and the local mail sink (every message kept as .eml
// under out/mail/). `npm start`, the demo and the benchmarks all come up through here.
import { once } from 'node:events';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureDevMasterKeys, loadEncryption } from '../encryption/config';
import { createCodecServer, generateCodecToken } from '../encryption/codec-server';
import { startDevServer, type DevServer } from './dev-server';
import { MailSink } from './mail-sink';
import { parseIntakeConfig } from '../intake/config';
import { MaildirMailbox } from '../intake/maildir-mailbox';
import { PROJECT_ROOT } from '../paths';

export interface EmbeddedOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  outputDir?: string;
  log?: (line: string) => void;
}

export interface Embedded {
  /** The environment a worker or client should read: the caller's, plus what was started. */
  env: NodeJS.ProcessEnv;
  server?: DevServer;
  sink?: MailSink;
  /** The codec server the Web UI decrypts through, and the token it requires. */
  codec?: { url: string; token: string };
  stop(): Promise<void>;
}

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<Embedded> {
  const env = { ...(options.env ?? process.env) };
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? join(PROJECT_ROOT, '.data');
  const outputDir = options.outputDir ?? env.DOSSIER_OUTPUT_DIR ?? join(PROJECT_ROOT, 'out');
  env.DOSSIER_OUTPUT_DIR = outputDir;
  env.DOSSIER_STATE_DIR ??= join(dataDir, 'state');
  let server: DevServer | undefined;
  let sink: MailSink | undefined;
  let codecServer: Server | undefined;
  let codec: Embedded['codec'];
  let codecTokenFile = '';
  const stop = async () => {
    await sink?.stop();
    await server?.stop();
    codecServer?.close();
  };
  try {
    if (!env.DOSSIER_MASTER_KEYS && !env.DOSSIER_MASTER_KEYS_FILE) {
      env.DOSSIER_MASTER_KEYS_FILE = ensureDevMasterKeys();
      log(`Payload encryption   development master key in ${env.DOSSIER_MASTER_KEYS_FILE}`);
    }
    if (!env.TEMPORAL_ADDRESS) {
      const uiPort = Number(env.DOSSIER_UI_PORT ?? 8233);
      // The Web UI decrypts payloads through this codec server, which holds the keys; the
      // browser calls it directly, so it must allow the UI's origin.
      // The UI sends no bearer token to a plain-HTTP codec server, so it gets an endpoint URL that
      // carries the token; the token is also kept owner-only in the data folder for other tools.
      const token = env.DOSSIER_CODEC_TOKEN || generateCodecToken();
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dataDir, 'codec.token'), `${token}\n`, { mode: 0o600 });
      chmodSync(join(dataDir, 'codec.token'), 0o600);
      codecServer = createCodecServer({
        codec: loadEncryption(env).codec,
        allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
        token,
      });
      codecTokenFile = join(dataDir, 'codec.token');
      codecServer.listen(Number(env.DOSSIER_CODEC_PORT ?? 8234), '127.0.0.1');
      await once(codecServer, 'listening');
      const codecUrl = `http://127.0.0.1:${(codecServer.address() as AddressInfo).port}`;
      codec = { url: codecUrl, token };
      const port = Number(env.DOSSIER_DEV_SERVER_PORT ?? 7233);
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
      // Without a real IMAP server, mail to the case mailbox lands in a local Maildir the intake reads.
      const intakeConfig = parseIntakeConfig(env);
      const caseMailbox =
        intakeConfig.mailbox.kind === 'maildir' ? { address: intakeConfig.caseMailbox, maildir: new MaildirMailbox(intakeConfig.mailbox.root) } : undefined;
      await caseMailbox?.maildir.open();
      sink = await new MailSink({ port: Number(env.DOSSIER_SINK_PORT ?? 2525), folder: join(outputDir, 'mail'), caseMailbox }).start();
      env.SMTP_URL = sink.url;
      log(`Mail sink            ${sink.url}  (messages: ${join(outputDir, 'mail')})`);
      if (caseMailbox) log(`Case mailbox         ${caseMailbox.address} delivered to ${caseMailbox.maildir.root}`);
    } else {
      log(`Mail relay           ${redact(env.SMTP_URL)} (from SMTP_URL)`);
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
