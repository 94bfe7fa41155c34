import { createHash } from 'node:crypto';

/** Cache keys are token hashes so that a heap dump or a debugger never shows a usable token. */
export function tokenCacheKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/**
 * A size-bounded cache whose entries expire on their own deadline; when full, the least recently
 * used entry goes. A Map keeps insertion order, so re-inserting on every hit makes its first key the
 * least recently used one.
 */
export class ExpiringLruCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAtMs <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `ttlMs`; a TTL of zero or less stores nothing. */
  set(key: string, value: T, ttlMs: number): void {
    this.entries.delete(key);
    if (!(ttlMs > 0)) return;
    this.entries.set(key, { value, expiresAtMs: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
