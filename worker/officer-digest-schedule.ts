// The Schedule behind the officers' daily digest: created at start-up when missing, left as it is
// when it exists (an operator may have paused it or changed its hour), so every start is idempotent.
// It starts the digest every hour with the hour of the officers' day it goes out at; each run mails
// the officers on whose clock that hour has just begun. The daily 06:00 UTC Schedule of earlier
// versions, as they created it, is moved to this one (paused or not, as it was).
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleUpdateOptions } from '@temporalio/client';
import { OFFICER_DIGEST_SCHEDULE_ID, type OfficerDigestInput } from '../workflows/officer-digest';
import { DIGEST_EVERY } from '../workflows/types';

/** Hour of an officer's day (on their clock) the digest goes out unless told otherwise: before the working day. */
export const DEFAULT_DIGEST_HOUR = 6;

/** The hour (UTC) of the daily Schedule earlier versions created, which reached Ottawa at 01:00. */
const FORMER_HOUR_UTC = 6;

export interface DigestScheduleOptions {
  taskQueue: string;
  scheduleId?: string;
  /** Hour of the officers' day (0–23, on each one's clock) the digest goes out; DEFAULT_DIGEST_HOUR when absent. */
  localHour?: number;
  input?: OfficerDigestInput;
}

/** What start-up found: `unreadable` is a Schedule whose input this host's keys cannot decrypt. */
export type DigestScheduleOutcome = 'created' | 'exists' | 'updated' | 'unreadable';

/**
 * `options` with the Schedule this task queue's digest runs under. Two deployments may share a
 * namespace, each on its task queue: the first to start holds `dossier-officer-digest`, and each other
 * one gets `dossier-officer-digest-<task queue>` (before, it found the first's Schedule there and took
 * it for its own, and its officers got no digest). A Schedule this host cannot read is left to
 * `ensureOfficerDigestSchedule` to report. `base` is for tests, which keep out of the namespace's own.
 */
export async function digestScheduleFor(client: Client, options: DigestScheduleOptions, base = OFFICER_DIGEST_SCHEDULE_ID): Promise<DigestScheduleOptions & { scheduleId: string }> {
  if (options.scheduleId !== undefined) return { ...options, scheduleId: options.scheduleId };
  const ownQueue = `${base}-${options.taskQueue}`;
  const queueOf = async (scheduleId: string): Promise<string | null | undefined> => {
    try {
      const { action } = await client.schedule.getHandle(scheduleId).describe();
      return action.type === 'startWorkflow' ? action.taskQueue : null;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return undefined;
      if (isUndecryptable(err)) return null;
      throw err;
    }
  };
  // One of its own made earlier stays its own, whoever holds the namespace's since.
  if ((await queueOf(ownQueue)) !== undefined) return { ...options, scheduleId: ownQueue };
  const held = await queueOf(base);
  return { ...options, scheduleId: held === undefined || held === null || held === options.taskQueue ? base : ownQueue };
}

/** Creates the digest Schedule unless it exists (moving the former daily one to the hourly one); says which. */
export async function ensureOfficerDigestSchedule(client: Client, options: DigestScheduleOptions): Promise<DigestScheduleOutcome> {
  const scheduleId = options.scheduleId ?? OFFICER_DIGEST_SCHEDULE_ID;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: DIGEST_EVERY }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'officerDigest',
        taskQueue: options.taskQueue,
        args: [digestInput(options)],
        workflowId: `officer-digest`,
      },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  let described: ScheduleDescription;
  try {
    described = await handle.describe();
  } catch (err) {
    // Its input was encrypted under keys this host does not hold (another set-up sharing the
    // namespace, or keys since replaced): a start must not fail on it, and it is not ours to move.
    if (isUndecryptable(err)) return 'unreadable';
    throw err;
  }
  if (!isFormerDefault(described)) return 'exists';
  let moved = false;
  await handle.update((previous) => {
    // Checked again on the description the update applies to: an operator may have changed it meanwhile.
    if (!isFormerDefault(previous)) return previous as ScheduleUpdateOptions;
    moved = true;
    const [former] = previous.action.type === 'startWorkflow' ? (previous.action.args as OfficerDigestInput[]) : [];
    return {
      ...previous,
      spec: { intervals: [{ every: DIGEST_EVERY }] },
      action: { ...previous.action, args: [{ ...former, ...digestInput(options) }] },
    } as ScheduleUpdateOptions;
  });
  return moved ? 'updated' : 'exists';
}

/** A payload the codec could not open: AES-GCM's refusal, or the keystore's for a key it lacks. */
function isUndecryptable(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /unable to authenticate data|data key|master key|decrypt/i.test(message);
}

/**
 * The daily Schedule earlier versions created and nobody changed since: every day at 06:00 UTC, the
 * digest to every officer at once (its input names no hour). One an operator moved is left to them.
 */
function isFormerDefault(described: ScheduleDescription): boolean {
  const { spec, action } = described;
  if (action.type !== 'startWorkflow' || action.workflowType !== 'officerDigest') return false;
  if ((action.args as (OfficerDigestInput | undefined)[])[0]?.localHour !== undefined) return false;
  const calendars = spec.calendars ?? [];
  const single = (range: { start: number; end: number }[] | undefined, value: number) => range?.length === 1 && range[0]!.start === value && range[0]!.end === value;
  return (
    !spec.intervals?.length &&
    calendars.length === 1 &&
    single(calendars[0]!.hour as { start: number; end: number }[] | undefined, FORMER_HOUR_UTC) &&
    single(calendars[0]!.minute as { start: number; end: number }[] | undefined, 0)
  );
}

/**
 * What a start-up says of the Schedule it ensured, from the same options: `hourly, each officer at
 * 06:00 on their clock (Schedule dossier-officer-digest created)`. One found already there keeps its own spec.
 */
export function digestScheduleLine(outcome: DigestScheduleOutcome, options: DigestScheduleOptions): string {
  const hour = String(digestHour(options)).padStart(2, '0');
  const scheduleId = options.scheduleId ?? OFFICER_DIGEST_SCHEDULE_ID;
  const said = {
    created: 'created',
    exists: 'already there',
    updated: 'moved from daily at 06:00 UTC',
    unreadable: 'already there, its input encrypted under keys this host does not hold: left as it is; check DOSSIER_MASTER_KEYS',
  }[outcome];
  return `hourly, each officer at ${hour}:00 on their clock (Schedule ${scheduleId} ${said})`;
}

function digestInput(options: Pick<DigestScheduleOptions, 'localHour' | 'input'>): OfficerDigestInput {
  return { ...options.input, localHour: digestHour(options) };
}

function digestHour(options: Pick<DigestScheduleOptions, 'localHour'>): number {
  return options.localHour ?? DEFAULT_DIGEST_HOUR;
}
