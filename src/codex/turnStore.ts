import type { TurnRun } from './turnRun';

/**
 * The turns of one user, running and recently finished, so that a client can fetch a turn's result
 * or resume its stream later. Bounded by age and count; it outlives the user's codex process.
 */
export class TurnStore {
  private readonly turns = new Map<string, TurnRun>();

  constructor(
    private readonly retentionMs: number,
    private readonly maxTurns: number,
  ) {}

  add(run: TurnRun): void {
    this.turns.set(run.turnId, run);
    this.prune();
  }

  find(threadId: string, turnId: string): TurnRun | undefined {
    const run = this.turns.get(turnId);
    return run?.threadId === threadId ? run : undefined;
  }

  get size(): number {
    return this.turns.size;
  }

  /** Drops finished turns past retention, then the oldest finished ones over the cap; running turns stay. */
  prune(now = Date.now()): void {
    for (const [turnId, run] of this.turns) {
      if (run.finishedAt !== undefined && now - run.finishedAt >= this.retentionMs) this.turns.delete(turnId);
    }
    const finished = [...this.turns.values()]
      .filter((run) => run.finishedAt !== undefined)
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    let excess = this.turns.size - this.maxTurns;
    for (const run of finished) {
      if (excess <= 0) break;
      this.turns.delete(run.turnId);
      excess--;
    }
  }
}
