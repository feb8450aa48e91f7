// Engagements the lead closed or excluded at drafting end withdrawn (the campaign's signal is a
// withdrawal); every place that shows their stage says what the lead decided, as the statement does.
import { describe, expect, it } from 'vitest';
import { asDecidedByLead, collectAuditTrail, type AuditEvent } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { cliWords } from '../../client/cli-words';
import { ClientErrorCode, DossierClientError } from '../../client/errors';
import { renderSummaries, withDecidedStages } from '../../client/commands/search';
import { boardRows } from '../../web/pages';
import { loadViews } from '../../web/views';
import { CampaignCase } from '../../workflows/campaign-state';
import { stageAsDecided } from '../../workflows/campaign-rules';
import type { CampaignInput } from '../../workflows/types';
import { fastPolicy, listedEngagement, testCampaign, testVendor } from '../helpers/fixtures';
import { at, payloads, serverKeeping } from '../helpers/audit-history';
import { pdfPageTexts } from '../helpers/pdf';
import { defaultPayloadConverter } from '@temporalio/common';

const summary = listedEngagement;
const found = [summary('microsoft', 'withdrawn'), summary('google', 'withdrawn'), summary('gone', 'withdrawn'), summary('zoom', 'concluded')];
const endedByLead = { microsoft: 'close', google: 'exclude' } as const;

describe('an engagement the lead closed or excluded', () => {
  it('reads as the lead decided only when it ended withdrawn', () => {
    expect(stageAsDecided('withdrawn', 'close')).toBe('closed-by-lead');
    expect(stageAsDecided('withdrawn', 'exclude')).toBe('excluded');
    expect(stageAsDecided('withdrawn', undefined)).toBe('withdrawn');
    // It ended otherwise before the decision took effect: its own outcome stands, as in the statement.
    expect(stageAsDecided('concluded', 'close')).toBe('concluded');
  });

  it('is listed by the campaign’s board query with the lead’s decision', () => {
    const input: CampaignInput = {
      campaign: testCampaign('vc-2020'),
      vendors: [testVendor('zoom'), testVendor('cisco')],
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: 'vc-2020', notifyVendors: true },
    };
    const kase = new CampaignCase(input, 'edit-loop');
    for (const vendor of input.vendors) kase.addEngagement(vendor, false);
    expect(kase.board()).not.toHaveProperty('endedByLead');
    kase.requestDraft({ by: 'Officer', openCases: [{ vendorId: 'cisco', action: 'close', reason: { en: 'Closed.', fr: 'Clos.' } }] }, '2020-12-01T10:00:00Z');
    expect(kase.board().endedByLead).toEqual({ cisco: 'close' });
  });

  it('shows on the board as closed by the lead or excluded, in English and French', () => {
    const views = loadViews();
    const rows = boardRows({}, found, new Date('2021-01-01T00:00:00Z'), 'en', views, 'UTC', endedByLead);
    expect(rows.map((r) => [r.vendorId, r.stage, views.text('en', r.stageKey)])).toEqual([
      ['microsoft', 'closed-by-lead', 'closed by the lead authority'],
      ['google', 'excluded', 'excluded from the statement'],
      ['gone', 'withdrawn', 'withdrawn'],
      ['zoom', 'concluded', views.text('en', 'stage.concluded')],
    ]);
    const fr = boardRows({}, found, new Date('2021-01-01T00:00:00Z'), 'fr', views, 'UTC', endedByLead);
    expect(views.text('fr', fr[0]!.stageKey)).toBe('clos par l’autorité responsable');
  });

  it('shows in the CLI’s list as the lead decided, asking only the campaigns with a withdrawn engagement', async () => {
    const asked: string[] = [];
    const boardOf = async (campaignId: string) => (asked.push(campaignId), { endedByLead });
    const other = { ...summary('x', 'concluded'), campaignId: 'other' };
    const { engagements: decided } = await withDecidedStages([...found, other], boardOf);
    expect(asked).toEqual(['vc-2020']);
    const en = renderSummaries(decided, Date.parse('2021-01-01T00:00:00Z'), cliWords('en'));
    expect(en).toMatch(/microsoft\s*│\s*closed-by-lead/);
    expect(en).toMatch(/google\s*│\s*excluded/);
    expect(en).toMatch(/gone\s*│\s*withdrawn/);
    const fr = renderSummaries(decided, Date.parse('2021-01-01T00:00:00Z'), cliWords('fr'));
    expect(fr).toContain('clos par l’autorité responsable');
    // A campaign that cannot be asked (a worker down) leaves the stage as visibility has it.
    const unasked = await withDecidedStages(found, async () => {
      throw new DossierClientError(ClientErrorCode.NoWorker, 'no worker');
    });
    expect(unasked.unread).toEqual(['vc-2020']);
    expect(unasked.engagements.map((e) => e.stage)).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'concluded']);
  });
  it('reads so in the audit export: the campaign’s signal, the stage and the case’s close, in English and French', () => {
    const row = (kind: AuditEvent['kind'], action: string): AuditEvent => ({ at: '2020-12-01T10:00:00.000Z', workflowId: 'engagement:vc:cisco', kind, actor: 'dossier', action });
    const rows = [row('signal', 'withdrawFromCampaign'), row('stage', 'withdrawn'), row('case-closed', 'withdrawn')];
    expect(asDecidedByLead(rows, undefined)).toEqual(rows);
    const closed = asDecidedByLead(rows, 'close');
    expect(closed.map((r) => r.action)).toEqual(['closeByLead', 'closed-by-lead', 'closed-by-lead']);
    expect(asDecidedByLead(rows, 'exclude').map((r) => r.action)).toEqual(['excludeByLead', 'excluded', 'excluded']);
    // An officer's own withdrawal, sent before the lead closed the case at drafting, stays the officer's.
    const officers = [{ ...row('signal', 'withdrawFromCampaign'), actor: 'Officer' }, ...rows];
    expect(asDecidedByLead(officers, 'close').map((r) => r.action)).toEqual(['withdrawFromCampaign', 'closeByLead', 'closed-by-lead', 'closed-by-lead']);
    const trail = { scope: { campaignId: 'vc' }, workflowIds: ['engagement:vc:cisco'], unreadable: 0, events: closed };
    const words = (language: 'en' | 'fr') => {
      const [header, ...lines] = auditCsv(trail, { language }).toString('utf8').trim().split(/\r?\n/);
      return { header: header!, lines };
    };
    const en = words('en').lines.join('\n');
    expect(en).toContain('closed by the lead authority at drafting');
    expect(en).toContain('closed by the lead authority');
    expect(en).not.toContain('withdrawn from the campaign');
    const fr = words('fr').lines.join('\n');
    expect(fr).toContain('clôture par l’autorité responsable lors de la rédaction');
    expect(fr).toContain('clos par l’autorité responsable');
    expect(fr).not.toMatch(/retrait de la campagne|retiré/);
  });
});

describe('the audit export of one engagement the lead closed or excluded', () => {
  // The campaign's history records the lead's decision (its draft request's open cases); the
  // engagement's own history only a withdrawal signal sent by the campaign, and the stage withdrawn.
  const campaign = [
    { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 8, campaign: { id: 'vc' } }) } },
    {
      eventId: 2,
      ...at(10),
      workflowExecutionUpdateAcceptedEventAttributes: {
        protocolInstanceId: 'u1',
        acceptedRequest: {
          meta: { updateId: 'u1', identity: 'lead' },
          input: {
            name: 'draftStatement',
            args: payloads({
              by: 'Léa Tremblay (lead, CLI)',
              openCases: [
                { vendorId: 'cisco', action: 'close', reason: { en: 'Acquired.', fr: 'Rachetée.' } },
                { vendorId: 'zoom', action: 'exclude', reason: { en: 'Out of scope.', fr: 'Hors champ.' } },
              ],
            }),
          },
        },
      },
    },
  ];
  const ended = (vendorId: string) => [
    { eventId: 1, ...at(1), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ vendor: { id: vendorId } }) } },
    { eventId: 2, ...at(11), workflowExecutionSignaledEventAttributes: { signalName: 'withdrawFromCampaign', identity: 'history-service', externalWorkflowExecution: { workflowId: 'campaign:vc' }, input: payloads({ reason: 'Acquired.' }) } },
    { eventId: 3, ...at(12), upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { DossierStage: defaultPayloadConverter.toPayload('withdrawn') } } } },
    { eventId: 4, ...at(13), workflowExecutionCompletedEventAttributes: { result: payloads({ stage: 'withdrawn' }) } },
  ];
  const server = serverKeeping({ 'campaign:vc': campaign, 'engagement:vc:cisco': ended('cisco'), 'engagement:vc:zoom': ended('zoom'), 'engagement:vc:webex': ended('webex') });
  const actions = (events: AuditEvent[], workflowId: string) => events.filter((e) => e.workflowId === workflowId).map((e) => `${e.kind} ${e.action}`);

  it('says what the campaign’s export says of it, not withdrawn', async () => {
    const whole = await collectAuditTrail(server, { campaignId: 'vc' });
    for (const vendorId of ['cisco', 'zoom', 'webex']) {
      const one = await collectAuditTrail(server, { campaignId: 'vc', vendorId });
      expect(one.workflowIds).toEqual([`engagement:vc:${vendorId}`]);
      expect(actions(one.events, `engagement:vc:${vendorId}`)).toEqual(actions(whole.events, `engagement:vc:${vendorId}`));
    }
    const cisco = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'cisco' });
    expect(cisco.events.map((e) => e.action)).toEqual(['engagement', 'closeByLead', 'closed-by-lead', 'closed-by-lead']);
    const zoom = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'zoom' });
    expect(zoom.events.map((e) => e.action)).toEqual(['engagement', 'excludeByLead', 'excluded', 'excluded']);
    // A case the officer withdrew stays withdrawn.
    const webex = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'webex' });
    expect(webex.events.map((e) => e.action)).toEqual(['engagement', 'withdrawFromCampaign', 'withdrawn', 'withdrawn']);
  });

  it('reads the campaign’s history only for a case its campaign withdrew, the one a decision of the lead can have ended', async () => {
    const open = [{ eventId: 1, ...at(1), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ vendor: { id: 'teams' } }) } }];
    const keeping = serverKeeping({ 'campaign:vc': campaign, 'engagement:vc:cisco': ended('cisco'), 'engagement:vc:teams': open });
    const read: string[] = [];
    const counting = { ...keeping, workflow: { getHandle: (workflowId: string, runId?: string) => (read.push(workflowId), keeping.workflow.getHandle(workflowId, runId)) } } as typeof keeping;
    await collectAuditTrail(counting, { campaignId: 'vc', vendorId: 'teams' });
    expect(read).not.toContain('campaign:vc');
    expect(read).toContain('engagement:vc:teams');
    read.length = 0;
    expect((await collectAuditTrail(counting, { campaignId: 'vc', vendorId: 'cisco' })).events.map((e) => e.action)).toContain('closed-by-lead');
    expect(read).toContain('campaign:vc');
  });

  it('says so in its CSV and PDF, in English and French', async () => {
    const cisco = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'cisco' });
    const zoom = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'zoom' });
    const pdf = async (trail: typeof cisco, language: 'en' | 'fr') => (await pdfPageTexts(await auditPdf(trail, { language, exportedAt: '2026-12-03T13:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    for (const [text, as] of [[auditCsv(cisco, { language: 'en' }).toString('utf8'), (t: string) => t], [await pdf(cisco, 'en'), flat]] as const) {
      expect(text).toContain(as('closed by the lead authority at drafting'));
      expect(text).not.toMatch(/withdrawn/);
    }
    for (const [text, as] of [[auditCsv(cisco, { language: 'fr' }).toString('utf8'), (t: string) => t], [await pdf(cisco, 'fr'), flat]] as const) {
      expect(text).toContain(as('clôture par l’autorité responsable lors de la rédaction'));
      expect(text).toContain(as('clos par l’autorité responsable'));
      expect(text).not.toMatch(/retrait de la campagne|retiré/);
    }
    expect(auditCsv(zoom, { language: 'en' }).toString('utf8')).toContain('excluded from the statement by the lead authority at drafting');
    expect(auditCsv(zoom, { language: 'fr' }).toString('utf8')).toContain('exclu de la déclaration');
  });
});

describe('campaign status and list --json', () => {
  it('campaign status says closed by the lead for a case the lead closed at drafting, and withdrawn for one the officer withdrew', async () => {
    const { renderOverview } = await import('../../client/commands/campaign');
    const ended = (vendorId: string) => ({ vendorId, vendorName: vendorId, workflowId: `engagement:vc:${vendorId}`, state: 'ended', addedLate: false, outcome: { stage: 'withdrawn', remindersSent: [] } });
    const overview = {
      workflowId: 'campaign:vc',
      campaignId: 'vc',
      reference: 'VC-2020',
      phase: 'approving',
      engagements: [ended('microsoft'), ended('gone')],
      openCases: [{ vendorId: 'microsoft', action: 'close', reason: { en: 'Acquired.', fr: 'Rachetée.' } }],
      conclusionsSet: true,
      changeRequests: [],
      deliveryFailures: [],
      live: {},
    };
    const text = renderOverview(overview as never, Date.parse('2020-12-01T00:00:00Z'));
    const row = (vendor: string) => text.split('\n').find((line) => line.includes(`engagement:vc:${vendor}`)) ?? '';
    expect(row('microsoft')).toContain('closed-by-lead');
    expect(row('gone')).toContain('withdrawn');
  });
});
