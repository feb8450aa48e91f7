// The embedded mail sink runs inside `npm start` and the demo: a worker killed in the middle of a
// message resets its connection, and that must not end the process that serves the sink (CI caught
// an uncaught ECONNRESET from the sink while a test SIGKILLed workers mid-send).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';

it('keeps serving after a sender resets its connection in the middle of a message', () => {
  // In a child: the uncaught error ends that process, which a test in vitest's own would not show.
  const child = join(PROJECT_ROOT, 'test', 'helpers', 'sink-reset-child.ts');
  const run = spawnSync(process.execPath, ['--import', 'tsx', child], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).not.toMatch(/ECONNRESET/);
  expect(run.stdout).toContain('received: after the reset');
  expect(run.status).toBe(0);
});
