// What a French reader at a company or an authority receives, read as a regulator's editor reads it:
// dates that never break across a line, a sentence in the singular for one answer, the same word for
// the same thing in every message, no calque of English, and one typographic convention for the
// no-break spaces before « : ; ! ? » and inside guillemets.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import { loadCampaignFile } from '../../client/campaign-file';
import type { MessageDetails, MessageKind, OutgoingMessage } from '../../workflows/types';

const NBSP = '\u00a0';

const input = loadCampaignFile(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'));
const zoom = input.vendors.find((v) => v.id === 'zoom')!;

function toZoom(kind: MessageKind, details: MessageDetails = {}): OutgoingMessage {
  return {
    threadId: `engagement:${input.campaign.id}:zoom`,
    step: kind,
    kind,
    language: 'fr',
    to: zoom.contacts,
    campaign: input.campaign,
    vendor: { ...zoom, language: 'fr' },
    details: { dueDate: '2020-08-20', timeZone: 'America/Toronto', ...details },
  };
}

const compose = async (m: OutgoingMessage) => {
  const c = await composeMessage(m);
  return { subject: String(c.subject), text: String(c.text), html: String(c.html) };
};

const demonstration = {
  id: 'd1',
  at: '2020-10-01T13:30:00Z',
  durationMinutes: 60,
  topics: ['Chiffrement de bout en bout'],
  attendees: [{ name: 'Jeanne Roy', email: 'jeanne.roy@zoom.test' }],
  meetingUrl: 'https://meet.example/opc',
};

describe('dates and times in French messages', () => {
  it('keeps the day, month and year of a demonstration’s date and time together, as a date alone is', async () => {
    const invitation = await compose(toZoom('demonstration-invitation', { demonstration }));
    expect(invitation.subject).toContain(`jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30`);
    expect(invitation.text).toContain(`jeudi 1er${NBSP}octobre${NBSP}2020 à 9${NBSP}h${NBSP}30 (60 minutes, heure de l’Est)`);
    const cancellation = await compose(toZoom('demonstration-cancellation', { demonstration }));
    expect(cancellation.subject).toMatch(/démonstration du jeudi 1er\u00a0octobre\u00a02020 à 9\u00a0h\u00a030$/);
  });
});
