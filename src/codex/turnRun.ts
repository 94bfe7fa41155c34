import type { components } from '../../generated/api';
import type { Approval, ApprovalDecision, BridgeEvent, Item, TurnError, TurnStatus, Usage } from './bridgeEvents';

type ChatResult = components['schemas']['ChatResult'];
type TurnState = components['schemas']['TurnState'];

export interface PendingApproval {
  approval: Approval;
  /** Codex's own id of the request, to match its `serverRequest/resolved`. */
  codexRequestId: string | number;
  settle(decision: ApprovalDecision, by: 'client' | 'timeout' | 'turn_ended'): void;
}

export interface SequencedEvent {
  /** 1-based position in the turn; the SSE `id:`. */
  seq: number;
  event: BridgeEvent;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type TurnEventBody = DistributiveOmit<BridgeEvent, 'thread_id' | 'turn_id'>;

/**
 * One turn's life, independent of any HTTP connection: every event is kept in order, so a stream
 * can start late or reconnect and still see each event exactly once.
 */
export class TurnRun {
  readonly events: SequencedEvent[] = [];
  readonly items: Item[] = [];
  status: TurnStatus | 'running' = 'running';
  error: TurnError | null = null;
  usage: Usage | null = null;
  /** The thread's token total before this turn, to tell this turn's own usage. */
  usageBaseline: Usage | undefined;
  lastMessage: string | null = null;
  finishedAt: number | undefined;
  /** Approvals codex is waiting for, by request id. */
  readonly approvals = new Map<string, PendingApproval>();
  /** Commands still running, by item id: codex does not end them on interrupt, the bridge does. */
  readonly runningCommands = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    readonly threadId: string,
    public turnId: string,
    readonly threadCreated: boolean,
    readonly rawEvents: boolean,
  ) {}

  get finished(): boolean {
    return this.status !== 'running';
  }

  emit(body: TurnEventBody): void {
    if (this.finished) return;
    const { type, ...rest } = body;
    const event = { type, thread_id: this.threadId, turn_id: this.turnId, ...rest } as BridgeEvent;
    this.events.push({ seq: this.events.length + 1, event });
    this.wake();
  }

  recordItem(item: Item): void {
    this.items.push(item);
    if (item.type === 'assistant_message') this.lastMessage = item.text;
  }

  /** Ends the turn. A turn that ends without codex's own completion gets an error event instead. */
  finish(
    status: TurnStatus,
    error: TurnError | null,
    endEvent: 'turn.completed' | 'error',
    errorCode = 'internal_error',
  ): void {
    if (this.finished) return;
    if (endEvent === 'turn.completed') {
      this.emit({ type: 'turn.completed', status, error, usage: this.usage });
    } else {
      this.emit({ type: 'error', code: errorCode, message: error?.message ?? 'turn ended', will_retry: false });
    }
    this.status = status;
    this.error = error;
    this.finishedAt = Date.now();
    this.resolveDone();
    this.wake();
  }

  /** Every event after `afterSeq`, then live ones, until the turn ends. */
  async *stream(afterSeq = 0, signal?: AbortSignal): AsyncGenerator<SequencedEvent> {
    for await (const batch of this.batches(afterSeq, signal)) yield* batch;
  }

  /**
   * The same events as stream(), but all those already there at once (at most `maxBatch`), so that
   * a writer pays its per-write cost once per batch: codex's notifications arrive in bursts.
   */
  async *batches(afterSeq = 0, signal?: AbortSignal, maxBatch = 256): AsyncGenerator<SequencedEvent[]> {
    let next = afterSeq;
    // One wake-up function per reader, not one per wait: creating functions in the loop is not free.
    let resume: (() => void) | undefined;
    const wakeUp = (): void => {
      this.listeners.delete(wakeUp);
      signal?.removeEventListener('abort', wakeUp);
      resume?.();
    };
    while (!signal?.aborted) {
      while (next < this.events.length) {
        const batch = this.events.slice(next, next + maxBatch);
        next += batch.length;
        yield batch;
      }
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        resume = resolve;
        this.listeners.add(wakeUp);
        signal?.addEventListener('abort', wakeUp, { once: true });
      });
    }
  }

  toResult(): ChatResult {
    return {
      thread_id: this.threadId,
      turn_id: this.turnId,
      status: this.status === 'running' ? 'interrupted' : this.status,
      message: this.lastMessage,
      items: this.items,
      usage: this.usage,
      error: this.error,
    };
  }

  toState(): TurnState {
    return {
      thread_id: this.threadId,
      turn_id: this.turnId,
      status: this.status === 'running' ? 'running' : this.status,
      message: this.lastMessage,
      items: this.items,
      usage: this.usage,
      error: this.error,
      pending_approvals: [...this.approvals.values()].map((pending) => pending.approval),
      last_event_id: this.events.length,
    };
  }

  private wake(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }
}
