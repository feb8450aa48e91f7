import { describe, expect, it } from 'vitest';
import { engagement } from '../../workflows';
import { engagementStatusQuery } from '../../workflows/messages';
import { useDossier } from '../helpers/harness';
import { engagementInput } from '../helpers/fixtures';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

describe('foundation: real Temporal server and real SMTP', () => {
  const env = useDossier();

  it('delivers the open letter over SMTP when a client starts an engagement', async () => {
    const campaignId = env.uniqueId('found');
    const input = engagementInput(campaignId, 'zoom');
    const workflowId = engagementWorkflowId(campaignId, 'zoom');
    const handle = await env.client.workflow.start(engagement, { taskQueue: env.taskQueue, workflowId, args: [input] });

    const [mail] = await env.sink.waitFor(1);
    const [parsed] = await env.parsed([mail]);
    expect(mail.to).toEqual(['privacy@zoom.test']);
    expect(parsed.subject).toContain(input.campaign.reference);
    expect(parsed.messageId).toContain('letter.engagement');
    expect((await handle.query(engagementStatusQuery)).stage).toBe('awaiting-response');
    await handle.terminate('test over');
  });
});
