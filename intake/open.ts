// Everything the intake needs, built from the environment: the mailbox, the Temporal client (the
// same variables and keys as the CLI), the document store and the directory. The intake process
// and the CLI's `inbox` commands both start here.
import type { MetricMeter } from '@temporalio/common';
import { DossierClient } from '../client/api';
import { CampaignClient } from '../client/campaign-api';
import { connectLazily } from '../client/connection';
import { CaseDocuments } from '../documents/document-store';
import { loadEncryption } from '../encryption/config';
import { openStore, storeSettingsFromEnv, type SharedStore } from '../store';
import { DossierError } from '../workflows/errors';
import { mailboxAddress, parseIntakeConfig, type IntakeConfig } from './config';
import { TemporalDirectory } from './directory';
import { heldCensusIn } from './held-census';
import { ImapMailbox } from './imap-mailbox';
import { Intake } from './intake';
import type { MailboxSource } from './mailbox';
import type { LateReplyReceived } from '../workflows/messages';
import { MaildirMailbox } from './maildir-mailbox';

export interface OpenedIntake {
  config: IntakeConfig;
  intake: Intake;
  mailbox: MailboxSource;
  close(): Promise<void>;
}

export function mailboxFor(config: Pick<IntakeConfig, 'mailbox'>): MailboxSource {
  return config.mailbox.kind === 'imap' ? new ImapMailbox(config.mailbox.settings) : new MaildirMailbox(config.mailbox.root);
}

/** The case mailbox could not be opened: the message names the variable that points at it, and why. */
export class MailboxUnreachableError extends DossierError<'MailboxUnreachable'> {
  constructor(message: string, cause: unknown) {
    super('MailboxUnreachable', message, { cause });
  }
}

/**
 * The configured mailbox, opened. A failure to reach an IMAP server says which variable named it
 * (the network error alone, `connect ECONNREFUSED 127.0.0.1:1`, names nothing an operator can change).
 */
export async function openMailbox(config: Pick<IntakeConfig, 'mailbox'>): Promise<MailboxSource> {
  const mailbox = mailboxFor(config);
  try {
    await mailbox.open();
  } catch (err) {
    await mailbox.close().catch(() => undefined);
    if (config.mailbox.kind !== 'imap') throw err;
    const failure = err as { code?: unknown; authenticationFailed?: unknown; message?: unknown };
    const where = mailboxAddress(config.mailbox);
    if (failure.authenticationFailed) {
      throw new MailboxUnreachableError(`DOSSIER_IMAP_URL: the IMAP server at ${where} refused the user or password; check the user in DOSSIER_IMAP_URL and DOSSIER_IMAP_PASSWORD (or DOSSIER_IMAP_PASSWORD_FILE)`, err);
    }
    throw new MailboxUnreachableError(`DOSSIER_IMAP_URL: cannot connect to the IMAP server at ${where} (${networkReason(failure)}); check the host and port in DOSSIER_IMAP_URL and that the server is up`, err);
  }
  return mailbox;
}

function networkReason({ code, message }: { code?: unknown; message?: unknown }): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'no answer in time';
    case 'ECONNRESET':
      return 'the connection was closed (plain imap:// to a TLS port, or imaps:// to a plain one?)';
    default:
      return typeof message === 'string' ? message : String(code ?? 'unknown error');
  }
}

/**
 * `clients`: the typed client APIs of a process that is already connected (the web workspace); the
 * intake connects on its own from the environment without them. `clients.store`: that process's
 * shared store, used and left open; without it the intake opens its own and closes it with itself.
 */
export async function openIntake(
  env: NodeJS.ProcessEnv = process.env,
  log?: (line: string) => void,
  clients?: { dossier: DossierClient; campaigns: CampaignClient; store?: SharedStore },
  metricMeter?: MetricMeter,
): Promise<OpenedIntake> {
  const config = parseIntakeConfig(env);
  const ownStore = !clients?.store;
  const store = clients?.store ?? openStore(storeSettingsFromEnv(env));
  let connection: ReturnType<typeof connectLazily> | undefined;
  let documents: CaseDocuments;
  let mailbox: MailboxSource;
  try {
    if (!clients) {
      // The payload codec's keys from this store: one store for the whole intake, closed with it. Its
      // own identity, not the SDK's `pid@host`: the history says the intake recorded the mail.
      connection = connectLazily(env, { keys: () => store.keys, identity: config.identity });
      const client = await connection.client();
      const target = { taskQueue: connection.target.taskQueue, address: connection.target.address };
      clients = { dossier: new DossierClient(client, target), campaigns: new CampaignClient(client, target) };
    }
    await store.ready();
    documents = new CaseDocuments(store.documents, loadEncryption(env, store.keys).keystore);
    mailbox = await openMailbox(config);
  } catch (err) {
    // Opened for this intake and refused on the way: nothing is left holding connections.
    if (ownStore) await store.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    throw err;
  }
  const { dossier, campaigns } = clients;
  const directory = new TemporalDirectory(dossier, campaigns);
  // Each pen's count goes to the shared store, where a worker without the mailbox's password reads it for the digest.
  const census = heldCensusIn(store.files);
  // A reply attached to a closed record reaches its campaign, so the statement's next version says it.
  const tellCampaign = (campaignId: string, reply: LateReplyReceived) => campaigns.tellLateReply(campaignId, reply);
  const intake = new Intake({ mailbox, dossier, documents, directory, domain: config.domain, caseMailbox: config.caseMailbox, authservId: config.authservId, maxMessageBytes: config.maxMessageBytes, log, metricMeter, census, tellCampaign });
  return {
    config,
    intake,
    mailbox,
    async close() {
      await mailbox.close();
      if (ownStore) await store.close();
      await connection?.close();
    },
  };
}
