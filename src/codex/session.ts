import type { components } from '../../generated/api';
import type { Config } from '../config/env';
import type { Logger } from '../logger';
import {
  ConflictError,
  ThreadNotFoundError,
  TooManyRequestsError,
  TurnInProgressError,
  ValidationError,
} from '../errors';
import type { AppServerProcess } from './appServer';
import { isAnswerableRequest, openRequest, unattendedReply, type OpenedRequest } from './serverRequests';
import type { ApprovalDecision, Usage } from './bridgeEvents';
import { CodexRpcError } from './errors';
import { imageInputs, type ImageRequest } from './images';
import { assertModelChoice, MAX_MODEL_PAGES, modelCatalogue, modelListResult, type CodexModel } from './modelList';
import { historyMessage, normalizeItem, summarizeThread } from './normalize';
import {
  reviewStartResult,
  threadListResult,
  threadResult,
  turnsListResult,
  turnStartResult,
  turnSteerResult,
  type CodexThread,
  type CodexTurn,
} from './protocol';
import { assertWithinCeiling, resolveWorkingDirectory, sandboxPolicy } from './policy';
import type { ParamsOf } from './protocolContract';
import type { UserInput } from './requests';
import { outputContract, type OutputContract } from './structuredOutput';
import { endCommands, residentBytes } from './processTree';
import { applyNotification, emitRaw } from './turnEvents';
import type { JsonObject, Notification, ServerRequest } from './rpc';
import { codexReviewTarget } from './review';
import { TurnRun } from './turnRun';
import type { UsageStore } from './usageStore';
import type { UserEventBody } from './userEvents';

export type ThreadEvent = Extract<UserEventBody, { type: `thread.${string}` }>;

type ThreadSummary = components['schemas']['ThreadSummary'];
type ThreadList = components['schemas']['ThreadList'];
type History = components['schemas']['History'];
type ReviewTarget = components['schemas']['ReviewTarget'];
type RevertResult = components['schemas']['RevertResult'];

export interface StartTurnRequest {
  threadId?: string | undefined;
  prompt: string;
  model?: string | undefined;
  rawEvents?: boolean | undefined;
  approvalPolicy?: Config['approvalPolicy'] | undefined;
  sandbox?: Config['sandbox'] | undefined;
  /** Relative to the user's workspace. */
  cwd?: string | undefined;
  /** Codex's developer instructions of a new thread (ignored when continuing one). */
  developerInstructions?: string | undefined;
  /** A new thread that codex does not persist: it cannot be listed, read back or resumed later. */
  ephemeral?: boolean | undefined;
  /**
   * No client of this turn can answer what codex asks (the OpenAI-compatible routes): its approvals,
   * questions and permission requests are declined at once instead of waiting for APPROVAL_TIMEOUT_SECONDS.
   */
  unattended?: boolean | undefined;
  /** Reasoning effort and summary mode, for this turn and the thread's next ones. */
  effort?: string | undefined;
  summary?: 'auto' | 'concise' | 'detailed' | 'none' | undefined;
  /** A JSON Schema the final answer must match (`output_schema`). */
  outputSchema?: Record<string, unknown> | undefined;
  images?: ImageRequest[] | undefined;
  /** A thread already running a turn: refuse (409, the default), add to that turn, or run next. */
  onBusy?: 'reject' | 'steer' | 'queue' | undefined;
  /** Aborting it takes a queued turn out of the queue (the caller went away). */
  signal?: AbortSignal | undefined;
}

export interface StartReviewRequest {
  /** Absent: a new thread, started in `cwd`. */
  threadId?: string | undefined;
  target: ReviewTarget;
  rawEvents?: boolean | undefined;
  /** Relative to the user's workspace; only for a new thread. */
  cwd?: string | undefined;
}

/** A turn's request once checked: what codex is sent, and the compiled `output_schema`. */
interface PreparedTurn {
  input: UserInput[];
  contract: OutputContract | undefined;
}

/** A turn waiting for its thread (`on_busy: queue`). */
interface QueuedTurn {
  run: () => void;
  cancel: (error: Error) => void;
}

export type SessionSettings = Pick<
  Config,
  | 'approvalPolicy'
  | 'sandbox'
  | 'turnTimeoutMs'
  | 'model'
  | 'approvalTimeoutMs'
  | 'ceiling'
  | 'maxTurnsPerUser'
  | 'keepBackgroundCommands'
  | 'turnEventsMaxBytes'
  | 'imageMaxBytes'
  | 'codexRecycleAfterThreads'
  | 'codexRecycleRssBytes'
> & {
  /** The user's workspace (absolute, as codex sees it): where threads start, and what `cwd` is relative to. */
  workspace: string;
  /** The app-server runs in the bubblewrap jail: only then may a user grant codex paths (permissionGrants). */
  jailed: boolean;
  /** Called for every turn that starts, so that it can be found after it ends. */
  onTurnStarted?: (run: TurnRun) => void;
  /** Called once a thread was deleted for good, so that the bridge's other records of it go too. */
  onThreadDeleted?: (threadId: string) => void;
  /** Told what happened to a thread outside turns (renamed, archived...), for the user's event stream. */
  onThreadEvent?: (event: ThreadEvent) => void;
};

/** Thread-level notifications kept per thread, and threads kept, before a turn takes them. */
const MAX_THREAD_NOTES = 16;
/** Pages of 100 turns read for the original profile's whole-thread /history. */
const MAX_HISTORY_PAGES = 50;
const MAX_NOTED_THREADS = 32;

/** Turns one thread may have waiting (`on_busy: queue`); more get 429. */
const MAX_QUEUED_TURNS = 8;
/** How long codex's model catalogue is trusted before model/list is asked again. */
const MODEL_LIST_TTL_MS = 60_000;

/** How long to wait for codex's own `turn/completed` after the bridge interrupted a turn. */
const INTERRUPT_SETTLE_MS = 5000;

/**
 * One user's codex: threads, turns and history over their app-server. Turns are serialised per
 * thread, because codex silently merges a second turn/start into the running turn.
 */
export class CodexSession {
  private readonly runningTurns = new Map<string, TurnRun>();
  /** Threads between "caller asked for a turn" and "turn/start answered": they count as busy. */
  private readonly startingThreads = new Set<string>();
  private readonly loadedThreads = new Set<string>();
  private readonly backlog = new Map<string, Notification[]>();
  /**
   * Thread-level notifications (thread/started, the usage a resume reports...) of threads with no turn yet:
   * the next turn's raw events start with them. Bounded: only the latest threads are kept.
   */
  private readonly threadNotes = new Map<string, Notification[]>();
  /** The approval policy each thread runs under, for deciding on requests to leave the sandbox. */
  private readonly threadPolicies = new Map<string, Config['approvalPolicy']>();
  private inflightRequests = 0;
  /** Turns waiting for their thread's running turn to end, in order (`on_busy: queue`). */
  private readonly queuedTurns = new Map<string, QueuedTurn[]>();
  private modelCache: { at: number; models: Promise<CodexModel[]> } | undefined;
  /** Threads this app-server has started or resumed: codex's memory grows with each (see shouldRecycle). */
  private threadsServed = 0;
  lastActivityAt = Date.now();

  constructor(
    readonly userId: string,
    private readonly server: AppServerProcess,
    private readonly settings: SessionSettings,
    private readonly usageStore: UsageStore,
    private readonly logger: Logger,
  ) {
    server.connection.onNotification((notification) => this.route(notification));
    void server.exited.then((reason) => this.failAllTurns(`codex app-server exited (${reason})`));
  }

  get alive(): boolean {
    return this.server.alive;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  /** Idle cleanup and eviction leave a session alone while it serves a request or runs a turn. */
  get busy(): boolean {
    return this.inflightRequests > 0 || this.runningTurns.size > 0 || this.startingThreads.size > 0;
  }

  get runningTurnCount(): number {
    return this.runningTurns.size;
  }

  /** Marks the session in use for the duration of one HTTP request or stream. */
  hold(): () => void {
    this.inflightRequests++;
    this.touch();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inflightRequests--;
      this.touch();
    };
  }

  runningTurn(threadId: string): TurnRun | undefined {
    return this.runningTurns.get(threadId);
  }

  async startTurn(request: StartTurnRequest): Promise<TurnRun> {
    const prepared = await this.prepare(request);
    const threadId = request.threadId;
    if (threadId && request.onBusy === 'steer') {
      const running = this.runningTurns.get(threadId);
      if (running?.turnId && !running.finished) return this.steer(running, prepared.input);
    }
    if (threadId && request.onBusy === 'queue' && this.threadBusy(threadId)) return this.enqueue(threadId, request, prepared).started;
    return this.beginTurn(request, prepared, false);
  }

  /**
   * `on_busy: queue` on a busy thread: the turn's place in the queue, and the turn once it starts. Undefined
   * when the thread is free (start the turn at once instead).
   */
  async queueTurn(request: StartTurnRequest): Promise<{ position: number; started: Promise<TurnRun> } | undefined> {
    const prepared = await this.prepare(request);
    if (!request.threadId || !this.threadBusy(request.threadId)) return undefined;
    return this.enqueue(request.threadId, request, prepared);
  }

  /** A review turn (codex's `review/start`, inline): on the given thread, or on a new one started in `cwd`. */
  async startReview(request: StartReviewRequest): Promise<TurnRun> {
    const { threadId, threadCreated } = await this.claimThread(request, false);
    if (threadCreated) this.threadPolicies.set(threadId, this.settings.approvalPolicy);
    return this.runTurn(threadId, threadCreated, request.rawEvents ?? false, async (run) => {
      run.endsOnFatalError = true;
      const response = reviewStartResult.parse(
        await this.call('review/start', { threadId, target: codexReviewTarget(request.target), delivery: 'inline' }, threadId),
      );
      return response.turn;
    });
  }

  /** Everything checked before a turn is asked for: policy, cwd, model and effort, output schema, images. */
  private async prepare(request: StartTurnRequest): Promise<PreparedTurn> {
    assertWithinCeiling(this.settings.ceiling, request);
    // Checked now, so that a queued turn is refused at once rather than when its turn comes.
    if (request.cwd !== undefined) resolveWorkingDirectory(this.settings.workspace, request.cwd);
    // Compiled once here: ajv compiling a caller's schema is the dearest check of all.
    const contract = request.outputSchema ? outputContract(request.outputSchema) : undefined;
    const images = imageInputs(request.images ?? [], this.settings.workspace, this.settings.imageMaxBytes);
    if (request.model !== undefined || request.effort !== undefined)
      assertModelChoice(modelCatalogue(await this.listModels(), this.settings.model), request);
    const text: UserInput[] = request.prompt ? [{ type: 'text', text: request.prompt, text_elements: [] }] : [];
    return { input: [...text, ...images], contract };
  }

  private threadBusy(threadId: string): boolean {
    return this.runningTurns.has(threadId) || this.startingThreads.has(threadId) || (this.queuedTurns.get(threadId)?.length ?? 0) > 0;
  }

  /** Adds the input to the running turn (codex `turn/steer`); the caller follows that turn. */
  private async steer(run: TurnRun, input: UserInput[]): Promise<TurnRun> {
    try {
      turnSteerResult.parse(
        await this.call('turn/steer', { threadId: run.threadId, expectedTurnId: run.turnId, input }, run.threadId),
      );
    } catch (error) {
      if (!(error instanceof CodexRpcError)) throw error;
      throw new ConflictError(`could not add to turn '${run.turnId}' (it may just have ended): ${error.message}`, 'steer-failed');
    }
    return run;
  }

  private enqueue(threadId: string, request: StartTurnRequest, prepared: PreparedTurn): { position: number; started: Promise<TurnRun> } {
    const queue = this.queuedTurns.get(threadId) ?? [];
    if (queue.length >= MAX_QUEUED_TURNS)
      throw new TooManyRequestsError(`at most ${MAX_QUEUED_TURNS} turns may wait on one thread`, 5, 'turn-queue-full');
    let entry!: QueuedTurn;
    const ready = new Promise<void>((resolve, reject) => (entry = { run: resolve, cancel: reject }));
    queue.push(entry);
    this.queuedTurns.set(threadId, queue);
    const leave = (): void => {
      const waiting = this.queuedTurns.get(threadId);
      const index = waiting?.indexOf(entry) ?? -1;
      if (index < 0) return;
      waiting?.splice(index, 1);
      entry.cancel(new ConflictError('the caller went away before the queued turn ran', 'turn-queue-left'));
    };
    request.signal?.addEventListener('abort', leave, { once: true });
    const started = ready
      .then(() => this.beginTurn(request, prepared, true))
      .finally(() => request.signal?.removeEventListener('abort', leave));
    return { position: queue.length, started };
  }

  /** A turn that was starting on the thread will not: the thread is free again (for its queue first). */
  private releaseThread(threadId: string): void {
    this.startingThreads.delete(threadId);
    this.startNextQueued(threadId);
  }

  /** The thread is free: its first queued turn starts, with the thread reserved for it meanwhile. */
  private startNextQueued(threadId: string): void {
    if (this.runningTurns.has(threadId) || this.startingThreads.has(threadId)) return;
    const queue = this.queuedTurns.get(threadId);
    const next = queue?.shift();
    if (queue?.length === 0) this.queuedTurns.delete(threadId);
    if (!next) return;
    this.startingThreads.add(threadId);
    next.run();
  }

  /** `reserved`: a queued turn whose thread was kept for it (startNextQueued). */
  private async beginTurn(request: StartTurnRequest, { input, contract }: PreparedTurn, reserved: boolean): Promise<TurnRun> {
    const { threadId, threadCreated, cwd } = await this.claimThread(request, reserved);
    return this.runTurn(threadId, threadCreated, request.rawEvents ?? false, async (run) => {
      run.unattended = request.unattended ?? false;
      run.outputContract = contract;
      const response = turnStartResult.parse(
        await this.call('turn/start', {
          threadId,
          input,
          ...(request.model ? { model: request.model } : {}),
          ...(request.effort ? { effort: request.effort } : {}),
          ...(request.summary ? { summary: request.summary } : {}),
          ...(request.outputSchema ? { outputSchema: request.outputSchema } : {}),
          ...(request.approvalPolicy ? { approvalPolicy: request.approvalPolicy } : {}),
          ...(request.sandbox ? { sandboxPolicy: sandboxPolicy(request.sandbox) } : {}),
          ...(cwd ? { cwd } : {}),
        }),
      );
      if (request.approvalPolicy || threadCreated)
        this.threadPolicies.set(threadId, request.approvalPolicy ?? this.settings.approvalPolicy);
      return response.turn;
    });
  }

  /**
   * The thread a turn runs on, marked busy: a thread of the caller (resumed when codex has not loaded it) or
   * a new one. Refuses past MAX_TURNS_PER_USER and outside the operator's ceilings. `reserved`: the thread was
   * kept for this (queued) turn, which therefore counts once and does not find it busy.
   */
  private async claimThread(
    request: Omit<StartTurnRequest, 'prompt' | 'rawEvents'>,
    reserved: boolean,
  ): Promise<{ threadId: string; threadCreated: boolean; cwd: string | undefined }> {
    let cwd: string | undefined;
    try {
      assertWithinCeiling(this.settings.ceiling, request);
      cwd = request.cwd === undefined ? undefined : resolveWorkingDirectory(this.settings.workspace, request.cwd);
      const turnsNow = this.runningTurns.size + this.startingThreads.size - (reserved ? 1 : 0);
      if (turnsNow >= this.settings.maxTurnsPerUser) {
        throw new TooManyRequestsError(
          `at most ${this.settings.maxTurnsPerUser} running turns per user (MAX_TURNS_PER_USER); wait for one to end`,
          5,
          'too-many-turns',
        );
      }
    } catch (error) {
      // A queued turn that cannot start hands its thread to the next in line.
      if (reserved && request.threadId) this.releaseThread(request.threadId);
      throw error;
    }
    const threadId = request.threadId;
    if (threadId) {
      if (!reserved) this.assertNoTurnRunning(threadId);
      // What codex said about the thread before this turn was asked for belongs to no one.
      this.threadNotes.delete(threadId);
      this.startingThreads.add(threadId);
      try {
        await this.ensureLoaded(threadId);
      } catch (error) {
        this.releaseThread(threadId);
        throw error;
      }
      return { threadId, threadCreated: false, cwd };
    }
    const started = threadResult.parse(
      await this.call('thread/start', {
        cwd: cwd ?? this.settings.workspace,
        approvalPolicy: request.approvalPolicy ?? this.settings.approvalPolicy,
        sandbox: request.sandbox ?? this.settings.sandbox,
        ...(request.model ? { model: request.model } : {}),
        ...(request.developerInstructions ? { developerInstructions: request.developerInstructions } : {}),
        ...(request.ephemeral ? { ephemeral: true } : {}),
      }),
    );
    this.threadsServed++;
    this.loadedThreads.add(started.thread.id);
    this.startingThreads.add(started.thread.id);
    return { threadId: started.thread.id, threadCreated: true, cwd };
  }

  /** Runs the turn `start` asks codex for on a claimed thread: its events, deadline and end are the bridge's to track. */
  private async runTurn(
    threadId: string,
    threadCreated: boolean,
    rawEvents: boolean,
    start: (run: TurnRun) => Promise<{ id: string } & Record<string, unknown>>,
  ): Promise<TurnRun> {
    const run = new TurnRun(threadId, '', threadCreated, rawEvents, this.settings.turnEventsMaxBytes);
    this.runningTurns.set(threadId, run);
    this.startingThreads.delete(threadId);
    try {
      const turn = await start(run);
      run.turnId = turn.id;
      run.codexTurn = turn;
    } catch (error) {
      this.runningTurns.delete(threadId);
      this.backlog.delete(threadId);
      this.startNextQueued(threadId);
      throw error;
    }
    this.settings.onTurnStarted?.(run);
    run.emit({ type: 'turn.started', thread_created: threadCreated });
    // turn.started stays the first event; the original profile puts these before it again (threadNotesTold).
    const notes = run.rawEvents ? (this.threadNotes.get(threadId) ?? []) : [];
    const eventsBefore = run.events.length;
    for (const note of notes) emitRaw(run, note);
    // Those the byte caps let through.
    run.threadNotesTold = run.events.length - eventsBefore;
    this.threadNotes.delete(threadId);
    for (const early of this.backlog.get(threadId) ?? []) this.apply(run, early);
    this.backlog.delete(threadId);
    this.armDeadline(run);
    void run.done.then(() => this.turnEnded(run));
    return run;
  }

  /**
   * Interrupts the thread's running turn and resolves once it has ended. Codex leaves the turn's
   * commands running, so the bridge ends them itself.
   */
  async interrupt(threadId: string): Promise<TurnRun> {
    const run = this.runningTurns.get(threadId);
    if (!run || !run.turnId) {
      await this.readThread(threadId);
      throw new ConflictError(`thread '${threadId}' has no running turn`, 'no-turn-running');
    }
    await this.call('turn/interrupt', { threadId, turnId: run.turnId }, threadId);
    this.endCommandsOf(run);
    await Promise.race([run.done, delay(INTERRUPT_SETTLE_MS)]);
    if (!run.finished) run.finish('interrupted', { message: 'interrupted', code: null }, 'turn.completed');
    return run;
  }

  /**
   * Codex asks before running a command or changing files, asks the user questions, asks for more
   * permissions, or passes on an MCP elicitation; the running turn's clients decide.
   */
  async onServerRequest(request: ServerRequest): Promise<unknown> {
    const threadId = request.params.threadId;
    const run = typeof threadId === 'string' ? this.runningTurns.get(threadId) : undefined;
    const opened = run && isAnswerableRequest(request.method) ? this.openRequest(request, run) : undefined;
    if (!run || !opened) return declineUnattended(request.method, this.logger);
    const { approval } = opened;
    const leavesSandbox = this.asksToLeaveSandbox(run.threadId, approval.kind);
    if (leavesSandbox || run.unattended) {
      // Under on-request codex asks only to run a command outside its sandbox; callers may not grant that.
      // And a turn no client can answer (the OpenAI routes) hears "no" now rather than after the timeout.
      if (leavesSandbox)
        this.logger.info({ threadId: run.threadId }, 'declined a request to run outside the sandbox (CODEX_ALLOW_ESCALATION)');
      run.emit({ type: 'approval.requested', approval });
      run.emit({ type: 'approval.resolved', request_id: approval.request_id, decision: 'decline', resolved_by: 'policy' });
      return opened.fromBridge('decline');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle('decline', 'timeout', opened.fromBridge('decline')), this.settings.approvalTimeoutMs);
      timer.unref();
      const settle = (decision: ApprovalDecision, by: 'client' | 'timeout' | 'turn_ended', reply: unknown): void => {
        if (!run.approvals.delete(approval.request_id)) return;
        clearTimeout(timer);
        run.emit({ type: 'approval.resolved', request_id: approval.request_id, decision, resolved_by: by });
        resolve(reply);
      };
      run.approvals.set(approval.request_id, {
        approval,
        codexRequestId: request.id,
        settle: (decision, by) => settle(decision, by, opened.fromBridge(decision)),
        answer: (body) => {
          const { decision, reply } = opened.fromClient(body);
          settle(decision, 'client', reply);
          return decision;
        },
      });
      run.emit({ type: 'approval.requested', approval });
    });
  }

  /** A request of a shape the bridge does not know is refused like an unattended one, never a crash. */
  private openRequest(request: ServerRequest, run: TurnRun): OpenedRequest | undefined {
    try {
      return openRequest(request, run, this.settings.approvalTimeoutMs, {
        ceiling: this.settings.ceiling,
        workspace: this.settings.workspace,
        jailed: this.settings.jailed,
      });
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, method: request.method }, 'unexpected codex request; declined');
      return undefined;
    }
  }

  /**
   * Codex's model catalogue for this user's provider, hidden models left out, in codex's order. Kept for a
   * minute: chat checks `model` and `effort` against it.
   */
  async listModels(): Promise<CodexModel[]> {
    const now = Date.now();
    if (!this.modelCache || now - this.modelCache.at > MODEL_LIST_TTL_MS) {
      const models = this.fetchModels();
      this.modelCache = { at: now, models };
      models.catch(() => (this.modelCache = undefined));
    }
    return this.modelCache.models;
  }

  private async fetchModels(): Promise<CodexModel[]> {
    const models: CodexModel[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const result = modelListResult.parse(await this.call('model/list', cursor ? { cursor } : {}));
      models.push(...result.data.filter((model) => !model.hidden));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return models;
  }

  async listThreads(
    limit: number,
    cursor: string | undefined,
    sortKey: 'updated_at' | 'created_at' = 'updated_at',
    filter: { archived?: boolean | undefined; search?: string | undefined } = {},
  ): Promise<ThreadList> {
    const page = threadListResult.parse(
      await this.call('thread/list', {
        limit,
        sortKey,
        ...(cursor ? { cursor } : {}),
        ...(filter.archived ? { archived: true } : {}),
        ...(filter.search ? { searchTerm: filter.search } : {}),
      }),
    );
    return { threads: page.data.map(summarizeThread), next_cursor: page.nextCursor ?? null };
  }

  async readThread(threadId: string): Promise<ThreadSummary> {
    return summarizeThread(threadResult.parse(await this.call('thread/read', { threadId }, threadId)).thread);
  }

  async history(threadId: string, limit: number, cursor: string | undefined): Promise<History> {
    const thread = await this.readThread(threadId);
    const page = turnsListResult.parse(
      await this.call(
        'thread/turns/list',
        { threadId, limit, sortDirection: 'asc', itemsView: 'full', ...(cursor ? { cursor } : {}) },
        threadId,
      ),
    );
    const messages = page.data.flatMap((turn) =>
      turn.items.map((item) => historyMessage(turn.id, normalizeItem(item))),
    );
    return { thread, messages, usage: await this.usageStore.load(threadId), next_cursor: page.nextCursor ?? null };
  }

  /** The thread and all its turns as codex keeps them, raw items included (the original bridge's /history). */
  async codexHistory(threadId: string): Promise<{ thread: CodexThread; turns: CodexTurn[] }> {
    const { thread } = threadResult.parse(await this.call('thread/read', { threadId }, threadId));
    const turns: CodexTurn[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const result = turnsListResult.parse(
        await this.call(
          'thread/turns/list',
          { threadId, limit: 100, sortDirection: 'asc', itemsView: 'full', ...(cursor ? { cursor } : {}) },
          threadId,
        ),
      );
      turns.push(...result.data);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return { thread, turns };
  }

  async rename(threadId: string, name: string): Promise<ThreadSummary> {
    await this.readThread(threadId);
    await this.call('thread/name/set', { threadId, name }, threadId);
    this.settings.onThreadEvent?.({ type: 'thread.renamed', thread_id: threadId, name });
    return this.readThread(threadId);
  }

  async archive(threadId: string): Promise<void> {
    this.assertNoTurnRunning(threadId);
    await this.readThread(threadId);
    await this.call('thread/archive', { threadId }, threadId);
    this.loadedThreads.delete(threadId);
    this.settings.onThreadEvent?.({ type: 'thread.archived', thread_id: threadId });
  }

  /** A new thread with the conversation of `threadId`, whole or through `throughTurnId`. */
  async fork(threadId: string, throughTurnId: string | undefined): Promise<ThreadSummary> {
    this.assertNoTurnRunning(threadId);
    await this.readThread(threadId);
    const forked = threadResult.parse(
      await this.call(
        'thread/fork',
        {
          threadId,
          excludeTurns: true,
          approvalPolicy: this.threadPolicies.get(threadId) ?? this.settings.approvalPolicy,
          sandbox: this.settings.sandbox,
          ...(throughTurnId ? { lastTurnId: throughTurnId } : {}),
        },
        threadId,
      ).catch((error: unknown) => {
        if (error instanceof CodexRpcError && /turn not found|in progress/i.test(error.message))
          throw new ValidationError(`thread '${threadId}' has no finished turn '${throughTurnId}'`, [
            { field: '/body/through_turn_id', message: 'is not a finished turn of this thread' },
          ]);
        throw error;
      }),
    );
    this.threadsServed++;
    this.loadedThreads.add(forked.thread.id);
    const policy = this.threadPolicies.get(threadId);
    if (policy) this.threadPolicies.set(forked.thread.id, policy);
    return summarizeThread(forked.thread);
  }

  /** Drops the last `turns` turns from the thread's history; the files they changed stay changed. */
  async revert(threadId: string, turns: number): Promise<RevertResult> {
    this.assertNoTurnRunning(threadId);
    await this.readThread(threadId);
    await this.ensureLoaded(threadId);
    const latest = turnsListResult.parse(
      await this.call('thread/turns/list', { threadId, limit: turns, sortDirection: 'desc', itemsView: 'full' }, threadId),
    ).data;
    const oldestDropped = latest[turns - 1];
    if (!oldestDropped) {
      throw new ValidationError(`thread '${threadId}' has only ${latest.length} turn(s)`, [
        { field: '/body/turns', message: `must be at most ${latest.length}, the thread's number of turns` },
      ]);
    }
    // Checked again just before: a turn may have started while the turns were being listed.
    this.assertNoTurnRunning(threadId);
    const reverted = threadResult.parse(
      await this.call('thread/revert', { threadId, beforeTurnId: oldestDropped.id }, threadId),
    );
    return { thread: summarizeThread(reverted.thread), reverted_turn_ids: latest.map((turn) => turn.id).reverse() };
  }

  async unarchive(threadId: string): Promise<ThreadSummary> {
    await this.readThread(threadId);
    const result = await this.call('thread/unarchive', { threadId }, threadId).catch((error: unknown) => {
      if (error instanceof CodexRpcError && /no archived rollout/i.test(error.message))
        throw new ConflictError(`thread '${threadId}' is not archived`, 'thread-not-archived');
      throw error;
    });
    return summarizeThread(threadResult.parse(result).thread);
  }

  /** Deletes the thread for good: codex's files of it, and (through onThreadDeleted) the bridge's records. */
  async deleteThread(threadId: string): Promise<void> {
    this.assertNoTurnRunning(threadId);
    await this.readThread(threadId);
    await this.call('thread/delete', { threadId }, threadId).catch((error: unknown) => {
      if (error instanceof CodexRpcError && /forked history still references/i.test(error.message))
        throw new ConflictError(
          `thread '${threadId}' has forks, whose history still refers to it; delete them first`,
          'thread-has-forks',
        );
      throw error;
    });
    this.loadedThreads.delete(threadId);
    this.threadPolicies.delete(threadId);
    this.threadNotes.delete(threadId);
    await this.usageStore.remove(threadId);
    this.settings.onThreadDeleted?.(threadId);
    this.settings.onThreadEvent?.({ type: 'thread.deleted', thread_id: threadId });
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /**
   * Ends the session at once, without the polite stop: this replica lost the user's lease and must be gone
   * before another one may start the user's codex. Running turns end failed with `reason`.
   */
  async abandon(reason: string, code: string): Promise<void> {
    this.failAllTurns(reason, code);
    this.server.kill('SIGKILL');
    await this.server.exited;
  }

  /** Interrupts every running turn; resolves when they have ended (or the settle time is up). */
  async interruptAll(): Promise<void> {
    const runs = [...this.runningTurns.values()];
    await Promise.all(runs.map((run) => this.interrupt(run.threadId).catch(() => undefined)));
  }

  private asksToLeaveSandbox(threadId: string, kind: string): boolean {
    if (this.settings.ceiling.allowEscalation || kind !== 'command') return false;
    return (this.threadPolicies.get(threadId) ?? this.settings.approvalPolicy) === 'on-request';
  }

  private touch(): void {
    this.lastActivityAt = Date.now();
  }

  private assertNoTurnRunning(threadId: string): void {
    const running = this.runningTurns.get(threadId);
    if (running) throw new TurnInProgressError(threadId, running.turnId || 'starting');
    if (this.startingThreads.has(threadId)) throw new TurnInProgressError(threadId, 'starting');
  }

  /** Threads of earlier processes must be resumed before turn/start accepts them. */
  private async ensureLoaded(threadId: string): Promise<void> {
    if (this.loadedThreads.has(threadId)) return;
    await this.call(
      'thread/resume',
      { threadId, approvalPolicy: this.settings.approvalPolicy, sandbox: this.settings.sandbox },
      threadId,
    );
    this.loadedThreads.add(threadId);
    this.threadsServed++;
  }

  /**
   * Codex's app-server grows with every thread it has loaded and never gives the memory back (147 -> 567 MiB
   * over 300 threads); an idle one past CODEX_RECYCLE_AFTER_THREADS or CODEX_RECYCLE_RSS_BYTES is better
   * restarted: its threads resume from disk on the next turn.
   */
  shouldRecycle(): string | undefined {
    if (this.busy) return undefined;
    const { codexRecycleAfterThreads: maxThreads, codexRecycleRssBytes: maxRss } = this.settings;
    if (maxThreads > 0 && this.threadsServed >= maxThreads) return `served ${this.threadsServed} threads`;
    const rss = maxRss > 0 && this.pid !== undefined ? residentBytes(this.pid) : undefined;
    if (rss !== undefined && rss >= maxRss) return `RSS ${Math.round(rss / 1048576)} MiB`;
    return undefined;
  }

  /** Params are typed by the protocol contract (checked against codex's schema by the drift check). */
  private async call<M extends string>(method: M, params: ParamsOf<M>, threadId?: string): Promise<unknown> {
    try {
      return await this.server.connection.request(method, params as JsonObject);
    } catch (error) {
      if (!(error instanceof CodexRpcError)) throw error;
      if (threadId && error.isUnknownThread) throw new ThreadNotFoundError(threadId);
      // Cursors are codex's own; a client that made one up (or kept one too long) gets told so.
      if (/invalid cursor/i.test(error.message)) {
        throw new ValidationError('the cursor is not one this API gave out', [
          { field: '/query/cursor', message: 'is not a valid cursor' },
        ]);
      }
      throw error;
    }
  }

  private route(notification: Notification): void {
    const threadId = notification.params.threadId ?? (notification.params.thread as { id?: unknown } | undefined)?.id;
    if (typeof threadId !== 'string') return;
    const run = this.runningTurns.get(threadId);
    if (!run) {
      this.keepThreadNote(threadId, notification);
      return;
    }
    this.touch();
    if (!run.turnId) {
      // Codex may announce the turn before it answers turn/start; keep those until the id is known.
      const queued = this.backlog.get(threadId) ?? [];
      queued.push(notification);
      this.backlog.set(threadId, queued);
      return;
    }
    const turnId = notification.params.turnId ?? (notification.params.turn as { id?: unknown } | undefined)?.id;
    if (turnId !== undefined && turnId !== run.turnId) return;
    this.apply(run, notification);
  }

  private keepThreadNote(threadId: string, notification: Notification): void {
    const notes = this.threadNotes.get(threadId) ?? [];
    if (notes.length >= MAX_THREAD_NOTES) return;
    notes.push(notification);
    this.threadNotes.delete(threadId);
    this.threadNotes.set(threadId, notes);
    while (this.threadNotes.size > MAX_NOTED_THREADS) {
      const oldest = this.threadNotes.keys().next().value;
      if (oldest === undefined) break;
      this.threadNotes.delete(oldest);
    }
  }

  /** Made once, not per notification: this is the event stream's hot path. */
  private readonly saveThreadUsage = (threadId: string, threadTotal: Usage): void => {
    this.usageStore
      .save(threadId, threadTotal)
      .catch((error: Error) => this.logger.warn({ err: error.message, threadId }, 'could not save thread usage'));
  };

  /** A notification of a shape the bridge does not know is logged and skipped; it never ends the process. */
  private apply(run: TurnRun, notification: Notification): void {
    try {
      applyNotification(run, notification, this.saveThreadUsage);
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message, method: notification.method },
        'unexpected codex notification; skipped',
      );
    }
  }

  /** Codex retries a refused model connection forever; the deadline is what ends such a turn. */
  private armDeadline(run: TurnRun): void {
    const timer = setTimeout(() => {
      if (run.finished) return;
      this.logger.warn({ threadId: run.threadId, turnId: run.turnId }, 'turn deadline reached; interrupting');
      const message = `the turn did not finish within ${this.settings.turnTimeoutMs / 1000} s and was interrupted`;
      // Codex reports the interrupt as any other; the fetched turn must still say why it ended.
      run.settleAs('interrupted', { message, code: 'turn_timeout' });
      run.emit({ type: 'turn.error', code: 'turn_timeout', message, will_retry: false });
      void this.interrupt(run.threadId).catch(() => undefined);
      setTimeout(() => {
        run.finish('interrupted', { message: 'turn deadline reached', code: 'turn_timeout' }, 'turn.error', 'turn_timeout');
      }, INTERRUPT_SETTLE_MS).unref();
    }, this.settings.turnTimeoutMs);
    timer.unref();
    void run.done.then(() => clearTimeout(timer));
  }

  private endCommandsOf(run: TurnRun): void {
    const pid = this.server.pid;
    if (pid === undefined || run.runningCommands.size === 0) return;
    const ended = endCommands(pid, [...run.runningCommands.values()]);
    if (ended.length > 0)
      this.logger.info({ pids: ended, threadId: run.threadId }, 'ended the commands the turn left running');
  }

  private turnEnded(run: TurnRun): void {
    if (this.runningTurns.get(run.threadId) === run) this.runningTurns.delete(run.threadId);
    this.startNextQueued(run.threadId);
    // Codex keeps commands running after the turn (unified exec); a finished turn leaves none behind.
    if (!this.settings.keepBackgroundCommands) this.endCommandsOf(run);
    this.touch();
  }

  private failAllTurns(reason: string, code = 'codex_exited'): void {
    for (const run of this.runningTurns.values()) {
      for (const pending of [...run.approvals.values()]) pending.settle('cancel', 'turn_ended');
      run.finish('failed', { message: reason, code }, 'turn.error', code);
    }
    this.runningTurns.clear();
    this.startingThreads.clear();
    for (const queue of this.queuedTurns.values()) for (const entry of queue) entry.cancel(new Error(reason));
    this.queuedTurns.clear();
  }
}

/** A request that belongs to no running turn, or that the bridge cannot show a person, is refused. */
async function declineUnattended(method: string, logger: Logger): Promise<unknown> {
  logger.info({ method }, 'codex asked for something no client can answer; declined');
  return unattendedReply(method);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
