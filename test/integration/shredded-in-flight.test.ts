// A campaign shredded while one of its activities is still running: the activity's failure cannot be
// encrypted under the destroyed key. The worker must report the activity failed and go on with every
// other campaign's work, never stop.
import { describe, expect, it } from 'vitest';
import { campaignKeyId } from '../../encryption/keystore';
import type { OutgoingMessage } from '../../workflows/types';
import { engagement } from '../../workflows';
import { engagementStatusQuery } from '../../workflows/messages';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';

const env = useDossier();

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('a campaign shredded while its activity runs', () => {
  it('fails the activity whose failure can no longer be encrypted, and the worker goes on with other campaigns', { timeout: 90_000 }, async () => {
    const shredded = env.uniqueId('shredded-mid-send');
    const letterHeld = gate();
    const taskQueue = await env.ownWorker('shredded-in-flight', {
      wrap: (activities) => ({
        ...activities,
        async sendMessage(message: OutgoingMessage) {
          if (message.campaign.id !== shredded) return activities.sendMessage(message);
          await letterHeld.opened;
          throw new Error('the relay hung up');
        },
      }),
    });
    const start = (campaignId: string) =>
      env.client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(campaignId, 'zoom'), args: [engagementInput(campaignId, 'zoom', patientPolicy())] });
    const handle = await start(shredded);
    await until(() => handle.describe(), (d) => (d.raw.pendingActivities?.length ?? 0) > 0, 'the letter being sent');
    await handle.terminate('case over');
    expect(await env.encryption!.keystore.shred(campaignKeyId(shredded))).toBe(true);
    letterHeld.open();

    const other = await start(env.uniqueId('after-shredding'));
    await until(() => other.query(engagementStatusQuery), (s) => s.stage === 'awaiting-response', 'another campaign’s letter sent on the same worker', 30_000);
    // Its queue's worker stops with the file: the case must not wait there for ever.
    await other.terminate('checked');
  });
});
