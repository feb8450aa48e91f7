// The demonstration invitation as RFC 5545 text. Dossier writes one shape of event from values it has
// already checked (addresses, https links, whole minutes), so it serializes them itself: the `ics`
// package validated every event with yup on each call, about 1 ms of worker CPU per invitation, to
// find nothing. The lines and their order are those `ics` wrote, so calendars see the same event.

export interface Invitation {
  productId: string;
  uid: string;
  /** Reschedules so far: a higher SEQUENCE replaces the event in the attendee's calendar. */
  sequence: number;
  /** DTSTAMP and DTSTART, epoch milliseconds (written in UTC, to the second). */
  stamp: number;
  start: number;
  durationMinutes: number;
  summary: string;
  description: string;
  location?: string;
  url?: string;
  /** Names already made safe for a quoted parameter value (`parameterValue` in compose.ts). */
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
  /** METHOD:CANCEL: the event leaves the attendees' calendars (its sequence must pass the last invitation's). */
  cancelled?: boolean;
}

/** A METHOD:REQUEST calendar with one confirmed event, every attendee asked to answer; or its cancellation. */
export function invitationText(event: Invitation): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `PRODID:${oneLine(event.productId)}`,
    event.cancelled ? 'METHOD:CANCEL' : 'METHOD:REQUEST',
    'X-PUBLISHED-TTL:PT1H',
    'BEGIN:VEVENT',
    `UID:${oneLine(event.uid)}`,
    `SUMMARY:${text(event.summary)}`,
    `DTSTAMP:${utcDateTime(event.stamp)}`,
    `DTSTART:${utcDateTime(event.start)}`,
    `SEQUENCE:${event.sequence}`,
    ...(event.description ? [`DESCRIPTION:${text(event.description)}`] : []),
    ...(event.url ? [`URL:${oneLine(event.url)}`] : []),
    ...(event.location ? [`LOCATION:${text(event.location)}`] : []),
    event.cancelled ? 'STATUS:CANCELLED' : 'STATUS:CONFIRMED',
    `ORGANIZER;CN=${quoted(event.organizer.name || 'Organizer')}:MAILTO:${oneLine(event.organizer.email)}`,
    ...event.attendees.map((a) => `ATTENDEE;${event.cancelled ? '' : 'RSVP=TRUE;'}ROLE="REQ-PARTICIPANT";PARTSTAT="NEEDS-ACTION";CN=${quoted(a.name || 'Unnamed attendee')}:mailto:${oneLine(a.email)}`),
    `DURATION:PT${event.durationMinutes}M`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** Any line break a reader might honour: CRLF, a lone CR (which some parsers end a line at) or LF. */
const LINE_BREAK = /\r\n|\r|\n/g;

/** A TEXT value (RFC 5545 §3.3.11): backslash, line breaks, `;` and `,` escaped. */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(LINE_BREAK, '\\n').replace(/;/g, '\\;').replace(/,/g, '\\,');
}

/** A value that must stay on its content line. */
function oneLine(value: string): string {
  return value.replace(LINE_BREAK, '\\n');
}

/** A quoted parameter value; the name holds no `"` (RFC 6868 escapes replaced them). */
function quoted(value: string): string {
  return `"${value}"`;
}

function utcDateTime(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Content lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a character's UTF-8
 * sequence; the continuation starts with a tab, as `ics` wrote it.
 */
function fold(line: string): string {
  if (line.length <= 75 && !/[^\x00-\x7f]/.test(line)) return line;
  const parts: string[] = [];
  let part = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(part);
      part = '';
      octets = 0;
      limit = 74;
    }
    part += char;
    octets += size;
  }
  parts.push(part);
  return parts.join('\r\n\t');
}
