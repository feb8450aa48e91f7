// Whether a message comes from whom its From says, as the regulator's own mail server judged it.
// Anyone can write any From: a forged reply would be recorded as the vendor's answer, a forged
// bounce would stop its deadline. The border server checks SPF, DKIM and DMARC and writes its
// verdict in an Authentication-Results header (RFC 8601) under its own authserv-id, removing any
// header a sender wrote under that id; the intake trusts that id's headers and no other.
const RESULT = /^([a-z0-9-]+)=([a-z0-9-]+)$/i;
const PROPERTY = /^([a-z0-9-]+\.[a-z0-9-]+)=(.+)$/i;

/** One method's result in one Authentication-Results header: `dkim=pass header.d=zoom.us`. */
export interface MethodResult {
  method: string;
  result: string;
  properties: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: MethodResult[];
}

export type SenderVerdict = { verified: true; by: string } | { verified: false; reason: string };

/** Parses one header's value (unfolded or not); undefined when it names no authserv-id. */
export function parseAuthenticationResults(value: string): AuthenticationResults | undefined {
  const unfolded = withoutComments(value.replace(/\r?\n[ \t]+/g, ' ')).replace(/\s*=\s*/g, '=');
  const [head, ...resinfos] = splitOutsideQuotes(unfolded, ';');
  const authservId = head?.trim().split(/\s+/)[0]?.toLowerCase();
  if (!authservId) return undefined;
  const results: MethodResult[] = [];
  for (const resinfo of resinfos) {
    const [first, ...rest] = splitOutsideQuotes(resinfo.trim(), ' ').filter(Boolean);
    const outcome = first ? RESULT.exec(first) : null;
    if (!outcome) continue; // `none`, or a result this reader does not know: no verdict from it
    const properties: Record<string, string> = {};
    for (const token of rest) {
      const property = PROPERTY.exec(token);
      if (property) properties[property[1]!.toLowerCase()] = unquoted(property[2]!).toLowerCase();
    }
    results.push({ method: outcome[1]!.toLowerCase(), result: outcome[2]!.toLowerCase(), properties });
  }
  return { authservId, results };
}

/**
 * The verdict on `from` given a message's Authentication-Results headers: verified when the trusted
 * server found DMARC passing, or (without a DMARC result) DKIM or SPF passing for a domain aligned
 * with the From address's (RFC 7489's relaxed alignment, by domain suffix).
 */
export function senderVerdict(headerValues: string[], from: string | undefined, trustedAuthservId: string): SenderVerdict {
  const trusted = trustedAuthservId.toLowerCase();
  const fromDomain = from?.split('@')[1]?.toLowerCase();
  const results = headerValues
    .map(parseAuthenticationResults)
    .filter((r): r is AuthenticationResults => r?.authservId === trusted)
    .flatMap((r) => r.results);
  if (!fromDomain) return { verified: false, reason: 'it has no From address to verify' };
  if (!results.length) return { verified: false, reason: `${trustedAuthservId} left no Authentication-Results on it` };
  const dmarc = results.filter((r) => r.method === 'dmarc');
  if (dmarc.some((r) => r.result === 'pass')) return { verified: true, by: 'dmarc=pass' };
  if (dmarc.some((r) => r.result === 'fail')) return { verified: false, reason: `dmarc=fail for ${fromDomain}, as ${trustedAuthservId} found` };
  const aligned = (domain: string | undefined) => !!domain && (domain === fromDomain || domain.endsWith(`.${fromDomain}`) || fromDomain.endsWith(`.${domain}`));
  const dkim = results.find((r) => r.method === 'dkim' && r.result === 'pass' && aligned(r.properties['header.d']));
  if (dkim) return { verified: true, by: `dkim=pass header.d=${dkim.properties['header.d']}` };
  const spf = results.find((r) => r.method === 'spf' && r.result === 'pass' && aligned(domainOf(r.properties['smtp.mailfrom'])));
  if (spf) return { verified: true, by: `spf=pass smtp.mailfrom=${spf.properties['smtp.mailfrom']}` };
  const seen = results.map((r) => `${r.method}=${r.result}${r.properties['header.d'] ? ` header.d=${r.properties['header.d']}` : ''}`).join(', ');
  return { verified: false, reason: `nothing aligned with ${fromDomain} passed (${seen}), as ${trustedAuthservId} found` };
}

function domainOf(address: string | undefined): string | undefined {
  return address?.includes('@') ? address.split('@').pop() : address;
}

/** RFC 5322 comments (nested), outside quoted strings. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      if (depth === 0) out += c + value[i + 1];
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unquoted(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}
