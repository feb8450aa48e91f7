// The Schedule behind the officers' daily digest: created at start-up when missing, left as it is
// when it exists (an operator may have paused it or moved its hour), so every start is idempotent.
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { OFFICER_DIGEST_SCHEDULE_ID, type OfficerDigestInput } from '../workflows/officer-digest';

/** Hour of the day (UTC) the digest goes out unless told otherwise: before the working day in Europe and the Americas' night. */
export const DEFAULT_DIGEST_HOUR_UTC = 6;

export interface DigestScheduleOptions {
  taskQueue: string;
  scheduleId?: string;
  /** Hour of the day (UTC) the digest goes out; DEFAULT_DIGEST_HOUR_UTC when absent. */
  hourUtc?: number;
  input?: OfficerDigestInput;
}

/** Creates the digest Schedule unless it exists; says which. */
export async function ensureOfficerDigestSchedule(client: Client, options: DigestScheduleOptions): Promise<'created' | 'exists'> {
  const scheduleId = options.scheduleId ?? OFFICER_DIGEST_SCHEDULE_ID;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: digestHour(options), minute: 0 }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'officerDigest',
        taskQueue: options.taskQueue,
        args: [options.input ?? {}],
        workflowId: `officer-digest`,
      },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}

/**
 * What a start-up says of the Schedule it ensured, from the same options: `daily at 06:00 UTC
 * (Schedule dossier-officer-digest created)`. One found already there keeps its own spec.
 */
export function digestScheduleLine(outcome: 'created' | 'exists', options: DigestScheduleOptions): string {
  const hour = String(digestHour(options)).padStart(2, '0');
  const scheduleId = options.scheduleId ?? OFFICER_DIGEST_SCHEDULE_ID;
  return `daily at ${hour}:00 UTC (Schedule ${scheduleId} ${outcome === 'created' ? 'created' : 'already there'})`;
}

function digestHour(options: Pick<DigestScheduleOptions, 'hourUtc'>): number {
  return options.hourUtc ?? DEFAULT_DIGEST_HOUR_UTC;
}
