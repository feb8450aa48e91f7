// Turns an OutgoingMessage into what nodemailer sends: subject, text and HTML parts in the
// recipient's language, attachments (the open letter PDF, published statements) and, for a
// demonstration, a calendar invitation. Message-IDs and reply addresses are named in threading.ts.
import { posix } from 'node:path';
import type Mail from 'nodemailer/lib/mailer';
import { DIGEST_HORIZON, type Authority, type Bilingual, type CampaignRef, type Contact, type Language, type MessageDetails, type MessageKind, type OutgoingMessage, type PublicText, type StatementChange } from '../workflows/types';
import { invalidMessage } from './errors';
import { invitationText } from './icalendar';
import { campaignTimeZone, capitalize, checkTimeZone, formatDate, formatDateTime, FormatError, frenchDe, joinAuthorityNames, joinNames, lookAheadInWords, lowerFirst, ordinal, principleTitle, timeZoneName } from './format';
import { openLetterFileName, renderOpenLetter, signatoriesInOrder } from './letter';
import { officerNoticeView } from './officer-notice';
import { withLetterBody } from './stored-letter';
import { UNSORTED_SECTION } from './officer-digest';
import { renderEmail, statementWording, wordOf } from './templates';
import { typeset } from '../workflows/french-spacing';
import { authorityInSentence, withArticle } from '../workflows/locale';
import { calendarDayAfter, calendarDayIn, endOfLocalDay, isoInstant } from '../workflows/time';
import { readActor } from '../workflows/timeline';
import { safe } from './threading';
import { LocalPublishedFiles } from '../store/local';
import { StoreError, StoreErrorCode, type PublishedFiles } from '../store/types';

export type ComposedMessage = Pick<Mail.Options, 'subject' | 'text' | 'html' | 'attachments' | 'icalEvent' | 'headers'>;

export interface ComposeOptions {
  /** Where `attachmentPaths` (published files) are read: the worker's store. */
  files?: PublishedFiles;
  /** Without `files`: the local output folder they are read from. */
  outputDir?: string;
  /** Domain of the sender: names calendar event UIDs like Message-IDs. */
  domain?: string;
  /** The web workspace's address: approval requests link to the statement page there. */
  workspaceUrl?: string;
}

export { messageIdFor, threadRootStep } from './threading';

/** A demonstration keeps one calendar UID across reschedules, so calendars update the event in place. */
export function demonstrationEventUid(threadId: string, demonstrationId: string, domain: string): string {
  return `demonstration-${safe(demonstrationId)}.${safe(threadId)}@${domain}`;
}

/** What each kind cannot be written without; checked before anything is rendered or sent. */
const REQUIRED: Partial<Record<MessageKind, (m: OutgoingMessage) => string | undefined>> = {
  'open-letter': (m) => (m.vendor ? undefined : 'an open letter needs the vendor it is addressed to'),
  reminder: (m) => (m.details.reminderNumber ? undefined : 'a reminder needs details.reminderNumber (1 for the first)'),
  'deadline-extension': (m) => (m.details.dueDate ? undefined : 'an extension needs the new due date (details.dueDate)'),
  'follow-up-questions': (m) => (m.details.questions?.length ? undefined : 'follow-up questions need details.questions'),
  'answers-acknowledgement': (m) => (m.details.answered?.length ? undefined : 'an acknowledgement of answers needs the questions answered (details.answered)'),
  'demonstration-invitation': (m) => (m.details.demonstration ? undefined : 'an invitation needs details.demonstration'),
  'demonstration-reminder': (m) => (m.details.demonstration ? undefined : 'a demonstration reminder needs details.demonstration'),
  'demonstration-cancellation': (m) => (m.details.demonstration ? undefined : 'a cancellation needs details.demonstration'),
  // `note`: the text of a notice scheduled before `notice` existed, retried by an upgraded worker.
  'officer-notice': (m) => (m.details.notice || m.details.note ? undefined : 'an officer notice needs details.notice (or its text in details.note)'),
  'officer-digest': (m) => (m.details.digest?.length ? undefined : 'an officer digest needs details.digest (an empty digest is not sent)'),
  'change-request': (m) => (m.details.note && m.details.version ? undefined : 'a change request needs the comment (details.note) and the version'),
};

export async function composeMessage(message: OutgoingMessage, options: ComposeOptions = {}): Promise<ComposedMessage> {
  const problem = message.to.length === 0 ? 'the message has no recipient' : REQUIRED[message.kind]?.(message);
  if (problem) throw invalidMessage(`Cannot compose ${message.kind} ${message.step} of ${message.threadId}: ${problem}.`);
  try {
    const files = options.files ?? new LocalPublishedFiles(options.outputDir ?? '.');
    const attachments = await attachmentsOf(message, files);
    const view = { ...viewOf(message, attachments.map((a) => String(a.filename)), options.workspaceUrl), statementUrl: statementUrlOf(message, options.workspaceUrl) };
    const rendered = renderEmail(message.kind, message.language, view);
    if (message.kind === 'open-letter' && message.vendor) {
      // The due date the email states, in the zone it prints it in: the PDF says the same day.
      const { dueDate, timeZone } = message.details;
      const input = { campaign: await withLetterBody(message.campaign, files), vendor: message.vendor, language: message.language, dueDate, timeZone };
      attachments.unshift({
        filename: openLetterFileName(input),
        content: Buffer.from(await renderOpenLetter(input)),
        contentType: 'application/pdf',
      });
    }
    return {
      // The case reference in brackets lets a reply be matched to its case even without threading headers.
      subject: `[${message.campaign.reference}] ${rendered.subject}`,
      text: rendered.text,
      html: rendered.html,
      attachments,
      headers: { 'Content-Language': message.language },
      ...(message.kind === 'demonstration-invitation' || message.kind === 'demonstration-cancellation'
        ? { icalEvent: invitationOf(message, options.domain ?? 'dossier.localhost') }
        : {}),
    };
  } catch (err) {
    if (err instanceof FormatError) throw invalidMessage(`Cannot compose ${message.kind} ${message.step}: ${err.message}`);
    throw err;
  }
}

async function attachmentsOf(message: OutgoingMessage, files: PublishedFiles): Promise<Mail.Attachment[]> {
  const attachments: Mail.Attachment[] = [];
  for (const path of message.details.attachmentPaths ?? []) {
    let content: Buffer | undefined;
    try {
      content = await files.read(path);
    } catch (err) {
      if (err instanceof StoreError && err.code !== StoreErrorCode.Unavailable) throw invalidMessage(`Attachment ${path} of ${message.step}: ${err.message}`);
      throw err;
    }
    // A missing file would otherwise fail inside nodemailer on every retry, forever.
    if (!content) throw invalidMessage(`Attachment ${path} of ${message.step} does not exist (looked at ${files.locate(path)}); publish it before sending.`);
    attachments.push({ filename: posix.basename(path), content });
  }
  return attachments;
}

/**
 * What the campaign is about, inside a sentence: English "about {{topic}}", French
 * "au sujet {{topicDe}}" (with "de" contracted: « au sujet des attentes… »). From the campaign's
 * `topic` when it has one; otherwise from the title, in lower case in English and quoted in French.
 */
function topicOf(campaign: CampaignRef, language: Language): { topic: string; topicDe: string } {
  const given = campaign.topic?.[language]?.trim();
  if (language === 'fr') {
    const topic = given ?? `«\u202f${campaign.title.fr}\u202f»`;
    return { topic, topicDe: given ? frenchDe(given) : `de ${topic}` };
  }
  const topic = given ?? lowerFirst(campaign.title.en);
  return { topic, topicDe: `of ${topic}` };
}

/** The campaign's authority by its names, as a change request carries them (`details.from`), with its article. */
function authorityNamed(campaign: CampaignRef, name: Bilingual): Pick<Authority, 'name' | 'article'> {
  return campaign.authorities.find((a) => a.name.en === name.en && a.name.fr === name.fr) ?? { name };
}

/** The office's name in the message's language (older campaigns have one name for both). */
function officeOf(campaign: CampaignRef, language: Language): string {
  return campaign.officeName?.[language]?.trim() || campaign.officeContact.name;
}

/** The list of changes an approval request carries, section by section, in the recipient's language. */
function changesView(changes: StatementChange[] | undefined, campaign: CampaignRef, language: Language) {
  if (!changes?.length) return [];
  const w = statementWording(language);
  // A demonstration is named by its date, on the lead authority's calendar, as the statement prints it.
  const timeZone = campaignTimeZone(campaign);
  const stage = (s: StatementChange['stageBefore']) => (s ? w.say(`changes.outcome.${s}`) : w.say('changes.empty'));
  return changes.map((c) => {
    const section = w.say(`changes.section.${c.section}`, {
      vendor: c.vendorName,
      principle: c.principle ? principleTitle(c.principle, language) : undefined,
      demonstration: c.demonstrationId,
      date: c.demonstrationAt ? formatDate(c.demonstrationAt, language, timeZone) : undefined,
    });
    if (c.section === 'outcome') return { section, before: stage(c.stageBefore), after: stage(c.stageAfter) };
    if (c.section === 'letter') return { section, before: w.say(`changes.letter.${c.letterBefore}`), after: w.say(`changes.letter.${c.letterAfter}`) };
    if (c.section === 'late-reply') {
      const late = (at: string | undefined) => (at ? w.say('changes.lateReply', { date: formatDate(at, language, timeZone) }) : w.say('changes.empty'));
      return { section, before: late(c.repliedLateBefore), after: late(c.repliedLateAfter) };
    }
    if (c.section === 'reply-in-time') {
      const inTime = (at: string | undefined) => (at ? w.say('changes.replyInTime', { date: formatDate(at, language, timeZone) }) : w.say('changes.empty'));
      return { section, before: inTime(c.repliedInTimeBefore), after: inTime(c.repliedInTimeAfter) };
    }
    if (c.section === 'response-before-closing') {
      const responded = (at: string | undefined) => (at ? w.say('changes.respondedBeforeClosing', { date: formatDate(at, language, timeZone) }) : w.say('changes.empty'));
      return { section, before: responded(c.respondedBefore), after: responded(c.respondedAfter) };
    }
    // The statement's own text, quoted as the attached draft prints it (a comment, by contrast, is quoted as typed).
    const quoted = (text: PublicText | undefined) => {
      const typed = text?.[language]?.trim();
      return typed ? typeset(typed, language) : w.say('changes.empty');
    };
    return { section, before: quoted(c.before), after: quoted(c.after) };
  });
}

/** A count as the statement writes it: "1 234" in French (narrow no-break space), "1,234" in English. */
function groupedDigits(n: number | undefined, language: Language): string | undefined {
  return n ? statementWording(language).number(n) : undefined;
}

/** The person a recorded `by` names (workflows/timeline.ts readActor), without how they acted. */
function personOf(by: string): string {
  const actor = readActor(by);
  return actor.code === 'engine' ? by : actor.name;
}

/** Everything a template may show, already formatted for the message's language. */
function viewOf(message: OutgoingMessage, attachmentNames: string[], workspaceUrl?: string) {
  const { campaign, vendor, details, language } = message;
  const timeZone = checkTimeZone(details.timeZone ?? 'UTC');
  const [lead, ...coSignatories] = signatoriesInOrder(campaign.authorities);
  // A statement notice names those who signed the statement; a quorum leaves some authorities out.
  const signed = details.signatories && new Set(details.signatories);
  const authorityNames = [lead, ...coSignatories]
    .filter((a) => a && (!signed || signed.has(a.id)))
    .map((a) => (language === 'en' ? withArticle(a.name.en) : a.name[language]));
  const demonstration = details.demonstration;
  const reminderOrdinal = details.reminderNumber ? ordinal(details.reminderNumber, language) : undefined;
  const letterDate = formatDate(campaign.letterDate, language, timeZone);
  const sentDate = details.issuedAt ? formatDate(details.issuedAt, language, timeZone) : undefined;
  const [addressee] = message.to;
  const leadInSentence = lead && authorityInSentence(lead, language);
  const fromInSentence = details.from && authorityInSentence(authorityNamed(campaign, details.from), language);
  // The authority asking for changes as the subject of a sentence: "Le Bureau du commissaire… demande".
  // English always names an authority with its article ("The Office…"), so its fromName is this too.
  const fromSubject = fromInSentence && capitalize(fromInSentence);
  return {
    language,
    reference: campaign.reference,
    campaignTitle: campaign.title[language],
    ...topicOf(campaign, language),
    vendorName: vendor?.name,
    recipientNames: joinNames(
      message.to.map((c) => c.name || c.email),
      language,
    ),
    // The salutation greets the addressee; the others (a legal department, a team) are copied.
    salutationName: addressee ? addressee.name || addressee.email : '',
    leadAuthority: lead?.name[language],
    // Names of authorities take their article in a sentence ("On behalf of the Office…"); French
    // contracts it after "de" ("Au nom du Commissariat…", "de la CNIL"), when the campaign gives it.
    leadAuthorityInSentence: leadInSentence,
    leadAuthorityDe: language === 'fr' && leadInSentence ? frenchDe(leadInSentence) : undefined,
    leadSignatory: lead?.contact.name,
    coSignatories: coSignatories.map((a) => a.name[language]),
    authorityList: joinAuthorityNames(authorityNames, language),
    office: officeOf(campaign, language),
    letterDate,
    // Set only when the letter goes out on another day than the one printed on it, so the email says why.
    sentDate: sentDate && sentDate !== letterDate ? sentDate : undefined,
    dueDate: details.dueDate ? formatDate(details.dueDate, language, timeZone) : undefined,
    previousDueDate: details.previousDueDate ? formatDate(details.previousDueDate, language, timeZone) : undefined,
    closesOn: details.closesAt ? formatDate(lastWholeDayBefore(details.closesAt, timeZone), language) : undefined,
    closedOn: details.closedAt ? formatDate(details.closedAt, language, timeZone) : undefined,
    receivedAt: details.receivedAt ? formatDate(details.receivedAt, language, timeZone) : undefined,
    reminderNumber: details.reminderNumber,
    // A final notice's "despite our reminder(s)" only after reminders went out; a notice without the count says it as it always did.
    unreminded: details.remindersBefore === 0,
    remindedOnce: details.remindersBefore === 1,
    reminderOrdinal,
    reminderOrdinalTitle: reminderOrdinal ? capitalize(reminderOrdinal) : undefined,
    // The authorities' own questions and topics, set as the French letter around them is (typed
    // spaces before « : ; ? ! » cannot break a line there); as typed in English.
    questions: (details.questions ?? []).map((q) => ({ ...q, text: typeset(q.text, language) })),
    // An acknowledgement of answers: the questions answered, and those still open by the day they are due.
    answered: (details.answered ?? []).map((q) => ({ ...q, text: typeset(q.text, language) })),
    stillOpen: stillOpenByDueDate(details.stillOpen, details.issuedAt, language, timeZone),
    demonstration: demonstration && {
      id: demonstration.id,
      when: formatDateTime(demonstration.at, language, timeZone),
      timeZone,
      timeZoneName: timeZoneName(timeZone, language, demonstration.at),
      durationMinutes: demonstration.durationMinutes,
      topics: demonstration.topics.map((topic) => typeset(topic, language)),
      attendeeList: joinNames(
        demonstration.attendees.map((c) => c.name || c.email),
        language,
      ),
      attendees: demonstration.attendees,
      rescheduled: demonstration.rescheduled ?? 0,
      location: demonstration.location,
      meetingUrl: demonstration.meetingUrl,
      previousWhen: demonstration.previousAt ? formatDateTime(demonstration.previousAt, language, timeZone) : undefined,
      reason: demonstration.rescheduleReason,
    },
    note: details.note,
    notice: officerNoticeView(details.notice, language, timeZone),
    // Named as the signatories know each other, not by the campaign file's id ("ico"); the person by
    // name alone: the record's "(account, signed in)" or "(account, CLI)" is the workspace's English
    // trace of how they acted, an account id the reader does not know.
    changeRequests: (details.changeRequests ?? []).map((r) => ({
      ...r,
      by: personOf(r.by),
      authorityName: campaign.authorities.find((a) => a.id === r.authorityId)?.name[language] ?? r.authorityId,
    })),
    moreChangeRequests: groupedDigits(details.moreChangeRequests, language),
    changeAnswer: details.changeAnswer && {
      ...details.changeAnswer,
      by: personOf(details.changeAnswer.by),
      // "The Office… submits version 3 unchanged" / "Le Commissariat… soumet…"; named bare in the answer's line.
      leadSubject: leadInSentence && capitalize(leadInSentence),
      authorityName: lead?.name[language],
    },
    oneMoreChangeRequest: details.moreChangeRequests === 1,
    letterUndeliverable: details.letterUndeliverable,
    engagementId: message.threadId,
    // The case's page in the workspace, where the officer can correct the address too (with its address, DOSSIER_WEB_URL).
    caseUrl: message.kind === 'officer-notice' && vendor ? workspaceLink(workspaceUrl, 'campaigns', campaign.id, 'engagements', vendor.id) : undefined,
    digest: details.digest?.map((section) => ({
      reference: section.reference,
      title: section.title[language],
      // The mail that names no campaign: its own heading, and the pen where it is sorted.
      unsorted: section.campaignId === UNSORTED_SECTION,
      boardUrl: section.campaignId === UNSORTED_SECTION ? undefined : workspaceLink(workspaceUrl, 'campaigns', section.campaignId),
      heldUrl: workspaceLink(workspaceUrl, 'held', section.campaignId === UNSORTED_SECTION ? 'unsorted' : section.campaignId),
      ended: section.ended === true,
      // Counted empty: said so, with the link, rather than a bare link that leaves the reader to guess.
      heldNone: section.held?.count === 0,
      held: section.held && section.held.count > 0 && {
        count: section.held.count,
        plural: section.held.count > 1,
        since: section.held.since ? formatDate(section.held.since, language, section.timeZone ?? timeZone) : undefined,
      },
      statement: section.statement && {
        version: section.statement.version,
        pending: joinNames(section.statement.pending.map((name) => name[language]), language),
        url: workspaceLink(workspaceUrl, 'campaigns', section.campaignId, 'statement'),
      },
      items: section.items.map((item) => ({
        url: workspaceLink(workspaceUrl, 'campaigns', item.campaignId, 'engagements', item.vendorId),
        vendorName: item.vendorName,
        stage: item.stage,
        waitsForOfficer: item.waitsForOfficer,
        toReview: item.toReview,
        toReviewPlural: (item.toReview ?? 0) > 1,
        due: item.deadline ? formatDate(item.deadline, language, section.timeZone ?? timeZone) : undefined,
        overdueDays: item.overdueDays,
        overdue: item.overdue,
        overdueToday: item.overdue && item.overdueDays === 0,
        plural: item.overdueDays > 1,
      })),
    })),
    // Cases (and a statement waiting for approvals) to watch; the held mail is said apart, in messages, not pens.
    digestCount: details.digest?.reduce((n, s) => n + s.items.length + (s.statement ? 1 : 0), 0),
    digestHeld: details.digest?.reduce((n, s) => n + (s.held?.count ?? 0), 0),
    digestHeldPlural: (details.digest?.reduce((n, s) => n + (s.held?.count ?? 0), 0) ?? 0) > 1,
    digestOverdue: details.digest?.reduce((n, s) => n + s.items.filter((i) => i.overdue).length, 0),
    // Digests scheduled before the horizon was given looked DIGEST_HORIZON ahead.
    digestHorizon: details.digest ? lookAheadInWords(details.digestHorizon ?? DIGEST_HORIZON, language) : undefined,
    version: details.version,
    sinceVersion: details.sinceVersion,
    changes: changesView(details.changes, campaign, language),
    moreChanges: groupedDigits(details.moreChanges, language),
    fromName: language === 'en' ? fromSubject : details.from?.[language],
    fromInSentence: fromSubject,
    attachments: attachmentNames,
    attachmentList: attachmentNames.join(', '),
  };
}

/**
 * The questions an acknowledgement of answers lists as still open, grouped by the day they are due
 * (the soonest first, each group's ids in the order asked, joined as a sentence lists them); a group
 * is overdue when its day had passed as the message was issued, so the vendor reads "were due by".
 */
function stillOpenByDueDate(open: MessageDetails['stillOpen'], issuedAt: string | undefined, language: Language, timeZone: string) {
  const issued = issuedAt === undefined ? undefined : isoInstant(issuedAt);
  const groups = new Map<string, { dueDate: string; overdue: boolean; ids: string[] }>();
  const soonestFirst = [...(open ?? [])].sort((a, b) => (isoInstant(a.dueDate) ?? 0) - (isoInstant(b.dueDate) ?? 0));
  for (const question of soonestFirst) {
    const dueDate = formatDate(question.dueDate, language, timeZone);
    const group = groups.get(dueDate) ?? { dueDate, overdue: issued !== undefined && (isoInstant(question.dueDate) ?? 0) < issued, ids: [] };
    group.ids.push(question.id);
    groups.set(dueDate, group);
  }
  return [...groups.values()].map(({ ids, ...group }) => ({ ...group, ids: joinNames(ids, language), plural: ids.length > 1 }));
}

/**
 * The last day a vendor can answer before a case closes at `closesAt`: that day when the case closes
 * at its very end (a deadline on the calendar), else the day before, since an answer in the
 * afternoon of the closing day would come after the closure.
 */
function lastWholeDayBefore(closesAt: string, timeZone: string): string {
  const day = calendarDayIn(closesAt, timeZone);
  return endOfLocalDay(day, timeZone) === isoInstant(closesAt) ? day : calendarDayAfter(day, -1);
}

/** A page of the workspace (sign-in first), its ids escaped; none when the worker was given no workspace address. */
function workspaceLink(workspaceUrl: string | undefined, ...segments: string[]): string | undefined {
  return workspaceUrl ? [workspaceUrl, ...segments.map(encodeURIComponent)].join('/') : undefined;
}

/**
 * Where a signatory reads and answers the draft, and where the lead edits it after a change request:
 * the workspace's statement page (sign-in first).
 */
function statementUrlOf(message: OutgoingMessage, workspaceUrl: string | undefined): string | undefined {
  if (!workspaceUrl || !['approval-request', 'approval-reminder', 'change-request'].includes(message.kind)) return undefined;
  return `${workspaceUrl}/campaigns/${encodeURIComponent(message.campaign.id)}/statement`;
}

/**
 * METHOD:REQUEST with a stable UID and SEQUENCE = reschedules, so a reschedule replaces the event;
 * a cancellation is METHOD:CANCEL with the same UID and the next SEQUENCE, so it removes it.
 */
function invitationOf(message: OutgoingMessage, domain: string): Mail.IcalAttachment {
  const demonstration = message.details.demonstration!;
  const cancelled = message.kind === 'demonstration-cancellation';
  const start = isoInstant(demonstration.at);
  if (start === undefined) throw invalidMessage(`Demonstration ${demonstration.id} has no valid start time ("${demonstration.at}").`);
  // DTSTAMP from the input, never the clock: the same message gives the same invitation.
  const stamp = isoInstant(message.details.issuedAt ?? message.campaign.letterDate);
  const attendees = uniqueByEmail([...message.to, ...demonstration.attendees]);
  const title = wordOf(message.language, 'demonstrationEventTitle', {
    vendor: message.vendor?.name ?? message.campaign.reference,
    reference: message.campaign.reference,
  });
  if (!title) throw invalidMessage(`templates/words.yaml has no ${message.language} demonstrationEventTitle; add it.`);
  const timeZone = checkTimeZone(message.details.timeZone ?? 'UTC');
  const moved = demonstration.previousAt
    ? wordOf(message.language, 'demonstrationMoved', {
        previous: formatDateTime(demonstration.previousAt, message.language, timeZone),
        timeZone: timeZoneName(timeZone, message.language, demonstration.previousAt),
        reason: demonstration.rescheduleReason ?? '',
      })
    : undefined;
  const content = invitationText({
    productId: '-//Dossier//Correspondence//EN',
    uid: demonstrationEventUid(message.threadId, demonstration.id, domain),
    sequence: (demonstration.rescheduled ?? 0) + (cancelled ? 1 : 0),
    stamp: stamp ?? start,
    start,
    durationMinutes: demonstration.durationMinutes,
    summary: title,
    description: [...(moved ? [moved] : []), ...demonstration.topics].join('\n'),
    location: demonstration.location,
    url: demonstration.meetingUrl,
    organizer: { name: parameterValue(officeOf(message.campaign, message.language)), email: message.campaign.officeContact.email },
    attendees: attendees.map((c) => ({ name: parameterValue(c.name), email: c.email })),
    cancelled,
  });
  return { method: cancelled ? 'CANCEL' : 'REQUEST', filename: 'invitation.ics', content };
}

/**
 * A name as an iCalendar parameter value, to be quoted. A quoted value may not hold `"` (a standards
 * parser ends the value there, and a name could add or remove an attendee): RFC 6868's caret
 * escapes stand for it and for line breaks; other control characters, which a quoted value may not
 * hold either, become spaces.
 */
export function parameterValue(name: string): string {
  return name
    .replace(/\^/g, '^^')
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, '^n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ');
}

function uniqueByEmail(contacts: Contact[]): Contact[] {
  const seen = new Set<string>();
  return contacts.filter((c) => {
    const key = c.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
