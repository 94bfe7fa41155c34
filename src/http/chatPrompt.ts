import type { components } from '../../generated/api';
import type { ImageRequest } from '../codex/images';
import { ValidationError } from '../errors';

type ChatRequest = components['schemas']['ChatRequest'];
type ChatMessage = components['schemas']['ChatMessage'];

const LABELS: Record<NonNullable<ChatMessage['role']>, string> = {
  user: 'User',
  assistant: 'Assistant',
  system: 'System',
  developer: 'System',
};

/** A message's text: the string itself, or its text parts one per line. */
export function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n');
}

/** The images of every message, in order, each with the field it came from (for a 400 naming it). */
export function imagesOf(messages: ChatMessage[]): ImageRequest[] {
  return messages.flatMap((message, index) => {
    if (typeof message.content === 'string') return [];
    return message.content.flatMap((part, partIndex): ImageRequest[] => {
      const at = `/body/messages/${index}/content/${partIndex}`;
      const detail = part.type === 'text' ? undefined : (part.detail ?? undefined);
      if (part.type === 'image') return [{ kind: 'data_url', dataUrl: part.data_url, detail, field: `${at}/data_url` }];
      if (part.type === 'image_file') return [{ kind: 'file', path: part.path, detail, field: `${at}/path` }];
      return [];
    });
  });
}

/**
 * Codex takes one text per turn: the messages become that text. Only user messages: their texts, joined by
 * blank lines (what clients of the original bridge expect). Any other role: a transcript with a label per
 * message, so the model can tell what the user said from what it is told it said. Blank messages are skipped;
 * with images, the text may be empty.
 */
export function promptOf(messages: ChatMessage[], hasImages = false): string {
  const spoken = messages
    .map((message) => ({ role: message.role ?? 'user', text: textOf(message.content).trim() }))
    .filter((message) => message.text.length > 0);
  if (spoken.length === 0) {
    if (hasImages) return '';
    throw new ValidationError('every message is blank', [{ field: '/body/messages', message: 'must contain a non-blank message' }]);
  }
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
