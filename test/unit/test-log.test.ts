// Expected activity failures in a green test run: counted and summed up in one labelled line per
// file, not printed as the SDK's WARN blocks that read as failures.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { TestRunLog } from '../helpers/test-log';

const failure = (type: string) => ({
  level: 'WARN' as const,
  message: 'Activity failed',
  timestampNanos: 0n,
  meta: { activityType: 'sendMessage', error: ApplicationFailure.retryable('relay down', type) },
});

describe('the test run log', () => {
  it('counts activity failures instead of printing them, and sums them up in one labelled line', () => {
    const written: string[] = [];
    const log = new TestRunLog((line) => written.push(line), false);
    log.accept(failure('RelayFault'));
    log.accept(failure('RelayFault'));
    log.accept(failure('RecipientRejected'));
    expect(written).toEqual([]);
    log.printSummary('test/integration/correspondence.test.ts');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\[expected\] test\/integration\/correspondence\.test\.ts: 3 activity failure\(s\)/);
    expect(written[0]).toContain('sendMessage: RelayFault ×2');
    expect(written[0]).toContain('sendMessage: RecipientRejected ×1');
    expect(written[0]!.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints a failed workflow at once, on one labelled line naming it, apart from the activities\' count', () => {
    const written: string[] = [];
    const log = new TestRunLog((line) => written.push(line), false);
    log.accept({
      level: 'WARN',
      message: 'Workflow failed',
      timestampNanos: 0n,
      meta: { workflowType: 'campaign', workflowId: 'campaign:c1', error: ApplicationFailure.nonRetryable('the relay turned it away', 'RecipientDeferred') },
    });
    expect(written).toEqual(['[workflow failed] campaign campaign:c1: RecipientDeferred: the relay turned it away\n']);
    log.printSummary('campaign.test.ts');
    expect(written).toHaveLength(1);
  });

  it('prints nothing for a file where no activity failed', () => {
    const written: string[] = [];
    new TestRunLog((line) => written.push(line), false).printSummary('quiet.test.ts');
    expect(written).toEqual([]);
  });
});
