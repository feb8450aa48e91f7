// Calendar invitations as a strict parser of another language reads them: Python's icalendar, in
// .tools/venv (npm run setup:test-tools), so the tests never check an event with the code that wrote it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const PYTHON = join(__dirname, '..', '..', '.tools', 'venv', 'bin', 'python');

export interface ParsedEvent {
  dtstamp: string;
  description: string;
  location: string | null;
  url: string | null;
  sequence: number;
}

/** The first event's fields as icalendar reads them (DTSTAMP as an ISO time with its offset). */
export function eventByPython(ics: string): ParsedEvent {
  const script = [
    'import sys, json, icalendar',
    'cal = icalendar.Calendar.from_ical(sys.stdin.read())',
    'ev = next(iter(cal.walk("VEVENT")))',
    'opt = lambda k: str(ev.get(k)) if ev.get(k) is not None else None',
    'print(json.dumps({"dtstamp": ev.decoded("DTSTAMP").isoformat(), "description": str(ev.get("DESCRIPTION")), "location": opt("LOCATION"), "url": opt("URL"), "sequence": int(ev.get("SEQUENCE"))}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: ics, encoding: 'utf8' })) as ParsedEvent;
}
