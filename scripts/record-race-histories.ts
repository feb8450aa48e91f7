// Records the histories of the patches asked only when their case arises, replayed in CI beside the
// demo's: a reply and a response recorded while the letter was still going out
// (letter-keeps-later-stage), a withdrawal while a follow-up round waited for the calendar
// (ask-rechecks-after-calendar), a letter bounced from each address in a report of its own
// (bounces-add-up), a statement version the worker could not print (unprintable-draft-waits), a
// bounce from every address read while the letter was still going out (bounce-before-delivery),
// a statement published after a vendor whose letter was refused for good was withdrawn
// (no-notice-unless-letter-delivered), and one published after a vendor was withdrawn while the
// letter waited for the published files, so its engagement never started (no-notice-unless-written-to),
// with another vendor's letter still going out (its notice's activity does not send it), and a run
// continued by code that did not hand over the count of letters, whose letter then bounced and went
// again to a corrected address (continued-run-counts-letters). Not a patch but revision 5: a
// demonstration whose result's due date the calendar was asked for, moved while it answered
// (demonstration-result-on-calendar). A statement that marks the vendors the letter never reached,
// for each of the three reasons (statement-says-who-was-written-to). A statement whose letter reached
// a vendor after the version saying it had not was approved: corrected in a version 2, approved in
// turn (statement-published-as-approved); and one whose lead submitted a version marked from the
// ledger's last answer, which the ledger, asked before it went out, contradicted: corrected at once
// in the next version, sent in its place (statement-corrected-before-sent, same patch). A version a
// signatory sent back while the ledger was asked about it, which the answer contradicts: not sent,
// before it went out or at publication; the lead's next is (statement-sent-back-not-sent-unchecked). A
// version the lead replaced while it was being printed, not sent (statement-superseded-not-sent). A
// version a signatory sent back while it was being printed, not sent either (statement-sent-back-not-sent). A
// version's requests the relay turned away, cancelled once it was sent back (statement-stale-requests-cancelled);
// one the relay was handling then, and turned away after, cancelled too (statement-request-failed-once-cancelled);
// its reminders the relay turned away, cancelled likewise (statement-stale-reminders-cancelled),
// and once the version is approved (statement-reminders-cancelled-once-approved), or only the
// reminder of the signatory who approved (statement-reminder-cancelled-once-signatory-approved).
// Revision 6: an engagement withdrawn with a demonstration still to come, whose invitees are sent
// its cancellation (demonstration-cancelled-on-withdrawal).
// Revision 7: the same, when the whole engagement is cancelled (demonstration-cancelled-on-cancellation),
// and a letter held up on its way whose send states the due date counted from its delivering
// attempt, which the case keeps (letter-due-counted-on-delivery).
// Patches no recorded history had gone through: a reply whose review outlasts every step once
// planned, after which each step comes as late as the review lasted (reminders-wait-out-review); a
// follow-up round's emailed answers awaiting review, which hold its reminders back
// (round-reminders-wait-for-review); a version that only respaces the French, which keeps the approval
// of the version it respaces (statement-approvals-kept-as-printed); and the officers' digest, which
// goes on to the next officer past an address refused for good (digest-past-refusal); and a statement
// drafted one day on the lead authority's calendar and published the next, dated the day it was
// issued (statement-dated-at-publication). A letter copy its send could not keep, listed in the
// campaign's status and written at the next look, and one of a letter that reached its vendor after
// the statement saying it had not was published, taken back (letter-copies-filed). An open letter
// whose copy the store refused, known to its engagement, which files it once the store works again
// (letter-copy-filed-by-engagement). The same letter bounced and sent again to a corrected address,
// its copy refused too: the folder keeps the corrected letter's (letter-copy-last-sent). Such a
// copy listed on the campaign board as the engagement's next step until it is filed (letter-copy-on-board),
// and taken off the board when the engagement is cancelled before it was (letter-copy-off-board-once-cancelled).
// Not a patch: a letter copy on file that is not the letter sent again to the corrected address,
// listed by the campaign's look until the PDF the vendor received is put back (letter-copy-not-last-letter).
// A letter that went to one address, a contact added by an officer, then a bounce from that address:
// undeliverable at once (bounces-to-letter-recipients); recorded with HISTORY_NAME set on code before
// the patch too, where only the added address's bounce made it so (…-contacts-changed-bounce-before-patch).
// The worker's activities are held where the race needs it; payloads are left unencrypted, as in
// record-histories.ts, so the replay needs no key. Names given on the command line record only those
// (a history recorded by an earlier version of the code is worth keeping):
//   node --import tsx scripts/record-race-histories.ts [bounce-before-delivery …]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSmtpTransport } from '../activities/email';
import { DossierClient, engagementStartOptions } from '../client/api';
import { CampaignClient } from '../client/campaign-api';
import { startDevServer } from '../infra/dev-server';
import { MailSink } from '../infra/mail-sink';
import { PROJECT_ROOT } from '../paths';
import { continueRun, letterBounce } from '../test/helpers/continued-run';
import { engagementInput, fastPolicy, patientPolicy, testCampaign, testVendor } from '../test/helpers/fixtures';
import { engagement, officerDigest } from '../workflows';
import { ENGAGEMENT_REVISION } from '../workflows/engagement-rules';
import {
  askFollowUpUpdate,
  confirmInboundUpdate,
  changeContactsUpdate,
  correctContactsUpdate,
  dismissInboundUpdate,
  editStatementUpdate,
  engagementStatusQuery,
  recordInboundUpdate,
  recordResponseUpdate,
  rescheduleDemonstrationUpdate,
  scheduleDemonstrationUpdate,
  withdrawUpdate,
  type EngagementStatus,
  type RecordInboundInput,
} from '../workflows/messages';
import type { CampaignRef, EngagementInput, OutgoingMessage } from '../workflows/types';
import { engagementWorkflowId } from '../workflows/workflow-ids';

const OFFICER = 'Officer Tremblay';
const only = process.argv.slice(2);
const wanted = (patch: string) => only.length === 0 || only.includes(patch);
const day = new Date().toISOString().slice(0, 10);

/** Polls `read` until `ok`, for a minute. */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 240; i++) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A gate the script opens; a held activity waits at it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** The campaign with its lead authority's calendar in this zone (Canada's holidays: no duration here counts working days). */
function inLeadZone(campaign: CampaignRef, timeZone: string): CampaignRef {
  return { ...campaign, authorities: campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone } : a)) };
}

/**
 * The zone whose next midnight comes soonest, at least `margin` ms from now, and that moment: a
 * statement drafted before it and published after it is issued a day after its version's date, with
 * a wait of half an hour at most (some zone changes its day every half hour).
 */
function soonestMidnight(margin: number): { timeZone: string; midnight: number } {
  const now = Date.now();
  let soonest: { timeZone: string; midnight: number } | undefined;
  for (const timeZone of Intl.supportedValuesOf('timeZone')) {
    const clock = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(now).map((p) => [p.type, Number(p.value)]),
    );
    const sinceMidnight = ((clock.hour! * 60 + clock.minute!) * 60 + clock.second!) * 1000 + (now % 1000);
    const midnight = now - sinceMidnight + 24 * 3600_000;
    if (midnight - now >= margin && (!soonest || midnight < soonest.midnight)) soonest = { timeZone, midnight };
  }
  return soonest!;
}

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  const file = join(PROJECT_ROOT, 'test', 'replay', 'histories', `${name}-${day}.json`);
  writeFileSync(file, historyToJSON(history));
  console.log(name, history.events?.length, 'events ->', file);
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-record-races-'));
  const server = await startDevServer({ uiPort: false });
  const sink = await new MailSink().start();
  const taskQueue = 'dossier-record-races';
  const transport = createSmtpTransport(sink.url);
  const activities = createActivities({ smtpUrl: sink.url, mailFrom: 'Dossier <dossier@regulator.example>', outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), transport });
  const held = {
    letter: undefined as ReturnType<typeof gate> | undefined,
    /** One vendor's open letter alone. */
    letterOf: new Map<string, ReturnType<typeof gate>>(),
    calendar: undefined as ReturnType<typeof gate> | undefined,
    calendarCalls: 0,
    store: undefined as ReturnType<typeof gate> | undefined,
    /** Printing one version's drafts for the signatories, and the versions printed. */
    printing: undefined as { version: number; gate: ReturnType<typeof gate> } | undefined,
    printed: [] as number[],
    /** The delivery ledger's look-ups (lettersNotAccepted), and how many were asked. */
    ledger: undefined as ReturnType<typeof gate> | undefined,
    ledgerCalls: 0,
    /** Approval requests of this campaign the relay turns away for now, and how many it did. */
    requestsTurnedAway: undefined as string | undefined,
    turnedAway: 0,
    /** Approval reminders of this campaign's version 1 the relay turns away for now, and how many it did. */
    remindersTurnedAway: undefined as string | undefined,
    remindersRefused: 0,
    /** The approval request to this address, held with the relay, then turned away for now. */
    requestHeldFor: undefined as { email: string; gate: ReturnType<typeof gate>; asked: number } | undefined,
  };
  const { code } = await bundleWorkflowCode({ workflowsPath: join(PROJECT_ROOT, 'workflows', 'index.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
  const nc = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: nc,
    namespace: server.namespace,
    taskQueue,
    workflowBundle: { code },
    activities: {
      ...activities,
      async sendMessage(message: OutgoingMessage) {
        if (message.kind === 'open-letter' && held.letter) await held.letter.opened;
        if (message.kind === 'open-letter' && message.vendor) await held.letterOf.get(message.vendor.id)?.opened;
        if (message.kind === 'approval-request' && message.campaign.id === held.requestsTurnedAway) {
          held.turnedAway++;
          throw new Error('connect ECONNREFUSED (the relay is down for now)');
        }
        if (message.kind === 'approval-reminder' && message.campaign.id === held.remindersTurnedAway && message.step.startsWith('approval-reminder-v1-')) {
          held.remindersRefused++;
          throw new Error('connect ECONNREFUSED (the relay is down for now)');
        }
        const heldFor = held.requestHeldFor;
        if (message.kind === 'approval-request' && heldFor && message.to[0]?.email === heldFor.email) {
          heldFor.asked++;
          await heldFor.gate.opened;
          throw new Error('451 Mailbox busy, try later (the relay turned it away for now)');
        }
        return activities.sendMessage(message);
      },
      async lettersNotAccepted(request: Parameters<typeof activities.lettersNotAccepted>[0]) {
        held.ledgerCalls++;
        await held.ledger?.opened;
        return activities.lettersNotAccepted(request);
      },
      async renderStatement(request: Parameters<typeof activities.renderStatement>[0]) {
        if (request.draft) held.printed.push(request.statement.version);
        if (request.draft && request.statement.version === held.printing?.version) await held.printing.gate.opened;
        return activities.renderStatement(request);
      },
      async storeLetter(request: Parameters<typeof activities.storeLetter>[0]) {
        await held.store?.opened;
        return activities.storeLetter(request);
      },
      async workingDeadlines(request: Parameters<typeof activities.workingDeadlines>[0]) {
        if (held.calendar && ++held.calendarCalls > 1) await held.calendar.opened;
        return activities.workingDeadlines(request);
      },
    },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const startEngagement = (input: ReturnType<typeof engagementInput>) =>
    client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [{ ...input, revision: 3 }] });
  /** Started as the workspace and the CLI start one today: this code's revision, its search attributes set. */
  const startCurrentEngagement = (input: EngagementInput) => client.workflow.start(engagement, engagementStartOptions(input, taskQueue));
  const statusOf = (handle: WorkflowHandle) => () => handle.query(engagementStatusQuery) as Promise<EngagementStatus>;
  /** An engagement of zoom started while its folder's `letters` is a file: the store refuses the letter's copy until it is removed. */
  const startedWithCopyRefused = async (campaignId: string) => {
    const input = engagementInput(campaignId, 'zoom', patientPolicy());
    const letters = join(scratch, 'out', input.campaign.id, 'letters');
    mkdirSync(dirname(letters), { recursive: true });
    writeFileSync(letters, 'not a folder');
    const handle = await startCurrentEngagement({ ...input, campaign: { ...input.campaign, letterCopyFolder: input.campaign.id } });
    return { input, letters, handle };
  };
  const inbound = (messageId: string, extra: Partial<RecordInboundInput> = {}): RecordInboundInput => ({
    messageId, from: 'privacy@zoom.test', subject: 'Re: open letter', receivedAt: new Date().toISOString(), kind: 'reply', matchedBy: 'subject', text: 'Our answer.', documents: [], notes: [], ...extra,
  });
  const respond = (handle: WorkflowHandle, summary: string) =>
    handle.executeUpdate(recordResponseUpdate, { args: [{ by: OFFICER, receivedAt: new Date().toISOString(), summary, attachments: [] }] });
  /** Records a reply from the vendor, which waits for an officer's review; answers its message id. */
  const underReview = async (handle: WorkflowHandle, name: string, extra: Partial<RecordInboundInput> = {}) => {
    const messageId = `<${name}@zoom.test>`;
    await handle.executeUpdate(recordInboundUpdate, { args: [inbound(messageId, { matchedBy: 'thread', ...extra })], updateId: messageId });
    return messageId;
  };

  const campaigns = new CampaignClient(client, { taskQueue, address: server.address });
  /**
   * A campaign of these vendors (each a `testVendor`), every signatory's approval needed, reminded at
   * this interval; its dates on the lead authority's calendar in `leadTimeZone` when given (UTC else).
   */
  const campaignInput = (id: string, vendorIds: string[], approvalReminderEvery = '10 minutes', leadTimeZone?: string) => ({
    campaign: leadTimeZone === undefined ? testCampaign(id) : inLeadZone(testCampaign(id), leadTimeZone),
    vendors: vendorIds.map((v) => testVendor(v)),
    policy: patientPolicy({ approvalReminderEvery }),
    approval: { kind: 'all' as const },
    publication: { folder: id, notifyVendors: true },
  });
  const vendorStatus = (id: string, vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(id, vendorId)));
  const statementTexts = (en: string, fr = en) => ({ by: OFFICER, conclusions: { en: [en], fr: [fr] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  /** These vendors left out of a version: their engagements had not ended. */
  const excluding = (...vendorIds: string[]) =>
    vendorIds.map((vendorId) => ({ vendorId, action: 'exclude' as const, reason: { en: 'Published before this review ended.', fr: 'Publiée avant la fin de cet examen.' } }));
  const approvalRequested = (id: string, version: number, authority: string) => (m: { messageId?: string }) => (m.messageId ?? '').startsWith(`<approval-request-v${version}-${authority}.campaign.${id}@`);
  /** Waits for this version's approval request to both signatories. */
  const requestedOfBoth = async (id: string, version: number) => {
    await sink.waitFor(1, approvalRequested(id, version, 'opc'), 60_000);
    await sink.waitFor(1, approvalRequested(id, version, 'fdpic'), 60_000);
  };
  const approvedByBoth = async (id: string, version: number) => {
    await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version });
    await campaigns.approve(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version });
  };
  /**
   * Starts a campaign of one vendor (kilo, left out of the statement) whose version 1's reminders, due
   * every 3 s, the relay turns away at least three times; answers how many it had turned away before.
   */
  const versionOneRemindersTurnedAway = async (id: string): Promise<number> => {
    await campaigns.start(campaignInput(id, ['kilo'], '3s'));
    await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
    await campaigns.editStatement(id, statementTexts('Done.'));
    const refusedBefore = held.remindersRefused;
    held.remindersTurnedAway = id;
    await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
    await until(async () => held.remindersRefused - refusedBefore, (n) => n >= 3, "version 1's reminders turned away");
    return refusedBefore;
  };
  /** The steps of the campaign's mail so far that start with `prefix`, as the log prints them. */
  const campaignSteps = (id: string, prefix: string) =>
    JSON.stringify(sink.messages.filter((m) => (m.messageId ?? '').includes(`.campaign.${id}@`)).map((m) => /^<([^@]+?)\.campaign\./.exec(m.messageId ?? '')?.[1]).filter((step) => step?.startsWith(prefix)));

  try {
    if (wanted('letter-keeps-later-stage')) {
      held.letter = gate();
      const handle = await startEngagement(engagementInput('record-later-stage', 'zoom', patientPolicy()));
      const status = statusOf(handle);
      await until(status, (s) => s.stage === 'sending-letter', 'the letter being sent');
      await handle.executeUpdate(recordInboundUpdate, { args: [inbound('<reply-later-stage@zoom.test>')] });
      await respond(handle, 'Answered before the letter arrived.');
      held.letter.open();
      held.letter = undefined;
      await until(status, (s) => s.letterSentAt !== undefined, 'the letter delivered');
      await handle.executeUpdate(askFollowUpUpdate, { args: [{ by: OFFICER, questions: ['How are keys stored?'] }] });
      await new Promise((r) => setTimeout(r, 1_000));
      await handle.terminate('recorded');
      await save('engagement-letter-keeps-later-stage', handle);
    }
    if (wanted('ask-rechecks-after-calendar')) {
      held.calendar = gate();
      held.calendarCalls = 0;
      const input = engagementInput('record-ask-recheck', 'zoom', patientPolicy({ responseDue: '20 working days', followUpDue: '10 working days' }));
      input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone: 'America/Toronto' } : a));
      const handle = await startEngagement(input);
      await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await respond(handle, 'Zoom described its measures.');
      const asking = handle.executeUpdate(askFollowUpUpdate, { args: [{ by: OFFICER, questions: ['How are keys stored?'] }] }).catch(() => undefined);
      await until(async () => held.calendarCalls, (n) => n >= 2, 'the round asked of the calendar');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: OFFICER, reason: 'The vendor left the market.' }] });
      held.calendar.open();
      held.calendar = undefined;
      await asking;
      await handle.result();
      await save('engagement-ask-rechecks-after-calendar', handle);
    }
    const bounce = (n: number, recipient: string) =>
      inbound(`<bounce-${n}@mx.zoom.test>`, { from: 'mailer-daemon@mx.zoom.test', kind: 'bounce', matchedBy: 'thread', answersStep: 'letter', bounce: { recipients: [recipient], status: '5.1.1', diagnostic: 'no such user' } });
    if (wanted('bounces-add-up')) {
      const input = engagementInput('record-bounces', 'zoom', patientPolicy());
      input.vendor = { ...input.vendor, contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }, { name: 'DPO', email: 'dpo@zoom.test' }] };
      const handle = await startEngagement(input);
      const status = statusOf(handle);
      await until(status, (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await handle.executeUpdate(recordInboundUpdate, { args: [bounce(1, 'privacy@zoom.test')] });
      await handle.executeUpdate(recordInboundUpdate, { args: [bounce(2, 'dpo@zoom.test')] });
      await until(status, (s) => s.stage === 'letter-undeliverable', 'the letter undeliverable');
      await handle.executeUpdate(correctContactsUpdate, { args: [{ by: OFFICER, contacts: [{ name: 'Privacy team', email: 'privacy@new.zoom.test' }], reason: 'Both mailboxes were closed.' }] });
      await until(status, (s) => s.stage === 'awaiting-response', 'the letter sent again');
      await handle.terminate('recorded');
      await save('engagement-bounces-add-up', handle);
    }
    if (wanted('bounces-to-letter-recipients')) {
      // The letter went to privacy@ alone; an officer added the DPO, then privacy@ bounced it: it reached nobody.
      const input = engagementInput('record-contacts-bounce', 'zoom', patientPolicy());
      input.vendor = { ...input.vendor, contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }] };
      const handle = await startEngagement(input);
      const status = statusOf(handle);
      await until(status, (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await handle.executeUpdate(changeContactsUpdate, { args: [{ by: OFFICER, mode: 'add', contacts: [{ name: 'DPO', email: 'dpo@lawfirm.test' }], reason: 'Copy the DPO.' }] });
      await handle.executeUpdate(recordInboundUpdate, { args: [bounce(1, 'privacy@zoom.test')] });
      await handle.executeUpdate(recordInboundUpdate, { args: [bounce(2, 'dpo@lawfirm.test')] });
      await until(status, (s) => s.stage === 'letter-undeliverable', 'the letter undeliverable');
      await handle.terminate('recorded');
      await save(process.env.HISTORY_NAME ?? 'engagement-bounces-to-letter-recipients', handle);
    }
    if (wanted('bounce-before-delivery')) {
      held.letter = gate();
      const handle = await startEngagement(engagementInput('record-early-bounce', 'zoom', patientPolicy()));
      const status = statusOf(handle);
      await until(status, (s) => s.stage === 'sending-letter', 'the letter being sent');
      await handle.executeUpdate(recordInboundUpdate, { args: [bounce(1, 'privacy@zoom.test')] });
      held.letter.open();
      held.letter = undefined;
      await until(status, (s) => s.stage === 'letter-undeliverable', 'the letter undeliverable');
      await until(async () => sink.messages.filter((m) => (m.messageId ?? '').startsWith('<officer-notice-undeliverable-letter.')).length, (n) => n === 1, 'the office told');
      await handle.terminate('recorded');
      await save('engagement-bounce-before-delivery', handle);
    }
    if (wanted('unprintable-draft-waits')) {
      const id = 'record-unprintable';
      await campaigns.start({
        campaign: testCampaign(id),
        vendors: [testVendor('kilo')],
        policy: fastPolicy({ responseDue: '10 minutes', finalNoticeAfter: '20 minutes', reminderCadence: [], approvalReminderEvery: '10 minutes' }),
        approval: { kind: 'all' },
        publication: { folder: id, notifyVendors: false },
      });
      await until(() => campaigns.status(id), (s) => s.engagements.length === 1, 'the engagement');
      // As campaign.test.ts plays it: the letter is out before the version that says so is drafted.
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.handle(id).executeUpdate(editStatementUpdate, {
        args: [{ by: OFFICER, conclusions: { en: ['Kilo 🦄 explained.'], fr: ['Kilo a expliqué.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } }],
      });
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await until(() => campaigns.status(id), (s) => s.draftUnprintable !== undefined, 'the version refused by the printer');
      await campaigns.setConclusions(id, { by: OFFICER, conclusions: { en: ['Kilo explained.'], fr: ['Kilo a expliqué.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
      await campaigns.draftStatement(id, OFFICER);
      await until(() => campaigns.status(id), (s) => s.draft?.version === 2, 'the second version');
      await approvedByBoth(id, 2);
      await campaigns.result(id);
      await save('campaign-unprintable-draft-waits', campaigns.handle(id));
    }
    if (wanted('no-notice-unless-letter-delivered')) {
      const id = 'record-undelivered';
      sink.recipientPolicy = (address) => (address === 'privacy@gone.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
      await campaigns.start(campaignInput(id, ['gone', 'kilo']));
      const engagementOf = (vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(id, vendorId)));
      await until(engagementOf('gone'), (s) => s.stage === 'letter-undeliverable', 'the letter refused for good');
      await campaigns.withdrawVendor(id, { by: OFFICER, vendorId: 'gone', reason: 'The vendor has no working address.' });
      await until(engagementOf('kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done.', 'Fait.'));
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await until(() => campaigns.status(id), (s) => s.phase === 'approving' && s.engagements.every((e) => e.state === 'ended'), 'the draft, every engagement ended');
      await approvedByBoth(id, 1);
      await campaigns.result(id);
      sink.recipientPolicy = () => undefined;
      await save('campaign-no-notice-unless-letter-delivered', campaigns.handle(id));
    }
    if (wanted('no-notice-unless-written-to')) {
      const id = 'record-written-to';
      held.store = gate();
      const slowLetter = gate();
      held.letterOf.set('slow', slowLetter);
      await campaigns.start(campaignInput(id, ['early', 'slow', 'kilo']));
      await until(() => campaigns.status(id), (s) => s.engagements.length === 3, 'the vendors listed');
      // Withdrawn while the letter is being kept: its engagement never starts.
      await campaigns.withdrawVendor(id, { by: OFFICER, vendorId: 'early', reason: 'Out of scope after all.' });
      held.store.open();
      held.store = undefined;
      const engagementOf = (vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(id, vendorId)));
      await until(engagementOf('kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await until(engagementOf('slow'), (s) => s.stage === 'sending-letter', 'the letter going out');
      await campaigns.editStatement(id, statementTexts('Done.', 'Fait.'));
      await campaigns.draftStatement(id, OFFICER, excluding('slow', 'kilo'));
      await until(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft');
      await approvedByBoth(id, 1);
      const published = await until(() => campaigns.status(id), (s) => s.phase === 'published', 'the publication');
      console.log('not mailed:', JSON.stringify(published.statementNotMailed));
      slowLetter.open();
      held.letterOf.delete('slow');
      await campaigns.result(id);
      await save('campaign-no-notice-unless-written-to', campaigns.handle(id));
    }
    if (wanted('statement-says-who-was-written-to')) {
      // The statement marks the vendors the letter never reached: early (withdrawn while the letter
      // was being kept, never started), gone (refused for good, then withdrawn) and slow (its letter
      // still going out at publication, found by the ledger look-up); kilo had it.
      const id = 'record-says-written-to';
      held.store = gate();
      const slowLetter = gate();
      held.letterOf.set('slow', slowLetter);
      sink.recipientPolicy = (address) => (address === 'privacy@gone.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
      await campaigns.start(campaignInput(id, ['early', 'gone', 'slow', 'kilo']));
      await until(() => campaigns.status(id), (s) => s.engagements.length === 4, 'the vendors listed');
      await campaigns.withdrawVendor(id, { by: OFFICER, vendorId: 'early', reason: 'Out of scope after all.' });
      held.store.open();
      held.store = undefined;
      const engagementOf = (vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(id, vendorId)));
      await until(engagementOf('gone'), (s) => s.stage === 'letter-undeliverable', 'the letter refused for good');
      await campaigns.withdrawVendor(id, { by: OFFICER, vendorId: 'gone', reason: 'The vendor has no working address.' });
      await until(engagementOf('kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await until(engagementOf('slow'), (s) => s.stage === 'sending-letter', 'the letter going out');
      await until(() => campaigns.status(id), (s) => s.engagements.find((e) => e.vendorId === 'gone')?.state === 'ended', 'gone ended');
      await campaigns.editStatement(id, statementTexts('Done.', 'Fait.'));
      await campaigns.draftStatement(id, OFFICER, excluding('slow', 'kilo'));
      await until(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft');
      await approvedByBoth(id, 1);
      const published = await until(() => campaigns.status(id), (s) => s.phase === 'published', 'the publication');
      console.log('not mailed:', JSON.stringify(published.statementNotMailed));
      slowLetter.open();
      held.letterOf.delete('slow');
      sink.recipientPolicy = () => undefined;
      await campaigns.result(id);
      await save('campaign-statement-says-who-was-written-to', campaigns.handle(id));
    }
    if (wanted('statement-published-as-approved')) {
      // The ledger asked at drafting: slow's letter still going out, version 1 says it did not reach
      // slow. The letter goes out before the signatories approve: asked again at publication, the
      // ledger says otherwise, and version 2 corrects the background and is approved in turn.
      const id = 'record-published-as-approved';
      const slowLetter = gate();
      held.letterOf.set('slow', slowLetter);
      await campaigns.start(campaignInput(id, ['slow', 'kilo']));
      const engagementOf = (vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(id, vendorId)));
      await until(engagementOf('kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await until(engagementOf('slow'), (s) => s.stage === 'sending-letter', 'the letter going out');
      await campaigns.editStatement(id, statementTexts('Done.', 'Fait.'));
      await campaigns.draftStatement(id, OFFICER, excluding('slow', 'kilo'));
      await until(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft');
      slowLetter.open();
      held.letterOf.delete('slow');
      await until(() => campaigns.status(id), (s) => s.engagements.every((e) => e.state === 'ended'), 'every engagement ended');
      await approvedByBoth(id, 1);
      await until(() => campaigns.status(id), (s) => s.draft?.version === 2, 'version 2');
      await approvedByBoth(id, 2);
      const { published } = await campaigns.result(id);
      console.log('published version', published.version);
      await save('campaign-statement-published-as-approved', campaigns.handle(id));

      // The lead's version 2 is made at once from the ledger's last answer (slow's letter not
      // accepted, as at version 1); asked again before version 2 goes out, the ledger says the letter
      // has since reached slow, and version 3, corrected, goes out in its place and is approved.
      const corrected = 'record-corrected-before-sent';
      const slowAgain = gate();
      held.letterOf.set('slow', slowAgain);
      await campaigns.start(campaignInput(corrected, ['slow', 'kilo']));
      const engagementIn = (vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(corrected, vendorId)));
      await until(engagementIn('kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await until(engagementIn('slow'), (s) => s.stage === 'sending-letter', 'the letter going out');
      await campaigns.editStatement(corrected, statementTexts('Done.', 'Fait.'));
      await campaigns.draftStatement(corrected, OFFICER, excluding('slow', 'kilo'));
      await until(() => campaigns.status(corrected), (s) => s.phase === 'approving', 'the draft');
      slowAgain.open();
      held.letterOf.delete('slow');
      await until(() => campaigns.status(corrected), (s) => s.engagements.every((e) => e.state === 'ended'), 'every engagement ended');
      await campaigns.editStatement(corrected, { by: OFFICER, conclusions: { en: ['Done, and reviewed.'], fr: ['Fait, et revu.'] } });
      await campaigns.draftStatement(corrected, OFFICER);
      await until(() => campaigns.status(corrected), (s) => s.draft?.version === 3, 'version 3');
      await requestedOfBoth(corrected, 3);
      await approvedByBoth(corrected, 3);
      const sent = (await campaigns.result(corrected)).published;
      console.log('published version', sent.version, 'approval requests:', campaignSteps(corrected, 'approval-request'));
      await save('campaign-statement-corrected-before-sent', campaigns.handle(corrected));
    }
    if (wanted('statement-sent-back-not-sent-unchecked')) {
      // Version 1 says slow's letter did not reach it; the letter goes out meanwhile. Each time the
      // ledger is held while it is asked about a version, a signatory sends that version back, and
      // the answer contradicts it: it is not sent (before it went out: the lead's version 2; at
      // publication: the approved version 1), and the lead's next version, marked from the answer, is.
      /** Holds the ledger; the returned call waits until the workflow has asked it. */
      const holdLedger = () => {
        const asked = held.ledgerCalls;
        held.ledger = gate();
        return () => until(async () => held.ledgerCalls, (n) => n > asked, 'the ledger asked');
      };
      const openLedger = () => {
        held.ledger?.open();
        held.ledger = undefined;
      };
      /** Campaign `id` with version 1 sent, saying the letter did not reach slow, whose letter is held. */
      const versionOneSent = async (id: string) => {
        const slowLetter = gate();
        held.letterOf.set('slow', slowLetter);
        await campaigns.start(campaignInput(id, ['slow', 'kilo']));
        const engagementOf = (vendorId: string) => statusOf(client.workflow.getHandle(engagementWorkflowId(id, vendorId)));
        await until(engagementOf('kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
        await until(engagementOf('slow'), (s) => s.stage === 'sending-letter', 'the letter going out');
        await campaigns.editStatement(id, statementTexts('Done.'));
        await campaigns.draftStatement(id, OFFICER, excluding('slow', 'kilo'));
        await sink.waitFor(1, approvalRequested(id, 1, 'opc'), 60_000);
        return () => {
          slowLetter.open();
          held.letterOf.delete('slow');
          return until(() => campaigns.status(id), (s) => s.engagements.every((e) => e.state === 'ended'), 'every engagement ended');
        };
      };

      const beforeSent = 'record-sent-back-before-sent';
      const releaseSlow = await versionOneSent(beforeSent);
      const askedBefore = holdLedger();
      await releaseSlow();
      await campaigns.editStatement(beforeSent, statementTexts('Done, and reviewed.'));
      await campaigns.draftStatement(beforeSent, OFFICER);
      await askedBefore();
      await campaigns.requestChanges(beforeSent, { by: 'Daniel Therrien', authorityId: 'opc', version: 2, comment: 'Say what kilo answered.' });
      openLedger();
      await campaigns.editStatement(beforeSent, statementTexts('Done, with what kilo answered.'));
      await campaigns.draftStatement(beforeSent, OFFICER);
      await requestedOfBoth(beforeSent, 3);
      await approvedByBoth(beforeSent, 3);
      console.log('published version', (await campaigns.result(beforeSent)).published.version, 'approval requests:', campaignSteps(beforeSent, 'approval-request'));
      await save('campaign-statement-sent-back-before-sent', campaigns.handle(beforeSent));

      const atPublication = 'record-sent-back-at-publication';
      const releaseAgain = await versionOneSent(atPublication);
      await releaseAgain();
      const askedAtPublication = holdLedger();
      await approvedByBoth(atPublication, 1);
      await askedAtPublication();
      await campaigns.requestChanges(atPublication, { by: 'Daniel Therrien', authorityId: 'opc', version: 1, comment: 'Say what kilo answered.' });
      openLedger();
      await campaigns.editStatement(atPublication, statementTexts('Done, with what kilo answered.'));
      await campaigns.draftStatement(atPublication, OFFICER);
      await requestedOfBoth(atPublication, 2);
      await approvedByBoth(atPublication, 2);
      console.log('published version', (await campaigns.result(atPublication)).published.version, 'approval requests:', campaignSteps(atPublication, 'approval-request'));
      await save('campaign-statement-sent-back-at-publication', campaigns.handle(atPublication));
    }
    if (wanted('statement-superseded-not-sent')) {
      // Version 2 is being printed when the lead submits version 3: version 2 is not sent, version 3 is.
      const id = 'record-superseded-not-sent';
      await campaigns.start(campaignInput(id, ['kilo']));
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done.'));
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await sink.waitFor(1, approvalRequested(id, 1, 'opc'), 60_000);
      held.printing = { version: 2, gate: gate() };
      await campaigns.editStatement(id, statementTexts('Done, and reviewed.'));
      await campaigns.draftStatement(id, OFFICER);
      await until(async () => held.printed, (printed) => printed.includes(2), 'version 2 being printed');
      await campaigns.editStatement(id, statementTexts('Done, and reviewed twice.'));
      await campaigns.draftStatement(id, OFFICER);
      held.printing.gate.open();
      held.printing = undefined;
      await requestedOfBoth(id, 3);
      await approvedByBoth(id, 3);
      console.log('published version', (await campaigns.result(id)).published.version, 'approval requests:', campaignSteps(id, 'approval-request'));
      await save('campaign-statement-superseded-not-sent', campaigns.handle(id));
    }
    if (wanted('statement-sent-back-not-sent')) {
      // Version 1 is being printed when a signatory sends it back: it is not sent; the lead's version 2 is.
      const id = 'record-sent-back-not-sent';
      await campaigns.start(campaignInput(id, ['kilo']));
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done.'));
      const printedBefore = held.printed.length;
      held.printing = { version: 1, gate: gate() };
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await until(async () => held.printed.slice(printedBefore), (printed) => printed.includes(1), 'version 1 being printed');
      await campaigns.requestChanges(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say what kilo answered.' });
      held.printing.gate.open();
      held.printing = undefined;
      await sink.waitFor(1, (m) => (m.messageId ?? '').startsWith(`<change-request-v1-fdpic.campaign.${id}@`), 60_000);
      await campaigns.editStatement(id, statementTexts('Done, with what kilo answered.'));
      await campaigns.draftStatement(id, OFFICER);
      await requestedOfBoth(id, 2);
      await approvedByBoth(id, 2);
      console.log('published version', (await campaigns.result(id)).published.version, 'approval requests:', campaignSteps(id, 'approval-request'));
      await save('campaign-statement-sent-back-not-sent', campaigns.handle(id));
    }
    if (wanted('statement-stale-requests-cancelled')) {
      // Version 1's requests are turned away by the relay and retried; a signatory sends version 1 back
      // and the lead submits version 2: version 1's requests are cancelled, version 2's go out.
      const id = 'record-stale-requests-cancelled';
      await campaigns.start(campaignInput(id, ['kilo']));
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done.'));
      held.requestsTurnedAway = id;
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await until(async () => held.turnedAway, (n) => n >= 2, "version 1's requests turned away");
      await campaigns.requestChanges(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say what kilo answered.' });
      await campaigns.editStatement(id, statementTexts('Done, with what kilo answered.'));
      await campaigns.draftStatement(id, OFFICER);
      held.requestsTurnedAway = undefined;
      await requestedOfBoth(id, 2);
      await approvedByBoth(id, 2);
      console.log('published version', (await campaigns.result(id)).published.version, 'approval requests:', campaignSteps(id, 'approval-request'));
      await save('campaign-statement-stale-requests-cancelled', campaigns.handle(id));
    }
    if (wanted('statement-request-failed-once-cancelled')) {
      // Version 1's request to the lead is with the relay when a signatory sends version 1 back; the
      // relay then turns it away for now: it counts as cancelled, and the lead's version 2 goes out.
      const id = 'record-request-failed-once-cancelled';
      const input = campaignInput(id, ['kilo']);
      await campaigns.start(input);
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done.'));
      const lead = input.campaign.authorities.find((a) => a.lead)!.contact.email;
      held.requestHeldFor = { email: lead, gate: gate(), asked: 0 };
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await until(async () => held.requestHeldFor!.asked, (n) => n === 1, "version 1's request to the lead with the relay");
      await campaigns.requestChanges(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say what kilo answered.' });
      held.requestHeldFor.gate.open();
      await sink.waitFor(1, (m) => (m.messageId ?? '').startsWith(`<change-request-v1-fdpic.campaign.${id}@`), 60_000);
      held.requestHeldFor = undefined;
      await campaigns.editStatement(id, statementTexts('Done, with what kilo answered.'));
      await campaigns.draftStatement(id, OFFICER);
      await requestedOfBoth(id, 2);
      await approvedByBoth(id, 2);
      console.log('published version', (await campaigns.result(id)).published.version, 'approval requests:', campaignSteps(id, 'approval-request'));
      await save('campaign-statement-request-failed-once-cancelled', campaigns.handle(id));
    }
    if (wanted('statement-stale-reminders-cancelled')) {
      // Version 1's reminders fall due while the relay turns them away; a signatory sends version 1
      // back and the lead submits version 2: the reminders are cancelled, version 2 goes out at once.
      const id = 'record-stale-reminders-cancelled';
      const refusedBefore = await versionOneRemindersTurnedAway(id);
      await campaigns.requestChanges(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say what kilo answered.' });
      await campaigns.editStatement(id, statementTexts('Done, with what kilo answered.'));
      await campaigns.draftStatement(id, OFFICER);
      await requestedOfBoth(id, 2);
      await approvedByBoth(id, 2);
      const published = (await campaigns.result(id)).published.version;
      held.remindersTurnedAway = undefined;
      console.log('published version', published, 'turned away', held.remindersRefused - refusedBefore, 'approval mail:', campaignSteps(id, 'approval-'));
      await save('campaign-statement-stale-reminders-cancelled', campaigns.handle(id));
    }
    if (wanted('statement-reminders-cancelled-once-approved')) {
      // Version 1's reminders fall due while the relay turns them away; both signatories approve it:
      // the reminders are cancelled and the statement is published at once.
      const id = 'record-reminders-cancelled-once-approved';
      const refusedBefore = await versionOneRemindersTurnedAway(id);
      await approvedByBoth(id, 1);
      const published = (await campaigns.result(id)).published.version;
      held.remindersTurnedAway = undefined;
      console.log('published version', published, 'turned away', held.remindersRefused - refusedBefore, 'approval mail:', campaignSteps(id, 'approval-'));
      await save('campaign-statement-reminders-cancelled-once-approved', campaigns.handle(id));
    }
    if (wanted('statement-reminder-cancelled-once-signatory-approved')) {
      // Version 1's reminders fall due while the relay turns them away; one signatory approves: that
      // signatory's reminder is cancelled, the other's is still retried until the relay is back.
      const id = 'record-reminder-cancelled-once-signatory-approved';
      const refusedBefore = await versionOneRemindersTurnedAway(id);
      await campaigns.approve(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 });
      const refusedAtApproval = held.remindersRefused;
      held.remindersTurnedAway = undefined;
      const opcReminder = new RegExp(`^<approval-reminder-v1-\\d+-opc\\.campaign\\.${id}@`);
      await sink.waitFor(1, (m) => opcReminder.test(m.messageId ?? ''), 120_000);
      await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
      const published = (await campaigns.result(id)).published.version;
      console.log('published version', published, 'turned away', refusedAtApproval - refusedBefore, 'approval mail:', campaignSteps(id, 'approval-'));
      await save('campaign-statement-reminder-cancelled-once-signatory-approved', campaigns.handle(id));
    }
    if (wanted('continued-run-counts-letters')) {
      // As continue-as-new.test.ts plays it: the next run started by hand, without `letterAttempts`,
      // on the input the first run had (revision 3, as startEngagement writes it).
      const input = { ...engagementInput('record-continued-letters', 'zoom', patientPolicy()), revision: 3 };
      const first = await startEngagement(input);
      const status = await until(statusOf(first), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      const handle = await continueRun({ client, taskQueue, handle: first, input, status, letters: {} });
      await handle.executeUpdate(recordInboundUpdate, { args: [letterBounce(input, 'letter', 'privacy@zoom.test')] });
      await until(statusOf(handle), (s) => s.stage === 'letter-undeliverable', 'the letter undeliverable');
      await handle.executeUpdate(correctContactsUpdate, { args: [{ by: OFFICER, contacts: [{ name: 'Privacy', email: 'privacy@new.zoom.test' }], reason: 'The vendor moved.' }] });
      const sent = await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter sent again');
      console.log('letters sent:', JSON.stringify(sent.timeline.filter((t) => t.what === 'open-letter sent').map((t) => t.detail)));
      await until(() => handle.describe(), (d) => !d.raw.pendingActivities?.length, 'the sends finished');
      await handle.terminate('recorded');
      await save('engagement-continued-run-counts-letters', handle);
    }
    if (wanted('demonstration-result-on-calendar')) {
      const input = { ...engagementInput('record-demo-calendar', 'zoom', patientPolicy()), revision: ENGAGEMENT_REVISION };
      input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'FR', timeZone: 'Europe/Paris' } : a));
      const handle = await client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await respond(handle, 'Zoom described its measures.');
      // Both look-ups wait: the first answers for a schedule that has moved, and is dropped.
      held.calendar = gate();
      held.calendarCalls = 1;
      const year = new Date().getUTCFullYear() + 1;
      const attendees = [{ name: 'Ann Engineer', email: 'ann@zoom.test' }];
      await handle.executeUpdate(scheduleDemonstrationUpdate, { args: [{ by: OFFICER, at: `${year}-07-13T14:00:00+02:00`, durationMinutes: 60, attendees, topics: ['Encryption keys'] }] });
      await until(async () => held.calendarCalls, (n) => n >= 2, 'the result date asked of the calendar');
      await handle.executeUpdate(rescheduleDemonstrationUpdate, { args: [{ by: OFFICER, demonstrationId: 'd1', at: `${year}-07-06T14:00:00+02:00`, reason: 'Vendor asked' }] });
      await until(async () => held.calendarCalls, (n) => n >= 3, 'the new date asked of the calendar');
      held.calendar.open();
      held.calendar = undefined;
      const owed = await until(statusOf(handle), (s) => s.demonstrations[0]?.resultDue !== undefined, 'the result date from the calendar');
      console.log('result due:', owed.demonstrations[0]!.resultDue, 'listed:', owed.nextDeadline);
      await until(() => handle.describe(), (d) => !d.raw.pendingActivities?.length, 'the sends finished');
      await handle.terminate('recorded');
      await save('engagement-demonstration-result-on-calendar', handle);
    }
    if (wanted('demonstration-cancelled-on-withdrawal')) {
      const input = { ...engagementInput('record-demo-cancel', 'zoom', patientPolicy()), revision: ENGAGEMENT_REVISION };
      const handle = await client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await respond(handle, 'Zoom described its measures.');
      const attendees = [{ name: 'Ann Engineer', email: 'ann@zoom.test' }];
      await handle.executeUpdate(scheduleDemonstrationUpdate, { args: [{ by: OFFICER, at: new Date(Date.now() + 7 * 86_400_000).toISOString(), durationMinutes: 60, attendees, topics: ['Encryption keys'] }] });
      await until(statusOf(handle), (s) => s.timeline.some((t) => t.what === 'demonstration-invitation sent'), 'the invitation sent');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: OFFICER, reason: 'The vendor left the market.' }] });
      await handle.result();
      const sent = (await statusOf(handle)()).timeline.filter((t) => t.what.endsWith(' sent')).map((t) => t.what);
      console.log('sent:', JSON.stringify(sent));
      await save('engagement-demonstration-cancelled-on-withdrawal', handle);
    }
    if (wanted('demonstration-cancelled-on-cancellation')) {
      const input = { ...engagementInput('record-demo-case-cancel', 'zoom', patientPolicy()), revision: ENGAGEMENT_REVISION };
      const handle = await client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await respond(handle, 'Zoom described its measures.');
      const attendees = [{ name: 'Ann Engineer', email: 'ann@zoom.test' }];
      await handle.executeUpdate(scheduleDemonstrationUpdate, { args: [{ by: OFFICER, at: new Date(Date.now() + 7 * 86_400_000).toISOString(), durationMinutes: 60, attendees, topics: ['Encryption keys'] }] });
      await until(statusOf(handle), (s) => s.timeline.some((t) => t.what === 'demonstration-invitation sent'), 'the invitation sent');
      await handle.cancel();
      await handle.result();
      const sent = (await statusOf(handle)()).timeline.filter((t) => t.what.endsWith(' sent')).map((t) => t.what);
      console.log('sent:', JSON.stringify(sent));
      await save('engagement-demonstration-cancelled-on-cancellation', handle);
    }
    if (wanted('letter-due-counted-on-delivery')) {
      held.letter = gate();
      const input = { ...engagementInput('record-due-on-delivery', 'zoom', patientPolicy()), revision: ENGAGEMENT_REVISION };
      const handle = await client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id), args: [input] });
      const provisional = (await until(statusOf(handle), (s) => s.stage === 'sending-letter', 'the letter being sent')).responseDueDate;
      await new Promise((r) => setTimeout(r, 3_000));
      held.letter.open();
      held.letter = undefined;
      const delivered = await until(statusOf(handle), (s) => s.letterSentAt !== undefined, 'the letter delivered');
      console.log('due:', provisional, '->', delivered.responseDueDate, 'letter sent at', delivered.letterSentAt);
      await until(() => handle.describe(), (d) => !d.raw.pendingActivities?.length, 'the sends finished');
      await handle.terminate('recorded');
      await save('engagement-letter-due-counted-on-delivery', handle);
    }
    if (wanted('reminders-wait-out-review')) {
      // A reply recorded before the due date waits for review past every step once planned (reminders
      // at 3 s and 6 s after the due date, the final notice at 9 s, the closure 3 s later); dismissed,
      // the steps still to come are each moved later by the time it waited, not all run at once.
      const handle = await startCurrentEngagement(engagementInput('record-wait-out-review', 'zoom', fastPolicy({ responseDue: '3s', reminderCadence: ['3s', '6s'], finalNoticeAfter: '9s', closeAfter: '3s' })));
      await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      const messageId = await underReview(handle, 'reply-wait-out-review');
      await new Promise((r) => setTimeout(r, 16_000));
      await handle.executeUpdate(dismissInboundUpdate, { args: [{ by: OFFICER, messageId, reason: 'Not the response.' }] });
      const dismissedAt = Date.now();
      const outcome = await handle.result();
      console.log(outcome.stage, 'reminders after the dismissal (s):', JSON.stringify(outcome.remindersSent.map((r) => Math.round((Date.parse(r.at) - dismissedAt) / 1000))));
      await save('engagement-reminders-wait-out-review', handle);
    }
    if (wanted('round-reminders-wait-for-review')) {
      // As engagement-follow-up.test.ts plays it: the vendor's emailed answers to a round wait for
      // review past its due date, reminders and final notice; confirmed as answering q1, the round
      // reminds of q2 alone.
      const handle = await startCurrentEngagement(engagementInput('record-round-review', 'zoom', fastPolicy({ responseDue: '10 minutes', followUpDue: '2s', reminderCadence: ['1s', '2s'], finalNoticeAfter: '3s' })));
      await until(statusOf(handle), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await respond(handle, 'Zoom described its measures.');
      await handle.executeUpdate(askFollowUpUpdate, { args: [{ by: OFFICER, questions: ['How are meeting IDs generated?', 'Who can see the attendee list?'] }] });
      await until(statusOf(handle), (s) => s.timeline.some((t) => t.what === 'follow-up-questions sent'), 'the questions sent');
      const messageId = await underReview(handle, 'answers-round-review', { answersStep: 'follow-up-r1-questions', text: 'q1: at random, 11 digits.' });
      await new Promise((r) => setTimeout(r, 7_000));
      const held = (await statusOf(handle)()).remindersSent.length;
      await handle.executeUpdate(confirmInboundUpdate, { args: [{ by: OFFICER, messageId, as: 'answers', answers: [{ questionId: 'q1' }] }] });
      const reminded = await until(statusOf(handle), (s) => s.remindersSent.length > 0, 'the round reminded');
      console.log('reminders while under review:', held, 'then:', JSON.stringify(reminded.remindersSent.map((r) => `${r.about}/${r.kind}/${r.number}`)), 'open:', JSON.stringify(reminded.openQuestions.map((q) => q.id)));
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: OFFICER, reason: 'The vendor left the market.' }] });
      await handle.result();
      await save('engagement-round-reminders-wait-for-review', handle);
    }
    if (wanted('statement-approvals-kept-as-printed')) {
      // As campaign.test.ts plays it: the lead authority approves version 1, the other sends it back,
      // and version 2 only respaces the French (as the PDF prints it): the approval carries over and
      // only the signatory that sent it back is asked again.
      const id = 'record-approvals-kept-as-printed';
      await campaigns.start(campaignInput(id, ['kilo']));
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done: see below!', 'Fait : voir « ci-dessous » !'));
      await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      await requestedOfBoth(id, 1);
      await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
      await campaigns.requestChanges(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Check the French spacing.' });
      await campaigns.editStatement(id, statementTexts('Done: see below!', 'Fait: voir «ci-dessous»!'));
      const { draft } = await campaigns.draftStatement(id, OFFICER, undefined, { confirmsUnchanged: true });
      console.log('version', draft?.version, 'approved by', JSON.stringify(draft?.approvals.map((a) => `${a.authorityId}@v${a.version}`)), 'pending', JSON.stringify(draft?.pending));
      await sink.waitFor(1, approvalRequested(id, 2, 'fdpic'), 60_000);
      await campaigns.approve(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 2 });
      console.log('published version', (await campaigns.result(id)).published.version, 'approval requests:', campaignSteps(id, 'approval-request'));
      await save('campaign-statement-approvals-kept-as-printed', campaigns.handle(id));
    }
    if (wanted('statement-dated-at-publication')) {
      // As statement-published-later.test.ts plays it on the time-skipping server: version 1 drafted
      // one day on the lead authority's calendar, approved and published the next, so the published
      // statement is dated the day it was issued. Here the day turns by waiting for the soonest midnight.
      const id = 'record-dated-at-publication';
      const { timeZone, midnight } = soonestMidnight(90_000);
      await campaigns.start(campaignInput(id, ['kilo'], '10 minutes', timeZone));
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await campaigns.editStatement(id, statementTexts('Done.'));
      const { draft } = await campaigns.draftStatement(id, OFFICER, excluding('kilo'));
      if (Date.now() >= midnight) throw new Error(`version 1 was drafted after midnight in ${timeZone}; record it again`);
      await requestedOfBoth(id, 1);
      console.log('version', draft?.version, 'drafted; waiting', Math.ceil((midnight - Date.now()) / 1000), 's for midnight in', timeZone);
      await new Promise((r) => setTimeout(r, midnight - Date.now() + 2_000));
      await approvedByBoth(id, 1);
      const { published } = await campaigns.result(id);
      console.log('published version', published.version, JSON.stringify(published.files));
      await save('campaign-statement-dated-at-publication', campaigns.handle(id));
    }
    if (wanted('letter-copies-filed')) {
      // kilo's letter goes out while the folder's `letters` is a file: its send cannot keep the copy,
      // the look at version 1 lists it, the look before publication (the store mended) writes it.
      // slow's letter goes out after the statement saying it did not reach slow was published: its
      // copy is taken back once its engagement ends.
      const id = 'record-letter-copies-filed';
      const letters = join(scratch, 'out', id, 'letters');
      mkdirSync(dirname(letters), { recursive: true });
      writeFileSync(letters, 'not a folder');
      const slowLetter = gate();
      held.letterOf.set('slow', slowLetter);
      await campaigns.start(campaignInput(id, ['slow', 'kilo']));
      await until(vendorStatus(id, 'kilo'), (s) => s.stage === 'awaiting-response', 'the letter delivered');
      await until(vendorStatus(id, 'slow'), (s) => s.stage === 'sending-letter', 'the letter going out');
      await campaigns.editStatement(id, statementTexts('Done.'));
      await campaigns.draftStatement(id, OFFICER, excluding('slow', 'kilo'));
      const drafted = await until(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft');
      console.log('delivery failures at version 1:', JSON.stringify(drafted.deliveryFailures.map((f) => f.step)));
      rmSync(letters);
      await approvedByBoth(id, 1);
      await until(() => campaigns.status(id), (s) => s.phase === 'published', 'the publication');
      slowLetter.open();
      held.letterOf.delete('slow');
      await campaigns.result(id);
      console.log('letter copies:', JSON.stringify(readdirSync(letters)), 'delivery failures:', JSON.stringify((await campaigns.status(id)).deliveryFailures.map((f) => f.step)));
      await save('campaign-letter-copies-filed', campaigns.handle(id));
    }
    if (wanted('letter-copy-filed-by-engagement')) {
      // The letter goes out while the folder's `letters` is a file: the engagement learns its copy is
      // not filed, and files it once the store is mended.
      const { letters, handle } = await startedWithCopyRefused('record-letter-copy-filed');
      const notFiled = await until(statusOf(handle), (s) => s.letterCopyNotFiled !== undefined, 'the copy reported not filed');
      console.log('not filed:', JSON.stringify(notFiled.letterCopyNotFiled));
      rmSync(letters);
      await until(statusOf(handle), (s) => s.letterCopyNotFiled === undefined, 'the copy filed');
      console.log('letter copies:', JSON.stringify(readdirSync(letters)));
      await handle.terminate('recorded');
      await save('engagement-letter-copy-filed-by-engagement', handle);
    }
    if (wanted('letter-copy-on-board')) {
      // As letter-copy-filed-by-engagement, watched on the board: the copy to file is listed as the
      // next step (one upsert with the letter's stage), then the first reminder once it is filed.
      const { input, letters, handle } = await startedWithCopyRefused('record-letter-copy-on-board');
      const board = new DossierClient(client, { taskQueue, address: server.address });
      const row = () => board.findEngagements({ campaign: input.campaign.id }).then((rows) => rows[0]);
      const listed = await until(row, (r) => r?.nextAction?.kind === 'file-copy', 'the copy listed as the next step');
      console.log('listed:', JSON.stringify(listed.nextAction));
      rmSync(letters);
      await until(statusOf(handle), (s) => s.letterCopyNotFiled === undefined, 'the copy filed');
      const back = await until(row, (r) => r?.nextAction?.kind === 'reminder', 'the first reminder listed');
      console.log('listed:', JSON.stringify(back.nextAction), 'letter copies:', JSON.stringify(readdirSync(letters)));
      await handle.terminate('recorded');
      await save('engagement-letter-copy-on-board', handle);
    }
    if (wanted('letter-copy-off-board-once-cancelled')) {
      // As letter-copy-on-board, cancelled while the copy is still listed as the next step: the
      // engagement ends withdrawn, its last upsert taking the copy off the board.
      const { input, handle } = await startedWithCopyRefused('record-letter-copy-off-board-once-cancelled');
      const board = new DossierClient(client, { taskQueue, address: server.address });
      const row = () => board.findEngagements({ campaign: input.campaign.id }).then((rows) => rows[0]);
      await until(row, (r) => r?.nextAction?.kind === 'file-copy', 'the copy listed as the next step');
      await handle.cancel();
      const outcome = (await handle.result()) as { stage: string };
      const { searchAttributes } = await handle.describe();
      console.log('ended:', outcome.stage, 'next action:', JSON.stringify(searchAttributes.DossierNextAction ?? null));
      await save('engagement-letter-copy-off-board-once-cancelled', handle);
    }
    if (wanted('letter-copy-last-sent')) {
      // The store refuses the letter's copy; the letter bounces, the officer corrects the address and
      // letter-2 goes out, its copy refused too. Once the store is mended both copies' retries run:
      // the folder keeps letter-2's.
      const { letters, handle } = await startedWithCopyRefused('record-letter-copy-last-sent');
      const status = statusOf(handle);
      await until(status, (s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled?.step === 'letter', 'the copy reported not filed');
      await handle.executeUpdate(recordInboundUpdate, { args: [bounce(1, 'privacy@zoom.test')] });
      await until(status, (s) => s.stage === 'letter-undeliverable', 'the letter undeliverable');
      await handle.executeUpdate(correctContactsUpdate, { args: [{ by: OFFICER, contacts: [{ name: 'Privacy team', email: 'privacy@new.zoom.test' }], reason: 'The mailbox was closed.' }] });
      const notFiled = await until(status, (s) => s.stage === 'awaiting-response' && s.letterCopyNotFiled?.step === 'letter-2', "letter-2's copy reported not filed");
      console.log('not filed:', JSON.stringify(notFiled.letterCopyNotFiled));
      rmSync(letters);
      await until(status, (s) => s.letterCopyNotFiled === undefined, 'the copy filed');
      console.log('letter copies:', JSON.stringify(readdirSync(letters)));
      await handle.terminate('recorded');
      await save('engagement-letter-copy-last-sent', handle);
    }
    if (wanted('letter-copy-not-last-letter')) {
      // Not a patch: the campaign's look finds on file a copy that is not the letter gone was sent
      // last. gone's letter is refused, the officer corrects the address (another contact) and
      // letter-2 goes out, filing its copy; another file is put over it, as an earlier release could
      // leave the first letter's. The look at version 1 lists it; the received PDF put back, the look
      // before publication takes it off.
      const id = 'record-letter-copy-not-last-letter';
      const copy = join(scratch, 'out', id, 'letters', 'gone.en.pdf');
      sink.recipientPolicy = (address) => (address === 'privacy@gone.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
      await campaigns.start(campaignInput(id, ['gone']));
      await until(vendorStatus(id, 'gone'), (s) => s.stage === 'letter-undeliverable', 'the letter refused for good');
      await client.workflow.getHandle(engagementWorkflowId(id, 'gone')).executeUpdate(correctContactsUpdate, {
        args: [{ by: OFFICER, contacts: [{ name: 'Privacy team', email: 'privacy@new.gone.test' }], reason: 'The mailbox was closed.' }],
      });
      await until(vendorStatus(id, 'gone'), (s) => s.stage === 'awaiting-response', 'the letter sent again');
      sink.recipientPolicy = () => undefined;
      const received = readFileSync(copy);
      writeFileSync(copy, Buffer.from('%PDF-1.7 the letter sent before the address was corrected'));
      await campaigns.editStatement(id, statementTexts('Done.'));
      await campaigns.draftStatement(id, OFFICER, excluding('gone'));
      const listed = await until(() => campaigns.status(id), (s) => s.phase === 'approving' && s.deliveryFailures.some((f) => f.step === 'letter-copy-gone'), 'the copy listed');
      console.log('delivery failures at version 1:', JSON.stringify(listed.deliveryFailures.map((f) => [f.step, f.refusal?.code])));
      writeFileSync(copy, received);
      await approvedByBoth(id, 1);
      await campaigns.result(id);
      console.log('delivery failures after publication:', JSON.stringify((await campaigns.status(id)).deliveryFailures.map((f) => f.step)));
      await save('campaign-letter-copy-not-last-letter', campaigns.handle(id));
    }
    if (wanted('digest-past-refusal')) {
      // The mail server refuses the first officer's address for good (sorted by address, it comes
      // first): the digest still goes to the officer after, and says whose was refused.
      const id = 'record-digest-past-refusal';
      const mistyped = `aa-mistyped@${id}.test`;
      const input = engagementInput(id, 'soon', fastPolicy({ responseDue: '3 days', reminderCadence: [], finalNoticeAfter: '4 days' }));
      input.campaign.officers = [
        { name: 'Mistyped', email: mistyped, language: 'en' },
        { name: 'Reader', email: `zz-reader@${id}.test`, language: 'en' },
      ];
      const handle = await startCurrentEngagement(input);
      const engagements = new DossierClient(client, { taskQueue, address: server.address });
      await until(() => engagements.findEngagements({ campaign: id, vendor: 'soon', running: true }), (found) => found[0]?.stage === 'awaiting-response' && Boolean(found[0].nextDeadline), 'the engagement indexed');
      sink.recipientPolicy = (address) => (address === mistyped ? { code: 550, message: '5.1.1 No such user' } : undefined);
      const digest = await client.workflow.start(officerDigest, { taskQueue, workflowId: `${id}-run`, args: [{}] });
      const result = await digest.result();
      sink.recipientPolicy = () => undefined;
      console.log('sent:', JSON.stringify(result.sent.map((s) => s.officer)), 'refused:', JSON.stringify(result.refused?.map((r) => r.officer)));
      await handle.terminate('recorded');
      await save('officerDigest-past-refusal', digest);
    }
  } finally {
    worker.shutdown();
    await running;
    transport.close();
    await nc.close();
    await connection.close();
    await sink.stop();
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
