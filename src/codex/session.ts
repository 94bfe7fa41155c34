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
import { codexAnswer, describeApproval, isApprovalRequest } from './approvals';
import type { ApprovalDecision, Usage } from './bridgeEvents';
import { CodexRpcError } from './errors';
import { MAX_MODEL_PAGES, modelListResult, type CodexModel } from './modelList';
import { historyMessage, normalizeItem, summarizeThread } from './normalize';
import {
  threadListResult,
  threadResult,
  turnsListResult,
  turnStartResult,
  type CodexThread,
  type CodexTurn,
} from './protocol';
import { assertWithinCeiling, resolveWorkingDirectory, sandboxPolicy } from './policy';
import { endCommands, residentBytes } from './processTree';
import { applyNotification, emitRaw } from './turnEvents';
import type { JsonObject, Notification, ServerRequest } from './rpc';
import { TurnRun } from './turnRun';
import type { UsageStore } from './usageStore';

type ThreadSummary = components['schemas']['ThreadSummary'];
type ThreadList = components['schemas']['ThreadList'];
type History = components['schemas']['History'];

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
  | 'codexRecycleAfterThreads'
  | 'codexRecycleRssBytes'
> & {
  /** The user's workspace (absolute, as codex sees it): where threads start, and what `cwd` is relative to. */
  workspace: string;
  /** Called for every turn that starts, so that it can be found after it ends. */
  onTurnStarted?: (run: TurnRun) => void;
};

/** Thread-level notifications kept per thread, and threads kept, before a turn takes them. */
const MAX_THREAD_NOTES = 16;
/** Pages of 100 turns read for the original profile's whole-thread /history. */
const MAX_HISTORY_PAGES = 50;
const MAX_NOTED_THREADS = 32;

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
    assertWithinCeiling(this.settings.ceiling, request);
    const cwd = request.cwd === undefined ? undefined : resolveWorkingDirectory(this.settings.workspace, request.cwd);
    const turnsNow = this.runningTurns.size + this.startingThreads.size;
    if (turnsNow >= this.settings.maxTurnsPerUser) {
      throw new TooManyRequestsError(
        `at most ${this.settings.maxTurnsPerUser} running turns per user (MAX_TURNS_PER_USER); wait for one to end`,
        5,
        'too-many-turns',
      );
    }
    let threadId = request.threadId;
    let threadCreated = false;
    if (threadId) {
      this.assertNoTurnRunning(threadId);
      // What codex said about the thread before this turn was asked for belongs to no one.
      this.threadNotes.delete(threadId);
      this.startingThreads.add(threadId);
      try {
        await this.ensureLoaded(threadId);
      } catch (error) {
        this.startingThreads.delete(threadId);
        throw error;
      }
    } else {
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
      threadId = started.thread.id;
      threadCreated = true;
      this.threadsServed++;
      this.loadedThreads.add(threadId);
      this.startingThreads.add(threadId);
    }

    const run = new TurnRun(threadId, '', threadCreated, request.rawEvents ?? false, this.settings.turnEventsMaxBytes);
    this.runningTurns.set(threadId, run);
    this.startingThreads.delete(threadId);
    try {
      const response = turnStartResult.parse(
        await this.call('turn/start', {
          threadId,
          input: [{ type: 'text', text: request.prompt, text_elements: [] }],
          ...(request.model ? { model: request.model } : {}),
          ...(request.approvalPolicy ? { approvalPolicy: request.approvalPolicy } : {}),
          ...(request.sandbox ? { sandboxPolicy: sandboxPolicy(request.sandbox) } : {}),
          ...(cwd ? { cwd } : {}),
        }),
      );
      run.turnId = response.turn.id;
      run.codexTurn = response.turn;
      if (request.approvalPolicy || threadCreated)
        this.threadPolicies.set(threadId, request.approvalPolicy ?? this.settings.approvalPolicy);
    } catch (error) {
      this.runningTurns.delete(threadId);
      this.backlog.delete(threadId);
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

  /** Codex asks before running a command or changing files; the running turn's clients decide. */
  async onServerRequest(request: ServerRequest): Promise<unknown> {
    const threadId = request.params.threadId;
    const run = typeof threadId === 'string' ? this.runningTurns.get(threadId) : undefined;
    if (!run || !isApprovalRequest(request.method)) return declineUnattended(request.method, this.logger);
    const approval = describeApproval(request, run, this.settings.approvalTimeoutMs);
    if (this.asksToLeaveSandbox(run.threadId, approval.kind)) {
      // Under on-request codex asks only to run a command outside its sandbox; callers may not grant that.
      this.logger.info({ threadId: run.threadId }, 'declined a request to run outside the sandbox (CODEX_ALLOW_ESCALATION)');
      run.emit({ type: 'approval.requested', approval });
      run.emit({ type: 'approval.resolved', request_id: approval.request_id, decision: 'decline', resolved_by: 'policy' });
      return codexAnswer(request.method, 'decline');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle('decline', 'timeout'), this.settings.approvalTimeoutMs);
      timer.unref();
      const settle = (decision: ApprovalDecision, by: 'client' | 'timeout' | 'turn_ended'): void => {
        if (!run.approvals.delete(approval.request_id)) return;
        clearTimeout(timer);
        run.emit({ type: 'approval.resolved', request_id: approval.request_id, decision, resolved_by: by });
        resolve(codexAnswer(request.method, decision));
      };
      run.approvals.set(approval.request_id, { approval, codexRequestId: request.id, settle });
      run.emit({ type: 'approval.requested', approval });
    });
  }

  /** Codex's model catalogue for this user's provider, hidden models left out, in codex's order. */
  async listModels(): Promise<CodexModel[]> {
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
  ): Promise<ThreadList> {
    const page = threadListResult.parse(
      await this.call('thread/list', { limit, sortKey, ...(cursor ? { cursor } : {}) }),
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
    return this.readThread(threadId);
  }

  async archive(threadId: string): Promise<void> {
    this.assertNoTurnRunning(threadId);
    await this.readThread(threadId);
    await this.call('thread/archive', { threadId }, threadId);
    this.loadedThreads.delete(threadId);
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

  private async call(method: string, params: JsonObject, threadId?: string): Promise<unknown> {
    try {
      return await this.server.connection.request(method, params);
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
      run.emit({ type: 'error', code: 'turn_timeout', message, will_retry: false });
      void this.interrupt(run.threadId).catch(() => undefined);
      setTimeout(() => {
        run.finish('interrupted', { message: 'turn deadline reached', code: 'turn_timeout' }, 'error', 'turn_timeout');
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
    // Codex keeps commands running after the turn (unified exec); a finished turn leaves none behind.
    if (!this.settings.keepBackgroundCommands) this.endCommandsOf(run);
    this.touch();
  }

  private failAllTurns(reason: string, code = 'codex_exited'): void {
    for (const run of this.runningTurns.values()) {
      for (const pending of [...run.approvals.values()]) pending.settle('cancel', 'turn_ended');
      run.finish('failed', { message: reason, code }, 'error', code);
    }
    this.runningTurns.clear();
    this.startingThreads.clear();
  }
}

/** A request that belongs to no running turn, or that the bridge cannot show a person, is refused. */
async function declineUnattended(method: string, logger: Logger): Promise<unknown> {
  logger.info({ method }, 'codex asked for something no client can answer; declined');
  if (isApprovalRequest(method)) return codexAnswer(method, 'decline');
  throw new Error(`${method} is not supported by codex-api-bridge`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
