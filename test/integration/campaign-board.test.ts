// The workspace's board asks a campaign for its phase and vendors' names (`campaignBoard`). A
// campaign still served by a worker from before that query answers only its status: the board then
// reads the names from the status, on the real server, instead of failing.
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import type { CampaignInput } from '../../workflows/types';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { campaign as olderCampaign } from './older-campaign-workflows';

const env = useDossier();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe('the board of a campaign on an older worker', () => {
  it('names its vendors from the status when the campaign does not know the board query', { timeout: 120_000 }, async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'older-campaign-workflows.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    const taskQueue = `${env.taskQueue}-older`;
    const connection = await NativeConnection.connect(env.config.temporal.connectionOptions);
    const worker = await Worker.create({
      connection,
      namespace: env.config.temporal.namespace,
      taskQueue,
      workflowBundle: { code },
      dataConverter: env.config.encryption?.dataConverter,
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
      await connection.close();
    });

    const id = env.uniqueId('older');
    const input: CampaignInput = {
      campaign: testCampaign(id),
      vendors: [testVendor('alpha', { name: 'Alpha Inc.' }), testVendor('beta', { name: 'Bêta SA' })],
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    };
    const handle = await env.client.workflow.start(olderCampaign, { taskQueue, workflowId: campaignWorkflowId(id), args: [input] });
    try {
      // The board asks for a poller first (requireWorker): the worker just started may not poll yet.
      await expect
        .poll(async () => (await env.client.workflowService.describeTaskQueue({ namespace: env.config.temporal.namespace, taskQueue: { name: taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW })).pollers?.length ?? 0, { timeout: 30_000, interval: 100 })
        .toBeGreaterThan(0);
      const board = await new CampaignClient(env.client, { taskQueue, address: 'test' }).board(id);
      expect(board).toEqual({
        campaignId: id,
        reference: input.campaign.reference,
        phase: 'engaging',
        engagementCount: 2,
        vendorNames: { alpha: 'Alpha Inc.', beta: 'Bêta SA' },
      });
    } finally {
      await handle.terminate('test over');
    }
  });
});
