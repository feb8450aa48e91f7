// Small, realistic inputs for tests: a campaign led by two authorities, vendors in both languages
// (one with a non-Latin contact name), and a policy whose durations are seconds, not weeks.
import type { EngagementSummary } from '../../client/api';
import type { EngagementStatus } from '../../workflows/messages';
import type { CampaignRef, EngagementInput, Findings, Policy, Vendor } from '../../workflows/types';
import { PRINCIPLES } from '../../workflows/types';

export function fastPolicy(overrides: Partial<Policy> = {}): Policy {
  return {
    responseDue: '2s',
    reminderCadence: ['1s', '2s'],
    finalNoticeAfter: '3s',
    closeAfter: '1s',
    followUpDue: '2s',
    demonstrationReminderLead: '1s',
    approvalReminderEvery: '2s',
    ...overrides,
  };
}

export function testCampaign(id: string): CampaignRef {
  return {
    id,
    reference: `TEST-${id.toUpperCase()}`,
    title: { en: 'Video-conferencing privacy', fr: 'Vidéoconférence et vie privée' },
    authorities: [
      {
        id: 'opc',
        lead: true,
        name: { en: 'Office of the Privacy Commissioner of Canada', fr: 'Commissariat à la protection de la vie privée du Canada' },
        contact: { name: 'Daniel Therrien', email: 'lead@opc.test' },
      },
      {
        id: 'fdpic',
        name: {
          en: 'Swiss Federal Data Protection and Information Commissioner',
          fr: 'Préposé fédéral à la protection des données et à la transparence',
        },
        contact: { name: 'Adrian Lobsiger', email: 'fdpic@edoeb.test' },
      },
    ],
    letterDate: '2020-07-21',
    letterBody: {
      en: ['We are writing to you about the privacy of video-conferencing services.', 'Please reply within 30 days.'],
      fr: ['Nous vous écrivons au sujet de la vie privée dans les services de vidéoconférence.', 'Veuillez répondre d’ici 30 jours.'],
    },
    officeContact: { name: 'Case office', email: 'office@opc.test' },
  };
}

export function testVendor(id: string, overrides: Partial<Vendor> = {}): Vendor {
  return {
    id,
    name: `Vendor ${id}`,
    language: 'en',
    contacts: [{ name: 'Zoë Łukasiewicz-Παπαδόπουλος', email: `privacy@${id}.test` }],
    ...overrides,
  };
}

/** An engagement's status with nothing recorded yet (awaiting its response), as its query answers. */
export function engagementStatusOf(campaignId: string, vendorId: string, overrides: Partial<EngagementStatus> = {}): EngagementStatus {
  return {
    workflowId: `engagement:${campaignId}:${vendorId}`,
    campaignId,
    vendorId,
    vendorName: `Vendor ${vendorId}`,
    stage: 'awaiting-response',
    timeline: [],
    openQuestions: [],
    questions: [],
    demonstrations: [],
    remindersSent: [],
    deliveryFailures: [],
    ...overrides,
  };
}

/** An ended engagement of campaign vc-2020 (the open letter's) as visibility lists it, at `stage`. */
export function listedEngagement(vendorId: string, stage: string): EngagementSummary {
  return { workflowId: `engagement:vc-2020:${vendorId}`, campaignId: 'vc-2020', vendorId, stage, executionStatus: 'COMPLETED', startedAt: '2020-07-21T00:00:00Z' };
}

export function engagementInput(campaignId: string, vendorId: string, policy = fastPolicy()): EngagementInput {
  return { campaign: testCampaign(campaignId), vendor: testVendor(vendorId), policy };
}

// ── Engagement: what a case officer records ─────────────────────────────────────────────────────

/** Findings for all five principles, as a conclusion needs them. */
export function completeFindings(): Findings {
  const entries = PRINCIPLES.map((p) => [
    p,
    {
      assessment: { en: `Meets the ${p} principle.`, fr: `Respecte le principe ${p}.` },
      goodPractices: [{ en: `Documented ${p} controls`, fr: `Contrôles ${p} documentés` }],
    },
  ]);
  return Object.fromEntries(entries) as Findings;
}

/** A policy measured in minutes: nothing is sent on its own while a test drives the case. */
export function patientPolicy(overrides: Partial<Policy> = {}): Policy {
  return fastPolicy({
    responseDue: '10 minutes',
    reminderCadence: ['11 minutes'],
    finalNoticeAfter: '12 minutes',
    closeAfter: '13 minutes',
    followUpDue: '10 minutes',
    demonstrationReminderLead: '1 minute',
    ...overrides,
  });
}
