// Which engagements a message from the case mailbox is proposed to, with the directory's look-ups
// stood in for (the real ones run in test/integration/intake.test.ts).
import { describe, expect, it } from 'vitest';
import { messageIdFor, replyAddressFor, replyToken } from '../../activities/threading';
import { bySender, correlate, referencesIn, type Candidate, type Directory } from '../../intake/correlate';
import { vendorsOfSender } from '../../workflows/inbox-rules';
import type { ReadMessage } from '../../intake/read-message';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const domain = 'regulator.example';
const caseMailbox = `case@${domain}`;
const ended = engagementWorkflowId('vc-2020', 'acme');

const directory: Directory = {
  engagementByToken: async (token) => (token === replyToken(ended) ? { campaignId: 'vc-2020', vendorId: 'acme' } : undefined),
  // The campaign's engagements still in progress: a sister company of the same group among them.
  campaignByReference: async (reference) => (reference.toUpperCase() === 'OPC-2020-VC' ? { campaignId: 'vc-2020', vendorIds: ['acme-sister', 'other'] } : undefined),
  vendorOf: async ({ vendorId }) => ({ name: vendorId, contacts: [{ name: 'DPO', email: `dpo@${vendorId}.example` }] }),
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

  it('proposes a relay’s report of a delay to the engagement of the message it concerns, never by its subject or to whom it was sent', async () => {
    const delivery = { originalMessageId: messageIdFor(ended, 'reminder-1', domain), recipients: ['dpo@acme.example'], action: 'delayed' };
    const report = reply({ from: 'mailer-daemon@relay.regulator.example', kind: 'auto-reply', delivery });
    expect(await correlate(report, { domain, caseMailbox, directory })).toEqual([{ campaignId: 'vc-2020', vendorId: 'acme', matchedBy: 'thread', answersStep: 'reminder-1' }]);
    const aboutOtherMail = reply({ kind: 'auto-reply', delivery: { ...delivery, originalMessageId: '<x@elsewhere.example>' } });
    expect(await correlate(aboutOtherMail, { domain, caseMailbox, directory })).toEqual([]);
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

  it('offers a reply named by its subject alone to the one vendor its sender is, and to none when it could be two', async () => {
    // Two products of one company share its domain; a third vendor is elsewhere.
    const contacts = (...emails: string[]) => emails.map((email) => ({ name: 'DPO', email }));
    const vendors = [
      { vendorId: 'teams', contacts: contacts('privacy@group.example') },
      { vendorId: 'skype', contacts: contacts('dpo@group.example', 'Legal@Group.example') },
      { vendorId: 'zoom', contacts: contacts('privacy@zoom.test') },
    ];
    const of = (from: string, list = vendors) => vendorsOfSender(from, list).map((v) => v.vendorId);
    expect(of('dpo@group.example')).toEqual(['skype']);
    expect(of('LEGAL@group.example')).toEqual(['skype']);
    expect(of('someone@group.example')).toEqual(['teams', 'skype']);
    expect(of('x@evil.example')).toEqual([]);
    // A vendor whose contacts are unknown could be anyone's.
    expect(of('dpo@group.example', [...vendors, { vendorId: 'old' } as never])).toEqual(['skype', 'old']);

    const subject = (vendorId: string): Candidate => ({ campaignId: 'vc-2020', vendorId, matchedBy: 'subject' });
    const named: Directory = { ...directory, vendorOf: async ({ vendorId }) => ({ name: `Vendor ${vendorId}`, contacts: vendors.find((v) => v.vendorId === vendorId)!.contacts }) };
    const all = ['teams', 'skype', 'zoom'].map(subject);
    expect(await bySender(reply({ from: 'dpo@group.example' }), all, named)).toEqual({ candidates: [subject('skype')] });
    expect(await bySender(reply({ from: 'someone@group.example' }), all, named)).toEqual({ ambiguous: { campaignId: 'vc-2020', vendors: ['Vendor skype', 'Vendor teams'] } });
    // Nobody's: offered to all, each refuses it in its words.
    expect(await bySender(reply({ from: 'x@evil.example' }), all, named)).toEqual({ candidates: all });
    // A thread or a lone candidate is never looked up.
    const unasked: Directory = { ...directory, vendorOf: () => Promise.reject(new Error('asked')) };
    const thread: Candidate = { campaignId: 'vc-2020', vendorId: 'teams', matchedBy: 'thread', answersStep: 'letter' };
    expect(await bySender(reply({ from: 'someone@group.example' }), [thread], unasked)).toEqual({ candidates: [thread] });
    expect(await bySender(reply({ from: 'someone@group.example' }), [subject('teams')], unasked)).toEqual({ candidates: [subject('teams')] });
  });

  it('takes a sender at a subdomain of a vendor’s domain as that vendor’s, the vendor at the nearest domain first, and holds it when two are as near', async () => {
    const contacts = (...emails: string[]) => emails.map((email) => ({ name: 'DPO', email }));
    // Two products of one company whose offices both write from zoom.us, and a third elsewhere.
    const shared = [
      { vendorId: 'meetings', contacts: contacts('privacy@zoom.us') },
      { vendorId: 'phone', contacts: contacts('dpo@zoom.us') },
      { vendorId: 'cisco', contacts: contacts('privacy@cisco.com') },
    ];
    const of = (from: string, list: { vendorId: string; contacts?: { name: string; email: string }[] }[]) => vendorsOfSender(from, list).map((v) => v.vendorId);
    expect(of('legal@eu.zoom.us', shared)).toEqual(['meetings', 'phone']);
    expect(of('dpo@mail.cisco.com', shared)).toEqual(['cisco']);
    expect(of('legal@evilzoom.us', shared)).toEqual([]);
    expect(of('legal@zoom.us.evil.com', shared)).toEqual([]);
    // One vendor at zoom.us, another at eu.zoom.us: the sender goes to the vendor whose domain is nearest its own.
    const nested = [
      { vendorId: 'zoom', contacts: contacts('privacy@zoom.us') },
      { vendorId: 'zoom-eu', contacts: contacts('privacy@eu.zoom.us') },
    ];
    expect(of('legal@eu.zoom.us', nested)).toEqual(['zoom-eu']);
    expect(of('legal@mail.eu.zoom.us', nested)).toEqual(['zoom-eu']);
    expect(of('legal@us.zoom.us', nested)).toEqual(['zoom']);
    // A domain above a vendor's is not that vendor's, however near.
    expect(of('legal@zoom.us', nested)).toEqual(['zoom']);
    expect(of('privacy@zoom.us', [nested[1]])).toEqual([]);
    // A vendor's own address still comes first, and a vendor whose contacts are unknown could still be anyone's.
    expect(of('privacy@zoom.us', [...shared, { vendorId: 'old' }])).toEqual(['meetings', 'old']);

    const subject = (vendorId: string): Candidate => ({ campaignId: 'vc-2020', vendorId, matchedBy: 'subject' });
    const lookup = (list: typeof shared): Directory => ({ ...directory, vendorOf: async ({ vendorId }) => ({ name: `Vendor ${vendorId}`, contacts: list.find((v) => v.vendorId === vendorId)!.contacts }) });
    expect(await bySender(reply({ from: 'legal@eu.zoom.us' }), shared.map((v) => subject(v.vendorId)), lookup(shared))).toEqual({
      ambiguous: { campaignId: 'vc-2020', vendors: ['Vendor meetings', 'Vendor phone'] },
    });
    expect(await bySender(reply({ from: 'legal@eu.zoom.us' }), nested.map((v) => subject(v.vendorId)), lookup(nested))).toEqual({ candidates: [subject('zoom-eu')] });
  });

  it('weighs the ended engagements of the campaign a subject names, so an ended vendor’s mail goes to none of the others', async () => {
    const withEnded: Directory = { ...directory, campaignByReference: async () => ({ campaignId: 'vc-2020', vendorIds: ['acme-sister'], endedVendorIds: ['acme'] }) };
    const candidates = await correlate(reply({}), { domain, caseMailbox, directory: withEnded });
    expect(candidates).toEqual([
      { campaignId: 'vc-2020', vendorId: 'acme-sister', matchedBy: 'subject' },
      { campaignId: 'vc-2020', vendorId: 'acme', matchedBy: 'subject', ended: true },
    ]);
    // Both products' offices are at group.example: Acme's own address goes to Acme's ended case (which refuses it), anyone else is held.
    const contacts: Record<string, string> = { acme: 'privacy@group.example', 'acme-sister': 'dpo@group.example' };
    const named: Directory = { ...withEnded, vendorOf: async ({ vendorId }) => ({ name: vendorId, contacts: [{ name: 'DPO', email: contacts[vendorId]! }] }) };
    expect(await bySender(reply({ from: 'privacy@group.example' }), candidates, named)).toEqual({ candidates: [candidates[1]] });
    expect(await bySender(reply({ from: 'legal@group.example' }), candidates, named)).toEqual({ ambiguous: { campaignId: 'vc-2020', vendors: ['acme', 'acme-sister'] } });
    // An ended case that cannot say its contacts (its campaign shredded) is left out, not a failure of the pass.
    const shredded: Directory = { ...named, vendorOf: async (e) => (e.vendorId === 'acme' ? Promise.reject(new Error('shredded')) : named.vendorOf(e)) };
    expect(await bySender(reply({ from: 'legal@group.example' }), candidates, shredded)).toEqual({ candidates: [candidates[0]] });
  });
});
