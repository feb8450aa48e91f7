// The deadlines and due dates the CLI prints, as the day the vendor was given on the lead authority's
// calendar (the day its letters and the workspace print), not as the UTC instant that day ends at. A
// campaign led from Toronto, west of UTC: "respond by 4 January 2027" ends at 2027-01-05T04:59:59.999Z.
// Found in a trial: `campaign status` printed `2027-01-05 04:59:59Z (in 32 days)` beside a letter
// that said 4 January, and `engagement extend` "moved to 2027-01-19 04:59Z" for 18 January.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngagementRef, EngagementSummary } from '../../client/api';
import { CampaignClient, type CampaignOverview } from '../../client/campaign-api';
import { campaignCommands } from '../../client/commands/campaign';
import type { Session } from '../../client/commands/context';
import { engagementCommands, renderStatus } from '../../client/commands/engagement';
import { listCommand, renderSummaries, searchCommand } from '../../client/commands/search';
import { cliWords } from '../../client/cli-words';
import { createOutput, deadline } from '../../client/output';
import type { EngagementStatus } from '../../workflows/messages';
import type { Language, Question } from '../../workflows/types';
import { engagementStatusOf } from '../helpers/fixtures';

const TORONTO = 'America/Toronto';
/** The trial's day: a month before the letter's due date. */
const NOW = Date.parse('2026-12-03T13:00:00Z');
/** 4 January 2027 in Toronto, to its last moment: the next day already in UTC. */
const DUE_4_JANUARY = '2027-01-05T04:59:59.999Z';
/** 18 January 2027 in Toronto, as "10 working days" more gave it. */
const DUE_18_JANUARY = '2027-01-19T04:59:59.999Z';

/** Spaces as the terminal shows them: the no-break ones inside a date read as spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
/** The table's cells in one line, without its borders. */
const flat = (text: string) => plain(text).replace(/[│|─┌┐└┘├┤┬┴┼]/g, ' ').replace(/\s+/g, ' ');

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A session whose every command gets `context`: the output into `printed`, in `language`. */
function sessionWith(language: Language, json: boolean, clients: object): { session: Session; printed: () => string } {
  let printed = '';
  const context = { out: createOutput(json, (t) => (printed += t)), words: cliWords(language), officer: 'Officer', published: (p: string) => p, ...clients };
  return { session: { context: () => context, words: cliWords(language) } as unknown as Session, printed: () => printed };
}

describe('campaign status', () => {
  const live = engagementStatusOf('example-2020', 'zoom', { vendorName: 'Zoom', stage: 'awaiting-response', nextDeadline: DUE_4_JANUARY, responseDueDate: DUE_4_JANUARY });
  const overview = {
    workflowId: 'campaign:example-2020',
    campaignId: 'example-2020',
    reference: 'OPC-2020-EX',
    phase: 'engaging',
    engagements: [{ vendorId: 'zoom', vendorName: 'Zoom', workflowId: 'engagement:example-2020:zoom', state: 'in-progress', addedLate: false }],
    conclusionsSet: false,
    changeRequests: [],
    deliveryFailures: [],
    live: { zoom: live },
  } satisfies CampaignOverview;

  async function status(language: Language, json = false, zone: { timeZone?: string } = { timeZone: TORONTO }): Promise<string> {
    const campaigns = { overview: async () => overview, timeZone: async () => zone.timeZone };
    const { session, printed } = sessionWith(language, json, { campaigns: async () => campaigns });
    await campaignCommands(session).exitOverride().parseAsync(['status', 'example-2020'], { from: 'user' });
    return printed();
  }

  it('shows the day the letter gives, on the lead authority’s calendar, and how far off it is', async () => {
    const row = flat(await status('en'));
    expect(row).toContain('zoom Zoom awaiting-response 2027-01-04 (in 32 days)');
    expect(row).not.toContain('2027-01-05');
  });

  it('shows it in French as the workspace does', async () => {
    const row = flat(await status('fr'));
    expect(row).toContain('4 janv. 2027 (dans 32 jours)');
    expect(row).not.toMatch(/5 janv|UTC/);
  });

  it('keeps the instant under --json, for scripts', async () => {
    expect(JSON.parse(await status('en', true))).toEqual(overview);
  });

  it('falls back to the UTC instant, saying so, when the campaign’s zone cannot be read', async () => {
    expect(flat(await status('en', false, {}))).toContain('2027-01-05 04:59:59Z (in 32 days)');
  });
});

describe('engagement show', () => {
  const question = (id: string, dueDate: string): Question => ({ id, round: 1, text: `Question ${id}?`, dueDate });
  const shown = engagementStatusOf('example-2020', 'zoom', {
    vendorName: 'Zoom',
    stage: 'follow-up',
    nextDeadline: DUE_4_JANUARY,
    responseDueDate: DUE_18_JANUARY,
    questions: [question('Q1', DUE_4_JANUARY)],
    openQuestions: [question('Q1', DUE_4_JANUARY)],
    timeline: [
      { at: '2026-12-02T15:00:00.000Z', by: 'Officer', what: 'response deadline extended', detail: `to ${DUE_18_JANUARY}: asked for more time` },
      { at: '2026-12-03T15:00:00.000Z', by: 'Officer', what: 'follow-up round 1 extended', detail: `to ${DUE_4_JANUARY}: asked` },
    ],
  });

  it('shows the next deadline, the questions’ due day and the days the timeline moved them to, on the lead authority’s calendar', () => {
    const text = flat(renderStatus(shown, cliWords('en'), TORONTO));
    expect(text).toContain('next deadline 2027-01-04 (in 32 days)');
    expect(text).toContain('Q1 1 2027-01-04 Question Q1?');
    expect(text).toContain('response deadline extended to 2027-01-18');
    expect(text).toContain('follow-up round 1 extended to 2027-01-04');
    expect(text).not.toMatch(/2027-01-05|2027-01-19/);
  });

  it('shows them in French as the workspace does', () => {
    const text = flat(renderStatus(shown, cliWords('fr'), TORONTO));
    expect(text).toContain('4 janv. 2027 (dans 32 jours)');
    expect(text).toContain('reportée au 18 janv. 2027');
    expect(text).not.toMatch(/5 janv|19 janv/);
  });
});

describe('engagement extend', () => {
  const extended = engagementStatusOf('example-2020', 'zoom', {
    stage: 'awaiting-response',
    responseDueDate: DUE_18_JANUARY,
    nextDeadline: DUE_18_JANUARY,
    timeline: [{ at: '2026-12-03T13:00:00.000Z', by: 'Officer', what: 'response deadline extended', detail: `to ${DUE_18_JANUARY}: asked for more time` }],
  });

  async function extend(language: Language, json = false, status: EngagementStatus = extended): Promise<string> {
    const dossier = { extendDeadline: async () => ({ workflowId: status.workflowId, stage: status.stage }), status: async () => status, campaignTimeZone: async () => TORONTO };
    const { session, printed } = sessionWith(language, json, { dossier: async () => dossier });
    await engagementCommands(session).exitOverride().parseAsync(['extend', 'example-2020', 'zoom', '--for', '10 working days', '--reason', 'asked'], { from: 'user' });
    return printed();
  }

  it('names the day the vendor’s email names', async () => {
    expect(await extend('en')).toBe('Deadline of engagement:example-2020:zoom moved to 2027-01-18.\n');
    expect(plain(await extend('fr'))).toBe('Échéance du dossier engagement:example-2020:zoom reportée au 18 janv. 2027.\n');
  });

  it('names a follow-up round’s new day too, the first of a month as French writes it', async () => {
    const round = engagementStatusOf('example-2020', 'zoom', {
      stage: 'follow-up',
      rounds: [{ round: 1, askedAt: '2026-12-01T15:00:00.000Z', dueDate: '2027-02-02T04:59:59.999Z', remindersExhausted: false }],
      timeline: [{ at: '2026-12-03T13:00:00.000Z', by: 'Officer', what: 'follow-up round 1 extended', detail: 'to 2027-02-02T04:59:59.999Z: asked' }],
    });
    expect(await extend('en', false, round)).toBe('Deadline of engagement:example-2020:zoom (follow-up round 1) moved to 2027-02-01.\n');
    expect(plain(await extend('fr', false, round))).toContain('reportée au 1er févr. 2027.');
  });

  it('keeps the whole status under --json', async () => {
    expect(JSON.parse(await extend('en', true))).toEqual(extended);
  });
});

describe('engagement ask', () => {
  it('shows the day the answers are due on the lead authority’s calendar', async () => {
    const asked: Question[] = [{ id: 'Q1', round: 1, text: 'Which keys?', dueDate: DUE_4_JANUARY }];
    const dossier = { askFollowUp: async () => asked, campaignTimeZone: async () => TORONTO };
    const { session, printed } = sessionWith('en', false, { dossier: async () => dossier });
    await engagementCommands(session).exitOverride().parseAsync(['ask', 'example-2020', 'zoom', '--question', 'Which keys?'], { from: 'user' });
    expect(flat(printed())).toContain('Q1 1 2027-01-04 Which keys?');
  });
});

describe('list and search', () => {
  const summary = (campaignId: string, vendorId: string, nextDeadline?: string): EngagementSummary => ({
    workflowId: `engagement:${campaignId}:${vendorId}`,
    campaignId,
    vendorId,
    stage: 'awaiting-response',
    ...(nextDeadline ? { nextDeadline } : {}),
    executionStatus: 'RUNNING',
    startedAt: '2026-12-01T00:00:00Z',
  });
  // A Toronto campaign and one whose lead names no calendar (its letters date in UTC).
  const found = [summary('example-2020', 'zoom', DUE_4_JANUARY), summary('utc-2020', 'cisco', DUE_4_JANUARY), summary('example-2020', 'houseparty')];
  const zones: Record<string, string> = { 'example-2020': TORONTO, 'utc-2020': 'UTC' };

  async function run(argv: string[], language: Language = 'en', json = false): Promise<{ printed: string; asked: string[] }> {
    const asked: string[] = [];
    const dossier = {
      findEngagements: async () => found,
      search: async () => found,
      campaignTimeZone: async (ref: EngagementRef) => {
        asked.push(ref.campaignId);
        return zones[ref.campaignId]!;
      },
    };
    // No case here is withdrawn, so no campaign's board is asked for the lead's decisions.
    const campaigns = { board: async () => Promise.reject(new Error('no board is read for these rows')) };
    const { session, printed } = sessionWith(language, json, { dossier: async () => dossier, campaigns: async () => campaigns });
    const command = argv[0] === 'list' ? listCommand(session) : searchCommand(session);
    await command.exitOverride().parseAsync(argv.slice(1), { from: 'user' });
    return { printed: printed(), asked };
  }

  it('shows a campaign whose zone this Node does not know (newer time-zone data, a damaged memo) in UTC instants, and the others as before', () => {
    const zonesRead = new Map([
      ['example-2020', TORONTO],
      ['utc-2020', 'Mars/Olympus_Mons'],
    ]);
    const text = flat(renderSummaries(found, NOW, cliWords('en'), zonesRead));
    expect(text).toContain('2027-01-04 (in 32 days)');
    expect(text).toContain('2027-01-05 04:59:59Z (in 32 days)');
    expect(deadline(DUE_4_JANUARY, NOW, 'fr', 'Mars/Olympus_Mons')).toContain('UTC');
  });

  it('shows each campaign’s day on its own lead authority’s calendar, reading each campaign’s zone once', async () => {
    const { printed, asked } = await run(['list', '--overdue']);
    const row = (vendor: string) => flat(printed.split('\n').find((line) => line.includes(`engagement:`) && line.includes(`│ ${vendor} `)) ?? '');
    expect(row('zoom')).toContain('2027-01-04 (in 32 days)');
    expect(row('cisco')).toContain('2027-01-05 (in 32 days)');
    expect(asked.sort()).toEqual(['example-2020', 'utc-2020']);
  });

  it('shows it in French in search too', async () => {
    const { printed } = await run(['search', "DossierStage = 'awaiting-response'"], 'fr');
    expect(flat(printed)).toContain('4 janv. 2027 (dans 32 jours)');
  });

  it('keeps the instants under --json, and reads no zone for it', async () => {
    const { printed, asked } = await run(['list'], 'en', true);
    expect((JSON.parse(printed) as EngagementSummary[]).map((e) => e.nextDeadline)).toEqual([undefined, DUE_4_JANUARY, DUE_4_JANUARY]);
    expect(asked).toEqual([]);
  });
});

describe('a deadline', () => {
  it('is its day in the zone given, however near', () => {
    expect(deadline('2026-12-04T04:59:59.999Z', NOW, 'en', TORONTO)).toBe('2026-12-03 (in 15 h 59 min)');
    expect(deadline('2026-12-03T13:00:42Z', NOW, 'en', TORONTO)).toBe('2026-12-03 (in 42 s)');
    expect(plain(deadline('2026-12-01T04:59:59.999Z', NOW, 'fr', TORONTO))).toBe('30 nov. 2026 (il y a 2 jours)');
  });
});

describe('the campaign client', () => {
  /** A client whose campaign describes with `memo` and answers its board with `board`. */
  function campaignsWith(memo: Record<string, unknown>, board?: object): CampaignClient {
    const handle = { describe: async () => ({ memo }), query: async () => board ?? Promise.reject(new Error('no worker')) };
    return new CampaignClient({ workflow: { getHandle: () => handle } } as never, { taskQueue: 'dossier', address: 'localhost:7233' });
  }

  it('reads the campaign’s zone from its memo, else from its board, else gives none', async () => {
    expect(await campaignsWith({ campaign: { reference: 'OPC', timeZone: TORONTO } }).timeZone('example-2020')).toBe(TORONTO);
    expect(await campaignsWith({ campaign: { reference: 'OPC' } }, { timeZone: 'Europe/London' }).timeZone('example-2020')).toBe('Europe/London');
    expect(await campaignsWith({}).timeZone('example-2020')).toBeUndefined();
  });
});
