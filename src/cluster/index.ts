import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ClusterConfig } from '../config/env';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { SessionPlacement } from '../codex/sessionManager';
import { Forwarder } from './forward';
import { LeaseKeeper, type LeaseHolder } from './leases';
import { ClusterKeys, connectRedis, type ClusterRedis } from './redis';
import { ReplicaRegistry } from './registry';
import { RedisTurnArchive, type ArchiveLimits } from './turnArchive';

export { FORWARDED_HEADER, FORWARD_KEY_HEADER } from './forward';

export type Route =
  | { kind: 'local' }
  | { kind: 'forward'; url: string; replica: string }
  | { kind: 'unavailable'; error: ServiceUnavailableError };

export interface ClusterStatus {
  replica_id: string;
  redis: 'up' | 'down';
  draining: boolean;
  lease_seconds: number;
  owned_users: number;
  /** Users appear as the first 12 hex digits of the SHA-256 of their directory name: /status is public. */
  leases: Array<{ user: string; token: number; expires_in_seconds: number }>;
  forwarded_requests: number;
  leases_lost: number;
}

/** The opaque name of a user in /status: `printf %s "$USER_DIR" | sha256sum | cut -c1-12`. */
export function userHandle(user: string): string {
  return createHash('sha256').update(user, 'utf8').digest('hex').slice(0, 12);
}

/**
 * Several bridge replicas on one user base (REDIS_URL): who owns which user (leases with fencing tokens),
 * where each replica is, turn records all of them read, and the forwarding of a request to the owner.
 */
export class Cluster {
  readonly leases: LeaseKeeper;
  readonly archive: RedisTurnArchive;
  readonly forwarder: Forwarder;
  private readonly registry: ReplicaRegistry;
  private readonly incarnation = randomUUID().slice(0, 8);
  private draining = false;
  /** Shared by the replicas through Redis: proves a request was forwarded by one of them, not sent by a client. */
  private forwardKey = Buffer.alloc(0);

  private constructor(
    readonly config: ClusterConfig,
    private readonly redis: ClusterRedis,
    limits: ArchiveLimits,
    private readonly logger: Logger,
  ) {
    const keys = new ClusterKeys(config.keyPrefix);
    this.leases = new LeaseKeeper(redis, keys, config.replicaId, this.incarnation, config.leaseMs, logger);
    this.archive = new RedisTurnArchive(redis, keys, this.leases, limits, logger);
    this.registry = new ReplicaRegistry(redis, keys, { id: config.replicaId, url: config.advertiseUrl, incarnation: this.incarnation }, config.leaseMs, logger);
    this.forwarder = new Forwarder(config.replicaId);
  }

  /** Connects to Redis (the bridge does not start without it) and announces this replica. */
  static async start(config: ClusterConfig, limits: ArchiveLimits, logger: Logger): Promise<Cluster> {
    const log = logger.child({ component: 'cluster', replica: config.replicaId });
    const redis = connectRedis(config.redisUrl, Math.max(500, Math.floor(config.leaseMs / 4)), log);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new ClusterUnavailableError(`REDIS_URL: cannot reach Redis at ${redactedUrl(config.redisUrl)} (${(error as Error).message})`);
    }
    const cluster = new Cluster(config, redis, limits, log);
    const keyName = `${config.keyPrefix}:forward-key`;
    await redis.set(keyName, randomBytes(32).toString('hex'), 'NX');
    cluster.forwardKey = Buffer.from((await redis.get(keyName)) ?? '', 'utf8');
    cluster.forwarder.key = cluster.forwardKey.toString('utf8');
    await cluster.registry.start();
    cluster.leases.start();
    log.info({ advertise: config.advertiseUrl, leaseSeconds: config.leaseMs / 1000 }, 'joined the cluster');
    return cluster;
  }

  placement(): SessionPlacement {
    return { ownership: this.leases, archive: this.archive, replicaId: this.config.replicaId };
  }

  get redisUp(): boolean {
    return this.redis.status === 'ready';
  }

  /** Where a request of `user` is served: here (taking the lease if nobody has it), at the owner, or not now. */
  async route(user: string): Promise<Route> {
    if (this.leases.holds(user)) {
      this.leases.touch(user);
      return { kind: 'local' };
    }
    let holder: { holder: LeaseHolder | undefined; ttlMs: number } | undefined;
    try {
      if (!this.draining) {
        const outcome = await this.leases.tryAcquire(user);
        if (outcome.acquired) return { kind: 'local' };
      }
      holder = await this.leases.holderOf(user);
    } catch (error) {
      return unavailable(`Redis (REDIS_URL) cannot be reached: ${(error as Error).message}`, 5, 'cluster-unavailable');
    }
    if (!holder) {
      // Draining: this replica takes no user; the proxy retries the request on another one.
      return unavailable('this bridge replica is draining and takes no new users; try again', 1, 'replica-draining');
    }
    const retryAfter = Math.max(1, Math.ceil(holder.ttlMs / 1000));
    const owner = holder.holder;
    const record = owner ? await this.registry.lookup(owner.replica).catch(() => undefined) : undefined;
    if (!owner || !record || record.incarnation !== owner.incarnation || owner.replica === this.config.replicaId) {
      return unavailable(
        `the bridge replica that served this user (${owner?.replica ?? 'unknown'}) stopped; the user moves to another replica once its lease expires, within ${retryAfter} s`,
        retryAfter,
        'owner-unreachable',
      );
    }
    return { kind: 'forward', url: record.url, replica: owner.replica };
  }

  /** Whether a request came from another replica (then it is served here, never forwarded again). */
  isForwarded(key: string | undefined): boolean {
    if (key === undefined || this.forwardKey.length === 0) return false;
    const given = Buffer.from(key, 'utf8');
    return given.length === this.forwardKey.length && timingSafeEqual(given, this.forwardKey);
  }

  /** The owner did not answer: it died since the lease was read. The user moves once the lease expires. */
  ownerUnreachable(replica: string): ServiceUnavailableError {
    const seconds = Math.ceil(this.config.leaseMs / 1000);
    return new ServiceUnavailableError(`the bridge replica that serves this user (${replica}) does not answer; the user moves to another replica within ${seconds} s`, seconds, 'owner-unreachable');
  }

  /** SIGTERM: others learn this replica is draining; leases of users with no session go at once. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.registry.markDraining();
    await Promise.all(this.leases.states().filter(({ user }) => !this.leases.inUse(user)).map(({ user }) => this.leases.release(user)));
  }

  status(): ClusterStatus {
    return {
      replica_id: this.config.replicaId,
      redis: this.redisUp ? 'up' : 'down',
      draining: this.draining,
      lease_seconds: this.config.leaseMs / 1000,
      owned_users: this.leases.ownedUsers,
      leases: this.leases.states().map(({ user, token, expiresInMs }) => ({ user: userHandle(user), token, expires_in_seconds: Math.round(expiresInMs / 100) / 10 })),
      forwarded_requests: this.forwarder.forwarded,
      leases_lost: this.leases.lost,
    };
  }

  registerMetrics(registry: Registry): void {
    // prom-client's collect() gets the metric as `this`.
    const leases = this.leases;
    const forwarder = this.forwarder;
    const redisUp = (): boolean => this.redisUp;
    new Gauge({
      name: 'codex_bridge_cluster_owned_users',
      help: 'Users whose lease this replica holds',
      registers: [registry],
      collect() {
        this.set(leases.ownedUsers);
      },
    });
    new Gauge({
      name: 'codex_bridge_cluster_lease_remaining_seconds',
      help: "Time left on each lease this replica holds before it must be renewed (user: the handle /status shows)",
      labelNames: ['user'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { user, expiresInMs } of leases.states()) this.set({ user: userHandle(user) }, expiresInMs / 1000);
      },
    });
    new Gauge({
      name: 'codex_bridge_cluster_redis_up',
      help: '1 while Redis (REDIS_URL) is connected',
      registers: [registry],
      collect() {
        this.set(redisUp() ? 1 : 0);
      },
    });
    new Counter({
      name: 'codex_bridge_cluster_forwarded_requests_total',
      help: 'Requests this replica passed to the owner of their user',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(forwarder.forwarded);
      },
    });
    new Counter({
      name: 'codex_bridge_cluster_leases_lost_total',
      help: 'Leases this replica could not renew in time (their codex was stopped)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(leases.lost);
      },
    });
  }

  /** After the sessions stopped: every lease is handed over, this replica leaves the registry. */
  async close(): Promise<void> {
    this.leases.stop();
    await this.leases.releaseAll();
    await this.registry.stop();
    this.forwarder.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    this.logger.info('left the cluster');
  }
}

/** Start-up refused: REDIS_URL is set but Redis cannot be reached. */
export class ClusterUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterUnavailableError';
  }
}

function unavailable(detail: string, retryAfterSeconds: number, slug: string): Route {
  return { kind: 'unavailable', error: new ServiceUnavailableError(detail, retryAfterSeconds, slug) };
}

/** The password of a redis:// URL never reaches a log or an error. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
