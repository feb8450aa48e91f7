// Deadlines on a working calendar: "20 working days" from a moment, counted in the lead authority's
// time zone, skipping weekends and its public holidays (date-holidays). Workflows reach this only
// through an activity, whose result the history records: the holiday tables stay out of the
// workflow bundle and a replay reads the dates it computed then, whatever the tables say later.
import Holidays from 'date-holidays';
import { calendarDayAfter, calendarDayIn, calendarDays, endOfLocalDay, requireDurationMs, toIsoString, workingDays } from '../workflows/time';
import type { Duration, WorkingCalendar } from '../workflows/types';

export class CalendarError extends Error {
  readonly code = 'CalendarError';
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** `CA`, `CA-QC`, `FR`: a country or country-region code that date-holidays knows, or an error saying so. */
export function holidaysFor(jurisdiction: string): Holidays {
  const [country, region] = jurisdiction.trim().toUpperCase().split('-');
  const all = new Holidays();
  if (!country || !all.getCountries()[country]) {
    throw new CalendarError(`unknown jurisdiction "${jurisdiction}": use a country code such as CA or FR, or a country and region such as CA-QC`);
  }
  if (region && !all.getStates(country)?.[region]) {
    throw new CalendarError(`unknown region "${region}" of ${country} in jurisdiction "${jurisdiction}" (known: ${Object.keys(all.getStates(country) ?? {}).join(', ') || 'none'})`);
  }
  return region ? new Holidays(country, region) : new Holidays(country);
}

export function checkTimeZoneName(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new CalendarError(`unknown time zone "${timeZone}": use an IANA name such as America/Toronto or Europe/Paris`);
  }
}

/** `YYYY-MM-DD` of an instant in a time zone. */
function localDate(time: number, timeZone: string): string {
  return calendarDayIn(toIsoString(time), timeZone);
}

/** The last moment of `date` (`YYYY-MM-DD`) in the zone, where a vendor's last day ends. */
function lastMomentOf(date: string, timeZone: string): number {
  return endOfLocalDay(date, timeZone)!;
}

/**
 * The last moment of the `count`th working day after the day of `from` (that day itself does not
 * count), in the calendar's zone: a vendor has the whole of its last day.
 */
export function addWorkingDays(from: number, count: number, calendar: WorkingCalendar): number {
  checkTimeZoneName(calendar.timeZone);
  const holidays = holidaysFor(calendar.jurisdiction);
  const publicHolidays = new Map<number, Set<string>>();
  const isHoliday = (date: string) => {
    const year = Number(date.slice(0, 4));
    if (!publicHolidays.has(year)) {
      publicHolidays.set(year, new Set(holidays.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10))));
    }
    return publicHolidays.get(year)!.has(date);
  };
  let date = localDate(from, calendar.timeZone);
  for (let counted = 0; counted < count; ) {
    date = calendarDayAfter(date, 1);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !isHoliday(date)) counted++;
  }
  return lastMomentOf(date, calendar.timeZone);
}

/** Whether `time` is the last moment of a day in the zone, as a deadline counted on the calendar is. */
function endsLocalDay(time: number, timeZone: string): boolean {
  checkTimeZoneName(timeZone);
  return lastMomentOf(localDate(time, timeZone), timeZone) === time;
}

/**
 * The last moment of the local day `count` calendar days after the local day that `endOfDay` ends:
 * a day with a change of clocks lasts 23 or 25 hours, so 24-hour days would end an hour off.
 */
export function addCalendarDays(endOfDay: number, count: number, calendar: Pick<WorkingCalendar, 'timeZone'>): number {
  checkTimeZoneName(calendar.timeZone);
  return lastMomentOf(calendarDayAfter(localDate(endOfDay, calendar.timeZone), count), calendar.timeZone);
}

/**
 * One deadline per duration from `from`: working days on the calendar; whole days or weeks from the
 * end of a local day (a deadline) as calendar days in its zone; other durations as they are.
 */
export function deadlinesFrom(from: number, durations: Duration[], calendar: WorkingCalendar | undefined): number[] {
  return durations.map((duration) => {
    const days = workingDays(duration);
    if (days === undefined) {
      const whole = calendarDays(duration);
      const fromDayEnd = calendar !== undefined && whole !== undefined && endsLocalDay(from, calendar.timeZone);
      return fromDayEnd ? addCalendarDays(from, whole, calendar) : from + requireDurationMs(duration);
    }
    if (!calendar) throw new CalendarError(`"${String(duration)}" needs a working calendar: give the lead authority a jurisdiction and a timeZone`);
    return addWorkingDays(from, days, calendar);
  });
}

export function createCalendarActivities() {
  return {
    /** ISO deadlines, one per duration, from the ISO moment `from` (see `deadlinesFrom`). */
    async workingDeadlines(request: { from: string; durations: Duration[]; calendar?: WorkingCalendar }): Promise<string[]> {
      return deadlinesFrom(Date.parse(request.from), request.durations, request.calendar).map(toIsoString);
    },
  };
}
