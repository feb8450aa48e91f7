// A workflow that only sends messages, one after the other, with the retry profile the test
// chooses: it lets the correspondence tests drive the real sendMessage activity through a real
// Temporal server and observe attempts, timeouts and non-retryable failures with no engagement
// around it.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../../workflows/errors';
import type { OutgoingMessage, SentMessage } from '../../workflows/types';

export interface SendProfile {
  startToCloseTimeout: string;
  maximumAttempts?: number;
}

export async function sendInOrder(messages: OutgoingMessage[], profile: SendProfile): Promise<SentMessage[]> {
  const { sendMessage } = proxyActivities<Activities>({
    startToCloseTimeout: profile.startToCloseTimeout,
    retry: {
      initialInterval: '300ms',
      backoffCoefficient: 2,
      maximumInterval: '2s',
      maximumAttempts: profile.maximumAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
    },
  });
  const sent: SentMessage[] = [];
  for (const message of messages) sent.push(await sendMessage(message));
  return sent;
}
