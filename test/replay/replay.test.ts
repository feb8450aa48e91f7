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

describe('saved histories replay against the current workflow code', () => {
  beforeAll(quietRuntime);

  it('has histories of every workflow type to replay', () => {
    const types = files.map((f) => f.split('-')[0]);
    expect(new Set(types)).toEqual(new Set(['campaign', 'engagement']));
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(folder, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
