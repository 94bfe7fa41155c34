import fs from 'node:fs/promises';
import path from 'node:path';
import { InternalError } from '../errors';
import type { Logger } from '../logger';
import { addMetered, meteredUsageSchema, ZERO_METERED, type MeteredUsage } from '../relay/metering';
import { usageSchema, type Usage } from './bridgeEvents';

/** Read back from disk: codex never reports negative counts, so a record that has one was not written by the bridge. */
const storedUsage = usageSchema.refine((usage) => Object.values(usage).every((count) => count >= 0));

/**
 * Codex reports a thread's token total only while a turn runs, and does not persist it where
 * app-server can read it back, so the bridge keeps the last total per thread in its own records
 * (users/<dir>/bridge/, outside every jail). What is read back is checked: a record that fails its
 * schema is an error, never data.
 */
export class UsageStore {
  private readonly directory: string;
  private readonly meteredFile: string;
  /** Writes in order; reads wait for them, so a turn's usage is readable as soon as the turn has ended. */
  private writes: Promise<void> = Promise.resolve();
  private metered: MeteredUsage | undefined;
  /** The latest failed save, until a later save succeeds: shown in /status, since usage is lost otherwise. */
  saveError: { message: string; at: string } | undefined;

  constructor(
    records: string,
    private readonly logger: Logger,
  ) {
    this.directory = path.join(records, 'usage');
    this.meteredFile = path.join(records, 'metered.json');
  }

  save(threadId: string, usage: Usage): Promise<void> {
    const write = this.enqueue(() => writeAtomically(this.fileFor(threadId), JSON.stringify(usage)));
    write.then(
      () => void (this.saveError = undefined),
      // The errno name only: /status is public, and the message names paths.
      (error: NodeJS.ErrnoException) =>
        void (this.saveError = { message: `saving token usage failed: ${error.code ?? 'error'}`, at: new Date().toISOString() }),
    );
    return write;
  }

  /** Adds what the model relay counted for one response. */
  addMetered(usage: MeteredUsage): Promise<void> {
    return this.enqueue(async () => {
      this.metered = addMetered(this.metered ?? (await this.readMetered()), usage);
      await writeAtomically(this.meteredFile, JSON.stringify(this.metered));
    });
  }

  /** Forgets a thread that was deleted for good. */
  remove(threadId: string): Promise<void> {
    return this.enqueue(() => fs.rm(this.fileFor(threadId), { force: true }));
  }

  /** Resolves once every write asked for so far is on disk (or has failed). */
  flush(): Promise<void> {
    return this.writes;
  }

  async load(threadId: string): Promise<Usage | null> {
    await this.writes;
    return this.read(this.fileFor(threadId));
  }

  /** Sums every thread's total: the user's usage under this bridge, and what the relay metered. */
  async totals(): Promise<{ usage: Usage; threads: number; metered: MeteredUsage | null }> {
    await this.writes;
    const usage: Usage = {
      input_tokens: 0,
      cached_input_tokens: 0,
      output_tokens: 0,
      reasoning_output_tokens: 0,
      total_tokens: 0,
    };
    const files = await fs
      .readdir(this.directory)
      .then((names) => names.filter((name) => name.endsWith('.json')))
      .catch(() => []);
    for (const file of files) {
      const thread = await this.read(path.join(this.directory, file));
      if (!thread) continue;
      for (const key of Object.keys(usage) as Array<keyof Usage>) usage[key] += thread[key];
    }
    const metered = this.metered ?? (await this.readMetered());
    return { usage, threads: files.length, metered: metered.responses > 0 ? metered : null };
  }

  private enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.writes.then(write);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async readMetered(): Promise<MeteredUsage> {
    const text = await fs.readFile(this.meteredFile, 'utf8').catch(() => undefined);
    if (text === undefined) return ZERO_METERED;
    return this.parse(this.meteredFile, text, meteredUsageSchema);
  }

  private async read(file: string): Promise<Usage | null> {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    return text === undefined ? null : this.parse(file, text, storedUsage);
  }

  private parse<T>(file: string, text: string, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): T {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.logger.error({ file }, 'a usage record of the bridge is corrupt');
    throw new InternalError(`the bridge's usage record ${path.basename(file)} is corrupt; see the bridge's log`, 'usage-record-corrupt');
  }

  private fileFor(threadId: string): string {
    // Thread ids are validated by the HTTP layer; basename keeps a bad one from leaving the folder anyway.
    return path.join(this.directory, `${path.basename(threadId)}.json`);
  }
}

/** Two saves per turn: the folder is made only when a write finds it missing, not before every one. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp`;
  try {
    await fs.writeFile(temporary, content, { mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.writeFile(temporary, content, { mode: 0o600 });
  }
  await fs.rename(temporary, file);
}
