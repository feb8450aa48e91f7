// The worker's activities, built from their dependencies (SMTP transport, ledger, folders) so tests
// and the embedded set-up can hand in their own. Workflows import only the `Activities` type.
import type { Transporter } from 'nodemailer';
import { FileDeliveryLedger, type DeliveryLedger } from './delivery-ledger';
import { createEmailActivities, createSmtpTransport, type EmailHooks } from './email';
import { join } from 'node:path';
import { createStatementActivities } from './statement';
import { createRetentionActivities } from './retention';
import { createDigestActivities } from './officer-digest';
import { createCalendarActivities } from './calendar';
import { keyIdForWorkflow, type FileKeyStore } from '../encryption/keystore';
import { ledgerKeyFrom } from './sealed-ledger';

export interface ActivityDeps {
  smtpUrl: string;
  mailFrom: string;
  /** Replies' address (Reply-To); `case@<MAIL_FROM's domain>` when absent. */
  caseMailbox?: string;
  outputDir: string;
  stateDir: string;
  /** Overrides for tests; built from the URLs and folders above when absent. */
  transport?: Transporter;
  ledger?: DeliveryLedger;
  /** The data keys payloads are encrypted with; crypto-shredding destroys one of them. */
  keystore?: FileKeyStore;
  /** The web workspace's address; approval emails link to the statement page there. */
  workspaceUrl?: string;
  /** Test seams around sending (e.g. a delay after SMTP acceptance); none in production. */
  emailHooks?: EmailHooks;
}

export function createActivities(deps: ActivityDeps) {
  const transport = deps.transport ?? createSmtpTransport(deps.smtpUrl);
  const ledger = deps.ledger ?? new FileDeliveryLedger(join(deps.stateDir, 'deliveries'));
  const keystore = deps.keystore;
  return {
    ...createEmailActivities({
      transport,
      mailFrom: deps.mailFrom,
      caseMailbox: deps.caseMailbox,
      ledger,
      outputDir: deps.outputDir,
      hooks: deps.emailHooks,
      workspaceUrl: deps.workspaceUrl,
      ledgerKeyFor: keystore && ((threadId) => ledgerKeyFrom(keystore.encryptionKey(keyIdForWorkflow(threadId)))),
    }),
    ...createStatementActivities({ outputDir: deps.outputDir }),
    ...createDigestActivities(),
    ...createCalendarActivities(),
    ...createRetentionActivities(deps.keystore),
  };
}

export type Activities = ReturnType<typeof createActivities>;
