import type { components } from '../../generated/api';
import type { CodexThread, CodexTurn } from '../codex/protocol';

type ThreadList = components['schemas']['ThreadList'];
type OriginalThreadList = components['schemas']['OriginalThreadList'];
type OriginalHistory = components['schemas']['OriginalHistory'];

/** The original's default page of `GET /threads`. */
export const ORIGINAL_THREADS_LIMIT = 50;

const pad = (value: number): string => String(value).padStart(2, '0');

/** Python's `datetime.fromtimestamp(t).isoformat()`: the server's local time, without a zone. */
export function naiveLocalIso(date: Date): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const micros = date.getMilliseconds() * 1000;
  return `${day}T${time}${micros ? `.${String(micros).padStart(6, '0')}` : ''}`;
}

export function originalThreadList(list: ThreadList): OriginalThreadList {
  return {
    threads: list.threads.map((thread) => ({
      thread_id: thread.thread_id,
      preview: thread.preview,
      created_at: naiveLocalIso(new Date(thread.created_at)),
      updated_at: naiveLocalIso(new Date(thread.updated_at)),
    })),
    next_cursor: list.next_cursor,
  };
}

export function originalHistory({ thread, turns }: { thread: CodexThread; turns: CodexTurn[] }): OriginalHistory {
  return {
    thread_id: thread.id,
    preview: thread.preview,
    created_at: naiveLocalIso(new Date(thread.createdAt * 1000)),
    turns,
  };
}

/** `GET /`'s list of operations, as the original had it. */
export const ORIGINAL_ENDPOINTS = {
  'POST /chat': 'Send message (new or continue)',
  'GET /threads': 'List conversations',
  'GET /history': 'Get conversation history',
  'GET /status': 'Health check',
};
