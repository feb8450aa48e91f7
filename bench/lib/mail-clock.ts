// Notes when each message reaches the mail sink, by the step and thread its Message-ID names, and
// drops the message bodies as they arrive so that thousands of letters (each with its PDF) do not
// fill the bench process's memory. Waiters count incrementally, so thousands of them stay cheap.
import type { MailSink, ReceivedMail } from '../../infra/mail-sink';

export interface Arrival {
  step: string;
  /** The engagement's workflow ID as the Message-ID spells it (`engagement.<campaign>.<vendor>`). */
  thread: string;
  at: number;
}

type Match = (arrival: Arrival) => boolean;

export class MailClock {
  readonly arrivals: Arrival[] = [];
  private readonly waiters = new Set<(arrival: Arrival) => void>();
  private readonly onMessage = (mail: ReceivedMail) => {
    this.sink.messages.length = 0;
    const parsed = /^<([^.]+)\.(engagement\.[^@]+)@/.exec(mail.messageId ?? '');
    if (!parsed) return;
    const arrival = { step: parsed[1], thread: parsed[2], at: Date.now() };
    this.arrivals.push(arrival);
    for (const waiter of this.waiters) waiter(arrival);
  };

  constructor(private readonly sink: MailSink) {
    sink.on('message', this.onMessage);
  }

  count(match: Match): number {
    return this.arrivals.filter(match).length;
  }

  /** Resolves once `count` arrivals match; rejects after `timeoutMs`. */
  waitFor(match: Match, count: number, timeoutMs: number): Promise<void> {
    let seen = this.count(match);
    if (seen >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (arrival: Arrival) => {
        if (match(arrival) && ++seen >= count) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`expected ${count} matching message(s), got ${seen} after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  stop(): void {
    this.sink.off('message', this.onMessage);
  }
}

/** Arrivals of `step` in threads of one campaign (`engagement.<campaign>.`), or of one thread exactly. */
export const stepIn = (step: string, threadPrefix: string): Match => (a) => a.step === step && a.thread.startsWith(threadPrefix);
export const stepOfThread = (step: string, thread: string): Match => (a) => a.step === step && a.thread === thread;
