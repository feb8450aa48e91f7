// Calendar invitations read by a strict parser of another language (Python's icalendar): names of
// attendees that carry quotes, colons and semicolons must stay names, and never add, move or
// remove an attendee or a parameter (RFC 5545 §3.2 quoting, RFC 6868 ^-escapes).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import { type OutgoingMessage } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const PYTHON = join(__dirname, '..', '..', '.tools', 'venv', 'bin', 'python');

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

async function invitationFor(attendees: { name: string; email: string }[]): Promise<string> {
  const campaign = testCampaign('calendar');
  const vendor = testVendor('zoom', { contacts: [{ name: 'Privacy team', email: 'privacy@zoom.test' }] });
  const message: OutgoingMessage = {
    threadId: engagementWorkflowId(campaign.id, vendor.id),
    step: 'demo-d1-invite-1',
    kind: 'demonstration-invitation',
    language: 'en',
    to: vendor.contacts,
    campaign,
    vendor,
    details: {
      demonstration: { id: 'd1', at: '2020-10-06T15:00:00Z', durationMinutes: 45, topics: ['Security'], attendees, rescheduled: 0 },
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
});
