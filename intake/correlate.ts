// Which engagement a message from the case mailbox belongs to, in order of trust: the threading
// headers (In-Reply-To/References naming a Message-ID Dossier derived; for a relay's report, a
// bounce or a delay, the ID of the message it concerns), then the reply token of the address it was sent to (`case+<token>@…`), then the
// case reference in the subject (`[OPC-2020-VC]`), which names a campaign but not a vendor: every
// engagement of that campaign is a candidate, and the engagement's own rule (the sender must be
// its vendor's) picks one or none. Candidates are only proposals; the workflow decides. A message
// that names its engagement (thread or token) is proposed to that one alone: if it refuses (the
// case has ended), the message is held for an officer rather than offered to the campaign's other
// vendors, one of which may share the sender's domain. A message named by its subject alone, whose
// sender could be more than one of those vendors' (two products of one company share a domain), is
// held for an officer rather than recorded on whichever vendor is offered it first; the campaign's
// ended engagements are weighed too, so mail from an ended vendor's own address, which names its
// campaign alone, is held saying that case has ended instead of going to a vendor at its domain.
import { parseEngagementMessageId, tokenOf } from '../activities/threading';
import { vendorsOfSender } from '../workflows/inbox-rules';
import type { Contact, InboundMatch, InboundMessage } from '../workflows/types';
import type { ReadMessage } from './read-message';

export interface Candidate {
  campaignId: string;
  vendorId: string;
  matchedBy: InboundMatch;
  /** The step of Dossier's message it answers (thread), or that bounced. */
  answersStep?: string;
  /**
   * An engagement of the campaign its subject names that has ended: proposed only to be weighed by
   * its vendor's addresses (bySender), so that its vendor's mail is not recorded on another vendor
   * at the same domain. Offered, it refuses, and the message is held saying the case has ended.
   */
  ended?: boolean;
}

/** What the intake looks up in Temporal (intake/directory.ts), behind an interface for unit tests. */
export interface Directory {
  /**
   * The engagement whose reply token this is: a running one, or one, ended too, of the campaigns
   * named by these case references (the subject's), whose vendors the message would otherwise go to.
   */
  engagementByToken(token: string, references: string[]): Promise<{ campaignId: string; vendorId: string } | undefined>;
  /** The running campaign with this case reference, its engagements still in progress, and those that ended (when known). */
  campaignByReference(reference: string): Promise<{ campaignId: string; vendorIds: string[]; endedVendorIds?: string[] } | undefined>;
  /** The vendor of an engagement, with the addresses its rules accept mail from (absent when it does not say). */
  vendorOf(engagement: { campaignId: string; vendorId: string }): Promise<{ name: string; contacts?: Contact[] }>;
  /**
   * The steps of the messages Dossier sent on an engagement (`letter`, `reminder-1`…), whose copies
   * the document store keeps: a vendor forwarding one sends Dossier's own letter back. Absent: none known.
   */
  sentSteps?(engagement: { campaignId: string; vendorId: string }): Promise<string[]>;
  /**
   * In one read of the engagement: the steps of `sentSteps`, and the review of each message it has
   * already recorded, by Message-ID (a message arriving again is one of them). Preferred to
   * `sentSteps` when present.
   */
  engagementMail?(engagement: { campaignId: string; vendorId: string }): Promise<EngagementMail>;
}

export interface EngagementMail {
  sentSteps: string[];
  recorded: Map<string, InboundMessage['review']>;
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
  // A relay's report (a bounce, or a delay while it retries) names the message it concerns only in its copy of that message's headers.
  const report = message.kind === 'bounce' ? { originalMessageId: message.bounce?.originalMessageId } : message.delivery;
  const threadIds = report ? [report.originalMessageId ?? ''] : message.refersTo;
  for (const id of threadIds) {
    const parsed = id ? parseEngagementMessageId(id, context.domain) : undefined;
    if (parsed) {
      add({ campaignId: parsed.campaignId, vendorId: parsed.vendorId, matchedBy: 'thread', answersStep: parsed.step });
      break; // the newest message referred to is the one answered
    }
  }
  // A report is matched by the message it concerns, or not at all: its sender and subject are the mail server's.
  if (report) return candidates;
  const references = referencesIn(message.subject);
  for (const address of message.recipients) {
    const token = tokenOf(address, context.caseMailbox);
    const found = token ? await context.directory.engagementByToken(token, references) : undefined;
    if (found) add({ ...found, matchedBy: 'token' });
  }
  if (candidates.length > 0) return candidates;
  for (const reference of references) {
    const campaign = await context.directory.campaignByReference(reference);
    for (const vendorId of campaign?.vendorIds ?? []) add({ campaignId: campaign!.campaignId, vendorId, matchedBy: 'subject' });
    for (const vendorId of campaign?.endedVendorIds ?? []) add({ campaignId: campaign!.campaignId, vendorId, matchedBy: 'subject', ended: true });
  }
  return candidates;
}

/** What becomes of the candidates once the sender is weighed: those to offer it to, or the vendors it could be from. */
export type BySender =
  /** `unweighed`: an ended engagement could not say its contacts, so the sender may be its vendor's. */
  { candidates: Candidate[]; unweighed?: true } | { ambiguous: { campaignId: string; vendors: string[] } };

/**
 * Narrows a message named by its subject alone to the vendor its sender's address identifies. Each
 * engagement accepts mail from its vendor's domain, so offering it to every candidate in turn would
 * record it on the first of two vendors that share a domain (a sender under a vendor's domain is
 * offered to that vendor alone, which holds it for an officer). A thread or a
 * reply token names one engagement already, and a lone candidate decides for itself: neither is
 * looked up.
 */
export async function bySender(message: ReadMessage, candidates: Candidate[], directory: Directory): Promise<BySender> {
  if (candidates.length < 2 || candidates.some((c) => c.matchedBy !== 'subject')) return { candidates };
  // An ended engagement that cannot say its contacts (its campaign shredded, its history gone) is left out of the weighing.
  const looked = await Promise.all(
    candidates.map(async (candidate) => {
      const vendor = candidate.ended ? await directory.vendorOf(candidate).catch(() => undefined) : await directory.vendorOf(candidate);
      return vendor ? [{ candidate, ...vendor }] : [];
    }),
  );
  const possible = vendorsOfSender(message.from ?? '', looked.flat());
  // Nobody's: each engagement refuses it in its own words, and it is held with them.
  if (possible.length === 0) return { candidates, ...(looked.some((found) => found.length === 0) ? { unweighed: true as const } : {}) };
  if (possible.length === 1) return { candidates: [possible[0].candidate] };
  // Named in a steady order: the visibility list that offered them has none.
  return { ambiguous: { campaignId: possible[0].candidate.campaignId, vendors: possible.map((v) => v.name).sort((a, b) => a.localeCompare(b)) } };
}
