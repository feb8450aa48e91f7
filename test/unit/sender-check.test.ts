// The intake's reading of the border server's verdict (RFC 8601 Authentication-Results): only the
// trusted server's headers count, DMARC first, else DKIM or SPF aligned with the From domain.
import { describe, expect, it } from 'vitest';
import { parseIntakeConfig } from '../../intake/config';
import { readMessage } from '../../intake/read-message';
import { parseAuthenticationResults, senderVerdict } from '../../intake/sender-check';
import { composeReply } from '../helpers/inbound-mail';

const TRUSTED = 'mx.regulator.example';
const verdict = (headers: string[], from = 'privacy@zoom.us') => senderVerdict(headers, from, TRUSTED);

describe('the sender’s verdict', () => {
  it('reads a folded header with comments, quoted values and spaces around “=”', () => {
    const parsed = parseAuthenticationResults(
      ' MX.Regulator.Example 1 (the border);\r\n  dkim = pass (good signature) header.d=Zoom.US header.s="sel;1";\r\n  spf=softfail smtp.mailfrom=bounce@zoom.us; none',
    );
    expect(parsed).toEqual({
      authservId: 'mx.regulator.example',
      results: [
        { method: 'dkim', result: 'pass', properties: { 'header.d': 'zoom.us', 'header.s': 'sel;1' } },
        { method: 'spf', result: 'softfail', properties: { 'smtp.mailfrom': 'bounce@zoom.us' } },
      ],
    });
    expect(parseAuthenticationResults('   ')).toBeUndefined();
  });

  it('trusts DMARC’s result from the trusted server alone', () => {
    expect(verdict([`${TRUSTED}; dmarc=pass header.from=zoom.us`])).toEqual({ verified: true, by: 'dmarc=pass' });
    expect(verdict([`${TRUSTED}; dkim=pass header.d=zoom.us; dmarc=fail header.from=zoom.us`])).toEqual({
      verified: false,
      reason: `dmarc=fail for zoom.us, as ${TRUSTED} found`,
    });
    // Written by the sender (or any server on the way) under another id: not a verdict.
    expect(verdict(['attacker.example; dmarc=pass header.from=zoom.us'])).toEqual({ verified: false, reason: `${TRUSTED} left no Authentication-Results on it` });
    expect(senderVerdict([`${TRUSTED}; dmarc=pass`], undefined, TRUSTED)).toEqual({ verified: false, reason: 'it has no From address to verify' });
  });

  it('without DMARC, takes DKIM or SPF passing for a domain aligned with the From address', () => {
    expect(verdict([`${TRUSTED}; dkim=pass header.d=mail.zoom.us`])).toEqual({ verified: true, by: 'dkim=pass header.d=mail.zoom.us' });
    expect(verdict([`${TRUSTED}; spf=pass smtp.mailfrom=bounces@zoom.us`])).toEqual({ verified: true, by: 'spf=pass smtp.mailfrom=bounces@zoom.us' });
    expect(verdict([`${TRUSTED}; dkim=pass header.d=mailer.example; spf=pass smtp.mailfrom=bounce@mailer.example`])).toEqual({
      verified: false,
      reason: `nothing aligned with zoom.us passed (dkim=pass header.d=mailer.example, spf=pass), as ${TRUSTED} found`,
    });
    // A look-alike is not aligned: notzoom.us does not end with ".zoom.us".
    expect(verdict([`${TRUSTED}; dkim=pass header.d=notzoom.us`]).verified).toBe(false);
  });

  it('finds every Authentication-Results header of a message, whoever wrote it', async () => {
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
    expect(senderVerdict(read.authenticationResults, read.from, TRUSTED)).toEqual({ verified: true, by: 'dmarc=pass' });
  });
});

describe('the intake’s setting for it', () => {
  it('takes the border server’s authserv-id, and names the variable when it is not one', () => {
    expect(parseIntakeConfig({ DOSSIER_MAIL_AUTHSERV_ID: ' mx.regulator.example ' }).authservId).toBe('mx.regulator.example');
    expect(parseIntakeConfig({}).authservId).toBeUndefined();
    expect(() => parseIntakeConfig({ DOSSIER_MAIL_AUTHSERV_ID: 'mx.regulator.example; dmarc=pass' })).toThrow(/DOSSIER_MAIL_AUTHSERV_ID: must be the authserv-id/);
  });
});
