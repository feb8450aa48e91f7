// Replies that came after a case ended, on that case's record. The engagement's workflow is closed
// and takes no update (nor should it: the case must not reopen or remind), so an officer's attaching
// one from the holding pen keeps it sealed in the document store (intake/intake.ts attachLate); every
// reader of the record (the workspace's engagement and mail pages, the CLI's `engagement show`,
// `replies` and `documents`) reads the workflow's status and these together, through `withLateReplies`;
// a statement draft tells the campaign when each non-responder's came (`campaignLateReplyReader`).
import type { CaseDocuments } from '../documents/document-store';
import type { EngagementStatus, LateReplyReceived } from '../workflows/messages';
import { LATE_REPLY_RECEIVED } from '../workflows/timeline';
import type { InboundMessage, LateReply } from '../workflows/types';
import type { EngagementRef } from './api';

/** The late replies attached to an engagement's record, oldest first. */
export type LateReplyReader = (ref: EngagementRef) => Promise<LateReply[]>;

/** Reads them through `documents`, given or opened on first use (a page that shows no record opens nothing). */
export function lateReplyReader(documents: Pick<CaseDocuments, 'lateReplies'> | (() => Pick<CaseDocuments, 'lateReplies'>)): LateReplyReader {
  let opened = typeof documents === 'function' ? undefined : documents;
  return (ref) => {
    opened ??= (documents as () => Pick<CaseDocuments, 'lateReplies'>)();
    return opened.lateReplies(ref.campaignId, ref.vendorId);
  };
}

/** When each listed vendor's late replies were received (vendors with none are left out), as a statement draft tells the campaign. */
export type CampaignLateReplyReader = (campaignId: string, vendorIds: readonly string[]) => Promise<LateReplyReceived[]>;

/** Reads them through `documents`, opened on first use, in one listing of the campaign's store. */
export function campaignLateReplyReader(documents: () => Pick<CaseDocuments, 'lateRepliesOf'>): CampaignLateReplyReader {
  let opened: Pick<CaseDocuments, 'lateRepliesOf'> | undefined;
  return async (campaignId, vendorIds) => {
    opened ??= documents();
    const found = await opened.lateRepliesOf(campaignId, vendorIds);
    return [...found].flatMap(([vendorId, replies]) => replies.map((r) => ({ vendorId, receivedAt: r.receivedAt })));
  };
}

/**
 * The engagement's record with its late replies: each a message received (review `late`) and an entry
 * of the timeline, dated when it was attached, saying when it came. The stage and everything else is
 * the workflow's, as it ended. A reply the case itself recorded is not added twice.
 */
export function withLateReplies(status: EngagementStatus, replies: readonly LateReply[]): EngagementStatus {
  const recorded = new Set((status.inbox ?? []).map((m) => m.messageId));
  const late = replies.filter((r) => !recorded.has(r.messageId));
  if (!late.length) return status;
  return {
    ...status,
    inbox: [...(status.inbox ?? []), ...late.map(asReceived)],
    timeline: [
      ...status.timeline,
      ...late.map((r) => ({
        at: r.attachedAt,
        by: r.attachedBy,
        what: LATE_REPLY_RECEIVED,
        detail: `on ${r.receivedAt}: ${r.from}: ${r.subject}${r.documents.length ? ` (${r.documents.length} document(s))` : ''}`,
      })),
    ],
  };
}

function asReceived(reply: LateReply): InboundMessage {
  return {
    messageId: reply.messageId,
    from: reply.from,
    ...(reply.fromName ? { fromName: reply.fromName } : {}),
    subject: reply.subject,
    receivedAt: reply.receivedAt,
    recordedAt: reply.attachedAt,
    kind: 'reply',
    matchedBy: 'officer',
    ...(reply.answersStep ? { answersStep: reply.answersStep } : {}),
    text: reply.text,
    ...(reply.language ? { language: reply.language } : {}),
    documents: reply.documents,
    notes: reply.notes,
    ...(reply.noteCodes ? { noteCodes: reply.noteCodes } : {}),
    review: 'late',
    reviewedBy: reply.attachedBy,
    assignedBy: reply.attachedBy,
  };
}
