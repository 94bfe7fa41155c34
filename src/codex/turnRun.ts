import type { components } from '../../generated/api';
import type { Approval, ApprovalDecision, BridgeEvent, Item, Plan, TurnError, TurnStatus, Usage } from './bridgeEvents';
import { checkOutput, type OutputContract } from './structuredOutput';

type ChatResult = components['schemas']['ChatResult'];
type TurnState = components['schemas']['TurnState'];
type ApprovalAnswer = components['schemas']['ApprovalAnswer'];

export interface PendingApproval {
  approval: Approval;
  /** Codex's own id of the request, to match its `serverRequest/resolved`. */
  codexRequestId: string | number;
  /** The bridge decides (timeout, turn ended). */
  settle(decision: ApprovalDecision, by: 'timeout' | 'turn_ended'): void;
  /** A client's answer, checked against what codex asked (throws a DomainError naming the field). */
  answer(body: ApprovalAnswer): ApprovalDecision;
}

export interface SequencedEvent {
  /** 1-based position in the turn; the SSE `id:`. */
  seq: number;
  event: BridgeEvent;
}

/** Where a turn books the bytes of the events it keeps: the user's and the bridge's caps (TurnStore). */
export interface EventBudget {
  /** Whether `bytes` more fit; with `force` they are booked anyway (events no client can do without). */
  reserve(run: TurnRun, bytes: number, force: boolean): boolean;
}

/** Command output kept in an item once the turn is past its cap: enough to see what happened. */
const TRUNCATED_OUTPUT_CHARS = 16 * 1024;
/** What an event costs beyond its text: ids, type, JSON and object overhead. */
const EVENT_OVERHEAD_BYTES = 160;

const DELTA_TYPES = new Set(['message.delta', 'reasoning.delta', 'tool.output.delta']);
/** Events a client can do without past the caps: each one repeats the whole of what it updates, kept in the turn. */
const SUPERSEDED_TYPES = new Set(['codex', 'diff.updated']);

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
  /** The agent's plan as last updated in this turn (`plan.updated`). */
  plan: Plan | null = null;
  /** The turn's aggregated diff as last updated (`diff.updated`), kept also when its events no longer fit. */
  diff: string | null = null;
  /** Codex's own turn object from its turn/start answer (the original profile sends it as is). */
  codexTurn: Record<string, unknown> = {};
  /** How many raw thread-level notifications (from before the turn/start answer) follow `turn.started`. */
  threadNotesTold = 0;
  finishedAt: number | undefined;
  /** No client can answer what codex asks in this turn: the bridge declines it at once (StartTurnRequest.unattended). */
  unattended = false;
  /** Approvals codex is waiting for, by request id. */
  readonly approvals = new Map<string, PendingApproval>();
  /** Commands still running, by item id: codex does not end them on interrupt, the bridge does. */
  readonly runningCommands = new Map<string, string>();
  /** Bytes the kept events (and items) take, roughly: string lengths plus a fixed overhead per event. */
  retainedBytes = 0;
  /** The turn reached its byte cap: later deltas were not kept (nor streamed). */
  eventsTruncated = false;
  /** The turn's events were dropped after it ended, to make room; its state stays fetchable. */
  eventsEvicted = false;
  /**
   * Codex sends no `turn/completed` after a review that failed to start (e.g. `base_branch` outside a git
   * repository), only an `error` it will not retry: for such turns that error is the end.
   */
  endsOnFatalError = false;
  /** Codex said it could not write the thread: the turn ends failed. */
  failedToSave = false;
  /** `output_schema`: the final answer is parsed and checked against it when the turn completes. */
  outputContract: OutputContract | undefined;
  /** The checked answer (null when none or it did not match); only with an output contract. */
  output: unknown = null;
  /** Streams reading the events now: their turn is never evicted under them. */
  readers = 0;
  budget: EventBudget | undefined;
  /** Told every event kept, as it is kept (the user's event stream follows the turn through it). */
  onEvent: ((event: BridgeEvent) => void) | undefined;
  /** Decided by the bridge before codex's own end arrives (deadline, unsaved thread): it wins over codex's. */
  private outcome: { status: TurnStatus; error: TurnError } | undefined;
  private lastSeq = 0;
  private readonly listeners = new Set<() => void>();
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    readonly threadId: string,
    public turnId: string,
    readonly threadCreated: boolean,
    readonly rawEvents: boolean,
    /** TURN_EVENTS_MAX_BYTES: past it, deltas are dropped and the first one dropped is kept cut, marked `truncated`. */
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * A finished turn read back from another replica's record (src/codex/turnArchive): fetchable and
   * replayable like one of this process, never running.
   */
  static restore(record: {
    state: TurnState;
    events: SequencedEvent[];
    threadCreated: boolean;
    rawEvents: boolean;
    finishedAt: number | null;
  }): TurnRun {
    const { state } = record;
    const run = new TurnRun(state.thread_id, state.turn_id, record.threadCreated, record.rawEvents);
    run.events.push(...record.events);
    // Items were the bridge's own Item objects when written; the generated TurnState types unknown fields looser.
    run.items.push(...(state.items as Item[]));
    run.status = state.status === 'running' ? 'failed' : state.status;
    run.error = state.error;
    run.usage = state.usage;
    run.lastMessage = state.message;
    run.eventsTruncated = state.events_truncated;
    run.eventsEvicted = state.events_evicted;
    run.lastSeq = record.events.at(-1)?.seq ?? state.last_event_id;
    run.finishedAt = record.finishedAt ?? Date.now();
    run.resolveDone();
    return run;
  }

  /** The sequence number of the latest event (0 before the first). */
  get lastEventId(): number {
    return this.lastSeq;
  }

  get finished(): boolean {
    return this.status !== 'running';
  }

  emit(body: TurnEventBody): void {
    if (this.finished) return;
    const kept = this.withinBudget(body);
    if (!kept) return;
    const { type, ...rest } = kept;
    const event = { type, thread_id: this.threadId, turn_id: this.turnId, ...rest } as BridgeEvent;
    this.lastSeq += 1;
    this.events.push({ seq: this.lastSeq, event });
    this.wake();
    this.onEvent?.(event);
  }

  /**
   * Items are kept whole while they fit in the turn's cap; past it a command's output is cut to a short head
   * (codex itself caps it at about 1 MiB, but a turn may run many commands).
   */
  recordItem(item: Item): Item {
    const output = item.type === 'command_execution' ? (item.output?.length ?? 0) : 0;
    const overCap = this.eventsTruncated || this.retainedBytes + output > this.maxBytes;
    if (output > TRUNCATED_OUTPUT_CHARS && overCap) this.eventsTruncated = true;
    const kept =
      item.type === 'command_execution' && output > TRUNCATED_OUTPUT_CHARS && overCap
        ? { ...item, output: copyOf(item.output?.slice(0, TRUNCATED_OUTPUT_CHARS) ?? ''), truncated: true }
        : item;
    this.items.push(kept);
    if (kept.type === 'assistant_message') this.lastMessage = kept.text;
    return kept;
  }

  /**
   * Makes room for the events of other turns once this one has ended: events and items go, the status,
   * message, usage and error stay. A turn being streamed right now is never evicted.
   */
  evictEvents(): number {
    if (!this.finished || this.readers > 0 || this.eventsEvicted) return 0;
    const freed = this.retainedBytes;
    this.events.length = 0;
    this.items.length = 0;
    this.eventsEvicted = true;
    this.retainedBytes = 0;
    return freed;
  }

  /**
   * Deltas are what a turn can produce without end (a command printing gigabytes): they (and raw codex
   * notifications) are kept only while the turn, its user and the bridge are under their caps. The first delta past the cap is kept cut, marked
   * `truncated`, so no client mistakes what it got for the whole. Other events are always kept.
   */
  private withinBudget(body: TurnEventBody): TurnEventBody | undefined {
    // Raw codex notifications (raw_events) are a debugging aid that repeats everything: all of them may go.
    const droppable = DELTA_TYPES.has(body.type) || SUPERSEDED_TYPES.has(body.type);
    const size = eventSize(body);
    if (!droppable) {
      this.book(size, true);
      return body;
    }
    if (this.eventsTruncated) return undefined;
    const fitsTurn = this.retainedBytes + size <= this.maxBytes;
    if (fitsTurn && this.book(size, false)) return body;
    if (body.type !== 'message.delta' && body.type !== 'reasoning.delta' && body.type !== 'tool.output.delta')
      return undefined;
    this.eventsTruncated = true;
    // Cut at the turn's own cap; when the user's or the bridge's cap refused, nothing of it fits.
    const room = fitsTurn ? 0 : Math.max(0, this.maxBytes - this.retainedBytes - EVENT_OVERHEAD_BYTES);
    const delta = copyOf(body.delta.slice(0, Math.min(room, body.delta.length)));
    this.book(delta.length + EVENT_OVERHEAD_BYTES, true);
    return { ...body, delta, truncated: true };
  }

  private book(bytes: number, force: boolean): boolean {
    if (this.budget && !this.budget.reserve(this, bytes, force)) return false;
    this.retainedBytes += bytes;
    return true;
  }

  /** The first outcome decided wins; finish() then reports it whatever codex's turn/completed says. */
  settleAs(status: TurnStatus, error: TurnError): void {
    this.outcome ??= { status, error };
  }

  /** Ends the turn. A turn that ends without codex's own completion gets an error event instead. */
  finish(
    codexStatus: TurnStatus,
    codexError: TurnError | null,
    endEvent: 'turn.completed' | 'turn.error',
    errorCode = 'internal_error',
  ): void {
    if (this.finished) return;
    let status = this.outcome?.status ?? codexStatus;
    let error = this.outcome?.error ?? codexError;
    if (this.outputContract && status === 'completed') {
      const checked = checkOutput(this.outputContract, this.lastMessage);
      this.output = checked.output;
      if (checked.error) {
        status = 'failed';
        error = checked.error;
      }
    }
    if (endEvent === 'turn.completed') {
      this.emit({ type: 'turn.completed', status, error, usage: this.usage, ...this.outputField() });
    } else {
      this.emit({ type: 'turn.error', code: errorCode, message: error?.message ?? 'turn ended', will_retry: false });
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
    this.readers++;
    try {
      yield* this.readBatches(afterSeq, signal, maxBatch);
    } finally {
      this.readers--;
    }
  }

  private async *readBatches(afterSeq: number, signal: AbortSignal | undefined, maxBatch: number): AsyncGenerator<SequencedEvent[]> {
    if (this.eventsEvicted) throw new Error('the events of this turn were evicted');
    // Events are numbered 1..n with none missing (dropped deltas never get a number): index = seq - 1.
    let next = afterSeq;
    // One wake-up function and one abort listener per reader, not one per wait: an AbortSignal is an
    // EventTarget, whose addEventListener costs a few microseconds, and a reader waits once per burst.
    let resume: (() => void) | undefined;
    const wakeUp = (): void => {
      this.listeners.delete(wakeUp);
      resume?.();
    };
    signal?.addEventListener('abort', wakeUp, { once: true });
    try {
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
        });
      }
    } finally {
      this.listeners.delete(wakeUp);
      signal?.removeEventListener('abort', wakeUp);
    }
  }

  /** `output` only for turns that asked for structured output. */
  private outputField(): { output?: unknown } {
    return this.outputContract ? { output: this.output } : {};
  }

  toResult(): ChatResult {
    return {
      ...this.outputField(),
      thread_id: this.threadId,
      turn_id: this.turnId,
      status: this.status === 'running' ? 'interrupted' : this.status,
      message: this.lastMessage,
      items: this.items,
      usage: this.usage,
      error: this.error,
      plan: this.plan,
      diff: this.diff,
    };
  }

  toState(): TurnState {
    return {
      ...this.outputField(),
      thread_id: this.threadId,
      turn_id: this.turnId,
      status: this.status === 'running' ? 'running' : this.status,
      message: this.lastMessage,
      items: this.items,
      usage: this.usage,
      error: this.error,
      plan: this.plan,
      diff: this.diff,
      pending_approvals: [...this.approvals.values()].map((pending) => pending.approval),
      last_event_id: this.lastSeq,
      events_truncated: this.eventsTruncated,
      events_evicted: this.eventsEvicted,
    };
  }

  private wake(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }
}

function eventSize(body: TurnEventBody): number {
  switch (body.type) {
    case 'message.delta':
    case 'reasoning.delta':
    case 'tool.output.delta':
      return body.delta.length + EVENT_OVERHEAD_BYTES;
    case 'diff.updated':
      return body.diff.length + EVENT_OVERHEAD_BYTES;
    case 'codex': {
      const delta = body.params.delta;
      return typeof delta === 'string' ? delta.length * 2 + 4 * EVENT_OVERHEAD_BYTES : JSON.stringify(body).length;
    }
    default:
      // Rare events (items, approvals, usage): exact enough, and their cost is paid once.
      return JSON.stringify(body).length + EVENT_OVERHEAD_BYTES;
  }
}

/** A slice of a big string keeps the whole string alive in V8; a copy lets it go. */
function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
