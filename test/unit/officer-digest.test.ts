// The officers' digest as its activity collects it and the email composes it, without a server: a
// stand-in for the two Temporal calls the activity makes (one visibility listing, the first event of
// each campaign's history). Each campaign's dates read on its lead authority's calendar, as its letters do.
import type { Client } from '@temporalio/client';
import { defaultDataConverter, defaultPayloadConverter } from '@temporalio/common';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import { createDigestActivities, hourBegan, UNSORTED_SECTION } from '../../activities/officer-digest';
import { DossierCampaign, DossierNextDeadline, DossierStage, DossierVendor } from '../../workflows/search-attributes';
import type { CampaignInput, CampaignRef, Language, Officer } from '../../workflows/types';
import { campaignWorkflowId, engagementWorkflowId } from '../../workflows/workflow-ids';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';

interface Engagement {
  campaignId: string;
  vendorId: string;
  stage: string;
  deadline: string;
}

/** A campaign's workflow as visibility lists it: where it runs (or ran) and whether it runs still. */
interface CampaignRun {
  campaignId: string;
  running: boolean;
  taskQueue: string;
}

/** The campaign runs a visibility query on campaigns selects, by the conditions the digest puts in it. */
function campaignsListed(query: string, runs: CampaignRun[]): CampaignRun[] {
  const taskQueue = /TaskQueue = '([^']*)'/.exec(query)?.[1];
  const ids = /WorkflowId IN \(([^)]*)\)/.exec(query)?.[1]?.split(',').map((id) => id.trim().replace(/^'|'$/g, ''));
  return runs.filter(
    (run) =>
      (taskQueue === undefined || run.taskQueue === taskQueue) &&
      (!query.includes(`ExecutionStatus = 'Running'`) || run.running) &&
      (ids === undefined || ids.includes(campaignWorkflowId(run.campaignId))),
  );
}

/**
 * A client that answers the activity's visibility queries with `engagements` and its history reads
 * with `campaigns`' inputs; given `campaignRuns`, its queries on campaigns with those.
 */
function fakeClient(campaigns: CampaignRef[], engagements: Engagement[], engagementInputs: Record<string, object> = {}, campaignRuns?: CampaignRun[]): Client {
  const inputs = new Map<string, object>(campaigns.map((c) => [campaignWorkflowId(c.id), { campaign: c, vendors: [testVendor('zoom', { name: 'Zoom' })] }]));
  for (const [workflowId, input] of Object.entries(engagementInputs)) inputs.set(workflowId, input);
  const workflowService = {
    listWorkflowExecutions: async ({ query }: { query: string }) => ({
      executions: campaignRuns && query.includes(`WorkflowType = 'campaign'`)
        ? campaignsListed(query, campaignRuns).map((run) => ({ execution: { workflowId: campaignWorkflowId(run.campaignId) }, status: run.running ? 1 : 2, taskQueue: run.taskQueue }))
        : engagements.map((e) => ({
        execution: { workflowId: engagementWorkflowId(e.campaignId, e.vendorId) },
        status: 1,
        searchAttributes: {
          indexedFields: encodeUnifiedSearchAttributes(undefined, [
            { key: DossierCampaign, value: e.campaignId },
            { key: DossierVendor, value: e.vendorId },
            { key: DossierStage, value: e.stage },
            { key: DossierNextDeadline, value: new Date(e.deadline) },
          ]),
        },
      })),
    }),
    getWorkflowExecutionHistory: async ({ execution }: { execution: { workflowId: string } }) => {
      const input = inputs.get(execution.workflowId) as Partial<CampaignInput> | undefined;
      if (!input) throw Object.assign(new Error(`workflow ${execution.workflowId} not found`), { code: 5 });
      return { history: { events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [defaultPayloadConverter.toPayload({ ...input, policy: fastPolicy() })] } } }] } };
    },
  };
  return { workflowService, options: { namespace: 'default', loadedDataConverter: defaultDataConverter } } as unknown as Client;
}

const gagnon: Officer = { name: 'Agente Gagnon', email: 'gagnon@opc.test', language: 'fr' };

function campaignLedFrom(id: string, timeZone: string | undefined): CampaignRef {
  const campaign = { ...testCampaign(id), officers: [gagnon] };
  if (timeZone) campaign.authorities[0] = { ...campaign.authorities[0]!, jurisdiction: 'CA-ON', timeZone };
  return campaign;
}

describe('officer digest', () => {
  it('gives each campaign its due dates on its lead authority’s calendar, as its letters do, in one officer’s digest', async () => {
    // 20 working days from a letter of 2 November 2026 in Toronto: the last moment of 30 November there.
    const deadline = '2026-12-01T04:59:59.999Z';
    const toronto = campaignLedFrom('toronto', 'America/Toronto');
    const utc = campaignLedFrom('utc', undefined);
    const { collectOfficerDigests } = createDigestActivities(() =>
      fakeClient(
        [toronto, utc],
        [toronto, utc].map((c) => ({ campaignId: c.id, vendorId: 'zoom', stage: 'awaiting-response', deadline })),
      ),
    );
    const digests = await collectOfficerDigests({ asOf: '2026-11-28T12:00:00Z', horizon: '7 days', taskQueue: 'dossier' });
    expect(digests.map((d) => d.officer.email)).toEqual(['gagnon@opc.test']);
    const [digest] = digests;
    expect(digest!.sections.map((s) => s.campaignId)).toEqual(['toronto', 'utc']);

    // Composed as the digest workflow sends it.
    const composed = await composeMessage({
      threadId: 'officer-digest-test',
      step: 'digest-1',
      kind: 'officer-digest',
      language: digest!.officer.language,
      to: [{ name: digest!.officer.name, email: digest!.officer.email }],
      campaign: digest!.campaign,
      details: { digest: digest!.sections, timeZone: digest!.timeZone },
    });
    const text = String(composed.text);
    const section = (reference: string) => text.slice(text.indexOf(reference)).split('\n\n')[0];
    expect(section(toronto.reference)).toContain('Zoom (réponse attendue)\u00a0: échéance le 30\u00a0novembre\u00a02026');
    // A lead that names no zone: UTC, as before.
    expect(section(utc.reference)).toContain('Zoom (réponse attendue)\u00a0: échéance le 1er\u00a0décembre\u00a02026');
  });

  it('says how far ahead it looked, in words and in the reader\'s language, whatever horizon it was given', async () => {
    const closing = async (language: Language, digestHorizon?: string) => {
      const composed = await composeMessage({
        threadId: 'officer-digest-test',
        step: 'digest-1',
        kind: 'officer-digest',
        language,
        to: [{ name: 'Officer Smith', email: 'smith@opc.test' }],
        campaign: campaignLedFrom('toronto', 'America/Toronto'),
        details: {
          timeZone: 'UTC',
          ...(digestHorizon ? { digestHorizon } : {}),
          digest: [
            {
              campaignId: 'toronto',
              reference: 'TEST-TORONTO',
              title: { en: 'Video-conferencing privacy', fr: 'Vidéoconférence et vie privée' },
              timeZone: 'UTC',
              items: [{ campaignId: 'toronto', vendorId: 'zoom', vendorName: 'Zoom', stage: 'awaiting-response', deadline: '2026-12-01T00:00:00Z', overdue: false, overdueDays: 0, waitsForOfficer: false }],
            },
          ],
        },
      });
      const line = String(composed.text).split('\n').find((l) => /^(This digest|Ce résumé)/.test(l)) ?? '';
      expect(String(composed.html)).toContain(line);
      return line;
    };
    expect(await closing('en', '36 hours')).toBe('This digest lists every case waiting for an officer and every case whose next deadline has passed or falls within 36 hours.');
    expect(await closing('fr', '36 hours')).toBe('Ce résumé présente chaque dossier qui attend un agent et chaque dossier dont la prochaine échéance est passée ou tombe dans les 36\u00a0heures.');
    expect(await closing('en', '14 days')).toContain('falls within 14 days.');
    expect(await closing('fr', '3 days')).toContain('tombe dans les trois\u00a0jours.');
    expect(await closing('en', '1 day')).toContain('falls within one day.');
    expect(await closing('fr', '1 day')).toContain('tombe dans la journée.');
    // A digest scheduled before the horizon was sent along looked seven days ahead.
    expect(await closing('en')).toContain('falls within seven days.');
    expect(await closing('fr')).toContain('tombe dans les sept\u00a0jours.');
  });

  it('names a vendor the lead added after the campaign started by its name, as its letters do, not by its id', async () => {
    const campaign = campaignLedFrom('late', 'America/Toronto');
    const added = testVendor('acme-video', { name: 'Acme Vidéo' });
    const { collectOfficerDigests } = createDigestActivities(() =>
      fakeClient(
        [campaign],
        ['zoom', 'acme-video'].map((vendorId) => ({ campaignId: 'late', vendorId, stage: 'awaiting-response', deadline: '2026-12-01T04:59:59.999Z' })),
        { [engagementWorkflowId('late', 'acme-video')]: { campaign, vendor: added, policy: fastPolicy() } },
      ),
    );
    const [digest] = await collectOfficerDigests({ asOf: '2026-11-28T12:00:00Z', horizon: '7 days', taskQueue: 'dossier' });
    expect(digest!.sections[0]!.items.map((i) => i.vendorName)).toEqual(['Acme Vidéo', 'Zoom']);
  });

  it('lists each case once for an officer the campaign file names twice (the same address, in any case)', async () => {
    // Nothing refuses a repeated officer in a campaign file, and a running campaign keeps its input.
    const campaign: CampaignRef = { ...testCampaign('twice'), officers: [gagnon, { ...gagnon, name: 'A. Gagnon', email: 'Gagnon@OPC.test' }] };
    const { collectOfficerDigests } = createDigestActivities(() => fakeClient([campaign], [{ campaignId: 'twice', vendorId: 'zoom', stage: 'awaiting-response', deadline: '2026-11-27T12:00:00Z' }]));
    const digests = await collectOfficerDigests({ asOf: '2026-11-28T12:00:00Z', horizon: '7 days', taskQueue: 'dossier' });
    expect(digests.map((d) => d.officer.email)).toEqual(['gagnon@opc.test']);
    expect(digests[0]!.sections.map((s) => [s.campaignId, s.items.map((i) => i.vendorId)])).toEqual([['twice', ['zoom']]]);
  });

  it('reads a section recorded before sections carried a zone in UTC, as it was sent then', async () => {
    const composed = await composeMessage({
      threadId: 'officer-digest-test',
      step: 'digest-1',
      kind: 'officer-digest',
      language: 'en',
      to: [{ name: 'Officer Smith', email: 'smith@opc.test' }],
      campaign: campaignLedFrom('toronto', 'America/Toronto'),
      details: {
        timeZone: 'UTC',
        digest: [
          {
            campaignId: 'toronto',
            reference: 'TEST-TORONTO',
            title: { en: 'Video-conferencing privacy', fr: 'Vidéoconférence et vie privée' },
            items: [
              { campaignId: 'toronto', vendorId: 'zoom', vendorName: 'Zoom', stage: 'awaiting-response', waitsForOfficer: false, deadline: '2026-12-01T04:59:59.999Z', overdue: false, overdueDays: 0 },
            ],
          },
        ],
      },
    });
    expect(composed.text).toContain('Zoom (awaiting the response): due 1\u00a0December\u00a02026');
  });

  it('mails each officer at the digest\'s hour on their own clock, the campaign\'s when they name none, and everyone when run by hand', async () => {
    const smith: Officer = { name: 'Officer Smith', email: 'smith@opc.test', language: 'en', timeZone: 'Australia/Sydney' };
    const campaign: CampaignRef = { ...campaignLedFrom('clocks', 'America/Toronto'), officers: [gagnon, smith] };
    const { collectOfficerDigests } = createDigestActivities(() => fakeClient([campaign], [{ campaignId: 'clocks', vendorId: 'zoom', stage: 'awaiting-response', deadline: '2026-11-27T12:00:00Z' }]));
    const mailed = async (asOf: string, localHour?: number) =>
      (await collectOfficerDigests({ asOf, horizon: '7 days', taskQueue: 'dossier', ...(localHour === undefined ? {} : { localHour }) })).map((d) => d.officer.email);
    // 11:00 UTC is 06:00 in Toronto (Gagnon names no zone: the campaign's) and 22:00 in Sydney.
    expect(await mailed('2026-11-30T11:00:02Z', 6)).toEqual(['gagnon@opc.test']);
    // 19:00 UTC is 06:00 the next morning in Sydney, 14:00 in Toronto.
    expect(await mailed('2026-11-30T19:00:02Z', 6)).toEqual(['smith@opc.test']);
    // The run an hour later: both had theirs already.
    expect(await mailed('2026-11-30T12:00:02Z', 6)).toEqual([]);
    // Started by hand (or by the daily Schedule of before): everyone, at once.
    expect(await mailed('2026-11-30T15:00:02Z')).toEqual(['gagnon@opc.test', 'smith@opc.test']);
  });

  it('mails an officer who names no zone once a day, on the clock of the first campaign naming them, with all their campaigns', async () => {
    const toronto = { ...campaignLedFrom('a-toronto', 'America/Toronto') };
    const sydney = { ...campaignLedFrom('b-sydney', 'Australia/Sydney') };
    const { collectOfficerDigests } = createDigestActivities(() =>
      fakeClient(
        [toronto, sydney],
        [toronto, sydney].map((c) => ({ campaignId: c.id, vendorId: 'zoom', stage: 'awaiting-response', deadline: '2026-11-27T12:00:00Z' })),
      ),
    );
    const at = (asOf: string) => collectOfficerDigests({ asOf, horizon: '7 days', taskQueue: 'dossier', localHour: 6 });
    // 06:00 in Toronto: both campaigns, in one digest.
    expect((await at('2026-11-30T11:00:02Z')).map((d) => [d.officer.email, d.sections.map((s) => s.campaignId)])).toEqual([['gagnon@opc.test', ['a-toronto', 'b-sydney']]]);
    // 06:00 in Sydney: not a second one.
    expect(await at('2026-11-30T19:00:02Z')).toEqual([]);
  });

  it('tells the officers of every open campaign of the mail that names none, once each, with the link to where it is sorted', async () => {
    const smith: Officer = { name: 'Officer Smith', email: 'smith@opc.test', language: 'en' };
    const toronto = campaignLedFrom('a-toronto', 'America/Toronto');
    const sydney: CampaignRef = { ...campaignLedFrom('b-sydney', 'Australia/Sydney'), officers: [smith, gagnon] };
    const counted: (string | undefined)[] = [];
    const pens: Record<string, { count: number; oldest?: string }> = { unsorted: { count: 2, oldest: '2026-11-26T09:40:00.000Z' } };
    const { collectOfficerDigests } = createDigestActivities(
      () =>
        fakeClient(
          [toronto, sydney],
          [toronto, sydney].map((c) => ({ campaignId: c.id, vendorId: 'zoom', stage: 'awaiting-response', deadline: '2026-11-27T12:00:00Z' })),
        ),
      async () => ({
        count: async (campaignId) => {
          counted.push(campaignId);
          return pens[campaignId ?? 'unsorted'] ?? { count: 0 };
        },
        close: async () => undefined,
      }),
    );
    const digests = await collectOfficerDigests({ asOf: '2026-11-28T12:00:00Z', horizon: '7 days', taskQueue: 'dossier' });
    expect(digests.map((d) => [d.officer.email, d.sections.map((s) => s.campaignId)])).toEqual([
      ['gagnon@opc.test', ['a-toronto', 'b-sydney', UNSORTED_SECTION]],
      ['smith@opc.test', ['b-sydney', UNSORTED_SECTION]],
    ]);
    // The pen is counted once for the run, whoever is told.
    expect(counted.filter((c) => c === undefined)).toHaveLength(1);
    expect(digests[1]!.sections.at(-1)!.held).toEqual({ count: 2, since: '2026-11-26T09:40:00.000Z' });

    const composedFor = (digest: (typeof digests)[number]) =>
      composeMessage(
        {
          threadId: 'officer-digest-test',
          step: 'digest-1',
          kind: 'officer-digest',
          language: digest.officer.language,
          to: [{ name: digest.officer.name, email: digest.officer.email }],
          campaign: digest.campaign,
          details: { digest: digest.sections, timeZone: digest.timeZone },
        },
        { workspaceUrl: 'https://dossier.test' },
      );
    const english = await composedFor(digests[1]!);
    expect(String(english.text)).toContain(
      'Mail that names no campaign, held for the officers of every open campaign\n  - 2 messages held, that no case took, the oldest since 26\u00a0November\u00a02026: https://dossier.test/held/unsorted',
    );
    expect(String(english.html)).toContain('<a href="https://dossier.test/held/unsorted">2 messages held</a>');
    expect(String(english.text)).not.toContain('https://dossier.test/campaigns//');
    const french = await composedFor(digests[0]!);
    expect(String(french.text)).toContain('Courrier qui ne nomme aucune campagne, en attente pour les agents de chaque campagne en cours');
    expect(String(french.text)).toContain('https://dossier.test/held/unsorted');
  });

  it('counts the mail held in an ended campaign\'s pen while the pen holds some, and says each pen\'s count, apart from the cases', async () => {
    const smith: Officer = { name: 'Officer Smith', email: 'smith@opc.test', language: 'en' };
    const running: CampaignRef = { ...campaignLedFrom('a-running', 'America/Toronto'), officers: [smith] };
    // Published, so ended: no engagement runs, visibility lists it nowhere, but a vendor's reply waits in its pen.
    const ended: CampaignRef = { ...campaignLedFrom('b-ended', 'America/Toronto'), officers: [smith] };
    const pens: Record<string, { count: number; oldest?: string }> = { 'b-ended': { count: 2, oldest: '2026-11-26T09:40:00.000Z' } };
    const digestsWith = (penned: string[]) =>
      createDigestActivities(
        () =>
          fakeClient([running, ended], [{ campaignId: running.id, vendorId: 'zoom', stage: 'awaiting-response', deadline: '2026-11-30T12:00:00Z' }], {}, [
            { campaignId: running.id, running: true, taskQueue: 'dossier' },
            { campaignId: ended.id, running: false, taskQueue: 'dossier' },
          ]),
        async () => ({ count: async (campaignId) => pens[campaignId ?? 'unsorted'] ?? { count: 0 }, close: async () => undefined }),
        async () => penned,
      ).collectOfficerDigests({ asOf: '2026-11-28T12:00:00Z', horizon: '7 days', taskQueue: 'dossier' });
    const digests = await digestsWith(['b-ended']);
    expect(digests.map((d) => [d.officer.email, d.sections.map((s) => [s.campaignId, s.held?.count])])).toEqual([
      ['smith@opc.test', [['a-running', 0], ['b-ended', 2]]],
    ]);
    expect(digests[0]!.sections[1]).toMatchObject({ ended: true, items: [], held: { count: 2, since: '2026-11-26T09:40:00.000Z' } });
    // Its pen emptied, the ended campaign is told no more.
    pens['b-ended'] = { count: 0 };
    expect((await digestsWith(['b-ended']))[0]!.sections.map((s) => s.campaignId)).toEqual(['a-running']);
    pens['b-ended'] = { count: 2, oldest: '2026-11-26T09:40:00.000Z' };

    const composedIn = (language: Language) =>
      composeMessage(
        {
          threadId: 'officer-digest-test',
          step: 'digest-1',
          kind: 'officer-digest',
          language,
          to: [{ name: smith.name, email: smith.email }],
          campaign: digests[0]!.campaign,
          details: { digest: digests[0]!.sections, timeZone: digests[0]!.timeZone },
        },
        { workspaceUrl: 'https://dossier.test' },
      );
    const english = await composedIn('en');
    // One case; the two held messages are not cases.
    expect(english.subject).toBe('[TEST-A-RUNNING] Your cases: 0 overdue, 1 to watch; 2 held messages that no case took');
    expect(String(english.text)).toContain('  - No message held, that no case took: https://dossier.test/held/a-running');
    expect(String(english.text)).toContain(`${ended.reference} \u2014 ${ended.title.en} (ended)`);
    expect(String(english.text)).toContain('  - 2 messages held, that no case took, the oldest since 26\u00a0November\u00a02026: https://dossier.test/held/b-ended');
    expect(String(english.text)).not.toContain('The campaign\u2019s holding pen');
    const french = await composedIn('fr');
    expect(french.subject).toBe('[TEST-A-RUNNING] Vos dossiers\u00a0: 0 en retard, 1 à suivre\u202f; 2 messages en attente qu\u2019aucun dossier n\u2019a pris');
    expect(String(french.text)).toContain('  - Aucun message en attente qu\u2019aucun dossier n\u2019a pris\u00a0: https://dossier.test/held/a-running');
    expect(String(french.text)).toContain(`${ended.reference} \u2014 ${ended.title.fr} (terminée)`);
    expect(String(french.html)).toContain('<a href="https://dossier.test/held/a-running">Aucun message en attente</a>');
  });

  it('tells an ended campaign\'s pen only for a campaign that ran on its own task queue, not one running or ended on another', async () => {
    const smith: Officer = { name: 'Officer Smith', email: 'smith@opc.test', language: 'en' };
    const [running, elsewhere, ended, endedElsewhere] = ['a-running', 'b-elsewhere', 'c-ended', 'd-ended-elsewhere'].map((id) => ({ ...campaignLedFrom(id, undefined), officers: [smith] }));
    // One Temporal namespace, one store and one case mailbox for two task queues: the intake's census names every campaign's pen.
    const runs: CampaignRun[] = [
      { campaignId: running!.id, running: true, taskQueue: 'dossier' },
      { campaignId: elsewhere!.id, running: true, taskQueue: 'dossier-b' },
      { campaignId: ended!.id, running: false, taskQueue: 'dossier' },
      { campaignId: endedElsewhere!.id, running: false, taskQueue: 'dossier-b' },
    ];
    const [digest] = await createDigestActivities(
      () => fakeClient([running!, elsewhere!, ended!, endedElsewhere!], [{ campaignId: running!.id, vendorId: 'zoom', stage: 'awaiting-response', deadline: '2026-11-30T12:00:00Z' }], {}, runs),
      async () => ({ count: async (campaignId) => (campaignId === undefined ? { count: 0 } : { count: 2 }), close: async () => undefined }),
      async () => [elsewhere!.id, ended!.id, endedElsewhere!.id],
    ).collectOfficerDigests({ asOf: '2026-11-28T12:00:00Z', horizon: '7 days', taskQueue: 'dossier' });
    expect(digest!.sections.map((s) => [s.campaignId, s.ended ?? false])).toEqual([
      ['a-running', false],
      ['c-ended', true],
    ]);
  });

  it('begins each hour of the day once in a day of hourly runs, on the days the clocks change too', () => {
    const runsIn = (timeZone: string, hour: number, day: string) => {
      const start = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
      // Three days of hourly runs around `day`, each a few seconds late, as a Schedule's are.
      const runs = Array.from({ length: 72 }, (_, n) => start + n * 3_600_000 + 2_000);
      return runs.filter((t) => hourBegan(hour, timeZone, t - 3_600_000, t)).map((t) => new Date(t).toISOString().slice(0, 16));
    };
    // Toronto springs forward at 02:00 on 8 March 2026 (to 03:00): the skipped hour still begins, at the jump.
    expect(runsIn('America/Toronto', 2, '2026-03-08')).toEqual(['2026-03-07T07:00', '2026-03-08T07:00', '2026-03-09T06:00']);
    // It falls back at 02:00 on 1 November 2026 (to 01:00): the repeated hour begins once.
    expect(runsIn('America/Toronto', 1, '2026-11-01')).toEqual(['2026-10-31T05:00', '2026-11-01T05:00', '2026-11-02T06:00']);
    // Half an hour off UTC: 06:00 in Kolkata is 00:30 UTC, so the 01:00 run sends it.
    expect(runsIn('Asia/Kolkata', 6, '2026-11-30')).toEqual(['2026-11-29T01:00', '2026-11-30T01:00', '2026-12-01T01:00']);
    expect(runsIn('UTC', 0, '2026-11-30')).toEqual(['2026-11-29T00:00', '2026-11-30T00:00', '2026-12-01T00:00']);
  });
});
