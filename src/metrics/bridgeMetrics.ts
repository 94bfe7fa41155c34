import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IntrospectionObserver } from '../auth/keycloakAuthenticator';
import type { SessionEndReason, SessionObserver } from '../codex/observer';
import type { TurnRun } from '../codex/turnRun';
import { treeResidentBytes } from '../codex/processTree';

/** What the metrics read from the session manager at scrape time. */
export interface SessionSource {
  readonly activeSessions: number;
  sessionProcesses(): Array<{ user: string; pid: number }>;
}

const TURN_SECONDS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 900];
const FIRST_DELTA_SECONDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/**
 * The bridge's Prometheus metrics, one registry per bridge (tests start several in one process).
 * It is handed to the places where things happen: the session manager (as its observer), the
 * Keycloak authenticator, the SSE stream limiter and the problem middleware.
 */
export class BridgeMetrics implements SessionObserver, IntrospectionObserver {
  readonly registry = new Registry();
  private readonly running = new Set<TurnRun>();
  private sessions: SessionSource | undefined;

  private readonly sessionsStarted = new Counter({
    name: 'codex_bridge_sessions_started_total',
    help: 'codex app-server sessions started',
    registers: [this.registry],
  });
  private readonly sessionsEnded = new Counter({
    name: 'codex_bridge_sessions_ended_total',
    help: 'codex app-server sessions ended, by reason (idle: idle-stopped, evicted: made room at MAX_SESSIONS, recycled: restarted after growing, crashed: exited on its own, shutdown)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly turnsFinished = new Counter({
    name: 'codex_bridge_turns_total',
    help: 'Turns that ended, by final status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly turnDuration = new Histogram({
    name: 'codex_bridge_turn_duration_seconds',
    help: 'Time from the start of a turn to its end',
    labelNames: ['status'],
    buckets: TURN_SECONDS,
    registers: [this.registry],
  });
  private readonly firstDelta = new Histogram({
    name: 'codex_bridge_turn_first_delta_seconds',
    help: 'Time from the start of a turn to its first streamed delta (message or reasoning text)',
    buckets: FIRST_DELTA_SECONDS,
    registers: [this.registry],
  });
  private readonly sseStreams = new Gauge({
    name: 'codex_bridge_sse_streams_open',
    help: 'Server-Sent Event streams open now',
    registers: [this.registry],
  });
  private readonly introspections = new Counter({
    name: 'codex_bridge_introspection_total',
    help: 'Keycloak token lookups by outcome (cache-hit, cache-miss) and failed introspection calls (idp-error)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly problems = new Counter({
    name: 'codex_bridge_problems_total',
    help: 'Error answers, by problem type slug and status',
    labelNames: ['type', 'status'],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // prom-client calls collect() on every scrape: values that are cheap to read are read then, not tracked.
    const sessionSource = (): SessionSource | undefined => this.sessions;
    const running = this.running;
    new Gauge({
      name: 'codex_bridge_sessions_active',
      help: 'codex app-server sessions running now',
      registers: [this.registry],
      collect() {
        this.set(sessionSource()?.activeSessions ?? 0);
      },
    });
    new Gauge({
      name: 'codex_bridge_approvals_waiting',
      help: 'Approval requests of running turns that nobody answered yet',
      registers: [this.registry],
      collect() {
        let waiting = 0;
        for (const run of running) waiting += run.approvals.size;
        this.set(waiting);
      },
    });
    new Gauge({
      name: 'codex_bridge_session_rss_bytes',
      help: "Resident memory of each session's process tree (jail, codex, its commands), read from /proc at scrape time",
      labelNames: ['user'],
      registers: [this.registry],
      collect() {
        this.reset();
        const processes = sessionSource()?.sessionProcesses() ?? [];
        const sizes = treeResidentBytes(processes.map((entry) => entry.pid));
        for (const { user, pid } of processes) this.set({ user }, sizes.get(pid) ?? 0);
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'codex_bridge_' });
  }

  /** Where active sessions and session pids come from (set once the session manager exists). */
  watch(sessions: SessionSource): void {
    this.sessions = sessions;
  }

  sessionStarted(): void {
    this.sessionsStarted.inc();
  }

  sessionEnded(reason: SessionEndReason): void {
    this.sessionsEnded.inc({ reason });
  }

  turnStarted(run: TurnRun): void {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    this.running.add(run);
    void this.timeFirstDelta(run, seconds);
    void run.done.then(() => {
      this.running.delete(run);
      const status = run.status;
      this.turnsFinished.inc({ status });
      this.turnDuration.observe({ status }, seconds());
    });
  }

  onIntrospection(outcome: 'cache-hit' | 'cache-miss' | 'idp-error'): void {
    this.introspections.inc({ outcome });
  }

  /** Counts one open SSE stream; the returned function ends it. */
  streamOpened(): () => void {
    this.sseStreams.inc();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.sseStreams.dec();
    };
  }

  problem(slug: string, status: number): void {
    this.problems.inc({ type: slug, status: String(status) });
  }

  /** The Prometheus text exposition. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async timeFirstDelta(run: TurnRun, seconds: () => number): Promise<void> {
    for await (const { event } of run.stream()) {
      if (event.type.endsWith('.delta')) {
        this.firstDelta.observe(seconds());
        return;
      }
    }
  }
}
