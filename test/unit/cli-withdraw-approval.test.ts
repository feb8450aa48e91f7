// `statement withdraw-approval`: an officer takes back an authority's approval for it, as the
// workspace's co-signatory can. The campaign is a stand-in over the workflow's own state
// (CampaignCase): its validator, then its handler, as the workflow runs them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../client/cli';
import { Session, type CommandContext } from '../../client/commands/context';
import { ensureDevMasterKeys } from '../../encryption/config';
import { CampaignCase } from '../../workflows/campaign-state';
import type { ApproveStatementInput } from '../../workflows/messages';
import type { Language } from '../../workflows/types';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-cli-withdraw-approval-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function approvedByOpc(): CampaignCase {
  const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  kase.startApproval('2026-11-25T10:00:00.000Z');
  kase.approve({ authorityId: 'opc', by: 'Daniel Therrien', version: 1 }, '2026-11-25T11:00:00.000Z');
  return kase;
}

/** A CLI session whose campaign is `kase`, taking a withdrawal as the workflow does. */
class StandInSession extends Session {
  constructor(
    env: Record<string, string>,
    readonly kase: CampaignCase,
    language: Language,
  ) {
    super(env, language);
  }

  override context(command: Command): CommandContext {
    const context = super.context(command);
    const campaigns = {
      withdrawApproval: async (_campaign: string, input: ApproveStatementInput) => {
        this.kase.checkWithdrawal(input);
        return this.kase.withdrawApproval(input, '2026-11-26T09:00:00.000Z');
      },
    };
    return Object.assign(Object.create(context) as CommandContext, { campaigns: async () => campaigns as never });
  }
}

async function run(kase: CampaignCase, argv: string[], language: Language = 'en'): Promise<string> {
  const data = join(scratch, 'data');
  ensureDevMasterKeys(join(data, 'master.keys'));
  const session = new StandInSession({ DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: 'Marie Leclerc', TEMPORAL_ADDRESS: '127.0.0.1:1' }, kase, language);
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  try {
    await buildProgram(session).parseAsync(argv, { from: 'user' });
  } finally {
    process.stdout.write = write;
    await session.close();
  }
  return stdout;
}

describe('statement withdraw-approval', () => {
  it('takes back the authority’s approval through the campaign, recorded with who did it, and says so in the officer’s language', async () => {
    const kase = approvedByOpc();
    const said = await run(kase, ['statement', 'withdraw-approval', 'vc', '--authority', 'opc', '--version', '1']);
    expect(said).toContain('The approval of version 1 by the Office of the Privacy Commissioner of Canada is withdrawn; the version awaits its answer again.');
    expect(kase.status().draft?.approvals).toEqual([]);
    expect(kase.status().approvalsWithdrawn).toMatchObject([{ authorityId: 'opc', version: 1, by: expect.stringContaining('Marie Leclerc'), approval: { by: 'Daniel Therrien' } }]);

    const again = approvedByOpc();
    expect(await run(again, ['statement', 'withdraw-approval', 'vc', '--authority', 'opc', '--version', '1'], 'fr')).toContain(
      'L’approbation de la version 1 par l’autorité «\u202fCommissariat à la protection de la vie privée du Canada\u202f» est retirée\u202f; la version attend de nouveau sa réponse.',
    );
  });
});
