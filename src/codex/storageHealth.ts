import fs from 'node:fs/promises';

/** Where storage trouble was seen: the user data directory, codex's threads, the bridge's usage records. */
export type StorageProblemSource = 'data_dir' | 'threads' | 'usage';

export interface StorageProblem {
  source: StorageProblemSource;
  message: string;
  at: string;
}

export interface StorageReport {
  free_bytes: number | null;
  total_bytes: number | null;
  /** Less than STORAGE_MIN_FREE_BYTES free in BASE_DATA_DIR. */
  low_space: boolean;
  problems: StorageProblem[];
}

const STATFS_TIMEOUT_MS = 2000;

/**
 * What the bridge knows about its storage: free space, read when asked, and the latest failure of each kind,
 * until a later success of the same kind clears it. Shown in /status so that operators see trouble early.
 */
export class StorageHealth {
  private readonly problems = new Map<StorageProblemSource, StorageProblem>();

  constructor(
    private readonly directory: string,
    private readonly minFreeBytes: number,
  ) {}

  report(source: StorageProblemSource, message: string): void {
    this.problems.set(source, { source, message, at: new Date().toISOString() });
  }

  clear(source: StorageProblemSource): void {
    this.problems.delete(source);
  }

  /** Free bytes for an unprivileged writer, or undefined when the filesystem does not answer in time. */
  async freeBytes(): Promise<{ free: number; total: number } | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const stats = await Promise.race([
        fs.statfs(this.directory).catch(() => fs.statfs(parentOrRoot(this.directory))),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), STATFS_TIMEOUT_MS);
          timer.unref();
        }),
      ]);
      if (!stats) return undefined;
      return { free: stats.bavail * stats.bsize, total: stats.blocks * stats.bsize };
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  async check(extraProblems: StorageProblem[] = []): Promise<StorageReport> {
    const space = await this.freeBytes();
    return {
      free_bytes: space?.free ?? null,
      total_bytes: space?.total ?? null,
      low_space: space !== undefined && space.total > 0 && space.free < this.minFreeBytes,
      problems: [...this.problems.values(), ...extraProblems],
    };
  }
}

function parentOrRoot(directory: string): string {
  const parts = directory.split('/').filter(Boolean);
  return `/${parts.slice(0, -1).join('/')}`;
}

/** ENOSPC and EDQUOT, as errno names or as codex and the OS word them. */
export function isOutOfSpace(text: string): boolean {
  return /ENOSPC|EDQUOT|no space left|quota exceeded|os error 28|os error 122/i.test(text);
}
