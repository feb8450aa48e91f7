import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDevMasterKeys } from '../../encryption/config';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { ConfigError } from '../../config/temporal';
import { createSmtpTransport } from '../../activities/email';
import { DEFAULT_WORKER_TUNING, describeConfig, parseWorkerConfig, workerTuningOptions } from '../../worker/config';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-config-'));
const valid = {
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  SMTP_URL: 'smtp://dossier@relay.example.org:587',
  MAIL_FROM: 'Dossier <dossier@regulator.example>',
  DOSSIER_MASTER_KEYS: generateMasterKeySpec('k1'),
  DOSSIER_KEYSTORE_DIR: join(scratch, 'keys'),
  TEMPORAL_CONFIG_FILE: join(scratch, 'absent.toml'),
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseWorkerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('worker configuration', () => {
  it('reads a complete environment once, with defaults for the rest', () => {
    const config = parseWorkerConfig(valid);
    expect(config.temporal.connectionOptions.address).toBe('temporal.internal:7233');
    expect(config.temporal.namespace).toBe('default');
    expect(config.taskQueue).toBe('dossier');
    expect(config.encryption?.dataConverter.payloadCodecs).toHaveLength(1);
  });

  it('names a missing SMTP_URL', () => {
    const { SMTP_URL: _omitted, ...env } = valid;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^SMTP_URL is required/)]);
  });

  it('names every malformed variable at once', () => {
    const problems = problemsOf({
      ...valid,
      SMTP_URL: 'http://relay.example.org',
      TEMPORAL_ADDRESS: 'no port here',
      DOSSIER_SHUTDOWN_GRACE_SECONDS: 'soon',
      DOSSIER_MASTER_KEYS: 'k1:tooshort',
      DOSSIER_METRICS_ADDRESS: 'localhost:9464',
    });
    expect(problems.join('\n')).toMatch(/SMTP_URL: must be a URL/);
    expect(problems.join('\n')).toMatch(/TEMPORAL_ADDRESS: "no port here" must be host:port/);
    expect(problems.join('\n')).toMatch(/DOSSIER_SHUTDOWN_GRACE_SECONDS/);
    expect(problems.join('\n')).toMatch(/DOSSIER_MASTER_KEYS: entry 1 must be <id>:<base64 of 32 random bytes>/);
    expect(problems.join('\n')).toMatch(/DOSSIER_METRICS_ADDRESS: "localhost:9464" must name an IP address of this host/);
  });

  it('takes a case mailbox for replies, and refuses one with a sub-address', () => {
    expect(parseWorkerConfig({ ...valid, DOSSIER_CASE_MAILBOX: 'case@regulator.example' }).caseMailbox).toBe('case@regulator.example');
    expect(parseWorkerConfig(valid).caseMailbox).toBeUndefined();
    expect(problemsOf({ ...valid, DOSSIER_CASE_MAILBOX: 'case+x@regulator.example' })).toEqual([
      expect.stringMatching(/^DOSSIER_CASE_MAILBOX: must be a plain address without "\+"/),
    ]);
  });

  it('takes the hour of the officers\' day the digest goes out at, and refuses one that is not an hour', () => {
    expect(parseWorkerConfig({ ...valid, DOSSIER_DIGEST_HOUR: '7' }).digestHour).toBe(7);
    expect(parseWorkerConfig({ ...valid, DOSSIER_DIGEST_HOUR: '' }).digestHour).toBeUndefined();
    expect(parseWorkerConfig(valid).digestHour).toBeUndefined();
    expect(problemsOf({ ...valid, DOSSIER_DIGEST_HOUR: '24' })).toEqual([expect.stringMatching(/^DOSSIER_DIGEST_HOUR: must be a whole number in decimal digits from 0 to 23/)]);
  });

  it('reads the case mailbox for the digest\'s held mail only where it is named, as the intake reads it', () => {
    expect(parseWorkerConfig(valid).heldMailbox).toBeUndefined();
    expect(parseWorkerConfig({ ...valid, DOSSIER_MAILDIR: join(scratch, 'mailbox') }).heldMailbox).toEqual({ kind: 'maildir', root: join(scratch, 'mailbox') });
    expect(parseWorkerConfig({ ...valid, DOSSIER_IMAP_URL: 'imaps://case@imap.regulator.example:993', DOSSIER_IMAP_PASSWORD: 'pw' }).heldMailbox).toMatchObject({
      kind: 'imap',
      settings: { host: 'imap.regulator.example', port: 993, secure: true, user: 'case' },
    });
    expect(problemsOf({ ...valid, DOSSIER_IMAP_URL: 'imaps://case@imap.regulator.example:993' })).toEqual([expect.stringMatching(/^DOSSIER_IMAP_PASSWORD \(or DOSSIER_IMAP_PASSWORD_FILE\) is required/)]);
  });

  it('refuses a MAIL_FROM with no address at a domain, which would name Message-IDs and replies after no one', () => {
    for (const mailFrom of ['Dossier', 'dossier@', 'Dossier <dossier.regulator.example>', 'Dossier <dossier@regulator example>']) {
      expect(problemsOf({ ...valid, MAIL_FROM: mailFrom }), mailFrom).toEqual([expect.stringMatching(/^MAIL_FROM: must be an address with its domain/)]);
    }
    expect(parseWorkerConfig({ ...valid, MAIL_FROM: 'dossier@regulator.example' }).mailFrom).toBe('dossier@regulator.example');
  });

  it('refuses to send through a relay off this host as localhost, MAIL_FROM left unset, and says what to set', () => {
    const { MAIL_FROM: _unset, ...env } = valid;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^MAIL_FROM: "Dossier <dossier@localhost>" sends from this host's own name through the relay at relay\.example\.org: replies would go to case@localhost/)]);
    // The embedded set-up's sink is on this host: its default sender is right there.
    expect(parseWorkerConfig({ ...env, SMTP_URL: 'smtp://127.0.0.1:2525' }).mailFrom).toBe('Dossier <dossier@localhost>');
  });

  it('reads secrets from files and never prints them', () => {
    const passwordFile = join(scratch, 'smtp-password');
    writeFileSync(passwordFile, 's3cr3t-p4ss\n');
    const config = parseWorkerConfig({ ...valid, SMTP_PASSWORD_FILE: passwordFile });
    expect(new URL(config.smtpUrl).password).toBe('s3cr3t-p4ss');
    expect(describeConfig(config)).not.toContain('s3cr3t-p4ss');
    expect(describeConfig(config)).toContain('***');
    expect(problemsOf({ ...valid, SMTP_PASSWORD_FILE: join(scratch, 'missing') })).toEqual([
      expect.stringMatching(/^SMTP_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/),
    ]);
  });

  it('refuses a password for an SMTP_URL that names no user, which would never sign in', () => {
    const passwordFile = join(scratch, 'smtp-password-without-user');
    writeFileSync(passwordFile, 's3cr3t-p4ss\n');
    const noUser = { ...valid, SMTP_URL: 'smtp://relay.example.org:587' };
    for (const secret of [{ SMTP_PASSWORD: 's3cr3t-p4ss' }, { SMTP_PASSWORD_FILE: passwordFile }]) {
      const problems = problemsOf({ ...noUser, ...secret });
      expect(problems).toEqual([expect.stringMatching(/^SMTP_URL names no user.*SMTP_PASSWORD.*SMTP_PASSWORD_FILE.*smtp:\/\/<user>@relay\.example\.org:587/)]);
      expect(problems.join('\n')).not.toContain('s3cr3t-p4ss');
    }
    // A relay that takes mail without signing in needs neither.
    expect(new URL(parseWorkerConfig(noUser).smtpUrl).password).toBe('');
  });

  it('gives the relay SMTP_PASSWORD exactly as written, percent signs included', () => {
    // A generated password may hold "%": put into the URL as written, it reached the relay decoded
    // ("ab%41" as "abA", refused with 535 and retried for ever) or stopped the worker ("%zz").
    for (const password of ['ab%41cd', 'x%zz:y@z/w', 'plain-p4ss']) {
      const config = parseWorkerConfig({ ...valid, SMTP_PASSWORD: password });
      const transport = createSmtpTransport(config.smtpUrl);
      try {
        expect((transport.options as { auth?: { user: string; pass: string } }).auth).toEqual({ user: 'dossier', pass: password });
      } finally {
        transport.close();
      }
      expect(describeConfig(config)).not.toContain(password);
    }
  });

  it('bounds the workflow cache by default and takes the tuning from the environment', () => {
    expect(parseWorkerConfig(valid).tuning).toEqual(DEFAULT_WORKER_TUNING);
    expect(DEFAULT_WORKER_TUNING.maxCachedWorkflows).toBeLessThan(2000);
    const tuning = parseWorkerConfig({
      ...valid,
      DOSSIER_MAX_CACHED_WORKFLOWS: '2000',
      DOSSIER_WORKFLOW_TASK_SLOTS: '80',
      DOSSIER_ACTIVITY_TASK_SLOTS: '50',
      DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS: '60',
      DOSSIER_SMTP_POOL_SIZE: '20',
    }).tuning!;
    expect(workerTuningOptions(tuning)).toEqual({
      maxCachedWorkflows: 2000,
      maxConcurrentWorkflowTaskExecutions: 80,
      maxConcurrentActivityTaskExecutions: 50,
      stickyQueueScheduleToStartTimeout: 60_000,
    });
    expect(tuning.smtpPoolSize).toBe(20);
  });

  it('takes an empty or blank number as unset, and refuses one not written in decimal digits, naming it', () => {
    const config = parseWorkerConfig({ ...valid, DOSSIER_SHUTDOWN_GRACE_SECONDS: '', DOSSIER_MAX_CACHED_WORKFLOWS: '  ', DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS: '' });
    expect(config.shutdownGraceMs).toBe(30_000);
    expect(config.tuning).toEqual(DEFAULT_WORKER_TUNING);
    expect(parseWorkerConfig({ ...valid, DOSSIER_SHUTDOWN_GRACE_SECONDS: ' 45 ', DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS: '2.5' })).toMatchObject({
      shutdownGraceMs: 45_000,
      tuning: { stickyQueueTimeoutMs: 2_500 },
    });
    const problems = problemsOf({ ...valid, DOSSIER_MAX_CACHED_WORKFLOWS: '0x1e', DOSSIER_SHUTDOWN_GRACE_SECONDS: '1e2', DOSSIER_SMTP_POOL_SIZE: '-5', DOSSIER_WORKFLOW_TASK_SLOTS: '4.0' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DOSSIER_MAX_CACHED_WORKFLOWS: must be a whole number in decimal digits/),
        expect.stringMatching(/^DOSSIER_SHUTDOWN_GRACE_SECONDS: must be a whole number in decimal digits/),
        expect.stringMatching(/^DOSSIER_SMTP_POOL_SIZE: must be a whole number in decimal digits/),
        expect.stringMatching(/^DOSSIER_WORKFLOW_TASK_SLOTS: must be a whole number in decimal digits/),
      ]),
    );
  });

  it('names a tuning variable out of range', () => {
    const problems = problemsOf({ ...valid, DOSSIER_WORKFLOW_TASK_SLOTS: '1', DOSSIER_SMTP_POOL_SIZE: 'many' });
    expect(problems.join('\n')).toMatch(/DOSSIER_WORKFLOW_TASK_SLOTS/);
    expect(problems.join('\n')).toMatch(/DOSSIER_SMTP_POOL_SIZE/);
  });

  it('refuses to start on a shared database without master keys given, instead of making a key of its own', () => {
    const { DOSSIER_MASTER_KEYS: _omitted, ...env } = valid;
    const problems = problemsOf({ ...env, DATABASE_URL: 'postgres://dossier@db.example.org/dossier' });
    expect(problems.join('\n')).toMatch(/No master key: with DATABASE_URL .* set DOSSIER_MASTER_KEYS or DOSSIER_MASTER_KEYS_FILE/);
  });

  it('gives each development master key an id of its own, and still loads one made as "dev1"', () => {
    const [a, b] = ['a', 'b'].map((host) => ensureDevMasterKeys(join(scratch, `dev-${host}`, 'master.keys')));
    const idOf = (file: string) => readFileSync(file, 'utf8').split(':')[0];
    expect(idOf(a)).toMatch(/^dev-[0-9a-f]{12}$/);
    expect(idOf(b)).not.toBe(idOf(a));
    const older = join(scratch, 'older.keys');
    writeFileSync(older, `${generateMasterKeySpec('dev1')}\n`);
    expect(() => parseWorkerConfig({ ...valid, DOSSIER_MASTER_KEYS: undefined, DOSSIER_MASTER_KEYS_FILE: older })).not.toThrow();
  });

  it('refuses a database pool size without a database, which would leave the worker on local files apart from the others', () => {
    expect(problemsOf({ ...valid, DOSSIER_DB_POOL_SIZE: '30', DATABASE_ULR: 'postgres://dossier@db.example.org/dossier' })).toEqual([
      expect.stringMatching(/^DOSSIER_DB_POOL_SIZE is set, but neither DATABASE_URL nor DATABASE_URL_FILE is: this worker would keep its delivery ledger and keys in local files/),
    ]);
  });

  it('refuses a database pool size not written in decimal digits, naming it', () => {
    expect(problemsOf({ ...valid, DOSSIER_DB_POOL_SIZE: '1e2' })).toEqual([expect.stringMatching(/^DOSSIER_DB_POOL_SIZE: must be a whole number in decimal digits from 1 to 1000/)]);
    expect(problemsOf({ ...valid, DOSSIER_LEDGER_LEASE_SECONDS: '0' })).toEqual([expect.stringMatching(/^DOSSIER_LEDGER_LEASE_SECONDS: must be a number/)]);
  });
});
