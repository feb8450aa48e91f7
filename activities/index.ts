// The worker's activities, built from their dependencies (SMTP transport, ledger, folders) so tests
// and the embedded set-up can hand in their own. Workflows import only the `Activities` type.
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { DeliveryLedger } from './delivery-ledger';
import { createEmailActivities, createSmtpTransport, type EmailHooks, type UnrecordedSends } from './email';
import { createStatementActivities } from './statement';
import { createRetentionActivities } from './retention';
import { createDigestActivities, type HeldPen } from './officer-digest';
import { createCalendarActivities } from './calendar';
import { campaignPensHoldingIn, heldPenCountedIn } from '../intake/held-census';
import { failureIfShredded, keyIdForWorkflow, type KeyStore } from '../encryption/keystore';
import { CaseDocuments } from '../documents/document-store';
import { parseWorkflowId } from '../workflows/workflow-ids';
import { ledgerKeyFrom } from './sealed-ledger';
import { openLocalStore } from '../store/local';
import type { SharedStore } from '../store/types';

export interface ActivityDeps {
  smtpUrl: string;
  mailFrom: string;
  /** Replies' address (Reply-To); `case@<MAIL_FROM's domain>` when absent. */
  caseMailbox?: string;
  outputDir: string;
  stateDir: string;
  /** Shared state (ledger, published files): local files under the folders above when absent. */
  store?: SharedStore;
  /** Overrides for tests; built from the URLs and folders above when absent. */
  transport?: Transporter;
  ledger?: DeliveryLedger;
  /** The data keys payloads are encrypted with; crypto-shredding destroys one of them. */
  keystore?: KeyStore;
  /** The web workspace's address; approval emails link to the statement page there. */
  workspaceUrl?: string;
  /** Test seams around sending (e.g. a delay after SMTP acceptance); none in production. */
  emailHooks?: EmailHooks;
  /**
   * Opens the case mailbox, for the digest to count each campaign's holding pen; absent: the counts the
   * intake wrote to the shared store (a worker of a cluster holds no mailbox credentials).
   */
  heldMail?: () => Promise<HeldPen>;
  /** Receives the sends the ledger could not record yet, for the worker to write or name as it stops. */
  onUnrecorded?: (sends: UnrecordedSends) => void;
}

export function createActivities(deps: ActivityDeps) {
  const transport = deps.transport ?? createSmtpTransport(deps.smtpUrl);
  // Without a store of its own (tests), state is local; the keys folder is never used from here.
  const store = deps.store ?? openLocalStore({ outputDir: deps.outputDir, stateDir: deps.stateDir, keysDir: join(deps.stateDir, 'keys') });
  const ledger = deps.ledger ?? store.ledger;
  const files = store.files;
  const keystore = deps.keystore;
  return {
    ...createEmailActivities({
      transport,
      mailFrom: deps.mailFrom,
      caseMailbox: deps.caseMailbox,
      ledger,
      files,
      hooks: deps.emailHooks,
      workspaceUrl: deps.workspaceUrl,
      onUnrecorded: deps.onUnrecorded,
      // A shredded campaign's send fails before anything goes out, once (no retry can bring the key back).
      ledgerKeyFor:
        keystore &&
        (async (threadId) =>
          ledgerKeyFrom(
            await keystore.encryptionKey(keyIdForWorkflow(threadId)).catch((err: unknown) => {
              throw failureIfShredded(err);
            }),
          )),
      // Copies are sealed under the campaign's key, so only cases' mail is kept (none without keys).
      keepCopy:
        keystore &&
        (async (message, raw) => {
          const ref = parseWorkflowId(message.threadId);
          if (ref && ref.kind !== 'retention') await new CaseDocuments(store.documents, keystore).saveSentCopy(ref.campaignId, message.threadId, message.step, raw);
        }),
    }),
    ...createStatementActivities({ files }),
    // Without the case mailbox, the counts the intake keeps in the shared store (intake/held-census.ts);
    // with it or not, the store's census names the pens of ended campaigns that still hold mail.
    ...createDigestActivities(undefined, deps.heldMail ?? heldPenCountedIn(store.files), campaignPensHoldingIn(store.files)),
    ...createCalendarActivities(),
    ...createRetentionActivities(deps.keystore, store.documents),
  };
}

export type Activities = ReturnType<typeof createActivities>;
