// `dossier list` and the lead's decisions (client/commands/search.ts): only a campaign whose worker
// cannot answer leaves its withdrawn engagements as visibility lists them, and the list then says
// so; any other failure (a missing master key) is the officer's to see. The stages the board shows
// can be asked for, and an empty list of running engagements points at --all.
import { describe, expect, it } from 'vitest';
import { cliWords } from '../../client/cli-words';
import { listCommand, renderSummaries, withDecidedStages } from '../../client/commands/search';
import type { Session } from '../../client/commands/context';
import { ClientErrorCode, DossierClientError } from '../../client/errors';
import { DossierError } from '../../workflows/errors';
import { listedEngagement } from '../helpers/fixtures';

const summary = listedEngagement;
const found = [summary('microsoft', 'withdrawn'), summary('zoom', 'concluded')];

describe('dossier list and the stages the lead decided', () => {
  it('leaves the stages as recorded when the campaign’s worker is down, and names the campaign it could not ask', async () => {
    const listed = await withDecidedStages(found, async () => {
      throw new DossierClientError(ClientErrorCode.NoWorker, 'no worker polls the task queue');
    });
    expect(listed.engagements.map((e) => e.stage)).toEqual(['withdrawn', 'concluded']);
    expect(listed.unread).toEqual(['vc-2020']);
  });

  it('lets any other failure through: a missing master key is not a withdrawn case', async () => {
    await expect(
      withDecidedStages(found, async () => {
        throw new DossierError('MasterKeyMissing', 'No master key: set DOSSIER_MASTER_KEY');
      }),
    ).rejects.toThrow(/No master key/);
  });

  it('shows the stage as recorded for a campaign that has no workflow (engagements started one by one) or was shredded: no decision to read', async () => {
    for (const failure of [
      new DossierClientError(ClientErrorCode.NotFound, 'campaign:vc-2020 does not exist'),
      new DossierError('KeyShredded', 'data key "campaign-vc-2020" does not exist: campaign "vc-2020" was shredded at 2026-11-30T00:00:00Z'),
    ]) {
      const listed = await withDecidedStages(found, async () => {
        throw failure;
      });
      expect(listed.engagements.map((e) => e.stage), failure.message).toEqual(['withdrawn', 'concluded']);
      expect(listed.unread, failure.message).toEqual([]);
    }
  });

  it('says, in English and French, that the stages could not be read', () => {
    expect(cliWords('en').say('list.stages-unread', { campaigns: 'vc-2020' })).toMatch(/vc-2020.*withdrawn/);
    expect(cliWords('fr').say('list.stages-unread', { campaigns: 'vc-2020' })).toMatch(/vc-2020/);
  });

  it('accepts the stages the board offers for --stage', () => {
    const stage = listCommand({} as Session).options.find((o) => o.long === '--stage');
    expect(stage?.argChoices).toEqual(expect.arrayContaining(['withdrawn', 'closed-by-lead', 'excluded']));
  });

  it('points at --all when no running engagement matches', () => {
    expect(renderSummaries([], Date.now(), cliWords('en'), new Map(), { runningOnly: true })).toContain('--all');
    expect(renderSummaries([], Date.now(), cliWords('fr'), new Map(), { runningOnly: true })).toContain('--all');
    expect(renderSummaries([], Date.now(), cliWords('en'))).toBe('No engagement matches.');
  });
});
