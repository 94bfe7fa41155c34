import fs from 'node:fs/promises';
import path from 'node:path';

/** The data directory cannot be prepared: `code` is the errno name (ENOSPC, EROFS...) or `ETIMEDOUT`. */
export class DataDirectoryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataDirectoryError';
  }
}

/**
 * `mkdir -p` that always settles: Node's recursive mkdir never settles under /proc (it retries ENOENT
 * without end), and a dead network filesystem can hang any call. Each level is made once, and the whole
 * is bounded by `timeoutMs` (the stuck call may go on in the background; nobody waits for it).
 */
export async function prepareDirectory(directory: string, mode: number, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DataDirectoryError('ETIMEDOUT', `preparing ${directory} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    await Promise.race([makeWritable(directory, mode), timeout]);
  } catch (error) {
    if (error instanceof DataDirectoryError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new DataDirectoryError(code, `cannot prepare ${directory}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function makeWritable(directory: string, mode: number): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    if (await exists(current)) break;
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const level of missing) {
    await fs.mkdir(level, { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  await fs.chmod(directory, mode);
  await fs.access(directory, fs.constants.W_OK);
}

async function exists(target: string): Promise<boolean> {
  try {
    await fs.stat(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
