import type { components } from '../../generated/api';
import { TurnRun } from '../../src/codex/turnRun';
import { UserEventHub } from '../../src/codex/userEventHub';
import type { StartReviewRequest, StartTurnRequest } from '../../src/codex/session';
import type { ChatSession, SessionProvider } from '../../src/http/handlers/services';
import { ConflictError, ThreadNotFoundError, TurnInProgressError } from '../../src/errors';
import type { Usage } from '../../src/codex/bridgeEvents';
import type { StorageReport } from '../../src/codex/storageHealth';

type ThreadSummary = components['schemas']['ThreadSummary'];

/**
 * An in-memory stand-in for CodexSession, for tests of the HTTP layer alone. Turns are played by a
 * script the test chooses; the real adapter is covered by the end-to-end suites.
 */
export class SessionDouble implements ChatSession {
  readonly threads = new Map<string, ThreadSummary>();
  readonly running = new Map<string, TurnRun>();
  readonly prompts: string[] = [];
  private counter = 0;
  /** What a turn does once started; by default it answers "pong" and completes. */
  script: (run: TurnRun) => void = (run) => {
    run.emit({ type: 'message.delta', item_id: 'msg-1', delta: 'po' });
    run.emit({ type: 'message.delta', item_id: 'msg-1', delta: 'ng' });
    const item = { type: 'assistant_message' as const, id: 'msg-1', text: 'pong' };
    run.recordItem(item);
    run.emit({ type: 'message.completed', item });
    run.finish('completed', null, 'turn.completed');
  };
  failNext: Error | undefined;

  async startTurn(request: StartTurnRequest): Promise<TurnRun> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    let threadId = request.threadId;
    if (threadId && !this.threads.has(threadId)) throw new ThreadNotFoundError(threadId);
    if (threadId && this.running.has(threadId)) throw new TurnInProgressError(threadId, 'turn-x');
    const created = !threadId;
    if (!threadId) {
      threadId = `thread-${++this.counter}`;
      const now = new Date().toISOString();
      this.threads.set(threadId, { thread_id: threadId, name: null, preview: request.prompt, created_at: now, updated_at: now, status: 'idle' });
    }
    this.prompts.push(request.prompt);
    const run = new TurnRun(threadId, `turn-${++this.counter}`, created, request.rawEvents ?? false);
    // As codex's turn/start answers it, before the turn's first event.
    run.codexTurn = { id: run.turnId, items: [], status: 'inProgress', error: null };
    this.running.set(threadId, run);
    this.allTurns.push(run);
    void run.done.then(() => this.running.delete(run.threadId));
    run.emit({ type: 'turn.started', thread_created: created });
    setImmediate(() => this.script(run));
    return run;
  }

  readonly allTurns: TurnRun[] = [];

  async interrupt(threadId: string): Promise<TurnRun> {
    const run = this.running.get(threadId);
    if (!run) {
      if (!this.threads.has(threadId)) throw new ThreadNotFoundError(threadId);
      throw new ConflictError(`thread '${threadId}' has no running turn`, 'no-turn-running');
    }
    run.finish('interrupted', null, 'turn.completed');
    return run;
  }

  async listThreads(limit: number): Promise<components['schemas']['ThreadList']> {
    return { threads: [...this.threads.values()].slice(0, limit), next_cursor: null };
  }

  async history(threadId: string): Promise<components['schemas']['History']> {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    return { thread, messages: [], usage: null, next_cursor: null };
  }

  async codexHistory(threadId: string): ReturnType<ChatSession['codexHistory']> {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
    const turns = this.allTurns
      .filter((run) => run.threadId === threadId)
      .map((run) => ({
        id: run.turnId,
        status: run.status === 'running' ? ('inProgress' as const) : run.status,
        items: run.items.map((item) => ({ type: item.type === 'assistant_message' ? 'agentMessage' : item.type, id: item.id, ...('text' in item ? { text: item.text } : {}) })),
      }));
    return {
      thread: { id: threadId, preview: thread.preview, createdAt: seconds(thread.created_at), updatedAt: seconds(thread.updated_at) },
      turns,
    };
  }

  async readThread(threadId: string): Promise<ThreadSummary> {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    return thread;
  }

  async rename(threadId: string, name: string): Promise<ThreadSummary> {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    thread.name = name;
    return thread;
  }

  async archive(threadId: string): Promise<void> {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    this.threads.delete(threadId);
    this.archived.set(threadId, thread);
  }

  readonly archived = new Map<string, ThreadSummary>();

  async fork(threadId: string): Promise<ThreadSummary> {
    const source = this.threads.get(threadId);
    if (!source) throw new ThreadNotFoundError(threadId);
    const fork = { ...source, thread_id: `thread-${++this.counter}`, forked_from_thread_id: threadId };
    this.threads.set(fork.thread_id, fork);
    return fork;
  }

  async revert(threadId: string, turns: number): ReturnType<ChatSession['revert']> {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    const dropped = this.allTurns.filter((run) => run.threadId === threadId).slice(-turns);
    return { thread, reverted_turn_ids: dropped.map((run) => run.turnId) };
  }

  async unarchive(threadId: string): Promise<ThreadSummary> {
    const thread = this.archived.get(threadId);
    if (!thread) {
      if (this.threads.has(threadId)) throw new ConflictError(`thread '${threadId}' is not archived`, 'thread-not-archived');
      throw new ThreadNotFoundError(threadId);
    }
    this.archived.delete(threadId);
    this.threads.set(threadId, thread);
    return thread;
  }

  async deleteThread(threadId: string): Promise<void> {
    if (!this.threads.delete(threadId) && !this.archived.delete(threadId)) throw new ThreadNotFoundError(threadId);
  }

  /** A review plays the same script as a chat turn. */
  async startReview(request: StartReviewRequest): Promise<TurnRun> {
    return this.startTurn({ threadId: request.threadId, prompt: 'review', rawEvents: request.rawEvents });
  }
}

/** One SessionDouble per user, so tests can check isolation at the HTTP layer. */
export class SessionProviderDouble implements SessionProvider {
  readonly sessions = new Map<string, SessionDouble>();
  maxSessions = 50;
  /** Set to false to play a bridge that started shutting down. */
  accepting = true;
  refuseWith: Error | undefined;

  get activeSessions(): number {
    return this.sessions.size;
  }

  sessionOf(userId: string): SessionDouble {
    let session = this.sessions.get(userId);
    if (!session) {
      session = new SessionDouble();
      this.sessions.set(userId, session);
    }
    return session;
  }

  findTurn(userId: string, threadId: string, turnId?: string): TurnRun | undefined {
    const session = this.sessions.get(userId);
    if (turnId === undefined) return session?.running.get(threadId);
    return session?.allTurns.find((run) => run.turnId === turnId && run.threadId === threadId);
  }

  async usageOf(): Promise<{ usage: Usage; threads: number; metered: null }> {
    return {
      usage: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 },
      threads: 0,
      metered: null,
    };
  }

  readonly eventLedger = { retainedBytes: 0 };
  readonly hubs = new Map<string, UserEventHub>();

  userEvents(userId: string): UserEventHub {
    let hub = this.hubs.get(userId);
    if (!hub) {
      hub = new UserEventHub(100);
      this.hubs.set(userId, hub);
    }
    return hub;
  }

  async storageReport(): Promise<StorageReport> {
    return { free_bytes: 1 << 30, total_bytes: 2 ** 31, low_space: false, problems: [] };
  }

  async acquire(userId: string): Promise<{ session: ChatSession; release: () => void }> {
    if (this.refuseWith) throw this.refuseWith;
    return { session: this.sessionOf(userId), release: () => undefined };
  }
}
