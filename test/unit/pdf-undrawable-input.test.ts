// Findings and demonstration notes end up in the published statement PDF: a character no embedded
// font can draw is refused by the client API, naming the field, before the request reaches Temporal.
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { DossierClientError } from '../../client/errors';
import { PRINCIPLES, type Findings } from '../../workflows/types';

/** A client whose Temporal connection fails the test if anything is sent through it. */
const unreachable = new Proxy({} as Client, {
  get: () => {
    throw new Error('the request reached Temporal');
  },
});
const api = new DossierClient(unreachable, { taskQueue: 'never', namespace: 'default' } as unknown as ConstructorParameters<typeof DossierClient>[1]);
const ref = { campaignId: 'c', vendorId: 'v' };
const campaigns = new CampaignClient(unreachable, { taskQueue: 'never', namespace: 'default' } as unknown as ConstructorParameters<typeof CampaignClient>[1]);

function findings(assessment: string): Findings {
  return Object.fromEntries(
    PRINCIPLES.map((p) => [p, { assessment: { en: p === 'transparency' ? assessment : 'Fine.', fr: 'Bien.' }, goodPractices: [] }]),
  ) as unknown as Findings;
}

describe('text for the statement, at the client API', () => {
  it('refuses findings with an emoji, naming the principle and the character', async () => {
    const refusal = api.conclude(ref, { by: 'officer', findings: findings('Clear notices 👍') });
    await expect(refusal).rejects.toBeInstanceOf(DossierClientError);
    await expect(refusal).rejects.toThrow('findings.transparency.assessment.en: contains U+1F44D "👍", which no font of Dossier\'s PDFs can draw');
  });

  it('refuses demonstration notes in a right-to-left script', async () => {
    await expect(api.recordDemonstrationOutcome(ref, { by: 'officer', demonstrationId: 'd1', result: 'validated', notes: 'Shown: שלום' })).rejects.toThrow(
      /^notes: contains U\+05E9 "ש", U\+05DC "ל", U\+05D5 "ו", U\+05DD "ם", which no font/,
    );
  });

  it('lets findings in Chinese, Thai and Devanagari through to Temporal', async () => {
    await expect(api.conclude(ref, { by: 'officer', findings: findings('透明 โปร่งใส पारदर्शी') })).rejects.toThrow(/reached Temporal/);
  });

  it('refuses conclusions, lessons and a late vendor’s name the statement could not print', async () => {
    const conclusions = { en: ['The companies improved their products.'], fr: ['Les entreprises ont amélioré leurs produits 🙂'] };
    await expect(campaigns.setConclusions('c', { by: 'lead', conclusions, lessonsLearned: { en: [], fr: [] } })).rejects.toThrow(
      'conclusions.fr[0]: contains U+1F642 "🙂", which no font of Dossier\'s PDFs can draw',
    );
    const vendor = { id: 'v2', name: 'Vendor 🦄', language: 'en' as const, contacts: [{ name: 'Privacy', email: 'privacy@v2.test' }] };
    await expect(campaigns.addVendor('c', { by: 'lead', vendor })).rejects.toThrow(/^vendor\.name: contains U\+1F984 "🦄", which no font/);
  });
});
