// For a test file that sends mail through the activities alone, with no Temporal: a mail sink
// started before its tests and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { MailSink } from '../../infra/mail-sink';

export function useMailSink(): MailSink {
  const sink = new MailSink();
  beforeAll(async () => {
    await sink.start();
  });
  afterAll(async () => {
    await sink.stop();
  });
  return sink;
}
