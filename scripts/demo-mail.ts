// The vendors' side of the demo's mail: companies answer the open letter by email, as a person would
// (a threaded reply to the letter's Reply-To, with a PDF attached), Houseparty's mail system sends an
// out-of-office answer, and Zoom's mail server bounces the letter for one address. Everything goes
// through the local mail sink by SMTP, which delivers the case mailbox's mail to the intake's Maildir.
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { MailSeen, ReceivedMail } from '../infra/mail-sink';

export interface Letter {
  messageId: string;
  replyTo: string;
  subject: string;
}

export class VendorMail {
  private readonly transport: nodemailer.Transporter;

  constructor(private readonly sink: MailSeen) {
    this.transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  }

  /** The open letter a vendor received, as its mail client shows it. */
  async letter(campaignId: string, vendorId: string): Promise<Letter> {
    const isLetter = (m: ReceivedMail) => (m.messageId ?? '').startsWith(`<letter.engagement.${campaignId}.${vendorId}@`);
    const [mail] = await this.sink.waitFor(1, isLetter, 60_000);
    const parsed = await simpleParser(mail.raw);
    return { messageId: mail.messageId!, replyTo: parsed.replyTo?.value[0]?.address ?? '', subject: parsed.subject ?? '' };
  }

  /** A person's threaded reply with the response attached as a PDF; returns its Message-ID. */
  async reply(letter: Letter, from: string, text: string, pdfName: string): Promise<string> {
    const messageId = `<${randomUUID()}@${from.split('@')[1]}>`;
    await this.transport.sendMail({
      from,
      to: letter.replyTo,
      subject: `Re: ${letter.subject}`,
      messageId,
      inReplyTo: letter.messageId,
      references: [letter.messageId],
      text,
      attachments: [{ filename: pdfName, content: Buffer.from(await responsePdf(text)), contentType: 'application/pdf' }],
    });
    return messageId;
  }

  async outOfOffice(letter: Letter, from: string): Promise<void> {
    await this.transport.sendMail({
      from,
      to: letter.replyTo,
      subject: `Automatic reply: ${letter.subject}`,
      messageId: `<${randomUUID()}@${from.split('@')[1]}>`,
      inReplyTo: letter.messageId,
      references: [letter.messageId],
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'Thank you for your message. The privacy team is away until further notice.',
    });
  }

  /** A delivery report (RFC 3464) from the vendor's mail server: the letter did not reach `recipient`. */
  async bounce(letter: Letter, recipient: string): Promise<void> {
    const domain = recipient.split('@')[1];
    const boundary = `dsn-${randomUUID()}`;
    const raw = [
      `From: Mail Delivery System <MAILER-DAEMON@mx.${domain}>`,
      `To: ${letter.replyTo}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${randomUUID()}@mx.${domain}>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Your message could not be delivered to ${recipient}: the mailbox does not exist.`,
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      `Reporting-MTA: dns; mx.${domain}`,
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable',
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${letter.messageId}`,
      `To: ${recipient}`,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await this.transport.sendMail({ envelope: { from: '', to: [letter.replyTo] }, raw });
  }

  close(): void {
    this.transport.close();
  }
}

async function responsePdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  const words = text.split(' ');
  let line = '';
  let y = 760;
  for (const word of words) {
    if ((line + word).length > 90) {
      page.drawText(line, { x: 50, y, size: 11, font });
      y -= 16;
      line = '';
    }
    line += `${word} `;
  }
  page.drawText(line, { x: 50, y, size: 11, font });
  return doc.save();
}
