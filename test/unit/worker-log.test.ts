// The worker's log as an operator reads it during an outage: each failure one line, saying what is
// wrong (the database by name), not a stack; the core's failures, which quote every stack, likewise.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';
import { logLine } from '../../worker/log-line';

describe('the worker\'s log', () => {
  it('writes a failure on the shared store as one line naming the database, and keeps the fields the SDK prints', { timeout: 60_000 }, async () => {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'log-child.ts')], { cwd: PROJECT_ROOT });
    const lines = stderr.trimEnd().split('\n');
    // Counted, not quoted: a stack in an assertion's message is read by vitest as the test's own.
    expect(lines.filter((l) => /^\s+at /.test(l)).length, 'stack lines').toBe(0);
    expect(lines.length, 'lines').toBe(2);
    expect(lines[0]).toMatch(
      /^\S+Z \[ERROR\] Failed to process Workflow Activation: StoreUnavailable: PostgreSQL at postgres:\/\/dossier@db\.test:5432\/dossier is unreachable: connect ECONNREFUSED 127\.0\.0\.1:5432 \{.*workflowId: 'engagement:c:zoom'.*\}$/,
    );
    expect(lines[1]).toMatch(/\[INFO\] Worker state changed \{.*state: 'RUNNING'.*\}$/);
  });

  it('gives a failure the core reports, stacks and all, as its first sentence on one line', () => {
    const failure =
      'Failure { failure: Some(Failure { message: "PostgreSQL at postgres://dossier@db.test:5432/dossier ended the connection (SQLSTATE 57P01): terminating connection due to administrator command", source: "TypeScriptSDK", stack_trace: "StoreUnavailable: PostgreSQL at …\\n    at unavailable (/srv/dossier/store/postgres.ts:120:12)", cause: None }) }';
    const line = logLine({ level: 'WARN', message: 'Failing workflow task', meta: { sdkComponent: 'core', run_id: '01a2', failure }, timestampNanos: 1_796_000_000_000_000_000n });
    expect(line).toBe(
      "2026-11-30T00:53:20.000Z [WARN] Failing workflow task: PostgreSQL at postgres://dossier@db.test:5432/dossier ended the connection (SQLSTATE 57P01): terminating connection due to administrator command { sdkComponent: 'core', run_id: '01a2' }",
    );
  });
});
