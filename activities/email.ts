// Sends one message of a case over SMTP with nodemailer. Thin on purpose: the text comes from
// compose.ts, the delivered-once guarantee from the ledger, the retry decision from the error
// type (a 5xx is permanent, a refused connection or a 4xx is retried by Temporal with backoff).
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { OutgoingMessage, SentMessage } from '../workflows/types';
import type { DeliveryLedger } from './delivery-ledger';
import { recipientRejected } from './errors';
import { composeMessage, messageIdFor, threadRootStep } from './compose';

export interface EmailDeps {
  transport: Transporter;
  mailFrom: string;
  ledger: DeliveryLedger;
}

/** A pooled transport: bursts of reminders reuse a few connections instead of one per message. */
export function createSmtpTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  const options: SMTPPool.Options = {
    pool: true,
    maxConnections: 5,
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    // Loopback sinks speak plain SMTP; a real relay is expected to offer STARTTLS.
    ignoreTLS: ['127.0.0.1', 'localhost', '::1'].includes(url.hostname),
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  return nodemailer.createTransport(options);
}

export function createEmailActivities({ transport, mailFrom, ledger }: EmailDeps) {
  const domain = mailDomain(mailFrom);
  return {
    async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
      const messageId = messageIdFor(message.threadId, message.step, domain);
      const previous = ledger.find(messageId);
      if (previous) return { messageId, accepted: previous.accepted, rejected: previous.rejected, alreadyDelivered: true };
      const composed = await composeMessage(message);
      const root = messageIdFor(message.threadId, threadRootStep(message.threadId), domain);
      const threading = root === messageId ? {} : { inReplyTo: root, references: [root] };
      let info: { accepted: (string | { address: string })[]; rejected: (string | { address: string })[] };
      try {
        info = await transport.sendMail({
          from: mailFrom,
          to: message.to.map((c) => ({ name: c.name, address: c.email })),
          messageId,
          ...threading,
          ...composed,
        });
      } catch (err) {
        throw classifySmtpError(err, message);
      }
      const record = {
        messageId,
        accepted: info.accepted.map(addressOf),
        rejected: info.rejected.map(addressOf),
        deliveredAt: new Date().toISOString(),
      };
      ledger.record(record);
      return { messageId, accepted: record.accepted, rejected: record.rejected, alreadyDelivered: false };
    },
  };
}

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

export function mailDomain(mailFrom: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(mailFrom);
  return match ? match[1] : 'dossier.localhost';
}

/** A permanent refusal becomes a non-retryable failure; anything else is thrown as is, and retried. */
function classifySmtpError(err: unknown, message: OutgoingMessage): unknown {
  const e = err as { responseCode?: number; code?: string; message?: string; rejected?: string[] };
  const permanent = (e.responseCode !== undefined && e.responseCode >= 500) || e.code === 'EENVELOPE';
  if (!permanent) return err;
  const recipients = e.rejected?.length ? e.rejected : message.to.map((c) => c.email);
  return recipientRejected(`The mail server refused ${recipients.join(', ')}: ${e.message ?? 'no reason given'}`, {
    recipients,
    smtpCode: e.responseCode,
  });
}
