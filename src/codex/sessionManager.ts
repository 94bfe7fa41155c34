import path from 'node:path';
import type { Config } from '../config/env';
import type { Logger } from '../logger';
import { BadGatewayError, ServiceUnavailableError } from '../errors';
import { HOME_LOCKED_EXIT_CODE, recordsDir, tenantPaths, type Isolation, type Tenant } from '../isolation';
import type { ModelRelay } from '../relay/modelRelay';
import type { MeteredUsage } from '../relay/metering';
import { AppServerProcess, providerArgs } from './appServer';
import { featureArgs } from './features';
import type { CodexBinaryInfo } from './binary';
import type { Usage } from './bridgeEvents';
import { DataDirectoryError, prepareDirectory } from './dataDirectory';
import { NO_OBSERVER, type SessionEndReason, type SessionObserver } from './observer';
import { SOLE_OWNER, type UserOwnership } from './ownership';
import { CodexSession } from './session';
import { isOutOfSpace, StorageHealth, type StorageReport } from './storageHealth';
import { EventLedger, TurnStore } from './turnStore';
import type { ArchivedTurn, TurnArchive } from './turnArchive';
import { TurnRun } from './turnRun';
import { userDirectoryName } from './userDirectory';
import { UsageStore } from './usageStore';
import { UserEventHub } from './userEventHub';
import type { UserEvent } from './userEvents';

/** Told every user event as it happens (webhooks); `userId` as authenticated, `key` its directory name. */
export type UserEventListener = (user: { userId: string; key: string }, event: UserEvent) => void;

export { DEFAULT_USER } from '../isolation';

export type SessionManagerConfig = Pick<
  Config,
  | 'baseDataDir'
  | 'codexHome'
  | 'codexWorkingDir'
  | 'multiUser'
  | 'openaiBaseUrl'
  | 'model'
  | 'approvalPolicy'
  | 'sandbox'
  | 'maxSessions'
  | 'idleTimeoutMs'
  | 'cleanupIntervalMs'
  | 'turnTimeoutMs'
  | 'rpcTimeoutMs'
  | 'requestMaxRetries'
  | 'streamMaxRetries'
  | 'approvalTimeoutMs'
  | 'turnRetentionMs'
  | 'turnRetentionMax'
  | 'ceiling'
  | 'userQuestions'
  | 'maxTurnsPerUser'
  | 'keepBackgroundCommands'
  | 'turnEventsMaxBytes'
  | 'imageMaxBytes'
  | 'userEventsMaxBytes'
  | 'eventsMaxBytes'
  | 'storageMinFreeBytes'
  | 'dataDirTimeoutMs'
  | 'codexRecycleAfterThreads'
  | 'codexRecycleRssBytes'
  | 'planTool'
  | 'userEventsKept'
>;

/** Where users run: this process alone (the default), or one replica of several (src/cluster). */
export interface SessionPlacement {
  ownership: UserOwnership;
  /** Turn records other replicas can read; none in one process. */
  archive: TurnArchive | undefined;
  /** This replica's name, in the error of a turn its death ended. */
  replicaId: string;
}

const ALONE: SessionPlacement = { ownership: SOLE_OWNER, archive: undefined, replicaId: 'local' };

export interface SessionLease {
  session: CodexSession;
  /** Ends this request's hold on the session; safe to call more than once. */
  release: () => void;
}

/** Less free than this when codex failed to start: the disk is full, whatever codex's message says. */
const OUT_OF_SPACE_BYTES = 1024 * 1024;

/** How long a caller should wait when every session slot is busy. */
const RETRY_AFTER_SECONDS = 5;

/**
 * One codex app-server per user, started on first use, stopped when idle or evicted when full.
 * A session is never stopped while it serves a request or runs a turn.
 */
export class SessionManager {
  private readonly sessions = new Map<string, CodexSession>();
  private readonly starting = new Map<string, Promise<CodexSession>>();
  private readonly turnStores = new Map<string, TurnStore>();
  private readonly usageStores = new Map<string, UsageStore>();
  private readonly userEventHubs = new Map<string, UserEventHub>();
  private readonly userEventListeners = new Set<UserEventListener>();
  private cleanupTimer: NodeJS.Timeout | undefined;
  private acceptingNew = true;
  /** Every user's kept turn events together, under EVENTS_MAX_BYTES. */
  readonly eventLedger: EventLedger;
  readonly storage: StorageHealth;

  constructor(
    private readonly config: SessionManagerConfig,
    private readonly codex: CodexBinaryInfo,
    private readonly isolation: Isolation,
    /** Present when the operator set OPENAI_API_KEY: codex then reaches the model only through it. */
    private readonly relay: ModelRelay | undefined,
    private readonly logger: Logger,
    private readonly observer: SessionObserver = NO_OBSERVER,
    private readonly placement: SessionPlacement = ALONE,
  ) {
    this.eventLedger = new EventLedger(config.eventsMaxBytes);
    this.storage = new StorageHealth(config.baseDataDir, config.storageMinFreeBytes);
    placement.ownership.onLost((key) => void this.abandon(key));
  }

  /** Several replicas: users move between them, so leases are handed over and records shared. */
  private get clustered(): boolean {
    return this.placement.archive !== undefined;
  }

  /** A session of the user runs or is starting here: their lease is still needed. */
  holdsUser(key: string): boolean {
    return this.sessions.has(key) || this.starting.has(key);
  }

  /** User directories with a session here, for /status. */
  get sessionUsers(): string[] {
    return [...this.sessions.keys()];
  }

  /** Free space and the storage failures seen (codex's threads, usage records, data directory). */
  async storageReport(): Promise<StorageReport> {
    const usageErrors = [...this.usageStores.values()]
      .map((store) => store.saveError)
      .filter((error) => error !== undefined)
      .sort((a, b) => b.at.localeCompare(a.at));
    const latest = usageErrors[0];
    return this.storage.check(
      latest ? [{ source: 'usage', message: `${latest.message} (${usageErrors.length} user(s))`, at: latest.at }] : [],
    );
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  get maxSessions(): number {
    return this.config.maxSessions;
  }

  /** False once shutdown started: readiness reports the bridge as draining. */
  get accepting(): boolean {
    return this.acceptingNew;
  }

  /** The outer process (the jail's, when there is one) of every live session, by user directory. */
  sessionProcesses(): Array<{ user: string; pid: number }> {
    return [...this.sessions.entries()].flatMap(([user, session]) =>
      session.alive && session.pid !== undefined ? [{ user, pid: session.pid }] : [],
    );
  }

  /** The running session of a user, if any, without starting one. */
  peek(userId: string): CodexSession | undefined {
    const session = this.sessions.get(userDirectoryName(userId));
    return session?.alive ? session : undefined;
  }

  /** Where a user's CODEX_HOME, workspace and the bridge's records about them live. */
  pathsOf(userId: string): ReturnType<typeof tenantPaths> {
    return tenantPaths(this.config, userId);
  }

  /** What the model relay counted for one response of a user's codex. */
  recordMetered(userKey: string, usage: MeteredUsage): void {
    this.usageStoreFor(userKey)
      .addMetered(usage)
      .catch((error: Error) => this.logger.error({ err: error.message, user: userKey }, 'could not save metered usage'));
  }

  async acquire(userId: string): Promise<SessionLease> {
    if (!this.acceptingNew)
      throw new ServiceUnavailableError('the bridge is shutting down', RETRY_AFTER_SECONDS, 'shutting-down');
    const key = userDirectoryName(userId);
    const session = await this.sessionFor(key, userId);
    return { session, release: session.hold() };
  }

  /**
   * A turn of the user, from this process or, with several replicas, from the shared records; a turn the
   * records call running that no replica runs any more (its replica died) is concluded failed.
   */
  async lookupTurn(userId: string, threadId: string, turnId: string): Promise<TurnRun | undefined> {
    const key = userDirectoryName(userId);
    const local = this.turnStores.get(key)?.find(threadId, turnId);
    const { archive } = this.placement;
    if (local || !archive) return local;
    const record = await archive.load(key, threadId, turnId);
    if (!record) return undefined;
    if (record.state.status !== 'running') return TurnRun.restore(record);
    // Only the owner may call a turn dead; elsewhere it may well be running.
    if (this.placement.ownership.tokenOf(key) === undefined)
      throw new ServiceUnavailableError('the user is served by another bridge replica right now; try again shortly', 1, 'user-owned-elsewhere');
    return TurnRun.restore(await this.concludeOrphan(key, record, archive));
  }

  /**
   * Only the owner reads a user's turns (the others forward), and a replica owns a user only after the
   * previous owner lost or gave up the lease, stopping its codex: a turn still "running" in the records is dead.
   */
  private async concludeOrphan(key: string, record: ArchivedTurn, archive: TurnArchive): Promise<ArchivedTurn> {
    const { state } = record;
    const message = `the bridge replica '${record.replica}' that ran this turn stopped before the turn ended; a running turn cannot move to another replica (its completed turns are in /history)`;
    const seq = Math.max(state.last_event_id, record.events.at(-1)?.seq ?? 0) + 1;
    const concluded: ArchivedTurn = {
      ...record,
      events: [
        ...record.events,
        {
          seq,
          event: { type: 'turn.error', thread_id: state.thread_id, turn_id: state.turn_id, code: 'replica_lost', message, will_retry: false },
        },
      ],
      state: { ...state, status: 'failed', error: { message, code: 'replica_lost' }, pending_approvals: [], last_event_id: seq },
      finishedAt: Date.now(),
    };
    await archive.store(key, concluded).catch((error: Error) => this.logger.warn({ err: error.message, user: key }, 'could not record the lost turn as failed'));
    return concluded;
  }

  /** A turn of the user, running or recently finished; never starts a process. */
  findTurn(userId: string, threadId: string, turnId?: string): TurnRun | undefined {
    if (turnId === undefined) return this.peek(userId)?.runningTurn(threadId);
    return this.turnStores.get(userDirectoryName(userId))?.find(threadId, turnId);
  }

  /** The user's events across threads (GET /events); never starts a process. */
  userEvents(userId: string): UserEventHub {
    const key = userDirectoryName(userId);
    let hub = this.userEventHubs.get(key);
    if (!hub) {
      hub = new UserEventHub(this.config.userEventsKept, (event) => {
        for (const listener of this.userEventListeners) listener({ userId, key }, event);
      });
      this.userEventHubs.set(key, hub);
    }
    return hub;
  }

  onUserEvent(listener: UserEventListener): void {
    this.userEventListeners.add(listener);
  }

  /** The user's token totals over every thread the bridge recorded; never starts a process. */
  async usageOf(userId: string): Promise<{ usage: Usage; threads: number; metered: MeteredUsage | null }> {
    return this.usageStoreFor(userDirectoryName(userId)).totals();
  }

  startCleanup(): void {
    this.cleanupTimer = setInterval(() => void this.sweepIdle(), this.config.cleanupIntervalMs);
    this.cleanupTimer.unref();
  }

  /** Stops sessions idle for longer than IDLE_TIMEOUT_SECONDS; busy ones are spared. */
  async sweepIdle(now = Date.now()): Promise<number> {
    for (const store of this.turnStores.values()) store.prune(now);
    await Promise.all(
      [...this.sessions.entries()].map(([key, session]) => {
        const why = session.shouldRecycle();
        return why ? this.stopSession(key, session, 'recycled', why) : undefined;
      }),
    );
    const idle = [...this.sessions.entries()].filter(
      ([, session]) => !session.busy && now - session.lastActivityAt >= this.config.idleTimeoutMs,
    );
    await Promise.all(idle.map(([key, session]) => this.stopSession(key, session, 'idle')));
    return idle.length;
  }

  /** Stops accepting, lets running turns finish within the grace period, interrupts the rest, ends every child. */
  async shutdown(graceMs: number): Promise<void> {
    this.acceptingNew = false;
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    await Promise.allSettled(this.starting.values());
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && [...this.sessions.values()].some((session) => session.runningTurnCount > 0)) {
      // Several replicas: a user with nothing running is handed over at once, not at the end of the grace.
      if (this.clustered) await this.handOverIdle();
      await delay(100);
    }
    const sessions = [...this.sessions.entries()];
    await Promise.all(sessions.map(([, session]) => session.interruptAll()));
    await Promise.all(sessions.map(([key, session]) => this.stopSession(key, session, 'shutdown')));
    await Promise.all([...this.usageStores.values()].map((store) => store.flush()));
  }

  private async sessionFor(key: string, userId: string): Promise<CodexSession> {
    const existing = this.sessions.get(key);
    const recycle = existing?.alive ? existing.shouldRecycle() : undefined;
    if (existing?.alive && !recycle) return existing;
    if (existing) this.sessions.delete(key);
    const pending = this.starting.get(key);
    if (pending) return pending;
    if (existing && recycle) {
      // Registered as starting at once, so that a concurrent request waits for the new process, not a second one.
      const restart = this.stopSession(key, existing, 'recycled', recycle)
        .then(() => this.startSession(key, userId))
        .finally(() => this.starting.delete(key));
      this.starting.set(key, restart);
      return restart;
    }

    await this.makeRoom();
    const start = this.startSession(key, userId).finally(() => this.starting.delete(key));
    this.starting.set(key, start);
    return start;
  }

  /** At MAX_SESSIONS the longest-idle session makes way; when every session is busy the caller waits. */
  private async makeRoom(): Promise<void> {
    if (this.sessions.size + this.starting.size < this.config.maxSessions) return;
    const evictable = [...this.sessions.entries()]
      .filter(([, session]) => !session.busy)
      .sort(([, a], [, b]) => a.lastActivityAt - b.lastActivityAt)[0];
    if (!evictable) {
      throw new ServiceUnavailableError(
        `all ${this.config.maxSessions} sessions are busy; try again shortly`,
        RETRY_AFTER_SECONDS,
        'sessions-exhausted',
      );
    }
    const [key, session] = evictable;
    // Removed before the await so that no concurrent request picks the session being stopped.
    this.sessions.delete(key);
    await this.stopSession(key, session, 'evicted');
  }

  /** Sessions of a draining replica with no turn running: stopped, and their leases given up. */
  private async handOverIdle(): Promise<void> {
    const idle = [...this.sessions.entries()].filter(([, session]) => session.runningTurnCount === 0);
    await Promise.all(idle.map(([key, session]) => this.stopSession(key, session, 'shutdown')));
  }

  /** The lease is gone: the user's codex goes at once (SIGKILL), before another replica may start one. */
  private async abandon(key: string): Promise<void> {
    const session = this.sessions.get(key);
    this.usageStores.delete(key);
    if (!session) return;
    this.sessions.delete(key);
    this.observer.sessionEnded('lease_lost');
    this.logger.warn({ user: key }, "this replica lost the user's lease; their codex is stopped");
    await session.abandon(
      `this bridge replica (${this.placement.replicaId}) lost the ownership of the user (its Redis lease could not be renewed); the turn was stopped`,
      'ownership_lost',
    );
  }

  private async startSession(key: string, userId: string): Promise<CodexSession> {
    const command = this.codex.command;
    if (!command) {
      throw new ServiceUnavailableError(this.codex.problem ?? 'codex is not available', 60, 'codex-unavailable');
    }
    // Several replicas: only the holder of the user's lease may start their codex (503 elsewhere).
    await this.placement.ownership.claim(key);
    let tenant: Tenant;
    try {
      // Bounded: a data dir that hangs (a dead network filesystem, /proc) must not hang the request.
      await prepareDirectory(path.dirname(this.pathsOf(userId).records), 0o700, this.config.dataDirTimeoutMs);
      tenant = await this.isolation.prepare(userId);
      this.storage.clear('data_dir');
    } catch (error) {
      this.logger.error({ err: (error as Error).message, user: key }, "cannot prepare the user's folders");
      const code = error instanceof DataDirectoryError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'EIO');
      throw this.dataDirectoryProblem(code);
    }
    const logger = this.logger.child({ user: key });
    let server: AppServerProcess;
    // Filled in once app-server is up; nothing asks for approval before a turn starts.
    const ready: { session?: CodexSession } = {};
    const relayToken = this.relay?.issue(key);
    try {
      const codexArgs = [
        'app-server',
        ...providerArgs({
          baseUrl: this.relay?.baseUrl ?? this.config.openaiBaseUrl,
          model: this.config.model,
          requestMaxRetries: this.config.requestMaxRetries,
          streamMaxRetries: this.config.streamMaxRetries,
          planTool: this.config.planTool,
        }),
        ...featureArgs(this.config),
      ];
      server = await AppServerProcess.start({
        launch: await this.isolation.launch(tenant, codexArgs),
        loginKey: relayToken,
        rpcTimeoutMs: this.config.rpcTimeoutMs,
        logger,
        handleServerRequest: (request) => {
          if (!ready.session) throw new Error(`${request.method} arrived before the session was ready`);
          return ready.session.onServerRequest(request);
        },
      });
    } catch (error) {
      if (relayToken) this.relay?.revoke(relayToken);
      logger.error({ err: (error as Error).message }, 'codex app-server did not start');
      if ((error as Error).message.includes(`exit code ${HOME_LOCKED_EXIT_CODE}`))
        throw new ServiceUnavailableError(
          "another codex app-server still holds this user's CODEX_HOME (a replica that lost the user is stopping it); try again shortly",
          RETRY_AFTER_SECONDS,
          'codex-home-locked',
        );
      // Codex writes to CODEX_HOME as it starts (login, databases): on a full disk that is why it failed.
      const space = await this.storage.freeBytes();
      if (isOutOfSpace((error as Error).message) || (space !== undefined && space.free < OUT_OF_SPACE_BYTES))
        throw this.dataDirectoryProblem('ENOSPC');
      throw new BadGatewayError(`codex app-server did not start: ${(error as Error).message}`, 'codex-start-failed');
    }
    const turns = this.turnStoreFor(key);
    const userEvents = this.userEvents(userId);
    const started = new CodexSession(
      userId,
      server,
      {
        ...this.config,
        workspace: tenant.workspace,
        jailed: this.isolation.status.mechanism === 'bubblewrap',
        onTurnStarted: (run) => {
          turns.add(run);
          userEvents.follow(run);
          this.placement.archive?.follow(key, run);
          void run.done.then(() => this.noteTurnStorage(run));
          this.observer.turnStarted(run);
        },
        onThreadDeleted: (threadId) => turns.forgetThread(threadId),
        onThreadEvent: (event) => userEvents.publish(event),
      },
      this.usageStoreFor(key),
      logger,
    );
    ready.session = started;
    this.sessions.set(key, started);
    this.observer.sessionStarted();
    void server.exited.then((reason) => {
      if (relayToken) this.relay?.revoke(relayToken);
      if (this.sessions.get(key) !== started) return;
      this.sessions.delete(key);
      this.observer.sessionEnded('crashed');
      logger.warn({ reason }, 'codex app-server exited; the next request starts a new one');
    });
    return started;
  }

  /** One store per user, shared by every session of theirs, so reads see the writes still under way. */
  private usageStoreFor(key: string): UsageStore {
    let store = this.usageStores.get(key);
    if (!store) {
      store = new UsageStore(recordsDir(this.config.baseDataDir, key), this.logger);
      this.usageStores.set(key, store);
    }
    return store;
  }

  private turnStoreFor(key: string): TurnStore {
    let store = this.turnStores.get(key);
    if (!store) {
      store = new TurnStore(
        {
          retentionMs: this.config.turnRetentionMs,
          maxTurns: this.config.turnRetentionMax,
          maxBytes: this.config.userEventsMaxBytes,
        },
        this.eventLedger,
        this.placement.archive
          ? (run, what) => this.placement.archive?.forget(key, run.threadId, run.turnId, what)
          : undefined,
      );
      this.turnStores.set(key, store);
    }
    return store;
  }

  /** A turn codex could not save is storage trouble; a later turn that saved clears it. */
  private noteTurnStorage(run: TurnRun): void {
    if (run.failedToSave) this.storage.report('threads', run.error?.message ?? 'codex could not save a thread');
    else if (run.status === 'completed') this.storage.clear('threads');
  }

  /** A full disk, a read-only or hung data directory: 503 naming the cause, so that clients retry later. */
  private dataDirectoryProblem(code: string): ServiceUnavailableError {
    const outOfSpace = isOutOfSpace(code);
    const detail = outOfSpace
      ? 'the bridge data directory (BASE_DATA_DIR) is out of space (ENOSPC); try again once space is freed'
      : code === 'ETIMEDOUT'
        ? `the bridge data directory (BASE_DATA_DIR) did not answer within ${this.config.dataDirTimeoutMs / 1000} s`
        : `the bridge cannot write its data directory (BASE_DATA_DIR): ${code}`;
    this.storage.report('data_dir', detail);
    return new ServiceUnavailableError(
      detail,
      outOfSpace ? 60 : 30,
      outOfSpace ? 'storage-full' : code === 'ETIMEDOUT' ? 'data-dir-timeout' : 'data-dir-unwritable',
    );
  }

  private async stopSession(
    key: string,
    session: CodexSession,
    why: Exclude<SessionEndReason, 'crashed'>,
    detail?: string,
  ): Promise<void> {
    if (this.sessions.get(key) === session) this.sessions.delete(key);
    this.observer.sessionEnded(why);
    this.logger.info({ user: key, why, ...(detail ? { detail } : {}) }, 'stopping codex session');
    await session.stop();
    if (!this.clustered || why === 'recycled') return;
    // The user may be served by another replica next: its usage records are not cached here, and the lease goes.
    await this.usageStores.get(key)?.flush();
    this.usageStores.delete(key);
    await this.placement.ownership.release(key);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
