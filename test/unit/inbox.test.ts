import type { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { confirmInbound, dismissInbound, recordInbound } from '../../workflows/inbox';
import { checkConfirmInbound, checkDismissInbound, checkRecordInbound, isVendorAddress, vendorAddressDistance } from '../../workflows/inbox-rules';
import type { EngagementStatus, RecordInboundInput } from '../../workflows/messages';
import { engagementStatusOf, testVendor } from '../helpers/fixtures';

const vendor = testVendor('zoom'); // privacy@zoom.test
const now = '2020-08-10T15:00:00.000Z';
const log = () => undefined;

function engagement(overrides: Partial<EngagementStatus> = {}): EngagementStatus {
  return engagementStatusOf('video-2020', 'zoom', overrides);
}

function reply(overrides: Partial<RecordInboundInput> = {}): RecordInboundInput {
  return {
    messageId: '<r1@zoom.test>',
    from: 'privacy@zoom.test',
    subject: 'Re: [TEST] Open letter',
    receivedAt: '2020-08-10T14:00:00.000Z',
    kind: 'reply',
    matchedBy: 'thread',
    answersStep: 'letter',
    text: 'Our response is attached.',
    documents: [{ id: 'a'.repeat(32), name: 'response.pdf', type: 'application/pdf', size: 10, sha256: 'b'.repeat(64) }],
    notes: [],
    ...overrides,
  };
}

describe('the engagement’s inbox', () => {
  it('puts a reply to the open letter up for review, and a confirmation makes it the response', () => {
    const state = engagement();
    expect(recordInbound(state, reply(), now, log).result).toEqual({ messageId: '<r1@zoom.test>', effect: 'to-review' });
    expect(state.stage).toBe('reply-received');
    checkConfirmInbound(state, { by: 'Officer', messageId: '<r1@zoom.test>', as: 'response' });
    confirmInbound(state, { by: 'Officer', messageId: '<r1@zoom.test>', as: 'response' }, now, log);
    expect(state.stage).toBe('responded');
    expect(state.response).toMatchObject({ summary: 'Our response is attached.', attachments: ['response.pdf'], messageId: '<r1@zoom.test>' });
    expect(state.response?.documents?.[0].sha256).toBe('b'.repeat(64));
  });

  it('returns to awaiting the response when the only reply is dismissed', () => {
    const state = engagement();
    recordInbound(state, reply(), now, log);
    checkDismissInbound(state, { by: 'Officer', messageId: '<r1@zoom.test>', reason: 'a question, not a response' });
    dismissInbound(state, { by: 'Officer', messageId: '<r1@zoom.test>', reason: 'a question, not a response' }, log);
    expect(state.stage).toBe('awaiting-response');
    expect(state.inbox?.[0]).toMatchObject({ review: 'dismissed', reviewNote: 'a question, not a response' });
    expect(() => checkDismissInbound(state, { by: 'Officer', messageId: '<r1@zoom.test>', reason: 'again' })).toThrow(/is dismissed, not waiting for review/);
  });

  it('notes an out-of-office answer without changing the stage', () => {
    const state = engagement();
    expect(recordInbound(state, reply({ kind: 'auto-reply', messageId: '<ooo@zoom.test>' }), now, log).result.effect).toBe('noted');
    expect(state.stage).toBe('awaiting-response');
  });

  it('records a bounce as a delivery failure of the bounced message and tells the officer', () => {
    const state = engagement({ timeline: [{ at: now, by: 'dossier', what: 'open-letter sent', detail: 'letter' }] });
    const input = reply({ kind: 'bounce', from: 'mailer-daemon@mx.zoom.test', bounce: { recipients: ['privacy@zoom.test'], status: '5.1.1', diagnostic: '550 User unknown' } });
    checkRecordInbound(state, vendor, input);
    const recorded = recordInbound(state, input, now, log);
    expect(recorded.result.effect).toBe('delivery-failure');
    expect(state.deliveryFailures).toEqual([{ at: now, step: 'letter', reason: expect.stringContaining('privacy@zoom.test: 5.1.1 550 User unknown') }]);
    // Facts for the template to word in the office's language: which message, what the report said.
    expect(recorded.officerNotice).toEqual({
      step: 'officer-notice-bounce-1',
      notice: { code: 'bounced', step: 'letter', kind: 'open-letter', recipients: ['privacy@zoom.test'], status: '5.1.1', diagnostic: '550 User unknown' },
    });
    expect(state.stage).toBe('awaiting-response');
  });

  it('records the same message once', () => {
    const state = engagement();
    recordInbound(state, reply(), now, log);
    recordInbound(state, reply({ assignedBy: 'Officer' }), now, log);
    expect(state.inbox).toHaveLength(1);
  });

  it('confirms a reply as answers to named questions, with the reply’s text', () => {
    const state = engagement({ stage: 'follow-up', questions: [{ id: 'q1', round: 1, text: 'How?', dueDate: now }] });
    recordInbound(state, reply({ answersStep: 'follow-up-r1-questions' }), now, log);
    expect(state.stage).toBe('follow-up');
    expect(() => checkConfirmInbound(state, { by: 'O', messageId: '<r1@zoom.test>', as: 'answers', answers: [{ questionId: 'q9' }] })).toThrow(/unknown question "q9"/);
    confirmInbound(state, { by: 'O', messageId: '<r1@zoom.test>', as: 'answers', answers: [{ questionId: 'q1' }] }, now, log);
    expect(state.questions[0]).toMatchObject({ answer: 'Our response is attached.', answeredAt: now });
  });
});

describe('what a vendor writes is data, not input to check for markup', () => {
  const documentNamed = (name: string) => [{ id: 'a'.repeat(32), name, type: 'application/pdf', size: 10, sha256: 'b'.repeat(64) }];

  it('records a subject or a file name with markup words, < and >, as written', () => {
    for (const subject of ['Re: [VC] Q3 – JavaScript: the scripts our web client loads', 'Re: [VC] Q4 – <video> recordings: retention', 'Re: <script>alert(1)</script>']) {
      expect(() => checkRecordInbound(engagement(), vendor, reply({ subject })), subject).not.toThrow();
    }
    for (const name of ['Réponse <version finale>.pdf', '<img src=x onerror=alert(1)>.pdf', 'javascript: notes.txt', '=?UTF-8?B?eA==?=.pdf']) {
      expect(() => checkRecordInbound(engagement(), vendor, reply({ documents: documentNamed(name) })), name).not.toThrow();
    }
  });

  it('refuses only what cannot be kept or shown as one line: control characters, line breaks, direction controls, too long', () => {
    expect(() => checkRecordInbound(engagement(), vendor, reply({ subject: 'Re: a\u0000b' }))).toThrow(/the subject must not contain control characters \(found U\+0000\)/);
    expect(() => checkRecordInbound(engagement(), vendor, reply({ subject: 'Re: a\u2028b' }))).toThrow(/the subject must be on one line/);
    expect(() => checkRecordInbound(engagement(), vendor, reply({ subject: 'x'.repeat(1_001) }))).toThrow(/the subject must be at most 1000 characters/);
    expect(() => checkRecordInbound(engagement(), vendor, reply({ documents: documentNamed('invoice\u202Efdp.exe') }))).toThrow(/document 1 must not contain a text-direction control/);
    expect(() => checkRecordInbound(engagement(), vendor, reply({ documents: documentNamed('x'.repeat(256)) }))).toThrow(/document 1 must be at most 255 characters/);
    expect(() => checkRecordInbound(engagement(), vendor, reply({ documents: documentNamed('') }))).toThrow(/document 1 must not be empty/);
  });
});

describe('what the inbox refuses (the message then waits in the holding pen)', () => {
  it('refuses a reply from an address that is not the vendor’s, and accepts a colleague at the vendor’s domain', () => {
    expect(() => checkRecordInbound(engagement(), vendor, reply({ from: 'attacker@evil.test' }))).toThrow(
      /the sender attacker@evil\.test is not an address of Vendor zoom/,
    );
    expect(() => checkRecordInbound(engagement(), vendor, reply({ from: 'legal@zoom.test' }))).not.toThrow();
  });

  it('refuses, with its own reason, a reply from a subdomain of a contact’s domain, which may be a customer’s of the vendor, and lookalike domains and the domain above it as no address of the vendor’s', () => {
    // The letter went to privacy@zoom.us and to privacy@cisco.com; an answer comes from eu.zoom.us, or from
    // mail.cisco.com: an office of theirs, or one of their customers' accounts (as at a help-desk service).
    const zoom = { contacts: [{ name: 'DPO', email: 'privacy@zoom.us' }] };
    const cisco = { contacts: [{ name: 'DPO', email: 'Privacy@Cisco.com' }] };
    expect(isVendorAddress(zoom, 'legal@zoom.us')).toBe(true);
    expect(isVendorAddress(cisco, 'privacy@cisco.COM')).toBe(true);
    expect(isVendorAddress(zoom, 'legal@eu.zoom.us')).toBe(false);
    expect(isVendorAddress(cisco, 'dpo@mail.cisco.com')).toBe(false);
    // How near each is, for the intake's choice between vendors and the holding pen's suggestion.
    expect(vendorAddressDistance(zoom, 'privacy@zoom.us')).toBe(0);
    expect(vendorAddressDistance(zoom, 'legal@zoom.us')).toBe(1);
    expect(vendorAddressDistance(zoom, 'Legal@EU.Zoom.US')).toBe(2);
    expect(vendorAddressDistance(zoom, 'dpo@mail.eu.zoom.us')).toBe(3);
    // Label by label: a domain that merely ends the same way, or holds the vendor's as a label of its own, is someone else's.
    for (const stranger of ['legal@evilzoom.us', 'legal@zoom.us.evil.com', 'legal@eu-zoom.us', 'someone@us', 'zoom.us', 'legal@.zoom.us']) {
      expect(vendorAddressDistance(zoom, stranger), stranger).toBeUndefined();
    }
    expect(vendorAddressDistance(cisco, 'dpo@notcisco.com')).toBeUndefined();
    // Never upwards: the domain above a contact's may be a public suffix shared with strangers.
    const pages = { contacts: [{ name: 'DPO', email: 'privacy@vendor.github.io' }] };
    expect(vendorAddressDistance(pages, 'someone@github.io')).toBeUndefined();
    expect(vendorAddressDistance(pages, 'someone@other.github.io')).toBeUndefined();
    expect(vendorAddressDistance(pages, 'legal@mail.vendor.github.io')).toBe(2);

    // The engagement's validator: a subdomain's mail waits for an officer, saying why; a lookalike is no address of the vendor's.
    const refusedWith = (from: string) => {
      try {
        checkRecordInbound(engagement(), vendor, reply({ from }));
      } catch (err) {
        return [(err as ApplicationFailure).details?.[0], (err as Error).message];
      }
      return undefined;
    };
    expect(refusedWith('legal@eu.zoom.test')).toEqual([
      { refusal: 'sender-under-vendor-domain', values: { from: 'legal@eu.zoom.test', vendor: 'Vendor zoom' } },
      expect.stringMatching(/the sender legal@eu\.zoom\.test writes from a domain under one of Vendor zoom's, which may be held by one of its customers/),
    ]);
    expect(refusedWith('legal@evilzoom.test')).toEqual([{ refusal: 'sender-not-vendor', values: { from: 'legal@evilzoom.test', vendor: 'Vendor zoom' } }, expect.stringMatching(/is not an address of Vendor zoom/)]);
    expect(refusedWith('legal@zoom.test.evil.example')?.[0]).toMatchObject({ refusal: 'sender-not-vendor' });
    const euOnly = testVendor('zoom', { contacts: [{ name: 'DPO', email: 'privacy@eu.zoom.test' }] });
    expect(() => checkRecordInbound(engagement(), euOnly, reply({ from: 'legal@zoom.test' }))).toThrow(/the sender legal@zoom\.test is not an address of Vendor zoom/);
    // An officer who assigns it vouches for the sender.
    expect(() => checkRecordInbound(engagement(), vendor, reply({ from: 'legal@eu.zoom.test', matchedBy: 'officer', assignedBy: 'Marie Leclerc' }))).not.toThrow();
  });

  it('takes a contact at a public mail service as that very address, not its domain, which is everyone’s', () => {
    // Houseparty's founder wrote from a free account: another account there is a stranger's, forged In-Reply-To or not.
    const founder = testVendor('houseparty', { contacts: [{ name: 'Founder', email: 'Founder.Houseparty@Gmail.com' }, { name: 'Office', email: 'office@houseparty.test' }] });
    expect(isVendorAddress(founder, 'founder.houseparty@gmail.com')).toBe(true);
    expect(isVendorAddress(founder, 'someone.else@gmail.com')).toBe(false);
    expect(vendorAddressDistance(founder, 'someone.else@gmail.com')).toBeUndefined();
    expect(vendorAddressDistance(founder, 'x@mail.gmail.com')).toBeUndefined();
    for (const stranger of ['anyone@orange.fr', 'anyone@videotron.ca', 'anyone@outlook.com']) {
      expect(vendorAddressDistance({ contacts: [{ name: 'DPO', email: `dpo@${stranger.split('@')[1]}` }] }, stranger), stranger).toBeUndefined();
    }
    // The vendor's own domain still takes a colleague.
    expect(isVendorAddress(founder, 'legal@houseparty.test')).toBe(true);
    expect(() => checkRecordInbound(engagement(), founder, reply({ from: 'someone.else@gmail.com' }))).toThrow(/the sender someone\.else@gmail\.com is not an address of Vendor houseparty/);
    expect(() => checkRecordInbound(engagement(), founder, reply({ from: 'founder.houseparty@gmail.com' }))).not.toThrow();
  });

  it('refuses a bounce about an address the engagement never wrote to', () => {
    const input = reply({ kind: 'bounce', bounce: { recipients: ['someone@else.test'] } });
    expect(() => checkRecordInbound(engagement(), vendor, input)).toThrow(/not an address this engagement wrote to/);
  });

  it('notes a relay’s report of a delay on a message to the vendor, from whatever mail server, and refuses one about another address', () => {
    const report = (recipients: string[]) =>
      reply({ kind: 'auto-reply', from: 'mailer-daemon@relay.regulator.example', deliveryReport: { recipients, action: 'delayed', status: '4.4.1' } });
    const state = engagement();
    checkRecordInbound(state, vendor, report(['Privacy@zoom.test']));
    expect(recordInbound(state, report(['privacy@zoom.test']), now, log).result.effect).toBe('noted');
    expect(state.stage).toBe('awaiting-response');
    expect(() => checkRecordInbound(engagement(), vendor, report(['someone@else.test']))).toThrow(/the delivery report concerns someone@else\.test, not an address this engagement wrote to/);
    expect(() => checkRecordInbound(engagement(), vendor, { ...report(['privacy@zoom.test']), answersStep: undefined })).toThrow(/must name the message it concerns/);
    // An automatic answer that is no report is still the vendor's to send.
    expect(() => checkRecordInbound(engagement(), vendor, reply({ kind: 'auto-reply', from: 'mailer-daemon@relay.regulator.example' }))).toThrow(/is not an address of Vendor zoom/);
  });

  it('refuses to take a reply dated before the open letter went out as the response', () => {
    const state = engagement({ letterSentAt: '2020-08-10T14:30:00.000Z' });
    recordInbound(state, reply(), now, log);
    expect(() => checkConfirmInbound(state, { by: 'O', messageId: '<r1@zoom.test>', as: 'response' })).toThrow(
      /the reply <r1@zoom\.test> is dated 2020-08-10T14:00:00\.000Z, earlier than the open letter, sent 2020-08-10T14:30:00\.000Z/,
    );
  });

  it('refuses to take a reply dated before the questions were sent as their answers', () => {
    const rounds = [{ round: 1, askedAt: '2020-08-10T14:30:00.000Z', dueDate: '2020-08-30T00:00:00.000Z', remindersExhausted: false }];
    const state = engagement({ stage: 'follow-up', rounds, questions: [{ id: 'q1', round: 1, text: 'How?', dueDate: '2020-08-30T00:00:00.000Z' }] });
    recordInbound(state, reply(), now, log);
    expect(() => checkConfirmInbound(state, { by: 'O', messageId: '<r1@zoom.test>', as: 'answers', answers: [{ questionId: 'q1' }] })).toThrow(
      /earlier than question q1, sent 2020-08-10T14:30:00\.000Z/,
    );
    // Within a few minutes it is clock skew between mail servers, not a reply from the past.
    recordInbound(state, reply({ messageId: '<r2@zoom.test>', receivedAt: '2020-08-10T14:27:00.000Z' }), now, log);
    expect(() => checkConfirmInbound(state, { by: 'O', messageId: '<r2@zoom.test>', as: 'answers', answers: [{ questionId: 'q1' }] })).not.toThrow();
  });

  it('says why a reply cannot be the response before the letter has reached the vendor', () => {
    for (const [stage, why] of [
      ['letter-undeliverable', /letter-undeliverable: the open letter has not reached the vendor; correct the contact address/],
      ['sending-letter', /sending-letter: the open letter is still being sent; take the reply as the response once it has gone out/],
      ['follow-up', /follow-up: the response is already recorded/],
    ] as const) {
      // Recorded first (a reply moves sending-letter to reply-received); a correction then sends the letter again.
      const state = engagement();
      recordInbound(state, reply(), now, log);
      state.stage = stage;
      expect(() => checkConfirmInbound(state, { by: 'O', messageId: '<r1@zoom.test>', as: 'response' })).toThrow(why);
    }
  });

  it('refuses mail for an engagement that has ended', () => {
    expect(() => checkRecordInbound(engagement({ stage: 'concluded' }), vendor, reply())).toThrow(/is concluded: it records no more mail/);
  });

  it('refuses a malformed Message-ID or a path as a document name', () => {
    expect(() => checkRecordInbound(engagement(), vendor, reply({ messageId: 'no brackets' }))).toThrow(/messageId must look like/);
    const documents = [{ id: 'a'.repeat(32), name: '../etc/passwd', type: 'text/plain', size: 1, sha256: 'c'.repeat(64) }];
    expect(() => checkRecordInbound(engagement(), vendor, reply({ documents }))).toThrow(/must be a file name, not a path/);
  });

  it('records the language the intake found a message written in, refuses one it does not know, and records none when given none', () => {
    expect(() => checkRecordInbound(engagement(), vendor, reply({ language: 'de' as never }))).toThrow(/language must be one of en, fr when given \(got "de"\)/);
    const state = engagement();
    checkRecordInbound(state, vendor, reply({ language: 'fr' }));
    recordInbound(state, reply({ language: 'fr' }), now, log);
    // An older intake sends none: the message is recorded as before, with no language.
    recordInbound(state, reply({ messageId: '<r2@zoom.test>' }), now, log);
    expect(state.inbox!.map((m) => [m.messageId, m.language])).toEqual([
      ['<r1@zoom.test>', 'fr'],
      ['<r2@zoom.test>', undefined],
    ]);
    expect('language' in state.inbox![1]!).toBe(false);
  });
});
