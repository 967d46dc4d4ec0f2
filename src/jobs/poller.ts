/**
 * Runs `work` now and then every `intervalMs`, never twice at once; `notify()` asks for a run
 * right away (a commit just wrote to the outbox). Both job drivers move the outbox with it.
 * Errors go to `onError` and the loop carries on: the outbox keeps what was not moved.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  notify(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Stops the clock and waits for a run in progress. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    // A notify during a run: run again as soon as this one ends.
    if (this.running) return void (await this.running, this.notify());
    this.running = this.work()
      .then(() => undefined)
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
    if (!this.stopped) this.schedule(this.intervalMs);
  }
}
