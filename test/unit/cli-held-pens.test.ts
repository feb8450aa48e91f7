// The held-mail commands as an officer types them: a message named by its Message-ID alone, with or
// without its angle brackets, is found in whichever holding pen holds it (the unsorted one or a
// campaign's), and a pen named wrongly is answered with the pen that holds it. The intake is the
// CLI's own (intake/open.ts) over a local Maildir and store in a scratch data folder; the mail was
// held there by an intake that counts its pens, as `npm start`'s does; the engagement is a stand-in.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { EXIT } from '../../client/cli';
import { Session, type CommandContext } from '../../client/commands/context';
import { ENDED_REASON, refused } from '../../client/errors';
import { typedMessageId } from '../../client/message-id';
import { ensureDevMasterKeys } from '../../encryption/config';
import { heldCensusIn } from '../../intake/held-census';
import { Intake } from '../../intake/intake';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { holdingFolder } from '../../intake/mailbox';
import { openStore, storeSettingsFromEnv } from '../../store';
import type { ConfirmInboundInput } from '../../workflows/messages';
import type { Language } from '../../workflows/types';
import { engagementStatusOf } from '../helpers/fixtures';
import { composeReply } from '../helpers/inbound-mail';
import { runCli } from '../helpers/cli-run';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-cli-held-pens-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A CLI session whose engagements record what they are sent, and answer their status. */
class StandInSession extends Session {
  readonly confirmed: ConfirmInboundInput[] = [];
  readonly recorded: unknown[] = [];

  constructor(
    env: Record<string, string>,
    language: Language = 'en',
    private readonly refusing?: () => Error,
  ) {
    super(env, language);
  }

  override context(command: Command): CommandContext {
    const context = super.context(command);
    const status = engagementStatusOf('vc', 'zoom', { vendorName: 'Zoom' });
    const dossier = {
      recordHeldDismissal: async () => undefined,
      status: async () => status,
      confirmInbound: async (_ref: unknown, input: ConfirmInboundInput) => (this.confirmed.push(input), { stage: status.stage }),
      recordInbound: async (_ref: unknown, input: { messageId: string }) => {
        if (this.refusing) throw this.refusing();
        return this.recorded.push(input), { messageId: input.messageId, effect: 'to-review' };
      },
    };
    return Object.assign(Object.create(context) as CommandContext, { dossier: async () => dossier as never, campaigns: async () => ({}) as never });
  }
}

/**
 * A data folder whose case mailbox holds a journalist's question in campaign vc's pen (its subject
 * names the campaign, and every engagement refused it) and a stranger's note in the unsorted pen.
 */
async function heldMail({ refusal = () => refused('engagement engagement:vc:zoom', 'the sender is not an address of Zoom') }: { refusal?: () => Error } = {}) {
  const data = mkdtempSync(join(scratch, 'data-'));
  ensureDevMasterKeys(join(data, 'master.keys'));
  const env = { DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: 'Marie Leclerc', TEMPORAL_ADDRESS: '127.0.0.1:1' };
  const mailbox = new MaildirMailbox(join(data, 'mailbox'));
  await mailbox.open();
  await mailbox.append(await composeReply({ from: 'journalist@gmail.test', to: 'case@localhost', subject: 'Re: [VC] Open letter', messageId: '<press@gmail.test>', text: 'A question.' }));
  await mailbox.append(await composeReply({ from: 'someone@nowhere.test', to: 'case@localhost', subject: 'hello', messageId: '<lost@nowhere.test>', text: 'Hello.' }));
  const store = openStore(storeSettingsFromEnv(env));
  const sorter = new Intake({
    mailbox,
    documents: {} as never,
    directory: {
      engagementByToken: async () => undefined,
      campaignByReference: async (reference) => (reference === 'VC' ? { campaignId: 'vc', vendorIds: ['zoom'] } : undefined),
      vendorOf: async () => ({ name: 'Zoom' }),
    },
    domain: 'localhost',
    caseMailbox: 'case@localhost',
    dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => Promise.reject(refusal()) } as never,
    census: heldCensusIn(store.files),
  });
  const settled = await sorter.pass();
  expect(settled).toHaveLength(2);
  expect(settled).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ outcome: 'held', messageId: '<press@gmail.test>', campaignId: 'vc' }),
      expect.objectContaining({ outcome: 'held', messageId: '<lost@nowhere.test>', campaignId: undefined }),
    ]),
  );
  await store.close();
  const inPen = (campaignId: string | undefined) => ['new', 'cur'].flatMap((sub) => (existsSync(join(mailbox.root, `.${holdingFolder(campaignId)}`, sub)) ? readdirSync(join(mailbox.root, `.${holdingFolder(campaignId)}`, sub)) : [])).length;
  return { env, mailbox, inPen };
}

const flat = (text: string) => text.replace(/[ \t\r\n]+/g, ' ');

describe('a held message named without its pen', () => {
  it('is dismissed from the campaign’s pen that holds it, typed with or without its angle brackets', async () => {
    const { env, inPen } = await heldMail();
    const bare = await runCli(new StandInSession(env), ['inbox', 'dismiss', 'press@gmail.test', '--reason', 'a journalist’s question']);
    expect(bare.exitCode, bare.stderr).toBe(EXIT.ok);
    expect(bare.stdout).toContain('<press@gmail.test> dismissed.');
    expect(inPen('vc')).toBe(0);

    const bracketed = await runCli(new StandInSession(env), ['inbox', 'dismiss', '<lost@nowhere.test>', '--reason', 'not ours']);
    expect(bracketed.exitCode, bracketed.stderr).toBe(EXIT.ok);
    expect(inPen(undefined)).toBe(0);
  });

  it('is assigned from the unsorted pen, which is not the target campaign’s', async () => {
    const { env, inPen } = await heldMail();
    const session = new StandInSession(env);
    const assigned = await runCli(session, ['inbox', 'assign', 'lost@nowhere.test', 'vc', 'zoom']);
    expect(assigned.exitCode, assigned.stderr).toBe(EXIT.ok);
    expect(assigned.stdout).toContain('<lost@nowhere.test> recorded on engagement:vc:zoom');
    expect(session.recorded).toMatchObject([{ messageId: '<lost@nowhere.test>', matchedBy: 'officer' }]);
    expect(inPen(undefined)).toBe(0);
  });

  it('is not acted on when more than one pen holds it: the officer is asked to name one', async () => {
    const { env, mailbox, inPen } = await heldMail();
    // The same message held twice: an intake counted it in the unsorted pen too.
    for await (const copy of mailbox.messages(holdingFolder('vc'))) await mailbox.append(copy.raw, holdingFolder(undefined));
    const both = await runCli(new StandInSession(env), ['inbox', 'dismiss', 'press@gmail.test', '--reason', 'spam']);
    expect(both.exitCode).toBe(EXIT.usage);
    expect(flat(both.stderr)).toContain('<press@gmail.test> is held in more than one pen (unsorted, vc): name the one to act on with --campaign <id>');
    expect(inPen('vc')).toBe(1);
    const named = await runCli(new StandInSession(env), ['inbox', 'dismiss', 'press@gmail.test', '--campaign', 'unsorted', '--reason', 'spam']);
    expect(named.exitCode, named.stderr).toBe(EXIT.ok);
    expect(inPen('vc')).toBe(1);
  });

  it('named in the wrong pen, is refused with the pen that holds it, in English and French', async () => {
    const { env } = await heldMail();
    const wrong = await runCli(new StandInSession(env), ['inbox', 'dismiss', 'lost@nowhere.test', '--campaign', 'vc', '--reason', 'x']);
    expect(wrong.exitCode).toBe(EXIT.notFound);
    expect(flat(wrong.stderr)).toContain('no held message <lost@nowhere.test> in the pen vc: it is held in unsorted (use --campaign unsorted, or leave --campaign out)');
    const fr = await runCli(new StandInSession(env, 'fr'), ['inbox', 'attach-late', 'press@gmail.test', 'vc', 'zoom', '--held-in', 'unsorted']);
    expect(fr.exitCode).toBe(EXIT.notFound);
    expect(flat(fr.stderr)).toContain('le courriel <press@gmail.test> n’attend pas dans unsorted\u00a0: il attend dans vc (indiquez --held-in vc, ou omettez --held-in)');
    const nowhere = await runCli(new StandInSession(env), ['inbox', 'dismiss', 'gone@nowhere.test', '--reason', 'x']);
    expect(nowhere.exitCode).toBe(EXIT.notFound);
    expect(flat(nowhere.stderr)).toContain('no held message <gone@nowhere.test> in the holding pens Dossier knows of');
  });
});

describe('dossier inbox held without --campaign', () => {
  it('names every campaign’s pen that holds mail, an ended campaign’s too, with its count, in English and French', async () => {
    const { env } = await heldMail();
    const listed = await runCli(new StandInSession(env), ['inbox', 'held']);
    expect(listed.exitCode, listed.stderr).toBe(EXIT.ok);
    expect(listed.stdout).toContain('<lost@nowhere.test>');
    expect(flat(listed.stdout)).toContain('Held in campaigns’ pens too, by campaign (messages): vc (1). `npx dossier inbox held --campaign <id>` lists a campaign’s.');

    // The unsorted pen emptied, the campaign's pen is still named.
    expect((await runCli(new StandInSession(env), ['inbox', 'dismiss', 'lost@nowhere.test', '--reason', 'not ours'])).exitCode).toBe(EXIT.ok);
    const fr = await runCli(new StandInSession(env, 'fr'), ['inbox', 'held']);
    expect(fr.exitCode, fr.stderr).toBe(EXIT.ok);
    expect(flat(fr.stdout)).toContain('Du courrier attend aussi pour des campagnes, par campagne (messages)\u00a0: vc (1).');

    // Its pen emptied too, no pen is named.
    expect((await runCli(new StandInSession(env), ['inbox', 'dismiss', 'press@gmail.test', '--reason', 'a journalist’s question'])).exitCode).toBe(EXIT.ok);
    const none = await runCli(new StandInSession(env), ['inbox', 'held']);
    expect(none.stdout).not.toContain('Held in campaigns’ pens too');
  });

  it('says in its JSON too which pen it listed and which campaigns’ pens hold mail, with their counts', async () => {
    const { env } = await heldMail();
    const listed = await runCli(new StandInSession(env), ['--json', 'inbox', 'held']);
    expect(listed.exitCode, listed.stderr).toBe(EXIT.ok);
    expect(JSON.parse(listed.stdout)).toMatchObject({ pen: 'unsorted', held: [{ messageId: '<lost@nowhere.test>' }], alsoHeldIn: [{ campaignId: 'vc', count: 1 }] });

    // A campaign's pen named: that pen alone was looked at, so nothing is said of the others.
    const named = JSON.parse((await runCli(new StandInSession(env), ['--json', 'inbox', 'held', '--campaign', 'vc'])).stdout) as Record<string, unknown>;
    expect(named).toMatchObject({ pen: 'vc', held: [{ messageId: '<press@gmail.test>' }] });
    expect(named).not.toHaveProperty('alsoHeldIn');
  });
});

describe('a reply’s Message-ID typed without its angle brackets', () => {
  it('is the reply’s id with them, for confirm-reply as for the held-mail commands', async () => {
    const { env } = await heldMail();
    const session = new StandInSession(env);
    const confirmed = await runCli(session, ['engagement', 'confirm-reply', 'vc', 'zoom', '--message', '5edb@zoom.test']);
    expect(confirmed.exitCode, confirmed.stderr).toBe(EXIT.ok);
    expect(session.confirmed).toMatchObject([{ messageId: '<5edb@zoom.test>', as: 'response' }]);
    expect(typedMessageId(' <a@b> ')).toBe('<a@b>');
    expect(typedMessageId('<a@b')).toBe('<a@b>');
    expect(typedMessageId('')).toBe('');
  });
});

/** An engagement that has ended refuses what it is sent, with its code, as the client's updates do (client/errors.ts). */
const ended = () => refused('engagement engagement:vc:zoom', ENDED_REASON, undefined, { refusal: 'ended', values: {} });

describe('a message an ended engagement refused', () => {
  it('is listed with the refusal worded by its code in the officer’s language, as the workspace lists it', async () => {
    const { env } = await heldMail({ refusal: ended });
    const fr = await runCli(new StandInSession(env, 'fr'), ['inbox', 'held', '--campaign', 'vc']);
    expect(fr.exitCode, fr.stderr).toBe(EXIT.ok);
    expect(flat(fr.stdout)).toContain('le dossier l’a refusé\u00a0: zoom\u00a0: Ce dossier est terminé et n’accepte plus aucune demande.');
    expect(fr.stdout).not.toContain(ENDED_REASON);
    const en = await runCli(new StandInSession(env), ['inbox', 'held', '--campaign', 'vc']);
    expect(flat(en.stdout)).toContain('the engagement refused it: zoom: This case has ended and accepts no more requests.');
  });

  it('assigned to an engagement that has ended, is refused with the command that files it with the closed record', async () => {
    const { env, inPen } = await heldMail({ refusal: ended });
    const assigned = await runCli(new StandInSession(env, 'en', ended), ['inbox', 'assign', 'lost@nowhere.test', 'vc', 'zoom']);
    expect(assigned.exitCode, assigned.stderr).toBe(EXIT.refused);
    expect(flat(assigned.stderr)).toContain(ENDED_REASON);
    expect(flat(assigned.stderr)).toContain('npx dossier inbox attach-late lost@nowhere.test vc zoom');
    expect(inPen(undefined)).toBe(1);
    const fr = await runCli(new StandInSession(env, 'fr', ended), ['inbox', 'assign', 'lost@nowhere.test', 'vc', 'zoom']);
    expect(fr.exitCode).toBe(EXIT.refused);
    expect(flat(fr.stderr)).toContain('Ce dossier est terminé et n’accepte plus aucune demande.');
    expect(flat(fr.stderr)).toContain('npx dossier inbox attach-late lost@nowhere.test vc zoom');
  });
});
