// `inbox attach-late` as the officer reads it when the reply's campaign cannot be told of it (it has
// ended, or cannot be reached): the reply is attached all the same, and the officer is told that the
// lead's `statement status` will not point it out, while the next `statement draft` still reads it.
// The intake is the CLI's own (intake/open.ts) over a local Maildir and store in a scratch data folder;
// the engagement and the campaign are stand-ins answering its status and taking (or failing) the signal.
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import { EXIT } from '../../client/cli';
import { Session, type CommandContext } from '../../client/commands/context';
import { ensureDevMasterKeys } from '../../encryption/config';
import { ENDED_REASON, refused } from '../../client/errors';
import { Intake } from '../../intake/intake';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import type { Language } from '../../workflows/types';
import { engagementStatusOf } from '../helpers/fixtures';
import { composeReply } from '../helpers/inbound-mail';
import { runCli } from '../helpers/cli-run';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-cli-attach-late-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

// Houseparty's letter went out on 1 September; its case closed without a response on 1 October.
const closed = engagementStatusOf('vc', 'houseparty', { vendorName: 'Houseparty', stage: 'closed-no-response', letterSentAt: '2026-09-01T09:00:00.000Z', endedAt: '2026-10-01T12:00:00.000Z' });
const messageId = '<response@lawfirm.test>';

/** A CLI session whose engagement is `closed` and whose campaign takes the late reply's signal with `tell`. */
class StandInSession extends Session {
  readonly told: unknown[] = [];

  constructor(
    env: Record<string, string>,
    language: Language,
    private readonly tell: () => Promise<void>,
  ) {
    super(env, language);
  }

  override context(command: Command): CommandContext {
    const context = super.context(command);
    const dossier = { status: async () => closed };
    const campaigns = { tellLateReply: async (_campaignId: string, reply: unknown) => (this.told.push(reply), this.tell()) };
    return Object.assign(Object.create(context) as CommandContext, { dossier: async () => dossier as never, campaigns: async () => campaigns as never });
  }
}

/**
 * Houseparty's counsel's reply, received at `arrivedAt` and held with mail that names no campaign,
 * then attached by `inbox attach-late` in `language`: what the CLI printed, on which stream, and
 * what the campaign was sent.
 */
async function attach(arrivedAt: string, language: Language, tell: () => Promise<void>) {
  const data = mkdtempSync(join(scratch, 'data-'));
  ensureDevMasterKeys(join(data, 'master.keys'));
  const mailbox = new MaildirMailbox(join(data, 'mailbox'));
  await mailbox.open();
  const ref = await mailbox.append(await composeReply({ from: 'counsel@lawfirm.test', to: 'case@localhost', subject: 'Our client’s response', messageId, text: 'On behalf of our client, its response.' }));
  const seconds = Date.parse(arrivedAt) / 1000;
  utimesSync(join(mailbox.root, ref), seconds, seconds);
  const nothing = async () => undefined;
  const sorter = new Intake({
    mailbox,
    documents: {} as never,
    directory: { engagementByToken: nothing, campaignByReference: nothing, vendorOf: async () => ({ name: 'nobody' }) },
    domain: 'localhost',
    caseMailbox: 'case@localhost',
    dossier: {} as never,
  });
  expect(await sorter.pass()).toMatchObject([{ outcome: 'held', messageId }]);

  const session = new StandInSession({ DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: 'Marie Leclerc', TEMPORAL_ADDRESS: '127.0.0.1:1' }, language, tell);
  const { stdout, stderr, exitCode } = await runCli(session, ['inbox', 'attach-late', messageId, 'vc', 'houseparty', '--held-in', 'unsorted']);
  return { stdout: stdout.replace(/[ \t\r\n]+/g, ' '), stderr, exitCode, told: session.told };
}

const unreachable = async () => {
  throw new Error('the Temporal server at 127.0.0.1:7233 cannot be reached');
};
// As CampaignClient.tellLateReply throws it for a campaign whose workflow has completed (client/errors.ts fromTemporal).
const ended = async () => {
  throw refused('campaign:vc', ENDED_REASON, undefined, { refusal: 'ended', values: {} });
};
const NOT_TOLD_EN = 'Its campaign could not be told of it, so `npx dossier statement status` will not point it out to the lead: the lead\'s next `npx dossier statement draft` still reads the reply from the record.';

describe('a late reply attached at the command line when its campaign cannot be told of it', () => {
  it('says the campaign could not be told and that the next `statement draft` still reads the reply, in English and French', async () => {
    const en = await attach('2026-10-20T09:00:00.000Z', 'en', unreachable);
    expect(en.exitCode, en.stderr).toBe(EXIT.ok);
    expect(en.told).toEqual([{ vendorId: 'houseparty', receivedAt: '2026-10-20T09:00:00.000Z' }]);
    expect(en.stdout).toContain(`${messageId} attached to the record of engagement:vc:houseparty, which stays closed-no-response. ${NOT_TOLD_EN}`);
    // The reason, for whoever looks into it: the intake's log, on stderr.
    expect(en.stderr).toContain(`intake: ${messageId} is attached to engagement:vc:houseparty, but its campaign could not be told (the Temporal server at 127.0.0.1:7233 cannot be reached)`);

    const fr = await attach('2026-10-20T09:00:00.000Z', 'fr', unreachable);
    expect(fr.exitCode, fr.stderr).toBe(EXIT.ok);
    expect(fr.stdout).toContain(
      'Sa campagne n’a pas pu en être informée, et `npx dossier statement status` ne le signalera pas à l’autorité responsable\u00a0: son prochain `npx dossier statement draft` lit tout de même la réponse au dossier.',
    );
  });

  it('says so of a reply that came in time too, instead of promising that the next version will say it', async () => {
    const inTime = await attach('2026-09-29T15:00:00.000Z', 'en', unreachable);
    expect(inTime.exitCode, inTime.stderr).toBe(EXIT.ok);
    expect(inTime.stdout).toContain('It reached the case mailbox within the time given, before the case closed on ');
    expect(inTime.stdout).toContain(
      "Its campaign could not be told of it, so `npx dossier statement status` will not point it out to the lead: the lead's next `npx dossier statement draft` still reads the reply from the record, and will say that the company replied in time.",
    );
    expect(inTime.stdout).not.toContain('the next version of the statement will say');
  });

  it('says, of a campaign that has ended, that no version of its statement will say the reply, in English and French', async () => {
    const en = await attach('2026-10-20T09:00:00.000Z', 'en', ended);
    expect(en.exitCode, en.stderr).toBe(EXIT.ok);
    expect(en.stdout).toContain(`${messageId} attached to the record of engagement:vc:houseparty, which stays closed-no-response. Its campaign has ended: no version of its statement will say this reply.`);
    expect(en.stdout).not.toContain('statement draft');
    expect(en.stderr).toContain('no version of its statement will say it');
    const fr = await attach('2026-10-20T09:00:00.000Z', 'fr', ended);
    expect(fr.stdout).toContain('Sa campagne est terminée\u00a0: aucune version de sa déclaration ne fera état de cette réponse.');
    const inTime = await attach('2026-09-29T15:00:00.000Z', 'en', ended);
    expect(inTime.stdout).toContain(', but its campaign has ended: no version of its statement will say that the company replied in time.');
  });

  it('says nothing of the kind when the campaign is told', async () => {
    const told = await attach('2026-10-20T09:00:00.000Z', 'en', async () => {});
    expect(told.exitCode, told.stderr).toBe(EXIT.ok);
    expect(told.told).toHaveLength(1);
    expect(told.stdout).toContain(`${messageId} attached to the record of engagement:vc:houseparty, which stays closed-no-response.`);
    expect(told.stdout).not.toContain('could not be told');
    expect(told.stderr).toBe('');
    const inTime = await attach('2026-09-29T15:00:00.000Z', 'en', async () => {});
    expect(inTime.stdout).toContain('the next version of the statement will say that the company replied in time.');
    expect(inTime.stdout).not.toContain('could not be told');
  });
});
