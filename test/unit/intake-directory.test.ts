// The intake's directory of campaigns by case reference, with its two look-ups stood in for: the
// visibility list of campaigns, and the status query that only campaigns started before the memo
// named their reference still need (the real ones run in test/integration/intake.test.ts); and its
// directory of reply tokens, with the visibility list of engagements stood in for.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replyToken } from '../../activities/threading';
import type { CampaignSummary, DossierClient, EngagementFilter, EngagementSummary } from '../../client/api';
import { invalidInput } from '../../client/errors';
import type { CampaignClient } from '../../client/campaign-api';
import { TemporalDirectory, type DirectoryLimits } from '../../intake/directory';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const legacyCampaign: CampaignSummary = { workflowId: 'campaign:vc-2020', campaignId: 'vc-2020', executionStatus: 'RUNNING', startedAt: '2020-07-21T09:00:00Z' };

function directoryWith(statusAnswers: boolean[]) {
  const asked: string[] = [];
  const dossier = {
    findCampaigns: async () => [legacyCampaign],
    // Zoom in progress in its second run; Cisco ended (withdrawn), and so did its first run.
    findEngagements: async () =>
      [
        { vendorId: 'zoom', executionStatus: 'RUNNING' },
        { vendorId: 'zoom', executionStatus: 'CONTINUED_AS_NEW' },
        { vendorId: 'cisco', executionStatus: 'COMPLETED' },
        { vendorId: 'cisco', executionStatus: 'CONTINUED_AS_NEW' },
      ] as EngagementSummary[],
  } as unknown as DossierClient;
  const campaigns = {
    status: async (campaignId: string) => {
      asked.push(campaignId);
      if (!statusAnswers[asked.length - 1]) throw new Error('query timed out after 2000 ms');
      return { campaignId, reference: 'OPC-2020-VC' };
    },
  } as unknown as CampaignClient;
  return { directory: new TemporalDirectory(dossier, campaigns, 0), asked };
}

describe('the intake directory of campaigns by case reference', () => {
  it('keeps a campaign started before the memo when its status query misses one refresh', async () => {
    const { directory, asked } = directoryWith([true, false, false]);
    expect(await directory.campaignByReference('opc-2020-vc')).toEqual({ campaignId: 'vc-2020', vendorIds: ['zoom'], endedVendorIds: ['cisco'] });
    // An unknown reference refreshes the directory; the old campaign is busy this time.
    expect(await directory.campaignByReference('OPC-2021-XX')).toBeUndefined();
    expect(asked).toEqual(['vc-2020', 'vc-2020']);
    expect(await directory.campaignByReference('OPC-2020-VC')).toEqual({ campaignId: 'vc-2020', vendorIds: ['zoom'], endedVendorIds: ['cisco'] });
  });

  it('does not match a campaign started before the memo that never answered', async () => {
    const { directory } = directoryWith([false, false]);
    expect(await directory.campaignByReference('OPC-2020-VC')).toBeUndefined();
  });
});

/**
 * Visibility's list of engagements as the server gives it: running ones first, then the newest.
 * Those in `withToken` were started with their `DossierReplyToken`; the others before it was set.
 */
function tokenDirectory(history: EngagementSummary[], limits: DirectoryLimits = {}, withToken: EngagementSummary[] | 'unregistered' = []) {
  const listed: { filter: EngagementFilter; rows: number }[] = [];
  const dossier = {
    findCampaigns: async () => [{ ...legacyCampaign, reference: 'OPC-2020-VC' }],
    findEngagements: async (filter: EngagementFilter) => {
      // What the client makes of the server's answer on a namespace without DossierReplyToken (seen on a dev server).
      if (withToken === 'unregistered' && filter.replyToken !== undefined) {
        listed.push({ filter, rows: 0 });
        throw invalidInput(`invalid search query "DossierReplyToken = '${filter.replyToken}'": invalid query: invalid search attribute: DossierReplyToken`);
      }
      const rows = history
        .filter((e) => (!filter.running || e.executionStatus === 'RUNNING') && (filter.campaign === undefined || e.campaignId === filter.campaign))
        .filter((e) => filter.replyToken === undefined || (withToken !== 'unregistered' && withToken.includes(e) && replyToken(e.workflowId) === filter.replyToken))
        .slice(0, filter.limit ?? 1000);
      listed.push({ filter, rows: rows.length });
      return rows;
    },
  } as unknown as DossierClient;
  return { directory: new TemporalDirectory(dossier, {} as CampaignClient, 0, limits), listed };
}

function engagement(campaignId: string, vendorId: string, executionStatus = 'COMPLETED'): EngagementSummary {
  return { workflowId: engagementWorkflowId(campaignId, vendorId), campaignId, vendorId, executionStatus, startedAt: '2020-07-21T09:00:00Z' };
}

const ended = engagement('vc-2020', 'acme');
const running = [engagement('vc-2020', 'acme-sister', 'RUNNING'), engagement('vc-2020', 'other', 'RUNNING')];

describe('the intake directory of reply tokens', () => {
  afterEach(() => vi.useRealTimers());

  it('finds an ended engagement by its listed token with one query, whatever campaign its subject names or not', async () => {
    const older = Array.from({ length: 100_000 }, (_, i) => engagement(`past-${i}`, 'zoom'));
    const { directory, listed } = tokenDirectory([...running, ...older, ended], {}, [ended]);
    const token = replyToken(ended.workflowId);
    expect(await directory.engagementByToken(token, [])).toEqual({ campaignId: 'vc-2020', vendorId: 'acme' });
    expect(await directory.engagementByToken(token, ['OPC-1999-XX'])).toEqual({ campaignId: 'vc-2020', vendorId: 'acme' });
    // The refresh lists the running engagements alone; the ended one is asked for by its token, once.
    expect(listed).toEqual([
      { filter: { running: true, limit: 100_000 }, rows: 2 },
      { filter: { replyToken: token, limit: 1 }, rows: 1 },
      { filter: { running: true, limit: 100_000 }, rows: 2 },
    ]);
  });

  it('finds the token of an ended engagement started before its token was listed, older than 100,000 others, in the engagements of the campaign its subject names', async () => {
    const older = Array.from({ length: 100_000 }, (_, i) => engagement(`past-${i}`, 'zoom'));
    const { directory, listed } = tokenDirectory([...running, ...older, ended]);
    const token = replyToken(ended.workflowId);
    expect(await directory.engagementByToken(token, ['OPC-2020-VC'])).toEqual({ campaignId: 'vc-2020', vendorId: 'acme' });
    // The refresh lists the running engagements alone; the ended one is looked up in its campaign's.
    expect(listed).toEqual([
      { filter: { running: true, limit: 100_000 }, rows: 2 },
      { filter: { replyToken: token, limit: 1 }, rows: 0 },
      { filter: { campaign: 'vc-2020', limit: 100_000 }, rows: 3 },
    ]);
  });

  it('finds an ended engagement in the campaign its subject names on a namespace that has not registered DossierReplyToken yet', async () => {
    const { directory, listed } = tokenDirectory([...running, ended], {}, 'unregistered');
    const token = replyToken(ended.workflowId);
    // Refused, the token's query would leave every late reply in the inbox until an operator registered it.
    expect(await directory.engagementByToken(token, ['OPC-2020-VC'])).toEqual({ campaignId: 'vc-2020', vendorId: 'acme' });
    expect(await directory.engagementByToken(token, [])).toBeUndefined();
    expect(listed.map((l) => l.filter)).toEqual([
      { running: true, limit: 100_000 },
      { replyToken: token, limit: 1 },
      { campaign: 'vc-2020', limit: 100_000 },
      { running: true, limit: 100_000 },
    ]);
  });

  it('lists at most as many running engagements as it is told on each refresh', async () => {
    const { directory, listed } = tokenDirectory([...running, ended], { runningLimit: 1 });
    expect(await directory.engagementByToken(replyToken(running[0].workflowId), [])).toEqual({ campaignId: 'vc-2020', vendorId: 'acme-sister' });
    expect(listed).toEqual([{ filter: { running: true, limit: 1 }, rows: 1 }]);
  });

  it('does not look up in campaigns the token of an engagement started before it was listed when its message names none', async () => {
    const { directory, listed } = tokenDirectory([...running, ended]);
    const token = replyToken(ended.workflowId);
    expect(await directory.engagementByToken(token, [])).toBeUndefined();
    expect(await directory.engagementByToken(token, ['OPC-1999-XX'])).toBeUndefined();
    expect(listed.map((l) => l.filter)).toEqual([{ running: true, limit: 100_000 }, { replyToken: token, limit: 1 }, { running: true, limit: 100_000 }]);
  });

  it('remembers for a while that a token names no engagement of the campaign, then asks again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { directory, listed } = tokenDirectory([...running, ended], { lookupTtlMs: 60_000 });
    const unknown = '0123456789abcdef';
    const lookUps = () => listed.filter((l) => l.filter.campaign !== undefined).length;
    expect(await directory.engagementByToken(unknown, ['OPC-2020-VC'])).toBeUndefined();
    expect(await directory.engagementByToken(unknown, ['OPC-2020-VC'])).toBeUndefined();
    expect(lookUps()).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(await directory.engagementByToken(unknown, ['OPC-2020-VC'])).toBeUndefined();
    expect(lookUps()).toBe(2);
  });
});
