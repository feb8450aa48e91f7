// What may be recorded on an engagement from the case mailbox, and what an officer may do with it:
// the pure checks behind the inbound updates' validators. A refused message is never lost: the
// intake moves it to the campaign's holding pen with the refusal as its reason. The sender check is
// what keeps a forged In-Reply-To or a guessed token from reaching a case: only the vendor's own
// addresses (or their domains) may reply, and a bounce must concern an address we wrote to. Mail from
// a domain under a vendor's is held for an officer with its own reason (see `checkRecordInbound`).
import type { ConfirmInboundInput, DismissInboundInput, EngagementStatus, RecordInboundInput } from './messages';
import type { Contact, InboundMessage, Vendor } from './types';
import { FINAL_STAGES, LANGUAGES } from './types';
import { checkEmail, checkList, checkText, checkVendorFileName, checkVendorLine, field, LIMITS, NAME, quote } from './text-rules';
import { caseTextProblem, letterSentAt, predates, questionsSentAt, RESPONSE_STAGES } from './engagement-rules';
import { PUBLIC_MAIL_DOMAINS } from './public-mail-domains';
import { refusal } from './refusals';

export type InboxView = Pick<EngagementStatus, 'workflowId' | 'stage' | 'questions' | 'inbox' | 'demonstrations'> &
  Partial<Pick<EngagementStatus, 'letterSentAt' | 'timeline' | 'rounds' | 'response' | 'formerContacts'>>;

const KINDS = ['reply', 'auto-reply', 'bounce'];
const MATCHES = ['thread', 'token', 'subject', 'officer'];
/** A Message-ID the engagement records (it is the intake's update id too, so it stays under Temporal's id length). */
export const MESSAGE_ID = /^<[^<>\s]{1,900}>$/;

/** The domain of a lower-cased address; none for text with no `@`, which is then no colleague of anyone. */
function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1);
}

/**
 * How near an address is to a vendor's contacts: 0 for a contact's own address, 1 for a colleague at
 * a contact's domain (not at a public mail service's, PUBLIC_MAIL_DOMAINS), 1 + n for an office n
 * labels below it (legal@eu.zoom.us is 2 from privacy@zoom.us), undefined for an address that is none of the vendor's. The intake prefers the
 * nearest of two vendors, and the holding pen suggests their cases; the engagement accepts 0 and 1.
 */
export function vendorAddressDistance(vendor: Pick<Vendor, 'contacts'>, address: string): number | undefined {
  const from = address.trim().toLowerCase();
  const distances = vendor.contacts.map((c) => distance(c.email.trim().toLowerCase(), from)).filter((d) => d !== undefined);
  return distances.length ? Math.min(...distances) : undefined;
}

function distance(contact: string, from: string): number | undefined {
  if (contact === from) return 0;
  const domain = domainOf(contact);
  const fromDomain = domainOf(from);
  // A contact at a public mail service is that address alone: its domain is everyone's.
  if (!domain || !fromDomain || PUBLIC_MAIL_DOMAINS.has(domain)) return undefined;
  if (fromDomain === domain) return 1;
  // Whole labels only, so evilzoom.us and zoom.us.evil.com are not zoom.us's. Never upwards: the
  // domain above a contact's may be a public suffix shared with strangers (vendor.github.io →
  // github.io), and the workflow has no Public Suffix List to tell.
  if (!fromDomain.endsWith(`.${domain}`)) return undefined;
  const labels = fromDomain.slice(0, -domain.length - 1).split('.');
  return labels.includes('') ? undefined : 1 + labels.length;
}

/**
 * The vendor's addresses, exactly or by domain: a colleague at the vendor may answer too (not at a
 * public mail service, whose domain is everyone's: there the contact's own address only). Not a domain
 * under a contact's: names under a company's domain are often its customers' (a help-desk or hosting
 * service gives each customer one, and signs their mail, so DMARC passes), and nothing in the message
 * tells an office of the vendor's from a stranger's account; such mail waits for an officer.
 */
export function isVendorAddress(vendor: Pick<Vendor, 'contacts'>, address: string): boolean {
  const near = vendorAddressDistance(vendor, address);
  return near !== undefined && near <= 1;
}

/**
 * The vendors a sender could be: of those it is near (vendorAddressDistance), the nearest (those listing its very
 * address, else those at its very domain, else those at the domain fewest labels above it: a vendor
 * at eu.zoom.us before one at zoom.us), all of them when as near; a vendor whose contacts are unknown
 * could be anyone's. One rule for the intake, which offers a message to that vendor (intake/correlate.ts),
 * and for the campaign, which names them to the holding pen (`vendorsOfSenderQuery`).
 */
export function vendorsOfSender<V extends { contacts?: Contact[] }>(from: string, vendors: V[]): V[] {
  const address = from.trim();
  const unknown = vendors.filter((v) => v.contacts === undefined);
  const known = address ? vendors.filter((v) => v.contacts !== undefined) : [];
  const distances = known.map((v) => vendorAddressDistance({ contacts: v.contacts! }, address));
  const nearest = Math.min(...distances.map((d) => d ?? Infinity));
  return [...known.filter((_, i) => distances[i] === nearest), ...unknown];
}

export function findInbound(view: Pick<InboxView, 'inbox'>, messageId: unknown): InboundMessage {
  const found = (view.inbox ?? []).find((m) => m.messageId === messageId);
  if (!found) {
    const known = (view.inbox ?? []).filter((m) => m.review === 'to-review').map((m) => m.messageId);
    throw new Error(`no message ${quote(messageId)} on this engagement (to review: ${known.join(', ') || 'none'})`);
  }
  return found;
}

export function checkRecordInbound(view: InboxView, vendor: Pick<Vendor, 'contacts' | 'name'>, input: RecordInboundInput): void {
  if (typeof input !== 'object' || input === null) throw new Error(`the request must be an object (got ${quote(input)})`);
  if (typeof input.messageId !== 'string' || !MESSAGE_ID.test(input.messageId)) throw new Error(`messageId must look like <id@domain> (got ${quote(input.messageId)})`);
  if (!KINDS.includes(input.kind)) throw new Error(`kind must be one of ${KINDS.join(', ')} (got ${quote(input.kind)})`);
  if (!MATCHES.includes(input.matchedBy)) throw new Error(`matchedBy must be one of ${MATCHES.join(', ')} (got ${quote(input.matchedBy)})`);
  if (FINAL_STAGES.includes(view.stage)) throw refusal('records-no-mail', { stage: view.stage }, `${view.workflowId} is ${view.stage}: it records no more mail`);
  // A vendor's subject, text and file names are kept as data and always shown escaped, so markup
  // in them is not refused (loosening a validator is replay-safe: a refusal is not in history).
  checkVendorLine('the subject', input.subject, 1_000, true);
  if (typeof input.text !== 'string' || input.text.length > LIMITS.summary) throw new Error(`the text must be at most ${LIMITS.summary} characters`);
  if (input.language !== undefined && !LANGUAGES.includes(input.language)) throw new Error(`language must be one of ${LANGUAGES.join(', ')} when given (got ${quote(input.language)})`);
  const tooMuch = caseTextProblem(view, 'this message', input.text.length);
  if (tooMuch) throw new Error(`${tooMuch}; the intake keeps it in the holding pen`);
  if (!Array.isArray(input.documents)) throw new Error('documents must be a list (possibly empty)');
  checkList('the documents', input.documents, LIMITS.attachments, true);
  input.documents.forEach((d, i) => checkVendorFileName(`document ${i + 1}`, d?.name));
  if (input.kind === 'bounce') {
    checkReport(view, vendor, 'a bounce', input.answersStep, input.bounce?.recipients);
    return;
  }
  // A relay's report that a message is delayed comes from the mail system, as a bounce does: what
  // vouches for it is that it concerns one of this engagement's messages and the addresses it wrote to.
  if (input.kind === 'auto-reply' && input.deliveryReport !== undefined) {
    checkReport(view, vendor, 'a delivery report', input.answersStep, input.deliveryReport?.recipients);
    return;
  }
  checkEmail('the sender', input.from);
  // An officer assigning held mail vouches for the sender (a vendor's lawyer, a personal address).
  const vouched = input.matchedBy === 'officer' && input.assignedBy !== undefined;
  if (!vouched && !isVendorAddress(vendor, input.from)) {
    // Said apart, so the officer knows the likely case (the holding pen proposes it) and what to check.
    if (vendorAddressDistance(vendor, input.from) !== undefined) {
      throw refusal(
        'sender-under-vendor-domain',
        { from: input.from, vendor: vendor.name },
        `the sender ${input.from} writes from a domain under one of ${vendor.name}'s, which may be held by one of its customers rather than by ${vendor.name}: an officer must check it and assign it`,
      );
    }
    throw refusal('sender-not-vendor', { from: input.from, vendor: vendor.name }, `the sender ${input.from} is not an address of ${vendor.name}: an officer must check it and assign it`);
  }
  if (input.assignedBy !== undefined) checkText('the assigning officer', input.assignedBy, NAME);
}

/**
 * A relay's report is the engagement's when it names one of its messages and only addresses it wrote
 * to. Refused with codes, since an officer reads why in the holding pen, and again on assigning it.
 */
function checkReport(view: InboxView, vendor: Pick<Vendor, 'contacts'>, what: 'a bounce' | 'a delivery report', answersStep: unknown, recipients: unknown): void {
  if (!answersStep) {
    throw refusal('report-no-message', {}, `${what} must name the message it concerns (answersStep): it names none of this engagement's messages`);
  }
  const list = Array.isArray(recipients) ? recipients.map(String) : [];
  // Addresses an officer changed away count too: what went there before the change can still bounce.
  const wroteTo = [...vendor.contacts, ...view.demonstrations.flatMap((d) => d.attendees)].map((c) => c.email);
  const ours = new Set([...wroteTo, ...(view.formerContacts ?? [])].map((e) => e.toLowerCase()));
  if (!list.length || !list.every((r) => ours.has(r.toLowerCase()))) {
    const named = list.join(', ') || 'no recipient';
    throw refusal('report-not-ours', { recipients: named }, `${what.replace(/^a /, 'the ')} concerns ${named}, not an address this engagement wrote to`);
  }
}

function requireOfficer(by: unknown): void {
  if (typeof by !== 'string' || by.trim() === '') throw new Error('the case officer\'s name ("by") must not be blank: it is recorded in the timeline');
  checkText(field('by'), by, NAME);
}

function requireToReview(view: InboxView, messageId: unknown): InboundMessage {
  if (FINAL_STAGES.includes(view.stage)) throw refusal('final', { stage: view.stage }, `${view.workflowId} is ${view.stage}: it accepts no more changes`);
  const message = findInbound(view, messageId);
  if (message.review !== 'to-review') throw refusal('message-reviewed', { review: message.review }, `message ${message.messageId} is ${message.review}, not waiting for review`);
  return message;
}

/** Why a stage before the response takes no reply as the response (after it, the response is recorded). */
const RESPONSE_NOT_OWED: Partial<Record<InboxView['stage'], string>> = {
  'sending-letter': 'the open letter is still being sent; take the reply as the response once it has gone out',
  'letter-undeliverable':
    'the open letter has not reached the vendor; correct the contact address, and take the reply as the response once the letter has gone out again',
};

export function checkConfirmInbound(view: InboxView, input: ConfirmInboundInput): void {
  requireOfficer(input?.by);
  const message = requireToReview(view, input.messageId);
  if (input.as === 'response') {
    if (!RESPONSE_STAGES.includes(view.stage)) {
      const why = RESPONSE_NOT_OWED[view.stage] ?? 'the response is already recorded';
      const code = view.stage === 'sending-letter' ? 'reply-letter-going-out' : view.stage === 'letter-undeliverable' ? 'reply-letter-undeliverable' : 'response-already-recorded';
      throw refusal(code, {}, `cannot take a reply as the response while the engagement is ${view.stage}: ${why}`);
    }
    if (input.summary !== undefined) checkText(field('summary'), input.summary, { kind: 'text', max: LIMITS.summary });
    else if (message.text.trim() === '') throw refusal('reply-no-text', {}, 'the reply has no text to take as the response: give a summary');
    const sent = letterSentAt(view);
    if (sent !== undefined && predates(message.receivedAt, sent)) {
      throw refusal(
        'reply-before-letter',
        { receivedAt: message.receivedAt, sent },
        `the reply ${message.messageId} is dated ${message.receivedAt}, earlier than the open letter, sent ${sent}: it cannot be the response to it ` +
          '(dismiss it, or record the response with the date it really arrived)',
      );
    }
    return;
  }
  if (input.as !== 'answers') throw new Error(`as must be "response" or "answers" (got ${quote(input.as)})`);
  if (!Array.isArray(input.answers) || input.answers.length === 0) throw refusal('name-answered-questions', {}, 'name the questions the reply answers');
  checkList(field('answers'), input.answers, LIMITS.answersPerRequest);
  const seen = new Set<string>();
  for (const { questionId, answer } of input.answers) {
    const question = view.questions.find((q) => q.id === questionId);
    const asked = view.questions.map((q) => q.id).join(', ') || 'none';
    if (!question) throw refusal('unknown-question', { id: String(questionId), asked }, `unknown question ${quote(questionId)} (asked: ${asked})`);
    if (question.answer !== undefined) throw refusal('question-answered', { id: questionId }, `question ${questionId} is already answered`);
    if (seen.has(questionId)) throw refusal('question-named-twice', { id: questionId }, `question ${questionId} is named twice`);
    seen.add(questionId);
    if (answer !== undefined) checkText(field('answer', questionId), answer, { kind: 'text', max: LIMITS.summary });
    else if (message.text.trim() === '') throw refusal('reply-no-answer-text', { id: questionId }, `the reply has no text to answer ${questionId} with: give the answer`);
    const round = (view.rounds ?? []).find((r) => r.round === question.round);
    const sent = round && questionsSentAt(view, round);
    if (sent !== undefined && predates(message.receivedAt, sent)) {
      throw refusal(
        'reply-before-question',
        { receivedAt: message.receivedAt, id: questionId, sent },
        `the reply ${message.messageId} is dated ${message.receivedAt}, earlier than question ${questionId}, sent ${sent}: it cannot answer it`,
      );
    }
  }
}

export function checkDismissInbound(view: InboxView, input: DismissInboundInput): void {
  requireOfficer(input?.by);
  requireToReview(view, input.messageId);
  checkText(field('reason'), input.reason, { kind: 'text', max: LIMITS.reason });
}
