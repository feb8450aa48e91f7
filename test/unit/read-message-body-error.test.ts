// A winmail.dat's body whose reader throws something no sender's bytes should make it throw: the
// message is still read (rejected, the intake would read it again on every pass), its winmail.dat kept.
// Its own file, as the RTF reader is replaced for every test in it.
import { describe, expect, it, vi } from 'vitest';
import { readMessage } from '../../intake/read-message';
import { composeReply, tnefWithBody } from '../helpers/inbound-mail';
import { compressedRtf } from '../helpers/compressed-rtf-writer';

vi.mock('../../intake/rtf-text', () => ({
  rtfBody: () => {
    throw new RangeError('Invalid array length');
  },
}));

const base = { from: 'Zoë <privacy@zoom.test>', to: 'case+0123456789abcdef@test.example', subject: 'Re: [TEST-X] Open letter', messageId: '<r1@zoom.test>' };

describe('a winmail.dat whose RTF body the reader fails on', () => {
  it('is kept, and the message read with no text, when reading its body throws something unexpected', async () => {
    const body = compressedRtf(Buffer.from('{\\rtf1\\ansi Dear officer,\\par}', 'latin1'));
    const raw = await composeReply({ ...base, attachments: [{ filename: 'winmail.dat', contentType: 'application/ms-tnef', content: tnefWithBody([{ id: 0x1009, type: 0x0102, value: body }]) }] });
    const read = await readMessage(raw);
    expect(read.attachments.map((a) => a.name)).toEqual(['winmail.dat']);
    expect(read.text).toBe('');
  });
});
