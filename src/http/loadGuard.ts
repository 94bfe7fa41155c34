import v8 from 'node:v8';
import type { Config } from '../config/env';
import { ServiceUnavailableError } from '../errors';

export interface MemoryReport {
  rss_bytes: number;
  heap_used_bytes: number;
  heap_limit_bytes: number;
  shedding: boolean;
}

/** How long a client should wait when the bridge sheds work for memory: about one GC and eviction cycle. */
const MEMORY_RETRY_AFTER_SECONDS = 15;

/**
 * The bridge's own memory: past MEMORY_SHED_HEAP_RATIO of V8's heap limit (or MEMORY_SHED_RSS_BYTES), it
 * first drops what it keeps only for convenience (finished turns' events), and if that is not enough it
 * refuses new turns with 503 until memory is back, instead of dying of "heap out of memory" with every
 * user's running turns.
 */
export class LoadGuard {
  constructor(
    private readonly config: Pick<Config, 'memoryShedHeapRatio' | 'memoryShedRssBytes'>,
    /** Frees what can be freed at once (finished turns' events); called before shedding. */
    private readonly relieve: () => void = () => undefined,
  ) {}

  memory(): MemoryReport {
    const heap = v8.getHeapStatistics();
    const rss = process.memoryUsage.rss();
    return {
      rss_bytes: rss,
      heap_used_bytes: heap.used_heap_size,
      heap_limit_bytes: heap.heap_size_limit,
      shedding: this.overLimit(heap.used_heap_size, heap.heap_size_limit, rss) !== undefined,
    };
  }

  /** Throws 503 `memory-pressure` when the bridge is near its ceiling even after relieving what it can. */
  assertCanTakeWork(): void {
    if (this.currentPressure() === undefined) return;
    this.relieve();
    const pressure = this.currentPressure();
    if (pressure === undefined) return;
    throw new ServiceUnavailableError(
      `the bridge is low on memory (${pressure}); it takes no new turns until memory is back`,
      MEMORY_RETRY_AFTER_SECONDS,
      'memory-pressure',
    );
  }

  private currentPressure(): string | undefined {
    const heap = v8.getHeapStatistics();
    return this.overLimit(heap.used_heap_size, heap.heap_size_limit, process.memoryUsage.rss());
  }

  private overLimit(heapUsed: number, heapLimit: number, rss: number): string | undefined {
    if (heapUsed >= heapLimit * this.config.memoryShedHeapRatio)
      return `heap ${mib(heapUsed)} of ${mib(heapLimit)} MiB, MEMORY_SHED_HEAP_RATIO=${this.config.memoryShedHeapRatio}`;
    if (this.config.memoryShedRssBytes > 0 && rss >= this.config.memoryShedRssBytes)
      return `RSS ${mib(rss)} MiB, MEMORY_SHED_RSS_BYTES=${this.config.memoryShedRssBytes}`;
    return undefined;
  }
}

function mib(bytes: number): number {
  return Math.round(bytes / 1048576);
}
