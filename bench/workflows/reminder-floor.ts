// The floor of a waiting engagement: a no-op step where the letter goes out, a timer to the first
// reminder, a no-op step where the reminder goes out, then a timer to the final notice, as the
// engagement waits. Part 8 drains a burst of these against a burst of real reminders.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { FloorActivities } from './floor';

export interface ReminderFloorInput {
  /** When the reminder falls due, ms since the epoch. */
  reminderAt: number;
  /** From the reminder to the final notice, which the bench never waits for. */
  finalNoticeAfterMs: number;
}

// Same profile as the engagement's email activities, so scheduling options cost the same.
const { floorStep } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function reminderFloor({ reminderAt, finalNoticeAfterMs }: ReminderFloorInput): Promise<void> {
  await floorStep('letter');
  const wait = reminderAt - Date.now();
  if (wait > 0) await sleep(wait);
  await floorStep('reminder');
  await sleep(finalNoticeAfterMs);
  await floorStep('final-notice');
}
