// Calendar invitations read by a strict parser of another language (Python's icalendar): names of
// attendees that carry quotes, colons and semicolons must stay names, and never add, move or
// remove an attendee or a parameter (RFC 5545 §3.2 quoting, RFC 6868 ^-escapes).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import { type OutgoingMessage } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { eventByPython, PYTHON } from '../helpers/icalendar';

/** Every ATTENDEE as icalendar reads it: address, CN and ROLE. */
function attendeesByPython(ics: string): { address: string; cn: string; role: string }[] {
  const script = [
    'import sys, json, icalendar',
    'cal = icalendar.Calendar.from_ical(sys.stdin.read())',
    'out = []',
    'for ev in cal.walk("VEVENT"):',
    '    atts = ev.get("ATTENDEE")',
    '    atts = atts if isinstance(atts, list) else [atts]',
    '    for a in atts: out.append({"address": str(a), "cn": a.params.get("CN"), "role": a.params.get("ROLE")})',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: ics, encoding: 'utf8' }));
}

async function invitationFor(
  attendees: { name: string; email: string }[],
  change: Partial<NonNullable<OutgoingMessage['details']['demonstration']>> = {},
  language: OutgoingMessage['language'] = 'en',
): Promise<string> {
  const campaign = testCampaign('calendar');
  const vendor = testVendor('zoom', { contacts: [{ name: 'Privacy team', email: 'privacy@zoom.test' }] });
  const message: OutgoingMessage = {
    threadId: engagementWorkflowId(campaign.id, vendor.id),
    step: 'demo-d1-invite-1',
    kind: 'demonstration-invitation',
    language,
    to: vendor.contacts,
    campaign,
    vendor,
    details: {
      demonstration: { id: 'd1', at: '2020-10-06T15:00:00Z', durationMinutes: 45, topics: ['Security'], attendees, rescheduled: 0, ...change },
      issuedAt: '2020-09-20T10:00:00Z',
    },
  };
  const composed = await composeMessage(message, { domain: 'test.example' });
  const content = (composed.icalEvent as { content?: string } | undefined)?.content;
  if (typeof content !== 'string') throw new Error('no calendar invitation composed');
  return content;
}

describe('calendar invitations', () => {
  it('keeps a quote, colon or semicolon in an attendee name inside the name, for a standards parser', async () => {
    const bob = 'Bob":mailto:evil@evil.example;X="y';
    const ann = 'Ann";ROLE=CHAIR;X-INJ="1';
    const caret = 'Zoë ^ Łukasiewicz, "Z" (DPO)';
    const ics = await invitationFor([
      { name: bob, email: 'bob@zoom.test' },
      { name: ann, email: 'ann@zoom.test' },
      { name: caret, email: 'zoe@zoom.test' },
    ]);
    const attendees = attendeesByPython(ics);
    expect(attendees.map((a) => a.address.toLowerCase())).toEqual([
      'mailto:privacy@zoom.test',
      'mailto:bob@zoom.test',
      'mailto:ann@zoom.test',
      'mailto:zoe@zoom.test',
    ]);
    expect(attendees.map((a) => a.cn)).toEqual(['Privacy team', bob, ann, caret]);
    expect(attendees.every((a) => a.role === 'REQ-PARTICIPANT')).toBe(true);
  });

  it('stamps the event when it was sent and carries the place, the link and, once moved, the old time and the reason', async () => {
    const moved = {
      at: '2020-10-08T15:00:00Z',
      rescheduled: 1,
      previousAt: '2020-10-06T15:00:00Z',
      rescheduleReason: 'The vendor’s engineer is ill; a colleague will present.',
      location: 'OPC, 30 Victoria St, Gatineau; room 4',
      meetingUrl: 'https://meet.example/opc-zoom?pwd=a,b;c',
    };
    const event = eventByPython(await invitationFor([{ name: 'Ann', email: 'ann@zoom.test' }], moved));
    // DTSTAMP is when the invitation was sent (issuedAt), not the letter's date.
    expect(event.dtstamp).toBe('2020-09-20T10:00:00+00:00');
    expect(event.sequence).toBe(1);
    expect(event.location).toBe(moved.location);
    expect(event.url).toBe(moved.meetingUrl);
    expect(event.description).toContain('Moved from Tuesday, 6 October 2020 at 15:00 (UTC); reason for the change: The vendor’s engineer is ill; a colleague will present.');
    expect(event.description).toContain('Security');
    const fr = eventByPython(await invitationFor([{ name: 'Ann', email: 'ann@zoom.test' }], moved, 'fr'));
    expect(fr.description).toContain('Date initiale\u00a0: mardi 6\u00a0octobre\u00a02020 à 15\u00a0h (UTC)\u202f; motif du changement\u00a0: The vendor’s engineer is ill');
  });

  it('keeps a reason that holds a lone carriage return on its own line: it neither ends the line nor adds an attendee', async () => {
    const rescheduleReason = 'The engineer is ill.\rATTENDEE;CN=Eve:mailto:eve@evil.example';
    const moved = { at: '2020-10-08T15:00:00Z', rescheduled: 1, previousAt: '2020-10-06T15:00:00Z', rescheduleReason };
    const ics = await invitationFor([{ name: 'Ann', email: 'ann@zoom.test' }], moved);
    expect(ics.split('\r\n').filter((line) => line.includes('\r'))).toEqual([]);
    expect(attendeesByPython(ics).map((a) => a.address.toLowerCase())).toEqual(['mailto:privacy@zoom.test', 'mailto:ann@zoom.test']);
    expect(eventByPython(ics).description).toContain('The engineer is ill.\nATTENDEE;CN=Eve:mailto:eve@evil.example');
  });

  it('has no place, link or change note when none was given', async () => {
    const event = eventByPython(await invitationFor([{ name: 'Ann', email: 'ann@zoom.test' }]));
    expect([event.location, event.url]).toEqual([null, null]);
    expect(event.description).toBe('Security');
  });

  it('folds long lines at 75 octets without cutting a character, and a parser reads the names back whole', async () => {
    const names = ['Émilie Côté-Bérubé de la Fontaine-Saint-Jean-Baptiste, Québec et Montréal', '山田太郎 プライバシー担当 データ保護責任者 山田太郎 プライバシー担当'];
    const ics = await invitationFor(names.map((name, i) => ({ name, email: `a${i}@zoom.test` })), {}, 'fr');
    const longest = Math.max(...ics.split('\r\n').map((line) => Buffer.byteLength(line, 'utf8')));
    expect(longest).toBeLessThanOrEqual(75);
    expect(ics).not.toContain('\ufffd');
    expect(attendeesByPython(ics).map((a) => a.cn)).toEqual(['Privacy team', ...names]);
  });
});
