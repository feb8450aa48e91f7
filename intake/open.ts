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
import { parseIntakeConfig, type IntakeConfig } from './config';
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
    mailbox = mailboxFor(config);
    await mailbox.open();
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
