// The case mailbox's settings (intake/config.ts) and its opening (intake/open.ts): an IMAP server
// that cannot be reached is named by the variable that points at it (its password never printed),
// plain imap:// is kept to this machine, and a Maildir that IMAP overrides is said to be unread.
import { describe, expect, it } from 'vitest';
import { intakeConfigWarnings, parseIntakeConfig } from '../../intake/config';
import { openMailbox } from '../../intake/open';

describe('the case mailbox the intake reads', () => {
  it('names DOSSIER_IMAP_URL, without its password, and what failed when the IMAP server refuses the connection', async () => {
    const config = parseIntakeConfig({ DOSSIER_IMAP_URL: 'imap://case:s3cret-pw@127.0.0.1:1' });
    const failure = await openMailbox(config).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toMatch(/^DOSSIER_IMAP_URL: cannot connect to the IMAP server at imap:\/\/case@127\.0\.0\.1:1 \(connection refused: nothing listens there\); /);
    expect(failure?.message).not.toContain('s3cret-pw');
  });

  it('names DOSSIER_IMAP_URL when its host is not found', async () => {
    const config = parseIntakeConfig({ DOSSIER_IMAP_URL: 'imaps://case@imap.example.invalid', DOSSIER_IMAP_PASSWORD: 'pw' });
    const failure = await openMailbox(config).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toMatch(/^DOSSIER_IMAP_URL: cannot connect to the IMAP server at imaps:\/\/case@imap\.example\.invalid:993 \(host not found\); /);
  });

  it('refuses plain imap:// to a host off this machine, naming the variable, and accepts it on loopback', () => {
    expect(() => parseIntakeConfig({ DOSSIER_IMAP_URL: 'imap://case@imap.example.org', DOSSIER_IMAP_PASSWORD: 'pw' })).toThrow(
      /DOSSIER_IMAP_URL: imap:\/\/ .*imap\.example\.org.*imaps:\/\/case@imap\.example\.org/,
    );
    expect(parseIntakeConfig({ DOSSIER_IMAP_URL: 'imap://case@127.0.0.1:1143', DOSSIER_IMAP_PASSWORD: 'pw' }).mailbox).toMatchObject({ kind: 'imap' });
    expect(parseIntakeConfig({ DOSSIER_IMAP_URL: 'imap://case@localhost:1143', DOSSIER_IMAP_PASSWORD: 'pw' }).mailbox).toMatchObject({ kind: 'imap' });
    // The host as a socket takes it: an IPv6 literal without its brackets, a name in any case.
    expect(parseIntakeConfig({ DOSSIER_IMAP_URL: 'imap://case@[::1]:1143', DOSSIER_IMAP_PASSWORD: 'pw' }).mailbox).toMatchObject({ kind: 'imap', settings: { host: '::1' } });
    expect(parseIntakeConfig({ DOSSIER_IMAP_URL: 'imap://case@LOCALHOST:1143', DOSSIER_IMAP_PASSWORD: 'pw' }).mailbox).toMatchObject({ kind: 'imap', settings: { host: 'localhost' } });
  });

  it('warns, naming both, that DOSSIER_MAILDIR is not read when DOSSIER_IMAP_URL is set too (IMAP comes first, as the README says)', () => {
    const env = { DOSSIER_IMAP_URL: 'imaps://case@imap.regulator.example', DOSSIER_IMAP_PASSWORD: 'pw', DOSSIER_MAILDIR: '/srv/mail/case' };
    expect(parseIntakeConfig(env).mailbox).toMatchObject({ kind: 'imap' });
    expect(intakeConfigWarnings(env)).toEqual([expect.stringMatching(/^Warning: DOSSIER_MAILDIR \(\/srv\/mail\/case\) is not read: DOSSIER_IMAP_URL is set too/)]);
    expect(intakeConfigWarnings({ DOSSIER_MAILDIR: '/srv/mail/case' })).toEqual([]);
  });
});
