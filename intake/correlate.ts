// Which engagement a message from the case mailbox belongs to, in order of trust: the threading
// headers (In-Reply-To/References naming a Message-ID Dossier derived; for a bounce, the bounced
// message's ID), then the reply token of the address it was sent to (`case+<token>@…`), then the
// case reference in the subject (`[OPC-2020-VC]`), which names a campaign but not a vendor: every
// engagement of that campaign is a candidate, and the engagement's own rule (the sender must be
// its vendor's) picks one or none. Candidates are only proposals; the workflow decides. A message
// that names its engagement (thread or token) is proposed to that one alone: if it refuses (the
// case has ended), the message is held for an officer rather than offered to the campaign's other
// vendors, one of which may share the sender's domain.
import { parseEngagementMessageId, tokenOf } from '../activities/threading';
import type { InboundMatch } from '../workflows/types';
import type { ReadMessage } from './read-message';

export interface Candidate {
  campaignId: string;
  vendorId: string;
  matchedBy: InboundMatch;
  /** The step of Dossier's message it answers (thread), or that bounced. */
  answersStep?: string;
}

/** What the intake looks up in Temporal (intake/directory.ts), behind an interface for unit tests. */
export interface Directory {
  /** The running engagement whose reply token this is. */
  engagementByToken(token: string): Promise<{ campaignId: string; vendorId: string } | undefined>;
  /** The running campaign with this case reference, and its engagements still in progress. */
  campaignByReference(reference: string): Promise<{ campaignId: string; vendorIds: string[] } | undefined>;
}

export interface CorrelationContext {
  /** The domain of MAIL_FROM: the one Dossier's Message-IDs carry. */
  domain: string;
  caseMailbox: string;
  directory: Directory;
}

/**
 * Case references in a subject: `[REF]`, as Dossier's subjects carry them. A reference is any name
 * (spaces, accents, `:` included), so any bracketed text is one to look up; the look-up is exact,
 * and a tag such as `[EXTERNAL]` simply names no campaign.
 */
export function referencesIn(subject: string): string[] {
  return [...subject.matchAll(/\[([^[\]\r\n]{1,100})\]/g)].map((m) => m[1]!.trim()).filter((reference) => reference.length > 0);
}

export async function correlate(message: ReadMessage, context: CorrelationContext): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const add = (candidate: Candidate) => {
    if (!candidates.some((c) => c.campaignId === candidate.campaignId && c.vendorId === candidate.vendorId)) candidates.push(candidate);
  };
  const threadIds = message.kind === 'bounce' ? [message.bounce?.originalMessageId ?? ''] : message.refersTo;
  for (const id of threadIds) {
    const parsed = id ? parseEngagementMessageId(id, context.domain) : undefined;
    if (parsed) {
      add({ campaignId: parsed.campaignId, vendorId: parsed.vendorId, matchedBy: 'thread', answersStep: parsed.step });
      break; // the newest message referred to is the one answered
    }
  }
  // A bounce is matched by the message that bounced, or not at all: its sender and subject are the mail server's.
  if (message.kind === 'bounce') return candidates;
  for (const address of message.recipients) {
    const token = tokenOf(address, context.caseMailbox);
    const found = token ? await context.directory.engagementByToken(token) : undefined;
    if (found) add({ ...found, matchedBy: 'token' });
  }
  if (candidates.length > 0) return candidates;
  for (const reference of referencesIn(message.subject)) {
    const campaign = await context.directory.campaignByReference(reference);
    for (const vendorId of campaign?.vendorIds ?? []) add({ campaignId: campaign!.campaignId, vendorId, matchedBy: 'subject' });
  }
  return candidates;
}
