// What the officer reads at the terminal: the tables and one-line errors of the CLI, checked on
// plain values (no server), for the defects reported in issue 14.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEngagement, invalidQuery, type EngagementSummary } from '../../client/api';
import type { CampaignOverview } from '../../client/campaign-api';
import { campaignCommands, renderOverview } from '../../client/commands/campaign';
import { dueTime, engagementCommands, isoTime, receivedTime, renderStatus } from '../../client/commands/engagement';
import type { Session } from '../../client/commands/context';
import { inStableOrder, renderSummaries } from '../../client/commands/search';
import { renderStatementStatus, statementCommands } from '../../client/commands/statement';
import { readFindingsFile } from '../../client/commands/input-files';
import { cliWords } from '../../client/cli-words';
import { notFound } from '../../client/errors';
import { createOutput, deadline, when } from '../../client/output';
import type { CampaignStatus, EngagementStatus } from '../../workflows/messages';
import { completeFindings, engagementStatusOf } from '../helpers/fixtures';

const NOW = Date.parse('2020-08-01T12:00:00Z');

function engagementStatus(overrides: Partial<EngagementStatus> = {}): EngagementStatus {
  return engagementStatusOf('vc', 'zoom', { vendorName: 'Zoom Video Communications', stage: 'concluded', ...overrides });
}

describe('engagement show', () => {
  it('counts reminders and final notices apart, as campaign status does', () => {
    const sent = (kind: 'reminder' | 'final-notice', number: number) => ({ at: '2020-08-01T10:00:00Z', about: 'response', kind, number });
    const rows = (text: string) => text.split('\n').map((line) => line.replace(/[│\s]+/g, ' ').trim());
    const english = rows(renderStatus(engagementStatus({ stage: 'closed-no-response', remindersSent: [sent('reminder', 1), sent('reminder', 2), sent('final-notice', 1)] })));
    expect(english).toContain('reminders sent 2');
    expect(english).toContain('final notices sent 1');
    const french = rows(renderStatus(engagementStatus({ remindersSent: [sent('reminder', 1), sent('final-notice', 1)] }), cliWords('fr')));
    expect(french).toContain('rappels envoyés 1');
    expect(french).toContain('derniers avis envoyés 1');
  });

  it('prints the findings of a concluded engagement, principle by principle', () => {
    const findings = completeFindings();
    const text = renderStatus(engagementStatus({ findings }));
    expect(text).toContain('Findings');
    expect(text).toContain(findings.security.assessment.en);
    expect(text).toContain(findings.security.assessment.fr);
    expect(text).toContain(findings['end-user-control'].assessment.en);
  });

  it('prints the dates a timeline entry records as it prints every other time, not as raw ISO strings', () => {
    const text = renderStatus(
      engagementStatus({
        timeline: [
          { at: '2020-07-26T10:00:00.000Z', by: 'dossier', what: "response deadline set from the letter's delivery", detail: 'to 2020-08-21T03:59:59.999Z' },
          { at: '2020-07-27T10:00:00.000Z', by: 'Officer', what: 'follow-up round 1 asked', detail: 'Q1, Q2' },
        ],
      }),
    );
    expect(text).toContain("response deadline counted from the letter's delivery, now 2020-08-21 03:59Z");
    expect(text).toContain('Q1, Q2');
    expect(text).not.toContain('T03:59:59.999Z');
  });

  it('words each timeline entry as a sentence in English, as in French, not as the kinds and steps the workflow recorded', () => {
    const timeline = [
      { at: '2020-07-21T14:00:00.000Z', by: 'dossier', what: 'open-letter sent', detail: 'letter' },
      { at: '2020-07-28T10:00:00.000Z', by: 'dossier', what: 'reminder sent', detail: 'reminder-response-1' },
      { at: '2020-07-29T10:00:00.000Z', by: 'dossier', what: 'message bounced', detail: "reminder-response-1: bounced by the vendor's mail server for a@zoom.test: 5.1.1 User unknown" },
      { at: '2020-07-30T10:00:00.000Z', by: 'dossier', what: 'reply received, to review', detail: 'Re: our letter (2 document(s))' },
      { at: '2020-07-31T10:00:00.000Z', by: 'Marie Leclerc (marie@desk-12, CLI)', what: 'response recorded', detail: 'received 2020-07-30' },
      { at: '2020-08-03T10:00:00.000Z', by: 'Marie Leclerc (marie@desk-12, CLI)', what: 'demonstration d1 scheduled', detail: '2020-09-01T14:00:00.000Z' },
    ];
    const rows = (language: 'en' | 'fr') => renderStatus(engagementStatus({ timeline }), cliWords(language)).replace(/[\s│|]+/g, ' ');
    const english = rows('en');
    expect(english).toContain('open letter sent');
    expect(english).toContain('reminder sent');
    expect(english).toContain('message bounced (reminder): The vendor\'s mail server sent the message back undelivered for the address a@zoom.test.');
    expect(english).toContain('reply received, to review (documents: 2): Re: our letter');
    expect(english).toContain('response recorded, received on 2020-07-30');
    expect(english).toContain('demonstration d1 scheduled for 2020-09-01 14:00Z');
    expect(english).toContain('Marie Leclerc (marie@desk-12, command line)');
    for (const raw of ['open-letter sent', 'reminder-response-1', '2 document(s)', 'received 2020-07-30', 'bounced by the vendor']) expect(english).not.toContain(raw);
    expect(rows('fr')).toContain('lettre ouverte : message envoyé');
  });

  it('counts the events and KiB of a history continued in a new run as each language groups digits', () => {
    const timeline = [{ at: '2020-08-04T10:00:00.000Z', by: 'dossier', what: 'history continued in a new run', detail: 'run 7f3a, after 12345 events (4096 KiB)' }];
    const rows = (language: 'en' | 'fr') => renderStatus(engagementStatus({ timeline }), cliWords(language)).replace(/[│|]/g, ' ').replace(/[ \n]+/g, ' ');
    expect(rows('en')).toContain('history continued in a new run (7f3a, after 12,345 events, 4,096 KiB)');
    expect(rows('fr')).toMatch(/historique poursuivi dans une nouvelle exécution \(7f3a, après 12[\u00a0\u202f]345 événements, 4[\u00a0\u202f]096 Kio\)/);
  });

  it('says why a message was refused in words, with the server’s reply, and a failure recorded before that as recorded', () => {
    const text = renderStatus(
      engagementStatus({
        deliveryFailures: [
          {
            at: '2020-07-21T14:00:00.000Z',
            step: 'letter',
            reason: 'RecipientRejected: The mail server refused recipient 1 of 1 for good (SMTP 550): 550 No such user [privacy@zoom.test]',
            refusal: { code: 'recipients-refused', recipients: ['privacy@zoom.test'], smtpCode: 550, reply: '550 No such user' },
          },
          { at: '2020-07-22T14:00:00.000Z', step: 'reminder-response-1', reason: 'RecipientRejected: 550 Mailbox unavailable' },
        ],
      }),
    ).replace(/[\s│|]+/g, ' ');
    expect(text).toContain('The mail server refused the address privacy@zoom.test for good, usually because it does not exist or no longer accepts mail. The mail server\'s reply, as it gave it: “550 No such user”');
    expect(text).not.toContain('recipient 1 of 1');
    expect(text).toContain('RecipientRejected: 550 Mailbox unavailable');
  });
});

describe('engagement extend', () => {
  /** Runs `dossier engagement extend …` against a client that answers with `status`; the printed lines. */
  async function extend(status: EngagementStatus, args: string[], json = false): Promise<string> {
    let printed = '';
    const dossier = { extendDeadline: async () => ({ workflowId: status.workflowId, stage: status.stage }), status: async () => status, campaignTimeZone: async () => 'UTC' };
    const context = { out: createOutput(json, (t) => (printed += t)), words: cliWords('en'), officer: 'Officer', dossier: async () => dossier };
    const session = { context: () => context } as unknown as Session;
    await engagementCommands(session).exitOverride().parseAsync(['extend', 'vc', 'zoom', ...args, '--reason', 'asked'], { from: 'user' });
    return printed;
  }

  // Round 1 moved to 30 September; a demonstration on 1 August is the earliest open date.
  const rounds = [{ round: 1, askedAt: '2020-07-25T10:00:00.000Z', dueDate: '2020-09-30T00:00:00.000Z', remindersExhausted: false }];
  const roundExtended = { at: '2020-07-27T10:00:00.000Z', by: 'Officer', what: 'follow-up round 1 extended', detail: 'to 2020-09-30T00:00:00.000Z: asked' };
  const demonstrating = engagementStatus({
    stage: 'demonstration',
    responseDueDate: '2020-08-20T00:00:00.000Z',
    rounds,
    timeline: [{ at: '2020-07-26T10:00:00.000Z', by: 'Officer', what: 'response deadline extended' }, roundExtended],
    nextDeadline: '2020-08-01T14:00:00.000Z',
  });

  it('prints the date that moved, not an earlier demonstration', async () => {
    expect(await extend(demonstrating, ['--until', '2020-09-30'])).toBe('Deadline of engagement:vc:zoom (follow-up round 1) moved to 2020-09-30.\n');
    const response = engagementStatus({
      stage: 'reply-received',
      responseDueDate: '2020-09-15T00:00:00.000Z',
      timeline: [{ ...roundExtended, what: 'response deadline extended' }],
      nextDeadline: '2020-08-01T14:00:00.000Z',
    });
    expect(await extend(response, ['--for', '14 days'])).toBe('Deadline of engagement:vc:zoom moved to 2020-09-15.\n');
  });

  it('prints the whole status under --json, as before', async () => {
    expect(JSON.parse(await extend(demonstrating, ['--until', '2020-09-30'], true))).toEqual(demonstrating);
  });
});

describe('statement edit', () => {
  /** Runs `dossier statement edit vc --file …` against a campaign that answers `updated`, then `status`. */
  async function edit(updated: object, status: object): Promise<string> {
    let printed = '';
    const file = join(mkdtempSync(join(tmpdir(), 'cli-edit-')), 'text.yaml');
    writeFileSync(file, 'conclusions:\n  en: [Done.]\n  fr: [Fait.]\nlessonsLearned:\n  en: [Early.]\n  fr: [Tôt.]\n');
    const campaigns = { editStatement: async () => updated, status: async () => status };
    const context = { out: createOutput(false, (t) => (printed += t)), words: cliWords('en'), officer: 'Officer', campaigns: async () => campaigns };
    const session = { context: () => context } as unknown as Session;
    await statementCommands(session).exitOverride().parseAsync(['edit', 'vc', '--file', file], { from: 'user' });
    return printed;
  }
  const ended = { engagements: [{ vendorId: 'zoom', state: 'ended' }] };

  it('says version 1 went out when the edit wrote the last text missing and every engagement had ended', async () => {
    const authorities = [
      { id: 'opc', name: { en: 'Office of the Privacy Commissioner of Canada', fr: 'Commissariat à la protection de la vie privée du Canada' } },
      { id: 'fdpic', name: { en: 'Swiss Federal Data Protection and Information Commissioner', fr: 'Préposé fédéral à la protection des données et à la transparence' } },
    ];
    const out = await edit({ missingTextCount: 0 }, { ...ended, draft: { version: 1, pending: ['opc', 'fdpic'] }, authorities });
    expect(out).toBe(
      'Statement text updated; it was the last text missing, so version 1 went out for approval to these authorities: Office of the Privacy Commissioner of Canada; Swiss Federal Data Protection and Information Commissioner.\n',
    );
    // A worker from before the names: the ids stand for them.
    expect(await edit({ missingTextCount: 0 }, { ...ended, draft: { version: 1, pending: ['opc', 'fdpic'] } })).toContain('to these authorities: opc; fdpic.');
  });

  it('still tells the lead to submit while an engagement is under way, or to write what is missing', async () => {
    expect(await edit({ missingTextCount: 0 }, { engagements: [{ vendorId: 'zoom', state: 'in-progress' }] })).toBe('Statement text updated; submit it with `npx dossier statement draft vc`.\n');
    expect(await edit({ missingTextCount: 2 }, ended)).toBe('Statement text updated; 2 texts still missing (`npx dossier statement status` lists them).\n');
    expect(await edit({ missingTextCount: 1 }, ended)).toBe('Statement text updated; 1 text still missing (`npx dossier statement status` lists it).\n');
  });
});

describe('statement status', () => {
  const status = { campaignId: 'vc', reference: 'VC', phase: 'engaging', conclusionsSet: true, changeRequests: [], deliveryFailures: [] };
  it('names the engagements still open before the first version, and how to settle them', () => {
    const engagements = [{ vendorId: 'zoom', state: 'ended' }, { vendorId: 'cisco', state: 'in-progress' }, { vendorId: 'google', state: 'in-progress' }];
    const shown = renderStatementStatus({ ...status, engagements } as unknown as CampaignStatus);
    expect(shown).toContain('Engagements still open (version 1 goes out on its own once they end; `npx dossier statement draft --open-cases <file>` settles them now)');
    expect(shown).toContain('cisco, google');
    expect(renderStatementStatus({ ...status, engagements: engagements.slice(0, 1) } as unknown as CampaignStatus)).not.toContain('still open');
  });
});

describe('statement status, the conclusions', () => {
  const status = { campaignId: 'vc', reference: 'VC', phase: 'engaging', changeRequests: [], deliveryFailures: [], engagements: [] };
  const row = (shown: string) => shown.split('\n').find((line) => line.includes('│ conclusions'))?.replace(/[│]/g, ' ').replace(/\s+/g, ' ').trim();
  const gap = (field: string, language: string) => ({ source: 'conclusions', field, language });

  it('are said written when typed in the workspace’s editor, and in part when one language is missing', () => {
    const shown = (extra: object) => row(renderStatementStatus({ ...status, conclusionsSet: false, ...extra } as unknown as CampaignStatus));
    expect(shown({ missingTextList: [gap('conclusions', 'fr'), gap('lessonsLearned', 'fr')], missingTextCount: 2 })).toBe(
      'conclusions written in part: still missing in fr',
    );
    expect(shown({ missingTextList: [], missingTextCount: 0 })).toBe('conclusions set');
    expect(shown({ missingTextList: ['en', 'fr'].flatMap((l) => [gap('conclusions', l), gap('lessonsLearned', l)]), missingTextCount: 4 })).toBe('conclusions not set yet');
    // A list cut short cannot say the conclusions are not among what it left out.
    expect(shown({ missingTextList: [{ source: 'summary', vendorId: 'zoom', field: 'summary', language: 'fr' }], missingTextCount: 300 })).toBe('conclusions not set yet');
  });
});

describe('campaign list', () => {
  async function list(args: string[]): Promise<string> {
    let printed = '';
    const dossier = { findCampaigns: async () => [] };
    // The command's words come from its context, as the Session gives them (English by default).
    const context = { out: createOutput(false, (t) => (printed += t)), words: cliWords('en'), dossier: async () => dossier };
    await campaignCommands({ context: () => context } as unknown as Session).exitOverride().parseAsync(['list', ...args], { from: 'user' });
    return printed;
  }

  it('says that ended campaigns are listed with --all when no running one is found', async () => {
    expect(await list([])).toBe('No running campaign (`npx dossier campaign list --all` lists published and ended ones too).\n');
    expect(await list(['--all'])).toBe('No campaign.\n');
  });
});

describe('times', () => {
  it('print a day recorded as a day as that day, not as midnight UTC', () => {
    expect(when('2026-11-29')).toBe('2026-11-29');
    expect(when('2026-11-29T07:31:12.345Z')).toBe('2026-11-29 07:31Z');
  });
});

describe('--received', () => {
  it('takes a date or a timestamp, keeps a bare date a day, and refuses "in …", which names the future', () => {
    expect(receivedTime('2020-08-10')).toBe('2020-08-10');
    expect(receivedTime('2020-08-10T14:00:00Z')).toBe('2020-08-10T14:00:00.000Z');
    expect(() => receivedTime('in 2 minutes')).toThrow('--received: "in 2 minutes" is in the future; write when the response arrived');
  });

  it('suggests only past examples for a value it cannot read, never "in 2 minutes"', () => {
    expect(() => receivedTime('yesterday')).toThrow('--received: "yesterday" is not a date; write when the response arrived, like 2021-02-03 or 2021-02-03T15:00:00Z');
    expect(() => receivedTime('yesterday')).not.toThrow(/\bin \d/);
  });
});

describe('a findings file that is not valid YAML', () => {
  const refusal = (file: string): string | undefined => {
    try {
      readFindingsFile(file);
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  };

  it('is refused with the whole parser message on one line: its line and column, and that line quoted', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dossier-findings-'));
    const file = join(folder, 'findings.yaml');
    writeFileSync(file, 'principles:\n  openness: good\n    extra: bad\n');
    expect(refusal(file)).toBe(`${file}: not valid YAML or JSON: Nested mappings are not allowed in compact mappings at line 2, column 13 ("  openness: good")`);
    const unclosed = join(folder, 'unclosed.yaml');
    writeFileSync(unclosed, 'principles: {openness: [good\n');
    expect(refusal(unclosed)).toBe(`${unclosed}: not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1`);
  });
});

describe('deadlines', () => {
  it('show the second and how far away they are', () => {
    expect(deadline('2020-08-01T12:00:42Z', NOW)).toBe('2020-08-01 12:00:42Z (in 42 s)');
    expect(deadline('2020-08-04T12:00:00Z', NOW)).toBe('2020-08-04 12:00:00Z (in 3 days)');
    expect(deadline('2020-08-01T10:30:00Z', NOW)).toBe('2020-08-01 10:30:00Z (1 h 30 min ago)');
  });
});

describe('one-line errors', () => {
  it('name an engagement once, without a doubled word', () => {
    const message = notFound(describeEngagement({ campaignId: 'vc', vendorId: 'zoom' })).message;
    expect(message).toContain('engagement:vc:zoom');
    expect(message).not.toMatch(/engagement engagement/);
  });

  it('explain an unquoted search value instead of a parser internal', () => {
    const { message } = invalidQuery('DossierStage = follow-up', 'unexpected value type *sqlparser.BinaryExpr');
    expect(message).not.toContain('sqlparser');
    expect(message).toContain("DossierStage = 'follow-up'");
  });
});

describe('list and campaign status', () => {
  const summary = (campaignId: string, vendorId: string): EngagementSummary => ({
    workflowId: `engagement:${campaignId}:${vendorId}`,
    campaignId,
    vendorId,
    stage: 'awaiting-response',
    nextDeadline: '2020-08-02T12:00:00Z',
    executionStatus: 'RUNNING',
    startedAt: '2020-07-21T00:00:00Z',
  });

  it('lists engagements in one order whatever order visibility returned', () => {
    const a = [summary('vc', 'zoom'), summary('ab', 'zoom'), summary('vc', 'cisco')];
    const b = [a[2]!, a[0]!, a[1]!];
    expect(inStableOrder(a).map((e) => e.workflowId)).toEqual(inStableOrder(b).map((e) => e.workflowId));
    expect(inStableOrder(a).map((e) => e.workflowId)).toEqual(['engagement:ab:zoom', 'engagement:vc:cisco', 'engagement:vc:zoom']);
  });

  it('shows vendor ids in both the list and the campaign status, and counts a final notice apart from reminders', () => {
    const listed = renderSummaries([summary('vc', 'zoom')], NOW);
    const live = engagementStatus({
      stage: 'awaiting-response',
      remindersSent: [
        { at: '2020-07-25T00:00:00Z', about: 'response', kind: 'reminder', number: 1 },
        { at: '2020-07-28T00:00:00Z', about: 'response', kind: 'final-notice', number: 1 },
      ],
    });
    const overview = {
      workflowId: 'campaign:vc',
      campaignId: 'vc',
      reference: 'VC-2020',
      phase: 'engaging',
      engagements: [{ vendorId: 'zoom', vendorName: 'Zoom Video Communications', workflowId: 'engagement:vc:zoom', state: 'in-progress', addedLate: false }],
      conclusionsSet: false,
      changeRequests: [],
      deliveryFailures: [],
      live: { zoom: live },
    } satisfies CampaignOverview;
    const status = renderOverview(overview, NOW);
    const row = (text: string) => text.split('\n').find((line) => line.includes('engagement:vc:zoom')) ?? '';
    expect(row(listed)).toMatch(/│ zoom /);
    expect(row(status)).toMatch(/│ zoom /);
    const cells = row(status).split('│').map((c) => c.trim());
    const header = status.split('\n').find((line) => line.includes('reminders'))!.split('│').map((c) => c.trim());
    expect(cells[header.indexOf('reminders')]).toBe('1');
    expect(cells[header.indexOf('final notices')]).toBe('1');
    expect(status).not.toContain('Waiting for the published files');
    const waiting = renderOverview({ ...overview, letterNotKept: { error: 'connect ECONNREFUSED', problem: 'the letter makes each engagement\'s input 496 KB' } }, NOW);
    expect(waiting).toMatch(/Waiting for the published files \(no engagement has started\)[\s\S]*The letter could not be kept in the published files \(connect ECONNREFUSED\), and the engagements cannot carry it: the letter makes each engagement's input 496 KB\./);
    expect(status).not.toContain('Statement not mailed to');
  });

  it('lists the vendors the published statement was not mailed to, each with why', () => {
    const overview = {
      workflowId: 'campaign:vc',
      campaignId: 'vc',
      reference: 'VC-2020',
      phase: 'published',
      engagements: [],
      conclusionsSet: true,
      changeRequests: [],
      deliveryFailures: [],
      statementNotMailed: [
        { vendorId: 'houseparty', vendorName: 'Houseparty', reason: 'letter-not-accepted' },
        { vendorId: 'cisco', vendorName: 'Cisco', reason: 'never-started' },
      ],
      live: {},
    } satisfies CampaignOverview;
    const status = renderOverview(overview, NOW);
    // The workspace's heading: the letter may still reach them after the statement was published.
    expect(status).toContain('Statement not mailed to these vendors, which, when it was published, had not received the letter it answers:');
    expect(status).not.toMatch(/never had/);
    const row = (vendor: string) => status.split('\n').find((line) => line.includes(`│ ${vendor} `)) ?? '';
    expect(row('houseparty')).toMatch(/Houseparty .*the mail server had accepted none of its letters when the statement went out/);
    expect(row('cisco')).toMatch(/withdrawn before its engagement started, so no letter went out/);
  });
});

describe('times on the command line', () => {
  it('take "in 2 minutes" as well as ISO dates, so the walkthrough schedules a demonstration that is always ahead', () => {
    expect(isoTime('--at', 'in 2 minutes', NOW)).toBe('2020-08-01T12:02:00.000Z');
    expect(isoTime('--at', '2021-02-03T15:00:00Z', NOW)).toBe('2021-02-03T15:00:00.000Z');
    expect(() => isoTime('--at', 'in a while', NOW)).toThrow(/"in 2 minutes"/);
  });

  it('read a due date as a day in the lead authority\'s zone, running to its end, as the workspace reads one', () => {
    // `extend --until 2021-02-03` for a Toronto lead: the vendor is told 3 February, and has all of it.
    expect(dueTime('--until', '2021-02-03', 'America/Toronto', NOW)).toBe('2021-02-04T04:59:59.999Z');
    expect(dueTime('--due', '2021-02-03', 'Australia/Sydney', NOW)).toBe('2021-02-03T12:59:59.999Z');
    expect(dueTime('--due', '2021-02-03', 'UTC', NOW)).toBe('2021-02-03T23:59:59.999Z');
    expect(dueTime('--until', '2021-02-03T17:00', 'America/Toronto', NOW)).toBe('2021-02-03T22:00:00.000Z');
    // A timestamp that names its zone, and a relative time, are kept as they are.
    expect(dueTime('--until', '2021-02-03T14:00:00Z', 'America/Toronto', NOW)).toBe('2021-02-03T14:00:00.000Z');
    expect(dueTime('--until', 'in 2 minutes', 'America/Toronto', NOW)).toBe('2020-08-01T12:02:00.000Z');
    expect(() => dueTime('--until', '2021-02-31', 'America/Toronto', NOW)).toThrow(/--until: "2021-02-31" is not a date; write it like 2021-02-03 \(to the end of that day in America\/Toronto\)/);
  });
});
