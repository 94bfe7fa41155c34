import type { components } from '../../generated/api';
import { ValidationError } from '../errors';

type ChatRequest = components['schemas']['ChatRequest'];
type ChatMessage = components['schemas']['ChatMessage'];

const LABELS: Record<NonNullable<ChatMessage['role']>, string> = {
  user: 'User',
  assistant: 'Assistant',
  system: 'System',
  developer: 'System',
};

/**
 * Codex takes one text per turn: the messages become that text. Only user messages: their texts, joined by
 * blank lines (what clients of the original bridge expect). Any other role: a transcript with a label per
 * message, so the model can tell what the user said from what it is told it said. Blank messages are skipped.
 */
export function promptOf(messages: ChatMessage[]): string {
  const spoken = messages
    .map((message) => ({ role: message.role ?? 'user', text: message.content.trim() }))
    .filter((message) => message.text.length > 0);
  if (spoken.length === 0)
    throw new ValidationError('every message is blank', [{ field: '/body/messages', message: 'must contain a non-blank message' }]);
  if (spoken.every((message) => message.role === 'user')) return spoken.map((message) => message.text).join('\n\n');
  return spoken.map((message) => `${LABELS[message.role]}: ${message.text}`).join('\n\n');
}

/** `null` means "not given" for every optional field; an empty thread id too. */
export function optional<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

export function threadIdOf(body: Pick<ChatRequest, 'thread_id'>): string | undefined {
  return body.thread_id ? body.thread_id : undefined;
}
