// Whether a message comes from whom its From says, as the regulator's own mail server judged it.
// Anyone can write any From: a forged reply would be recorded as the vendor's answer, a forged
// bounce would stop its deadline. The border server checks SPF, DKIM and DMARC and writes its
// verdict in an Authentication-Results header (RFC 8601) under its own authserv-id; the intake reads
// the topmost header under that id (the border's, above anything written before it) and no other.
// Whatever it cannot read, it does not take as a pass.
import { getDomain } from 'tldts';

/** One method's result: `dkim=pass header.d=zoom.us`. */
export interface MethodResult {
  method: string;
  result: string;
  properties: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: MethodResult[];
  /** A result this reader could not make out: the header then verifies nothing. */
  unreadable?: string;
}

export type SenderVerdict = { verified: true; by: string } | { verified: false; reason: string };

/** Where the From header stands: the intake verifies a message with one From and one address in it. */
export interface FromField {
  address: string | undefined;
  /** Addresses in every From header together. */
  count: number;
}

type Token = { kind: 'word' | 'quoted'; text: string } | { kind: 'special'; text: ';' | '=' };

/**
 * RFC 5322 lexing: quoted strings with quoted pairs, nested comments dropped, any white space. A
 * value right after `=` keeps any `=` and `/` in it: servers write `header.b=` signature prefixes
 * in base64 unquoted.
 */
function tokens(value: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(') {
      let depth = 0;
      for (; i < value.length; i++) {
        if (value[i] === '\\') i++;
        else if (value[i] === '(') depth++;
        else if (value[i] === ')' && --depth === 0) break;
      }
      if (depth !== 0) return undefined;
      i++;
    } else if (c === '"') {
      let text = '';
      for (i++; i < value.length && value[i] !== '"'; i++) text += value[i] === '\\' ? value[++i] : value[i];
      if (i >= value.length) return undefined;
      out.push({ kind: 'quoted', text });
      i++;
    } else if (c === ';' || (c === '=' && out.at(-1)?.text !== '=')) {
      out.push({ kind: 'special', text: c });
      i++;
    } else {
      const stop = out.at(-1)?.text === '=' ? /[\s()";]/ : /[\s()";=]/;
      let text = '';
      while (i < value.length && !stop.test(value[i]!)) text += value[i++];
      out.push({ kind: 'word', text });
    }
  }
  return out;
}

/** Parses one header's value (folded or not); undefined when it names no authserv-id. */
export function parseAuthenticationResults(value: string): AuthenticationResults | undefined {
  const list = tokens(value);
  const first = list?.[0];
  if (!list || !first || first.kind === 'special') return undefined;
  const parsed: AuthenticationResults = { authservId: first.text.toLowerCase(), results: [] };
  // resinfo: method [/version] = result, then ptype.property = value pairs (reason= included), until ';'.
  const statements: Token[][] = [];
  for (const token of list.slice(1)) {
    if (token.kind === 'special' && token.text === ';') statements.push([]);
    else statements.at(-1)?.push(token);
  }
  for (const statement of statements) {
    if (statement.length === 1 && statement[0]!.text.toLowerCase() === 'none') continue;
    const [method, ...rest] = statement;
    // `dmarc/1=pass`: the method's version is not needed to read its result.
    const name = method?.kind === 'word' ? /^([a-z0-9-]+)(?:\/\d+)?$/i.exec(method.text)?.[1] : undefined;
    if (!name || rest[0]?.text !== '=' || rest[1]?.kind !== 'word') {
      parsed.unreadable = statement.map((t) => t.text).join('');
      continue;
    }
    const result: MethodResult = { method: name.toLowerCase(), result: rest[1].text.toLowerCase(), properties: {} };
    for (let j = 2; j < rest.length; j += 3) {
      const [name, equals, val] = [rest[j], rest[j + 1], rest[j + 2]];
      if (name?.kind !== 'word' || equals?.text !== '=' || !val || val.kind === 'special') {
        parsed.unreadable = statement.map((t) => t.text).join('');
        break;
      }
      result.properties[name.text.toLowerCase()] = val.text.toLowerCase();
    }
    parsed.results.push(result);
  }
  return parsed;
}

/** RFC 7489's organizational domain, from the Public Suffix List (its private part included). */
function organizationalDomain(domain: string | undefined): string | undefined {
  return domain ? (getDomain(domain.replace(/\.$/, ''), { allowPrivateDomains: true }) ?? undefined) : undefined;
}

/**
 * The verdict on the From address given the message's Authentication-Results headers, from the
 * topmost one under the trusted id: verified when DMARC passed for the From domain; when the domain
 * publishes no DMARC policy (`dmarc=none`, or no DMARC result), when DKIM or SPF passed for a domain
 * of the same organization (RFC 7489's relaxed alignment). Any other DMARC result, a result that
 * cannot be read, or a From with more than one address is not verified.
 */
export function senderVerdict(headerValues: string[], from: FromField, trustedAuthservId: string): SenderVerdict {
  const trusted = trustedAuthservId.toLowerCase();
  if (from.count !== 1 || !from.address?.includes('@')) return { verified: false, reason: `its From names ${from.count === 0 ? 'no address' : `${from.count} addresses`}` };
  const fromDomain = from.address.split('@').pop()!.toLowerCase().replace(/\.$/, '');
  const header = headerValues.map(parseAuthenticationResults).find((r) => r?.authservId === trusted);
  if (!header) return { verified: false, reason: `${trustedAuthservId} left no Authentication-Results on it` };
  if (header.unreadable !== undefined) return { verified: false, reason: `${trustedAuthservId}'s Authentication-Results has a part this intake cannot read (${header.unreadable.slice(0, 100)})` };
  const { results } = header;
  const dmarc = results.filter((r) => r.method === 'dmarc');
  if (dmarc.length) {
    const passed = dmarc.every((r) => r.result === 'pass' && r.properties['header.from']?.replace(/\.$/, '') === fromDomain);
    if (passed) return { verified: true, by: 'dmarc=pass' };
    const failed = dmarc.find((r) => r.result !== 'none');
    if (failed) {
      const about = failed.properties['header.from'] && failed.properties['header.from'] !== fromDomain ? ` for ${failed.properties['header.from']}, not ${fromDomain}` : ` for ${fromDomain}`;
      return { verified: false, reason: `dmarc=${failed.result}${about}, as ${trustedAuthservId} found` };
    }
  }
  const organization = organizationalDomain(fromDomain);
  const aligned = (domain: string | undefined) => organization !== undefined && organizationalDomain(domain) === organization;
  const dkim = results.find((r) => r.method === 'dkim' && r.result === 'pass' && aligned(r.properties['header.d']));
  if (dkim) return { verified: true, by: `dkim=pass header.d=${dkim.properties['header.d']}` };
  const spf = results.find((r) => r.method === 'spf' && r.result === 'pass' && aligned(domainOf(r.properties['smtp.mailfrom'])));
  if (spf) return { verified: true, by: `spf=pass smtp.mailfrom=${spf.properties['smtp.mailfrom']}` };
  const seen = results.map((r) => `${r.method}=${r.result}${r.properties['header.d'] ? ` header.d=${r.properties['header.d']}` : ''}`).join(', ') || 'no results';
  return { verified: false, reason: `nothing aligned with ${fromDomain} passed (${seen}), as ${trustedAuthservId} found` };
}

function domainOf(address: string | undefined): string | undefined {
  return address?.includes('@') ? address.split('@').pop() : address;
}
