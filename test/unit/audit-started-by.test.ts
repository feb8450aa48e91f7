// Starting a campaign is an act like any other: the client records who started it in the campaign's
// input (the workspace's signed-in user, the CLI's identity), and the audit export names them for
// the case opened, rather than the process that sent the request.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { CampaignClient } from '../../client/campaign-api';
import type { CampaignInput } from '../../workflows/types';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';

const lead = 'Léa Tremblay (lea, signed in)';
const input: CampaignInput = { campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: false } };

describe('who started a campaign', () => {
  it('is in the input the client starts the campaign with', async () => {
    const started: unknown[] = [];
    const client = { workflow: { start: async (_type: string, options: { args: unknown[] }) => started.push(...options.args) } } as unknown as Client;
    await new CampaignClient(client, { taskQueue: 'dossier', address: 'test' }).start(input, { by: lead });
    expect(started).toEqual([expect.objectContaining({ startedBy: lead, campaign: expect.objectContaining({ id: 'vc' }) })]);
  });

  it('is who the audit export names for the campaign opened, not the request’s process', async () => {
    const history = [
      {
        eventId: 1,
        eventTime: { seconds: Long.fromNumber(1_790_000_000), nanos: 0 },
        workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, identity: '4242@web-01', input: { payloads: [defaultPayloadConverter.toPayload({ ...input, startedBy: lead, revision: 7 })] } },
      },
    ];
    const reader = {
      options: { namespace: 'default', loadedDataConverter: loadDataConverter() },
      workflowService: { listWorkflowExecutions: async () => ({ executions: [] }) },
      workflow: { getHandle: () => ({ fetchHistory: async () => ({ events: history }) }) },
    } as unknown as Client;
    const [opened] = (await collectAuditTrail(reader, { campaignId: 'vc' })).events;
    expect([opened!.kind, opened!.actor]).toEqual(['case-opened', lead]);
    expect(opened!.detail).not.toContain('startedBy');
  });
});
