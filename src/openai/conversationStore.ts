import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { userDirectoryName } from '../codex/userDirectory';
import { parseResponseId } from './ids';
import type { ResponseSettings } from './responseObject';

/*
 * What the OpenAI routes remember per user, beside codex's own threads: for Chat Completions, the
 * conversation hash each thread has reached; for Responses, the settings of each response (model,
 * instructions, metadata...). One JSON file per user in BASE_DATA_DIR/openai, outside CODEX_HOME, so
 * the user's agent can neither read nor forge it. Bounded: the latest MAX_ENTRIES of each.
 */

export const MAX_ENTRIES = 1000;

const responseSettingsSchema = z.object({
  createdAt: z.number().int(),
  model: z.string(),
  instructions: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  previousResponseId: z.string().nullable(),
  store: z.boolean(),
  background: z.boolean(),
});

const fileSchema = z.object({
  version: z.literal(1),
  /** Thread id -> the hash of the conversation it has reached, and when. */
  chatHeads: z.record(z.string(), z.object({ hash: z.string(), at: z.number() })),
  responses: z.record(z.string(), responseSettingsSchema),
});

type UserState = z.infer<typeof fileSchema>;

function emptyState(): UserState {
  return { version: 1, chatHeads: {}, responses: {} };
}

/**
 * Keeps the newest `max` entries of a record, by `at`; entries of the same millisecond by insertion
 * order (the later the newer), which is why a changed entry is deleted and inserted again.
 */
function bounded<T>(entries: Record<string, T>, max: number, age: (value: T) => number): Record<string, T> {
  const list = Object.entries(entries).map((entry, index) => ({ entry, index }));
  if (list.length <= max) return entries;
  const newestFirst = list.sort((a, b) => age(b.entry[1]) - age(a.entry[1]) || b.index - a.index);
  return Object.fromEntries(newestFirst.slice(0, max).map(({ entry }) => entry));
}

export class ConversationStore {
  private readonly states = new Map<string, Promise<UserState>>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly directory: string,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** The thread whose conversation so far hashes to `hash`, if this user has one. */
  async threadAt(userId: string, hash: string): Promise<string | undefined> {
    const state = await this.stateOf(userId);
    return Object.entries(state.chatHeads).find(([, head]) => head.hash === hash)?.[0];
  }

  /** Records that the thread's conversation now hashes to `hash` (after a turn answered it). */
  async advanceChat(userId: string, threadId: string, hash: string): Promise<void> {
    const state = await this.stateOf(userId);
    delete state.chatHeads[threadId];
    delete state.chatHeads[threadId];
    state.chatHeads[threadId] = { hash, at: Date.now() };
    state.chatHeads = bounded(state.chatHeads, MAX_ENTRIES, (head) => head.at);
    await this.persist(userId, state);
  }

  /** Forgets a thread that no longer exists (archived), so its conversation starts a new one. */
  async forgetChat(userId: string, threadId: string): Promise<void> {
    const state = await this.stateOf(userId);
    if (!(threadId in state.chatHeads)) return;
    delete state.chatHeads[threadId];
    await this.persist(userId, state);
  }

  /** Forgets everything recorded about a thread deleted for good: its chat head and its responses' settings. */
  async forgetThread(userId: string, threadId: string): Promise<void> {
    const state = await this.stateOf(userId);
    const responses = Object.keys(state.responses).filter((id) => parseResponseId(id)?.threadId === threadId);
    if (!(threadId in state.chatHeads) && responses.length === 0) return;
    delete state.chatHeads[threadId];
    for (const id of responses) delete state.responses[id];
    await this.persist(userId, state);
  }

  async saveResponse(userId: string, responseId: string, settings: ResponseSettings): Promise<void> {
    const state = await this.stateOf(userId);
    delete state.responses[responseId];
    state.responses[responseId] = settings;
    state.responses = bounded(state.responses, MAX_ENTRIES, (entry) => entry.createdAt);
    await this.persist(userId, state);
  }

  async responseSettings(userId: string, responseId: string): Promise<ResponseSettings | undefined> {
    return (await this.stateOf(userId)).responses[responseId];
  }

  private fileOf(userId: string): string {
    return path.join(this.directory, `${userDirectoryName(userId)}.json`);
  }

  private stateOf(userId: string): Promise<UserState> {
    const key = userDirectoryName(userId);
    let state = this.states.get(key);
    if (!state) {
      state = this.load(userId);
      this.states.set(key, state);
    }
    return state;
  }

  private async load(userId: string): Promise<UserState> {
    let raw: string;
    try {
      raw = await fs.readFile(this.fileOf(userId), 'utf8');
    } catch {
      return emptyState();
    }
    try {
      return fileSchema.parse(JSON.parse(raw));
    } catch (error) {
      // A broken index only costs continuity: conversations start new threads.
      this.onError(new Error(`ignoring unreadable ${this.fileOf(userId)}: ${(error as Error).message}`));
      return emptyState();
    }
  }

  /** Writes in order (tmp file + rename), so the file is never half-written. */
  private persist(userId: string, state: UserState): Promise<void> {
    const file = this.fileOf(userId);
    const body = JSON.stringify(state);
    const write = this.writes.then(async () => {
      await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
      await fs.writeFile(`${file}.tmp`, body, { mode: 0o600 });
      await fs.rename(`${file}.tmp`, file);
    });
    this.writes = write.catch((error: Error) => this.onError(error));
    return this.writes;
  }
}
