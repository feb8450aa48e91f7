// The CLI's deadlines end to end, `node bin/dossier.js` against the run's real Temporal server: a
// campaign led from Toronto, its response due in working days, so it ends at the end of a Toronto day,
// on the next day in UTC. Every command shows that Toronto day, as the letter states it, with the
// zone read from the real campaign (its memo) and engagement (its start); `--json` keeps the instant.
// The commands' rendering is unit-tested in test/unit/cli-deadline-days.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignOverview } from '../../client/campaign-api';
import type { EngagementStatus } from '../../workflows/messages';
import { calendarDayIn } from '../../workflows/time';
import { runDossier, type CliRun } from '../helpers/cli';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { PROJECT_ROOT } from '../../paths';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'cli');
const TORONTO = 'America/Toronto';
const FRENCH_MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juill.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

/** `2027-01-04` as the French CLI writes it: `4 janv. 2027`, the first `1er`, spaces as plain ones. */
function frenchDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return `${date === 1 ? '1er' : date} ${FRENCH_MONTHS[month - 1]} ${year}`;
}
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('deadlines on the command line, for a campaign west of UTC', () => {
  const env = useDossier({ encrypted: true });
  const dossier = (args: string[]): Promise<CliRun> => runDossier(env.childEnv, 'Agnès Officer', args);

  async function ok(args: string[]): Promise<string> {
    const run = await dossier(args);
    expect(run.code, `dossier ${args.join(' ')}\n${run.stderr}`).toBe(0);
    return run.stdout;
  }

  /** The CLI tests' campaign, led from Toronto on its working calendar, its response due in working days. */
  function torontoCampaign(campaignId: string): string {
    const text = readFileSync(join(FIXTURES, 'campaign.yaml'), 'utf8')
      .replace(/^id: cli-test$/m, `id: ${campaignId}`)
      .replace(/^( {4}contact: \{ name: Geneviève Tremblay-Côté, email: lead@opc\.test \})$/m, `$1\n    jurisdiction: CA\n    timeZone: ${TORONTO}`)
      .replace(/^ {2}responseDue: 1 hour$/m, '  responseDue: 20 working days');
    expect(text).toContain(`timeZone: ${TORONTO}`);
    expect(text).toContain('responseDue: 20 working days');
    const file = join(env.scratch, `${campaignId}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  const waitForVisibility = (query: string) => until(() => env.client.workflow.count(query), ({ count }) => count >= 1, `visibility to show ${query}`, 60_000, 500);

  it('shows the Toronto day in campaign status, engagement show, list and extend, in English and French', { timeout: 240_000 }, async () => {
    const campaignId = env.uniqueId('cli-days');
    await ok(['campaign', 'start', '--file', torontoCampaign(campaignId), '--no-wait']);
    await waitForVisibility(`DossierCampaign = '${campaignId}' AND DossierStage = 'awaiting-response'`);

    const overview = JSON.parse(await ok(['--json', 'campaign', 'status', campaignId])) as CampaignOverview;
    const due = overview.live.zoom?.nextDeadline;
    expect(due, 'the --json status keeps the instant').toMatch(/^\d{4}-\d{2}-\d{2}T0[345]:59:59\.999Z$/);
    const day = calendarDayIn(due!, TORONTO);
    const utcDay = due!.slice(0, 10);
    expect(day, 'a Toronto day ends on the next UTC day').not.toBe(utcDay);

    const status = await ok(['campaign', 'status', campaignId]);
    const zoomRow = status.split('\n').find((line) => line.includes(`engagement:${campaignId}:zoom`)) ?? '';
    expect(zoomRow).toMatch(new RegExp(`${day} \\(in \\d+ days\\)`));
    expect(zoomRow).not.toContain(utcDay);
    expect(plain(await ok(['--lang', 'fr', 'campaign', 'status', campaignId]))).toContain(`${frenchDay(day)} (dans `);

    const shown = await ok(['engagement', 'show', campaignId, 'zoom']);
    expect(shown).toMatch(new RegExp(`next deadline\\s*│\\s*${day} \\(in \\d+ days\\)`));
    expect(plain(await ok(['--lang', 'fr', 'engagement', 'show', campaignId, 'zoom']))).toContain(`${frenchDay(day)} (dans `);

    const listed = await ok(['list', '--campaign', campaignId]);
    expect(listed).toContain(`${day} (in `);
    expect(listed).not.toContain(utcDay);

    const extended = await ok(['engagement', 'extend', campaignId, 'zoom', '--for', '10 working days', '--reason', 'asked for more time']);
    const after = JSON.parse(await ok(['--json', 'engagement', 'show', campaignId, 'zoom'])) as EngagementStatus;
    const newDay = calendarDayIn(after.responseDueDate!, TORONTO);
    expect(newDay).not.toBe(after.responseDueDate!.slice(0, 10));
    expect(extended).toBe(`Deadline of engagement:${campaignId}:zoom moved to ${newDay}.\n`);
    const shownAfter = await ok(['engagement', 'show', campaignId, 'zoom']);
    expect(shownAfter).toContain(`response deadline extended to ${newDay}`);
  });
});
