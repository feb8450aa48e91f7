// Turns an OutgoingMessage into what nodemailer sends: subject, text and HTML parts, attachments.
// Also names messages: the Message-ID is derived from thread and step, never random, so a retried
// send and every later message of the thread refer to the same IDs.
import type Mail from 'nodemailer/lib/mailer';
import type { OutgoingMessage } from '../workflows/types';

export type ComposedMessage = Pick<Mail.Options, 'subject' | 'text' | 'html' | 'attachments' | 'icalEvent' | 'headers'>;

export function messageIdFor(threadId: string, step: string, domain: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '.');
  return `<${safe(step)}.${safe(threadId)}@${domain}>`;
}

/** The first message of a thread, which every later one replies to. */
export function threadRootStep(threadId: string): string {
  return threadId.startsWith('engagement:') ? 'letter' : 'opening';
}

export async function composeMessage(message: OutgoingMessage): Promise<ComposedMessage> {
  const subject = `[${message.campaign.reference}] ${message.campaign.title[message.language]} — ${message.kind}`;
  const text = [message.vendor?.name, message.details.note, message.details.dueDate].filter(Boolean).join('\n');
  return { subject, text };
}
