import { describe, expect, it } from 'vitest';
import { bareFileName, htmlAsText, readMessage, TEXT_LIMIT } from '../../intake/read-message';
import { LIMITS } from '../../workflows/text-rules';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths';
import { composeReply, deliveryReport, outlookReplyWithSignatureImages, outOfOffice, readReceipt, tinyPng, tnefFixture, tnefOfManyFiles, tnefWithBody } from '../helpers/inbound-mail';
import { compressedRtf } from '../helpers/compressed-rtf-writer';

const base = { from: 'Zoë <privacy@zoom.test>', to: 'case+0123456789abcdef@test.example', subject: 'Re: [TEST-X] Open letter', messageId: '<r1@zoom.test>' };

describe('reading a message from the case mailbox', () => {
  it('reads a threaded reply: sender, recipients, the messages it answers, text and attachments', async () => {
    const raw = await composeReply({
      ...base,
      inReplyTo: '<letter.engagement.x.zoom@test.example>',
      references: ['<letter.engagement.x.zoom@test.example>', '<reminder-response-1.engagement.x.zoom@test.example>'],
      text: 'Please find our response attached.',
      date: new Date('2020-08-10T14:00:00Z'),
      attachments: [{ filename: 'response.pdf', content: Buffer.from('%PDF-1.7 fake'), contentType: 'application/pdf' }],
    });
    const read = await readMessage(raw);
    expect(read).toMatchObject({
      messageId: '<r1@zoom.test>',
      from: 'privacy@zoom.test',
      fromName: 'Zoë',
      recipients: ['case+0123456789abcdef@test.example'],
      kind: 'reply',
      text: 'Please find our response attached.',
      date: '2020-08-10T14:00:00.000Z',
    });
    expect(read.refersTo[0]).toBe('<letter.engagement.x.zoom@test.example>');
    expect(read.refersTo).toContain('<reminder-response-1.engagement.x.zoom@test.example>');
    expect(read.attachments).toEqual([{ name: 'response.pdf', type: 'application/pdf', size: 13, content: Buffer.from('%PDF-1.7 fake') }]);
  });

  it('reads every id in In-Reply-To and References however they are separated: none, commas, folded lines', async () => {
    const letter = '<letter.engagement.x.zoom@test.example>';
    const reminder = '<reminder-response-1.engagement.x.zoom@test.example>';
    const theirs = '<CAF3x9@mail.zoom.test>';
    const raw = (threading: string[]) =>
      Buffer.from(['From: privacy@zoom.test', 'To: case@test.example', 'Subject: Re: Open letter', 'Message-ID: <r9@zoom.test>', ...threading, '', 'Our answer.', ''].join('\r\n'));
    const cases: [string, string[], string[]][] = [
      ['no spaces', [`References: ${letter}${reminder}`], [reminder, letter]],
      ['commas and a folded line', [`References: ${letter},`, ` ${reminder},${theirs}`], [theirs, reminder, letter]],
      ['two ids in In-Reply-To', [`In-Reply-To: ${theirs}${letter}`, `References: ${letter}`], [theirs, letter]],
      ['an id with a comment', [`In-Reply-To: ${reminder} (Zoë's message of 10 August)`], [reminder]],
    ];
    for (const [name, threading, expected] of cases) {
      expect((await readMessage(raw(threading))).refersTo, name).toEqual(expected);
    }
  });

  it('tells an out-of-office answer (Auto-Submitted) from a person’s reply', async () => {
    expect((await readMessage(await outOfOffice(base))).kind).toBe('auto-reply');
    // Some responders mark their answers only with a Precedence of bulk or junk.
    for (const precedence of ['bulk', 'junk']) {
      expect((await readMessage(await composeReply({ ...base, headers: { Precedence: precedence } }))).kind, precedence).toBe('auto-reply');
    }
    expect((await readMessage(await composeReply(base))).kind).toBe('reply');
  });

  it('reads a read receipt (RFC 8098) as an automatic message, not the vendor’s reply, and keeps none of its machine parts', async () => {
    const read = await readMessage(readReceipt({ from: 'Zoë <privacy@zoom.test>', to: 'case@test.example', readMessageId: '<letter.engagement.x.zoom@test.example>', messageId: '<mdn1@zoom.test>' }));
    expect(read.kind).toBe('auto-reply');
    expect(read.refersTo).toEqual(['<letter.engagement.x.zoom@test.example>']);
    expect(read.bounce).toBeUndefined();
    expect(read.attachments.map((a) => `${a.name} (${a.type})`)).toEqual([]);
  });

  it('reads a delivery report: which message bounced, for whom, and why', async () => {
    const read = await readMessage(
      deliveryReport({ to: 'case@test.example', bouncedMessageId: '<letter.engagement.x.zoom@test.example>', recipient: 'gone@zoom.test', messageId: '<dsn1@mx.zoom.test>' }),
    );
    expect(read.kind).toBe('bounce');
    expect(read.messageId).toBe('<dsn1@mx.zoom.test>');
    expect(read.bounce).toEqual({
      originalMessageId: '<letter.engagement.x.zoom@test.example>',
      recipients: ['gone@zoom.test'],
      status: '5.1.1',
      diagnostic: '550 5.1.1 User unknown',
    });
    expect(read.attachments).toEqual([]);
  });

  it('counts only the recipients whose delivery failed, and reads a report of a delay as an automatic message, not a bounce', async () => {
    const report = (groups: { recipient: string; action: string; status: string; diagnostic?: string }[]) =>
      readMessage(deliveryReport({ to: 'case@test.example', bouncedMessageId: '<letter.engagement.x.zoom@test.example>', recipient: '', messageId: '<dsn2@mx.zoom.test>', groups }));
    const delayed = await report([{ recipient: 'privacy@zoom.test', action: 'delayed', status: '4.4.7', diagnostic: '451 4.4.7 still trying for 4 hours' }]);
    expect(delayed.kind).toBe('auto-reply');
    expect(delayed.bounce).toBeUndefined();
    // Still a report on one of Dossier's messages: the intake matches it by that message, as a bounce.
    expect(delayed.delivery).toMatchObject({ originalMessageId: '<letter.engagement.x.zoom@test.example>', recipients: ['privacy@zoom.test'], action: 'delayed', status: '4.4.7' });
    expect(delayed.attachments).toEqual([]);
    const mixed = await report([
      { recipient: 'privacy@zoom.test', action: 'delayed', status: '4.4.7' },
      { recipient: 'gone@zoom.test', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' },
    ]);
    expect(mixed.kind).toBe('bounce');
    expect(mixed.bounce).toMatchObject({ recipients: ['gone@zoom.test'], status: '5.1.1', diagnostic: '550 5.1.1 User unknown' });
    expect(mixed.delivery).toBeUndefined();
  });

  it('names each failed recipient by the address it was sent to: the Original-Recipient of an alias, an address in angle brackets bare', async () => {
    const read = await readMessage(
      deliveryReport({
        to: 'case@test.example',
        bouncedMessageId: '<letter.engagement.x.zoom@test.example>',
        recipient: '',
        messageId: '<dsn3@mx.zoom.test>',
        groups: [
          // privacy@ is an alias: the mailbox behind it is full, and the report names both.
          { recipient: 'jane.doe@corp.zoom.test', original: 'privacy@zoom.test', action: 'failed', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' },
          { recipient: '<Legal@Zoom.test>', action: 'failed', status: '5.1.1' },
        ],
      }),
    );
    expect(read.bounce?.recipients).toEqual(['privacy@zoom.test', 'legal@zoom.test']);
  });

  it('keeps no attachment of a delivery report that returns the whole bounced letter, PDF and all', async () => {
    const read = await readMessage(
      deliveryReport({ to: 'case@test.example', bouncedMessageId: '<letter.engagement.x.zoom@test.example>', recipient: 'gone@zoom.test', messageId: '<dsn-whole@mx.zoom.test>', returned: 'message' }),
    );
    expect(read.kind).toBe('bounce');
    expect(read.bounce).toMatchObject({ originalMessageId: '<letter.engagement.x.zoom@test.example>', recipients: ['gone@zoom.test'] });
    // The relay's copy of Dossier's own letter is no document of the vendor's.
    expect(read.attachments.map((a) => `${a.name} (${a.type})`)).toEqual([]);
  });

  it('reads a delivery report whose status and headers parts are base64 or quoted-printable as a bounce', async () => {
    // Exchange's diagnostic, longer than a quoted-printable line: it is broken with a soft line break.
    const diagnostic = '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';
    const recipient = 'data-protection-officer.privacy-requests@subsidiary-with-a-long-name.zoom.test';
    for (const encoding of ['base64', 'quoted-printable'] as const) {
      const read = await readMessage(
        deliveryReport({
          to: 'case@test.example',
          bouncedMessageId: '<letter.engagement.x.zoom@test.example>',
          recipient,
          messageId: `<dsn-${encoding}@mx.zoom.test>`,
          groups: [{ recipient, action: 'failed', status: '5.1.10', diagnostic }],
          encoding,
        }),
      );
      expect(read.kind, encoding).toBe('bounce');
      expect(read.bounce, encoding).toEqual({ originalMessageId: '<letter.engagement.x.zoom@test.example>', recipients: [recipient], status: '5.1.10', diagnostic });
      expect(read.attachments, encoding).toEqual([]);
    }
  });

  it('keeps no image the HTML body shows by cid (an Outlook signature), and every image attached or inline but shown nowhere', async () => {
    const read = await readMessage(
      outlookReplyWithSignatureImages({
        ...base,
        ownLines: ['Our response is attached.'],
        images: [
          { name: 'image001.png', content: tinyPng('logo'), as: 'signature' },
          { name: 'image002.png', content: tinyPng('icon'), as: 'signature' },
          { name: 'image003.png', content: tinyPng('shown nowhere'), as: 'inline-unreferenced' },
          { name: 'screenshot.png', content: tinyPng('screenshot'), as: 'attached' },
        ],
        files: [{ name: 'response.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.7 fake') }],
      }),
    );
    expect(read.attachments.map((a) => a.name)).toEqual(['image003.png', 'screenshot.png', 'response.pdf']);
    expect(read.text).toContain('Our response is attached.');
  });

  it('keeps an image the HTML shows by cid when its sender attached it as a file (Content-Disposition: attachment)', async () => {
    const raw = await composeReply({
      ...base,
      html: '<p>The screenshot:</p><img src="cid:shot@zoom.test">',
      attachments: [{ filename: 'shot.png', content: tinyPng('screenshot'), contentType: 'image/png', cid: 'shot@zoom.test', contentDisposition: 'attachment' }],
    });
    expect((await readMessage(raw)).attachments.map((a) => a.name)).toEqual(['shot.png']);
  });

  it('keeps only the text of HTML with scripts: no markup, no script', async () => {
    const read = await readMessage(await composeReply({ ...base, html: '<p>Our answer</p><script>alert("x")</script><img src=x onerror=alert(1)>' }));
    expect(read.text).toContain('Our answer');
    expect(read.text).not.toMatch(/alert|<script|onerror/);
  });

  it('drops the folders from an attachment’s file name', async () => {
    const read = await readMessage(await composeReply({ ...base, text: 'x', attachments: [{ filename: '../../etc/passwd', content: 'root:x' }, { filename: 'C:\\Windows\\evil.bat', content: 'x' }] }));
    expect(read.attachments.map((a) => a.name)).toEqual(['passwd', 'evil.bat']);
  });

  it('names an attachment sent without a name by its place and its type, so the file saved opens: a forwarded message as .eml, a PDF as .pdf', async () => {
    const raw = Buffer.from(
      [
        'From: privacy@zoom.test',
        'To: case@test.example',
        'Subject: Re: x',
        'Message-ID: <unnamed@zoom.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: text/plain',
        '',
        'Our engineer\'s answer is the mail attached, and our policy.',
        '--m',
        'Content-Type: message/rfc822',
        '',
        'From: cto@zoom.test',
        'Subject: Our encryption',
        '',
        'We use AES-256 end to end.',
        '--m',
        'Content-Type: application/pdf',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 policy').toString('base64'),
        '--m--',
        '',
      ].join('\r\n'),
    );
    expect((await readMessage(raw)).attachments.map((a) => `${a.name} (${a.type})`)).toEqual(['attachment-1.eml (message/rfc822)', 'attachment-2.pdf (application/pdf)']);
  });

  it('derives a stable Message-ID when a message has none, and caps very long text', async () => {
    const raw = Buffer.from(`From: a@zoom.test\r\nTo: case@test.example\r\nSubject: x\r\n\r\n${'long text '.repeat(5000)}\r\n`);
    const [first, second] = [await readMessage(raw), await readMessage(raw)];
    expect(first.messageId).toMatch(/^<[0-9a-f]{32}@no-message-id\.dossier\.invalid>$/);
    expect(second.messageId).toBe(first.messageId);
    // The cut text with its ellipsis is what the inbox rules accept at most, so the reply can be recorded.
    expect(first.text.length).toBe(LIMITS.summary);
    expect(first.text.endsWith('…')).toBe(true);
    const emoji = await readMessage(Buffer.from(`From: a@zoom.test\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${'a'.repeat(TEXT_LIMIT - 2)}${'😀'.repeat(10)}\r\n`));
    expect(emoji.text.length).toBeLessThanOrEqual(LIMITS.summary);
    expect(emoji.text).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('gives a message whose Message-ID is too long to be an update id the id derived from its bytes', async () => {
    const raw = Buffer.from(`From: a@zoom.test\r\nTo: case@test.example\r\nMessage-ID: <${'x'.repeat(1_500)}@zoom.test>\r\nSubject: x\r\n\r\nBody\r\n`);
    expect((await readMessage(raw)).messageId).toMatch(/^<[0-9a-f]{32}@no-message-id\.dossier\.invalid>$/);
  });

  it('reads malformed MIME without throwing', async () => {
    const raw = Buffer.from(
      'From: privacy@zoom.test\r\nMessage-ID: <bad1@zoom.test>\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n',
    );
    const read = await readMessage(raw);
    expect(read.messageId).toBe('<bad1@zoom.test>');
    expect(read.from).toBe('privacy@zoom.test');
  });
});

describe('reading 8-bit text that declares no charset', () => {
  // As an old client writes it: Latin-1 / windows-1252 bytes, no `charset=` anywhere.
  const latin1 = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
  const cp1252 = (text: string) => Buffer.from(text.replace(/’/g, '\x92').replace(/€/g, '\x80').replace(/…/g, '\x85').replace(/—/g, '\x97'), 'latin1');

  it('reads the subject and a single text part as windows-1252, as mail clients do', async () => {
    const raw = Buffer.concat([
      cp1252(['From: =?utf-8?q?Soci=C3=A9t=C3=A9?= <privacy@zoom.test>', 'To: case@test.example', 'Subject: Réponse à votre lettre — été', 'Message-ID: <cs1@zoom.test>', 'Content-Type: text/plain', 'Content-Transfer-Encoding: 8bit', '', ''].join('\r\n')),
      cp1252('Nous l’avons reçue : coût 10 € par élève…\r\n'),
    ]);
    const read = await readMessage(raw);
    expect(read.subject).toBe('Réponse à votre lettre — été');
    expect(read.text).toBe('Nous l’avons reçue : coût 10 € par élève…');
    expect(read.fromName).toBe('Société');
  });

  it('reads a text part of a multipart message, quoted-printable or without any Content-Type, the same way', async () => {
    const raw = Buffer.concat([
      latin1(['From: privacy@zoom.test', 'To: case@test.example', 'Subject: Re: lettre', 'Message-ID: <cs2@zoom.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', 'Content-Transfer-Encoding: quoted-printable', '', 'Pi=E8ce jointe : r=E9ponse', '--b1', 'Content-Type: application/pdf; name="r.pdf"', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjcK', '--b1--', '']),
    ]);
    const read = await readMessage(raw);
    expect(read.text).toBe('Pièce jointe : réponse');
    expect(read.attachments.map((a) => [a.name, a.content.toString()])).toEqual([['r.pdf', '%PDF-1.7\n']]);
    const bare = Buffer.concat([latin1(['From: privacy@zoom.test', 'Subject: r', 'Message-ID: <cs3@zoom.test>', '', '']), cp1252('Déjà répondu.\r\n')]);
    expect((await readMessage(bare)).text).toBe('Déjà répondu.');
  });

  it('leaves valid UTF-8 and a declared charset as they are', async () => {
    const utf8 = Buffer.from(['From: privacy@zoom.test', 'Subject: Réponse', 'Message-ID: <cs4@zoom.test>', 'Content-Type: text/plain', '', 'Déjà répondu.', ''].join('\r\n'), 'utf8');
    expect(await readMessage(utf8)).toMatchObject({ subject: 'Réponse', text: 'Déjà répondu.' });
    const declared = Buffer.concat([latin1(['From: privacy@zoom.test', 'Subject: r', 'Message-ID: <cs5@zoom.test>', 'Content-Type: text/plain; charset=iso-8859-15', '', '']), Buffer.from([0xa4, 0x0d, 0x0a])]);
    expect((await readMessage(declared)).text).toBe('€');
  });
});

describe('a reply from Outlook or Exchange whose attachments come wrapped in a winmail.dat (TNEF)', () => {
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const winmail = (content: Buffer, contentType = 'application/ms-tnef') => ({ filename: 'winmail.dat', content, contentType });
  /** The names of the winmail.dat attachments that could not be opened, kept as they came. */
  const unopened = (read: Awaited<ReturnType<typeof readMessage>>) => read.attachments.filter((a) => a.unopened).map((a) => a.name);
  /** Name, type, size and SHA-256 of each attachment, as the officer will save it. */
  const listed = (read: Awaited<ReturnType<typeof readMessage>>) => read.attachments.map((a) => `${a.name} ${a.type} ${a.size} ${sha256(a.content).slice(0, 16)}`);
  // What Debian's tnef tool extracts from attachments.dat (test/fixtures/tnef/README.md).
  const inside = ['zappa_av1.jpg image/jpeg 2937 bea844f30e0fcc20', 'bookmark.htm text/html 85805 1e08d6e23c75ff80'];

  it('keeps the files inside it as the message’s attachments, under their long names and typed from them, instead of the winmail.dat', async () => {
    const raw = await composeReply({ ...base, text: 'Please find our response attached.', attachments: [{ filename: 'cover.pdf', content: Buffer.from('%PDF-1.7 c'), contentType: 'application/pdf' }, winmail(tnefFixture('attachments.dat'))] });
    const read = await readMessage(raw);
    expect(listed(read)).toEqual([`cover.pdf application/pdf 10 ${sha256(Buffer.from('%PDF-1.7 c')).slice(0, 16)}`, ...inside]);
    expect(unopened(read)).toEqual([]);
  });

  it('opens one sent as application/vnd.ms-tnef, or as application/octet-stream under the name winmail.dat', async () => {
    for (const type of ['application/vnd.ms-tnef', 'application/octet-stream']) {
      const read = await readMessage(await composeReply({ ...base, text: 'Attached.', attachments: [winmail(tnefFixture('attachments.dat'), type)] }));
      expect(listed(read), type).toEqual(inside);
    }
  });

  it('takes the reply’s text from the winmail.dat’s compressed RTF when the message has no text part, and keeps only the files inside', async () => {
    const read = await readMessage(await composeReply({ ...base, attachments: [winmail(tnefFixture('attachments.dat'))] }));
    // The words of the RTF body Debian's tnef tool saves (test/fixtures/tnef/README.md), one paragraph a line.
    expect(read.text).toBe(['Casdasdfasdfasd', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd', '', 'Casdasdfasdfasd'].join('\n'));
    expect(read.attachments.map((a) => `${a.name} ${a.type}`)).toEqual(['zappa_av1.jpg image/jpeg', 'bookmark.htm text/html']);
  });

  it('reads the HTML Outlook encapsulated in an RTF body as an HTML part is read', async () => {
    // [MS-OXRTFEX]'s example (test/fixtures/rtf), stored uncompressed (MELA) as the winmail.dat's PR_RTF_COMPRESSED.
    const rtf = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'rtf', 'encapsulated.rtf'));
    const header = Buffer.alloc(16);
    header.writeUInt32LE(rtf.length + 12, 0);
    header.writeUInt32LE(rtf.length, 4);
    header.write('MELA', 8, 'latin1');
    const content = tnefWithBody([{ id: 0x1009, type: 0x0102, value: Buffer.concat([header, rtf]) }]);
    const read = await readMessage(await composeReply({ ...base, attachments: [winmail(content)] }));
    expect(read.text).toBe(
      ['Note the line break inside a P tag. This is bold text', '', 'This is a normal text with a character references:   < ¨', '', 'characters that have special meaning in RTF: {}\\', '', 'This is a list item'].join('\n'),
    );
    expect(read.attachments).toEqual([]);
  });

  it('keeps the winmail.dat beside its files, and no text, when its only body cannot be read (a compressed RTF with a wrong CRC)', async () => {
    const bytes = Buffer.from(tnefFixture('attachments.dat'));
    // The RTF's CRC (byte 358, in attMsgProps at byte 113) changed, and the attribute's checksum with it.
    bytes.writeUInt32LE((bytes.readUInt32LE(358) ^ 1) >>> 0, 358);
    const length = bytes.readUInt32LE(113 + 5);
    let sum = 0;
    for (const b of bytes.subarray(122, 122 + length)) sum = (sum + b) & 0xffff;
    bytes.writeUInt16LE(sum, 122 + length);
    const read = await readMessage(await composeReply({ ...base, attachments: [winmail(bytes)] }));
    expect(read.text).toBe('');
    expect(read.attachments.map((a) => `${a.name} ${a.type}`)).toEqual(['zappa_av1.jpg image/jpeg', 'bookmark.htm text/html', 'winmail.dat application/ms-tnef']);
    expect(unopened(read)).toEqual([]);
  });

  it('keeps a winmail.dat it cannot open as it came, and names it as unopened (a bad signature, a damaged attribute)', async () => {
    for (const name of ['badchecksum.dat', 'panic.dat'] as const) {
      const content = tnefFixture(name);
      const read = await readMessage(await composeReply({ ...base, text: 'Attached.', attachments: [winmail(content)] }));
      expect(read.attachments.map((a) => [a.name, a.type, a.content.equals(content)]), name).toEqual([['winmail.dat', 'application/ms-tnef', true]]);
      expect(unopened(read), name).toEqual(['winmail.dat']);
    }
  });

  it('leaves out the images Outlook marks as its body’s (hidden, MHTML-referenced), as it leaves out those an HTML body shows by cid', async () => {
    // panic.dat's intact first 49,862 bytes: three images, each hidden, MHTML-referenced and with a Content-ID.
    const signature = tnefFixture('panic.dat').subarray(0, 49_862);
    const withText = await readMessage(await composeReply({ ...base, text: 'Our answers are below.', attachments: [winmail(signature)] }));
    expect(withText.attachments).toEqual([]);
    // With no text part, the text is the winmail.dat's HTML body (PR_HTML), which shows them: they are left out too.
    const withoutText = await readMessage(await composeReply({ ...base, attachments: [winmail(signature)] }));
    expect(withoutText.text).toContain('Flytta ner följande 3 orderIDs ner till fakturerad');
    // Its CRLF line ends read as a text part's are, and no run of empty lines.
    expect(withoutText.text).not.toMatch(/\r|\n\n\n/);
    expect(withoutText.attachments).toEqual([]);
  });

  it('gives a file inside whose long name holds a lone UTF-16 surrogate a well-formed name', async () => {
    const bytes = Buffer.from(tnefFixture('panic.dat').subarray(0, 49_862));
    // image001.jpg's long name (26 bytes from byte 31,836, in the attAttachment at byte 31,683) as "\ud800.pdf", with its checksum.
    Buffer.concat([Buffer.from([0x00, 0xd8, 0x2e, 0x00, 0x70, 0x00, 0x64, 0x00, 0x66, 0x00]), Buffer.alloc(16)]).copy(bytes, 31_836);
    // Not hidden nor MHTML-referenced any more (PR_ATTACH_FLAGS 0, PR_ATTACHMENT_HIDDEN 0), so it is kept as a document.
    const length = bytes.readUInt32LE(31_683 + 5);
    const block = bytes.subarray(31_683 + 9, 31_683 + 9 + length);
    for (const tag of [0x37140003, 0x7ffe000b]) {
      const at = block.indexOf(Buffer.from(new Uint32Array([tag]).buffer));
      block.writeUInt32LE(0, at + 4);
    }
    let sum = 0;
    for (const b of block) sum = (sum + b) & 0xffff;
    bytes.writeUInt16LE(sum, 31_683 + 9 + length);
    const read = await readMessage(await composeReply({ ...base, text: 'Attached.', attachments: [winmail(bytes)] }));
    expect(read.attachments.map((a) => `${a.name} ${a.type}`)).toEqual(['\ufffd.pdf application/pdf']);
  });

  it('opens a part by its name only when it starts as TNEF does: a data file named WIN.DAT is kept as it came, without a note', async () => {
    const data = Buffer.from('LEVEL=3\nSCORE=1200\n');
    const read = await readMessage(await composeReply({ ...base, text: 'Our data file.', attachments: [{ filename: 'WIN.DAT', content: data, contentType: 'application/octet-stream' }] }));
    expect(read.attachments.map((a) => [a.name, a.type, a.content.equals(data)])).toEqual([['WIN.DAT', 'application/octet-stream', true]]);
    expect(unopened(read)).toEqual([]);
    // Typed as TNEF, a part that is not is still one Outlook meant to wrap: kept, and noted as unopened.
    const typed = await readMessage(await composeReply({ ...base, text: 'Attached.', attachments: [{ filename: 'WIN.DAT', content: data, contentType: 'application/vnd.ms-tnef' }] }));
    expect(unopened(typed)).toEqual(['WIN.DAT']);
  });

  it('reads one more file than a message may carry from a winmail.dat holding too many, and keeps the winmail.dat too', async () => {
    const read = await readMessage(await composeReply({ ...base, text: 'All our files.', attachments: [winmail(tnefOfManyFiles(LIMITS.attachments + 20))] }));
    expect(read.attachments).toHaveLength(LIMITS.attachments + 2);
    expect(read.attachments.slice(0, -1).every((a) => a.name === 'zappa_av1.jpg' && a.size === 2937)).toBe(true);
    expect(read.attachments.at(-1)!.name).toBe('winmail.dat');
  });
});

describe('an attachment’s name', () => {
  it('is well formed: a lone UTF-16 surrogate (which no URL or header can encode) becomes U+FFFD', () => {
    expect(bareFileName('\ud800.pdf', 1)).toBe('\ufffd.pdf');
    expect(bareFileName('report\udc00.pdf', 1)).toBe('report\ufffd.pdf');
    expect(bareFileName('r\u00e9ponse \ud83d\udcc4.pdf', 1)).toBe('r\u00e9ponse \ud83d\udcc4.pdf');
    // Cut to 200 code units between the two halves of an emoji.
    expect(bareFileName(`${'a'.repeat(199)}\ud83d\udcc4.pdf`, 1)).toBe(`${'a'.repeat(199)}\ufffd`);
  });
});

describe('a crafted body costs time in proportion to its size', () => {
  const winmail = (content: Buffer) => ({ filename: 'winmail.dat', contentType: 'application/ms-tnef', content });
  /** Milliseconds the call took; linear, each case here takes well under a second, quadratic, minutes to hours. */
  const timed = (read: () => unknown) => {
    const started = Date.now();
    read();
    return Date.now() - started;
  };

  it('reads a reply whose compressed RTF body is 100,000 spaces in a few kilobytes (it took 24 s)', async () => {
    const body = compressedRtf(Buffer.from(`{\\rtf1\\ansi Dear officer,${' '.repeat(100_000)}x}`, 'latin1'));
    const raw = await composeReply({ ...base, attachments: [winmail(tnefWithBody([{ id: 0x1009, type: 0x0102, value: body }]))] });
    expect(raw.length).toBeLessThan(40_000);
    const started = Date.now();
    const read = await readMessage(raw);
    expect(Date.now() - started).toBeLessThan(3_000);
    // Compared as a boolean: a failing diff of two 100,000-character strings would itself take seconds.
    expect(read.wholeText === `Dear officer,${' '.repeat(100_000)}x`).toBe(true);
  }, 20_000);

  // Each a run a regex restarted at each of its positions: 50,000 “<” took 8 s, 40,000 “<head ” 13 s.
  // Linear, each takes a few milliseconds, and ten megabytes well under a second.
  it.each([
    ['unclosed “<”', '<'.repeat(50_000)],
    ['unclosed <head>', '<head '.repeat(40_000)],
    ['unclosed <script> and <style>', '<script><style '.repeat(20_000)],
    ['spaces ending no line', `<p>${' '.repeat(100_000)}x</p>`],
  ])('reads HTML of %s in well under a second', (_, html) => {
    expect(timed(() => htmlAsText(html))).toBeLessThan(2_000);
  }, 120_000);

  it('still leaves out what a tag holds, and a <head>, <script> or <style> with its content', () => {
    expect(htmlAsText('<HEAD><title>t</title></head ><p>a<script>x</SCRIPT>b<style>p{}</style  >c</p><<b>d</b>>')).toBe(' a b c\n<d>');
    expect(htmlAsText('<header>kept</header><head>unclosed')).toBe('keptunclosed');
  });
});
