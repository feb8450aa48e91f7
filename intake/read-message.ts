// Reads one raw message from the case mailbox into what the intake decides on: who sent it, which
// of Dossier's messages it refers to, whether it is a person's reply, an auto-reply (RFC 3834, or a
// read receipt: RFC 8098) or a bounce (RFC 3464 delivery report), its text and its attachments.
// Never throws on bad input: a message mailparser cannot read comes back with `unreadable` set, so
// it is held, not lost.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { MESSAGE_ID } from '../workflows/inbox-rules';
import { excerptOf, LIMITS, wellFormed, withoutDirectionControls } from '../workflows/text-rules';
import { typeFromName } from '../documents/file-types';
import { readTnef, TNEF_SIGNATURE, type Tnef, type TnefBody } from './tnef';
import { rtfBody } from './rtf-text';
import { withDeclaredCharsets } from './undeclared-charset';

export type InboundKind = 'reply' | 'auto-reply' | 'bounce';

export interface InboundAttachment {
  /** A bare file name: any folder part the sender put in is dropped. */
  name: string;
  type: string;
  size: number;
  content: Buffer;
  /**
   * A winmail.dat (Outlook's TNEF) that could not be opened, kept as it came: the intake notes it when
   * it keeps the file, since the officer cannot open it either.
   */
  unopened?: true;
}

export interface ReadMessage {
  /** The Message-ID header, or one derived from the bytes when it is missing (still unique and stable). */
  messageId: string;
  from?: string;
  fromName?: string;
  /** Addresses in every From header together: one, for a message whose sender can be verified. */
  fromCount: number;
  /** Every address the message was sent to (To, Cc, Delivered-To, X-Original-To). */
  recipients: string[];
  subject: string;
  /** The Date header, if it is a real date. */
  date?: string;
  /** In-Reply-To then References, newest first: the messages this one answers. */
  refersTo: string[];
  kind: InboundKind;
  /**
   * A person's message whose subject alone says it is an out-of-office answer ("Automatic reply:",
   * "Réponse automatique :"), written by a responder that sets none of the headers `kind` reads.
   */
  automaticSubject?: boolean;
  bounce?: Bounce;
  /**
   * A relay's delivery report in which nothing failed (a delay while it retries, a relay onward):
   * an automatic message about one of Dossier's, matched by that message as a bounce is.
   */
  delivery?: DeliveryNotice;
  /** Plain text only (an HTML-only message is converted, scripts and markup dropped), at most TEXT_LIMIT characters. */
  text: string;
  /** The whole text when `text` had to be cut: the intake keeps it as a document of the message. */
  wholeText?: string;
  /** The Content-Language header as written (`fr-CA`, `en, fr`): what the sender says its text is in. */
  contentLanguage?: string;
  attachments: InboundAttachment[];
  /** Every Authentication-Results header's value, whoever wrote it (sender-check.ts trusts one server's). */
  authenticationResults: string[];
  /** The parser's error when the message could not be read (malformed MIME): it goes to the holding pen. */
  unreadable?: string;
}

export interface Bounce {
  /** The Message-ID of the message that bounced, from the report's copy of its headers. */
  originalMessageId?: string;
  recipients: string[];
  status?: string;
  diagnostic?: string;
}

export interface DeliveryNotice {
  /** The Message-ID of the message the report is about, from the report's copy of its headers. */
  originalMessageId?: string;
  /** The recipients it reports on (delayed, relayed, delivered, expanded). */
  recipients: string[];
  action?: string;
  status?: string;
  diagnostic?: string;
}

/** What an engagement records of a message's text at most (the inbox rules refuse more). */
export const TEXT_LIMIT = LIMITS.summary;

/** The domain of the Message-ID given to a message that carries no usable one of its own. */
export const NO_MESSAGE_ID_DOMAIN = 'no-message-id.dossier.invalid';

export async function readMessage(raw: Buffer): Promise<ReadMessage> {
  const fallbackId = `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@${NO_MESSAGE_ID_DOMAIN}>`;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(withDeclaredCharsets(raw), { keepDeliveryStatus: true, skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 5_000_000 });
  } catch (err) {
    return {
      messageId: headerFromRaw(raw, 'message-id') ?? fallbackId,
      recipients: [],
      subject: '',
      refersTo: [],
      kind: 'reply',
      text: '',
      attachments: [],
      fromCount: 0,
      authenticationResults: [],
      unreadable: (err as Error).message,
    };
  }
  const from = firstAddress(parsed.from);
  const headers = parsed.headers;
  const contentType = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = contentType?.value?.toLowerCase() === 'multipart/report' ? contentType.params?.['report-type']?.toLowerCase() : undefined;
  const isReport = reportType === 'delivery-status';
  // A read receipt (RFC 8098) is the vendor's mail client saying the letter was opened, never a
  // person's reply, whether or not it carries the Auto-Submitted header that RFC asks for.
  const isReceipt = reportType === 'disposition-notification';
  // A report that only says a delivery is delayed (or went through) is not a bounce: nothing failed.
  const report = isReport ? readReport(parsed, raw) : undefined;
  const bounce = report?.failed.recipients.length ? report.failed : undefined;
  const delivery = report && !bounce ? report.notice : undefined;
  const autoSubmitted = String(headers.get('auto-submitted') ?? 'no').toLowerCase();
  const kind: InboundKind = bounce ? 'bounce' : report || isReceipt || autoSubmitted !== 'no' || isAutoResponder(parsed) ? 'auto-reply' : 'reply';
  const subject = oneLine((parsed.subject ?? '').slice(0, 500));
  const partText = (parsed.text ?? (typeof parsed.html === 'string' ? htmlAsText(parsed.html) : '')).trim();
  // A report's machine parts, and the copy of the message it is about (its headers, or all of it with
  // its PDF as Postfix and Exchange return it): the relay's and Dossier's, never documents of the vendor's.
  const shownIds = typeof parsed.html === 'string' ? cidsIn(parsed.html) : new Set<string>();
  const reportParts = new Set(['message/delivery-status', 'message/disposition-notification', 'text/rfc822-headers', 'message/rfc822-headers', 'message/rfc822']);
  const { parts: attachments, bodyText } = withWinmailOpened(
    parsed.attachments.filter((a) => !((report || isReceipt) && reportParts.has(a.contentType.toLowerCase()))).filter((a) => !shownInBody(a, shownIds)),
    partText !== '',
  );
  // A message whose only body is its winmail.dat's (Outlook sent no text part) is recorded with that body's words.
  const text = partText || bodyText || '';
  return {
    messageId: usableId(parsed.messageId) ?? fallbackId,
    from: from?.address?.toLowerCase(),
    fromName: from?.name || undefined,
    fromCount: fromCount(parsed),
    recipients: recipientsOf(parsed),
    subject,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined,
    refersTo: [...new Set([...threadIds(parsed, 'in-reply-to', parsed.inReplyTo), ...threadIds(parsed, 'references', parsed.references).reverse()])],
    kind,
    ...(kind === 'reply' && AUTOMATIC_SUBJECT.test(subject) ? { automaticSubject: true } : {}),
    bounce,
    ...(delivery ? { delivery } : {}),
    text: excerptOf(text, TEXT_LIMIT),
    ...(text.length > TEXT_LIMIT ? { wholeText: text } : {}),
    ...(typeof headers.get('content-language') === 'string' ? { contentLanguage: headers.get('content-language') as string } : {}),
    attachments: attachments.map((a, i) => {
      const type = a.type ?? typeFromName(bareFileName(a.filename, i + 1));
      return { name: bareFileName(a.filename, i + 1, type), type, size: a.content.length, content: a.content, ...(a.unopened ? { unopened: true as const } : {}) };
    }),
    authenticationResults: parsed.headerLines
      .filter((h) => h.key === 'authentication-results')
      .map((h) => h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim()),
  };
}

/** The content types Outlook and Exchange give a winmail.dat (TNEF). */
const TNEF_TYPES = new Set(['application/ms-tnef', 'application/vnd.ms-tnef']);

/** A part as the message carried it, or a file taken out of its winmail.dat (typed later from its name). */
interface Part {
  filename?: string;
  /** Undefined for a file out of a winmail.dat, which carries no type of its own. */
  type?: string;
  content: Buffer;
  /** A winmail.dat that could not be opened. */
  unopened?: true;
}

/**
 * The message's attachments with each winmail.dat (TNEF, as Outlook and Exchange wrap attachments
 * for other Outlooks) replaced by the files inside it, which an officer can open. The winmail.dat
 * stays beside them when it holds what they do not: an Outlook item or OLE object inside, more
 * files than a message may carry (the engagement then refuses the message, as it refuses one with
 * that many attachments, and it is held whole), or the only body of a message with no text part
 * when that body cannot be read (a damaged compressed RTF). When it can, its words are `bodyText`,
 * the message's text. One that cannot be read stays as it came, marked `unopened`.
 */
function withWinmailOpened(parts: Attachment[], hasText: boolean): { parts: Part[]; bodyText?: string } {
  const attachments: Part[] = [];
  let bodyText: string | undefined;
  for (const part of parts) {
    const kept: Part = { filename: part.filename, type: part.contentType.toLowerCase(), content: part.content };
    // By its type, or by Outlook's name for it when it also starts as TNEF does: a data file that happens
    // to be called WIN.DAT is the vendor's, not a wrapping that could not be opened.
    const isTnef =
      TNEF_TYPES.has(kept.type!) ||
      (/^win(?:mail)?\.dat$/i.test(bareFileName(part.filename, 0)) && part.content.length >= 4 && part.content.readUInt32LE(0) === TNEF_SIGNATURE);
    if (!isTnef) {
      attachments.push(kept);
      continue;
    }
    let tnef: Tnef;
    try {
      // One more than a message may carry, so a winmail.dat with too many is refused as such.
      // Its body only when its words may become the message's text.
      tnef = readTnef(part.content, { maxFiles: LIMITS.attachments + 1, readBody: !hasText && bodyText === undefined });
    } catch {
      // A TnefError says why; anything else would be the reader's own fault, and must not stop the
      // intake either: the winmail.dat is kept as it came, as a damaged one is.
      attachments.push({ ...kept, unopened: true });
      continue;
    }
    // An image Outlook marks as its body's (hidden from its list of attachments, or referred to by the
    // HTML body) is left out as the MIME path leaves out an image the HTML body shows by cid: part of
    // the body, not a document of the vendor's. The MIME path does so whenever a body shows the image,
    // text or not, and so does this one: with a text part the TNEF's body is that text again, and
    // without one the TNEF's body is the message's text (or, when it cannot be read, the winmail.dat
    // is kept for it, with the images inside). With no body at all nothing shows them, and they are
    // kept, as an inline image shown nowhere is.
    // One holding more files than a message may carry keeps them all, so it is still refused as such.
    const hasBody = hasText || tnef.hasBody;
    const ofBody = (f: Tnef['files'][number]) => !tnef.more && hasBody && (f.hidden || f.mhtmlReference) && typeFromName(f.name ?? '').startsWith('image/');
    attachments.push(...tnef.files.filter((f) => !ofBody(f)).map((f) => ({ filename: f.name, content: f.content })));
    // The first winmail.dat whose body reads as words gives the text; another's body is kept as its file.
    let words = '';
    try {
      words = !hasText && bodyText === undefined && tnef.body ? textOf(tnef.body) : '';
    } catch {
      // Nothing the sender writes should make the body's reader throw; if it does, the reader is at
      // fault, and the message must still be recorded (rejected, it would be read again forever): its
      // winmail.dat is kept, as one whose body cannot be read is.
    }
    if (words) bodyText = words;
    if (tnef.more || tnef.unread > 0 || (tnef.hasBody && !hasText && !words)) attachments.push(kept);
  }
  return { parts: attachments, ...(bodyText ? { bodyText } : {}) };
}

/** The words of a winmail.dat's body, its HTML read as an HTML part is, well formed (an RTF \uN may leave half a pair). */
function textOf(body: TnefBody): string {
  const read = 'rtf' in body ? rtfBody(body.rtf) : body;
  // Outlook ends its lines with CRLF; a text part's lines reach here as LF, and so do these.
  const text = ('html' in read ? htmlAsText(read.html.replace(/\r\n?/g, '\n')) : read.text.replace(/\r\n?/g, '\n')).replace(/\n{3,}/g, '\n\n');
  return wellFormed(text).trim();
}

/**
 * An image the HTML body shows by its Content-ID (a signature's logo and social icons, as Outlook
 * and Gmail send them inline): part of the message's body, not a document of the vendor's. An image
 * sent as an attachment, or inline but shown nowhere (a client's leftover), is still the vendor's.
 */
function shownInBody(a: Attachment, shownIds: Set<string>): boolean {
  return a.contentType.toLowerCase().startsWith('image/') && a.contentDisposition !== 'attachment' && a.cid !== undefined && shownIds.has(a.cid.toLowerCase());
}

/** The Content-IDs an HTML body refers to (`cid:` URLs, RFC 2392: URL-encoded, matched without case). */
function cidsIn(html: string): Set<string> {
  const ids = new Set<string>();
  for (const [, url] of html.matchAll(/\bcid:([^'"\s>)]{1,256})/gi)) {
    try {
      ids.add(decodeURIComponent(url!).toLowerCase());
    } catch {
      ids.add(url!.toLowerCase());
    }
  }
  return ids;
}

/**
 * The Message-ID as the intake records it, or undefined when it cannot serve: it is the update's id
 * too, and one longer than Temporal's ids (1,000 characters) would fail every pass without being
 * refused. The message then gets the id derived from its bytes, like one that has none.
 */
function usableId(id: string | undefined): string | undefined {
  const normalized = id ? normalizeId(id) : undefined;
  return normalized && MESSAGE_ID.test(normalized) ? normalized : undefined;
}

function normalizeId(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/**
 * Every `<...>` id in the headers of this name, in order: mailparser splits References on whitespace
 * only, and clients also write ids with none between them (`<a@x><b@y>`), with commas, or with a
 * comment after one. Read from the raw header lines; mailparser's value serves when they hold no
 * bracketed id (a bare `a@x`, or an id in an encoded word).
 */
function threadIds(parsed: ParsedMail, name: 'in-reply-to' | 'references', value: string | string[] | undefined): string[] {
  const found = parsed.headerLines
    .filter((h) => h.key === name)
    .flatMap((h) => [...h.line.slice(h.line.indexOf(':') + 1).matchAll(/<[^<>\s]+>/g)].map((m) => m[0]));
  return found.length > 0 ? found : idsOf(value);
}

function idsOf(value: string | string[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? value.split(/\s+/) : [];
  return list.map((id) => id.trim()).filter((id) => /^<[^<>\s]+>$/.test(id));
}

function firstAddress(value: AddressObject | AddressObject[] | undefined) {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((a) => a.value).find((a) => a.address);
}

/** Two From headers count as two, whatever they hold; a group counts its members. */
function fromCount(parsed: ParsedMail): number {
  const headers = parsed.headerLines.filter((h) => h.key === 'from').length;
  if (headers > 1) return headers;
  const fields = Array.isArray(parsed.from) ? parsed.from : parsed.from ? [parsed.from] : [];
  return fields.flatMap((f) => f.value).flatMap((a) => a.group ?? [a]).length;
}

function recipientsOf(parsed: ParsedMail): string[] {
  const found = [parsed.to, parsed.cc].flatMap((v) => (Array.isArray(v) ? v : v ? [v] : [])).flatMap((a) => a.value.map((x) => x.address));
  for (const name of ['delivered-to', 'x-original-to']) {
    const value = parsed.headers.get(name);
    const text = typeof value === 'string' ? value : (value as AddressObject | undefined)?.text;
    if (text) found.push(...text.split(/[,\s]+/));
  }
  return [...new Set(found.filter((a): a is string => !!a && a.includes('@')).map((a) => a.replace(/^<|>$/g, '').toLowerCase()))];
}

/**
 * The prefixes Outlook, Exchange and Gmail put on an out-of-office answer's subject, in English and
 * French: some responders (Exchange's, forwarded by a gateway) send no header that says what they are.
 */
const AUTOMATIC_SUBJECT = /^\s*(?:réponse automatique|automatic reply|auto[- ]?reply|out of (?:the )?office|absence du bureau|absent du bureau)\b/iu;

/** Out-of-office tools that predate RFC 3834 still mark themselves in one of these. */
function isAutoResponder(parsed: ParsedMail): boolean {
  const precedence = String(parsed.headers.get('precedence') ?? '').toLowerCase();
  // Besides RFC 3834's Auto-Submitted: the Precedence values responders and bulk senders use (RFC 3834 §3.1.8).
  return ['auto_reply', 'auto-reply', 'bulk', 'junk'].includes(precedence) || parsed.headers.has('x-autoreply') || parsed.headers.has('x-autorespond');
}

/**
 * A subject as the engagement records it: what the vendor wrote, markup and all (it is data, shown
 * escaped), on one line and without direction controls, which would reorder what a reader sees
 * ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). Replaced here rather than refused, so a
 * genuine reply is recorded instead of held. Control characters are left to the intake's plainLine.
 */
function oneLine(text: string): string {
  return withoutDirectionControls(text).replace(/[\u0085\u2028\u2029]/g, ' ');
}

/**
 * The extension of a file of this type, for an attachment sent without a name: the officer who
 * saves it gets a file their system opens (a forwarded message sent inline has none, as a rule).
 */
const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'application/pdf': '.pdf',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
};

/**
 * A name to save the file under: no folders, no control characters or line breaks, no direction
 * controls, never empty (one without a name is `attachment-<n>`, with the extension of its type),
 * and well formed: a lone surrogate (from the sender, or left by the cut to 200) cannot be encoded
 * for the download's header.
 */
export function bareFileName(name: string | undefined, n: number, type = ''): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = wellFormed(withoutDirectionControls(base).replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, '').replace(/^\.+/, '').trim().slice(0, 200));
  return clean || `attachment-${n}${EXTENSIONS[type.toLowerCase()] ?? ''}`;
}

/**
 * Text of an HTML-only message: scripts and styles dropped with their content, tags removed, every
 * character reference read (`&#x27;` as Dossier's templates write an apostrophe, `&rsquo;`, `&#8239;`),
 * so a message's HTML reads as the same words as its text part.
 */
export function htmlAsText(html: string): string {
  // Each regex here fails at most once per position of a long run (a tag ends at the next "<" or ">",
  // spaces are trimmed from a run's first): the HTML is the sender's, and a regex that restarts at
  // every position of a run costs its square (50,000 "<" took 8 s).
  return decodedReferences(
    withoutElements(html, ['script', 'style', 'head'])
      .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
      .replace(/<[^<>]*>/g, ''),
  )
    .replace(/(?<![ \t])[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

/**
 * The HTML with each of these elements, content and all, replaced by a space. Searched for forward
 * only: an element with no end tag after it is left (its tags go with the others), and so is every
 * later one of its name, which has none either.
 */
function withoutElements(html: string, names: string[]): string {
  const opening = new RegExp(`<(${names.join('|')})\\b`, 'gi');
  const closing = new Map(names.map((name) => [name, new RegExp(`</${name}\\s*>`, 'gi')]));
  const unclosed = new Set<string>();
  let kept = '';
  let from = 0;
  for (let start = opening.exec(html); start !== null; start = opening.exec(html)) {
    const name = start[1]!.toLowerCase();
    if (unclosed.has(name)) continue;
    const end = closing.get(name)!;
    end.lastIndex = opening.lastIndex;
    const found = end.exec(html);
    if (found === null) {
      unclosed.add(name);
      continue;
    }
    kept += `${html.slice(from, start.index)} `;
    from = found.index + found[0].length;
    opening.lastIndex = from;
  }
  return kept + html.slice(from);
}

/** HTML 4's Latin-1 entities, in the order of their code points from U+00A0. */
const LATIN1_ENTITIES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const NAMED_ENTITIES: Record<string, string> = {
  ...Object.fromEntries(LATIN1_ENTITIES.split(' ').map((name, n) => [name, String.fromCharCode(0xa0 + n)])),
  // A no-break space read as a space, as it always was here.
  nbsp: ' ',
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š', Yuml: 'Ÿ', circ: 'ˆ', tilde: '˜',
  ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', zwnj: '\u200c', zwj: '\u200d', lrm: '\u200e', rlm: '\u200f',
  ndash: '–', mdash: '—', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  dagger: '†', Dagger: '‡', bull: '•', hellip: '…', permil: '‰', lsaquo: '‹', rsaquo: '›', euro: '€', trade: '™',
};

/** The text with its character references read; a name the table does not know stays as written. */
function decodedReferences(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,7}));/g, (reference, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name]! : reference;
    const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    // What the HTML standard reads as U+FFFD: nothing, a surrogate, beyond Unicode.
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
  });
}

/**
 * The report's parts are read from the raw body: the copy of the bounced message's headers (a
 * text/rfc822-headers or message/rfc822 part) carries its Message-ID, the delivery-status part one
 * group of fields per recipient (RFC 3464 §2.3). Only recipients whose delivery failed make a
 * bounce: a relay also reports `delayed` (it is still trying), `delivered`, `relayed` and
 * `expanded`, which are the notice's. A group without an Action is read from its status: 5.x.x
 * failed, anything else not. The report's own
 * headers are skipped. Relays may send those parts base64 or quoted-printable (Exchange does): they
 * are read as mailparser decoded them, and from the raw body only when it found none.
 */
function readReport(parsed: ParsedMail, raw: Buffer): { failed: Bounce; notice: DeliveryNotice } {
  const unfold = (text: string) => text.slice(0, 1_000_000).replace(/\r?\n[ \t]+/g, ' ');
  const decoded = (types: string[]) =>
    parsed.attachments.filter((a) => types.includes(a.contentType.toLowerCase())).map((a) => unfold(a.content.toString('utf8')));
  const headerEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const rawBody = unfold(raw.subarray(Math.max(0, headerEnd), Math.min(raw.length, 1_000_000)).toString('latin1'));
  const statusParts = decoded(['message/delivery-status']);
  const headerParts = decoded(['text/rfc822-headers', 'message/rfc822-headers', 'message/rfc822']);
  const body = statusParts.length ? statusParts.join('\n\n') : rawBody;
  const fieldIn = (text: string, name: string) => text.match(new RegExp(`^${name}:\\s*(.+)$`, 'im'))?.[1]?.trim();
  // Of a whole copied message/rfc822 only its own header counts, not a Message-ID quoted in its body.
  const idsIn = (text: string) => [...text.matchAll(/^Message-ID:\s*(.+)$/gim)].map((m) => m[1].trim()).filter((id) => /^<[^<>\s]+>$/.test(id));
  const original = [...headerParts.flatMap((part) => idsIn(part.split(/\r?\n\r?\n/)[0])), ...idsIn(rawBody)][0];
  const groups = body.split(/\r?\n[ \t]*\r?\n/).filter((group) => fieldIn(group, 'Final-Recipient') !== undefined);
  const isFailed = (group: string) => {
    const action = fieldIn(group, 'Action')?.toLowerCase();
    return action === undefined ? fieldIn(group, 'Status')?.startsWith('5') === true : action === 'failed';
  };
  const failed = groups.filter(isFailed);
  const others = groups.filter((group) => !isFailed(group));
  // The address the bounced message was sent to, which the engagement knows: a relay that expanded
  // an alias (privacy@ to a person) reports the mailbox it failed at as Final-Recipient and the
  // address as written as Original-Recipient (RFC 3464 §2.3.1, as Postfix writes it). Some
  // relays put the address in angle brackets.
  const recipientOf = (group: string) => {
    const address = (name: string) => fieldIn(group, name)?.match(/^rfc822;\s*<?([^<>\s]+@[^<>\s]+?)>?$/i)?.[1]?.toLowerCase();
    return address('Original-Recipient') ?? address('Final-Recipient') ?? fieldIn(group, 'Final-Recipient')!.replace(/^rfc822;\s*/i, '').toLowerCase();
  };
  const summary = (list: string[]) => ({
    originalMessageId: original,
    recipients: [...new Set(list.map(recipientOf))],
    status: list.map((group) => fieldIn(group, 'Status')).find(Boolean),
    diagnostic: list.map((group) => fieldIn(group, 'Diagnostic-Code')).find(Boolean)?.replace(/^smtp;\s*/i, '').slice(0, 500),
  });
  return { failed: summary(failed), notice: { ...summary(others), action: others.map((group) => fieldIn(group, 'Action')?.toLowerCase()).find(Boolean) } };
}

function headerFromRaw(raw: Buffer, name: string): string | undefined {
  const head = raw.subarray(0, Math.min(raw.length, 64_000)).toString('latin1').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
  const value = line?.slice(name.length + 1).trim();
  return value && /^<[^<>\s]+>$/.test(value) ? value : undefined;
}
