// Ctrl-C under `npm start` or `npm run worker` reaches the process twice: from the terminal, and again
// from npm, which passes it on. The SDK's own listener (which stops the worker) goes with the first;
// with no listener left, the second would end the process on the spot, before the in-flight
// activities finished and, for `npm start`, before it stopped the intake, the workspace and the dev
// server, and without a word. This keeps a listener until the caller has stopped everything: the
// stop is bounded anyway (DOSSIER_SHUTDOWN_GRACE_SECONDS, then at most 10 s for each child).
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Until `release` is called, a repeated SIGINT or SIGTERM no longer kills the process. */
export function outlastRepeatedStopSignals(): { release(): void } {
  const stopping = () => undefined;
  for (const signal of STOP_SIGNALS) process.on(signal, stopping);
  return {
    release() {
      for (const signal of STOP_SIGNALS) process.off(signal, stopping);
    },
  };
}
