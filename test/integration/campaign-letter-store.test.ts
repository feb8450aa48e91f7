// A campaign keeps its letter once in the published files, and its engagements carry a reference to
// it. When the files are out of reach, the engagements used to carry the letter themselves whatever
// its size: ten vendors of a 496 KB letter then started in one workflow task of 9.9 MB (each start
// and each letter copy carrying the letter), which Temporal refuses, and the server terminated the
// campaign. Now it waits for the files, says why, and answers an officer who withdraws a vendor meanwhile.
import { describe, expect, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import type { CampaignStatus } from '../../workflows/messages';
import type { CampaignInput } from '../../workflows/types';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { untilFound } from '../helpers/until';

const env = useDossier();

/** A worker of this file's own whose published files refuse the letter until `store.up` is set; its task queue. */
function workerWithFlakyStore(store: { up: boolean; refused: number }): Promise<string> {
  return env.ownWorker('flaky-store', {
    wrap: (activities) => ({
      ...activities,
      async storeLetter(request: Parameters<typeof activities.storeLetter>[0]) {
        if (!store.up) {
          store.refused++;
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432 (the published files, in this test)');
        }
        return activities.storeLetter(request);
      },
    }),
  });
}

describe('a campaign whose letter the published files cannot keep yet', () => {
  it('waits for the files when its engagements cannot carry the letter, says so, and starts them with a reference once it is kept, and mails the statement only to the vendors that had the letter', { timeout: 240_000 }, async () => {
    const store = { up: false, refused: 0 };
    const taskQueue = await workerWithFlakyStore(store);
    const campaigns = new CampaignClient(env.client, { taskQueue, address: 'test' });

    const id = env.uniqueId('unkept');
    const vendors = Array.from({ length: 10 }, (_, i) => testVendor(`v${i}`));
    // 95,000 characters a language, three bytes each in UTF-8 but the spaces: about 250 KB a language.
    const paragraph = (n: number) => `${n}. ${'€€€€ '.repeat(3_799)}`;
    const input: CampaignInput = {
      campaign: { ...testCampaign(id), letterBody: { en: [1, 2, 3, 4, 5].map(paragraph), fr: [1, 2, 3, 4, 5].map(paragraph) } },
      vendors,
      policy: { ...patientPolicy(), letterKeptWithin: '5s' },
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: true },
    };
    const letterBytes = Buffer.byteLength(JSON.stringify(input.campaign.letterBody));
    expect(letterBytes * vendors.length, 'ten inputs carrying the letter would pass the 4 MB of one workflow task').toBeGreaterThan(4.5 * 1024 * 1024);
    await campaigns.start(input);
    const handle = env.client.workflow.getHandle(campaignWorkflowId(id));
    // An officer withdrawing a vendor before anything went out is answered at once, while the letter
    // is still being kept (it used to wait for the engagement's start, for as long as the store was down).
    const withdraw = async (vendorId: string) => {
      const asked = Date.now();
      const withdrawn = await campaigns.withdrawVendor(id, { by: 'Officer Tremblay', vendorId, reason: 'Out of scope after all.' });
      expect(withdrawn.withdrawal?.by).toBe('Officer Tremblay');
      expect(Date.now() - asked, `withdrawing ${vendorId}`).toBeLessThan(10_000);
      // It never started, so it ends at once.
      expect(withdrawn).toMatchObject({ state: 'ended', outcome: { stage: 'withdrawn' } });
    };
    try {
      // Within letterKeptWithin, once the campaign lists its vendors.
      await untilFound(() => campaigns.status(id), (s) => s.engagements.length === vendors.length, 'the vendors listed');
      await withdraw('v8');
      // Past letterKeptWithin, the store still down: the status says why nothing has started.
      const waiting = await untilFound(() => campaigns.status(id), (s: CampaignStatus) => s.letterNotKept !== undefined, 'the campaign to say it waits for the files');
      expect(waiting.letterNotKept?.error).toMatch(/^connect ECONNREFUSED .*the published files, in this test/);
      expect(waiting.letterNotKept?.problem).toMatch(/^the letter makes each engagement's input 49\d KB, sent twice in the workflow task that starts it \(its start and the letter's copy\), and the campaign starts 9 in one task, which Temporal refuses over 4 MB/);
      expect(waiting.engagements.map((e) => e.vendorId)).toEqual(vendors.map((v) => v.id));
      // The workspace's board shows it too.
      expect((await campaigns.board(id)).letterNotKept).toEqual(waiting.letterNotKept);
      const history = async () => (await handle.fetchHistory()).events ?? [];
      expect((await history()).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toHaveLength(0);
      expect(store.refused).toBeGreaterThanOrEqual(1);
      await withdraw('v9');

      store.up = true;
      // The two withdrawn before they started never start.
      const remaining = vendors.filter((v) => v.id !== 'v8' && v.id !== 'v9');
      const events = await untilFound(history, (e) => e.filter((x) => x.childWorkflowExecutionStartedEventAttributes).length === remaining.length, 'every other engagement started');
      const payloadBytes = (payloads: { data?: Uint8Array | null }[] | null | undefined) => (payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
      const starts = events.flatMap((e) => (e.startChildWorkflowExecutionInitiatedEventAttributes ? [payloadBytes(e.startChildWorkflowExecutionInitiatedEventAttributes.input?.payloads)] : []));
      for (const bytes of starts) expect(bytes).toBeLessThan(letterBytes / 10);
      expect((await campaigns.status(id)).letterNotKept).toBeUndefined();
      expect((await campaigns.board(id)).letterNotKept).toBeUndefined();

      // Every vendor still in the campaign gets the whole letter, read back from the files; the two
      // withdrawn end so, with nothing sent to them.
      const letters = await env.sink.waitFor(remaining.length, (m) => (m.messageId ?? '').startsWith('<letter.') && (m.messageId ?? '').includes(id), 120_000);
      expect(new Set(letters.flatMap((m) => m.to))).toEqual(new Set(remaining.map((v) => v.contacts[0]!.email)));
      const status = await campaigns.status(id);
      for (const vendorId of ['v8', 'v9']) {
        expect(status.engagements.find((e) => e.vendorId === vendorId)).toMatchObject({ state: 'ended', outcome: { stage: 'withdrawn' } });
      }
      expect(env.sink.messages.filter((m) => (m.messageId ?? '').includes(id) && (m.to.includes('privacy@v8.test') || m.to.includes('privacy@v9.test')))).toEqual([]);
      for (const vendorId of ['v8', 'v9']) {
        expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId?.endsWith(`:${vendorId}`))).toEqual([]);
      }

      // Published, the statement goes to every vendor that had the letter, and not to the two that
      // never did: it would be the first they heard of the campaign.
      const officer = 'Officer Tremblay';
      await campaigns.editStatement(id, { by: officer, conclusions: { en: ['Reviewed in part.'], fr: ['Examinées en partie.'] }, lessonsLearned: { en: ['Keep the letter.'], fr: ['Garder la lettre.'] } });
      await campaigns.draftStatement(id, officer, remaining.map((v) => ({ vendorId: v.id, action: 'exclude' as const, reason: { en: 'Out of time.', fr: 'Hors délai.' } })));
      await untilFound(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft', 120_000);
      await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
      await campaigns.approve(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 });
      const statementNotice = (m: { messageId?: string }) => (m.messageId ?? '').startsWith('<statement-notice-') && (m.messageId ?? '').includes(`.campaign.${id}@`);
      // The two authorities' notices and the vendors' go out before the campaign says it is published.
      await untilFound(() => campaigns.status(id), (s) => s.phase === 'published', 'the publication', 120_000);
      const noticed = new Set(env.sink.messages.filter(statementNotice).flatMap((m) => m.to));
      expect(env.sink.messages.filter(statementNotice)).toHaveLength(remaining.length + 2);
      for (const vendor of remaining) expect(noticed, vendor.id).toContain(vendor.contacts[0]!.email);
      expect(noticed).not.toContain('privacy@v8.test');
      expect(noticed).not.toContain('privacy@v9.test');
    } finally {
      await handle.terminate('test over').catch(() => undefined); // published, it has ended
    }
  });
});
