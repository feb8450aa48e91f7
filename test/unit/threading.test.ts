import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { messageIdFor, parseEngagementMessageId, replyAddressFor, replyToken, tokenOf } from '../../activities/threading';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

describe('threading: naming mail and reading replies back', () => {
  const thread = engagementWorkflowId('video-2020', 'zoom');

  it('reads back the engagement and step of every Message-ID Dossier derives', () => {
    for (const step of ['letter', 'reminder-response-2', 'follow-up-r1-questions', 'demo-d1-invite-1']) {
      expect(parseEngagementMessageId(messageIdFor(thread, step, 'regulator.example'), 'regulator.example')).toEqual({
        campaignId: 'video-2020',
        vendorId: 'zoom',
        step,
      });
    }
  });

  it('refuses a Message-ID of another domain, a campaign thread, or a vendor’s own', () => {
    expect(parseEngagementMessageId(messageIdFor(thread, 'letter', 'elsewhere.example'), 'regulator.example')).toBeUndefined();
    expect(parseEngagementMessageId(messageIdFor('campaign:video-2020', 'statement', 'regulator.example'), 'regulator.example')).toBeUndefined();
    expect(parseEngagementMessageId('<CAF3x9@mail.vendor.example>', 'regulator.example')).toBeUndefined();
  });

  it('gives each engagement its own reply address and reads the token back', () => {
    const address = replyAddressFor('case@regulator.example', thread);
    expect(address).toBe(`case+${replyToken(thread)}@regulator.example`);
    expect(replyAddressFor('case@regulator.example', engagementWorkflowId('video-2020', 'cisco'))).not.toBe(address);
    expect(tokenOf(address.toUpperCase(), 'case@regulator.example')).toBe(replyToken(thread));
    expect(tokenOf(address.replace('regulator', 'other'), 'case@regulator.example')).toBeUndefined();
    expect(tokenOf('case@regulator.example', 'case@regulator.example')).toBeUndefined();
    expect(replyAddressFor('case@regulator.example', 'campaign:video-2020')).toBe('case@regulator.example');
  });
});

describe('the reply token, computed in workflow code without node:crypto', () => {
  it('is the first 16 hex digits of the SHA-256 of the thread id, for every length and any character', () => {
    const ids = [
      '',
      'abc',
      engagementWorkflowId('video-2020', 'zoom'),
      engagementWorkflowId('a'.repeat(63), 'b'.repeat(63)),
      ...Array.from({ length: 130 }, (_, n) => 'x'.repeat(n)),
      'engagement:société:zoom',
      'engagement:视频:🎥',
      'lone \ud800 surrogate',
    ];
    for (const id of ids) expect([id, replyToken(id)]).toEqual([id, createHash('sha256').update(id).digest('hex').slice(0, 16)]);
  });
});
