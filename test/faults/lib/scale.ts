/**
 * Sizes of the process-level scenarios. FAULTS_SCALE multiplies the workload's length, its tasks
 * and the number of faults; 1 (the CI default) keeps the whole fault suite within 20 minutes on a
 * 2-core machine. A float: 0.5 for a quick look, 3 for a long soak.
 */
export function faultScale(): number {
  const raw = process.env.FAULTS_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 20)
    throw new Error(`FAULTS_SCALE must be a number in (0, 20], got ${JSON.stringify(raw)}`);
  return scale;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves on the emitter's next `event`, or after `ms` at the latest. */
export function nextOrAfter(emitter: NodeJS.EventEmitter, event: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    emitter.once(event, done);
  });
}
