// Every transition of a campaign's state, without a server: tracking engagements, drafting,
// approving (all or a quorum), change requests and publication, and the refusals an officer reads.
import { describe, expect, it } from 'vitest';
import { CampaignCase } from '../../workflows/campaign-state';
import type { CampaignInput, EngagementOutcome } from '../../workflows/types';
import { completeFindings, fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';

const NOW = '2020-12-01T10:00:00.000Z';
const LATER = '2020-12-02T10:00:00.000Z';
const LEAD = 'Officer Tremblay';

function newCampaign(approval: CampaignInput['approval'] = { kind: 'all' }) {
  const input: CampaignInput = {
    campaign: testCampaign('vc-2020'),
    vendors: [testVendor('zoom'), testVendor('cisco')],
    policy: fastPolicy(),
    approval,
    publication: { folder: 'vc-2020', notifyVendors: true },
  };
  const kase = new CampaignCase(input);
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
    kase.requestDraft(NOW);
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
    expect(refusal(() => kase.checkApproval({ by: LEAD, authorityId: 'cnil', version: 1 }))).toBe(
      'Unknown authority "cnil"; the signatories are opc, fdpic.',
    );

    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: ' Name the encryption gaps. ' }, LATER);
    expect(kase.draft!.version).toBe(2);
    expect(kase.status().draft).toMatchObject({ version: 2, approvals: [], pending: ['opc', 'fdpic'], required: 2 });
    expect(kase.changesRequestedBefore(2)).toBe('fdpic (Adrian Lobsiger): Name the encryption gaps.');
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

  it('keeps delivery failures for the officer', () => {
    const kase = newCampaign();
    kase.deliveryFailed('letter-copy-zoom', 'disk full', NOW);
    expect(kase.status().deliveryFailures).toEqual([{ at: NOW, step: 'letter-copy-zoom', reason: 'disk full' }]);
  });
});
