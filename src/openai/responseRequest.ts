import { ValidationError } from '../errors';
import { contentText, seededPrompt, type TranscriptMessage } from './content';
import { parseResponseId, type TurnRef } from './ids';
import type { OpenAiResponseRequest } from './types';

/** What a Responses request asks of codex. */
export interface ResponseTurnPlan {
  /** The thread to continue (previous_response_id), or none for a new thread. */
  previous: TurnRef | undefined;
  prompt: string;
  /** Developer instructions of a new thread; on a continued thread they are in `prompt`. */
  developerInstructions: string | undefined;
  /** `instructions` as the request gave it, echoed on the response. */
  instructions: string | null;
}

const INSTRUCTION_ROLES = new Set(['system', 'developer']);

function inputMessages(input: OpenAiResponseRequest['input']): TranscriptMessage[] {
  if (typeof input === 'string') return [{ role: 'user', text: input.trim() }];
  return input.map((item, index) => {
    if (item.type !== undefined && item.type !== 'message') {
      throw new ValidationError(`input item ${index} is of type '${item.type}'; only message items are supported`, [
        { field: `/body/input/${index}/type`, message: "must be 'message'" },
      ]);
    }
    return { role: item.role ?? 'user', text: contentText(item.content) };
  });
}

export function planResponseTurn(body: OpenAiResponseRequest): ResponseTurnPlan {
  let previous: TurnRef | undefined;
  if (body.previous_response_id) {
    previous = parseResponseId(body.previous_response_id);
    if (!previous) {
      throw new ValidationError(`'${body.previous_response_id}' is not a response id of this bridge`, [
        { field: '/body/previous_response_id', message: 'is not a response id of this bridge' },
      ]);
    }
  }
  const messages = inputMessages(body.input).filter((message) => message.text.length > 0);
  const instructions = [
    body.instructions?.trim() ?? '',
    ...messages.filter((m) => INSTRUCTION_ROLES.has(m.role)).map((m) => m.text),
  ]
    .filter((text) => text.length > 0)
    .join('\n\n');
  const conversation = messages.filter((message) => !INSTRUCTION_ROLES.has(message.role));
  if (!conversation.some((message) => message.role === 'user')) {
    throw new ValidationError('input has no user text', [{ field: '/body/input', message: 'must contain user text' }]);
  }

  let prompt: string;
  if (previous) {
    // The thread already holds the conversation; what came now is the turn's input.
    const text = conversation.map((message) => message.text).join('\n\n');
    prompt = instructions ? `Instructions for this turn:\n${instructions}\n\n${text}` : text;
  } else {
    // The trailing user messages are the question; anything before them is history codex never saw.
    let split = conversation.length;
    while (split > 0 && conversation[split - 1]?.role === 'user') split--;
    const question = conversation
      .slice(split)
      .map((message) => message.text)
      .join('\n\n');
    prompt = seededPrompt(conversation.slice(0, split), question);
  }
  return {
    previous,
    prompt,
    developerInstructions: !previous && instructions ? instructions : undefined,
    instructions: body.instructions ?? null,
  };
}
