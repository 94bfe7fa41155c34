import { z } from 'zod';
import type { Logger } from '../logger';
import type { ClusterKeys, ClusterRedis } from './redis';

const replicaRecord = z.object({ url: z.url(), incarnation: z.string(), draining: z.boolean() });
export type ReplicaRecord = z.infer<typeof replicaRecord>;

/**
 * Where each replica can be reached, kept alive by a heartbeat with the lease TTL: a replica that died
 * disappears from here on its own, and a restarted one (same name, new incarnation) is told apart.
 */
export class ReplicaRegistry {
  private timer: NodeJS.Timeout | undefined;
  private draining = false;

  constructor(
    private readonly redis: ClusterRedis,
    private readonly keys: ClusterKeys,
    private readonly self: { id: string; url: string; incarnation: string },
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((error: Error) => this.logger.warn({ err: error.message }, 'replica heartbeat failed')), Math.max(200, this.ttlMs / 3));
    this.timer.unref();
  }

  async markDraining(): Promise<void> {
    this.draining = true;
    await this.beat().catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const key = this.keys.replica(this.self.id);
    // Only our own entry: a successor with the same name may have written its own already.
    const current = await this.lookup(this.self.id).catch(() => undefined);
    if (current?.incarnation === this.self.incarnation) await this.redis.del(key).catch(() => undefined);
  }

  async lookup(id: string): Promise<ReplicaRecord | undefined> {
    const text = await this.redis.get(this.keys.replica(id));
    if (text === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = replicaRecord.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  private async beat(): Promise<void> {
    const record: ReplicaRecord = { url: this.self.url, incarnation: this.self.incarnation, draining: this.draining };
    await this.redis.set(this.keys.replica(this.self.id), JSON.stringify(record), 'PX', this.ttlMs);
  }
}
