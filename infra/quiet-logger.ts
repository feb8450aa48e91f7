// A logger for the SDK's workflow bundler that keeps webpack's progress out of test and bench output
// while still showing its warnings and errors.
import type { Logger } from '@temporalio/common';

export const quietLogger: Logger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};
