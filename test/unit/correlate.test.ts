// Which engagements a message from the case mailbox is proposed to, with the directory's look-ups
// stood in for (the real ones run in test/integration/intake.test.ts).
import { describe, expect, it } from 'vitest';
import { messageIdFor, replyAddressFor, replyToken } from '../../activities/threading';
import { correlate, referencesIn, type Directory } from '../../intake/correlate';
import type { ReadMessage } from '../../intake/read-message';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const domain = 'regulator.example';
const caseMailbox = `case@${domain}`;
const ended = engagementWorkflowId('vc-2020', 'acme');

const directory: Directory = {
  engagementByToken: async (token) => (token === replyToken(ended) ? { campaignId: 'vc-2020', vendorId: 'acme' } : undefined),
  // The campaign's engagements still in progress: a sister company of the same group among them.
  campaignByReference: async (reference) => (reference.toUpperCase() === 'OPC-2020-VC' ? { campaignId: 'vc-2020', vendorIds: ['acme-sister', 'other'] } : undefined),
};

function reply(overrides: Partial<ReadMessage>): ReadMessage {
  return { messageId: '<r1@group.example>', from: 'privacy@group.example', recipients: [caseMailbox], subject: 'Re: Open letter [OPC-2020-VC]', refersTo: [], kind: 'reply', text: 'Answers', attachments: [], fromCount: 1, authenticationResults: [], ...overrides };
}

describe('proposing a message to engagements', () => {
  it('proposes a message threaded to an engagement to that engagement alone, not to the campaign named in its subject', async () => {
    const threaded = reply({ refersTo: [messageIdFor(ended, 'letter', domain)] });
    expect(await correlate(threaded, { domain, caseMailbox, directory })).toEqual([{ campaignId: 'vc-2020', vendorId: 'acme', matchedBy: 'thread', answersStep: 'letter' }]);
    const byToken = reply({ recipients: [replyAddressFor(caseMailbox, ended)] });
    expect(await correlate(byToken, { domain, caseMailbox, directory })).toEqual([{ campaignId: 'vc-2020', vendorId: 'acme', matchedBy: 'token' }]);
  });

  it('reads every bracketed name in a subject as a reference, since a reference may hold spaces and accents', () => {
    expect(referencesIn('RE: [EXTERNAL] Lettre ouverte [CPVP 2020 / Vidéoconférence] [OPC-2020-VC]')).toEqual(['EXTERNAL', 'CPVP 2020 / Vidéoconférence', 'OPC-2020-VC']);
    expect(referencesIn('[ ] no reference [')).toEqual([]);
  });

  it('proposes a message that names only the case reference to every engagement of that campaign still in progress', async () => {
    expect((await correlate(reply({}), { domain, caseMailbox, directory })).map((c) => [c.vendorId, c.matchedBy])).toEqual([
      ['acme-sister', 'subject'],
      ['other', 'subject'],
    ]);
  });
});
