// What the SDK logs while tests run. Many tests make activities fail on purpose (a refused
// recipient, a relay that is down, a worker killed mid-send) and Temporal retries or records them:
// printed as the SDK's multi-line WARN blocks they read as failures in a green run. Here each
// "Activity failed" is counted instead, and each test file ends with one line saying how many the
// tests provoked, by error type. A workflow that failed is not something a workflow handled: it is
// printed at once on a line of its own, labelled, with its type, id and message (a campaign that
// ended on a failure was once folded into the count, and nobody saw it). DOSSIER_TEST_LOG=verbose
// prints every one as the SDK would; other warnings print as usual.
import { DefaultLogger, type LogEntry } from '@temporalio/worker';

export interface ActivityFailureSeen {
  activityType: string;
  errorType: string;
  message: string;
}

export class TestRunLog {
  readonly activityFailures: ActivityFailureSeen[] = [];
  private readonly sdkDefault = new DefaultLogger('WARN');

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    private readonly verbose = process.env.DOSSIER_TEST_LOG === 'verbose',
  ) {}

  /** The SDK logger to install in the Runtime. */
  logger(): DefaultLogger {
    return new DefaultLogger('WARN', (entry) => this.accept(entry));
  }

  accept(entry: LogEntry): void {
    const meta = entry.meta ?? {};
    const error = (meta.error ?? meta.failure) as { name?: string; type?: string; message?: string } | undefined;
    if (entry.message === 'Activity failed' && !this.verbose) {
      this.activityFailures.push({
        activityType: String(meta.activityType ?? 'activity'),
        errorType: error?.type ?? error?.name ?? 'Error',
        message: error?.message ?? '',
      });
      return;
    }
    if (entry.message === 'Workflow failed' && !this.verbose) {
      const errorType = error?.type ?? error?.name ?? 'Error';
      this.write(`[workflow failed] ${String(meta.workflowType ?? 'workflow')} ${String(meta.workflowId ?? '')}: ${errorType}: ${error?.message ?? ''}\n`);
      return;
    }
    this.sdkDefault.log(entry.level, entry.message, entry.meta);
  }

  /** One line for the file's end, or nothing when no activity failed. Resets the count. */
  summary(file: string): string | undefined {
    const seen = this.activityFailures.splice(0);
    if (!seen.length) return undefined;
    const byType = new Map<string, number>();
    for (const f of seen) byType.set(`${f.activityType}: ${f.errorType}`, (byType.get(`${f.activityType}: ${f.errorType}`) ?? 0) + 1);
    const counts = [...byType].map(([type, n]) => `${type} ×${n}`).join(', ');
    return `[expected] ${file}: ${seen.length} activity failure(s) provoked by the tests and handled by the workflows (${counts}); DOSSIER_TEST_LOG=verbose prints each\n`;
  }

  printSummary(file: string): void {
    const line = this.summary(file);
    if (line) this.write(line);
  }
}

/** One per test process: the Runtime takes one logger for its lifetime. */
export const testRunLog = new TestRunLog();
