import { Redis } from 'ioredis';
import type { Logger } from '../logger';

/*
 * The few atomic steps the cluster needs, as Lua scripts Redis runs whole. A lease is one key holding
 * `replica|incarnation|token`, set NX with a TTL; the token comes from INCR on a counter that never goes
 * back, so every new holder of a user has a larger one (the fencing token). Renewing, releasing and
 * every write of shared records compare the whole value first: a replica whose lease expired cannot
 * extend it, free someone else's, or overwrite what the new owner wrote.
 */

const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current} end
local token = redis.call('INCR', KEYS[2])
local value = ARGV[1] .. '|' .. token
redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2])
return {token, value}`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** KEYS: lease, record; ARGV: lease value, JSON, TTL ms. */
const FENCED_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS: lease, list; ARGV: lease value, TTL ms, entries... */
const FENCED_APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('RPUSH', KEYS[2], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

export interface ClusterRedis extends Redis {
  leaseAcquire(lease: string, counter: string, holder: string, ttlMs: number): Promise<[number, string]>;
  leaseRenew(lease: string, value: string, ttlMs: number): Promise<number>;
  leaseRelease(lease: string, value: string): Promise<number>;
  fencedSet(lease: string, key: string, value: string, json: string, ttlMs: number): Promise<number>;
  fencedAppend(lease: string, key: string, value: string, ttlMs: number, ...entries: string[]): Promise<number>;
}

/**
 * ioredis: reconnects by itself, runs scripts by SHA with a fallback to EVAL (defineCommand), and fails
 * a command after `commandTimeout` instead of queueing it forever, which the lease deadline relies on.
 */
export function connectRedis(url: string, commandTimeoutMs: number, logger: Logger): ClusterRedis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: Math.max(1000, commandTimeoutMs),
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  }) as ClusterRedis;
  redis.defineCommand('leaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
  redis.defineCommand('leaseRenew', { numberOfKeys: 1, lua: RENEW });
  redis.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand('fencedSet', { numberOfKeys: 2, lua: FENCED_SET });
  redis.defineCommand('fencedAppend', { numberOfKeys: 2, lua: FENCED_APPEND });
  let reported = false;
  redis.on('error', (error: Error) => {
    // ioredis repeats the error at every reconnection attempt: once is enough until it is back.
    if (!reported) logger.error({ err: error.message }, 'Redis unreachable (REDIS_URL); retrying');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('Redis reachable again');
    reported = false;
  });
  return redis;
}

/** Every key the bridge writes, under CLUSTER_KEY_PREFIX. */
export class ClusterKeys {
  constructor(private readonly prefix: string) {}

  lease(user: string): string {
    return `${this.prefix}:lease:${user}`;
  }

  fence(user: string): string {
    return `${this.prefix}:fence:${user}`;
  }

  replica(id: string): string {
    return `${this.prefix}:replica:${id}`;
  }

  turn(user: string, turnId: string): string {
    return `${this.prefix}:turn:${user}:${turnId}`;
  }

  turnEvents(user: string, turnId: string): string {
    return `${this.prefix}:turn-events:${user}:${turnId}`;
  }
}
