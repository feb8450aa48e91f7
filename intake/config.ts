// The intake's configuration, parsed once from the environment: which case mailbox to read (IMAP
// with DOSSIER_IMAP_URL, else the local Maildir the embedded mail sink delivers into, which a host
// with a shared store must name in DOSSIER_MAILDIR), the case mailbox's address (DOSSIER_CASE_MAILBOX,
// as on outgoing Reply-To) and the sender domain that Dossier's Message-IDs carry (MAIL_FROM's). A
// bad value is a ConfigError naming the variable.
import { mailDomain } from '../activities/email';
import { localFolders } from '../config/local-folders';
import { ConfigError, withFileSecrets } from '../config/temporal';
import { DEFAULT_INTAKE_NAME, intakeActor } from '../client/identity';
import { namesSharedStore } from '../store';
import type { ImapSettings } from './imap-mailbox';

export type MailboxConfig = { kind: 'imap'; settings: ImapSettings } | { kind: 'maildir'; root: string };

export interface IntakeConfig {
  mailbox: MailboxConfig;
  caseMailbox: string;
  domain: string;
  /** The border mail server's authserv-id (DOSSIER_MAIL_AUTHSERV_ID): only mail it verified is recorded unreviewed. */
  authservId?: string;
  /** Bytes of the largest message the intake reads (DOSSIER_INTAKE_MAX_MESSAGE_MB); a larger one is held unread. */
  maxMessageBytes?: number;
  /**
   * Who Temporal records as recording the mail (client/identity.ts `intakeActor`): its name
   * (DOSSIER_INTAKE_NAME), the case mailbox and the host. Kept in plaintext, so the audit export
   * names the intake even once a campaign's key is destroyed.
   */
  identity: string;
}

const PLAIN_ADDRESS = /^[^\s@+<>]+@[^\s@<>]+$/;

export function parseIntakeConfig(env: NodeJS.ProcessEnv = process.env): IntakeConfig {
  const problems: string[] = [];
  const resolved = withFileSecrets(env, ['DOSSIER_IMAP_PASSWORD'], problems);
  const domain = mailDomain(env.MAIL_FROM?.trim() || 'Dossier <dossier@localhost>');
  const caseMailbox = env.DOSSIER_CASE_MAILBOX?.trim() || `case@${domain}`;
  if (!PLAIN_ADDRESS.test(caseMailbox)) problems.push('DOSSIER_CASE_MAILBOX: must be a plain address without "+", e.g. case@regulator.example');
  let mailbox: MailboxConfig = { kind: 'maildir', root: localFolders(env).maildir };
  const imapUrl = env.DOSSIER_IMAP_URL?.trim();
  if (imapUrl) {
    try {
      const url = new URL(imapUrl);
      if (!['imap:', 'imaps:'].includes(url.protocol)) throw new Error('protocol');
      const user = decodeURIComponent(url.username);
      const password = resolved.DOSSIER_IMAP_PASSWORD ?? decodeURIComponent(url.password);
      if (!user) problems.push('DOSSIER_IMAP_URL: name the mailbox user, e.g. imaps://case@imap.regulator.example:993');
      if (!password) problems.push('DOSSIER_IMAP_PASSWORD (or DOSSIER_IMAP_PASSWORD_FILE) is required with DOSSIER_IMAP_URL');
      const secure = url.protocol === 'imaps:';
      // As a socket takes it: an IPv6 literal without its brackets; a name lower-cased (an imap: URL keeps its case).
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
      // Plain IMAP carries the mailbox's password and the correspondence unencrypted: only this machine may be spoken to so.
      if (!secure && !isLoopbackHost(host)) {
        problems.push(
          `DOSSIER_IMAP_URL: imap:// to ${url.hostname} would send the mailbox password and mail unencrypted; ` +
            `use imaps://${url.username ? `${url.username}@` : ''}${url.hostname}${url.port && url.port !== '143' ? `:${url.port}` : ''} (imap:// is for a server on this machine: 127.0.0.1, ::1 or localhost)`,
        );
      }
      mailbox = { kind: 'imap', settings: { host, port: Number(url.port) || (secure ? 993 : 143), secure, user, password } };
    } catch {
      problems.push('DOSSIER_IMAP_URL: must be a URL such as imaps://case@imap.regulator.example:993');
    }
  } else if (!env.DOSSIER_MAILDIR?.trim() && namesSharedStore(env)) {
    // The default Maildir is where this host's embedded mail sink delivers; on a cluster host nothing does.
    problems.push(
      'DOSSIER_IMAP_URL is required with DATABASE_URL (a host of a cluster reads the case mailbox over IMAP), e.g. imaps://case@imap.regulator.example:993; ' +
        'or name the Maildir to read in DOSSIER_MAILDIR',
    );
  }
  const authservId = env.DOSSIER_MAIL_AUTHSERV_ID?.trim() || undefined;
  if (authservId !== undefined && !/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/i.test(authservId)) {
    problems.push('DOSSIER_MAIL_AUTHSERV_ID: must be the authserv-id your mail server writes in Authentication-Results, e.g. mx.regulator.example');
  }
  const maxMb = env.DOSSIER_INTAKE_MAX_MESSAGE_MB?.trim();
  const maxMessageBytes = maxMb ? Number(maxMb) * 1024 * 1024 : undefined;
  if (maxMessageBytes !== undefined && !(Number.isFinite(maxMessageBytes) && maxMessageBytes >= 1024 * 1024)) {
    problems.push('DOSSIER_INTAKE_MAX_MESSAGE_MB: must be a number of megabytes, at least 1, e.g. 40');
  }
  const name = env.DOSSIER_INTAKE_NAME?.trim() || DEFAULT_INTAKE_NAME;
  // Read back from the recorded identity by its parentheses: a name with its own would not read back.
  if (name.length > 100 || /[()\p{Cc}]/u.test(name)) problems.push('DOSSIER_INTAKE_NAME: at most 100 characters, without parentheses or control characters, e.g. Intake on mx-2');
  if (problems.length) throw new ConfigError(problems);
  return { mailbox, caseMailbox, domain, identity: intakeActor(name, caseMailbox), ...(authservId ? { authservId } : {}), ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}) };
}

/** 127.0.0.0/8, ::1 or localhost: a server only this machine reaches. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Settings given that the intake will not use, one warning line each. The README gives IMAP the
 * first place (DOSSIER_MAILDIR is read only without DOSSIER_IMAP_URL), so both set is no refusal:
 * but mail delivered into that Maildir would wait there unread.
 */
export function intakeConfigWarnings(env: NodeJS.ProcessEnv): string[] {
  const maildir = env.DOSSIER_MAILDIR?.trim();
  if (!maildir || !env.DOSSIER_IMAP_URL?.trim()) return [];
  return [`Warning: DOSSIER_MAILDIR (${maildir}) is not read: DOSSIER_IMAP_URL is set too, and the intake reads the case mailbox over IMAP; unset the one you do not mean`];
}

/** The mailbox's address as the start-up log and the errors print it: never the password. */
export function mailboxAddress(mailbox: MailboxConfig): string {
  if (mailbox.kind === 'maildir') return `Maildir ${mailbox.root}`;
  const { secure, user, host, port } = mailbox.settings;
  return `${secure ? 'imaps' : 'imap'}://${user}@${host}:${port}`;
}

/** One line for the start-up log, without the password. */
export function describeIntakeConfig(config: IntakeConfig): string {
  const where = mailboxAddress(config.mailbox);
  const senders = config.authservId ? `senders verified by ${config.authservId}` : 'senders taken at their From (DOSSIER_MAIL_AUTHSERV_ID unset)';
  return `case mailbox ${config.caseMailbox} read from ${where}; ${senders}; recorded as ${config.identity}`;
}

/** The intake's port when `npm start` chooses it (the worker's is 9464): the one an operator is shown. */
export const INTAKE_METRICS_PORT = 9465;

/**
 * The start-up line about `/metrics`. Off unless asked for, as the worker's: an operator who expected
 * a scrape target learns why there is none.
 */
export function intakeMetricsLine(metricsAddress: string | undefined): string {
  return metricsAddress
    ? `Intake metrics       http://${metricsAddress}/metrics`
    : `Intake metrics       off (set DOSSIER_INTAKE_METRICS_ADDRESS, e.g. 0.0.0.0:${INTAKE_METRICS_PORT}, to serve /metrics)`;
}
