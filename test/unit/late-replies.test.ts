// The record of an ended case with the replies attached to it late (client/late-replies.ts): the
// workflow's status as it ended, plus each reply as a message received and a timeline entry.
import { describe, expect, it } from 'vitest';
import { withLateReplies } from '../../client/late-replies';
import { readTimelineEntry } from '../../workflows/timeline';
import type { LateReply } from '../../workflows/types';
import { engagementStatusOf } from '../helpers/fixtures';

const document = { id: 'd1', name: 'late-response.pdf', type: 'application/pdf', size: 48, sha256: 'f'.repeat(64) };
const late: LateReply = {
  messageId: '<late@houseparty.test>',
  from: 'privacy@houseparty.test',
  subject: 'Re: Open letter',
  receivedAt: '2026-12-01T09:00:00.000Z',
  text: 'Our response, with apologies for the delay.',
  documents: [document],
  notes: [],
  attachedBy: 'Officer Tremblay',
  attachedAt: '2026-12-02T10:00:00.000Z',
  stage: 'closed-no-response',
};

describe('an ended case’s record with its late replies', () => {
  it('adds each as a message received late and a timeline entry saying when it came, leaving the stage as it ended', () => {
    const ended = engagementStatusOf('vc', 'houseparty', { stage: 'closed-no-response', timeline: [{ at: '2026-11-20T00:00:00.000Z', by: 'dossier', what: 'closed: no response', detail: 'due 2026-11-10' }] });
    const record = withLateReplies(ended, [late]);
    expect(record.stage).toBe('closed-no-response');
    expect(record.inbox).toEqual([expect.objectContaining({ messageId: late.messageId, review: 'late', receivedAt: late.receivedAt, recordedAt: late.attachedAt, documents: [document], assignedBy: 'Officer Tremblay' })]);
    expect(record.timeline).toHaveLength(2);
    expect(readTimelineEntry(record.timeline[1]!)).toEqual({ code: 'late-reply-received', date: late.receivedAt, text: 'privacy@houseparty.test: Re: Open letter', documents: 1 });
    expect(ended.inbox).toBeUndefined();
  });

  it('adds nothing the case recorded itself, and leaves a record without late replies as it is', () => {
    const ended = engagementStatusOf('vc', 'houseparty', { stage: 'withdrawn' });
    expect(withLateReplies(ended, [])).toBe(ended);
    const recorded = { ...ended, inbox: [{ ...late, recordedAt: late.attachedAt, kind: 'reply' as const, matchedBy: 'thread' as const, review: 'dismissed' as const }] };
    expect(withLateReplies(recorded, [late])).toBe(recorded);
  });
});
