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
