export type MicroBatcherOptions<Item, Result> = {
  /**
   * Handle a batch, in the order the items were added: one outcome per item, in the same order. Throwing fails
   * every item of the batch with that error.
   */
  flush: (items: Item[]) => Promise<PromiseSettledResult<Result>[]>;
  /** The most items one flush gets. */
  maxItems: number;
  /** How long the first item of a batch waits for others before the flush starts. */
  lingerMs: number;
};

type Pending<Item, Result> = {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};

/**
 * Turns many small concurrent pieces of work into few batches (e.g. status webhooks: one transaction for several
 * instead of one each). `add` resolves when the batch holding the item was flushed. One flush at a time, in the
 * order items were added; items added during a flush form the next batch, so batches grow with the load and a
 * lone item waits at most `lingerMs`.
 */
export class MicroBatcher<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private timer?: NodeJS.Timeout;
  private flushing = false;

  constructor(private readonly options: MicroBatcherOptions<Item, Result>) {}

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    const delay = this.queue.length >= this.options.maxItems ? 0 : this.options.lingerMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushNext();
    }, delay);
  }

  private async flushNext(): Promise<void> {
    if (this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, Math.max(1, this.options.maxItems));
    try {
      const outcomes = await this.options.flush(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => {
        const outcome = outcomes[index];
        if (outcome?.status === 'fulfilled') pending.resolve(outcome.value);
        else pending.reject(outcome ? outcome.reason : new Error('the batch gave no outcome for this item'));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.flushing = false;
    }
    // Whatever arrived meanwhile goes next, at once: it has waited for this flush already.
    if (this.queue.length > 0) void this.flushNext();
  }
}
