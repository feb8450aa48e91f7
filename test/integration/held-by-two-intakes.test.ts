// Two intakes on one case mailbox (npm start beside npm run demo, or two hosts) that both read a
// message no engagement takes: each writes a held copy, one moves the original, the other finds it
// gone. The pen must keep one copy, whichever finishes first, in a Maildir and on the run's Dovecot.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { refused } from '../../client/errors';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { CLAIMS_FOLDER, DISMISSED_FOLDER, Intake, ORIGINALS_FOLDER } from '../../intake/intake';
import { holdingFolder, RECORDED_FOLDER, type MailboxSource } from '../../intake/mailbox';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import type { RecordInboundResult } from '../../workflows/messages';
import { composeReply } from '../helpers/inbound-mail';

interface Home {
  /** Two handles on one mailbox, as two intake processes have. */
  first: MailboxSource;
  second: MailboxSource;
  cleanup(): void;
}

const homes: [string, () => Home][] = [
  [
    'a local Maildir',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'dossier-pen-'));
      return { first: new MaildirMailbox(root), second: new MaildirMailbox(root), cleanup: () => rmSync(root, { recursive: true, force: true }) };
    },
  ],
  [
    'IMAP (Dovecot)',
    () => {
      const { host, port, password } = inject('imap');
      const settings = { host, port, secure: false, user: `pen-${randomUUID().slice(0, 8)}`, password };
      return { first: new ImapMailbox(settings), second: new ImapMailbox(settings), cleanup: () => undefined };
    },
  ],
];

const directory = {
  engagementByToken: async () => undefined,
  campaignByReference: async () => ({ campaignId: 'vc', vendorIds: ['zoom'] }),
  vendorOf: async () => ({ name: 'Zoom', contacts: [{ name: 'Privacy office', email: 'privacy@zoom.test' }] }),
};

/** An intake whose engagement refuses every message (the case has ended), so each is held. */
function refusingIntake(mailbox: MailboxSource): Intake {
  return new Intake({
    mailbox,
    dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => Promise.reject(refused('engagement engagement:vc:zoom', 'the case has ended')) },
    documents: {} as never,
    directory,
    domain: 'test.example',
    caseMailbox: 'case@test.example',
  });
}

/** An intake (an officer's, in the workspace) whose engagement takes what it is given. */
function acceptingIntake(mailbox: MailboxSource): Intake {
  return new Intake({
    mailbox,
    dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => ({ effect: 'noted' }) as unknown as RecordInboundResult },
    documents: { reference: async () => undefined, save: async () => undefined } as never,
    directory,
    domain: 'test.example',
    caseMailbox: 'case@test.example',
  });
}

/** A claim's lease in these tests: seconds, where a workspace's is minutes (IMAP dates its messages to the second). */
const LEASE_MS = 3_000;

/** An officer's workspace with the tests' claim lease, whose engagement takes what it is given. */
function workspaceIntake(mailbox: MailboxSource): Intake {
  return new Intake({
    mailbox,
    dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => ({ effect: 'noted' }) as unknown as RecordInboundResult },
    documents: { reference: async () => undefined, save: async () => undefined } as never,
    directory,
    domain: 'test.example',
    caseMailbox: 'case@test.example',
    claimLeaseMs: LEASE_MS,
  });
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

const late = (id: string) => composeReply({ from: 'privacy@zoom.test', to: 'case@test.example', subject: '[VC] late answer', messageId: id, text: 'Our late answers.' });

describe.each(homes)('a message two intakes hold at once, in %s', (_name, make) => {
  let home: Home | undefined;
  const open = async () => {
    home = make();
    await Promise.all([home.first.open(), home.second.open()]);
    return home;
  };
  afterEach(async () => {
    await home?.first.close();
    await home?.second.close();
    home?.cleanup();
    home = undefined;
  });

  it('stays in the holding pen as one copy when the second intake finds the original gone', async () => {
    const { first, second } = await open();
    await first.append(await late('<twice-1@zoom.test>'));
    // Both read it before either moved it.
    const [seen] = await all(second.messages());
    expect(await refusingIntake(first).pass()).toMatchObject([{ outcome: 'held' }]);
    expect(await refusingIntake(second).handle(seen)).toEqual({ messageId: '<twice-1@zoom.test>', outcome: 'taken' });
    expect(await all(first.messages(holdingFolder('vc')))).toHaveLength(1);
    expect(await all(first.messages(ORIGINALS_FOLDER))).toHaveLength(1);
  });

  it('stays as one copy when both intakes hold it at the same moment, and leaves the pen whole once assigned', async () => {
    const { first, second } = await open();
    // Dovecot moves a message for each of two sessions that ask at once, most times it is tried.
    const ids = Array.from({ length: 10 }, (_, n) => `<together-${n}@zoom.test>`);
    for (const id of ids) {
      await first.append(await late(id));
      const [a] = await all(first.messages());
      const [b] = await all(second.messages());
      const settled = await Promise.all([refusingIntake(first).handle(a), refusingIntake(second).handle(b)]);
      expect(settled.map((s) => s.outcome)).toContain('held');
      expect(settled.map((s) => s.outcome)).not.toContain('left');
    }
    expect(await all(first.messages(holdingFolder('vc')))).toHaveLength(ids.length);
    expect((await refusingIntake(first).held('vc')).map((m) => m.messageId)).toEqual(ids);
    await acceptingIntake(first).assign('vc', ids[0], { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay');
    expect(await all(first.messages(holdingFolder('vc')))).toHaveLength(ids.length - 1);
    expect(await all(first.messages(RECORDED_FOLDER))).toHaveLength(1);
  });

  it('stays as one copy when the intake that copied it first is the one told the original is gone', async () => {
    const { first, second } = await open();
    await first.append(await late('<twice-5@zoom.test>'));
    const [a] = await all(first.messages());
    const [b] = await all(second.messages());
    // The first intake copies it, then waits to move it until the second has copied, moved and settled it.
    let secondDone!: () => void;
    const settledBySecond = new Promise<void>((resolve) => (secondDone = resolve));
    let firstCopied!: () => void;
    const copiedByFirst = new Promise<void>((resolve) => (firstCopied = resolve));
    const waitingToMove = Object.create(first, {
      append: { value: async (raw: Buffer, folder: string) => first.append(raw, folder).finally(() => firstCopied()) },
      move: { value: async (ref: string, folder: string) => settledBySecond.then(() => first.move(ref, folder)) },
    }) as MailboxSource;
    const firstHandled = refusingIntake(waitingToMove).handle(a);
    await copiedByFirst;
    expect(await refusingIntake(second).handle(b)).toMatchObject({ outcome: 'held' });
    secondDone();
    expect(await firstHandled).toEqual({ messageId: '<twice-5@zoom.test>', outcome: 'taken' });
    expect((await refusingIntake(first).held('vc')).map((m) => m.messageId)).toEqual(['<twice-5@zoom.test>']);
    expect(await all(first.messages(holdingFolder('vc')))).toHaveLength(1);
  });

  it('stays as one copy when the second intake finds the original gone in the middle of its own pass', async () => {
    const { first, second } = await open();
    await first.append(await late('<twice-4@zoom.test>'));
    let release!: () => void;
    const firstDone = new Promise<void>((resolve) => (release = resolve));
    // One message at a time: the second's pass still reads the inbox when it finds the original gone.
    const slow = new Intake({
      mailbox: second,
      dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => firstDone.then(() => Promise.reject(refused('engagement engagement:vc:zoom', 'the case has ended'))) },
      documents: {} as never,
      directory,
      domain: 'test.example',
      caseMailbox: 'case@test.example',
      concurrency: 1,
    });
    const secondPass = slow.pass();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await refusingIntake(first).pass()).toMatchObject([{ outcome: 'held' }]);
    release();
    expect(await secondPass).toEqual([{ messageId: '<twice-4@zoom.test>', outcome: 'taken' }]);
    expect(await all(first.messages(holdingFolder('vc')))).toHaveLength(1);
  });

  it('does not come back to the pen after an officer dismissed it, when the second intake holds it late', async () => {
    const { first, second } = await open();
    await first.append(await late('<twice-3@zoom.test>'));
    const [seen] = await all(second.messages());
    await refusingIntake(first).pass();
    await acceptingIntake(first).dismiss('vc', '<twice-3@zoom.test>', 'Officer Tremblay', 'answered by telephone');
    expect(await refusingIntake(second).handle(seen)).toEqual({ messageId: '<twice-3@zoom.test>', outcome: 'taken' });
    expect(await refusingIntake(first).held('vc')).toEqual([]);
    expect(await all(first.messages(DISMISSED_FOLDER))).toHaveLength(1);
  });
});

describe.each(homes)('a message one intake records while another holds it, in %s', (_name, make) => {
  let home: Home | undefined;
  const open = async () => {
    home = make();
    await Promise.all([home.first.open(), home.second.open()]);
    return home;
  };
  afterEach(async () => {
    await home?.first.close();
    await home?.second.close();
    home?.cleanup();
    home = undefined;
  });

  it('leaves the holding pen when the holding intake moved the original first, kept in Originals and Recorded', async () => {
    const { first, second } = await open();
    await first.append(await late('<recorded-late@zoom.test>'));
    const [a] = await all(first.messages());
    const [b] = await all(second.messages());
    // The second intake (its engagement refused it a moment earlier) holds it and moves the original before the first, which recorded it, moves it.
    expect(await refusingIntake(second).handle(b)).toMatchObject({ outcome: 'held' });
    expect(await acceptingIntake(first).handle(a)).toEqual({ messageId: '<recorded-late@zoom.test>', outcome: 'taken' });
    expect(await refusingIntake(first).held('vc')).toEqual([]);
    // An officer's form on it, arriving now, is told it was recorded (not that an officer decided it).
    expect(await refusingIntake(first).fate('<recorded-late@zoom.test>')).toMatchObject({ outcome: 'recorded' });
    expect(await all(first.messages(holdingFolder('vc')))).toEqual([]);
    expect((await all(first.messages(ORIGINALS_FOLDER))).length).toBeGreaterThanOrEqual(1);
    expect(await all(first.messages(RECORDED_FOLDER))).toHaveLength(1);
    expect(await all(first.messages(CLAIMS_FOLDER))).toEqual([]);
  });

  it('leaves the holding pen when the recording intake moved the original first', async () => {
    const { first, second } = await open();
    await first.append(await late('<recorded-first@zoom.test>'));
    const [a] = await all(first.messages());
    const [b] = await all(second.messages());
    expect(await acceptingIntake(first).handle(a)).toMatchObject({ outcome: 'recorded' });
    expect(await refusingIntake(second).handle(b)).toEqual({ messageId: '<recorded-first@zoom.test>', outcome: 'taken' });
    expect(await refusingIntake(second).held('vc')).toEqual([]);
    expect(await refusingIntake(second).fate('<recorded-first@zoom.test>')).toMatchObject({ outcome: 'recorded' });
    expect(await all(first.messages(RECORDED_FOLDER))).toHaveLength(1);
    expect(await all(first.messages(CLAIMS_FOLDER))).toEqual([]);
  });

  it('stays held when what was recorded is another message under its Message-ID', async () => {
    const { first } = await open();
    await first.append(await late('<reused-id@zoom.test>'));
    expect(await acceptingIntake(first).pass()).toMatchObject([{ outcome: 'recorded' }]);
    const other = composeReply({ from: 'privacy@zoom.test', to: 'case@test.example', subject: '[VC] another answer', messageId: '<reused-id@zoom.test>', text: 'Something else.' });
    await first.append(await other);
    expect(await refusingIntake(first).pass()).toMatchObject([{ outcome: 'held' }]);
    expect((await refusingIntake(first).held('vc')).map((m) => m.subject)).toEqual(['[VC] another answer']);
  });
});

describe.each(homes)('a held message two officers decide at the same moment, in %s', (_name, make) => {
  let home: Home | undefined;
  afterEach(async () => {
    await home?.first.close();
    await home?.second.close();
    home?.cleanup();
    home = undefined;
  });

  it('goes to one engagement only: the second officer is told it is being decided or has gone from the pen, and no claim is left', async () => {
    home = make();
    const { first, second } = home;
    await Promise.all([first.open(), second.open()]);
    await first.append(await late('<both-officers@zoom.test>'));
    await refusingIntake(first).pass();
    const recorded: string[] = [];
    // Two workspaces, each with its own connection; recording takes a moment, as Temporal's update does.
    const workspace = (mailbox: MailboxSource) =>
      new Intake({
        mailbox,
        dossier: { recordHeldDismissal: async () => undefined,
          recordInbound: async (target: { vendorId: string }) => {
            await new Promise((resolve) => setTimeout(resolve, 300));
            recorded.push(target.vendorId);
            return { effect: 'noted' } as unknown as RecordInboundResult;
          },
        },
        documents: { reference: async () => undefined, save: async () => undefined } as never,
        directory,
        domain: 'test.example',
        caseMailbox: 'case@test.example',
      });
    const decided = await Promise.allSettled([
      workspace(first).assign('vc', '<both-officers@zoom.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Officer Tremblay'),
      workspace(second).assign('vc', '<both-officers@zoom.test>', { campaignId: 'vc', vendorId: 'teams' }, 'Agente Lévesque'),
    ]);
    expect(recorded).toHaveLength(1);
    expect(decided.map((d) => d.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = decided.find((d): d is PromiseRejectedResult => d.status === 'rejected')!.reason;
    // Told it is being decided while the first decision runs, or gone from the pen once it has finished.
    expect(['Busy', 'NotFound']).toContain(refused.code);
    expect(await refusingIntake(first).held('vc')).toEqual([]);
    expect(await all(first.messages(CLAIMS_FOLDER))).toEqual([]);
  });

  it('is said to be under another officer’s decision while one whose process died holds it, then decided once its claim’s lease ran out, its claims deleted', async () => {
    home = make();
    const { first, second } = home;
    await Promise.all([first.open(), second.open()]);
    for (const id of ['<died-on@zoom.test>', '<also-died-on@zoom.test>']) await first.append(await late(id));
    await refusingIntake(first).pass();
    // A workspace whose process is killed in the middle of recording: from then on it writes nothing, so its claims stay, unrenewed.
    let killed = false;
    const dead = () => Promise.reject(new Error('the process was killed'));
    const dyingMailbox = Object.create(second, {
      append: { value: (raw: Buffer, folder?: string) => (killed ? dead() : second.append(raw, folder)) },
      discard: { value: (ref: string, folder: string) => (killed ? dead() : second.discard(ref, folder)) },
      move: { value: (ref: string, to: string, from?: string) => (killed ? dead() : second.move(ref, to, from)) },
    }) as MailboxSource;
    const dying = new Intake({
      mailbox: dyingMailbox,
      dossier: { recordHeldDismissal: async () => undefined, recordInbound: () => new Promise<never>(() => undefined) },
      documents: { reference: async () => undefined, save: async () => undefined } as never,
      directory,
      domain: 'test.example',
      caseMailbox: 'case@test.example',
      claimLeaseMs: LEASE_MS,
    });
    void dying.assign('vc', '<died-on@zoom.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Agente Lévesque');
    void dying.assign('vc', '<also-died-on@zoom.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Agente Lévesque');
    await new Promise((resolve) => setTimeout(resolve, 500));
    killed = true;
    expect(await all(first.messages(CLAIMS_FOLDER))).toHaveLength(2);
    const blocked = await workspaceIntake(first)
      .dismiss('vc', '<died-on@zoom.test>', 'Officer Tremblay', 'answered by telephone')
      .then(() => undefined, (err: unknown) => err);
    expect(blocked).toMatchObject({ code: 'Busy' });
    expect((blocked as Error).message).toContain('Another officer is assigning or dismissing this message right now');
    expect((await refusingIntake(first).held('vc')).map((m) => m.messageId)).toContain('<died-on@zoom.test>');
    expect(await all(first.messages(CLAIMS_FOLDER))).toHaveLength(2);
    // Past the lease, unrenewed: the dead decisions hold nothing (not ten minutes on), and their claims go with the next decision.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 1_500));
    await workspaceIntake(first).dismiss('vc', '<died-on@zoom.test>', 'Officer Tremblay', 'answered by telephone');
    expect((await refusingIntake(first).held('vc')).map((m) => m.messageId)).toEqual(['<also-died-on@zoom.test>']);
    expect(await all(first.messages(CLAIMS_FOLDER))).toEqual([]);
  });

  it('stays under a live decision that outlasts the claim’s lease, which it renews, and no claim is left once done', async () => {
    home = make();
    const { first, second } = home;
    await Promise.all([first.open(), second.open()]);
    await first.append(await late('<slow-decision@zoom.test>'));
    await refusingIntake(first).pass();
    const recorded: string[] = [];
    const slow = new Intake({
      mailbox: second,
      dossier: { recordHeldDismissal: async () => undefined,
        recordInbound: async (target: { vendorId: string }) => {
          await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2.5));
          recorded.push(target.vendorId);
          return { effect: 'noted' } as unknown as RecordInboundResult;
        },
      },
      documents: { reference: async () => undefined, save: async () => undefined } as never,
      directory,
      domain: 'test.example',
      caseMailbox: 'case@test.example',
      claimLeaseMs: LEASE_MS,
    });
    const assigned = slow.assign('vc', '<slow-decision@zoom.test>', { campaignId: 'vc', vendorId: 'zoom' }, 'Agente Lévesque');
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 1.6));
    const blocked = await workspaceIntake(first)
      .assign('vc', '<slow-decision@zoom.test>', { campaignId: 'vc', vendorId: 'teams' }, 'Officer Tremblay')
      .then(() => undefined, (err: unknown) => err);
    expect(blocked).toMatchObject({ code: 'Busy' });
    await assigned;
    expect(recorded).toEqual(['zoom']);
    expect(await refusingIntake(first).held('vc')).toEqual([]);
    expect(await all(first.messages(CLAIMS_FOLDER))).toEqual([]);
  });
});
