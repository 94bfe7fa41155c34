import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { contentText, seededPrompt, type TranscriptMessage } from './content';
import type { OpenAiChatRequest } from './types';

/*
 * Chat Completions is stateless: every request carries the whole conversation. The bridge keeps, per
 * user, the hash of the conversation each thread has reached; a request whose messages before the new
 * input hash the same continues that thread, anything else starts a new one seeded with the transcript.
 */

export interface ChatTurnPlan {
  /** The hash a thread must have reached to be continued; undefined when there is no earlier answer. */
  prefixHash: string | undefined;
  /** The turn's input on a continued thread. */
  input: string;
  /** The prompt of a new thread: the transcript before the input, then the input. */
  seededPrompt: string;
  /** The system and developer messages: a new thread's developer instructions. */
  developerInstructions: string | undefined;
  /** The conversation as normalized for hashing, to which the answer is added once it came. */
  messages: TranscriptMessage[];
}

const ROLE: Record<string, string> = { developer: 'system', function: 'tool' };

export function conversationHash(messages: TranscriptMessage[]): string {
  const canonical = JSON.stringify(messages.map((message) => [message.role, message.text]));
  return createHash('sha256').update(canonical).digest('base64url');
}

export function planChatTurn(body: OpenAiChatRequest): ChatTurnPlan {
  const messages = body.messages
    .map((message) => ({ role: ROLE[message.role] ?? message.role, text: contentText(message.content) }))
    .filter((message) => message.text.length > 0);
  const lastAnswer = messages.map((message) => message.role).lastIndexOf('assistant');
  const prefix = messages.slice(0, lastAnswer + 1);
  const fresh = messages.slice(lastAnswer + 1);
  if (!fresh.some((message) => message.role === 'user')) {
    throw new ValidationError('messages must end with user text after the last assistant message', [
      { field: '/body/messages', message: 'must end with a user message that has text' },
    ]);
  }
  const isInstruction = (message: TranscriptMessage): boolean => message.role === 'system';
  const speak = (list: TranscriptMessage[]): string =>
    list.map((message) => (message.role === 'user' ? message.text : `Tool result: ${message.text}`)).join('\n\n');
  const input = [
    ...fresh.filter(isInstruction).map((message) => `Instructions for this turn:\n${message.text}`),
    speak(fresh.filter((message) => !isInstruction(message))),
  ].join('\n\n');
  const instructions = messages
    .filter(isInstruction)
    .map((message) => message.text)
    .join('\n\n');
  return {
    prefixHash: lastAnswer >= 0 ? conversationHash(prefix) : undefined,
    input,
    seededPrompt: seededPrompt(
      prefix.filter((message) => !isInstruction(message)),
      speak(fresh.filter((m) => !isInstruction(m))),
    ),
    developerInstructions: instructions || undefined,
    messages,
  };
}
