// Every transition of a campaign's state, without a server: tracking engagements, drafting,
// approving (all or a quorum), change requests and publication, and the refusals an officer reads.
import { describe, expect, it } from 'vitest';
import { CampaignCase, type CampaignCaseOptions, type StatementRules } from '../../workflows/campaign-state';
import type { CampaignInput, EngagementOutcome } from '../../workflows/types';
import { refusalDetails } from '../../workflows/refusals';
import { deliveryFailureText } from '../../client/delivery-failures';
import { refusalSentence } from '../../client/refusal-words';
import { cliWording } from '../../client/timeline-words';
import { cliWords } from '../../client/cli-words';
import { loadViews } from '../../web/views';
import { completeFindings, fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';

const NOW = '2020-12-01T10:00:00.000Z';
const LATER = '2020-12-02T10:00:00.000Z';
const LEAD = 'Officer Tremblay';

function newCampaign(approval: CampaignInput['approval'] = { kind: 'all' }, rules: StatementRules = 'legacy', options?: CampaignCaseOptions) {
  const input: CampaignInput = {
    campaign: testCampaign('vc-2020'),
    vendors: [testVendor('zoom'), testVendor('cisco')],
    policy: fastPolicy(),
    approval,
    publication: { folder: 'vc-2020', notifyVendors: true },
  };
  const kase = new CampaignCase(input, rules, options);
  for (const vendor of input.vendors) kase.addEngagement(vendor, false);
  return kase;
}

const concluded = (vendorId: string): EngagementOutcome => ({
  vendorId,
  vendorName: `Vendor ${vendorId}`,
  stage: 'concluded',
  findings: completeFindings(),
  demonstrations: [],
  remindersSent: [],
  endedAt: NOW,
});

const refusal = (check: () => void) => {
  try {
    check();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the request was accepted');
};

function approvingCampaign(approval: CampaignInput['approval'] = { kind: 'all' }) {
  const kase = newCampaign(approval);
  kase.engagementEnded('zoom', concluded('zoom'));
  kase.engagementFailed('cisco', 'worker lost');
  kase.startApproval(NOW);
  return kase;
}

// The first describe block states the rules campaigns started before the edit loop still replay
// under ('legacy'); the edit loop's own rules follow it.
describe('campaign state', () => {
  it('tracks one engagement per vendor until each ends or fails, then is ready to draft', () => {
    const kase = newCampaign();
    expect(kase.status().engagements.map((e) => [e.workflowId, e.state])).toEqual([
      ['engagement:vc-2020:zoom', 'in-progress'],
      ['engagement:vc-2020:cisco', 'in-progress'],
    ]);
    expect(kase.readyToDraft()).toBe(false);
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.engagementFailed('cisco', 'worker lost');
    expect(kase.status().engagements.map((e) => e.state)).toEqual(['ended', 'failed']);
    expect(kase.readyToDraft()).toBe(true);
  });

  it('drafts early when the lead asks, from what is known then', () => {
    const kase = newCampaign();
    kase.requestDraft({ by: LEAD }, NOW);
    expect(kase.readyToDraft()).toBe(true);
    kase.startApproval(NOW);
    expect(kase.draft).toMatchObject({ version: 1, date: '2020-12-01', signatories: [] });
    expect(kase.draft!.vendors.map((v) => v.stage)).toEqual(['in-progress', 'in-progress']);
  });

  it('refuses a vendor added twice, once drafting started, or without who is acting', () => {
    const kase = newCampaign();
    expect(refusal(() => kase.checkAddVendor({ by: LEAD, vendor: testVendor('zoom') }))).toBe(
      'Vendor "zoom" is already part of campaign vc-2020; choose another id.',
    );
    expect(refusal(() => kase.checkAddVendor({ by: ' ', vendor: testVendor('google') }))).toMatch(/^Say who is acting/);
    expect(() => kase.checkAddVendor({ by: LEAD, vendor: testVendor('google') })).not.toThrow();
    kase.addEngagement(testVendor('google'), true);
    expect(kase.status().engagements.at(-1)).toMatchObject({ vendorId: 'google', addedLate: true });
    kase.startApproval(NOW);
    expect(refusal(() => kase.checkAddVendor({ by: LEAD, vendor: testVendor('meet') }))).toMatch(/no longer be added.*phase approving/);
  });

  it('records a withdrawal once, for a vendor still engaged', () => {
    const kase = newCampaign();
    const request = { by: LEAD, vendorId: 'zoom', reason: 'Left the market' };
    expect(refusal(() => kase.checkWithdrawVendor({ ...request, vendorId: 'meet' }))).toBe('Unknown vendor "meet"; known: zoom, cisco.');
    kase.checkWithdrawVendor(request);
    expect(kase.withdrawVendor(request, NOW).withdrawal).toEqual({ by: LEAD, reason: 'Left the market', at: NOW });
    expect(refusal(() => kase.checkWithdrawVendor(request))).toBe('Vendor zoom is already being withdrawn.');
    kase.engagementEnded('cisco', concluded('cisco'));
    expect(refusal(() => kase.checkWithdrawVendor({ ...request, vendorId: 'cisco' }))).toBe('The engagement with Vendor cisco has already ended.');
  });

  it('needs every authority when all must approve, and counts approvals of the current version only', () => {
    const kase = approvingCampaign();
    expect(kase.required).toBe(2);
    kase.checkApproval({ by: LEAD, authorityId: 'opc', version: 1 });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    expect(kase.approved()).toBe(false);
    expect(kase.waitingFor().map((a) => a.id)).toEqual(['fdpic']);
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'opc', version: 1 }))).toBe('opc has already approved version 1.');
    // The same person cannot approve for the other authority as well.
    expect(refusal(() => kase.checkApproval({ by: ` ${LEAD}`, authorityId: 'fdpic', version: 1 }))).toBe(
      `${LEAD} has already approved for opc; each authority approves through its own signatory.`,
    );
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'cnil', version: 1 }))).toBe(
      'Unknown authority "cnil"; the signatories are opc, fdpic.',
    );

    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: ' Name the encryption gaps. ' }, LATER);
    expect(kase.draft!.version).toBe(2);
    expect(kase.status().draft).toMatchObject({ version: 2, approvals: [], pending: ['opc', 'fdpic'], required: 2 });
    expect(kase.changesRequestedBefore(2)).toEqual({ changeRequests: [{ authorityId: 'fdpic', by: 'Adrian Lobsiger', comment: 'Name the encryption gaps.' }] });
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'opc', version: 1 }))).toBe(
      'Version 1 is not the current draft: read version 2 and answer on it.',
    );
    kase.approve({ by: LEAD, authorityId: 'opc', version: 2 }, LATER);
    kase.approve({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 2 }, LATER);
    expect(kase.approved()).toBe(true);
  });

  it('is approved by a quorum, and signed only by the authorities that approved', () => {
    const kase = approvingCampaign({ kind: 'quorum', quorum: 1 });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    expect(kase.approved()).toBe(true);
    const signed = kase.sign();
    expect(kase.phase).toBe('publishing');
    expect(signed.signatories.map((a) => a.id)).toEqual(['opc']);
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'fdpic', version: 1 }))).toBe(
      'There is no draft awaiting approval (phase publishing).',
    );
    const published = kase.publish({ en: 'vc-2020/statement-1.en.pdf', fr: 'vc-2020/statement-1.fr.pdf' }, LATER);
    kase.noticesSent();
    expect(published).toEqual({ version: 1, files: { en: 'vc-2020/statement-1.en.pdf', fr: 'vc-2020/statement-1.fr.pdf' }, publishedAt: LATER });
    expect(kase.result()).toMatchObject({ campaignId: 'vc-2020', published, engagements: [{ vendorId: 'zoom', state: 'ended' }, { vendorId: 'cisco', state: 'failed' }] });
    expect(kase.status().phase).toBe('published');
  });

  it('dates the signed statement the day it is published, and keeps the approved version as it was approved', () => {
    const kase = approvingCampaign();
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.approve({ by: LEAD, authorityId: 'fdpic', version: 1 }, NOW);
    const approved = kase.statementVersion(1)!;
    expect(approved.date).toBe('2020-12-01');
    const signed = kase.sign(LATER);
    expect(signed).toEqual({ ...approved, date: '2020-12-02', signatories: testCampaign('vc-2020').authorities });
    expect(kase.statementVersion(1)).toEqual(approved);
    // A history published before the rule (its patch absent) keeps the approved version's date.
    const older = newCampaign({ kind: 'all' }, 'legacy', { holdsOversizedDraft: true, datedAtPublication: () => false });
    older.engagementEnded('zoom', concluded('zoom'));
    older.engagementFailed('cisco', 'worker lost');
    older.startApproval(NOW);
    older.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    older.approve({ by: LEAD, authorityId: 'fdpic', version: 1 }, NOW);
    expect(older.sign(LATER).date).toBe('2020-12-01');
  });

  it('takes conclusions trimmed, redrafting while approving, and refuses them once published', () => {
    const kase = approvingCampaign();
    const text = { by: LEAD, conclusions: { en: [' Keys stay with the client. '], fr: ['Les clés restent chez le client.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } };
    expect(refusal(() => kase.checkConclusions({ ...text, conclusions: { ...text.conclusions, en: ['Keys.', ''] } }))).toBe('conclusions.en[1]: must not be empty');
    kase.checkConclusions(text);
    kase.setConclusions(text, LATER);
    expect(kase.status().conclusionsSet).toBe(true);
    expect(kase.draft).toMatchObject({ version: 2, conclusions: { en: ['Keys stay with the client.'], fr: ['Les clés restent chez le client.'] } });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 2 }, LATER);
    kase.approve({ by: LEAD, authorityId: 'fdpic', version: 2 }, LATER);
    kase.sign();
    expect(refusal(() => kase.checkConclusions(text))).toBe('The statement is already publishing; its text can no longer change.');
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe('The statement is already publishing.');
  });

  it('mails the statement only to vendors the letter reached, leaving out each kind of vendor it did not only where told to', () => {
    const input: CampaignInput = {
      campaign: testCampaign('vc-2020'),
      vendors: ['zoom', 'cisco', 'gone', 'early', 'failed', 'old', 'open'].map((id) => testVendor(id)),
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: 'vc-2020', notifyVendors: true },
    };
    const kase = new CampaignCase(input, 'edit-loop');
    for (const vendor of input.vendors) kase.addEngagement(vendor, false);
    const ids = (vendors: { id: string }[]) => vendors.map((v) => v.id);
    expect(kase.notWrittenTo()).toEqual({ neverStarted: false, letterUndelivered: false });

    const withdrawn = (vendorId: string, extra: Partial<EngagementOutcome> = {}): EngagementOutcome => ({
      ...concluded(vendorId),
      stage: 'withdrawn',
      findings: undefined,
      withdrawalReason: 'Out of scope',
      ...extra,
    });
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.engagementEnded('cisco', withdrawn('cisco'));
    // Its letter refused or bounced for good (or still going out) when it was withdrawn.
    kase.engagementEnded('gone', withdrawn('gone', { letterUndelivered: true }));
    expect(kase.notWrittenTo()).toEqual({ neverStarted: false, letterUndelivered: true });
    // Withdrawn before its engagement started.
    kase.withdrawVendor({ by: LEAD, vendorId: 'early', reason: 'Out of scope' }, NOW);
    kase.endBeforeStart('early', NOW);
    kase.engagementFailed('failed', 'worker lost');
    // An outcome of an engagement that ended before outcomes said whether the letter arrived.
    kase.engagementEnded('old', withdrawn('old'));

    expect(kase.notWrittenTo()).toEqual({ neverStarted: true, letterUndelivered: true });
    expect(ids(kase.vendorsWrittenTo())).toEqual(['zoom', 'cisco', 'failed', 'old', 'open']);
    // A campaign that published before a rule mailed the vendors it leaves out, and replays so.
    expect(ids(kase.vendorsWrittenTo({ neverStarted: true, letterUndelivered: false }))).toEqual(['zoom', 'cisco', 'gone', 'failed', 'old', 'open']);
    expect(ids(kase.vendorsWrittenTo({ neverStarted: false, letterUndelivered: false }))).toEqual(ids(kase.vendors()));
    expect(kase.status()).not.toHaveProperty('statementNotMailed');

    // At publication the vendors left out are listed with why, and so is one whose notice the
    // activity did not send (no letter of its engagement in the delivery ledger).
    expect(ids(kase.vendorsToNotify({ neverStarted: true, letterUndelivered: true }))).toEqual(['zoom', 'cisco', 'failed', 'old', 'open']);
    kase.noticeNotSent('old', 'letter-not-accepted');
    expect(kase.status().statementNotMailed).toEqual([
      { vendorId: 'gone', vendorName: 'Vendor gone', reason: 'letter-undelivered' },
      { vendorId: 'early', vendorName: 'Vendor early', reason: 'never-started' },
      { vendorId: 'old', vendorName: 'Vendor old', reason: 'letter-not-accepted' },
    ]);
  });

  it('marks in each version the vendors the letter never reached, so the statement does not say it was sent to them', () => {
    const input: CampaignInput = {
      campaign: testCampaign('vc-2020'),
      vendors: ['zoom', 'gone', 'early', 'open'].map((id) => testVendor(id)),
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: 'vc-2020', notifyVendors: true },
    };
    const start = (answer: boolean) => {
      const kase = new CampaignCase(input, 'legacy', { holdsOversizedDraft: true, marksNotWrittenTo: () => answer });
      for (const vendor of input.vendors) kase.addEngagement(vendor, false);
      kase.engagementEnded('zoom', concluded('zoom'));
      kase.engagementEnded('gone', { ...concluded('gone'), stage: 'withdrawn', findings: undefined, letterUndelivered: true });
      kase.withdrawVendor({ by: LEAD, vendorId: 'early', reason: 'Out of scope' }, NOW);
      kase.endBeforeStart('early', NOW);
      kase.startApproval(NOW);
      return kase;
    };
    const marks = (kase: CampaignCase) => Object.fromEntries(kase.draft!.vendors.map((v) => [v.vendorId, v.notWrittenTo]));
    const kase = start(true);
    expect(marks(kase)).toEqual({ zoom: undefined, gone: 'letter-undelivered', early: 'never-started', open: undefined });
    // At publication, what is known then, and the vendors whose letter the mail server never accepted.
    kase.approve({ by: LEAD, authorityId: kase.authorities[0]!.id, version: 1 }, NOW);
    kase.sign();
    kase.markNotWrittenTo(new Set(['open']));
    expect(marks(kase)).toEqual({ zoom: undefined, gone: 'letter-undelivered', early: 'never-started', open: 'letter-not-accepted' });
    // A campaign whose versions were drafted before replays them unmarked.
    expect(marks(start(false))).toEqual({ zoom: undefined, gone: undefined, early: undefined, open: undefined });
  });

  it('keeps delivery failures for the officer', () => {
    const kase = newCampaign();
    kase.deliveryFailed('letter-copy-zoom', 'disk full', NOW);
    expect(kase.status().deliveryFailures).toEqual([{ at: NOW, step: 'letter-copy-zoom', reason: 'disk full' }]);
  });

  it('lists a letter copy not filed once, however many looks find it missing, and takes it off once a look files it', () => {
    const kase = newCampaign();
    const steps = () => kase.status().deliveryFailures.map((f) => [f.step, f.refusal?.code, f.refusal?.diagnostic]);
    kase.letterCopiesFiled(['zoom', 'cisco'], [{ vendorId: 'zoom', error: 'ENOSPC: no space left on device' }], NOW);
    kase.letterCopiesFiled(['zoom', 'cisco'], [{ vendorId: 'zoom', error: 'ENOSPC: no space left on device' }], LATER);
    expect(steps()).toEqual([['letter-copy-zoom', 'letter-copy-not-filed', 'ENOSPC: no space left on device']]);
    expect(kase.status().deliveryFailures[0]!.at).toBe(NOW);
    // A look that did not cover zoom says nothing of it.
    kase.letterCopiesFiled(['cisco'], [], LATER);
    expect(steps()).toHaveLength(1);
    kase.letterCopiesFiled(['zoom', 'cisco'], [], LATER);
    expect(steps()).toEqual([]);
    // A copy to take back (the letter did not reach cisco) is listed as such, and replaces what was listed before.
    kase.letterCopiesFiled(['cisco'], [{ vendorId: 'cisco', error: 'EACCES: permission denied' }], NOW);
    kase.letterCopyFailed({ vendorId: 'cisco', error: 'EACCES: permission denied', takenBack: true }, LATER);
    expect(steps()).toEqual([['letter-copy-cisco', 'letter-copy-not-taken-back', 'EACCES: permission denied']]);
    kase.letterCopiesFiled(['cisco'], [], LATER);
    expect(steps()).toEqual([]);
  });

  it('lists a copy on file that is not the last letter the vendor received apart from one not filed, until a look files the right one', () => {
    const kase = newCampaign();
    const failures = () => kase.status().deliveryFailures.map((f) => [f.step, f.refusal?.code, f.reason]);
    const differs = { vendorId: 'zoom', error: 'again/letters/zoom.fr.pdf is a copy of letter', differs: { step: 'letter-2', copyOf: 'letter' } };
    kase.letterCopiesFiled(['zoom'], [{ vendorId: 'zoom', error: 'ENOSPC: no space left on device' }], NOW);
    kase.letterCopiesFiled(['zoom'], [differs], LATER);
    kase.letterCopiesFiled(['zoom'], [differs], LATER);
    expect(failures()).toEqual([
      ['letter-copy-zoom', 'letter-copy-not-last-letter', 'The copy of the open letter to zoom in the publication folder is not the letter the vendor was sent last, and that letter could not be made again to replace it: again/letters/zoom.fr.pdf is a copy of letter'],
    ]);
    // In the officer's words, in both languages, the diagnostic naming the file and the letters.
    const listed = kase.status().deliveryFailures[0]!;
    expect(deliveryFailureText(listed, 'en').text).toContain("is not the letter the vendor received last: the letter went again to a corrected address");
    expect(deliveryFailureText(listed, 'en').text).toContain('again/letters/zoom.fr.pdf is a copy of letter');
    expect(deliveryFailureText(listed, 'fr').text).toContain('n’est pas la dernière lettre que l’entreprise a reçue\u00a0: la lettre est repartie vers une adresse corrigée');
    kase.letterCopiesFiled(['zoom'], [], LATER);
    expect(failures()).toEqual([]);
  });
});

describe('the edit loop: public text, versions the lead submits, approvals that name their version', () => {
  const both = (en: string, fr: string) => ({ en, fr });
  const publicText = {
    vendors: { zoom: { summary: both('Zoom explained its plan.', 'Zoom a expliqué son plan.') } },
    conclusions: { en: ['Done.'], fr: ['Fait.'] },
    lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] },
  };

  function editLoop(approval: CampaignInput['approval'] = { kind: 'all' }) {
    const kase = newCampaign(approval, 'edit-loop');
    kase.engagementEnded('zoom', concluded('zoom'));
    return kase;
  }

  it('names a vendor whose case ended while the lead settled it by its name, not its id', () => {
    const kase = editLoop();
    kase.checkEdit({ by: LEAD, ...publicText });
    kase.edit({ by: LEAD, ...publicText });
    const codeOf = (openCases: NonNullable<Parameters<CampaignCase['checkDraft']>[0]['openCases']>) => {
      try {
        kase.checkDraft({ by: LEAD, openCases });
      } catch (err) {
        return refusalDetails(err);
      }
      throw new Error('the draft was accepted');
    };
    // Zoom concluded while the lead filled in the form; the lead's own words name it as they know it.
    const ended = codeOf([{ vendorId: 'zoom', action: 'close', reason: both('Ended.', 'Terminé.') }]);
    expect(ended?.values).toMatchObject({ vendor: 'Vendor zoom' });
    // One the campaign does not know is named as typed.
    expect(codeOf([{ vendorId: 'nosuch', action: 'close', reason: both('Ended.', 'Terminé.') }])?.values).toMatchObject({ vendor: 'nosuch' });
  });

  it('refuses a draft while an engagement is open, unless the lead closes or excludes it with a bilingual reason', () => {
    const kase = editLoop();
    kase.checkEdit({ by: LEAD, ...publicText });
    kase.edit({ by: LEAD, ...publicText });
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe(
      'Cannot draft while 1 engagement is open (cisco): close or exclude each with a reason in English and French (openCases; the CLI\'s --open-cases file), or wait until they end.',
    );
    const exclude = { vendorId: 'cisco', action: 'exclude' as const, reason: both('Joined too late.', '') };
    expect(refusal(() => kase.checkDraft({ by: LEAD, openCases: [exclude] }))).toBe(
      "Cannot draft: 1 text is missing in the statement: open-cases file (statement draft --open-cases, or the workspace's draft form), vendor cisco, reason (French).",
    );
    const settled = { ...exclude, reason: both('Joined too late.', 'Arrivée trop tard.') };
    kase.checkDraft({ by: LEAD, openCases: [settled] });
    kase.requestDraft({ by: LEAD, openCases: [settled] }, NOW);
    expect(kase.readyToDraft()).toBe(true);
    kase.startApproval(NOW);
    expect(kase.draft!.vendors.map((v) => [v.vendorId, v.stage])).toEqual([['zoom', 'concluded'], ['cisco', 'excluded']]);
    expect(kase.status().openCases).toEqual([settled]);
  });

  it('refuses a vendor added once the lead asked for the draft, before the workflow made it', () => {
    const kase = newCampaign({ kind: 'all' }, 'edit-loop');
    kase.checkEdit({ by: LEAD, conclusions: publicText.conclusions, lessonsLearned: publicText.lessonsLearned });
    kase.edit({ by: LEAD, conclusions: publicText.conclusions, lessonsLearned: publicText.lessonsLearned });
    const closed = ['zoom', 'cisco'].map((vendorId) => ({ vendorId, action: 'close' as const, reason: both('Closed.', 'Fermé.') }));
    kase.checkDraft({ by: LEAD, openCases: closed });
    kase.requestDraft({ by: LEAD, openCases: closed }, NOW);
    expect(kase.phase).toBe('engaging');
    expect(refusal(() => kase.checkAddVendor({ by: LEAD, vendor: testVendor('late') }))).toBe('Vendors can no longer be added: the statement is being drafted (phase engaging).');
  });

  it('refuses to withdraw a vendor the lead closed or left out at drafting: the statement prints the lead’s reason', () => {
    const kase = editLoop();
    kase.checkEdit({ by: LEAD, ...publicText });
    kase.edit({ by: LEAD, ...publicText });
    const excluded = { vendorId: 'cisco', action: 'exclude' as const, reason: both('Joined too late.', 'Arrivée trop tard.') };
    kase.requestDraft({ by: LEAD, openCases: [excluded] }, NOW);
    kase.startApproval(NOW);
    expect(refusal(() => kase.checkWithdrawVendor({ by: 'Officer Other', vendorId: 'cisco', reason: 'Another reason.' }))).toBe(
      'Vendor cisco was left out by the lead at drafting, with the reason the statement prints; it ends with that decision.',
    );
  });

  it('lists every missing text before the first version, and drafts on its own once all is written and every engagement ended', () => {
    const kase = editLoop();
    kase.engagementEnded('cisco', { ...concluded('cisco'), stage: 'closed-no-response', findings: undefined });
    expect(kase.readyToDraft()).toBe(false);
    expect(kase.status().missingTexts).toEqual([
      'statement text file, vendor zoom, summary (English)',
      'statement text file, vendor zoom, summary (French)',
      'conclusions file (or statement text file), conclusions (English)',
      'conclusions file (or statement text file), conclusions (French)',
      'conclusions file (or statement text file), lessonsLearned (English)',
      'conclusions file (or statement text file), lessonsLearned (French)',
    ]);
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toMatch(/^Cannot draft: 6 texts are missing in the statement: statement text file, vendor zoom, summary \(English\);/);
    kase.edit({ by: LEAD, ...publicText });
    expect(kase.status().missingTexts).toEqual([]);
    expect(kase.readyToDraft()).toBe(true);
  });

  it('sends a change request back to the lead; the next version goes out only when the lead submits it', () => {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.startApproval(NOW);
    expect(kase.approvalRequestFor(kase.authorities[0]!)).toEqual({ version: 1 });
    expect(kase.approvalRequestFor(kase.authorities[1]!)).toEqual({ version: 1 });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say more about Zoom.' }, LATER);
    expect(kase.phase).toBe('revising');
    expect(kase.draft!.version).toBe(1);
    expect(kase.approved()).toBe(false);
    // Resubmitting nothing new while the signatories answer is refused; editing then submitting makes version 2.
    kase.edit({ by: LEAD, vendors: { zoom: { summary: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.') } } });
    expect(kase.status().unsubmittedEdits).toBe(true);
    kase.checkDraft({ by: LEAD });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.phase).toBe('approving');
    expect(kase.draft!.version).toBe(2);
    // The text changed: opc's approval of version 1 does not carry over; both get version 2 with what changed.
    expect(kase.status().draft).toMatchObject({ version: 2, approvals: [], pending: ['opc', 'fdpic'] });
    const request = kase.approvalRequestFor(kase.authorities[1]!);
    expect(request).toMatchObject({ version: 2, sinceVersion: 1 });
    expect(request.changes).toEqual([
      { section: 'summary', vendorName: 'Vendor zoom', before: both('Zoom explained its plan.', 'Zoom a expliqué son plan.'), after: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.') },
    ]);
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'opc', version: 1 }))).toBe('Version 1 is not the current draft: read version 2 and answer on it.');
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe('Nothing changed since version 2: the signatories are answering on it; edit the text first.');
  });

  /** Version 1 out for approval with every text; fdpic then sends it back unless `sentBack` is false. */
  function version1Out(sentBack = true) {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    // The first version: nothing was sent back, nothing to confirm.
    kase.checkDraft({ by: LEAD });
    kase.startApproval(NOW);
    if (sentBack) kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say more about Zoom.' }, LATER);
    return kase;
  }

  it('refuses to submit unchanged a version a co-signatory sent back, naming who sent it back, unless the lead confirms it', () => {
    const kase = version1Out();
    expect(refusalOf(() => kase.checkDraft({ by: LEAD }))).toEqual({ refusal: 'unchanged-after-changes', values: { version: '1', by: 'Adrian Lobsiger' } });
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe(
      'Version 1 was sent back for changes (by Adrian Lobsiger) and the text has not changed since: edit the text, or confirm that it goes out unchanged (the CLI: run again with --confirm-unchanged).',
    );
    kase.checkDraft({ by: LEAD, confirmsUnchanged: true });
    kase.requestDraft({ by: LEAD, confirmsUnchanged: true }, LATER);
    expect(kase.draft!.version).toBe(2);
  });

  it('submits a sent-back version whose text changed without asking for a confirmation', () => {
    const kase = version1Out();
    kase.edit({ by: LEAD, vendors: { zoom: { summary: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.') } } });
    kase.checkDraft({ by: LEAD });
  });

  it('asks no confirmation for a version nobody sent back (the existing refusal of an unchanged one stands)', () => {
    const kase = version1Out(false);
    expect(refusalOf(() => kase.checkDraft({ by: LEAD }))?.refusal).toBe('nothing-changed');
    kase.edit({ by: LEAD, vendors: { zoom: { summary: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.') } } });
    kase.checkDraft({ by: LEAD });
  });

  /** Version 1 drafted with every text and sent for approval: fdpic is asked to approve it. */
  function version1AskedOfFdpic() {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.startApproval(NOW);
    const fdpic = kase.authorities[1]!;
    expect(kase.approvalRequestFor(fdpic)).toEqual({ version: 1 });
    return { kase, fdpic };
  }

  it('counts a request that never reached a signatory as unseen, so the next version says what changed since the one it did see', () => {
    const { kase, fdpic } = version1AskedOfFdpic();
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed.'], fr: ['Fait, revu.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.approvalRequestFor(fdpic)).toMatchObject({ version: 2, sinceVersion: 1 });
    // Version 2's request was cancelled (version 2 sent back or replaced): fdpic last saw version 1.
    kase.requestNotSent(fdpic, 2, 1);
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed twice.'], fr: ['Fait, revu deux fois.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.approvalRequestFor(fdpic)).toMatchObject({ version: 3, sinceVersion: 1 });
    // A cancelled request of an older version does not undo a later one made since.
    kase.requestNotSent(fdpic, 2, 1);
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed thrice.'], fr: ['Fait, revu trois fois.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.approvalRequestFor(fdpic)).toMatchObject({ version: 4, sinceVersion: 3 });
  });

  it('shows each signatory what changed since the version it last received, as its request says, and anyone else since the previous version', () => {
    const { kase, fdpic } = version1AskedOfFdpic();
    const opc = kase.authorities[0]!;
    kase.approvalRequestFor(opc);
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed.'], fr: ['Fait, revu.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    kase.approvalRequestFor(opc);
    kase.approvalRequestFor(fdpic);
    // Version 2's request to fdpic was cancelled: it last saw version 1.
    kase.requestNotSent(fdpic, 2, 1);
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed twice.'], fr: ['Fait, revu deux fois.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    const conclusions = (en: string, fr: string) => [{ section: 'conclusions', before: { en, fr }, after: { en: 'Done, reviewed twice.', fr: 'Fait, revu deux fois.' } }];
    // Before its request for version 3 goes out, and after: the same comparison, with version 1.
    expect(kase.changesOfCurrentVersion('fdpic')).toMatchObject({ version: 3, sinceVersion: 1, changes: conclusions('Done.', 'Fait.') });
    expect(kase.approvalRequestFor(fdpic)).toMatchObject({ version: 3, sinceVersion: 1 });
    expect(kase.changesOfCurrentVersion('fdpic')).toMatchObject({ version: 3, sinceVersion: 1, changes: conclusions('Done.', 'Fait.') });
    kase.approvalRequestFor(opc);
    expect(kase.changesOfCurrentVersion('opc')).toMatchObject({ version: 3, sinceVersion: 2, changes: conclusions('Done, reviewed.', 'Fait, revu.') });
    expect(kase.changesOfCurrentVersion()).toMatchObject({ version: 3, sinceVersion: 2 });
    expect(kase.changesOfCurrentVersion('nobody')).toMatchObject({ version: 3, sinceVersion: 2 });
  });

  it('counts no change where a version only respaces the French before « » : ; ! ?, which the PDF prints alike, in the approval request as on the page', () => {
    const { kase, fdpic } = version1AskedOfFdpic();
    const opc = kase.authorities[0]!;
    kase.approvalRequestFor(opc);
    const summary = (en: string, fr: string) => ({ zoom: { summary: both(en, fr) } });
    kase.edit({ by: LEAD, conclusions: { en: ['Done: reviewed!'], fr: ['Fait : revu !', 'Voir « ceci ».'] }, vendors: summary('Zoom explained its plan: 90 days.', 'Zoom a expliqué son plan : 90 jours.') });
    kase.requestDraft({ by: LEAD }, LATER);
    kase.approvalRequestFor(opc);
    kase.approvalRequestFor(fdpic);
    // Version 3 retypes the French spacing (none, or an ordinary space, where the PDF sets a narrow
    // no-break one) and changes the English summary: the summary's change is listed, the conclusions' are not.
    kase.edit({ by: LEAD, conclusions: { en: ['Done: reviewed!'], fr: ['Fait: revu!', 'Voir «ceci».'] }, vendors: summary('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan: 90 jours.') });
    kase.requestDraft({ by: LEAD }, LATER);
    const listed = [
      {
        section: 'summary',
        vendorName: 'Vendor zoom',
        before: both('Zoom explained its plan: 90 days.', 'Zoom a expliqué son plan : 90 jours.'),
        after: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan: 90 jours.'),
      },
    ];
    expect(kase.changesOfCurrentVersion()).toEqual({ version: 3, sinceVersion: 2, changes: listed });
    expect(kase.approvalRequestFor(fdpic)).toEqual({ version: 3, sinceVersion: 2, changes: listed });
    // Version 4 only respaces the French again: as printed, nothing changed since version 3, and the
    // request says only the version number and date did (approval-request.yaml, no changes listed).
    kase.edit({ by: LEAD, conclusions: { en: ['Done: reviewed!'], fr: ['Fait : revu !', 'Voir « ceci ».'] }, vendors: summary('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan : 90 jours.') });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.changesOfCurrentVersion()).toEqual({ version: 4, sinceVersion: 3, changes: [] });
    expect(kase.approvalRequestFor(fdpic)).toEqual({ version: 4, sinceVersion: 3, changes: [] });
    // opc last received version 2: since then, only the English summary changed as printed.
    expect(kase.changesOfCurrentVersion('opc')).toEqual({
      version: 4,
      sinceVersion: 2,
      changes: [{ ...listed[0], after: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan : 90 jours.') }],
    });
    // A real change of a French word is still one.
    kase.edit({ by: LEAD, conclusions: { en: ['Done: reviewed!'], fr: ['Fait : relu !', 'Voir « ceci ».'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.changesOfCurrentVersion()?.changes.map((c) => c.section)).toEqual(['conclusions']);
  });

  it('shows a signatory that received no earlier version no comparison: all of the current one is new to it', () => {
    const { kase, fdpic } = version1AskedOfFdpic();
    kase.requestNotSent(fdpic, 1, undefined);
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed.'], fr: ['Fait, revu.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    kase.approvalRequestFor(fdpic);
    expect(kase.changesOfCurrentVersion('fdpic')).toBeUndefined();
    expect(kase.changesOfCurrentVersion()).toMatchObject({ version: 2, sinceVersion: 1 });
  });

  it('counts a first request that never reached a signatory as no version seen', () => {
    const { kase, fdpic } = version1AskedOfFdpic();
    kase.requestNotSent(fdpic, 1, undefined);
    kase.edit({ by: LEAD, conclusions: { en: ['Done, reviewed.'], fr: ['Fait, revu.'] } });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.approvalRequestFor(fdpic)).toEqual({ version: 2 });
  });

  it('carries an approval over to a version whose text did not change, so that authority is not asked again', () => {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.startApproval(NOW);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'On reflection, no change.' }, LATER);
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.status().draft).toMatchObject({ version: 2, pending: ['fdpic'], approvals: [{ authorityId: 'opc', version: 1 }] });
    expect(kase.approvalRequestRecipients().map((a) => a.id)).toEqual(['fdpic']);
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'opc', version: 2 }))).toBe(
      'opc has already approved version 2 (its approval of version 1 stands: the text did not change).',
    );
    kase.approve({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 2 }, LATER);
    expect(kase.approved()).toBe(true);
  });

  it('refuses a version that only respaces the French while the signatories answer: the PDF prints it as the one they have', () => {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, conclusions: { en: ['Done: see below!'], fr: ['Fait : voir « ci-dessous » !'] }, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.startApproval(NOW);
    // None, or an ordinary space, where the PDF sets a narrow no-break one.
    kase.edit({ by: LEAD, conclusions: { en: ['Done: see below!'], fr: ['Fait: voir «ci-dessous»!'] } });
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe('Nothing changed since version 1: the signatories are answering on it; edit the text first.');
    // A French word changed is a change.
    kase.edit({ by: LEAD, conclusions: { en: ['Done: see below!'], fr: ['Fait: voir «ci-après»!'] } });
    kase.checkDraft({ by: LEAD });
  });

  /** Version 1 approved by opc and sent back by fdpic; the lead then submits `conclusions` as version 2. */
  function sentBackThenResubmitted(conclusions: { en: string[]; fr: string[] }, keepsApprovalsAsPrinted?: () => boolean) {
    const input: CampaignInput = { campaign: testCampaign('vc-2020'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc-2020', notifyVendors: true } };
    const kase = new CampaignCase(input, 'edit-loop', { holdsOversizedDraft: true, ...(keepsApprovalsAsPrinted ? { keepsApprovalsAsPrinted } : {}) });
    kase.addEngagement(input.vendors[0]!, false);
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.edit({ by: LEAD, ...publicText, conclusions: { en: ['Done: see below!'], fr: ['Fait : voir « ci-dessous » !'] } });
    kase.startApproval(NOW);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Check the French spacing.' }, LATER);
    kase.edit({ by: LEAD, conclusions });
    // Only respaced prints as the version sent back: submitted so knowingly.
    kase.checkDraft({ by: LEAD, confirmsUnchanged: true });
    kase.requestDraft({ by: LEAD, confirmsUnchanged: true }, LATER);
    expect(kase.draft!.version).toBe(2);
    return kase;
  }

  it('carries an approval over to a version that only respaces the French, reached through a send-back, so that authority is not asked again', () => {
    const kase = sentBackThenResubmitted({ en: ['Done: see below!'], fr: ['Fait: voir «ci-dessous»!'] });
    expect(kase.status().draft).toMatchObject({ version: 2, pending: ['fdpic'], approvals: [{ authorityId: 'opc', version: 1 }] });
    expect(kase.approvalRequestRecipients().map((a) => a.id)).toEqual(['fdpic']);
    kase.approve({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 2 }, LATER);
    expect(kase.approved()).toBe(true);
  });

  it('asks whether an approval carries over as printed only where the texts differ as typed alone, and drops it where the answer is no, as histories before did', () => {
    const asked: string[] = [];
    const answering = (answer: boolean) => () => (asked.push(String(answer)), answer);
    const respaced = sentBackThenResubmitted({ en: ['Done: see below!'], fr: ['Fait: voir «ci-dessous»!'] }, answering(false));
    expect(respaced.status().draft).toMatchObject({ version: 2, pending: ['opc', 'fdpic'], approvals: [] });
    expect(asked).toEqual(['false']);
    asked.length = 0;
    // The same text as typed, or a French word changed: the answer would change nothing, so it is not asked.
    expect(sentBackThenResubmitted({ en: ['Done: see below!'], fr: ['Fait : voir « ci-dessous » !'] }, answering(true)).status().draft).toMatchObject({ approvals: [{ authorityId: 'opc', version: 1 }] });
    expect(sentBackThenResubmitted({ en: ['Done: see below!'], fr: ['Fait: voir «ci-après»!'] }, answering(true)).status().draft).toMatchObject({ approvals: [] });
    expect(asked).toEqual([]);
  });

  it('corrects an approved version whose background the ledger now contradicts in a new version, which every signatory approves again', () => {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.ledgerSays([]);
    kase.startApproval(NOW);
    for (const a of kase.authorities) kase.approvalRequestFor(a);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.approve({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 }, NOW);
    expect(kase.approved()).toBe(true);
    expect(kase.lettersOutdated()).toBe(false);
    // The lead edits meanwhile, without submitting; then, at publication, the ledger finds no accepted letter of cisco's.
    kase.edit({ by: LEAD, conclusions: { en: ['Unsubmitted.'], fr: ['Non soumis.'] } });
    kase.ledgerSays(['cisco']);
    expect(kase.lettersOutdated()).toBe(true);
    kase.redraftLetters(LATER);
    expect(kase.approved()).toBe(false);
    expect(kase.status()).toMatchObject({ phase: 'approving', unsubmittedEdits: true, draft: { version: 2, approvals: [], pending: ['opc', 'fdpic'] } });
    expect(kase.draft!.vendors.map((v) => [v.vendorId, v.notWrittenTo])).toEqual([
      ['zoom', undefined],
      ['cisco', 'letter-not-accepted'],
    ]);
    expect(kase.draft!.conclusions).toEqual({ en: ['Done.'], fr: ['Fait.'] });
    expect(kase.approvalRequestFor(kase.authorities[1]!)).toEqual({
      version: 2,
      sinceVersion: 1,
      changes: [{ section: 'letter', vendorName: 'Vendor cisco', letterBefore: 'sent', letterAfter: 'not-reached' }],
    });
    expect(kase.lettersOutdated()).toBe(false);
  });

  it('refuses to resubmit the same text while the signatories answer, though the version marks a vendor the letter did not reach', () => {
    const kase = editLoop();
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.ledgerSays(['cisco']);
    kase.startApproval(NOW);
    expect(kase.draft!.vendors.map((v) => [v.vendorId, v.notWrittenTo])).toEqual([
      ['zoom', undefined],
      ['cisco', 'letter-not-accepted'],
    ]);
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe('Nothing changed since version 1: the signatories are answering on it; edit the text first.');
    expect(kase.draft!.version).toBe(1);
  });

  it('refuses edits and drafts once published, and names an unknown vendor in an edit', () => {
    const kase = editLoop();
    expect(refusal(() => kase.checkEdit({ by: LEAD, vendors: { meet: { summary: both('a', 'b') } } }))).toBe(
      "Cannot edit the statement: vendors.meet: unknown vendor (the campaign's vendors: zoom, cisco).",
    );
    kase.engagementEnded('cisco', concluded('cisco'));
    kase.edit({ by: LEAD, ...publicText, vendors: { ...publicText.vendors, cisco: { summary: both('Cisco answered.', 'Cisco a répondu.') } } });
    kase.startApproval(NOW);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.approve({ by: LEAD, authorityId: 'fdpic', version: 1 }, NOW);
    kase.sign();
    kase.publish({ en: 'a.pdf', fr: 'b.pdf' }, LATER);
    kase.noticesSent();
    const before = JSON.stringify(kase.status());
    expect(refusal(() => kase.checkEdit({ by: LEAD, conclusions: { en: ['Late.'], fr: ['Tard.'] } }))).toBe('The statement is already published: its text can no longer change.');
    expect(refusal(() => kase.checkDraft({ by: LEAD }))).toBe('The statement is already published: no further version can be drafted.');
    expect(JSON.stringify(kase.status())).toBe(before);
  });
});

describe('a late reply in the statement', () => {
  const both = (en: string, fr: string) => ({ en, fr });
  const publicText = {
    vendors: { zoom: { summary: both('Zoom explained its plan.', 'Zoom a expliqué son plan.') } },
    conclusions: { en: ['Done.'], fr: ['Fait.'] },
    lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] },
  };
  const silent = (): EngagementOutcome => ({ ...concluded('cisco'), stage: 'closed-no-response', findings: undefined });
  const cisco = (kase: CampaignCase) => kase.draft!.vendors.find((v) => v.vendorId === 'cisco')!;

  function drafted() {
    const kase = newCampaign({ kind: 'all' }, 'edit-loop');
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.engagementEnded('cisco', silent());
    kase.edit({ by: LEAD, ...publicText });
    return kase;
  }

  it('says when a vendor that never responded replied late, as the draft request tells it, the first reply of several', () => {
    const kase = drafted();
    const lateReplies = [
      { vendorId: 'cisco', receivedAt: '2021-03-05T09:00:00Z' },
      { vendorId: 'cisco', receivedAt: '2021-03-03T15:30:00Z' },
    ];
    kase.checkDraft({ by: LEAD, lateReplies });
    kase.requestDraft({ by: LEAD, lateReplies }, NOW);
    kase.startApproval(NOW);
    expect(cisco(kase)).toMatchObject({ stage: 'closed-no-response', repliedLateAt: '2021-03-03T15:30:00Z' });
    // A vendor that responded in time says no such thing, whatever the request names.
    expect(kase.draft!.vendors.find((v) => v.vendorId === 'zoom')!.repliedLateAt).toBeUndefined();
  });

  it('does not call late a reply received before the case ended (held, then attached to the closed record): the statement says only what is so', () => {
    const kase = drafted();
    // The case ended at NOW; this reply came a day before it, waited in a holding pen, and was attached after.
    const lateReplies = [{ vendorId: 'cisco', receivedAt: '2020-11-30T10:00:00Z' }];
    kase.checkDraft({ by: LEAD, lateReplies });
    kase.requestDraft({ by: LEAD, lateReplies }, LATER);
    kase.startApproval(LATER);
    expect(cisco(kase)).toMatchObject({ stage: 'closed-no-response' });
    expect(cisco(kase).repliedLateAt).toBeUndefined();
  });

  it('says a reply received before the case ended came in time, and puts it in the next version as a change the signatories approve again', () => {
    const kase = drafted();
    kase.requestDraft({ by: LEAD }, NOW);
    kase.startApproval(NOW);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    // The case ended at NOW; this reply came a day before it, waited in a holding pen, and was attached after.
    const lateReplies = [{ vendorId: 'cisco', receivedAt: '2020-11-30T10:00:00Z' }];
    // Not "nothing changed": the statement no longer says the vendor did not respond.
    kase.checkDraft({ by: LEAD, lateReplies });
    kase.requestDraft({ by: LEAD, lateReplies }, LATER);
    expect(kase.draft!.version).toBe(2);
    expect(cisco(kase)).toMatchObject({ stage: 'closed-no-response', repliedInTimeAt: '2020-11-30T10:00:00Z' });
    expect(cisco(kase).repliedLateAt).toBeUndefined();
    expect(kase.statementVersion(1)!.vendors.find((v) => v.vendorId === 'cisco')!.repliedInTimeAt).toBeUndefined();
    expect(kase.status().draft!.approvals).toEqual([]);
    // A reply at the very instant the case ended came in time too; a vendor that responded says no such thing.
    const atTheEnd = drafted();
    atTheEnd.requestDraft({ by: LEAD, lateReplies: [{ vendorId: 'cisco', receivedAt: silent().endedAt }, { vendorId: 'zoom', receivedAt: '2020-11-30T10:00:00Z' }] }, NOW);
    atTheEnd.startApproval(NOW);
    expect(cisco(atTheEnd).repliedInTimeAt).toBe(silent().endedAt);
    expect(atTheEnd.draft!.vendors.find((v) => v.vendorId === 'zoom')!.repliedInTimeAt).toBeUndefined();
  });

  it('leaves a reply in time out of a version an older history drafted without saying so (the workflow’s patch says no), and asks only when there is one', () => {
    let asked = 0;
    const kase = newCampaign({ kind: 'all' }, 'edit-loop', { holdsOversizedDraft: true, tellsRepliesInTime: () => (asked++, false) });
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.engagementEnded('cisco', silent());
    kase.edit({ by: LEAD, ...publicText });
    kase.requestDraft({ by: LEAD }, NOW);
    kase.startApproval(NOW);
    expect(asked).toBe(0);
    kase.requestDraft({ by: LEAD, lateReplies: [{ vendorId: 'cisco', receivedAt: '2020-11-30T10:00:00Z' }] }, LATER);
    expect(asked).toBeGreaterThan(0);
    expect(cisco(kase).repliedInTimeAt).toBeUndefined();
  });

  it('puts a reply attached after a version was drafted in the next version, which the signatories approve again; the version before stays as drafted', () => {
    const kase = drafted();
    kase.requestDraft({ by: LEAD }, NOW);
    kase.startApproval(NOW);
    expect(kase.draft!.version).toBe(1);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    const lateReplies = [{ vendorId: 'cisco', receivedAt: '2021-03-03T15:30:00Z' }];
    // Not "nothing changed": the statement now says something new of the vendor.
    kase.checkDraft({ by: LEAD, lateReplies });
    kase.requestDraft({ by: LEAD, lateReplies }, LATER);
    expect(kase.draft!.version).toBe(2);
    expect(cisco(kase).repliedLateAt).toBe('2021-03-03T15:30:00Z');
    expect(kase.statementVersion(1)!.vendors.find((v) => v.vendorId === 'cisco')!.repliedLateAt).toBeUndefined();
    expect(kase.status().draft!.approvals).toEqual([]);
    // Known from then on: a request that names none does not take it back.
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 2, comment: 'Say more.' }, LATER);
    kase.edit({ by: LEAD, vendors: { zoom: { summary: both('Zoom explained its 90-day plan.', 'Zoom a expliqué son plan de 90 jours.') } } });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.draft!.version).toBe(3);
    expect(cisco(kase).repliedLateAt).toBe('2021-03-03T15:30:00Z');
  });

  it('puts a reply the intake told of (attached before the first version) in the version the workflow drafts by itself, as a reply in time', () => {
    const kase = newCampaign({ kind: 'all' }, 'edit-loop');
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.engagementEnded('cisco', silent());
    // The case ended at NOW; this reply came a day before it, waited in a holding pen, and was attached after.
    expect(kase.lateReplyAttached({ vendorId: 'cisco', receivedAt: '2020-11-30T10:00:00Z' })).toBe(true);
    // A signal cannot be refused: one the draft request would refuse is ignored, and changes nothing.
    expect(kase.lateReplyAttached({ vendorId: 'nobody', receivedAt: '2020-11-30T10:00:00Z' })).toBe(false);
    expect(kase.lateReplyAttached({ vendorId: 'cisco', receivedAt: 'last spring' })).toBe(false);
    expect(kase.readyToDraft()).toBe(false);
    kase.edit({ by: LEAD, ...publicText });
    // Every engagement ended and every text written: the workflow drafts the first version on its own.
    expect(kase.readyToDraft()).toBe(true);
    kase.startApproval(NOW);
    expect(cisco(kase)).toMatchObject({ stage: 'closed-no-response', repliedInTimeAt: '2020-11-30T10:00:00Z' });
    expect(kase.draft!.vendors.map((v) => v.vendorId)).toEqual(['zoom', 'cisco']);
    expect(kase.status().lateRepliesNotInDraft).toBeUndefined();
  });

  it('names in the status a reply the intake told of after a version was drafted, as not in it, until the next version says it', () => {
    const kase = drafted();
    kase.startApproval(NOW);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    expect(kase.status().lateRepliesNotInDraft).toBeUndefined();
    kase.lateReplyAttached({ vendorId: 'cisco', receivedAt: '2021-03-05T09:00:00Z' });
    // The first received of several is the one the statement tells.
    kase.lateReplyAttached({ vendorId: 'cisco', receivedAt: '2021-03-03T15:30:00Z' });
    expect(cisco(kase).repliedLateAt).toBeUndefined();
    expect(kase.status().lateRepliesNotInDraft).toEqual([{ vendorId: 'cisco', vendorName: 'Vendor cisco', receivedAt: '2021-03-03T15:30:00Z' }]);
    expect(kase.updated().lateRepliesNotInDraft).toHaveLength(1);
    // The lead's next draft, naming no late reply, says it; not "nothing changed".
    kase.checkDraft({ by: LEAD });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.draft!.version).toBe(2);
    expect(cisco(kase).repliedLateAt).toBe('2021-03-03T15:30:00Z');
    expect(kase.status().lateRepliesNotInDraft).toBeUndefined();
    expect(kase.status().draft!.approvals).toEqual([]);
  });

  it('puts a reply the intake told of in a version the workflow corrects after the ledger answers', () => {
    const kase = drafted();
    kase.startApproval(NOW);
    kase.lateReplyAttached({ vendorId: 'cisco', receivedAt: '2020-11-30T10:00:00Z' });
    kase.redraftLetters(LATER);
    expect(kase.draft!.version).toBe(2);
    expect(cisco(kase)).toMatchObject({ stage: 'closed-no-response', repliedInTimeAt: '2020-11-30T10:00:00Z' });
    expect(kase.status().lateRepliesNotInDraft).toBeUndefined();
  });

  it('refuses a late reply of a vendor the campaign does not have, or without the instant it was received', () => {
    const kase = drafted();
    expect(refusal(() => kase.checkDraft({ by: LEAD, lateReplies: [{ vendorId: 'nobody', receivedAt: '2021-03-03T15:30:00Z' }] }))).toBe(
      'Unknown vendor "nobody" in the late replies; known: zoom, cisco.',
    );
    expect(refusal(() => kase.checkDraft({ by: LEAD, lateReplies: [{ vendorId: 'cisco', receivedAt: 'last spring' }] }))).toMatch(/late reply of cisco must say when it was received .*\(got "last spring"\)/);
    expect(refusal(() => kase.checkDraft({ by: LEAD, lateReplies: 'cisco' as never }))).toBe('The late replies must be a list of { vendorId, receivedAt } (got "cisco").');
  });
});

describe('the campaign as the board reads it', () => {
  it('names every vendor of a 2,000-vendor campaign in a small fraction of its status', () => {
    const input: CampaignInput = {
      campaign: testCampaign('board'),
      vendors: Array.from({ length: 2_000 }, (_, i) => testVendor(`vendor-${i}`, { name: `Vendor ${i} Inc.` })),
      policy: fastPolicy(),
      approval: { kind: 'all' },
      publication: { folder: 'board', notifyVendors: false },
    };
    const kase = new CampaignCase(input, 'edit-loop');
    for (const vendor of input.vendors) kase.addEngagement(vendor, false);
    for (const vendor of input.vendors.slice(0, 1_000)) kase.engagementEnded(vendor.id, concluded(vendor.id));
    const board = kase.board();
    expect(board).toMatchObject({ campaignId: 'board', reference: 'TEST-BOARD', phase: 'engaging', engagementCount: 2_000 });
    expect(Object.keys(board.vendorNames)).toHaveLength(2_000);
    expect(board.vendorNames['vendor-1999']).toBe('Vendor 1999 Inc.');
    const boardBytes = Buffer.byteLength(JSON.stringify(board));
    const statusBytes = Buffer.byteLength(JSON.stringify(kase.status()));
    expect(boardBytes).toBeLessThan(statusBytes / 5);
  });
});

describe('the vendors a sender’s address is, as the campaign answers the holding pen', () => {
  // The holding pen asks each campaign whose a held message's sender is, rather than reading every
  // vendor's addresses from its board: the board stays names only (above), the answer a few ids.
  const started = (vendors: CampaignInput['vendors']) => {
    const input: CampaignInput = { campaign: testCampaign('sender'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'sender', notifyVendors: false } };
    const kase = new CampaignCase(input, 'edit-loop');
    for (const vendor of vendors) kase.addEngagement(vendor, false);
    return kase;
  };
  const contact = (email: string) => ({ name: 'Privacy office', email });

  it('names the nearest of its vendors, as the intake weighs a sender: the very address, else its domain, else the nearest domain under a contact’s', () => {
    const kase = started([
      testVendor('zoom', { contacts: [contact('Privacy@Zoom.us')] }),
      testVendor('zoom-eu', { contacts: [contact('dpo@eu.zoom.us')] }),
      testVendor('alpha', { contacts: [contact('privacy@group.test')] }),
      testVendor('beta', { contacts: [contact('dpo@group.test'), contact('legal@beta.test')] }),
    ]);
    expect(kase.vendorsOfSender('privacy@zoom.us')).toEqual(['zoom']);
    expect(kase.vendorsOfSender(' PRIVACY@ZOOM.US ')).toEqual(['zoom']);
    expect(kase.vendorsOfSender('ceo@zoom.us')).toEqual(['zoom']);
    // An office under both contacts' domains is the nearer one's.
    expect(kase.vendorsOfSender('legal@mail.eu.zoom.us')).toEqual(['zoom-eu']);
    expect(kase.vendorsOfSender('legal@us.zoom.us')).toEqual(['zoom']);
    // Two vendors as near are both the sender's; the very address one lists is that one's alone.
    expect(kase.vendorsOfSender('counsel@group.test')).toEqual(['alpha', 'beta']);
    expect(kase.vendorsOfSender('dpo@group.test')).toEqual(['beta']);
    expect(kase.vendorsOfSender('legal@beta.test')).toEqual(['beta']);
    // Nobody's, never upwards, and nothing for what is no address.
    expect(kase.vendorsOfSender('someone@else.test')).toEqual([]);
    expect(kase.vendorsOfSender('privacy@us')).toEqual([]);
    expect(kase.vendorsOfSender('')).toEqual([]);
    expect(kase.vendorsOfSender(42 as never)).toEqual([]);
    expect(kase.vendorsOfSender(undefined as never)).toEqual([]);
    expect(kase.vendorsOfSender(`${'x'.repeat(250)}@zoom.us`)).toEqual([]);
  });

  it('weighs an ended engagement’s addresses as its officer corrected them, not the campaign file’s', () => {
    const kase = started([testVendor('zoom'), testVendor('cisco')]);
    kase.engagementEnded('zoom', { ...concluded('zoom'), contacts: [contact('Office@Zoom.us')] });
    expect(kase.vendorsOfSender('office@zoom.us')).toEqual(['zoom']);
    expect(kase.vendorsOfSender('privacy@zoom.test')).toEqual([]);
    expect(kase.vendorsOfSender('privacy@cisco.test')).toEqual(['cisco']);
  });

  it('tells how near each vendor it names is, and which has ended, for the holding pen to weigh campaigns together and hedge', () => {
    const kase = started([testVendor('zoom', { contacts: [contact('Privacy@Zoom.us')] }), testVendor('alpha', { contacts: [contact('privacy@group.test')] }), testVendor('beta', { contacts: [contact('dpo@group.test')] })]);
    expect(kase.vendorsNearSender('privacy@zoom.us')).toEqual([{ vendorId: 'zoom', distance: 0 }]);
    expect(kase.vendorsNearSender('ceo@zoom.us')).toEqual([{ vendorId: 'zoom', distance: 1 }]);
    // A domain under the vendor's (maybe a customer's): said as such, not as the vendor's own.
    expect(kase.vendorsNearSender('help@support.eu.zoom.us')).toEqual([{ vendorId: 'zoom', distance: 3 }]);
    kase.engagementEnded('beta', concluded('beta'));
    expect(kase.vendorsNearSender('counsel@group.test')).toEqual([
      { vendorId: 'alpha', distance: 1 },
      { vendorId: 'beta', distance: 1, ended: true },
    ]);
    expect(kase.vendorsNearSender('someone@else.test')).toEqual([]);
    expect(kase.vendorsNearSender(42 as never)).toEqual([]);
    expect(kase.vendorsNearSender(`${'x'.repeat(250)}@zoom.us`)).toEqual([]);
    // The older question answers as it did, for a workspace older than this one.
    expect(kase.vendorsOfSender('counsel@group.test')).toEqual(['alpha', 'beta']);
  });

  it('suggests a running engagement for mail from an address an officer added or put in place, and ignores a change it cannot take', () => {
    const kase = started([testVendor('zoom', { contacts: [contact('privacy@zoom.us')] })]);
    expect(kase.vendorsNearSender('dpo@lawfirm.test')).toEqual([]);
    expect(kase.contactsChanged({ vendorId: 'zoom', contacts: [contact('privacy@zoom.us'), contact('dpo@lawfirm.test')] })).toBe(true);
    expect(kase.vendorsNearSender('DPO@lawfirm.test')).toEqual([{ vendorId: 'zoom', distance: 0 }]);
    expect(kase.vendorsOfSender('dpo@lawfirm.test')).toEqual(['zoom']);
    // Unknown vendor, no contact, not an address: nothing changes.
    expect(kase.contactsChanged({ vendorId: 'houseparty', contacts: [contact('x@houseparty.test')] })).toBe(false);
    expect(kase.contactsChanged({ vendorId: 'zoom', contacts: [] })).toBe(false);
    expect(kase.contactsChanged({ vendorId: 'zoom', contacts: [{ name: 'X', email: 'nobody' }] })).toBe(false);
    expect(kase.contactsChanged(null as never)).toBe(false);
    expect(kase.vendorsNearSender('dpo@lawfirm.test')).toEqual([{ vendorId: 'zoom', distance: 0 }]);
    // Ended, its outcome's contacts prevail.
    kase.engagementEnded('zoom', { ...concluded('zoom'), contacts: [contact('team@zoom.us')] });
    expect(kase.vendorsNearSender('dpo@lawfirm.test')).toEqual([]);
  });

  it('says which vendor’s engagement failed: it takes no mail, and no late reply joins it', () => {
    const kase = started([testVendor('zoom', { contacts: [contact('privacy@zoom.us')] })]);
    kase.engagementFailed('zoom', 'boom');
    expect(kase.vendorsNearSender('privacy@zoom.us')).toEqual([{ vendorId: 'zoom', distance: 0, failed: true }]);
  });

  it('answers a 2,000-vendor campaign of two addresses each with the sender’s vendor alone', () => {
    const kase = started(
      Array.from({ length: 2_000 }, (_, i) =>
        testVendor(`vendor-${i}`, { name: `Vendor ${i} Inc.`, contacts: [contact(`Privacy.Office@Vendor-${i}.example`), contact(`legal-counsel@vendor-${i}.example`)] }),
      ),
    );
    expect(kase.vendorsOfSender('counsel@eu.vendor-1999.example')).toEqual(['vendor-1999']);
    expect(kase.vendorsOfSender('someone@vendor.example')).toEqual([]);
  });
});

describe('the date a version carries', () => {
  // 02:00 UTC on 30 November is 21:00 on the 29th in Toronto (UTC−5 in winter).
  const EVENING_IN_TORONTO = '2026-11-30T02:00:00.000Z';

  function drafted(timeZone: { jurisdiction?: string; timeZone?: string }, options?: ConstructorParameters<typeof CampaignCase>[2]) {
    const campaign = testCampaign('vc-2026');
    campaign.authorities[0] = { ...campaign.authorities[0]!, ...timeZone };
    const input: CampaignInput = { campaign, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc-2026', notifyVendors: true } };
    const kase = new CampaignCase(input, 'edit-loop', options);
    kase.addEngagement(input.vendors[0]!, false);
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.startApproval(EVENING_IN_TORONTO);
    return kase;
  }

  it('is the calendar day in the lead authority\'s zone, as every other date of the statement', () => {
    const kase = drafted({ jurisdiction: 'CA-ON', timeZone: 'America/Toronto' });
    expect(kase.draft!.date).toBe('2026-11-29');
    expect(kase.status().draft!.date).toBe('2026-11-29');
  });

  it('is the UTC day where the lead names no zone (or no jurisdiction to go with it)', () => {
    expect(drafted({}).draft!.date).toBe('2026-11-30');
    expect(drafted({ timeZone: 'America/Toronto' }).draft!.date).toBe('2026-11-30');
  });

  it('stays the UTC day for a campaign whose version was drafted before versions took the lead\'s day, and asks only when the days differ', () => {
    const asked: string[] = [];
    const oldCode = { holdsOversizedDraft: true, datesInLeadZone: () => (asked.push('asked'), false) };
    expect(drafted({ jurisdiction: 'CA-ON', timeZone: 'America/Toronto' }, oldCode).draft!.date).toBe('2026-11-30');
    expect(asked).toEqual(['asked']);
    drafted({ jurisdiction: 'JP', timeZone: 'Asia/Tokyo' }, oldCode);
    expect(asked).toEqual(['asked']);
  });
});

describe('a draft that settles an open engagement without a public reason', () => {
  it('names the vendor by its name, as the officer knows it, in French and in English, on the page and in the CLI', () => {
    const vendors = [testVendor('zoom', { name: 'Zoom Video Communications' }), testVendor('cisco', { name: 'Cisco Webex' })];
    const input: CampaignInput = { campaign: testCampaign('vc'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } };
    const kase = new CampaignCase(input, 'edit-loop');
    for (const vendor of vendors) kase.addEngagement(vendor, false);
    const failure = (openCases: unknown[]) => {
      try {
        kase.checkDraft({ by: LEAD, openCases } as never);
      } catch (err) {
        return err as Error;
      }
      throw new Error('the draft was accepted');
    };
    const views = loadViews();
    const blank = { en: ' ', fr: '' };
    const one = failure([{ vendorId: 'zoom', action: 'close', reason: blank }]);
    const details = refusalDetails(one)!;
    expect(refusalSentence(details, 'fr', 'UTC', views)).toBe('Indiquez la raison publique pour Zoom Video Communications en anglais ou en français\u00a0: la déclaration la publie.');
    expect(refusalSentence(details, 'en', 'UTC', views)).toBe('Give the public reason for Zoom Video Communications in English or French: the statement prints it.');
    expect(refusalSentence(details, 'fr', 'UTC', cliWording(cliWords('fr')))).toContain('pour Zoom Video Communications en anglais');
    // The English CLI prints the workflow's own sentence.
    expect(one.message).toContain('Zoom Video Communications');
    const both = refusalDetails(failure([{ vendorId: 'zoom', action: 'close', reason: blank }, { vendorId: 'cisco', action: 'exclude', reason: blank }]))!;
    expect(refusalSentence(both, 'fr', 'UTC', views)).toBe('Indiquez la raison publique pour Zoom Video Communications, Cisco Webex en anglais ou en français\u00a0: la déclaration la publie.');
  });
});

describe('a vendor the lead closed after it had responded', () => {
  const both = (en: string, fr: string) => ({ en, fr });
  const publicText = {
    vendors: { zoom: { summary: both('Zoom explained its plan.', 'Zoom a expliqué son plan.') } },
    conclusions: { en: ['Done.'], fr: ['Fait.'] },
    lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] },
  };
  const close = { vendorId: 'cisco', action: 'close' as const, reason: both('Closed before follow-up questions.', 'Clos avant les questions complémentaires.') };
  const closedAfterResponse = (): EngagementOutcome => ({ ...concluded('cisco'), stage: 'withdrawn', findings: undefined, respondedAt: '2020-11-20T09:00:00Z', endedAt: LATER });

  function closing(options?: CampaignCaseOptions) {
    const kase = newCampaign({ kind: 'all' }, 'edit-loop', options);
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.edit({ by: LEAD, ...publicText });
    kase.requestDraft({ by: LEAD, openCases: [close] }, NOW);
    return kase;
  }

  it('waits for the closed engagement’s outcome, then says when the vendor responded', () => {
    const kase = closing();
    // Signalled, not yet ended: the campaign does not know yet whether it had responded.
    expect(kase.closedCasesEnding()).toBe(true);
    kase.engagementEnded('cisco', closedAfterResponse());
    expect(kase.closedCasesEnding()).toBe(false);
    kase.startApproval(LATER);
    expect(kase.draft!.vendors.find((v) => v.vendorId === 'cisco')).toMatchObject({ stage: 'closed-by-lead', respondedAt: '2020-11-20T09:00:00Z' });
  });

  it('says nothing of it where the workflow says not to (a history drafted before the statement said so)', () => {
    let asked = 0;
    const kase = closing({ holdsOversizedDraft: true, tellsResponsesBeforeClosing: () => (asked++, false) });
    kase.engagementEnded('cisco', closedAfterResponse());
    kase.startApproval(LATER);
    expect(asked).toBe(1);
    expect(kase.draft!.vendors.find((v) => v.vendorId === 'cisco')).not.toHaveProperty('respondedAt');
  });

  it('names in the status a response that came with an outcome after the version was drafted, as not in it, until the next version says it', () => {
    const kase = closing();
    // The wait for the closed case timed out: the first version goes out before its outcome.
    kase.startApproval(NOW);
    expect(kase.draft!.vendors.find((v) => v.vendorId === 'cisco')).not.toHaveProperty('respondedAt');
    expect(kase.status().responsesNotInDraft).toBeUndefined();
    kase.engagementEnded('cisco', closedAfterResponse());
    expect(kase.status().responsesNotInDraft).toEqual([{ vendorId: 'cisco', vendorName: 'Vendor cisco', respondedAt: '2020-11-20T09:00:00Z' }]);
    expect(kase.updated().responsesNotInDraft).toHaveLength(1);
    // Not "nothing changed": the next version says it, and the signatories approve it again.
    kase.checkDraft({ by: LEAD });
    kase.requestDraft({ by: LEAD }, LATER);
    expect(kase.draft!.vendors.find((v) => v.vendorId === 'cisco')).toMatchObject({ stage: 'closed-by-lead', respondedAt: '2020-11-20T09:00:00Z' });
    expect(kase.status().responsesNotInDraft).toBeUndefined();
  });

  it('names as well a vendor added late that a later version closed before its case ended', () => {
    const kase = closing();
    kase.engagementEnded('cisco', closedAfterResponse());
    kase.startApproval(LATER);
    kase.addEngagement(testVendor('webex'), false);
    kase.requestDraft({ by: LEAD, openCases: [{ ...close, vendorId: 'webex' }] }, LATER);
    expect(kase.draft!.version).toBe(2);
    expect(kase.status().responsesNotInDraft).toBeUndefined();
    kase.engagementEnded('webex', { ...closedAfterResponse(), vendorId: 'webex', vendorName: 'Vendor webex', respondedAt: '2020-12-02T09:00:00Z' });
    expect(kase.status().responsesNotInDraft).toEqual([{ vendorId: 'webex', vendorName: 'Vendor webex', respondedAt: '2020-12-02T09:00:00Z' }]);
  });

  it('names nothing for a closed case that ends after the version without a response', () => {
    const kase = closing();
    kase.startApproval(NOW);
    kase.engagementEnded('cisco', { ...closedAfterResponse(), respondedAt: undefined });
    expect(kase.status().responsesNotInDraft).toBeUndefined();
  });

  it('does not ask when no vendor the lead closed had responded', () => {
    let asked = 0;
    const kase = closing({ holdsOversizedDraft: true, tellsResponsesBeforeClosing: () => (asked++, true) });
    kase.engagementEnded('cisco', { ...closedAfterResponse(), respondedAt: undefined });
    kase.startApproval(LATER);
    expect(asked).toBe(0);
    expect(kase.draft!.vendors.find((v) => v.vendorId === 'cisco')).toMatchObject({ stage: 'closed-by-lead' });
  });
});

/** The refusal `check` throws; a check that accepts the request fails the test. */
const refusalOf = (check: () => void) => {
  try {
    check();
  } catch (err) {
    return refusalDetails(err);
  }
  throw new Error('the request was accepted');
};

describe('a co-signatory taking back its approval before publication', () => {
  it('takes it back while the version awaits approvals, and keeps both the approval and its withdrawal', () => {
    const kase = approvingCampaign();
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.checkWithdrawal({ by: 'Another Officer', authorityId: 'opc', version: 1 });
    kase.withdrawApproval({ by: 'Another Officer', authorityId: 'opc', version: 1 }, LATER);
    expect(kase.status().draft).toMatchObject({ approvals: [], pending: ['opc', 'fdpic'] });
    expect(kase.status().approvalsWithdrawn).toEqual([
      { authorityId: 'opc', by: 'Another Officer', at: LATER, version: 1, approval: { authorityId: 'opc', by: LEAD, at: NOW } },
    ]);
    // Taken back, it can be given again; the statement is approved only once every authority's stands.
    kase.checkApproval({ by: LEAD, authorityId: 'opc', version: 1 });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, LATER);
    kase.approve({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 }, LATER);
    expect(kase.approved()).toBe(true);
  });

  it('un-approves a statement whose last approval is taken back before the campaign signs it', () => {
    const kase = approvingCampaign({ kind: 'quorum', quorum: 1 });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    expect(kase.approved()).toBe(true);
    kase.withdrawApproval({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    expect(kase.approved()).toBe(false);
  });

  it('refuses it when the authority has not approved, or for a version that is not the current one', () => {
    const kase = approvingCampaign();
    expect(refusal(() => kase.checkWithdrawal({ by: LEAD, authorityId: 'fdpic', version: 1 }))).toBe('fdpic has not approved version 1: there is no approval to withdraw.');
    expect(refusalOf(() => kase.checkWithdrawal({ by: LEAD, authorityId: 'fdpic', version: 1 }))).toEqual({ refusal: 'nothing-to-withdraw', values: { authority: 'fdpic', version: '1' } });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    expect(refusalOf(() => kase.checkWithdrawal({ by: LEAD, authorityId: 'opc', version: 2 }))?.refusal).toBe('not-current');
    expect(refusalOf(() => kase.checkWithdrawal({ by: LEAD, authorityId: 'cnil', version: 1 }))?.refusal).toBe('unknown-authority');
    expect(refusal(() => kase.checkWithdrawal({ by: ' ', authorityId: 'opc', version: 1 }))).toMatch(/Say who is acting/);
  });

  it('refuses it once the campaign has signed the statement, and once published', () => {
    const kase = approvingCampaign({ kind: 'quorum', quorum: 1 });
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.sign(NOW);
    expect(refusal(() => kase.checkWithdrawal({ by: LEAD, authorityId: 'opc', version: 1 }))).toBe('The statement is being published: its approvals can no longer be withdrawn.');
    kase.publish({ en: 'en.pdf', fr: 'fr.pdf' }, NOW);
    kase.noticesSent();
    expect(refusalOf(() => kase.checkWithdrawal({ by: LEAD, authorityId: 'opc', version: 1 }))).toEqual({ refusal: 'approval-final', values: { phase: 'published' } });
  });

  it('takes back an approval while another authority has sent the version back to the lead', () => {
    const kase = newCampaign({ kind: 'all' }, 'edit-loop');
    kase.engagementEnded('zoom', concluded('zoom'));
    kase.engagementFailed('cisco', 'worker lost');
    kase.startApproval(NOW);
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Name the principles.' }, NOW);
    expect(kase.phase).toBe('revising');
    kase.checkWithdrawal({ by: LEAD, authorityId: 'opc', version: 1 });
    kase.withdrawApproval({ by: LEAD, authorityId: 'opc', version: 1 }, LATER);
    expect(kase.status().draft?.approvals).toEqual([]);
    expect(kase.status().approvalsWithdrawn?.[0]?.approval).toEqual({ authorityId: 'opc', by: LEAD, at: NOW, version: 1 });
  });
});

describe('an approval that would publish the statement, as its signatory confirmed it', () => {
  it('refuses the last approval needed when its signatory did not confirm the publication, and records nothing', () => {
    // The front end read the status while opc had not approved: fdpic's approval did not then publish.
    const kase = approvingCampaign();
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    const unconfirmed = { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, confirmsPublication: false };
    expect(refusalOf(() => kase.checkApproval(unconfirmed))).toEqual({ refusal: 'publication-unconfirmed', values: { version: '1' } });
    expect(refusal(() => kase.checkApproval(unconfirmed))).toBe('Another approval has come in: this approval of version 1 would now publish the statement, for good. Confirm the publication to approve.');
    expect(kase.status().draft?.approvals.map((a) => a.authorityId)).toEqual(['opc']);
    expect(kase.approved()).toBe(false);
  });

  it('takes it confirmed, or from a client that does not say (older clients, scripts), as before', () => {
    for (const confirmsPublication of [true, undefined]) {
      const kase = approvingCampaign();
      kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
      const vote = { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, ...(confirmsPublication === undefined ? {} : { confirmsPublication }) };
      kase.checkApproval(vote);
      kase.approve(vote, LATER);
      expect(kase.approved()).toBe(true);
    }
  });

  it('takes an unconfirmed approval that does not publish: not the last one needed, or while the version is back with the lead', () => {
    const first = approvingCampaign();
    first.checkApproval({ by: LEAD, authorityId: 'opc', version: 1, confirmsPublication: false });

    const quorum = approvingCampaign({ kind: 'quorum', quorum: 1 });
    expect(refusalOf(() => quorum.checkApproval({ by: LEAD, authorityId: 'opc', version: 1, confirmsPublication: false }))?.refusal).toBe('publication-unconfirmed');

    const revising = newCampaign({ kind: 'all' }, 'edit-loop');
    revising.engagementEnded('zoom', concluded('zoom'));
    revising.engagementFailed('cisco', 'worker lost');
    revising.startApproval(NOW);
    revising.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Name the principles.' }, NOW);
    revising.checkApproval({ by: LEAD, authorityId: 'opc', version: 1, confirmsPublication: false });
  });

  it('says so in English and French, with the French spacing', () => {
    const kase = approvingCampaign();
    kase.approve({ by: LEAD, authorityId: 'opc', version: 1 }, NOW);
    const details = refusalOf(() => kase.checkApproval({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, confirmsPublication: false }))!;
    const views = loadViews();
    expect(refusalSentence(details, 'en', 'UTC', views)).toBe('Another approval has come in since: this approval of version 1 would now publish the statement, for good. Confirm the publication to approve.');
    expect(refusalSentence(details, 'fr', 'UTC', cliWording(cliWords('fr')))).toBe(
      'Une autre approbation est arrivée entre-temps\u00a0: cette approbation de la version 1 publierait maintenant la déclaration, pour de bon. Confirmez la publication pour approuver.',
    );
  });
});
