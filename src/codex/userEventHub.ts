import type { TurnRun } from './turnRun';
import { userEventOfTurn, type UserEvent, type UserEventBody } from './userEvents';

export interface SequencedUserEvent {
  /** The SSE `id:`; grows across restarts of the bridge (see the constructor). */
  seq: number;
  event: UserEvent;
}

/**
 * One user's events across all their threads, for GET /events and webhooks: the latest `keep` are held for
 * Last-Event-ID resumes. Lives as long as the bridge process, independent of the user's codex process.
 */
export class UserEventHub {
  private readonly kept: SequencedUserEvent[] = [];
  private lastSeq: number;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly keep: number,
    private readonly onPublish: (event: UserEvent) => void = () => undefined,
    /**
     * Ids start at the clock (ms) when the hub is made: a client's Last-Event-ID from before a restart is
     * then lower than every new id, so it gets what is kept instead of waiting for ids it already saw.
     */
    firstSeq = Date.now(),
  ) {
    this.lastSeq = firstSeq;
  }

  get lastEventId(): number {
    return this.lastSeq;
  }

  publish(body: UserEventBody): void {
    const event = { ...body, occurred_at: new Date().toISOString() } as UserEvent;
    this.lastSeq += 1;
    this.kept.push({ seq: this.lastSeq, event });
    if (this.kept.length > this.keep) this.kept.splice(0, this.kept.length - this.keep);
    for (const listener of [...this.listeners]) listener();
    this.onPublish(event);
  }

  /** Follows a turn: its start, approvals and end (of any kind of approval the turn emits). */
  follow(run: TurnRun): void {
    run.onEvent = (event) => {
      const body = userEventOfTurn(event);
      if (body) this.publish(body);
    };
    void run.done.then(() => {
      run.onEvent = undefined;
      const status = run.status === 'running' ? 'interrupted' : run.status;
      this.publish({
        type: `turn.${status}`,
        thread_id: run.threadId,
        turn_id: run.turnId,
        status,
        message: run.lastMessage,
        error: run.error,
        usage: run.usage,
      });
    });
  }

  /**
   * Kept events after `afterSeq` (none without it: a new reader starts now), then live ones, in batches,
   * until `signal` aborts.
   */
  async *batches(afterSeq: number | undefined, signal: AbortSignal): AsyncGenerator<SequencedUserEvent[]> {
    let next = afterSeq ?? this.lastSeq;
    let resume: (() => void) | undefined;
    const wakeUp = (): void => {
      this.listeners.delete(wakeUp);
      signal.removeEventListener('abort', wakeUp);
      resume?.();
    };
    while (!signal.aborted) {
      const batch = this.kept.filter((entry) => entry.seq > next);
      if (batch.length > 0) {
        next = batch.at(-1)?.seq ?? next;
        yield batch;
        continue;
      }
      await new Promise<void>((resolve) => {
        resume = resolve;
        this.listeners.add(wakeUp);
        signal.addEventListener('abort', wakeUp, { once: true });
      });
    }
  }
}
