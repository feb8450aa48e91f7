// The intake's reading of the border server's verdict (RFC 8601 Authentication-Results): only the
// topmost header under the trusted id counts, DMARC for the From domain first, else DKIM or SPF of
// the same organization; whatever cannot be read is not taken as a pass.
import { describe, expect, it } from 'vitest';
import { parseIntakeConfig } from '../../intake/config';
import { readMessage } from '../../intake/read-message';
import { parseAuthenticationResults, senderVerdict } from '../../intake/sender-check';
import { composeReply } from '../helpers/inbound-mail';

const TRUSTED = 'mx.regulator.example';
const verdict = (headers: string[], address = 'privacy@zoom.us', count = 1) => senderVerdict(headers, { address, count }, TRUSTED);

describe('the sender’s verdict', () => {
  it('reads folded headers with comments, quoted pairs, versions, tabs and base64 values', () => {
    const parsed = parseAuthenticationResults(
      ' MX.Regulator.Example 1 (the border);\r\n\tdkim = pass (good signature) header.d=Zoom.US header.s="sel;1" header.b=aB/c+d=;\r\n  spf=softfail smtp.mailfrom=bounce@zoom.us;\tdmarc/1=fail header.from=zoom.us; none',
    );
    expect(parsed).toEqual({
      authservId: 'mx.regulator.example',
      results: [
        { method: 'dkim', result: 'pass', properties: { 'header.d': 'zoom.us', 'header.s': 'sel;1', 'header.b': 'ab/c+d=' } },
        { method: 'spf', result: 'softfail', properties: { 'smtp.mailfrom': 'bounce@zoom.us' } },
        { method: 'dmarc', result: 'fail', properties: { 'header.from': 'zoom.us' } },
      ],
    });
    expect(parseAuthenticationResults('   ')).toBeUndefined();
  });

  it('takes DMARC’s pass for the From domain from the topmost header under the trusted id alone', () => {
    expect(verdict([`${TRUSTED}; dmarc=pass header.from=zoom.us`])).toEqual({ verified: true, by: 'dmarc=pass' });
    expect(verdict([`${TRUSTED}; dkim=pass header.d=zoom.us; dmarc=fail header.from=zoom.us`])).toEqual({ verified: false, reason: `dmarc=fail for zoom.us, as ${TRUSTED} found` });
    expect(verdict([`${TRUSTED}; dmarc=temperror header.from=zoom.us`]).verified).toBe(false);
    // A pass for another domain than the From's (a second From address, a verifier that read another header).
    expect(verdict([`${TRUSTED}; dmarc=pass header.from=evil.example`])).toEqual({ verified: false, reason: `dmarc=pass for evil.example, not zoom.us, as ${TRUSTED} found` });
    // Written by the sender under another id, or under the trusted id below the border's own: not a verdict.
    expect(verdict(['attacker.example; dmarc=pass header.from=zoom.us'])).toEqual({ verified: false, reason: `${TRUSTED} left no Authentication-Results on it` });
    expect(verdict([`${TRUSTED}; dmarc=fail header.from=zoom.us`, `${TRUSTED}; dmarc=pass header.from=zoom.us`]).verified).toBe(false);
  });

  it('is not fooled by a quoted MAIL FROM that closes its quote early, or a From with two addresses', () => {
    const injected = `${TRUSTED}; spf=pass smtp.mailfrom="a\\";dmarc=pass;\\"@evil.com"; dmarc=fail header.from=zoom.us`;
    expect(verdict([injected])).toEqual({ verified: false, reason: `dmarc=fail for zoom.us, as ${TRUSTED} found` });
    expect(verdict([`${TRUSTED}; dmarc=pass header.from=zoom.us`], 'privacy@zoom.us', 2)).toEqual({ verified: false, reason: 'its From names 2 addresses' });
    expect(senderVerdict([`${TRUSTED}; dmarc=pass`], { address: undefined, count: 0 }, TRUSTED)).toEqual({ verified: false, reason: 'its From names no address' });
    // A part that cannot be read makes the whole header verify nothing.
    expect(verdict([`${TRUSTED}; dkim=pass header.d=zoom.us; spf pass`]).verified).toBe(false);
  });

  it('without a DMARC policy, takes DKIM or SPF passing for a domain of the same organization', () => {
    expect(verdict([`${TRUSTED}; dkim=pass header.d=mail.zoom.us; dmarc=none header.from=zoom.us`])).toEqual({ verified: true, by: 'dkim=pass header.d=mail.zoom.us' });
    expect(verdict([`${TRUSTED}; spf=pass smtp.mailfrom=bounces@zoom.us`])).toEqual({ verified: true, by: 'spf=pass smtp.mailfrom=bounces@zoom.us' });
    expect(verdict([`${TRUSTED}; dkim=pass header.d=a.vendor.com`], 'privacy@b.vendor.com')).toEqual({ verified: true, by: 'dkim=pass header.d=a.vendor.com' });
    expect(verdict([`${TRUSTED}; dkim=pass header.d=mailer.example; spf=pass smtp.mailfrom=bounce@mailer.example`])).toEqual({
      verified: false,
      reason: `nothing aligned with zoom.us passed (dkim=pass header.d=mailer.example, spf=pass), as ${TRUSTED} found`,
    });
    // Not the same organization: a look-alike, and a public suffix (github.io) above the vendor's site.
    expect(verdict([`${TRUSTED}; dkim=pass header.d=notzoom.us`]).verified).toBe(false);
    expect(verdict([`${TRUSTED}; dkim=pass header.d=github.io`], 'privacy@vendor.github.io').verified).toBe(false);
  });

  it('finds every Authentication-Results header of a message, unfolded, and counts its From addresses', async () => {
    const raw = await composeReply({
      from: 'Privacy <privacy@zoom.us>',
      to: 'case@regulator.example',
      subject: 'Re: letter',
      messageId: '<r1@zoom.us>',
      text: 'Answers.',
      headers: [
        { key: 'Authentication-Results', value: `${TRUSTED}; dmarc=pass header.from=zoom.us` },
        { key: 'Authentication-Results', value: 'relay.example; dkim=none' },
      ],
    } as never);
    const read = await readMessage(raw);
    expect(read.authenticationResults).toEqual([`${TRUSTED}; dmarc=pass header.from=zoom.us`, 'relay.example; dkim=none']);
    expect(read.fromCount).toBe(1);
    expect(senderVerdict(read.authenticationResults, { address: read.from, count: read.fromCount }, TRUSTED)).toEqual({ verified: true, by: 'dmarc=pass' });
    const two = await readMessage(Buffer.from('From: privacy@zoom.us\r\nFrom: x@evil.example\r\nSubject: s\r\n\r\nBody\r\n'));
    expect(two.fromCount).toBe(2);
    const listed = await readMessage(Buffer.from('From: "ceo@zoom.us" <>, x@evil.example\r\nSubject: s\r\n\r\nBody\r\n'));
    expect(listed.fromCount).toBe(2);
  });
});

describe('the intake’s setting for it', () => {
  it('takes the border server’s authserv-id, and names the variable when it is not one', () => {
    expect(parseIntakeConfig({ DOSSIER_MAIL_AUTHSERV_ID: ' mx.regulator.example ' }).authservId).toBe('mx.regulator.example');
    expect(parseIntakeConfig({}).authservId).toBeUndefined();
    expect(() => parseIntakeConfig({ DOSSIER_MAIL_AUTHSERV_ID: 'mx.regulator.example; dmarc=pass' })).toThrow(/DOSSIER_MAIL_AUTHSERV_ID: must be the authserv-id/);
  });
});

describe('the intake’s case mailbox on a host of a cluster', () => {
  it('refuses a host with a shared database but no DOSSIER_IMAP_URL, instead of reading an empty local Maildir', () => {
    const cluster = { DATABASE_URL: 'postgres://dossier@db.example.org/dossier', TEMPORAL_ADDRESS: 'temporal.example.org:7233', MAIL_FROM: 'Dossier <dossier@regulator.example>' };
    expect(() => parseIntakeConfig(cluster)).toThrow(/DOSSIER_IMAP_URL is required with DATABASE_URL/);
    expect(parseIntakeConfig({ ...cluster, DOSSIER_MAILDIR: '/srv/mail/case' }).mailbox).toEqual({ kind: 'maildir', root: '/srv/mail/case' });
    expect(parseIntakeConfig({ MAIL_FROM: 'Dossier <dossier@regulator.example>' }).mailbox.kind).toBe('maildir');
  });
});
