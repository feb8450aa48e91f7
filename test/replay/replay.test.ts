// Histories of real engagement and campaign runs (recorded by `npm run record-histories`) replayed
// against the current workflow code: a change that would break cases already in flight fails here.
// To change a workflow with running cases, guard the new behaviour with `patched()` (see README).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { quietRuntime } from '../helpers/harness';

const folder = join(__dirname, 'histories');
const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();

/** The patches a saved history recorded a marker of (`patched()` on its first run). */
function patchesIn(file: string): string[] {
  const { events } = JSON.parse(readFileSync(join(folder, file), 'utf8')) as {
    events: { markerRecordedEventAttributes?: { details?: Record<string, { payloads?: { data?: string }[] }> } }[];
  };
  return events.flatMap((event) => {
    const data = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    return data === undefined ? [] : [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id];
  });
}

describe('saved histories replay against the current workflow code', () => {
  beforeAll(quietRuntime);

  it('has histories of every workflow type to replay', () => {
    const types = files.map((f) => f.split('-')[0]);
    expect(new Set(types)).toEqual(new Set(['campaign', 'engagement', 'officerDigest']));
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  // A patch only guards the histories that went through it: each of these has one recorded with it
  // on (scripts/record-race-histories.ts <name>), so a change that breaks the patched branch fails.
  it.each([
    ['reminders-wait-out-review', 'engagement-reminders-wait-out-review-2026-11-30.json'],
    ['round-reminders-wait-for-review', 'engagement-round-reminders-wait-for-review-2026-11-30.json'],
    ['statement-approvals-kept-as-printed', 'campaign-statement-approvals-kept-as-printed-2026-11-30.json'],
    ['digest-past-refusal', 'officerDigest-past-refusal-2026-11-30.json'],
    ['statement-dated-at-publication', 'campaign-statement-dated-at-publication-2026-11-30.json'],
    ['letter-copies-filed', 'campaign-letter-copies-filed-2026-11-30.json'],
    ['letter-copy-filed-by-engagement', 'engagement-letter-copy-filed-by-engagement-2026-12-01.json'],
    ['letter-copy-on-board', 'engagement-letter-copy-on-board-2026-12-01.json'],
    ['letter-copy-off-board-once-cancelled', 'engagement-letter-copy-off-board-once-cancelled-2026-12-01.json'],
  ])('has a history that went through patch %s (%s)', (patch, file) => {
    expect(files).toContain(file);
    expect(patchesIn(file)).toContain(patch);
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(folder, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
