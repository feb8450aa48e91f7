// How Dossier names its mail, and how a reply finds its way back: Message-IDs derived from thread
// and step (never random, so a retried send and every later message refer to the same IDs), and the
// per-engagement Reply-To address with a token, for mail clients that drop threading headers. The
// intake reads them back with the functions here, so naming and reading live in one place.
import { isReplyToken, replyToken } from '../workflows/reply-token';
import type { OutgoingMessage } from '../workflows/types';
import { engagementWorkflowId, parseWorkflowId } from '../workflows/workflow-ids';

/** The domain of MAIL_FROM, which every Message-ID Dossier writes carries. */
export function mailDomain(mailFrom: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(mailFrom);
  return match ? match[1] : 'dossier.localhost';
}

export function messageIdFor(threadId: string, step: string, domain: string): string {
  return `<${safe(step)}.${safe(threadId)}@${domain}>`;
}

/**
 * The first message of a thread, which every later one replies to: an engagement's letter. A
 * campaign's messages go to many different people and start no common thread.
 */
export function threadRootStep(threadId: string): string | undefined {
  return parseWorkflowId(threadId)?.kind === 'engagement' ? 'letter' : undefined;
}

/**
 * The thread a reply to this message belongs to. A campaign's message to one vendor (its statement
 * notice) is about that vendor's engagement: a reply to it must reach the engagement as a reply to
 * the letter would, so it carries the engagement's Reply-To token and refers to its letter. Its own
 * Message-ID stays the campaign's, which the delivery ledger already knows it by.
 */
export function replyThreadOf({ threadId, campaign, vendor }: Pick<OutgoingMessage, 'threadId' | 'campaign' | 'vendor'>): string {
  return vendor !== undefined && parseWorkflowId(threadId)?.kind === 'campaign' ? engagementWorkflowId(campaign.id, vendor.id) : threadId;
}

export function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '.');
}

export { replyToken };

/**
 * Where replies go: the case mailbox, with the engagement's token after a `+` (sub-addressing) on
 * engagement threads, e.g. `case+3f9a0c1d2b4e5f60@regulator.example`.
 */
export function replyAddressFor(caseMailbox: string, threadId: string): string {
  if (parseWorkflowId(threadId)?.kind !== 'engagement') return caseMailbox;
  const at = caseMailbox.lastIndexOf('@');
  const local = caseMailbox.slice(0, at).split('+')[0];
  return `${local}+${replyToken(threadId)}@${caseMailbox.slice(at + 1)}`;
}

/** The token of a case-mailbox address (`case+<token>@…`), if it carries one. */
export function tokenOf(address: string, caseMailbox: string): string | undefined {
  const at = address.lastIndexOf('@');
  const caseAt = caseMailbox.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== caseMailbox.slice(caseAt + 1).toLowerCase()) return undefined;
  const [local, token] = address.slice(0, at).toLowerCase().split('+');
  if (local !== caseMailbox.slice(0, caseAt).split('+')[0].toLowerCase()) return undefined;
  return token && isReplyToken(token) ? token : undefined;
}

const ID = '[a-z0-9][a-z0-9-]{0,62}';
const ENGAGEMENT_MESSAGE_ID = new RegExp(`^<?([A-Za-z0-9.-]+?)\\.engagement\\.(${ID})\\.(${ID})@([^>\\s]+)>?$`);

/**
 * Reads back a Message-ID that Dossier gave an engagement's message: which engagement (campaign and
 * vendor) and which step. Anything else, or another domain's ID, gives undefined.
 */
export function parseEngagementMessageId(messageId: string, domain: string): { campaignId: string; vendorId: string; step: string } | undefined {
  const match = ENGAGEMENT_MESSAGE_ID.exec(messageId.trim());
  if (!match || match[4].toLowerCase() !== domain.toLowerCase()) return undefined;
  return { step: match[1], campaignId: match[2], vendorId: match[3] };
}
