// Sends one message of a case over SMTP with nodemailer. Thin on purpose: the text comes from
// compose.ts, the delivered-once guarantee from the ledger, the retry decision from the error
// type (a 5xx is permanent, a refused connection or a 4xx is retried by Temporal with backoff; when
// only some recipients are deferred, the retry sends to those alone).
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Contact, OutgoingMessage, SentMessage } from '../workflows/types';
import type { DeliveryLedger, DeliveryRecord } from './delivery-ledger';
import { ErrorType, recipientRejected } from './errors';
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
      if (previous && !previous.deferred?.length) return alreadyDelivered(previous);
      const composed = await composeMessage(message, { outputDir, domain });
      const rootStep = threadRootStep(message.threadId);
      const root = rootStep === undefined ? undefined : messageIdFor(message.threadId, rootStep, domain);
      const threading = root === undefined || root === messageId ? {} : { inReplyTo: root, references: [root] };
      const activity = currentActivity();
      const turn = await ledger.begin(messageId, { signal: activity?.cancellationSignal });
      if (turn.delivered) return alreadyDelivered(turn.delivered);
      try {
        // After a partial delivery only the recipients the server deferred (4xx) are still owed a copy.
        const partial = ledger.find(messageId);
        const owed = new Set(partial?.deferred?.map(normal));
        const to = partial ? message.to.filter((c) => owed.has(normal(c.email))) : message.to;
        let info: SmtpInfo;
        try {
          info = await transport.sendMail({
            from: mailFrom,
            to: to.map((c) => ({ name: c.name, address: c.email })),
            messageId,
            ...threading,
            ...composed,
          });
        } catch (err) {
          const failure = classifySmtpError(err, to);
          if (!partial || !isPermanent(failure)) throw failure;
          // The others already have it: record these recipients as refused instead of failing the send.
          info = { accepted: [], rejected: to.map((c) => c.email) };
        }
        await hooks.afterAccepted?.(messageId, activity?.info.attempt ?? 1);
        const deferred = (info.rejectedErrors ?? []).filter((e) => (e.responseCode ?? 500) < 500).map((e) => normal(e.recipient ?? ''));
        const record: DeliveryRecord = {
          messageId,
          accepted: [...(partial?.accepted ?? []), ...info.accepted.map(addressOf)],
          rejected: [...(partial?.rejected ?? []), ...info.rejected.map(addressOf).filter((a) => !deferred.includes(normal(a)))],
          deliveredAt: new Date().toISOString(),
          ...(deferred.length ? { deferred } : {}),
          ...(turn.tookOverFromCrash || partial?.resentAfterCrash ? { resentAfterCrash: true } : {}),
        };
        ledger.record(record);
        if (deferred.length) {
          throw ApplicationFailure.retryable(
            `The mail server deferred ${deferred.join(', ')} (delivered to ${record.accepted.join(', ')}); retrying for them only.`,
            ErrorType.RecipientDeferred,
          );
        }
        return {
          messageId,
          accepted: record.accepted,
          rejected: record.rejected,
          alreadyDelivered: false,
          ...(record.resentAfterCrash ? { resentAfterCrash: true } : {}),
        };
      } finally {
        turn.release();
      }
    },
  };
}

interface SmtpInfo {
  accepted: (string | { address: string })[];
  rejected: (string | { address: string })[];
  rejectedErrors?: { responseCode?: number; recipient?: string }[];
}

function normal(address: string): string {
  return address.trim().toLowerCase();
}

function isPermanent(failure: unknown): boolean {
  return failure instanceof ApplicationFailure && failure.type === ErrorType.RecipientRejected;
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
function classifySmtpError(err: unknown, to: Contact[]): unknown {
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
  const recipients = e.rejected?.length ? e.rejected : to.map((c) => c.email);
  return recipientRejected(`The mail server refused ${recipients.join(', ')}: ${e.message ?? 'no reason given'}`, {
    recipients,
    smtpCode: e.responseCode,
  });
}
