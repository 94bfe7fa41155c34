import type { EventBudget, TurnRun } from './turnRun';

export interface TurnStoreLimits {
  retentionMs: number;
  maxTurns: number;
  /** USER_EVENTS_MAX_BYTES: the events of every kept turn of the user together. */
  maxBytes: number;
}

/**
 * The turns of one user, running and recently finished, so that a client can fetch a turn's result
 * or resume its stream later. Bounded by age, count and bytes; it outlives the user's codex process.
 */
export class TurnStore implements EventBudget {
  private readonly turns = new Map<string, TurnRun>();
  /** Bytes booked by this user's kept turns. */
  private bytes = 0;

  constructor(
    private readonly limits: TurnStoreLimits,
    private readonly ledger: EventLedger = new EventLedger(Number.POSITIVE_INFINITY),
    /** Told when a turn's events or the turn itself are dropped (the shared turn records follow). */
    private readonly onForget?: (run: TurnRun, what: 'events' | 'turn') => void,
  ) {
    ledger.register(this);
  }

  add(run: TurnRun): void {
    this.turns.set(run.turnId, run);
    this.bytes += run.retainedBytes;
    this.ledger.book(run.retainedBytes);
    run.budget = this;
    this.prune();
  }

  find(threadId: string, turnId: string): TurnRun | undefined {
    const run = this.turns.get(turnId);
    return run?.threadId === threadId ? run : undefined;
  }

  /** Drops every kept turn of a thread that was deleted for good, running ones aside. */
  forgetThread(threadId: string): void {
    for (const run of [...this.turns.values()]) if (run.threadId === threadId && run.finished) this.remove(run);
  }

  get size(): number {
    return this.turns.size;
  }

  get retainedBytes(): number {
    return this.bytes;
  }

  /**
   * Room for `bytes` more of `run`'s events: the user's oldest finished turns make way first, then (through
   * the ledger) anyone's. Forced bookings (events no client can do without) always succeed.
   */
  reserve(_run: TurnRun, bytes: number, force: boolean): boolean {
    if (this.bytes + bytes > this.limits.maxBytes) this.evictUntil(this.limits.maxBytes - bytes);
    if (!force && this.bytes + bytes > this.limits.maxBytes) return false;
    if (!this.ledger.reserve(bytes, force)) return false;
    this.bytes += bytes;
    return true;
  }

  /** The finished turn that should make way first: the one that finished longest ago, still holding events. */
  oldestEvictable(): TurnRun | undefined {
    let oldest: TurnRun | undefined;
    for (const run of this.turns.values()) {
      if (run.finishedAt === undefined || run.eventsEvicted || run.readers > 0 || run.retainedBytes === 0) continue;
      if (!oldest || run.finishedAt < (oldest.finishedAt ?? 0)) oldest = run;
    }
    return oldest;
  }

  evict(run: TurnRun): number {
    const freed = run.evictEvents();
    this.bytes -= freed;
    this.ledger.release(freed);
    if (freed > 0) this.onForget?.(run, 'events');
    return freed;
  }

  /** Drops finished turns past retention, then the oldest finished ones over the cap; running turns stay. */
  prune(now = Date.now()): void {
    for (const run of this.turns.values()) {
      if (run.finishedAt !== undefined && now - run.finishedAt >= this.limits.retentionMs) this.remove(run);
    }
    const finished = [...this.turns.values()]
      .filter((run) => run.finishedAt !== undefined)
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    let excess = this.turns.size - this.limits.maxTurns;
    for (const run of finished) {
      if (excess <= 0) break;
      this.remove(run);
      excess--;
    }
  }

  private evictUntil(target: number): void {
    while (this.bytes > target) {
      const oldest = this.oldestEvictable();
      if (!oldest) return;
      this.evict(oldest);
    }
  }

  private remove(run: TurnRun): void {
    this.turns.delete(run.turnId);
    this.bytes -= run.retainedBytes;
    this.ledger.release(run.retainedBytes);
    run.budget = undefined;
    this.onForget?.(run, 'turn');
  }
}

/**
 * The bytes of every user's kept events together (EVENTS_MAX_BYTES): past the cap, the turn that finished
 * longest ago, whoever's it is, makes way.
 */
export class EventLedger {
  private readonly stores = new Set<TurnStore>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get retainedBytes(): number {
    return this.bytes;
  }

  register(store: TurnStore): void {
    this.stores.add(store);
  }

  book(bytes: number): void {
    this.bytes += bytes;
  }

  release(bytes: number): void {
    this.bytes -= bytes;
  }

  reserve(bytes: number, force: boolean): boolean {
    while (this.bytes + bytes > this.maxBytes && this.evictOldest()) {
      // keep evicting
    }
    if (!force && this.bytes + bytes > this.maxBytes) return false;
    this.bytes += bytes;
    return true;
  }

  /** Frees the events of finished turns until at most `target` bytes are kept (memory pressure). */
  shrinkTo(target: number): void {
    while (this.bytes > target && this.evictOldest()) {
      // keep evicting
    }
  }

  private evictOldest(): boolean {
    let oldest: { store: TurnStore; run: TurnRun } | undefined;
    for (const store of this.stores) {
      const run = store.oldestEvictable();
      if (run && (!oldest || (run.finishedAt ?? 0) < (oldest.run.finishedAt ?? 0))) oldest = { store, run };
    }
    if (!oldest) return false;
    return oldest.store.evict(oldest.run) > 0;
  }
}
