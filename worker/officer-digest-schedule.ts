// The Schedule behind the officers' daily digest: created at start-up when missing, left as it is
// when it exists (an operator may have paused it or moved its hour), so every start is idempotent.
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { OFFICER_DIGEST_SCHEDULE_ID, type OfficerDigestInput } from '../workflows/officer-digest';

export interface DigestScheduleOptions {
  taskQueue: string;
  scheduleId?: string;
  /** Hour of the day (UTC) the digest goes out; default 6, before the working day in Europe and the Americas' night. */
  hourUtc?: number;
  input?: OfficerDigestInput;
}

/** Creates the digest Schedule unless it exists; says which. */
export async function ensureOfficerDigestSchedule(client: Client, options: DigestScheduleOptions): Promise<'created' | 'exists'> {
  const scheduleId = options.scheduleId ?? OFFICER_DIGEST_SCHEDULE_ID;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: options.hourUtc ?? 6, minute: 0 }] },
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
