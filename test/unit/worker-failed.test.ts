// A worker that fails while it runs (the SDK logs "Worker failed: …") ends `npm start` with a line
// that says so and what to do, not with the SDK's "Worker still in use: Expected 1 reference, but got
// 3", which it throws while finalizing a worker whose polls were still in flight.
import { describe, expect, it } from 'vitest';
import { startUpFailureMessage, workerFailed } from '../../worker/start-up-errors';
import { errorCode } from '../../workflows/errors';

describe('the line npm start ends with when its worker failed', () => {
  it('says the worker stopped on the error logged above and everything was stopped, keeping the SDK’s words as a detail', () => {
    const message = startUpFailureMessage(workerFailed(new Error('Worker still in use: Expected 1 reference, but got 3')));
    expect(message).toMatch(/^The worker stopped on an error, logged above as "Worker failed: …"; everything this process started was stopped\. Fix what that line names/);
    expect(message).toContain('Worker still in use');
    expect(errorCode(workerFailed(new Error('x')))).toBe('WorkerFailed');
  });
});
