/**
 * The steps that undo a start, run in reverse order of registration. Each step runs whatever the
 * others did: a failing one is reported and the next still runs, so the servers at the bottom of
 * the stack are always stopped. `run()` is idempotent: a second call returns the first's promise.
 */
export class Teardown {
  private readonly steps: Array<{ what: string; step: () => unknown }> = [];
  private running: Promise<void> | null = null;

  constructor(private readonly onFailure: (what: string, err: unknown) => void) {}

  /** `what` names the step in a failure's message (Vietnamese: it is shown to a person). */
  add(what: string, step: () => unknown): void {
    if (this.running) throw new Error(`Đang dừng: không thể thêm bước "${what}"`);
    this.steps.push({ what, step });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { what, step } of this.steps.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          this.onFailure(what, err);
        }
      }
    })();
    return this.running;
  }
}
