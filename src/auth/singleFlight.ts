/**
 * Runs at most one task per key at a time: callers that arrive while a task for their key is
 * running get the same promise, so a burst of requests with one new token costs one introspection.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  get inFlight(): number {
    return this.running.size;
  }

  run(key: string, task: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const promise = task().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }
}
