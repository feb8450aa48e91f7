// Raw messages as vendors' mail systems send them to the case mailbox: threaded replies with
// attachments, out-of-office answers (RFC 3834), delivery reports (RFC 3464), and bad input.
// Built with nodemailer's MIME composer, so the bytes are what a real client produces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import { PROJECT_ROOT } from '../../paths';

export interface ReplyOptions {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  text?: string;
  html?: string;
  attachments?: Mail.Attachment[];
  headers?: Record<string, string>;
  /** The Date header; now by default, since a reply cannot predate the letter it answers. */
  date?: Date;
}

export function composeReply(o: ReplyOptions): Promise<Buffer> {
  return new MailComposer({
    from: o.from,
    to: o.to,
    subject: o.subject,
    messageId: o.messageId,
    inReplyTo: o.inReplyTo,
    references: o.references,
    text: o.text,
    html: o.html,
    attachments: o.attachments,
    headers: o.headers,
    date: o.date ?? new Date(),
  })
    .compile()
    .build();
}

export function outOfOffice(o: Omit<ReplyOptions, 'headers'>): Promise<Buffer> {
  return composeReply({ ...o, text: o.text ?? 'I am out of the office until 24 August.', headers: { 'Auto-Submitted': 'auto-replied' } });
}

/**
 * A read receipt (RFC 8098 message disposition notification) as a vendor's mail client sends it
 * when its user opens the letter: a multipart/report of a human-readable part and the
 * machine-readable notification, threaded to the letter, and without the Auto-Submitted header
 * RFC 8098 asks for (many clients leave it out).
 */
export function readReceipt(o: { from: string; to: string; readMessageId: string; messageId: string }): Buffer {
  const b = 'mdn-boundary-1';
  return Buffer.from(
    [
      `From: ${o.from}`,
      `To: ${o.to}`,
      'Subject: Read: Open letter',
      `Message-ID: ${o.messageId}`,
      `In-Reply-To: ${o.readMessageId}`,
      `References: ${o.readMessageId}`,
      'Date: Mon, 10 Aug 2020 14:00:00 +0000',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=disposition-notification; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Your message was read on Monday, 10 August 2020 14:00:00 (UTC).',
      '',
      `--${b}`,
      'Content-Type: message/disposition-notification',
      '',
      'Reporting-UA: privacy.vendor.example; a mail client',
      `Final-Recipient: rfc822;${o.from.replace(/^.*<|>$/g, '')}`,
      `Original-Message-ID: ${o.readMessageId}`,
      'Disposition: manual-action/MDN-sent-manually; displayed',
      '',
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

/** A delivery report from the vendor's mail server: the bounced message's headers ride along. */
/** A relay's report on a message; by default one recipient whose delivery failed (`Action: failed`, 5.1.1). */
export function deliveryReport(o: {
  to: string;
  bouncedMessageId: string;
  recipient: string;
  messageId: string;
  subject?: string;
  /** Every recipient group of the report instead of the one failed `recipient`. */
  groups?: { recipient: string; action: string; status: string; diagnostic?: string; /** Original-Recipient, as Postfix writes it after an alias */ original?: string }[];
  /** How the relay encoded the delivery-status and headers parts: some (Exchange among them) send them base64 or quoted-printable. */
  encoding?: 'base64' | 'quoted-printable';
  /**
   * What of the bounced message rides along: its headers (text/rfc822-headers), or the whole message
   * (message/rfc822, as Postfix's "Undelivered Message" and Exchange's reports return it), here
   * the letter with its PDF.
   */
  returned?: 'headers' | 'message';
}): Buffer {
  const groups = o.groups ?? [{ recipient: o.recipient, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' }];
  const b = 'dsn-boundary-1';
  const encoded = (lines: string[]) => {
    const text = lines.join('\r\n');
    if (o.encoding === 'base64') return ['Content-Transfer-Encoding: base64', '', ...(Buffer.from(text).toString('base64').match(/.{1,76}/g) ?? [])];
    if (o.encoding === 'quoted-printable') return ['Content-Transfer-Encoding: quoted-printable', '', qpWrap(qpEncode(text), 76)];
    return ['', ...lines];
  };
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.vendor.example>',
      `To: ${o.to}`,
      `Subject: ${o.subject ?? 'Undelivered Mail Returned to Sender'}`,
      `Message-ID: ${o.messageId}`,
      'Date: Mon, 10 Aug 2020 14:00:00 +0000',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Your message could not be delivered to ${o.recipient}.`,
      '',
      `--${b}`,
      'Content-Type: message/delivery-status',
      ...encoded([
        'Reporting-MTA: dns; mx.vendor.example',
        '',
        ...groups.flatMap((g) => [
          `Final-Recipient: rfc822; ${g.recipient}`,
          ...(g.original ? [`Original-Recipient: rfc822;${g.original}`] : []),
          `Action: ${g.action}`,
          `Status: ${g.status}`,
          ...(g.diagnostic ? [`Diagnostic-Code: smtp; ${g.diagnostic}`] : []),
          '',
        ]),
      ]),
      `--${b}`,
      ...(o.returned === 'message'
        ? ['Content-Description: Undelivered Message', 'Content-Type: message/rfc822', '', ...returnedLetter(o.recipient, o.bouncedMessageId)]
        : ['Content-Type: text/rfc822-headers', ...encoded(['From: Dossier <dossier@test.example>', `To: ${o.recipient}`, `Message-ID: ${o.bouncedMessageId}`, 'Subject: Open letter', ''])]),
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

/** The letter as a relay returns it whole in a report: its text and its PDF. */
function returnedLetter(recipient: string, messageId: string): string[] {
  const b = 'letter-boundary-1';
  return [
    'From: Dossier <dossier@test.example>',
    `To: ${recipient}`,
    `Message-ID: ${messageId}`,
    'Subject: Open letter',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please find our open letter attached.',
    `--${b}`,
    'Content-Type: application/pdf; name="open-letter.pdf"',
    'Content-Disposition: attachment; filename="open-letter.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.7\n% the open letter\n').toString('base64'),
    `--${b}--`,
    '',
  ];
}

/** The message an Outlook reply quotes, as its client shows it: headers and the HTML body. */
export interface QuotedMessage {
  fromName: string;
  fromAddress: string;
  toName: string;
  toAddress: string;
  subject: string;
  /** As Outlook prints it in the quote's header ("Tuesday, July 21, 2020 10:02 AM"). */
  sent: string;
  /** The quoted message's HTML, between its <body> tags. */
  bodyHtml: string;
  /** The same as text, as Outlook renders it into the reply's text/plain part (no `>` marks). */
  bodyText: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The labels of the block Outlook writes above the message it quotes, in its user's language (French with a no-break space before the colon). */
const OUTLOOK_LABELS = {
  en: { from: 'From:', sent: 'Sent:', to: 'To:', subject: 'Subject:' },
  fr: { from: 'De\u00a0:', sent: 'Envoyé\u00a0:', to: 'À\u00a0:', subject: 'Objet\u00a0:' },
};

/**
 * A reply from Outlook for Windows (Word's HTML, multipart/alternative): the vendor's words on top,
 * then a bordered div whose paragraph names the quoted message (`From:` `Sent:` `To:` `Subject:`), then
 * that message. The text part carries the same block, without a rule, and the message as text.
 */
export function outlookDesktopReply(o: Omit<ReplyOptions, 'text' | 'html'> & { ownLines: string[]; quoted: QuotedMessage; language?: 'en' | 'fr' }): Promise<Buffer> {
  const q = o.quoted;
  const label = OUTLOOK_LABELS[o.language ?? 'en'];
  const ownHtml = o.ownLines.map((line) => `<p class="MsoNormal">${line ? escapeHtml(line) : '&nbsp;'}<o:p></o:p></p>`).join('\r\n');
  const html = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
/* Font Definitions */
@font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}
span.EmailStyle19 {mso-style-type:personal-reply; font-family:"Calibri",sans-serif; color:windowtext;}
@page WordSection1 {size:612.0pt 792.0pt; margin:72.0pt 72.0pt 72.0pt 72.0pt;}
div.WordSection1 {page:WordSection1;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]-->
</head>
<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
${ownHtml}
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b><span lang="EN-US">${label.from}</span></b><span lang="EN-US"> ${escapeHtml(`${q.fromName} <${q.fromAddress}>`)}
<br>
<b>${label.sent}</b> ${escapeHtml(q.sent)}<br>
<b>${label.to}</b> ${escapeHtml(`${q.toName} <${q.toAddress}>`)}<br>
<b>${label.subject}</b> ${escapeHtml(q.subject)}<o:p></o:p></span></p>
</div>
</div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
${q.bodyHtml}
</div>
</body>
</html>
`;
  const text = `${o.ownLines.join('\r\n')}\r\n\r\n${label.from} ${q.fromName} <${q.fromAddress}> \r\n${label.sent} ${q.sent}\r\n${label.to} ${q.toName} <${q.toAddress}>\r\n${label.subject} ${q.subject}\r\n\r\n${q.bodyText.replace(/\n/g, '\r\n')}\r\n`;
  const language = o.language === 'fr' ? 'fr-FR' : 'en-US';
  return composeReply({ ...o, text, html, headers: { 'X-MS-Has-Attach': '', 'Thread-Topic': q.subject, 'Content-Language': language, ...o.headers } });
}

/**
 * A reply from Outlook on the web (and the new Outlook), in French unless told, sent as HTML only: the vendor's
 * words, `<div id="appendonsend">`, a rule (`<hr>`), then `<div id="divRplyFwdMsg">` naming the quoted
 * message (`De :` `Envoyé :` `À :` `Objet :`), then that message.
 */
export function outlookWebReplyHtmlOnly(o: Omit<ReplyOptions, 'text' | 'html'> & { ownLines: string[]; quoted: QuotedMessage; language?: 'en' | 'fr' }): Promise<Buffer> {
  const q = o.quoted;
  const label = Object.fromEntries(Object.entries(OUTLOOK_LABELS[o.language ?? 'fr']).map(([k, v]) => [k, v.replace('\u00a0', '&nbsp;')])) as (typeof OUTLOOK_LABELS)['en'];
  const own = o.ownLines
    .map((line) => `<div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont, Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">${line ? escapeHtml(line) : '<br>'}</div>`)
    .join('\r\n');
  const html = `<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>
</head>
<body dir="ltr">
${own}
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>${label.from}</b> ${escapeHtml(`${q.fromName} <${q.fromAddress}>`)}<br>
<b>${label.sent}</b> ${escapeHtml(q.sent)}<br>
<b>${label.to}</b> ${escapeHtml(`${q.toName} <${q.toAddress}>`)}<br>
<b>${label.subject}</b> ${escapeHtml(q.subject)}</font>
<div>&nbsp;</div>
</div>
<div>${q.bodyHtml}</div>
</body>
</html>
`;
  return composeReply({ ...o, html, headers: { 'Thread-Topic': q.subject, 'Content-Language': o.language === 'en' ? 'en-US' : 'fr-FR', ...o.headers } });
}

/** A vendor's mail client, as far as how it renders and quotes a message it replies to. */
export type MailClient = 'outlook' | 'gmail' | 'apple-mail';

/** The few entities an HTML body carries as its client or Dossier's templates write them. */
const decodeEntities = (s: string) =>
  s
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');

/**
 * An HTML body as a client's text part renders it: each paragraph a line with a blank line after it,
 * `<br>` a line break, a link as its text and its address in angle brackets (Outlook without a space
 * before them), list items behind the client's bullet, bold between asterisks (Gmail), a rule as a
 * line of underscores (Outlook) or dashes (Gmail), &nbsp; as a no-break space, lines never wrapped.
 */
export function renderedAsText(html: string, client: MailClient): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const bullet = { outlook: '  *   ', gmail: '   - ', 'apple-mail': '\t•\t' }[client];
  const rule = { outlook: '_'.repeat(32), gmail: '-'.repeat(30), 'apple-mail': '' }[client];
  return decodeEntities(
    body
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/\s+/g, ' ')
      .replace(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2\u0002$1\u0003')
      .replace(/<\/?(?:strong|b)\b[^>]*>/gi, client === 'gmail' ? '*' : '')
      .replace(/<li\b[^>]*>/gi, `\n${bullet}`)
      .replace(/<hr\b[^>]*>/gi, `\n${rule}\n\n`)
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(?:p|div|ul|ol|h\d)>/gi, '\n\n')
      .replace(/<[^>]*>/g, '')
      .replace(/\u0002/g, client === 'outlook' ? '<' : ' <')
      .replace(/\u0003/g, '>'),
  )
    .split('\n')
    .map((line) => (line.startsWith(bullet) ? line : line.trim()).trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Lines cut at word boundaries to at most `width` characters, as Gmail wraps what it quotes. */
export function wrapped(line: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  return [...out, current];
}

/** A small PNG (1×1 pixel), standing for an image Outlook puts in a message: a logo, an icon, a screenshot. */
export function tinyPng(tag: string): Buffer {
  // A PNG's bytes, then a tag after its IEND chunk (viewers ignore it), so each image is a file of its own.
  return Buffer.concat([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64'), Buffer.from(tag)]);
}

/** An image Outlook attaches to a reply: in its body (by cid), inline but not in the body, or as an attachment. */
export interface OutlookImage {
  name: string;
  content: Buffer;
  /** `signature`: inline, with a Content-ID the HTML refers to; `inline-unreferenced`: inline with a Content-ID nothing refers to; `attached`: a file attached. */
  as: 'signature' | 'inline-unreferenced' | 'attached';
}

/**
 * A reply from Outlook for Windows whose signature carries images, as Exchange sends it:
 * multipart/mixed of a multipart/related (the alternative text and Word HTML, then each image
 * the HTML shows, `Content-Disposition: inline` with a `Content-ID` the HTML names by `cid:`), then
 * the files attached. Outlook names its Content-IDs `image001.png@01D6…` and writes `size=` and
 * dates in each disposition.
 */
export function outlookReplyWithSignatureImages(o: Omit<ReplyOptions, 'text' | 'html' | 'attachments'> & { ownLines: string[]; images: OutlookImage[]; files?: { name: string; type: string; content: Buffer }[] }): Buffer {
  const stamp = '01D66F2E.5B1C4A70';
  const cidOf = (image: OutlookImage) => `${image.name}@${stamp}`;
  const shown = o.images.filter((i) => i.as === 'signature');
  const related = o.images.filter((i) => i.as !== 'attached');
  const attached = o.images.filter((i) => i.as === 'attached');
  const signatureHtml = shown.map((i) => `<img width="24" height="24" style="width:.25in;height:.25in" id="${i.name.replace(/\W/g, '')}" src="cid:${cidOf(i)}" alt="${escapeHtml(i.name)}">`).join('&nbsp;');
  const html = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="Generator" content="Microsoft Word 15 (filtered medium)"></head>
<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
${o.ownLines.map((line) => `<p class="MsoNormal">${line ? escapeHtml(line) : '&nbsp;'}<o:p></o:p></p>`).join('\r\n')}
<p class="MsoNormal"><span style="color:#1F3864">${signatureHtml}</span><o:p></o:p></p>
</div>
</body>
</html>
`;
  const text = `${o.ownLines.join('\r\n')}\r\n${shown.map((i) => `[${i.name}]`).join(' ')}\r\n`;
  const base64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  const date = (o.date ?? new Date()).toUTCString();
  const disposition = (kind: 'inline' | 'attachment', name: string, size: number) => `Content-Disposition: ${kind}; filename="${name}"; size=${size};\r\n\tcreation-date="${date}";\r\n\tmodification-date="${date}"`;
  const part = (type: string, kind: 'inline' | 'attachment', name: string, content: Buffer, cid?: string) =>
    [`Content-Type: ${type}; name="${name}"`, `Content-Description: ${name}`, disposition(kind, name, content.length), ...(cid ? [`Content-ID: <${cid}>`] : []), 'Content-Transfer-Encoding: base64', '', base64(content)].join('\r\n');
  const mixed = '_010_DB9PR04MB8412D2F5E1B7A6C0F3A1B2C3DB9PR04MB8412eurp_';
  const rel = '_009_DB9PR04MB8412D2F5E1B7A6C0F3A1B2C3DB9PR04MB8412eurp_';
  const alt = '_000_DB9PR04MB8412D2F5E1B7A6C0F3A1B2C3DB9PR04MB8412eurp_';
  const threading = [...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []), ...(o.references?.length ? [`References: ${o.references.join(' ')}`] : [])];
  return Buffer.from(
    [
      `From: ${o.from}`,
      `To: ${o.to}`,
      `Subject: ${o.subject}`,
      'Thread-Topic: Open letter',
      `Date: ${date}`,
      `Message-ID: ${o.messageId}`,
      ...threading,
      'Accept-Language: en-US',
      'Content-Language: en-US',
      'X-MS-Has-Attach: yes',
      'X-MS-TNEF-Correlator:',
      'MIME-Version: 1.0',
      ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      `Content-Type: multipart/mixed;\r\n\tboundary="${mixed}"`,
      '',
      `--${mixed}`,
      `Content-Type: multipart/related;\r\n\tboundary="${rel}";\r\n\ttype="multipart/alternative"`,
      '',
      `--${rel}`,
      `Content-Type: multipart/alternative;\r\n\tboundary="${alt}"`,
      '',
      `--${alt}`,
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      base64(Buffer.from(text)),
      '',
      `--${alt}`,
      'Content-Type: text/html; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      base64(Buffer.from(html)),
      '',
      `--${alt}--`,
      '',
      ...related.flatMap((i) => [`--${rel}`, part('image/png', 'inline', i.name, i.content, cidOf(i)), '']),
      `--${rel}--`,
      '',
      ...attached.flatMap((i) => [`--${mixed}`, part('image/png', 'attachment', i.name, i.content, cidOf(i)), '']),
      ...(o.files ?? []).flatMap((f) => [`--${mixed}`, part(f.type, 'attachment', f.name, f.content), '']),
      `--${mixed}--`,
      '',
    ].join('\r\n'),
  );
}

/** A real winmail.dat (TNEF) from test/fixtures/tnef (see its README for what each holds). */
export function tnefFixture(name: 'attachments.dat' | 'badchecksum.dat' | 'panic.dat'): Buffer {
  return readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'tnef', name));
}

/**
 * A winmail.dat holding `copies` files: attachments.dat's message attributes, then its first
 * attachment's attributes (zappa_av1.jpg) again and again, each copied byte for byte with its own
 * checksum, so every attribute is one Outlook wrote.
 */
export function tnefOfManyFiles(copies: number): Buffer {
  const real = tnefFixture('attachments.dat');
  // Byte 1388 starts the first attachment (attAttachRendData), byte 8352 the second.
  return Buffer.concat([real.subarray(0, 1_388), ...Array.from({ length: copies }, () => real.subarray(1_388, 8_352))]);
}

/**
 * A TNEF holding only the message's MAPI properties (attMsgProps), each a single value, and its code page.
 * A PT_LONG (type 0x0003) is written as its four bytes (`value` of 4 bytes), without a count or length.
 */
export function tnefWithBody(props: { id: number; type: number; value: Buffer }[], codepage = 1252): Buffer {
  const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
  const property = (p: { id: number; type: number; value: Buffer }) =>
    p.type === 0x0003 ? [u32(((p.id << 16) | p.type) >>> 0), p.value] : [u32(((p.id << 16) | p.type) >>> 0), u32(1), u32(p.value.length), padded(p.value)];
  const block = Buffer.concat([u32(props.length), ...props.flatMap(property)]);
  const attribute = (id: number, data: Buffer) => {
    let sum = 0;
    for (const b of data) sum = (sum + b) & 0xffff;
    const head = Buffer.alloc(9);
    head[0] = 1;
    head.writeUInt32LE(id, 1);
    head.writeUInt32LE(data.length, 5);
    return Buffer.concat([head, data, Buffer.from([sum & 0xff, sum >> 8])]);
  };
  return Buffer.concat([u32(0x223e9f78), Buffer.from([0x01, 0x00]), attribute(0x00069007, Buffer.concat([u32(codepage), u32(0)])), attribute(0x00069003, block)]);
}
