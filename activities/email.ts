// Sends one message of a case over SMTP with nodemailer. Thin on purpose: the text comes from
// compose.ts, the delivered-once guarantee from the ledger, the retry decision from the error
// type (a 5xx is permanent, a refused connection or a 4xx is retried by Temporal with backoff).
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { OutgoingMessage, SentMessage } from '../workflows/types';
import { Context } from '@temporalio/activity';
import type { DeliveryLedger, DeliveryRecord } from './delivery-ledger';
import { recipientRejected } from './errors';
import { composeMessage, messageIdFor, threadRootStep } from './compose';

export interface EmailDeps {
  transport: Transporter;
  mailFrom: string;
  ledger: DeliveryLedger;
  /** Where relative attachment paths (published statements) are found. */
  outputDir?: string;
  hooks?: EmailHooks;
}

/** Test seams around the send; production passes none. */
export interface EmailHooks {
  /**
   * Runs after the mail server accepted the message and before the ledger records it: the window
   * a crash or a timeout would fall into. Tests delay here to prove a retry sends no second copy.
   */
  afterAccepted?(messageId: string, attempt: number): Promise<void>;
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

export function createEmailActivities({ transport, mailFrom, ledger, outputDir, hooks = {} }: EmailDeps) {
  const domain = mailDomain(mailFrom);
  return {
    async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
      const messageId = messageIdFor(message.threadId, message.step, domain);
      const previous = ledger.find(messageId);
      if (previous) return alreadyDelivered(previous);
      const composed = await composeMessage(message, { outputDir, domain });
      const root = messageIdFor(message.threadId, threadRootStep(message.threadId), domain);
      const threading = root === messageId ? {} : { inReplyTo: root, references: [root] };
      const activity = currentActivity();
      const turn = await ledger.begin(messageId, { signal: activity?.cancellationSignal });
      if (turn.delivered) return alreadyDelivered(turn.delivered);
      try {
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
        await hooks.afterAccepted?.(messageId, activity?.info.attempt ?? 1);
        const record = {
          messageId,
          accepted: info.accepted.map(addressOf),
          rejected: info.rejected.map(addressOf),
          deliveredAt: new Date().toISOString(),
        };
        ledger.record(record);
        return { messageId, accepted: record.accepted, rejected: record.rejected, alreadyDelivered: false };
      } finally {
        turn.release();
      }
    },
  };
}

function alreadyDelivered(record: DeliveryRecord): SentMessage {
  return { messageId: record.messageId, accepted: record.accepted, rejected: record.rejected, alreadyDelivered: true };
}

/** The running activity's context, or undefined when called directly (scripts, unit tests). */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

export function mailDomain(mailFrom: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(mailFrom);
  return match ? match[1] : 'dossier.localhost';
}

/**
 * A permanent refusal (5xx, or an address nodemailer cannot even send to) becomes a non-retryable
 * failure; a 4xx or a connection failure is thrown as is, and Temporal retries it with backoff.
 */
function classifySmtpError(err: unknown, message: OutgoingMessage): unknown {
  const e = err as {
    responseCode?: number;
    code?: string;
    message?: string;
    rejected?: string[];
    rejectedErrors?: { responseCode?: number }[];
  };
  const codes = e.rejectedErrors?.length ? e.rejectedErrors.map((r) => r.responseCode) : [e.responseCode];
  const permanent =
    codes.every((c) => c !== undefined && c >= 500) || (e.code === 'EENVELOPE' && codes.every((c) => c === undefined));
  if (!permanent) return err;
  const recipients = e.rejected?.length ? e.rejected : message.to.map((c) => c.email);
  return recipientRejected(`The mail server refused ${recipients.join(', ')}: ${e.message ?? 'no reason given'}`, {
    recipients,
    smtpCode: e.responseCode,
  });
}
