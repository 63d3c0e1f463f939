/**
 * Calls `stop` on the first of `signals` and only `again` on every later one. A second signal is
 * common and must not cut a drain short: the terminal sends Ctrl-C to every process of the
 * foreground job, so npm passes on a SIGINT the process already got, and people press Ctrl-C twice.
 */
export function onShutdownSignals(
  signals: NodeJS.Signals[],
  stop: (signal: NodeJS.Signals) => void,
  again: (signal: NodeJS.Signals) => void,
): void {
  let received = false;
  for (const signal of signals) {
    process.on(signal, () => {
      if (received) return again(signal);
      received = true;
      stop(signal);
    });
  }
}
