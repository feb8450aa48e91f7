import { describe, expect, inject, it } from 'vitest';
import { createDossierWorker } from '../../worker/worker';
import { until } from '../helpers/until';
import { msToTs } from '@temporalio/common/lib/time';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { DOSSIER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
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
    // The mail server has the letter a moment before the worker records the send.
    await until(() => handle.query(engagementStatusQuery), (s) => s.stage === 'awaiting-response', 'the letter recorded as sent');
    await handle.terminate('test over');
  });

  it('refuses to start a worker on a namespace that lacks Dossier’s search attributes or holds one with another type, naming them and the command that registers them', async () => {
    const namespace = env.uniqueId('bare');
    await env.client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    // A new namespace takes a moment to be known to every service of the server.
    await until(
      () => env.client.workflowService.describeNamespace({ namespace }).then(() => true, () => false),
      (known) => known,
      `namespace ${namespace}`,
    );
    const refused = createDossierWorker({ ...env.config, temporal: { ...env.config.temporal, namespace } }, { workflowBundle: { codePath: inject('workflowBundlePath') } });
    await expect(refused).rejects.toThrow(`namespace "${namespace}" lacks Dossier's search attributes DossierStage, DossierNextDeadline`);
    await expect(refused).rejects.toThrow(`temporal operator search-attribute create --namespace ${namespace} --name DossierStage --type Keyword`);
    await expect(refused).rejects.toThrow('--name DossierNextActionAt --type Datetime');

    // Registered, but one of them as a keyword where Dossier upserts a date: refused as well, naming it.
    const { IndexedValueType } = temporal.api.enums.v1;
    const searchAttributes = Object.fromEntries(
      DOSSIER_SEARCH_ATTRIBUTES.map((key) => [key.name, key.name === 'DossierNextActionAt' ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD : encodeSearchAttributeIndexedValueType(key.type)!]),
    );
    await env.client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    const mistyped = createDossierWorker({ ...env.config, temporal: { ...env.config.temporal, namespace } }, { workflowBundle: { codePath: inject('workflowBundlePath') } });
    await expect(mistyped).rejects.toThrow(`namespace "${namespace}" holds Dossier's search attributes with other types (DossierNextActionAt is Keyword, Dossier needs Datetime)`);
  });
});
