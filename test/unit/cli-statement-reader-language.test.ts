// `statement status` and `statement publication` for a French reader (client/commands/statement.ts):
// the lead's reason for closing or excluding an open case in the reader's language (the other
// language's only as a fallback, marked with it), and the campaign named as `status` names it.
import { describe, expect, it } from 'vitest';
import { cliWords } from '../../client/cli-words';
import { publicationFields, renderStatementStatus } from '../../client/commands/statement';
import type { CampaignStatus } from '../../workflows/messages';

const status = {
  campaignId: 'video-conferencing-2020',
  reference: 'OPC-2020-VC',
  phase: 'approving',
  conclusionsSet: true,
  changeRequests: [],
  deliveryFailures: [],
  engagements: [],
  openCases: [
    { vendorId: 'houseparty', action: 'close', reason: { en: 'No reply after two reminders', fr: 'Aucune réponse après deux relances' } },
    { vendorId: 'cisco', action: 'exclude', reason: { en: 'Answered too late', fr: '' } },
  ],
} as unknown as CampaignStatus;

describe('a French reader of the statement commands', () => {
  it('reads the lead’s reasons in French, an English one only where no French was given, marked so', () => {
    const shown = renderStatementStatus(status, undefined, cliWords('fr'));
    expect(shown).toContain('Aucune réponse après deux relances');
    expect(shown).not.toContain('No reply after two reminders');
    expect(shown).toContain('Answered too late (en)');
    expect(shown).not.toContain('motif (en)');
    const english = renderStatementStatus(status, undefined, cliWords('en'));
    expect(english).toContain('No reply after two reminders');
    expect(english).not.toContain('Answered too late (en)');
  });

  it('names the campaign in `statement publication` as `statement status` does', () => {
    const published = { version: 2, publishedAt: '2021-06-01T10:00:00Z', files: { en: '/out/en.pdf', fr: '/out/fr.pdf' } };
    const shown = publicationFields(status, published, cliWords('fr'));
    expect(shown).toContain('video-conferencing-2020 (OPC-2020-VC)');
    expect(shown).not.toContain('campaign:video-conferencing-2020');
  });
});
