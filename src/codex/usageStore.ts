import fs from 'node:fs/promises';
import path from 'node:path';
import type { Usage } from './bridgeEvents';

/**
 * Codex reports a thread's token total only while a turn runs, and does not persist it where
 * app-server can read it back, so the bridge keeps the last total per thread beside CODEX_HOME's files.
 */
export class UsageStore {
  private readonly directory: string;
  /** Writes in order; reads wait for them, so a turn's usage is readable as soon as the turn has ended. */
  private writes: Promise<void> = Promise.resolve();
  /** The latest failed save, until a later save succeeds: shown in /status, since usage is lost otherwise. */
  saveError: { message: string; at: string } | undefined;

  constructor(codexHome: string) {
    this.directory = path.join(codexHome, 'bridge', 'usage');
  }

  save(threadId: string, usage: Usage): Promise<void> {
    const write = this.writes.then(async () => {
      await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
      const file = this.fileFor(threadId);
      await fs.writeFile(`${file}.tmp`, JSON.stringify(usage));
      await fs.rename(`${file}.tmp`, file);
    });
    this.writes = write.then(
      () => void (this.saveError = undefined),
      // The errno name only: /status is public, and the message names paths.
      (error: NodeJS.ErrnoException) =>
        void (this.saveError = { message: `saving token usage failed: ${error.code ?? 'error'}`, at: new Date().toISOString() }),
    );
    return write;
  }

  async load(threadId: string): Promise<Usage | null> {
    await this.writes;
    try {
      return JSON.parse(await fs.readFile(this.fileFor(threadId), 'utf8')) as Usage;
    } catch {
      return null;
    }
  }

  /** Sums every thread's total: the user's usage under this bridge. */
  async totals(): Promise<{ usage: Usage; threads: number }> {
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
      const thread = await this.load(file.slice(0, -'.json'.length));
      if (!thread) continue;
      for (const key of Object.keys(usage) as Array<keyof Usage>) usage[key] += thread[key];
    }
    return { usage, threads: files.length };
  }

  private fileFor(threadId: string): string {
    // Thread ids are validated by the HTTP layer; basename keeps a bad one from leaving the folder anyway.
    return path.join(this.directory, `${path.basename(threadId)}.json`);
  }
}
