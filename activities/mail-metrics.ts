// Dossier's mail counters on the worker's Prometheus endpoint (worker/telemetry.ts), defined once:
// the send activity counts with them, and the worker sets every series to 0 as it starts. A series
// that first appeared with its first event would hide that event from `increase()` and `rate()`,
// and a dashboard would show "no data" where it means 0.
import type { MetricCounter, MetricMeter } from '@temporalio/common';
import { MESSAGE_KINDS, type MessageKind } from '../workflows/types';
import { ErrorType } from '../workflows/errors';

/** The activity the counters are recorded in: its name is one of their labels (`activity_type`, as the exporter names it: worker/metric-labels.ts). */
export const SENDING_ACTIVITY = 'sendMessage';

/** The reasons `dossier_email_failures_total` counts: the failure types a send attempt ends with. */
export const SEND_FAILURE_REASONS = [ErrorType.RecipientRejected, ErrorType.RecipientDeferred, ErrorType.RelayFault] as const;

export interface MailCounters {
  sent: MetricCounter;
  refused: MetricCounter;
  failures: MetricCounter;
  resentAfterCrash: MetricCounter;
  ledgerErrors: MetricCounter;
}

export function mailCounters(meter: MetricMeter): MailCounters {
  return {
    sent: meter.createCounter('dossier_emails_sent', 'messages', 'Messages the mail server accepted (for at least one recipient)'),
    refused: meter.createCounter('dossier_email_recipients_refused', 'recipients', 'Recipients the mail server refused for good'),
    failures: meter.createCounter('dossier_email_failures', 'attempts', 'Send attempts that failed, by reason (refused recipient, relay fault…)'),
    resentAfterCrash: meter.createCounter('dossier_emails_resent_after_crash', 'messages', 'Messages sent again after a worker died mid-transaction'),
    ledgerErrors: meter.createCounter('dossier_delivery_ledger_errors', 'messages', 'Accepted messages the delivery ledger could not record'),
  };
}

/**
 * Puts every mail series on the endpoint at 0, with the labels the send activity gives it: `meter`
 * is the Runtime's, and the worker's namespace and task queue are added here as the SDK adds them
 * to an activity's meter, so the zero and the later counts are one series.
 */
export function zeroMailCounters(meter: MetricMeter, { namespace, taskQueue }: { namespace: string; taskQueue: string }): void {
  const counters = mailCounters(meter.withTags({ namespace, taskQueue, activityType: SENDING_ACTIVITY }));
  for (const kind of MESSAGE_KINDS as readonly MessageKind[]) {
    counters.sent.add(0, { kind });
    counters.refused.add(0, { kind });
    counters.resentAfterCrash.add(0, { kind });
    counters.ledgerErrors.add(0, { kind });
    for (const reason of SEND_FAILURE_REASONS) counters.failures.add(0, { kind, reason });
  }
}
