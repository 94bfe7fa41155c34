import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { UserOwnership } from '../codex/ownership';
import type { ClusterKeys, ClusterRedis } from './redis';

export interface LeaseHolder {
  replica: string;
  incarnation: string;
  token: number;
}

interface HeldLease {
  value: string;
  token: number;
  /** Local time until which the lease is certainly still ours: the start of the last good renewal + TTL. */
  validUntil: number;
  lastUsedAt: number;
}

export interface LeaseState {
  user: string;
  token: number;
  expiresInMs: number;
}

/** `replica|incarnation|token`, as written by the acquire script. */
export function parseHolder(value: string): LeaseHolder | undefined {
  const [replica, incarnation, token] = value.split('|');
  if (!replica || !incarnation || token === undefined || !/^\d+$/.test(token)) return undefined;
  return { replica, incarnation, token: Number(token) };
}

/**
 * This replica's leases on users (Redis keys with a TTL, see redis.ts), renewed every fifth of the TTL
 * while the user's session lives or the user was served lately. A lease that cannot be renewed before
 * `validUntil - margin` (Redis down, or someone else holds it now) is lost: the session manager then
 * stops the user's codex at once, while the key may not yet have expired for anyone else.
 */
export class LeaseKeeper implements UserOwnership {
  private readonly held = new Map<string, HeldLease>();
  private readonly lostListeners: Array<(user: string) => void> = [];
  private renewTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private renewing = false;
  /** Whether the user still needs the lease besides recent requests (a session runs or starts). */
  inUse: (user: string) => boolean = () => false;
  lost = 0;

  constructor(
    private readonly redis: ClusterRedis,
    private readonly keys: ClusterKeys,
    readonly replicaId: string,
    readonly incarnation: string,
    readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  /** Lost before this much of the TTL is left, so that codex is gone before anyone else may start one. */
  private get marginMs(): number {
    return Math.min(2000, this.leaseMs / 4);
  }

  start(): void {
    // Four chances to renew before the margin: one slow round trip on a busy machine costs no lease.
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(200, this.leaseMs / 5));
    this.renewTimer.unref();
    this.deadlineTimer = setInterval(() => this.checkDeadlines(), Math.max(100, Math.min(500, this.leaseMs / 10)));
    this.deadlineTimer.unref();
  }

  stop(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.deadlineTimer) clearInterval(this.deadlineTimer);
  }

  /** The user's lease is ours and safe for a while: no Redis round trip. */
  holds(user: string): boolean {
    const lease = this.held.get(user);
    return lease !== undefined && lease.validUntil - this.marginMs > Date.now();
  }

  touch(user: string): void {
    const lease = this.held.get(user);
    if (lease) lease.lastUsedAt = Date.now();
  }

  tokenOf(user: string): number | undefined {
    return this.holds(user) ? this.held.get(user)?.token : undefined;
  }

  /** The whole lease value, which fenced writes compare. */
  valueOf(user: string): string | undefined {
    return this.holds(user) ? this.held.get(user)?.value : undefined;
  }

  onLost(listener: (user: string) => void): void {
    this.lostListeners.push(listener);
  }

  /** Takes the user's lease when nobody holds it; returns who holds it otherwise. */
  async tryAcquire(user: string): Promise<{ acquired: true } | { acquired: false; holder: LeaseHolder | undefined; value: string }> {
    if (this.holds(user)) {
      this.touch(user);
      return { acquired: true };
    }
    const startedAt = Date.now();
    const [token, value] = await this.redis.leaseAcquire(
      this.keys.lease(user),
      this.keys.fence(user),
      `${this.replicaId}|${this.incarnation}`,
      this.leaseMs,
    );
    if (token === 0) return { acquired: false, holder: parseHolder(value), value };
    this.held.set(user, { value, token, validUntil: startedAt + this.leaseMs, lastUsedAt: Date.now() });
    this.logger.info({ user, token }, 'took the lease of the user');
    return { acquired: true };
  }

  async claim(user: string): Promise<void> {
    let outcome: Awaited<ReturnType<LeaseKeeper['tryAcquire']>>;
    try {
      outcome = await this.tryAcquire(user);
    } catch (error) {
      throw new ServiceUnavailableError(`Redis (REDIS_URL) cannot be reached to take the user's lease: ${(error as Error).message}`, 5, 'cluster-unavailable');
    }
    if (outcome.acquired) return;
    throw new ServiceUnavailableError(
      `the user is served by another bridge replica (${outcome.holder?.replica ?? 'unknown'}) right now; try again shortly`,
      1,
      'user-owned-elsewhere',
    );
  }

  async release(user: string): Promise<void> {
    const lease = this.held.get(user);
    if (!lease) return;
    this.held.delete(user);
    try {
      await this.redis.leaseRelease(this.keys.lease(user), lease.value);
      this.logger.info({ user, token: lease.token }, 'gave up the lease of the user');
    } catch (error) {
      // It expires on its own within the TTL.
      this.logger.warn({ err: (error as Error).message, user }, 'could not release a lease; it expires by itself');
    }
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.held.keys()].map((user) => this.release(user)));
  }

  /** Who holds the user's lease now, and for how much longer. */
  async holderOf(user: string): Promise<{ holder: LeaseHolder | undefined; ttlMs: number } | undefined> {
    const key = this.keys.lease(user);
    const [value, ttlMs] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    if (value === null) return undefined;
    return { holder: parseHolder(value), ttlMs: Math.max(0, ttlMs) };
  }

  states(now = Date.now()): LeaseState[] {
    return [...this.held.entries()].map(([user, lease]) => ({ user, token: lease.token, expiresInMs: Math.max(0, lease.validUntil - now) }));
  }

  get ownedUsers(): number {
    return this.held.size;
  }

  private async renewAll(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      const now = Date.now();
      await Promise.all(
        [...this.held.entries()].map(async ([user, lease]) => {
          if (!this.inUse(user) && now - lease.lastUsedAt >= this.leaseMs) {
            await this.release(user);
            return;
          }
          const startedAt = Date.now();
          try {
            const renewed = await this.redis.leaseRenew(this.keys.lease(user), lease.value, this.leaseMs);
            if (this.held.get(user) !== lease) return;
            if (renewed === 1) lease.validUntil = startedAt + this.leaseMs;
            else this.lose(user, 'the lease is no longer ours');
          } catch (error) {
            // Tried again at the next round; checkDeadlines gives up in time.
            this.logger.warn({ err: (error as Error).message, user }, 'could not renew a lease');
          }
        }),
      );
    } finally {
      this.renewing = false;
    }
  }

  private checkDeadlines(): void {
    const now = Date.now();
    for (const [user, lease] of this.held) {
      if (lease.validUntil - this.marginMs <= now) this.lose(user, 'not renewed in time (Redis unreachable?)');
    }
  }

  private lose(user: string, why: string): void {
    if (!this.held.delete(user)) return;
    this.lost += 1;
    this.logger.error({ user, why }, "lost the user's lease; stopping their codex");
    for (const listener of this.lostListeners) listener(user);
  }
}
