// What the SDK logs while tests run. Many tests make activities fail on purpose (a refused
// recipient, a relay that is down, a worker killed mid-send) and Temporal retries or records them:
// printed as the SDK's multi-line WARN blocks they read as failures in a green run. Here each
// "Activity failed" (and "Workflow failed", from test workflows that fail on purpose) is counted
// instead, and each test file ends with one line saying how many the tests provoked, by error
// type. DOSSIER_TEST_LOG=verbose prints every one as the SDK would; other warnings print as usual.
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
    if ((entry.message === 'Activity failed' || entry.message === 'Workflow failed') && !this.verbose) {
      const meta = entry.meta ?? {};
      const error = (meta.error ?? meta.failure) as { name?: string; type?: string; message?: string } | undefined;
      this.activityFailures.push({
        activityType: String(meta.activityType ?? (meta.workflowType ? `workflow ${String(meta.workflowType)}` : 'activity')),
        errorType: error?.type ?? error?.name ?? 'Error',
        message: error?.message ?? '',
      });
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
    return `[expected] ${file}: ${seen.length} activity or workflow failure(s) provoked by the tests and handled by the workflows (${counts}); DOSSIER_TEST_LOG=verbose prints each\n`;
  }

  printSummary(file: string): void {
    const line = this.summary(file);
    if (line) this.write(line);
  }
}

/** One per test process: the Runtime takes one logger for its lifetime. */
export const testRunLog = new TestRunLog();
