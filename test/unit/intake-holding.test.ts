// The intake over a real Maildir and document store, with the engagement's own validator and
// handler in place of Temporal: what a vendor's mail looks like decides whether it is recorded or
// held, and whether an officer can assign it. No server, so each case runs in milliseconds.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageIdFor, replyAddressFor, replyToken } from '../../activities/threading';
import { refused } from '../../client/errors';
import { CaseDocuments } from '../../documents/document-store';
import { generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { parseIntakeConfig } from '../../intake/config';
import type { Directory } from '../../intake/correlate';
import { renderInbox } from '../../client/commands/inbox';
import { heldReasonLine, heldReasonText, LISTED_REFUSALS, REASON_LINE_CHARS } from '../../intake/held-reason';
import { messageNotes } from '../../intake/inbound-notes';
import { Intake } from '../../intake/intake';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { holdingFolder, RECORDED_FOLDER } from '../../intake/mailbox';
import { openLocalStore } from '../../store/local';
import { recordInbound } from '../../workflows/inbox';
import { checkRecordInbound } from '../../workflows/inbox-rules';
import type { RecordInboundInput } from '../../workflows/messages';
import { refusalDetails } from '../../workflows/refusals';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { engagementStatusOf, testCampaign, testVendor } from '../helpers/fixtures';
import { composeReply, tnefFixture, tnefOfManyFiles, outlookDesktopReply, outlookWebReplyHtmlOnly, renderedAsText, wrapped, type QuotedMessage } from '../helpers/inbound-mail';
import { composeMessage } from '../../activities/compose';
import type { Language } from '../../workflows/types';

const vendor = testVendor('zoom'); // privacy@zoom.test

async function setUp(settings: { maxMessageBytes?: number } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'intake-holding-'));
  const shared = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
  const documents = new CaseDocuments(shared.documents, new KeyStore(shared.keys, parseMasterKeys(generateMasterKeySpec('m1'))));
  const mailbox = new MaildirMailbox(join(scratch, 'mail'));
  await mailbox.open();
  const state = engagementStatusOf('vc', 'zoom', { vendorName: vendor.name });
  // The engagement as Temporal runs it: the validator refuses, the handler records.
  const dossier = {
    recordHeldDismissal: async () => undefined,
    recordInbound: async (_ref: unknown, input: RecordInboundInput) => {
      try {
        checkRecordInbound(state, vendor, input);
      } catch (err) {
        throw refused(`engagement ${state.workflowId}`, (err as Error).message);
      }
      return recordInbound(state, input, new Date().toISOString(), () => undefined).result;
    },
  };
  const directory: Directory = {
    engagementByToken: async () => undefined,
    campaignByReference: async () => ({ campaignId: 'vc', vendorIds: ['zoom'] }),
    vendorOf: async () => ({ name: state.vendorName, contacts: vendor.contacts }),
  };
  const options = { mailbox, documents, directory, domain: 'test.example', caseMailbox: 'case@test.example' };
  const intake = new Intake({ ...options, ...settings, dossier: dossier as never });
  /** An intake whose every engagement refuses mail with this reason. */
  const refusing = (reason: string) =>
    new Intake({ ...options, dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => Promise.reject(refused('engagement engagement:vc:sg', reason)) } as never });
  return { state, mailbox, intake, refusing, documents, store: shared.documents, options, dossier };
}

describe('the intake takes a vendor’s subject and file names as data', () => {
  it('records replies whose subject or attachment name holds markup words, < and >, or direction controls', async () => {
    const { state, mailbox, intake } = await setUp();
    const from = vendor.contacts[0].email;
    const mail = (n: number, subject: string, attachment?: string) =>
      composeReply({
        from,
        to: 'case@test.example',
        subject: `Re: [VC] ${subject}`,
        messageId: `<s${n}@zoom.test>`,
        text: 'Our answers.',
        attachments: attachment ? [{ filename: attachment, content: Buffer.from(`%PDF-1.7 ${n}`) }] : undefined,
      });
    await mailbox.append(await mail(1, 'Q3 – JavaScript: the scripts our web client loads'));
    await mailbox.append(await mail(2, 'Q4 – <video> recordings: retention'));
    await mailbox.append(await mail(3, 'response', 'Réponse <version finale>.pdf'));
    await mailbox.append(await mail(4, 'response\u2028second line'));
    await mailbox.append(await mail(5, 'facture \u202Efdp.exe', 'invoice\u202Efdp.exe'));
    const settled = await intake.pass();
    // Eight messages are handled at once: the order they settle in is not their order of arrival.
    expect(settled.map((s) => [s.messageId, s.outcome, 'reason' in s ? s.reason : '']).sort()).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`<s${n}@zoom.test>`, 'recorded', '']),
    );
    const recorded = new Map(state.inbox!.map((m) => [m.messageId, m]));
    expect(recorded.get('<s1@zoom.test>')!.subject).toBe('Re: [VC] Q3 – JavaScript: the scripts our web client loads');
    expect(recorded.get('<s2@zoom.test>')!.subject).toBe('Re: [VC] Q4 – <video> recordings: retention');
    expect(recorded.get('<s3@zoom.test>')!.documents.map((d) => d.name)).toEqual(['Réponse <version finale>.pdf']);
    expect(recorded.get('<s4@zoom.test>')!.subject).toBe('Re: [VC] response second line');
    // A direction control would show "invoice\u202Efdp.exe" as "invoiceexe.pdf": it is dropped, not obeyed.
    expect(recorded.get('<s5@zoom.test>')!.subject).toBe('Re: [VC] facture fdp.exe');
    expect(recorded.get('<s5@zoom.test>')!.documents.map((d) => d.name)).toEqual(['invoicefdp.exe']);
  });

  it('lets an officer assign a held reply whose subject and attachment name hold markup', async () => {
    const { state, mailbox, intake } = await setUp();
    await mailbox.append(
      await composeReply({
        from: 'counsel@lawfirm.test',
        to: 'case@test.example',
        subject: 'Re: [VC] Q4 – <video> recordings, JavaScript: our answers',
        messageId: '<held1@lawfirm.test>',
        text: 'On behalf of our client.',
        attachments: [{ filename: 'Réponse <version finale>.pdf', content: Buffer.from('%PDF-1.7') }],
      }),
    );
    const [held] = await intake.pass();
    expect(held).toMatchObject({ outcome: 'held', reason: expect.stringMatching(/the sender counsel@lawfirm\.test is not an address of/) });
    await expect(intake.assign('vc', '<held1@lawfirm.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay')).resolves.toEqual({
      messageId: '<held1@lawfirm.test>',
      effect: 'to-review',
    });
    expect(state.inbox!.map((m) => [m.subject, m.documents.map((d) => d.name)])).toEqual([
      ['Re: [VC] Q4 – <video> recordings, JavaScript: our answers', ['Réponse <version finale>.pdf']],
    ]);
    expect(await intake.held('vc')).toEqual([]);
  });
});

describe('the attachments of a message, in the document store', () => {
  it('keeps none of a message every engagement refuses, and an officer who assigns it keeps them all', async () => {
    const { state, mailbox, intake, documents, store } = await setUp();
    for (const n of [1, 2, 3]) {
      await mailbox.append(
        await composeReply({
          from: 'x@evil.example',
          to: 'case@test.example',
          subject: '[VC] invoice',
          messageId: `<forged${n}@evil.example>`,
          text: 'x',
          attachments: [{ filename: 'big.bin', content: Buffer.alloc(64 * 1024, n) }],
        }),
      );
    }
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['held', 'held', 'held']);
    expect(await store.list('vc')).toEqual([]);

    await intake.assign('vc', '<forged2@evil.example>', { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    // One document, stored under its id (its name travels only in the encrypted reference).
    const [kept] = state.inbox![0].documents;
    expect(kept).toMatchObject({ name: 'big.bin' });
    expect((await store.list('vc')).map((d) => d.key)).toEqual([kept!.id]);
    expect(await documents.read('vc', kept!)).toEqual(Buffer.alloc(64 * 1024, 2));
  });

  it('stores a recorded message’s attachments; when storing fails after recording, the next pass records it once and stores them', async () => {
    const { state, mailbox, documents, options, dossier } = await setUp();
    let failures = 1;
    const flaky = Object.create(documents) as CaseDocuments;
    flaky.save = async (...args: Parameters<CaseDocuments['save']>) => {
      if (failures-- > 0) throw new Error('the document store is unreachable');
      return documents.save(...args);
    };
    const intake = new Intake({ ...options, documents: flaky, dossier: dossier as never });
    const content = Buffer.from('%PDF-1.7 our response');
    await mailbox.append(
      await composeReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: 'Re: [VC] response',
        messageId: '<r1@zoom.test>',
        text: 'Attached.',
        attachments: [{ filename: 'response.pdf', content }],
      }),
    );
    expect(await intake.pass()).toEqual([{ messageId: '<r1@zoom.test>', outcome: 'left', reason: 'the document store is unreachable' }]);
    expect(await intake.pass()).toMatchObject([{ messageId: '<r1@zoom.test>', outcome: 'recorded' }]);
    expect(await intake.pass()).toEqual([]);
    expect(state.inbox!.map((m) => m.messageId)).toEqual(['<r1@zoom.test>']);
    expect(await documents.read('vc', state.inbox![0].documents[0])).toEqual(content);
  });
});

describe('a reply whose attachments Outlook wrapped in a winmail.dat (TNEF)', () => {
  const reply = (n: number, content: Buffer) =>
    composeReply({
      from: vendor.contacts[0].email,
      to: 'case@test.example',
      subject: 'Re: [VC] response',
      messageId: `<tnef${n}@zoom.test>`,
      text: 'Please find our response attached.',
      attachments: [{ filename: 'winmail.dat', content, contentType: 'application/ms-tnef' }],
    });
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('records and stores the files inside it as the message’s documents, not the winmail.dat', async () => {
    const { state, mailbox, intake, documents } = await setUp();
    await mailbox.append(await reply(1, tnefFixture('attachments.dat')));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const [recorded] = state.inbox!;
    expect(recorded!.documents.map((d) => `${d.name} ${d.type} ${d.size}`)).toEqual(['zappa_av1.jpg image/jpeg 2937', 'bookmark.htm text/html 85805']);
    // The bytes Debian's tnef tool extracts (test/fixtures/tnef/README.md), kept in the store.
    expect(sha256(await documents.read('vc', recorded!.documents[0]!))).toBe('bea844f30e0fcc20fad419a0d11032a6465da93c1da185a1196949955994409a');
    expect(recorded!.noteCodes).toBeUndefined();
  });

  it('records the words of its RTF body as the reply’s text when Outlook sent no text part, without keeping the winmail.dat', async () => {
    const { state, mailbox, intake } = await setUp();
    const raw = await composeReply({
      from: vendor.contacts[0].email,
      to: 'case@test.example',
      subject: 'Re: [VC] response',
      messageId: '<tnef5@zoom.test>',
      attachments: [{ filename: 'winmail.dat', content: tnefFixture('attachments.dat'), contentType: 'application/ms-tnef' }],
    });
    await mailbox.append(raw);
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const [recorded] = state.inbox!;
    // The paragraphs of the RTF `tnef --save-body` writes (test/fixtures/tnef/README.md).
    expect(recorded!.text).toBe(['Casdasdfasdfasd', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd'].join('\n'));
    expect(recorded!.documents.map((d) => d.name)).toEqual(['zappa_av1.jpg', 'bookmark.htm']);
  });

  it('keeps a winmail.dat it cannot open as it came, with a note saying so in English and French', async () => {
    const { state, mailbox, intake, documents } = await setUp();
    const damaged = tnefFixture('panic.dat');
    await mailbox.append(await reply(2, damaged));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const [recorded] = state.inbox!;
    expect(recorded!.documents.map((d) => d.name)).toEqual(['winmail.dat']);
    expect(await documents.read('vc', recorded!.documents[0]!)).toEqual(damaged);
    expect(recorded!.noteCodes).toEqual([{ code: 'winmail-unreadable', name: 'winmail.dat' }]);
    expect(recorded!.notes).toEqual([
      'winmail.dat (Outlook’s wrapping of attachments) could not be opened: it was kept as it came, without the files inside it taken out; the original message is in the case mailbox.',
    ]);
    expect(messageNotes(recorded!, 'fr').map((n) => n.text)).toEqual([
      'winmail.dat (l’enveloppe dans laquelle Outlook regroupe les pièces jointes) n’a pas pu être ouvert\u00a0: il a été conservé tel quel, sans que les fichiers qu’il contient en soient extraits\u202f; le message original est dans la boîte des dossiers.',
    ]);
  });

  it('gives a winmail.dat it cannot open and cannot keep (over the 25 MB limit) only the note that it was not kept', async () => {
    const { state, mailbox, intake } = await setUp();
    // attachments.dat up to its first attAttachData, whose length then says 30 MB where 26 MB follow: cut short.
    const real = tnefFixture('attachments.dat');
    const head = Buffer.from(real.subarray(0, 1_438 + 9));
    head.writeUInt32LE(30 * 1024 * 1024, 1_438 + 5);
    const cut = Buffer.concat([head, Buffer.alloc(26 * 1024 * 1024, 1)]);
    await mailbox.append(await reply(4, cut));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const [recorded] = state.inbox!;
    expect(recorded!.documents).toEqual([]);
    expect(recorded!.noteCodes).toEqual([{ code: 'attachment-too-large', name: 'winmail.dat', bytes: cut.length, limitBytes: 25 * 1024 * 1024 }]);
  });

  it('holds a reply whose winmail.dat holds more files than a message may carry, as one with that many attachments', async () => {
    const { state, mailbox, intake, store } = await setUp();
    await mailbox.append(await reply(3, tnefOfManyFiles(120)));
    const [held] = await intake.pass();
    expect(held).toMatchObject({ outcome: 'held', reason: expect.stringContaining('the documents must have at most 100 entries') });
    expect(state.inbox ?? []).toEqual([]);
    expect(await store.list('vc')).toEqual([]);
  });
});

/**
 * The engagements' side of recording, without a server: each engagement's own validator, its refusal
 * wrapped as the client wraps a workflow's (the failure, with its details, is the cause), then the
 * record kept in its state.
 */
function validatingDossier(engagements: Map<string, { vendor: ReturnType<typeof testVendor>; state: ReturnType<typeof engagementStatusOf> }>) {
  return {
    recordHeldDismissal: async () => undefined,
    recordInbound: async (ref: { vendorId: string }, input: RecordInboundInput) => {
      const { vendor: v, state } = engagements.get(ref.vendorId)!;
      try {
        checkRecordInbound(state, v, input);
      } catch (err) {
        throw refused(`engagement ${state.workflowId}`, (err as Error).message, err);
      }
      return recordInbound(state, input, new Date().toISOString(), () => undefined).result;
    },
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

describe('two intakes reading one case mailbox (npm start and npm run demo)', () => {
  it('leaves a message the other intake moved first as settled there: no error, no second pass, recorded once', async () => {
    const { state, mailbox, options, dossier } = await setUp();
    const lines: string[] = [];
    const other = new MaildirMailbox(mailbox.root);
    const first = new Intake({ ...options, dossier: dossier as never });
    const second = new Intake({ ...options, mailbox: other, dossier: dossier as never, log: (line) => lines.push(line) });
    await mailbox.append(await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Re: [VC] response', messageId: '<r2@zoom.test>', text: 'Our answers.' }));
    // Both read it before either moved it.
    const [seen] = await all(other.messages());
    expect(await first.pass()).toMatchObject([{ messageId: '<r2@zoom.test>', outcome: 'recorded' }]);
    const settled = await second.handle(seen);
    expect(settled).toEqual({ messageId: '<r2@zoom.test>', outcome: 'taken' });
    expect(await second.pass()).toEqual([]);
    expect(state.inbox!.map((m) => m.messageId)).toEqual(['<r2@zoom.test>']);
    expect(await all(mailbox.messages('Recorded'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('ENOENT');
  });

  it('lists a message both intakes held once in the holding pen', async () => {
    const { mailbox, refusing, intake } = await setUp();
    const first = refusing('the case has ended');
    const second = refusing('the case has ended');
    await mailbox.append(await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Re: [VC] late', messageId: '<r3@zoom.test>', text: 'Late.' }));
    const [seen] = await all(mailbox.messages());
    expect(await first.pass()).toMatchObject([{ outcome: 'held' }]);
    expect(await second.handle(seen)).toEqual({ messageId: '<r3@zoom.test>', outcome: 'taken' });
    expect((await intake.held('vc')).map((m) => m.messageId)).toEqual(['<r3@zoom.test>']);
    expect(await all(mailbox.messages('Originals'))).toHaveLength(1);
  });

  it('lists a pen without reading what Recorded gathered before its messages arrived', async () => {
    const { mailbox, refusing, intake } = await setUp();
    // A week of recorded mail, as the years of a real mailbox: listing the pen must not read it all.
    const recorded = join(mailbox.root, '.Recorded');
    for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(recorded, sub), { recursive: true });
    const weekAgo = Date.now() - 7 * 86_400_000;
    for (let i = 0; i < 200; i++) {
      const at = weekAgo + i * 1000;
      const name = join(recorded, 'cur', `${at}.M${i}P1.old`);
      writeFileSync(name, `Message-ID: <old${i}@zoom.test>\r\nFrom: ${vendor.contacts[0].email}\r\nSubject: old\r\n\r\nx\r\n`);
      utimesSync(name, at / 1000, at / 1000);
    }
    await mailbox.append(await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Re: [VC] late', messageId: '<r4@zoom.test>', text: 'Late.' }));
    expect(await refusing('the case has ended').pass()).toMatchObject([{ outcome: 'held' }]);
    let read = 0;
    const reader = mailbox as unknown as { read(path: string, names: string[], options: object): AsyncIterable<unknown> };
    const readAll = reader.read.bind(mailbox);
    reader.read = (path, names, options) => {
      if (path === recorded) read += names.length;
      return readAll(path, names, options);
    };
    expect((await intake.held('vc')).map((m) => m.messageId)).toEqual(['<r4@zoom.test>']);
    expect(read).toBe(0);
  });
});

describe('why a message is held, as the officer reads it', () => {
  it('keeps every accent of the reason, however long, in header lines a mail client reads', async () => {
    const { mailbox, intake, refusing } = await setUp();
    const reason = 'the sender x@evil.example is not an address of Société Générale: an officer must check it and assign it';
    await mailbox.append(await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: '[VC] bonjour', messageId: '<m1@evil.example>', text: 'x' }));
    await refusing(reason).pass();
    const [held] = await intake.held('vc');
    expect(held.reason).toBe(`the engagement refused it: engagement engagement:vc:sg refused: ${reason}`);
    expect((await intake.read('vc', '<m1@evil.example>')).reason).toBe(held.reason);

    const long = `${'Réponse reçue « hors délai » — '.repeat(40)}fin`;
    await mailbox.append(await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: '[VC] encore', messageId: '<m2@evil.example>', text: 'x' }));
    await refusing(long).pass();
    expect((await intake.read('vc', '<m2@evil.example>')).reason).toBe(`the engagement refused it: engagement engagement:vc:sg refused: ${long}`.slice(0, 900));
    for await (const stored of mailbox.messages('Held-vc')) {
      const header = stored.raw.subarray(0, stored.raw.indexOf('\r\n\r\n')).toString('latin1');
      for (const line of header.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(998);
    }
  });

  it('keeps its own reasons as a code and values, worded in English or French, and an engagement’s refusal in its words', async () => {
    const { mailbox, intake, refusing } = await setUp({ maxMessageBytes: 64 * 1024 });
    await mailbox.append(await composeReply({ from: 'x@nowhere.test', to: 'case@test.example', subject: 'hello', messageId: '<lost@nowhere.test>', text: 'x' }));
    await mailbox.append(
      await composeReply({ from: 'x@nowhere.test', to: 'case@test.example', subject: '[VC] big', messageId: '<big@nowhere.test>', text: 'x', attachments: [{ filename: 'a.bin', content: Buffer.alloc(200 * 1024, 1) }] }),
    );
    await intake.pass();
    const why = new Map((await intake.held(undefined)).concat(await intake.held('vc')).map((h) => [h.messageId, h.why]));
    expect(why.get('<lost@nowhere.test>')).toEqual({ code: 'no-match' });
    // The English words stay for older readers; the numbers let each reader write the sizes its way.
    expect(why.get('<big@nowhere.test>')).toMatchObject({ code: 'oversize', limit: '0.1 MB', limitBytes: 64 * 1024, bytes: expect.any(Number) });
    expect(heldReasonText(why.get('<big@nowhere.test>')!, 'fr')).toMatch(/^le message fait 2\d\d,\d\u00a0ko, plus que les 64,0\u00a0ko que la réception lit\u00a0: il n’a pas été ouvert/);
    expect(heldReasonText(why.get('<big@nowhere.test>')!, 'en')).toMatch(/^the message is 2\d\d\.\d KB, more than the 64\.0 KB the intake reads/);
    // A copy held before sizes were kept as numbers reads as it was written.
    expect(heldReasonText({ code: 'oversize', size: '3.1 MB', limit: '1.0 MB' }, 'fr')).toMatch(/^le message fait 3\.1 MB, plus que les 1\.0 MB/);

    await mailbox.append(await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: '[VC] bonjour', messageId: '<m1@evil.example>', text: 'x' }));
    await refusing('the sender x@evil.example is not an address of SG').pass();
    const held = await intake.read('vc', '<m1@evil.example>');
    const sentence = 'engagement engagement:vc:sg refused: the sender x@evil.example is not an address of SG';
    expect(held.why).toEqual({ code: 'refused', detail: sentence, refusals: [{ vendor: 'zoom', sentence }], count: 1 });
    expect(heldReasonText(held.why, 'fr')).toBe('le dossier l’a refusé\u00a0: engagement engagement:vc:sg refused: the sender x@evil.example is not an address of SG');
  });

  it('keeps each engagement’s refusal as its code and values, and the CLI’s line short, when every engagement of a large campaign refuses it', async () => {
    const { mailbox, documents } = await setUp();
    const vendors = Array.from({ length: 150 }, (_, i) => testVendor(`v${String(i).padStart(3, '0')}`));
    const engagements = new Map(vendors.map((v) => [v.id, { vendor: v, state: engagementStatusOf('vc', v.id, { vendorName: v.name, contacts: v.contacts }) }]));
    const dossier = validatingDossier(engagements);
    const directory: Directory = {
      engagementByToken: async () => undefined,
      campaignByReference: async () => ({ campaignId: 'vc', vendorIds: vendors.map((v) => v.id) }),
      vendorOf: async ({ vendorId }) => ({ name: engagements.get(vendorId)!.state.vendorName, contacts: engagements.get(vendorId)!.vendor.contacts }),
    };
    const intake = new Intake({ mailbox, documents, directory, domain: 'test.example', caseMailbox: 'case@test.example', dossier: dossier as never });
    await mailbox.append(await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<all@evil.example>', text: 'x' }));
    await intake.pass();
    const [held] = await intake.held('vc');
    // A stranger to every vendor: said once, of the campaign; each refusal kept as data.
    if (held.why.code !== 'sender-of-no-vendor') throw new Error(`held as ${held.why.code}`);
    expect(held.why.count).toBe(150);
    expect(held.why.refusals).toHaveLength(LISTED_REFUSALS);
    expect(held.why.refusals![1]).toEqual({
      vendor: 'v001',
      sentence: 'engagement engagement:vc:v001 refused: the sender x@evil.example is not an address of Vendor v001: an officer must check it and assign it',
      refusal: { refusal: 'sender-not-vendor', values: { from: 'x@evil.example', vendor: 'Vendor v001' } },
    });
    // Not 150 refusals on one line.
    expect(heldReasonLine(held.why)).toBe('the sender is not an address of any of the campaign’s vendors: an officer must check it and assign it');
    // Refusals of other kinds: one engagement's words and how many others refused it.
    const line = heldReasonLine({ ...held.why, code: 'refused', detail: '' });
    expect(line).toBe(
      'the engagement refused it: engagement engagement:vc:v000 refused: the sender x@evil.example is not an address of Vendor v000: an officer must check it and assign it (and 149 more engagements refused it)',
    );
    expect(heldReasonLine({ code: 'as-written', detail: 'x'.repeat(2_000) }).length).toBeLessThan(REASON_LINE_CHARS + 150);
    expect(heldReasonLine({ code: 'as-written', detail: 'x'.repeat(2_000) })).toMatch(/… \(\d+ more characters: `--json`, or the held message’s page in the workspace, shows it whole\)$/);
    // The copy's header lines stay within what a mail client reads.
    for await (const stored of mailbox.messages('Held-vc')) {
      const header = stored.raw.subarray(0, stored.raw.indexOf('\r\n\r\n')).toString('latin1');
      for (const headerLine of header.split('\r\n')) expect(headerLine.length).toBeLessThanOrEqual(998);
    }
  });

  it('never reads a vendor’s own X-Dossier headers as the intake’s reason or size', async () => {
    const { mailbox, intake } = await setUp();
    const forged = 'X-Dossier-Held-Why: {"code":"refused","detail":"nothing to check"}\r\nX-Dossier-Held-Size: 99999999\r\n';
    const original = await composeReply({ from: 'x@nowhere.test', to: 'case@test.example', subject: 'hello', messageId: '<forged@nowhere.test>', text: 'x' });
    await mailbox.append(Buffer.concat([Buffer.from(forged), original]));
    await intake.pass();
    const [held] = await intake.held(undefined);
    expect(held.why).toEqual({ code: 'no-match' });
    const copies = [];
    for await (const stored of mailbox.messages(holdingFolder(undefined))) copies.push(stored.raw.toString('latin1'));
    // The vendor's lines stay in the message as it arrived, below the intake's own.
    expect(copies).toEqual([expect.stringContaining(`X-Dossier-Held-End: 1\r\n${forged}`)]);
  });

  it('still reads a copy held before reasons were encoded', async () => {
    const { mailbox, intake } = await setUp();
    const original = await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: '[VC] old', messageId: '<old@evil.example>', text: 'x' });
    const annotation = 'X-Dossier-Held-Reason: the sender x@evil.example is not an address of Soci?t? G?n?rale\r\nX-Dossier-Held-Campaign: vc\r\n';
    await mailbox.append(Buffer.concat([Buffer.from(annotation), original]), 'Held-vc');
    expect((await intake.held('vc')).map((h) => [h.messageId, h.reason])).toEqual([
      ['<old@evil.example>', 'the sender x@evil.example is not an address of Soci?t? G?n?rale'],
    ]);
    expect((await intake.read('vc', '<old@evil.example>')).why).toEqual({ code: 'as-written', detail: 'the sender x@evil.example is not an address of Soci?t? G?n?rale' });
  });
});

describe('held copies left by a pass cut short', () => {
  it('leave the holding pen together when the message is assigned or dismissed', async () => {
    const { mailbox, intake } = await setUp();
    for (const id of ['<twice1@evil.example>', '<twice2@evil.example>']) {
      const original = await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: '[VC] twice', messageId: id, text: 'x' });
      const held = Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the sender x@evil.example is not an address of SG\r\nX-Dossier-Held-Campaign: vc\r\n'), original]);
      await mailbox.append(held, 'Held-vc');
      await mailbox.append(held, 'Held-vc');
    }
    await intake.assign('vc', '<twice1@evil.example>', { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    await intake.dismiss('vc', '<twice2@evil.example>', 'Officer Tremblay', 'spam');
    expect((await intake.held('vc')).map((h) => h.messageId)).toEqual([]);
    let dismissed = 0;
    for await (const _ of mailbox.messages('Dismissed')) dismissed++;
    expect(dismissed).toBe(1);
  });
});

describe('a message that left the holding pen', () => {
  it('says to which engagement and by whom it was assigned, or by whom and why it was dismissed', async () => {
    const { mailbox, intake } = await setUp();
    for (const id of ['<went1@evil.example>', '<went2@evil.example>']) {
      const original = await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: `[VC] gone ${id}`, messageId: id, text: 'x' });
      await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the sender x@evil.example is not an address of SG\r\nX-Dossier-Held-Campaign: vc\r\n'), original]), 'Held-vc');
    }
    await intake.assign('vc', '<went1@evil.example>', { campaignId: 'vc', vendorId: 'zoom' }, 'Agente Lévesque (lea@regulator.example)');
    await intake.dismiss('vc', '<went2@evil.example>', 'Officer Tremblay', 'Publicité, pas une réponse');
    expect(await intake.fate('<went1@evil.example>')).toEqual({
      outcome: 'assigned',
      subject: '[VC] gone <went1@evil.example>',
      campaignId: 'vc',
      vendorId: 'zoom',
      by: 'Agente Lévesque (lea@regulator.example)',
    });
    expect(await intake.fate('<went2@evil.example>')).toEqual({ outcome: 'dismissed', subject: '[VC] gone <went2@evil.example>', by: 'Officer Tremblay', reason: 'Publicité, pas une réponse' });
    expect(await intake.fate('<never@evil.example>')).toBeUndefined();
  });
});

describe('an officer’s dismissal of a held message', () => {
  it('is recorded for the audit export before the message leaves the pen: who, which message, its sender and subject, and why', async () => {
    const { mailbox, options, dossier } = await setUp();
    const recorded: unknown[] = [];
    // What the mailbox holds when the dismissal is recorded: the message is still in its pen then.
    const heldThen: number[] = [];
    const recordHeldDismissal = async (input: unknown) => {
      heldThen.push((await intake.held('vc')).length);
      recorded.push(input);
    };
    const intake = new Intake({ ...options, dossier: { ...dossier, recordHeldDismissal } as never });
    const original = await composeReply({ from: 'promo@ads.example', to: 'case@test.example', subject: '[VC] Win a cruise', messageId: '<promo@ads.example>', text: 'x' });
    await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the sender promo@ads.example is not an address of SG\r\nX-Dossier-Held-Campaign: vc\r\n'), original]), 'Held-vc');
    await intake.dismiss('vc', '<promo@ads.example>', 'Officer Tremblay', 'Publicité, pas une réponse');
    expect(recorded).toEqual([
      { by: 'Officer Tremblay', campaignId: 'vc', messageId: '<promo@ads.example>', from: 'promo@ads.example', subject: '[VC] Win a cruise', reason: 'Publicité, pas une réponse' },
    ]);
    expect(heldThen).toEqual([1]);
    expect(await intake.held('vc')).toEqual([]);
  });

  it('does not happen when it cannot be recorded: the message stays in its pen', async () => {
    const { mailbox, options, dossier } = await setUp();
    const intake = new Intake({ ...options, dossier: { ...dossier, recordHeldDismissal: async () => Promise.reject(new Error('Temporal is unreachable')) } as never });
    const original = await composeReply({ from: 'promo@ads.example', to: 'case@test.example', subject: '[VC] Win a cruise', messageId: '<kept@ads.example>', text: 'x' });
    await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the sender promo@ads.example is not an address of SG\r\nX-Dossier-Held-Campaign: vc\r\n'), original]), 'Held-vc');
    await expect(intake.dismiss('vc', '<kept@ads.example>', 'Officer Tremblay', 'spam')).rejects.toThrow(/Temporal is unreachable/);
    expect((await intake.held('vc')).map((h) => h.messageId)).toEqual(['<kept@ads.example>']);
  });
});

describe('a held message another intake recorded on its engagement', () => {
  it('says it was recorded, on the engagement its subject names alone, once the pen let it go', async () => {
    const { mailbox, intake } = await setUp();
    // Held here (the engagement refused it a moment earlier), recorded by another intake, which wrote its copy to Recorded.
    const original = await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: '[VC] recorded meanwhile', messageId: '<recorded-late@zoom.test>', text: 'Our answers.' });
    await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the engagement refused it\r\nX-Dossier-Held-Campaign: vc\r\n'), original]), 'Held-vc');
    await mailbox.append(original, RECORDED_FOLDER);
    expect(await intake.held('vc')).toEqual([]);
    await expect(intake.dismiss('vc', '<recorded-late@zoom.test>', 'Officer Tremblay', 'already answered')).rejects.toThrow(/no held message/);
    expect(await intake.fate('<recorded-late@zoom.test>')).toEqual({ outcome: 'recorded', subject: '[VC] recorded meanwhile', campaignId: 'vc', vendorId: 'zoom' });
    // A subject that names no campaign: recorded, on an engagement the mailbox does not say.
    const unnamed = await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Our answers', messageId: '<recorded-unnamed@zoom.test>', text: 'x' });
    await mailbox.append(unnamed, RECORDED_FOLDER);
    expect(await intake.fate('<recorded-unnamed@zoom.test>')).toEqual({ outcome: 'recorded', subject: 'Our answers' });
  });
});

describe('a message without a Message-ID that left the holding pen', () => {
  it('says to which engagement it was assigned, or why it was dismissed, under the id the pen listed it by', async () => {
    const { mailbox, intake } = await setUp();
    // Some mail systems send none; the intake names such a message by a hash of its bytes.
    const bare = (n: number) => Buffer.from(`From: x@evil.example\r\nTo: case@test.example\r\nSubject: [VC] no id ${n}\r\n\r\nBody ${n}, long enough to be more than its header.\r\n`);
    await mailbox.append(bare(1));
    await mailbox.append(bare(2));
    expect(await intake.pass()).toMatchObject([{ outcome: 'held' }, { outcome: 'held' }]);
    const [one, two] = (await intake.held('vc')).sort((a, b) => a.subject.localeCompare(b.subject));
    expect(one.messageId).toMatch(/@no-message-id\.dossier\.invalid>$/);
    await intake.assign('vc', one.messageId, { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    await intake.dismiss('vc', two.messageId, 'Officer Tremblay', 'spam');
    expect(await intake.fate(one.messageId)).toEqual({ outcome: 'assigned', subject: '[VC] no id 1', campaignId: 'vc', vendorId: 'zoom', by: 'Officer Tremblay' });
    expect(await intake.fate(two.messageId)).toEqual({ outcome: 'dismissed', subject: '[VC] no id 2', by: 'Officer Tremblay', reason: 'spam' });
  });
});

describe('a message too large to read', () => {
  it('is held unread, with its size as the reason, while the rest of the inbox is recorded; an officer can still assign it', async () => {
    const { state, mailbox, intake } = await setUp({ maxMessageBytes: 1024 * 1024 });
    const from = vendor.contacts[0].email;
    const huge = await composeReply({
      from,
      to: 'case@test.example',
      subject: 'Re: [VC] our recordings',
      messageId: '<huge@zoom.test>',
      text: 'All of them.',
      attachments: [{ filename: 'recordings.zip', content: Buffer.alloc(3 * 1024 * 1024, 7) }],
    });
    await mailbox.append(huge);
    await mailbox.append(await composeReply({ from, to: 'case@test.example', subject: 'Re: [VC] small', messageId: '<small@zoom.test>', text: 'Short.' }));
    const settled = await intake.pass();
    const reason = `the message is ${(huge.length / 1024 / 1024).toFixed(1)} MB, more than the 1.0 MB the intake reads: it was not opened, and its original is in the case mailbox (Originals)`;
    expect(settled.map((s) => [s.messageId, s.outcome, 'reason' in s ? s.reason : '']).sort()).toEqual([
      ['<huge@zoom.test>', 'held', reason],
      ['<small@zoom.test>', 'recorded', ''],
    ]);
    expect((await intake.held('vc')).map((h) => [h.messageId, h.subject, h.reason])).toEqual([['<huge@zoom.test>', 'Re: [VC] our recordings', reason]]);
    // The holding pen keeps its header only; the original stays whole, byte for byte.
    const pen = [];
    for await (const stored of mailbox.messages('Held-vc')) pen.push(stored.raw);
    expect(pen[0].length).toBeLessThan(10_000);
    const originals = [];
    for await (const stored of mailbox.messages('Originals')) originals.push(stored.raw);
    expect(originals.map((raw) => raw.equals(huge))).toEqual([true]);

    await intake.assign('vc', '<huge@zoom.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    const recorded = state.inbox!.find((m) => m.messageId === '<huge@zoom.test>')!;
    expect(recorded).toMatchObject({ subject: 'Re: [VC] our recordings', text: '', documents: [], assignedBy: 'Officer Tremblay' });
    expect(recorded.notes).toEqual([`The message is ${(huge.length / 1024 / 1024).toFixed(1)} MB, more than the intake reads: its text and attachments were not kept; the original message is in the case mailbox.`]);
    // The same note as a code, which the French workspace words in French and the CLI in English.
    expect(recorded.noteCodes).toEqual([{ code: 'message-too-large', bytes: huge.length }]);
    const size = (huge.length / 1024 / 1024).toFixed(1);
    expect(messageNotes(recorded, 'fr')).toEqual([
      { text: `Le message fait ${size.replace('.', ',')}\u00a0Mo, plus que ce que la réception lit\u00a0: son texte et ses pièces jointes n’ont pas été conservés\u202f; le message original est dans la boîte des dossiers.`, english: false },
    ]);
    expect(renderInbox(state)).toContain(`<huge@zoom.test>: The message is ${size} MB, more than the intake reads`);
  });

  it('notes an attachment it could not keep as a code and values, with the English sentence older readers show', async () => {
    const { state, mailbox, intake } = await setUp();
    const from = vendor.contacts[0].email;
    const content = Buffer.alloc(26 * 1024 * 1024, 1);
    await mailbox.append(await composeReply({ from, to: 'case@test.example', subject: 'Re: [VC] all of it', messageId: '<big@zoom.test>', text: 'Attached.', attachments: [{ filename: 'everything.bin', content }] }));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const recorded = state.inbox!.find((m) => m.messageId === '<big@zoom.test>')!;
    expect(recorded.noteCodes).toEqual([{ code: 'attachment-too-large', name: 'everything.bin', bytes: content.length, limitBytes: 25 * 1024 * 1024 }]);
    expect(recorded.notes).toEqual(['everything.bin is 26.0 MB; documents may be at most 25.0 MB. It was not kept; the original message is in the case mailbox.']);
    expect(messageNotes(recorded, 'fr').map((n) => n.text)).toEqual([
      'everything.bin fait 26,0\u00a0Mo\u202f; un document peut faire au plus 25,0\u00a0Mo. Il n’a pas été conservé\u202f; le message original est dans la boîte des dossiers.',
    ]);
    // A message recorded before notes had codes: its English sentence, marked as English on a French page.
    expect(messageNotes({ notes: ['x.bin is 30.0 MB; documents may be at most 25.0 MB. It was not kept.'] }, 'fr')).toEqual([
      { text: 'x.bin is 30.0 MB; documents may be at most 25.0 MB. It was not kept.', english: true },
    ]);
    expect(renderInbox(state)).toContain('<big@zoom.test>: everything.bin is 26.0 MB; documents may be at most 25.0 MB. It was not kept');
  });

  it('takes its limit from DOSSIER_INTAKE_MAX_MESSAGE_MB, and names a bad one', () => {
    expect(parseIntakeConfig({ DOSSIER_INTAKE_MAX_MESSAGE_MB: '25' }).maxMessageBytes).toBe(25 * 1024 * 1024);
    expect(parseIntakeConfig({}).maxMessageBytes).toBeUndefined();
    for (const bad of ['0', 'forty', '-3']) {
      expect(() => parseIntakeConfig({ DOSSIER_INTAKE_MAX_MESSAGE_MB: bad }), bad).toThrow(/DOSSIER_INTAKE_MAX_MESSAGE_MB: must be a number of megabytes, at least 1/);
    }
  });
});

describe('a reply named only by its subject, from a domain two vendors of the campaign share', () => {
  // Two products of one company: their privacy offices write from the same domain.
  const teams = testVendor('teams'); // privacy@teams.test
  const skype = testVendor('skype', { contacts: [{ name: 'Skype DPO', email: 'dpo@teams.test' }] });
  const letterOf = (vendorId: string) => messageIdFor(engagementWorkflowId('vc', vendorId), 'letter', 'test.example');

  async function twoProducts() {
    const { mailbox, documents } = await setUp();
    const engagements = new Map([teams, skype].map((v) => [v.id, { vendor: v, state: engagementStatusOf('vc', v.id, { vendorName: v.name, contacts: v.contacts }) }]));
    const dossier = validatingDossier(engagements);
    const directory: Directory = {
      engagementByToken: async (token) => (token === replyToken(engagementWorkflowId('vc', 'teams')) ? { campaignId: 'vc', vendorId: 'teams' } : undefined),
      campaignByReference: async () => ({ campaignId: 'vc', vendorIds: ['teams', 'skype'] }),
      vendorOf: async ({ vendorId }) => {
        const { state } = engagements.get(vendorId)!;
        return { name: state.vendorName, contacts: state.contacts };
      },
    };
    const intake = new Intake({ mailbox, documents, directory, domain: 'test.example', caseMailbox: 'case@test.example', dossier: dossier as never });
    const inboxOf = (vendorId: string) => (engagements.get(vendorId)!.state.inbox ?? []).map((m) => m.messageId);
    return { mailbox, intake, inboxOf };
  }

  it('is held for an officer, saying so in English and French, when the sender is no known contact of either', async () => {
    const { mailbox, intake, inboxOf } = await twoProducts();
    await mailbox.append(await composeReply({ from: 'legal@teams.test', to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<legal1@teams.test>', text: 'Our answer.' }));
    expect(await intake.pass()).toEqual([expect.objectContaining({ outcome: 'held', campaignId: 'vc', why: { code: 'ambiguous-sender', vendors: ['Vendor skype', 'Vendor teams'] } })]);
    expect([inboxOf('teams'), inboxOf('skype')]).toEqual([[], []]);
    const [held] = await intake.held('vc');
    expect(held.why).toEqual({ code: 'ambiguous-sender', vendors: ['Vendor skype', 'Vendor teams'] });
    expect(heldReasonText(held.why, 'en')).toBe(
      'the sender’s address could be that of more than one vendor of the campaign (Vendor skype; Vendor teams), and nothing but the case reference in the subject names the case: an officer must assign it',
    );
    expect(heldReasonText(held.why, 'fr')).toBe(
      'l’adresse de l’expéditeur peut être celle de plus d’une entreprise de la campagne (Vendor skype\u202f; Vendor teams), et seule la référence de la campagne dans l’objet désigne le dossier\u00a0: un agent doit le rattacher',
    );
    // The officer knows which product the lawyer wrote about.
    await intake.assign('vc', '<legal1@teams.test>', { campaignId: 'vc', vendorId: 'skype' }, 'Officer Tremblay');
    expect(inboxOf('skype')).toEqual(['<legal1@teams.test>']);
    expect(await intake.held('vc')).toEqual([]);
  });

  it('is held as either vendor’s when it comes from a subdomain of the domain they share', async () => {
    const { mailbox, intake, inboxOf } = await twoProducts();
    await mailbox.append(await composeReply({ from: 'legal@eu.teams.test', to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<legal2@eu.teams.test>', text: 'Our answer.' }));
    expect(await intake.pass()).toEqual([expect.objectContaining({ outcome: 'held', campaignId: 'vc', why: { code: 'ambiguous-sender', vendors: ['Vendor skype', 'Vendor teams'] } })]);
    expect([inboxOf('teams'), inboxOf('skype')]).toEqual([[], []]);
  });

  it('is filed at once on the one vendor whose known contact wrote it, and a threaded reply or one to a reply address on its engagement', async () => {
    const { mailbox, intake, inboxOf } = await twoProducts();
    const mail = (n: number, from: string, more: Partial<Parameters<typeof composeReply>[0]> = {}) =>
      composeReply({ from, to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: `<f${n}@teams.test>`, text: 'Our answer.', ...more });
    await mailbox.append(await mail(1, 'dpo@teams.test'));
    await mailbox.append(await mail(2, 'privacy@teams.test'));
    await mailbox.append(await mail(3, 'legal@teams.test', { inReplyTo: letterOf('skype'), references: [letterOf('skype')] }));
    await mailbox.append(await mail(4, 'legal@teams.test', { to: replyAddressFor('case@test.example', engagementWorkflowId('vc', 'teams')) }));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    expect(inboxOf('skype').sort()).toEqual(['<f1@teams.test>', '<f3@teams.test>']);
    expect(inboxOf('teams').sort()).toEqual(['<f2@teams.test>', '<f4@teams.test>']);
  });
});

describe('mail that names no case, from an address a trusted server did not verify', () => {
  it('is held saying the sender could not be verified, so the holding pen proposes no vendor’s case for it', async () => {
    const { mailbox, options, dossier } = await setUp();
    const verifying = new Intake({ ...options, authservId: 'mx.regulator.test', dossier: dossier as never });
    const forged = await composeReply({
      from: vendor.contacts[0]!.email,
      to: 'case@test.example',
      subject: 'Our answer',
      messageId: '<forged@elsewhere.test>',
      text: 'We agree to everything.',
      headers: { 'Authentication-Results': 'mx.regulator.test; dmarc=fail header.from=zoom.test' },
    });
    await mailbox.append(forged);
    expect(await verifying.pass()).toEqual([expect.objectContaining({ outcome: 'held', messageId: '<forged@elsewhere.test>' })]);
    const [held] = await verifying.held(undefined);
    expect(held?.why).toMatchObject({ code: 'unverified-sender' });
  });
});

describe('a reply from a subdomain of the vendor’s domain', () => {
  // The letter went to privacy@zoom.test; the answer comes from eu.zoom.test: the company's European
  // office, or a customer's account on a service the company runs. Nothing in the message tells which.
  it('is held for an officer, saying it comes from a domain under the vendor’s, as is a lookalike domain, saying it is no address of the vendor’s', async () => {
    const { state, mailbox, intake } = await setUp();
    const letter = messageIdFor(state.workflowId, 'letter', 'test.example');
    const mail = (n: number, from: string, more: Partial<Parameters<typeof composeReply>[0]> = {}) =>
      composeReply({ from, to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: `<d${n}@eu.zoom.test>`, text: 'Our answer.', ...more });
    await mailbox.append(await mail(1, 'legal@eu.zoom.test'));
    await mailbox.append(await mail(2, 'dpo@mail.eu.zoom.test', { inReplyTo: letter, references: [letter] }));
    await mailbox.append(await mail(3, 'legal@evilzoom.test'));
    await mailbox.append(await mail(4, 'legal@zoom.test.evil.example', { inReplyTo: letter, references: [letter] }));
    const settled = await intake.pass();
    expect(settled.map((s) => [s.messageId, s.outcome]).sort()).toEqual([
      ['<d1@eu.zoom.test>', 'held'],
      ['<d2@eu.zoom.test>', 'held'],
      ['<d3@eu.zoom.test>', 'held'],
      ['<d4@eu.zoom.test>', 'held'],
    ]);
    expect(state.stage).toBe('awaiting-response');
    expect(state.inbox ?? []).toEqual([]);
    expect((await intake.held('vc')).map((m) => [m.messageId, m.reason]).sort()).toEqual([
      ['<d1@eu.zoom.test>', expect.stringMatching(/the sender legal@eu\.zoom\.test writes from a domain under one of Vendor zoom's/)],
      ['<d2@eu.zoom.test>', expect.stringMatching(/the sender dpo@mail\.eu\.zoom\.test writes from a domain under one of Vendor zoom's/)],
      ['<d3@eu.zoom.test>', expect.stringMatching(/the sender legal@evilzoom\.test is not an address of Vendor zoom/)],
      ['<d4@eu.zoom.test>', expect.stringMatching(/the sender legal@zoom\.test\.evil\.example is not an address of Vendor zoom/)],
    ]);
    // The case whose letter a reply answers is read from its threading headers, for the pen to suggest it.
    expect((await intake.read('vc', '<d4@eu.zoom.test>')).answers).toEqual({ campaignId: 'vc', vendorId: 'zoom' });
    expect((await intake.read('vc', '<d3@eu.zoom.test>')).answers).toBeUndefined();
  });
});

describe('an out-of-office answer marked only by its subject', () => {
  it('is held as looking like an automatic reply, the reminders still running, and an officer who assigns it records it as a reply', async () => {
    const { state, mailbox, intake } = await setUp();
    const from = vendor.contacts[0].email;
    const subjects = ['Réponse automatique : [VC] Lettre ouverte', 'Automatic reply: [VC] Open letter', 'Out of Office: [VC] Open letter', 'Absence du bureau [VC] Lettre ouverte'];
    for (const [n, subject] of subjects.entries()) {
      await mailbox.append(await composeReply({ from, to: 'case@test.example', subject, messageId: `<ooo${n}@zoom.test>`, text: 'Je suis absent jusqu’au 24 août.' }));
    }
    const settled = await intake.pass();
    expect(settled.map((s) => (s.outcome === 'held' ? s.why : s.outcome))).toEqual(subjects.map(() => ({ code: 'automatic-subject' })));
    expect(state.inbox ?? []).toEqual([]);
    expect(state.stage).toBe('awaiting-response');
    const held = await intake.held('vc');
    expect(held).toHaveLength(4);
    expect(heldReasonText(held[0].why, 'en')).toMatch(/^it looks like an automatic reply/);
    expect(heldReasonText(held[0].why, 'fr')).toMatch(/^il semble être une réponse automatique/);
    // A genuine reply whose subject reads so is one assignment away.
    await expect(intake.assign('vc', '<ooo1@zoom.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay')).resolves.toEqual({ messageId: '<ooo1@zoom.test>', effect: 'to-review' });
    expect(state.stage).toBe('reply-received');
  });

  it('is recorded as a reply when the subject only mentions an automatic reply further on', async () => {
    const { state, mailbox, intake } = await setUp();
    await mailbox.append(await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Re: [VC] About your automatic reply: our answers', messageId: '<real1@zoom.test>', text: 'Our answers.' }));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    expect(state.stage).toBe('reply-received');
  });
});

describe('a vendor forwarding Dossier’s own letter', () => {
  it('records neither the letter’s PDF as the vendor’s document nor the letter’s text as the vendor’s words, and says so', async () => {
    const { state, mailbox, documents, options, dossier } = await setUp();
    const letterPdf = Buffer.from('%PDF-1.7 the open letter, as Dossier rendered it');
    const letterText =
      'Dear privacy office of Vendor zoom,\n\nPlease find attached the open letter of the co-signing authorities on video teleconferencing, ' +
      'with the principles we expect your service to meet. We ask for your response by 24 August 2020.\n\nThe case officer';
    const sent = await composeReply({ from: 'case@test.example', to: vendor.contacts[0].email, subject: '[VC] Open letter', messageId: '<letter@test.example>', text: letterText, attachments: [{ filename: 'open-letter.pdf', content: letterPdf }] });
    await documents.saveSentCopy('vc', engagementWorkflowId('vc', 'zoom'), 'letter', sent);
    const intake = new Intake({ ...options, directory: { ...options.directory, sentSteps: async () => ['letter'] }, dossier: dossier as never });
    // The colleague's client quotes and rewraps the letter's lines.
    const quoted = letterText.replace(/(.{1,60})(\s|$)/g, '$1\n').split('\n').map((l) => `> ${l}`).join('\n');
    await mailbox.append(
      await composeReply({
        from: 'legal@zoom.test',
        to: 'case@test.example',
        subject: 'Fwd: [VC] Open letter',
        messageId: '<fwd1@zoom.test>',
        text: `Our DPO answers below; our policy is attached.\n\n---------- Forwarded message ---------\n${quoted}\n`,
        attachments: [
          { filename: 'open-letter.pdf', content: letterPdf },
          { filename: 'privacy-policy.pdf', content: Buffer.from('%PDF-1.7 the vendor’s policy') },
        ],
      }),
    );
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const [message] = state.inbox!;
    expect(message.documents.map((d) => d.name)).toEqual(['privacy-policy.pdf']);
    expect(message.text).not.toMatch(/Please find attached the open letter/);
    expect(message.text).toMatch(/^Our DPO answers below; our policy is attached\./);
    expect(message.noteCodes).toEqual([
      { code: 'own-text', step: 'letter' },
      { code: 'own-document', name: 'open-letter.pdf', step: 'letter' },
    ]);
    expect(messageNotes(message, 'en').map((n) => n.text)).toEqual([
      'The text of the message Dossier sent on this case (letter), quoted back, is left out of this message’s text; the original message is in the case mailbox.',
      'open-letter.pdf is a document Dossier sent on this case (letter), quoted back: it was not recorded as one of the vendor’s documents.',
    ]);
  });
});

describe('a vendor answering inline, between the quoted questions of Dossier’s letter', () => {
  const paragraphs = [
    'Dear privacy office of Vendor zoom,',
    'The co-signing authorities write to ask how your video-conferencing service protects the people who use it. Please answer the questions below by 24 August 2020.',
    'Q1. How long do you keep the recordings of meetings, and in which countries are they stored?',
    'Q2. Which of your staff or subprocessors can read the content of a meeting, and under what conditions?',
    'Q3. How do you tell participants that a meeting is being recorded?',
    'Yours sincerely,',
    'The case officer',
  ];
  const answers = {
    q1: 'A1: thirty days, in Canada and Ireland only.',
    q2: 'A2: nobody, unless the host asks our support team.',
    q3: 'Yes.',
  };
  const letterHtml = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  /** The letter's paragraphs as the vendor's client shows them, each question followed by the vendor's answer. */
  const answered = (render: (p: string) => string, answer: (a: string) => string) =>
    paragraphs.flatMap((p) => [render(p), ...(p.startsWith('Q1.') ? [answer(answers.q1)] : p.startsWith('Q2.') ? [answer(answers.q2)] : p.startsWith('Q3.') ? [answer(answers.q3)] : [])]);

  async function withLetter() {
    const set = await setUp();
    const letter = await composeReply({
      from: 'case@test.example',
      to: vendor.contacts[0].email,
      subject: '[VC] Open letter',
      messageId: '<letter@test.example>',
      text: paragraphs.join('\n\n'),
      html: `<html><head><style>p { margin: 0 0 1em; }</style></head><body>\n${letterHtml}\n</body></html>`,
    });
    await set.documents.saveSentCopy('vc', engagementWorkflowId('vc', 'zoom'), 'letter', letter);
    const intake = new Intake({ ...set.options, directory: { ...set.options.directory, sentSteps: async () => ['letter'] }, dossier: set.dossier as never });
    const recorded = async (raw: Buffer) => {
      await set.mailbox.append(raw);
      expect((await intake.pass()).map((r) => r.outcome)).toEqual(['recorded']);
      const message = set.state.inbox!.at(-1)!;
      expect(message.noteCodes).toEqual([{ code: 'own-text', step: 'letter' }]);
      return message.text;
    };
    return { recorded };
  }
  const quotedLetter = (sent: string, bodyHtml: string, bodyText: string): QuotedMessage => ({
    fromName: 'Dossier',
    fromAddress: 'case@test.example',
    toName: 'Privacy Office',
    toAddress: vendor.contacts[0].email,
    subject: '[VC] Open letter',
    sent,
    bodyHtml,
    bodyText,
  });
  /** The quoted lines right above a line of the text, behind `> ` marks, joined as one. */
  const quotedAbove = (text: string, line: string) => {
    const lines = text.split('\n');
    const at = lines.indexOf(line);
    let start = at;
    while (start > 0 && lines[start - 1]!.startsWith('> ')) start--;
    return lines.slice(start, at).map((l) => l.slice(2)).join(' ');
  };
  const expectOwnWordsOnly = (text: string, top: string) => {
    expect(text.startsWith(top)).toBe(true);
    // Each answer under the question it answers, marked as quoted; in the order they were written.
    expect(quotedAbove(text, answers.q1)).toBe(paragraphs[2]);
    expect(quotedAbove(text, answers.q2)).toBe(paragraphs[3]);
    expect(quotedAbove(text, answers.q3)).toBe(paragraphs[4]);
    expect(text.indexOf(answers.q1)).toBeLessThan(text.indexOf(answers.q2));
    // Nothing else of the letter's, and no question twice.
    expect(text).not.toMatch(/co-signing authorities|Yours sincerely|The case officer/);
    expect(text.match(/How long do you keep/g)).toHaveLength(1);
  };

  it('keeps the answers Outlook for Windows carries between the quoted questions (text and HTML parts), and drops the letter', async () => {
    const { recorded } = await withLetter();
    const bodyHtml = answered(
      (p) => `<p class="MsoNormal">${p}<o:p></o:p></p>`,
      (a) => `<p class="MsoNormal"><b><span style="color:#0070C0">${a}</span></b><o:p></o:p></p>`,
    ).join('\r\n');
    const text = await recorded(
      await outlookDesktopReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: 'RE: [VC] Open letter',
        messageId: '<DB9PR04MB8412A1@DB9PR04MB8412.eurprd04.prod.outlook.com>',
        inReplyTo: '<letter@test.example>',
        ownLines: ['Please find our answers inline, in blue.', '', 'Anna Berg'],
        quoted: quotedLetter('Tuesday, July 21, 2020 10:02 AM', bodyHtml, answered((p) => p, (a) => a).join('\n\n')),
      }),
    );
    expectOwnWordsOnly(text, 'Please find our answers inline, in blue.\n\nAnna Berg');
  });

  it('keeps the answers in a French Outlook on the web reply (HTML only, De :, Envoyé :)', async () => {
    const { recorded } = await withLetter();
    const bodyHtml = answered(
      (p) => `<div style="font-family: Calibri">${p}</div>\n<div><br></div>`,
      (a) => `<div class="elementToProof" style="color: rgb(192, 0, 0);">${a}</div>\n<div><br></div>`,
    ).join('\r\n');
    const text = await recorded(
      await outlookWebReplyHtmlOnly({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: 'RE: [VC] Open letter',
        messageId: '<PAXPR02MB7597B2@PAXPR02MB7597.eurprd02.prod.outlook.com>',
        inReplyTo: '<letter@test.example>',
        ownLines: ['Bonjour,', '', 'Nos réponses sont dans le texte, en rouge.'],
        quoted: quotedLetter('mardi 21 juillet 2020 10:02', bodyHtml, ''),
      }),
    );
    expectOwnWordsOnly(text.replace(/\n{2,}/g, '\n\n'), 'Bonjour,\n\nNos réponses sont dans le texte, en rouge.');
  });

  it('keeps the answers Gmail and Apple Mail write between the lines they quote behind > marks (text and HTML parts)', async () => {
    const { recorded } = await withLetter();
    const marked = (attribution: string) =>
      `${attribution}\n\n${answered(
        (p) => p.replace(/(.{1,72})(\s|$)/g, '$1\n').trimEnd().split('\n').map((l) => `> ${l}`).join('\n') + '\n>',
        (a) => `\n${a}\n`,
      ).join('\n')}\n`;
    const quotedHtml = `<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${letterHtml}</blockquote>`;
    const gmail = await recorded(
      await composeReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: 'Re: [VC] Open letter',
        messageId: '<CAF=gmail1@mail.gmail.com>',
        inReplyTo: '<letter@test.example>',
        text: `Our answers are below each question.\n\n${marked('On Tue, Jul 21, 2020 at 10:02 AM Dossier <case@test.example>\nwrote:')}`,
        html: `<div dir="ltr">Our answers are below each question.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Jul 21, 2020 at 10:02 AM Dossier &lt;case@test.example&gt; wrote:<br></div>${quotedHtml}</div>`,
      }),
    );
    expectOwnWordsOnly(gmail, 'Our answers are below each question.');
    expect(gmail).not.toContain('wrote:');

    const apple = await recorded(
      await composeReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: 'Re: [VC] Open letter',
        messageId: '<5E2B1F0C-1A2B-4C3D-9E8F-0123456789AB@zoom.test>',
        inReplyTo: '<letter@test.example>',
        text: `Bonjour,\n\nVoici nos réponses.\n\n${marked('Le 21 juil. 2020 à 10:02, Dossier <case@test.example> a écrit :')}`,
        html: `<html><body><div>Bonjour,</div><div>Voici nos réponses.</div><div><br><blockquote type="cite"><div>Le 21 juil. 2020 à 10:02, Dossier &lt;case@test.example&gt; a écrit :</div><br>${letterHtml}</blockquote></div></body></html>`,
      }),
    );
    expectOwnWordsOnly(apple, 'Bonjour,\n\nVoici nos réponses.');
    expect(apple).not.toContain('a écrit');
  });
});

describe('Dossier’s follow-up questions as the mail clients vendors use quote and forward them', () => {
  /** The follow-up each client quotes, with a vendor name and a title whose apostrophes Dossier’s HTML writes as &#x27;, and a link in a question. */
  const followUp = {
    en: {
      title: 'Children’s and teens\' video-conferencing privacy',
      questions: [
        { id: 'q1', text: 'How long do you keep the recordings of meetings, and in which countries are they stored?' },
        { id: 'q2', text: 'Which of your staff or subprocessors can read a meeting\'s content? Our "Privacy by design" guidance (https://www.priv.gc.ca/en/privacy-topics/) says what we mean.' },
        { id: 'q3', text: 'Do you tell participants that a meeting is recorded?' },
      ],
      answers: ['A1: thirty days, in Canada and Ireland only.', 'A2: nobody, unless the host asks our support team.', 'Yes.'],
      notDossier: /signatory authorities|Please answer by|Yours sincerely|Case office|On behalf|Reference|reference/,
    },
    fr: {
      title: 'Vie privée des enfants et des ados en vidéoconférence',
      questions: [
        { id: 'q1', text: 'Combien de temps conservez-vous les enregistrements des réunions, et dans quels pays sont-ils stockés ?' },
        { id: 'q2', text: 'Quels membres de votre personnel ou sous-traitants peuvent lire le contenu d’une réunion ? Notre guide « Protection de la vie privée dès la conception » (https://www.priv.gc.ca/fr/) précise ce que nous entendons.' },
        { id: 'q3', text: 'Dites-vous aux participants qu\'une réunion est enregistrée ?' },
      ],
      answers: ['R1 : trente jours, au Canada et en Irlande seulement.', 'R2 : personne, sauf si l’organisateur le demande à notre soutien.', 'Oui.'],
      notDossier: /autorités signataires|Nous vous prions|salutations distinguées|Case office|cosignataires|Référence|référence/,
    },
  };
  const step = 'follow-up-questions-1';

  /** The follow-up as Dossier's templates compose it, kept as the copy of what it sent; and what a vendor's reply to it is recorded as. */
  async function withFollowUp(language: Language) {
    const set = await setUp();
    const { title, questions } = followUp[language];
    const campaign = testCampaign('vc');
    const composed = await composeMessage({
      threadId: engagementWorkflowId('vc', 'zoom'),
      step,
      kind: 'follow-up-questions',
      language,
      to: vendor.contacts,
      campaign: { ...campaign, title: { ...campaign.title, [language]: title } },
      vendor: { ...vendor, name: 'O\'Neil Video', language },
      details: { dueDate: '2020-09-21', questions },
    });
    const sent = await composeReply({ from: 'Dossier <case@test.example>', to: vendor.contacts[0].email, subject: String(composed.subject), messageId: '<follow-up@test.example>', text: String(composed.text), html: String(composed.html) });
    await set.documents.saveSentCopy('vc', engagementWorkflowId('vc', 'zoom'), step, sent);
    const intake = new Intake({ ...set.options, directory: { ...set.options.directory, sentSteps: async () => [step] }, dossier: set.dossier as never });
    const recorded = async (raw: Buffer) => {
      await set.mailbox.append(raw);
      expect((await intake.pass()).map((r) => r.outcome)).toEqual(['recorded']);
      const message = set.state.inbox!.at(-1)!;
      expect(message.noteCodes).toEqual([{ code: 'own-text', step }]);
      return message.text;
    };
    return { recorded, subject: String(composed.subject), html: String(composed.html), text: String(composed.text) };
  }

  /** Dossier's HTML body with the vendor's answer after each question, the list split around it as a client splits it when the vendor types below an item. */
  const answeredHtml = (html: string, language: Language, mark = '') => {
    const { answers } = followUp[language];
    const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)![1]!;
    return followUp[language].questions.reduce(
      (out, q, n) => out.replace(new RegExp(`(<li><strong>${q.id}</strong>[\\s\\S]*?</li>)`), `$1</ul><p style="color:#0070C0">${mark}${answers[n]}</p><ul style="list-style-type: none; padding-left: 0;">`),
      body,
    );
  };
  /** As a client quotes behind > marks: every line of the message marked (Gmail wraps them), the vendor's answers not. */
  const quotedWithAnswers = (text: string, width?: number) =>
    text
      .split('\n')
      .flatMap((line) => (line.startsWith('\u0001') ? ['', line.slice(1), ''] : (width ? wrapped(line, width) : [line]).map((l) => (l ? `> ${l}` : '>'))))
      .join('\n');
  const words = (text: string) => text.replace(/https?:\/\/\S+/g, ' ').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  /** The quoted lines right above a line of the text (its question), without their marks. */
  const questionAbove = (text: string, line: string) => {
    const lines = text.split('\n');
    const at = lines.indexOf(line);
    expect(at, `${JSON.stringify(line)} in ${JSON.stringify(text)}`).toBeGreaterThan(0);
    let start = at;
    while (start > 0 && lines[start - 1]!.startsWith('> ')) start--;
    return lines.slice(start, at).map((l) => l.slice(2)).join(' ');
  };
  /** The vendor's words on top, each answer under its question and nothing else of Dossier's. */
  const expectAnswered = (text: string, top: string, language: Language) => {
    const { questions, answers, notDossier } = followUp[language];
    expect(text.startsWith(top), JSON.stringify(text)).toBe(true);
    for (const [n, answer] of answers.entries()) expect(words(questionAbove(text, answer))).toEqual(words(`${questions[n]!.id} ${questions[n]!.text}`));
    const rest = text.slice(top.length).split('\n').filter((line) => /\S/.test(line) && !line.startsWith('> ') && !answers.includes(line));
    expect(rest, JSON.stringify(text)).toEqual([]);
    expect(text).not.toMatch(notDossier);
  };
  const quoted = (subject: string, sent: string, bodyHtml: string, bodyText: string): QuotedMessage => ({
    fromName: 'Dossier',
    fromAddress: 'case@test.example',
    toName: 'Privacy Office',
    toAddress: vendor.contacts[0].email,
    subject,
    sent,
    bodyHtml,
    bodyText,
  });

  it('keeps an answer Outlook’s user typed on the question’s own line as that line, with nothing more of Dossier’s above it', async () => {
    const { recorded, subject, html } = await withFollowUp('en');
    const { questions, answers, notDossier } = followUp.en;
    const body = questions.reduce(
      (out, q, n) => out.replace(new RegExp(`(<li><strong>${q.id}</strong>[\\s\\S]*?)</li>`), `$1 <span style="color:#0070C0">${answers[n]}</span></li>`),
      /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)![1]!,
    );
    const top = 'Our answers follow each question, in blue.';
    const text = await recorded(
      await outlookDesktopReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: `RE: ${subject}`,
        messageId: '<DB9PR04MB8412same@DB9PR04MB8412.eurprd04.prod.outlook.com>',
        inReplyTo: '<follow-up@test.example>',
        ownLines: [top],
        quoted: quoted(subject, 'Monday, September 7, 2020 10:02 AM', body, renderedAsText(body, 'outlook')),
      }),
    );
    const lines = text.split('\n').filter((line) => /\S/.test(line));
    expect(lines.slice(1).map((line) => line.trim()), text).toEqual(questions.map((q, n) => `*   ${q.id} — ${q.text} ${answers[n]}`));
    expect(text).not.toMatch(notDossier);
  });

  it('keeps the one question a vendor answered in Outlook above its answer, however long that question is', async () => {
    const { recorded, subject, html } = await withFollowUp('en');
    const { questions, answers } = followUp.en;
    const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)![1]!.replace(/(<li><strong>q2<\/strong>[\s\S]*?<\/li>)/, `$1</ul><p style="color:#0070C0">${answers[1]}</p><ul>`);
    const top = 'Only question 2 needs an answer from us, below.';
    const text = await recorded(
      await outlookDesktopReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: `RE: ${subject}`,
        messageId: '<DB9PR04MB8412one@DB9PR04MB8412.eurprd04.prod.outlook.com>',
        inReplyTo: '<follow-up@test.example>',
        ownLines: [top],
        quoted: quoted(subject, 'Monday, September 7, 2020 10:02 AM', body, renderedAsText(body, 'outlook')),
      }),
    );
    expect(text).toBe(`${top}\n\n> ${questions[1]!.id} — ${questions[1]!.text}\n${answers[1]}`);
  });

  it('records a colleague’s Gmail forward of the follow-up (From, Date, Subject, To) as their own words only', async () => {
    const { recorded, subject, html } = await withFollowUp('en');
    const top = 'Our DPO will answer these by Friday.';
    const text = await recorded(
      await composeReply({
        from: 'legal@zoom.test',
        to: 'case@test.example',
        subject: `Fwd: ${subject}`,
        messageId: '<CAF=gmailfwd@mail.gmail.com>',
        text: `${top}\n\n---------- Forwarded message ---------\nFrom: Dossier <case@test.example>\nDate: Mon, Sep 7, 2020 at 10:02 AM\nSubject: ${subject}\nTo: <${vendor.contacts[0].email}>\n\n\n${renderedAsText(html, 'gmail')}\n`,
      }),
    );
    expect(text).toBe(top);
  });

  it('records a colleague’s French Apple Mail forward of the follow-up (De, Objet, Date, À, Répondre à) as their own words only', async () => {
    const { recorded, subject, html } = await withFollowUp('fr');
    const top = 'Voici les questions reçues ; notre DPO y répondra vendredi.';
    const text = await recorded(
      await composeReply({
        from: 'legal@zoom.test',
        to: 'case@test.example',
        subject: `Fwd: ${subject}`,
        messageId: '<A1B2C3D4-fwd@zoom.test>',
        text: `${top}\n\nDébut du message réexpédié :\n\nDe: Dossier <case@test.example>\nObjet: ${subject}\nDate: 7 septembre 2020 à 10:02:00 UTC−4\nÀ: ${vendor.contacts[0].email}\nRépondre à: case+0123456789abcdef@test.example\n\n${renderedAsText(html, 'apple-mail')}\n`,
      }),
    );
    expect(text).toBe(top);
  });

  it('records a Thunderbird plain-text reply, which quotes the text part whole, without the quote or the line attributing it', async () => {
    const { recorded, subject, text: sentText } = await withFollowUp('fr');
    const top = 'Bonjour,\n\nNous répondrons d’ici le 21 septembre.\n\nAnna Berg';
    const quote = sentText.split('\n').flatMap((line) => (line ? wrapped(line, 70) : [''])).map((line) => (line ? `> ${line}` : '>')).join('\n');
    const text = await recorded(
      await composeReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: `Re: ${subject}`,
        messageId: '<5f1c2a3b-thunderbird@zoom.test>',
        inReplyTo: '<follow-up@test.example>',
        text: `${top}\n\nLe 07/09/2020 à 10:02, Dossier a écrit\u00a0:\n${quote}\n`,
      }),
    );
    expect(text).toBe(top);
  });

  it('records an iPhone reply (answers attached, “Sent from my iPhone”, the attribution inside the quote) as the vendor’s words only', async () => {
    const { recorded, subject, html } = await withFollowUp('en');
    const top = 'Our answers are attached.\n\nSent from my iPhone';
    const quote = `On 7 Sep 2020, at 10:02, Dossier <case@test.example> wrote:\n\n${renderedAsText(html, 'apple-mail')}`;
    const text = await recorded(
      await composeReply({
        from: vendor.contacts[0].email,
        to: 'case@test.example',
        subject: `Re: ${subject}`,
        messageId: '<8E4C2A10-iphone@zoom.test>',
        inReplyTo: '<follow-up@test.example>',
        text: `${top}\n\n${quote.split('\n').map((line) => `> ${line}`).join('\n')}\n`,
        attachments: [{ filename: 'answers.pdf', content: Buffer.from('%PDF-1.7 answers') }],
      }),
    );
    expect(text).toBe(top);
  });

  for (const language of ['en', 'fr'] as const) {
    const sentOn = language === 'en' ? 'Monday, September 7, 2020 10:02 AM' : 'lundi 7 septembre 2020 10:02';
    const top = language === 'en' ? 'Please find our answers inline, in blue.' : 'Nos réponses sont dans le texte, en bleu.';

    it(`keeps the answers of an Outlook for Windows reply (${language}) under their questions, its text part rendering bullets, links and no-break spaces its own way`, async () => {
      const { recorded, subject, html } = await withFollowUp(language);
      const bodyHtml = answeredHtml(html, language);
      const text = await recorded(
        await outlookDesktopReply({
          from: vendor.contacts[0].email,
          to: 'case@test.example',
          subject: `RE: ${subject}`,
          messageId: `<DB9PR04MB8412${language}@DB9PR04MB8412.eurprd04.prod.outlook.com>`,
          inReplyTo: '<follow-up@test.example>',
          ownLines: [top, '', 'Anna Berg'],
          quoted: quoted(subject, sentOn, bodyHtml, renderedAsText(bodyHtml, 'outlook')),
          language,
        }),
      );
      expectAnswered(text, `${top}\n\nAnna Berg`, language);
    });

    it(`keeps the answers of an Outlook on the web reply (${language}, HTML only) under their questions`, async () => {
      const { recorded, subject, html } = await withFollowUp(language);
      // The browser writes the quoted message back as characters, not the entities Dossier's HTML had.
      const bodyHtml = answeredHtml(html, language).replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
      const text = await recorded(
        await outlookWebReplyHtmlOnly({
          from: vendor.contacts[0].email,
          to: 'case@test.example',
          subject: `RE: ${subject}`,
          messageId: `<PAXPR02MB7597${language}@PAXPR02MB7597.eurprd02.prod.outlook.com>`,
          inReplyTo: '<follow-up@test.example>',
          ownLines: [top, '', 'Claire Dubois'],
          quoted: quoted(subject, sentOn, bodyHtml, ''),
          language,
        }),
      );
      expectAnswered(text.replace(/\n{3,}/g, '\n\n'), `${top}\n\nClaire Dubois`, language);
    });

    it(`keeps the answers of a Gmail reply (${language}) written between the lines it quotes, wrapped, bold between asterisks`, async () => {
      const { recorded, subject, html } = await withFollowUp(language);
      const attribution = language === 'en' ? 'On Mon, Sep 7, 2020 at 10:02 AM Dossier <case@test.example> wrote:' : 'Le lun. 7 sept. 2020 à 10:02, Dossier <case@test.example> a écrit\u202f:';
      const text = await recorded(
        await composeReply({
          from: vendor.contacts[0].email,
          to: 'case@test.example',
          subject: `Re: ${subject}`,
          messageId: `<CAF=gmail${language}@mail.gmail.com>`,
          inReplyTo: '<follow-up@test.example>',
          text: `${top}\n\n${attribution}\n\n${quotedWithAnswers(renderedAsText(answeredHtml(html, language, '\u0001'), 'gmail'), 74)}\n`,
          html: `<div dir="ltr">${top}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">${attribution.replace(/</g, '&lt;').replace(/>/g, '&gt;')}<br></div><blockquote class="gmail_quote">${answeredHtml(html, language)}</blockquote></div>`,
        }),
      );
      expectAnswered(text, top, language);
    });

    it(`keeps the answers of an Apple Mail reply (${language}) written between the lines it quotes, its list items behind bullets`, async () => {
      const { recorded, subject, html } = await withFollowUp(language);
      const attribution = language === 'en' ? 'On 7 Sep 2020, at 10:02, Dossier <case@test.example> wrote:' : 'Le 7 sept. 2020 à 10:02, Dossier <case@test.example> a écrit :';
      const text = await recorded(
        await composeReply({
          from: vendor.contacts[0].email,
          to: 'case@test.example',
          subject: `Re: ${subject}`,
          messageId: `<5E2B1F0C-1A2B-4C3D-9E8F-${language}@zoom.test>`,
          inReplyTo: '<follow-up@test.example>',
          text: `${top}\n\n${attribution}\n\n${quotedWithAnswers(renderedAsText(answeredHtml(html, language, '\u0001'), 'apple-mail'))}\n`,
          html: `<html><body><div>${top}</div><div><br><blockquote type="cite"><div>${attribution.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</div><br>${answeredHtml(html, language)}</blockquote></div></body></html>`,
        }),
      );
      expectAnswered(text, top, language);
    });
  }
});

describe('a message longer than an engagement records', () => {
  it('is recorded cut, saying so, with its whole text kept as a document of the message', async () => {
    const { state, mailbox, intake, documents } = await setUp();
    const paragraph = 'Nous conservons les enregistrements des réunions pendant trente jours, puis nous les supprimons. ';
    const whole = `${paragraph.repeat(260)}Fin de notre réponse.`;
    await mailbox.append(await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<long1@zoom.test>', text: whole }));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded']);
    const [message] = state.inbox!;
    expect(message.text).toHaveLength(20_000);
    expect(message.text.endsWith('…')).toBe(true);
    expect(message.documents.map((d) => [d.name, d.type])).toEqual([['message-text.txt', 'text/plain']]);
    expect((await documents.read('vc', message.documents[0])).toString('utf8').trim()).toBe(whole);
    expect(message.noteCodes).toEqual([{ code: 'text-cut', chars: whole.length, limit: 20_000, name: 'message-text.txt' }]);
    expect(messageNotes(message, 'en').map((n) => n.text)).toEqual([
      `The text is ${whole.length.toLocaleString('en-CA')} characters, more than the 20,000 an engagement records: it is shown cut, ending with “…”. The whole text is kept as the document message-text.txt.`,
    ]);
    expect(messageNotes(message, 'fr')[0].text).toMatch(/^Le texte fait 25[\u00a0\u202f]\d{3} caractères, plus que les 20[\u00a0\u202f]000 qu’un dossier enregistre/);
  });
});

describe('a held reply attached to the closed record of an ended case', () => {
  // Zoom's engagement closed without a response; its letter went out on 1 October. The officer attaches
  // a held reply to that record (Intake.attachLate); the case mailbox's time is when it was received.
  const letterSentAt = '2026-10-01T09:00:00.000Z';
  const closed = engagementStatusOf('vc', 'zoom', { vendorName: vendor.name, stage: 'closed-no-response', letterSentAt, endedAt: '2026-11-02T09:00:00.000Z' });

  /** A reply held in vc's pen that reached the case mailbox at `arrivedAt`, and an intake that attaches it to the ended case, telling its campaign with `tell`. */
  async function heldSince(arrivedAt: string, tell: (campaignId: string, reply: unknown) => Promise<void>) {
    const { mailbox, refusing, documents, options } = await setUp();
    const messageId = `<late-${Date.parse(arrivedAt)}@zoom.test>`;
    const ref = await mailbox.append(await composeReply({ from: vendor.contacts[0].email, to: 'case@test.example', subject: 'Re: [VC] Our response', messageId, text: 'Our response to your letter.' }));
    const seconds = Date.parse(arrivedAt) / 1000;
    utimesSync(join(mailbox.root, ref), seconds, seconds);
    expect(await refusing('it has ended and accepts no more requests').pass()).toMatchObject([{ outcome: 'held' }]);
    const told: unknown[] = [];
    const intake = new Intake({
      ...options,
      dossier: { status: async () => closed } as never,
      tellCampaign: async (campaignId, reply) => {
        told.push(reply);
        await tell(campaignId, reply);
      },
    });
    return { mailbox, intake, documents, messageId, told };
  }

  it('refuses a message that reached the case mailbox before the open letter went out, keeping and moving nothing', async () => {
    // A day before the letter: it cannot be a reply to it, late or not.
    const { mailbox, intake, documents, messageId, told } = await heldSince('2026-09-30T09:00:00.000Z', async () => {});
    const refusal = await intake.attachLate('vc', messageId, { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay').catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toBe(
      'engagement:vc:zoom refused: This message reached the case mailbox on 2026-09-30T09:00:00.000Z, before the open letter went out on 2026-10-01T09:00:00.000Z: it cannot be a reply to it, late or not (dismiss it, or attach it to the case it answers).',
    );
    expect(refusalDetails(refusal)).toEqual({ refusal: 'late-reply-before-letter', values: { receivedAt: '2026-09-30T09:00:00.000Z', sent: letterSentAt } });
    expect((await intake.held('vc')).map((m) => m.messageId)).toEqual([messageId]);
    expect(await documents.lateReplies('vc', 'zoom')).toEqual([]);
    expect(await all(mailbox.messages(RECORDED_FOLDER))).toEqual([]);
    expect(told).toEqual([]);
  });

  it('attaches one that came a minute before the letter, as clock skew between mail servers, and tells the campaign', async () => {
    const { intake, documents, messageId, told } = await heldSince('2026-10-01T08:59:00.000Z', async () => {});
    const attached = await intake.attachLate('vc', messageId, { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    expect(attached).toMatchObject({ stage: 'closed-no-response', repliedInTime: true, campaignTold: true });
    expect(attached.campaignNotTold).toBeUndefined();
    expect((await documents.lateReplies('vc', 'zoom')).map((r) => r.messageId)).toEqual([messageId]);
    expect(told).toEqual([{ vendorId: 'zoom', receivedAt: '2026-10-01T08:59:00.000Z' }]);
  });

  it('says the campaign was not told, and why, when telling it fails: the reply is attached all the same', async () => {
    const { intake, documents, messageId } = await heldSince('2026-11-20T09:00:00.000Z', async () => {
      throw new Error('campaign:vc has ended');
    });
    const attached = await intake.attachLate('vc', messageId, { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    expect(attached).toMatchObject({ stage: 'closed-no-response', repliedInTime: false, campaignTold: false, campaignNotTold: 'campaign:vc has ended' });
    expect((await documents.lateReplies('vc', 'zoom')).map((r) => r.messageId)).toEqual([messageId]);
  });
});

describe('a stranger’s message that names a campaign in its subject', () => {
  const vendors = ['zoom', 'cisco', 'google'].map((id) => testVendor(id));
  const houseparty = testVendor('houseparty');

  /**
   * Three engagements in progress and Houseparty's, ended; each refuses by its own rules. `contactsGone`:
   * Houseparty's cannot say its contacts (its campaign shredded, its history gone).
   */
  async function campaignOfFour({ contactsGone = false } = {}) {
    const { mailbox, documents } = await setUp();
    const engagements = new Map(
      [...vendors, houseparty].map((v) => [
        v.id,
        { vendor: v, state: engagementStatusOf('vc', v.id, { vendorName: v.name, contacts: v.contacts, ...(v === houseparty ? { stage: 'closed-no-response' as const } : {}) }) },
      ]),
    );
    const directory: Directory = {
      engagementByToken: async () => undefined,
      campaignByReference: async () => ({ campaignId: 'vc', vendorIds: vendors.map((v) => v.id), endedVendorIds: ['houseparty'] }),
      vendorOf: async ({ vendorId }) => {
        if (contactsGone && vendorId === 'houseparty') throw new Error('history gone');
        return { name: engagements.get(vendorId)!.state.vendorName, contacts: engagements.get(vendorId)!.vendor.contacts };
      },
    };
    const intake = new Intake({ mailbox, documents, directory, domain: 'test.example', caseMailbox: 'case@test.example', dossier: validatingDossier(engagements) as never });
    return { mailbox, intake };
  }

  it('is held saying the sender is none of the campaign’s vendors, not one vendor’s refusal and a count, in English and French', async () => {
    const { mailbox, intake } = await campaignOfFour();
    await mailbox.append(await composeReply({ from: 'journalist@gmail.test', to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<press@gmail.test>', text: 'A question.' }));
    await intake.pass();
    const [held] = await intake.held('vc');
    expect(held.why.code).toBe('sender-of-no-vendor');
    const en = 'the sender is not an address of any of the campaign’s vendors: an officer must check it and assign it';
    expect(heldReasonLine(held.why, 'en')).toBe(en);
    expect(held.reason).toBe(en);
    expect(heldReasonText(held.why, 'fr')).toBe('l’expéditeur n’est l’adresse d’aucune des entreprises de la campagne\u00a0: un agent doit le vérifier et rattacher le message');
    // Each engagement's refusal is kept as data.
    expect(held.why).toMatchObject({ count: 4, refusals: expect.arrayContaining([expect.objectContaining({ vendor: 'zoom', refusal: { refusal: 'sender-not-vendor', values: { from: 'journalist@gmail.test', vendor: 'Vendor zoom' } } })]) });
  });

  it('from a vendor’s address under another’s case reference is still held with the engagements’ own refusals', async () => {
    const { mailbox, intake } = await campaignOfFour();
    // Houseparty writes after its case ended: that refusal is the reason, not "none of the vendors".
    await mailbox.append(await composeReply({ from: 'privacy@houseparty.test', to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<late@houseparty.test>', text: 'Late.' }));
    await intake.pass();
    const [held] = await intake.held('vc');
    expect(held.why.code).toBe('refused');
  });

  it('from the address of an ended vendor that cannot be weighed is not called a stranger: its refusal offers the late reply', async () => {
    const { mailbox, intake } = await campaignOfFour({ contactsGone: true });
    await mailbox.append(await composeReply({ from: 'privacy@houseparty.test', to: 'case@test.example', subject: 'Re: [VC] Open letter', messageId: '<late@houseparty.test>', text: 'Late.' }));
    await intake.pass();
    const [held] = await intake.held('vc');
    expect(held.why.code).toBe('refused');
    expect((held.why as { refusals?: { vendor: string }[] }).refusals?.map((r) => r.vendor)).toContain('houseparty');
  });
});

describe('a message sent to a sub-address whose reply token names no engagement', () => {
  it('is held saying its reply token is unknown, not that it had none, in English and French', async () => {
    const { mailbox, intake } = await setUp();
    await mailbox.append(await composeReply({ from: 'probe@outside.test', to: 'case+0123456789abcdef@test.example', subject: 'probe', messageId: '<probe@outside.test>', text: 'x' }));
    await mailbox.append(await composeReply({ from: 'probe@outside.test', to: 'case@test.example', subject: 'probe', messageId: '<plain@outside.test>', text: 'x' }));
    await intake.pass();
    const why = new Map((await intake.held(undefined)).map((h) => [h.messageId, h.why]));
    expect(why.get('<plain@outside.test>')).toEqual({ code: 'no-match' });
    expect(why.get('<probe@outside.test>')).toEqual({ code: 'unknown-token' });
    expect(heldReasonText(why.get('<probe@outside.test>')!, 'en')).toBe(
      'Dossier could not tell which case it belongs to: it answers none of the emails Dossier sent, the reply address it was sent to is no case’s (mistyped or made up), and its subject names no running campaign’s reference',
    );
    expect(heldReasonText(why.get('<probe@outside.test>')!, 'fr')).toBe(
      'Dossier n’a pu déterminer à quel dossier il appartient\u00a0: il ne répond à aucun des courriels envoyés par Dossier, l’adresse de réponse à laquelle il a été envoyé n’est celle d’aucun dossier (mal saisie ou inventée), et son objet ne nomme la référence d’aucune campagne en cours',
    );
  });

  // An officer sorting the unsorted pen reads why a message is there: in the words of their work,
  // not the mail protocol's (trial3: "Message-ID in its threading headers", "reply token").
  it('says why in an officer’s words, naming no header, Message-ID or token, in English and French', () => {
    for (const code of ['no-match', 'unknown-token'] as const) {
      for (const language of ['en', 'fr'] as const) {
        expect(heldReasonText({ code }, language), `${code} in ${language}`).not.toMatch(/Message-ID|threading|header|token|en-tête|jeton/i);
      }
    }
  });
});
