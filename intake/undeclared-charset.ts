// Mail whose 8-bit text declares no charset: old clients and some gateways send Latin-1 or
// windows-1252 bytes in a subject and a text part with no `charset=`, and mailparser reads them
// as UTF-8 ("R�ponse"). Mail clients read such bytes as windows-1252 (a superset of Latin-1 for
// every printable character) when they are not valid UTF-8; so does the intake, by rewriting
// the message before it is parsed: a header block that is not UTF-8 is transcoded, and a text part
// without a charset whose bytes are not UTF-8 is declared windows-1252. Valid UTF-8 is untouched.
import { isUtf8 } from 'node:buffer';

/**
 * What windows-1252 puts at 0x80–0x9F, where Latin-1 has control characters (the five it leaves
 * unassigned kept as they are). Written out because Node's TextDecoder reads windows-1252 as Latin-1.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Latin-1 text read again as windows-1252 (the intake's TNEF and RTF readers need it too). */
export function fromCp1252(latin1: string): string {
  return latin1.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** The message, with windows-1252 made explicit where it was implied; the same bytes when nothing was. */
export function withDeclaredCharsets(raw: Buffer): Buffer {
  // All 7-bit and nothing encoded: no byte to read in any charset. (Quoted-printable and base64
  // parts are 7-bit too, and may hide 8-bit text.)
  if (isUtf8(raw) && !/content-transfer-encoding:[ \t]*(?:quoted-printable|base64)/i.test(raw.toString('latin1')) && !/[\x80-\xff]/.test(raw.toString('latin1'))) return raw;
  const text = raw.toString('latin1');
  const rewritten = entity(text, 'text/plain', 0);
  return rewritten === text ? raw : Buffer.from(rewritten, 'latin1');
}

/** One MIME entity (as a latin1 string: one character per byte), its parts rewritten in turn. */
function entity(text: string, defaultType: string, depth: number): string {
  const split = /\r?\n\r?\n/.exec(text);
  if (!split) return header(text);
  const head = header(text.slice(0, split.index));
  const gap = split[0];
  const body = text.slice(split.index + gap.length);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1] ?? '';
  const contentType = field('content-type');
  const type = (contentType.split(';')[0]!.trim() || defaultType).toLowerCase();
  if (type.startsWith('multipart/') && depth < 20) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    const marker = boundary ? `--${boundary[1] ?? boundary[2]}` : undefined;
    if (!marker) return head + gap + body;
    // Boundary lines found by search, not by splitting the body into lines: a part may be a 25 MB file.
    const starts: number[] = body.startsWith(marker) ? [0] : [];
    for (let at = body.indexOf(`\n${marker}`); at >= 0; at = body.indexOf(`\n${marker}`, at + 1)) starts.push(at + 1);
    if (!starts.length) return head + gap + body;
    const out: string[] = [body.slice(0, starts[0])];
    starts.forEach((at, i) => {
      const lineEnd = body.indexOf('\n', at);
      const next = starts[i + 1] ?? body.length;
      const line = lineEnd < 0 || lineEnd >= next ? body.slice(at, next) : body.slice(at, lineEnd + 1);
      out.push(line);
      const rest = body.slice(at + line.length, next);
      if (line.trimEnd() === `${marker}--`) {
        out.push(rest);
        return;
      }
      // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1).
      const brk = /\r?\n$/.exec(rest)?.[0] ?? '';
      out.push(entity(rest.slice(0, rest.length - brk.length), type === 'multipart/digest' ? 'message/rfc822' : 'text/plain', depth + 1) + brk);
    });
    return head + gap + out.join('');
  }
  if (!type.startsWith('text/') || /charset\s*=/i.test(contentType)) return head + gap + body;
  if (isUtf8(decoded(body, field('content-transfer-encoding').trim().toLowerCase()))) return head + gap + body;
  const declared = contentType
    ? head.replace(/^(content-type:[^\r\n]*)/im, '$1; charset=windows-1252')
    : `${head}${gap.startsWith('\r') ? '\r\n' : '\n'}Content-Type: text/plain; charset=windows-1252`;
  return declared + gap + body;
}

/** A header block: as written when it is UTF-8 (RFC 6532), else read as windows-1252 and written as UTF-8. */
function header(text: string): string {
  const bytes = Buffer.from(text, 'latin1');
  if (isUtf8(bytes)) return text;
  return Buffer.from(fromCp1252(text), 'utf8').toString('latin1');
}

function decoded(body: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(body, 'latin1');
}
