// Raw messages as vendors' mail systems send them to the case mailbox: threaded replies with
// attachments, out-of-office answers (RFC 3834), delivery reports (RFC 3464), and bad input.
// Built with nodemailer's MIME composer, so the bytes are what a real client produces.
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';

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
      'Content-Type: text/rfc822-headers',
      ...encoded(['From: Dossier <dossier@test.example>', `To: ${o.recipient}`, `Message-ID: ${o.bouncedMessageId}`, 'Subject: Open letter', '']),
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
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

/**
 * A reply from Outlook for Windows (Word's HTML, multipart/alternative): the vendor's words on top,
 * then a bordered div whose paragraph names the quoted message (`From:` `Sent:` `To:` `Subject:`), then
 * that message. The text part carries the same block, without a rule, and the message as text.
 */
export function outlookDesktopReply(o: Omit<ReplyOptions, 'text' | 'html'> & { ownLines: string[]; quoted: QuotedMessage }): Promise<Buffer> {
  const q = o.quoted;
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
<p class="MsoNormal"><b><span lang="EN-US">From:</span></b><span lang="EN-US"> ${escapeHtml(`${q.fromName} <${q.fromAddress}>`)}
<br>
<b>Sent:</b> ${escapeHtml(q.sent)}<br>
<b>To:</b> ${escapeHtml(`${q.toName} <${q.toAddress}>`)}<br>
<b>Subject:</b> ${escapeHtml(q.subject)}<o:p></o:p></span></p>
</div>
</div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
${q.bodyHtml}
</div>
</body>
</html>
`;
  const text = `${o.ownLines.join('\r\n')}\r\n\r\nFrom: ${q.fromName} <${q.fromAddress}> \r\nSent: ${q.sent}\r\nTo: ${q.toName} <${q.toAddress}>\r\nSubject: ${q.subject}\r\n\r\n${q.bodyText.replace(/\n/g, '\r\n')}\r\n`;
  return composeReply({ ...o, text, html, headers: { 'X-MS-Has-Attach': '', 'Thread-Topic': q.subject, 'Content-Language': 'en-US', ...o.headers } });
}

/**
 * A reply from Outlook on the web (and the new Outlook), in French, sent as HTML only: the vendor's
 * words, `<div id="appendonsend">`, a rule (`<hr>`), then `<div id="divRplyFwdMsg">` naming the quoted
 * message (`De :` `Envoyé :` `À :` `Objet :`), then that message.
 */
export function outlookWebReplyHtmlOnly(o: Omit<ReplyOptions, 'text' | 'html'> & { ownLines: string[]; quoted: QuotedMessage }): Promise<Buffer> {
  const q = o.quoted;
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
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>De&nbsp;:</b> ${escapeHtml(`${q.fromName} <${q.fromAddress}>`)}<br>
<b>Envoyé&nbsp;:</b> ${escapeHtml(q.sent)}<br>
<b>À&nbsp;:</b> ${escapeHtml(`${q.toName} <${q.toAddress}>`)}<br>
<b>Objet&nbsp;:</b> ${escapeHtml(q.subject)}</font>
<div>&nbsp;</div>
</div>
<div>${q.bodyHtml}</div>
</body>
</html>
`;
  return composeReply({ ...o, html, headers: { 'Thread-Topic': q.subject, 'Content-Language': 'fr-FR', ...o.headers } });
}
