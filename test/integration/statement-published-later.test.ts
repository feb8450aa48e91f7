// The joint statement approved one day and published a later one, on the time-skipping test server:
// a regulator's statement is dated the day it is issued, and the signatories approved its text, so
// the published PDF is the approved version, signed, with the day of publication and nothing else
// changed. The real campaign workflow and activities, writing to a scratch output folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatDate } from '../../activities/format';
import { renderStatementPdf } from '../../activities/statement';
import { campaign } from '../../workflows';
import { approveStatementUpdate, campaignStatusQuery, draftStatementUpdate, editStatementUpdate, statementDraftQuery, withdrawVendorUpdate } from '../../workflows/messages';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { pdfPageTexts } from '../helpers/pdf';
import { untilFound } from '../helpers/until';
import { useTimeSkipping } from '../helpers/time-skipping';

const DAY = 24 * 3600_000;
const officer = 'Officer Tremblay';

/**
 * Runs an update whose refusal may only mean it was applied already: the time-skipping server can
 * have the client send an update again after taking it (a draft then refused as changing nothing,
 * an approval as already given). `done` says, from the workflow's state, whether it took effect.
 */
async function once(run: () => Promise<unknown>, done: () => Promise<boolean>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(await done())) throw err;
  }
}

describe('the statement published days after its version was drafted and approved', () => {
  let withdrawVendor!: () => void;
  const vendorWithdrawn = new Promise<void>((resolve) => (withdrawVendor = resolve));
  const ts = useTimeSkipping((activities) => ({
    ...activities,
    // Held until the test has withdrawn the vendor: its engagement then never starts, since the
    // test server refuses the search attributes an engagement starts with.
    async storeLetter(request: Parameters<typeof activities.storeLetter>[0]) {
      await vendorWithdrawn;
      return activities.storeLetter(request);
    },
  }));

  it('is dated the day it is published, and otherwise prints the approved version as approved', { timeout: 180_000 }, async () => {
    const id = `later-${randomUUID().slice(0, 8)}`;
    const handle = await ts.testEnv.client.workflow.start(campaign, {
      taskQueue: ts.taskQueue,
      workflowId: campaignWorkflowId(id),
      args: [
        {
          campaign: testCampaign(id),
          vendors: [testVendor('kilo')],
          policy: patientPolicy({ approvalReminderEvery: '2 days' }),
          approval: { kind: 'all' },
          publication: { folder: id, notifyVendors: false },
        },
      ],
    });
    await handle.executeUpdate(withdrawVendorUpdate, { args: [{ by: officer, vendorId: 'kilo', reason: 'Out of scope after all.' }] });
    withdrawVendor();
    await untilFound(() => handle.query(campaignStatusQuery), (s) => s.engagements.every((e) => e.state === 'ended'), 'kilo ended');
    const texts = { en: ['Done.'], fr: ['Fait.'] };
    await handle.executeUpdate(editStatementUpdate, { args: [{ by: officer, conclusions: texts, lessonsLearned: texts }] });
    await once(
      () => handle.executeUpdate(draftStatementUpdate, { args: [{ by: officer }] }),
      async () => (await handle.query(statementDraftQuery, 1)) !== undefined,
    );
    const approved = (await untilFound(() => handle.query(statementDraftQuery, 1), (v) => v !== undefined, 'version 1'))!;
    const draftedAt = await ts.testEnv.currentTimeMs();

    // The signatories take their time: three days on, the second approval publishes it.
    await ts.testEnv.sleep(3 * DAY);
    const approve = (by: string, authorityId: string) =>
      once(
        () => handle.executeUpdate(approveStatementUpdate, { args: [{ by, authorityId, version: 1 }] }),
        async () => {
          const status = await handle.query(campaignStatusQuery);
          return status.phase !== 'approving' || (status.draft?.approvals ?? []).some((a) => a.authorityId === authorityId);
        },
      );
    await approve('Daniel Therrien', 'opc');
    await approve('Adrian Lobsiger', 'fdpic');
    const { published } = await untilFound(() => handle.query(campaignStatusQuery), (s) => s.published !== undefined, 'published');
    const publishedAt = Date.parse(published!.publishedAt);
    expect(Math.floor((publishedAt - draftedAt) / DAY)).toBe(3);

    const issued = new Date(publishedAt).toISOString().slice(0, 10);
    const pdf = readFileSync(join(ts.scratch, 'out', published!.files.en));
    const [first] = await pdfPageTexts(pdf);
    // pdf.js reads the date's no-break spaces as plain ones.
    const day = (iso: string) => formatDate(iso, 'en').replace(/\u00a0/g, ' ');
    expect(first).toContain(`Reference ${testCampaign(id).reference} · ${day(issued)} · Version 1`);
    expect(first).not.toContain(day(approved.date));
    // The signatories were told so on the draft they approved.
    const [draftFirst] = await pdfPageTexts(readFileSync(join(ts.scratch, 'out', id, 'drafts', 'statement-1-draft.en.pdf')));
    expect(draftFirst.replace(/\s+/g, ' ')).toContain(`Draft of ${day(approved.date)} (the published statement bears the date it is issued)`);
    // Nothing else differs from the approved version: signed by both, it prints these very bytes.
    const signatories = testCampaign(id).authorities;
    for (const language of ['en', 'fr'] as const) {
      const bytes = readFileSync(join(ts.scratch, 'out', published!.files[language]));
      const expected = await renderStatementPdf({ ...approved, signatories, date: issued }, language, false);
      expect(Buffer.from(bytes).equals(Buffer.from(expected)), `the published ${language} PDF is the approved version dated ${issued}`).toBe(true);
    }
  });
});
