import { z } from 'zod';
import type { Logger } from '../logger';
import type { ArchivedTurn, TurnArchive } from '../codex/turnArchive';
import type { SequencedEvent, TurnRun } from '../codex/turnRun';
import type { LeaseKeeper } from './leases';
import type { ClusterKeys, ClusterRedis } from './redis';

/** Read back from Redis: checked as far as the bridge relies on it; the rest is what the bridge itself wrote. */
const storedTurn = z.object({
  state: z
    .object({
      thread_id: z.string(),
      turn_id: z.string(),
      status: z.enum(['running', 'completed', 'interrupted', 'failed']),
      last_event_id: z.number().int().nonnegative(),
      items: z.array(z.unknown()),
      events_truncated: z.boolean(),
      events_evicted: z.boolean(),
    })
    .loose(),
  threadCreated: z.boolean(),
  rawEvents: z.boolean(),
  replica: z.string(),
  token: z.number().int().nonnegative(),
  finishedAt: z.number().nullable(),
});
const storedEvent = z.object({ seq: z.number().int().positive(), event: z.object({ type: z.string() }).loose() });

export interface ArchiveLimits {
  /** Finished turns are kept this long (TURN_RETENTION_SECONDS). */
  retentionMs: number;
  /** A running turn's records outlive its deadline (TURN_TIMEOUT_SECONDS) by the retention. */
  turnTimeoutMs: number;
}

/**
 * Turn records in Redis: one JSON key per turn (state, with pending approvals) and one list of its events,
 * the same events the turn keeps in memory, so within TURN_EVENTS_MAX_BYTES, and dropped when the local
 * store drops them (USER_EVENTS_MAX_BYTES / EVENTS_MAX_BYTES). Every write is fenced by the user's lease.
 */
export class RedisTurnArchive implements TurnArchive {
  constructor(
    private readonly redis: ClusterRedis,
    private readonly keys: ClusterKeys,
    private readonly leases: LeaseKeeper,
    private readonly limits: ArchiveLimits,
    private readonly logger: Logger,
  ) {}

  follow(user: string, run: TurnRun): void {
    void this.track(user, run).catch((error: Error) =>
      this.logger.warn({ err: error.message, user, turnId: run.turnId }, 'could not record the turn in Redis'),
    );
  }

  async load(user: string, threadId: string, turnId: string): Promise<ArchivedTurn | undefined> {
    const [text, entries] = await Promise.all([
      this.redis.get(this.keys.turn(user, turnId)),
      this.redis.lrange(this.keys.turnEvents(user, turnId), 0, -1),
    ]);
    if (text === null) return undefined;
    const record = storedTurn.safeParse(parseJson(text));
    if (!record.success || record.data.state.thread_id !== threadId) return undefined;
    const events: SequencedEvent[] = [];
    for (const entry of record.data.state.events_evicted ? [] : entries) {
      const event = storedEvent.safeParse(parseJson(entry));
      if (event.success) events.push(event.data as unknown as SequencedEvent);
    }
    return { ...(record.data as unknown as ArchivedTurn), events };
  }

  async store(user: string, turn: ArchivedTurn): Promise<void> {
    const value = this.leases.valueOf(user);
    if (value === undefined) return;
    const { events, ...meta } = turn;
    await this.redis.del(this.keys.turnEvents(user, turn.state.turn_id));
    if (events.length > 0) await this.append(user, value, turn.state.turn_id, events, this.limits.retentionMs);
    await this.redis.fencedSet(this.keys.lease(user), this.keys.turn(user, turn.state.turn_id), value, JSON.stringify({ ...meta, token: this.leases.tokenOf(user) ?? 0 }), this.ttl(this.limits.retentionMs));
  }

  forget(user: string, _threadId: string, turnId: string, what: 'events' | 'turn'): void {
    const keys = what === 'turn' ? [this.keys.turn(user, turnId), this.keys.turnEvents(user, turnId)] : [this.keys.turnEvents(user, turnId)];
    const work =
      what === 'turn'
        ? this.redis.del(...keys)
        : this.redis.del(...keys).then(() => this.markEvicted(user, turnId));
    void work.catch((error: Error) => this.logger.warn({ err: error.message, user, turnId }, 'could not drop a turn record in Redis'));
  }

  private async markEvicted(user: string, turnId: string): Promise<void> {
    const key = this.keys.turn(user, turnId);
    const text = await this.redis.get(key);
    const record = text === null ? undefined : storedTurn.safeParse(parseJson(text));
    if (!record?.success) return;
    record.data.state.events_evicted = true;
    await this.redis.set(key, JSON.stringify(record.data), 'KEEPTTL');
  }

  /** The record at the start, the events as they come (batched by the round trips), the record again at the end. */
  private async track(user: string, run: TurnRun): Promise<void> {
    const value = this.leases.valueOf(user);
    const token = this.leases.tokenOf(user);
    if (value === undefined || token === undefined) return;
    const runningTtl = this.limits.turnTimeoutMs + this.limits.retentionMs;
    const write = (finishedAt: number | null, ttlMs: number): Promise<number> =>
      this.redis.fencedSet(
        this.keys.lease(user),
        this.keys.turn(user, run.turnId),
        value,
        JSON.stringify({ state: run.toState(), threadCreated: run.threadCreated, rawEvents: run.rawEvents, replica: this.leases.replicaId, token, finishedAt }),
        this.ttl(ttlMs),
      );
    if ((await write(null, runningTtl)) === 0) return this.fencedOut(user, run);
    for await (const batch of run.batches(0)) {
      if ((await this.append(user, value, run.turnId, batch, runningTtl)) === 0) return this.fencedOut(user, run);
      // Approvals waiting are part of the state others read.
      if (batch.some(({ event }) => event.type === 'approval.requested' || event.type === 'approval.resolved'))
        await write(null, runningTtl);
    }
    await this.redis.pexpire(this.keys.turnEvents(user, run.turnId), this.ttl(this.limits.retentionMs));
    await write(run.finishedAt ?? Date.now(), this.limits.retentionMs);
  }

  private append(user: string, value: string, turnId: string, events: SequencedEvent[], ttlMs: number): Promise<number> {
    return this.redis.fencedAppend(this.keys.lease(user), this.keys.turnEvents(user, turnId), value, this.ttl(ttlMs), ...events.map((event) => JSON.stringify(event)));
  }

  private fencedOut(user: string, run: TurnRun): void {
    this.logger.warn({ user, turnId: run.turnId }, 'a newer owner holds the user: this replica no longer writes the turn');
  }

  /** Redis refuses a TTL of 0; a retention of 0 keeps a record for a moment only. */
  private ttl(ms: number): number {
    return Math.max(1000, Math.round(ms));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
