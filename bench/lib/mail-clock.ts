// Notes when each message reaches the mail sink, by the step its Message-ID names, and drops the
// message bodies as they arrive so that thousands of letters (each with its PDF) do not fill the
// bench process's memory.
import type { MailSink, ReceivedMail } from '../../infra/mail-sink';

export interface Arrival {
  step: string;
  /** The engagement's workflow ID as the Message-ID spells it (`engagement.<campaign>.<vendor>`). */
  thread: string;
  at: number;
}

export class MailClock {
  readonly arrivals: Arrival[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly onMessage = (mail: ReceivedMail) => {
    const match = /^<([^.]+)\.(engagement\.[^@]+)@/.exec(mail.messageId ?? '');
    if (match) this.arrivals.push({ step: match[1], thread: match[2], at: Date.now() });
    this.sink.messages.length = 0;
    for (const wake of this.waiters) wake();
  };

  constructor(private readonly sink: MailSink) {
    sink.on('message', this.onMessage);
  }

  count(step: string, threadPrefix = ''): number {
    return this.arrivals.filter((a) => a.step === step && a.thread.startsWith(threadPrefix)).length;
  }

  /** Resolves once `count` messages of `step` have arrived for threads starting with `threadPrefix`. */
  waitFor(step: string, count: number, threadPrefix: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.count(step, threadPrefix) < count) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`expected ${count} ${step} message(s), got ${this.count(step, threadPrefix)} after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  stop(): void {
    this.sink.off('message', this.onMessage);
  }
}
