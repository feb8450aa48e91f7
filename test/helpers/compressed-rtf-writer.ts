// Writes compressed RTF ([MS-OXRTFCP] LZFu) for the tests of the winmail.dat body reader: a body of
// any size the tests choose, a run of one byte kept small as Outlook's own compressor keeps it, so a
// test can send what a crafted reply would (100,000 spaces in a few kilobytes).
import { rtfCrc } from '../../intake/compressed-rtf';

/** The dictionary every compressed RTF starts from ([MS-OXRTFCP] 2.1.2.1). */
const INITIAL =
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier' +
  '{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx';

/** The RTF compressed: a run of one repeated byte becomes references to the byte before it (up to 17 each). */
export function compressedRtf(raw: Buffer): Buffer {
  const out: number[] = [];
  let write = INITIAL.length;
  let runs: number[][] = [];
  const flushBlock = () => {
    let control = 0;
    runs.forEach((run, bit) => {
      if (run.length === 2) control |= 1 << bit;
    });
    out.push(control, ...runs.flat());
    runs = [];
  };
  const push = (run: number[]) => {
    runs.push(run);
    if (runs.length === 8) flushBlock();
  };
  for (let i = 0; i < raw.length; ) {
    let n = 0;
    while (i > 0 && n < 17 && i + n < raw.length && raw[i + n] === raw[i - 1]) n++;
    if (n >= 2) {
      const offset = (write - 1 + 4096) % 4096;
      push([offset >> 4, ((offset & 0xf) << 4) | (n - 2)]);
      i += n;
      write = (write + n) % 4096;
    } else {
      push([raw[i]!]);
      i++;
      write = (write + 1) % 4096;
    }
  }
  // The end: a reference to where the next byte would be written.
  push([write >> 4, (write & 0xf) << 4]);
  flushBlock();
  const data = Buffer.from(out);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(data.length + 12, 0);
  header.writeUInt32LE(raw.length, 4);
  header.write('LZFu', 8, 'latin1');
  header.writeUInt32LE(rtfCrc(data), 12);
  return Buffer.concat([header, data]);
}
