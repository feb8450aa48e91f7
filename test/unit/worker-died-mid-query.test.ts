// A worker killed while it holds a workflow (its sticky queue) leaves the server dispatching the next
// query to that dead queue; the server answers FAILED_PRECONDITION "no poller seen for task queue
// recently" although another worker polls the ordinary queue, and drops the stickiness. Seen in the
// two-workers CI run: a campaign status read a few seconds after a SIGKILL failed the whole run.
import { ServiceError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { ClientErrorCode, DossierClientError } from '../../client/errors';

function noRecentPoller(): ServiceError {
  const cause = Object.assign(new Error('9 FAILED_PRECONDITION: no poller seen for task queue recently, worker may be down'), {
    code: 9,
    details: 'no poller seen for task queue recently, worker may be down',
  });
  return new ServiceError('Failed to query Workflow', { cause });
}

/** A client whose queue has a poller, and whose first `failures` queries meet the dead sticky queue. */
function clientWithDeadStickyWorker(failures: number, answer: unknown): { client: Client; queries: () => number; deadlines: number[] } {
  let queries = 0;
  const deadlines: number[] = [];
  const handle = {
    describe: async () => ({ status: { name: 'RUNNING' }, taskQueue: 'dossier' }),
    query: async () => {
      queries++;
      // The server answers so only after holding the query a while.
      if (queries <= failures) throw await new Promise((r) => setTimeout(() => r(noRecentPoller()), 15));
      return answer;
    },
  };
  const client = {
    options: { namespace: 'default' },
    workflow: { getHandle: () => handle },
    workflowService: { describeTaskQueue: async () => ({ pollers: [{ identity: '2@host-a' }] }) },
    withDeadline: async <T>(deadline: number, fn: () => Promise<T>) => {
      deadlines.push(deadline);
      return fn();
    },
  } as unknown as Client;
  return { client, queries: () => queries, deadlines };
}

describe('a query that meets the queue of a worker that just died', () => {
  it('asks once more, and the live worker answers the campaign status', async () => {
    const { client, queries } = clientWithDeadStickyWorker(1, { phase: 'approving' });
    const campaigns = new CampaignClient(client, { taskQueue: 'dossier', address: 'test' });
    await expect(campaigns.status('vc')).resolves.toEqual({ phase: 'approving' });
    expect(queries()).toBe(2);
  });

  it('asks once more for an engagement status too', async () => {
    const { client, queries } = clientWithDeadStickyWorker(1, { stage: 'awaiting-response' });
    const engagements = new DossierClient(client, { taskQueue: 'dossier', address: 'test' });
    await expect(engagements.status({ campaignId: 'vc', vendorId: 'zoom' })).resolves.toEqual({ stage: 'awaiting-response' });
    expect(queries()).toBe(2);
  });

  it('says no worker answers when the second answer is the same, without asking a third time', async () => {
    const { client, queries } = clientWithDeadStickyWorker(5, {});
    const campaigns = new CampaignClient(client, { taskQueue: 'dossier', address: 'test' });
    const err = await campaigns.status('vc').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DossierClientError);
    expect((err as DossierClientError).code).toBe(ClientErrorCode.NoWorker);
    expect((err as Error).message).toContain('no worker is polling task queue "dossier"');
    expect(queries()).toBe(2);
  });

  it('keeps the caller’s bound for the whole call: the second asking has the first one’s deadline', async () => {
    const { client, queries, deadlines } = clientWithDeadStickyWorker(1, { phase: 'approving' });
    const campaigns = new CampaignClient(client, { taskQueue: 'dossier', address: 'test' });
    const before = Date.now();
    await campaigns.status('vc', { timeoutMs: 2_000 });
    await new Promise((r) => setTimeout(r, 20));
    await campaigns.vendorsNearSender('vc', 'dpo@zoom.test', { timeoutMs: 2_000 });
    expect(queries()).toBe(3);
    expect(deadlines).toHaveLength(3);
    expect(deadlines[1]).toBe(deadlines[0]);
    expect(deadlines[0]).toBeLessThanOrEqual(before + 2_000 + 5);
  });
});
