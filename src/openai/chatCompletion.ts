import type { BridgeEvent } from '../codex/bridgeEvents';
import { chatCompletionId } from './ids';
import { codexActivity } from './responseObject';
import type { SseTranslator } from './sseTranslator';
import { assistantText, type TurnView } from './turnView';
import type { OpenAiChatCompletion } from './types';
import { chatUsage } from './usage';

export interface ChatSettings {
  createdAt: number;
  model: string;
  includeUsage: boolean;
}

/** The whole answer of a finished turn: every assistant message of it, joined, as the one choice. */
export function chatCompletion(view: TurnView, settings: ChatSettings): OpenAiChatCompletion {
  return {
    id: chatCompletionId(view),
    object: 'chat.completion',
    created: settings.createdAt,
    model: settings.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: assistantText(view.items), refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: chatUsage(view.usage),
    system_fingerprint: null,
    codex: codexActivity(view),
  };
}

/** The error a turn that did not complete becomes, for clients (and for a stream's last `data:`). */
export function turnFailure(view: TurnView): { message: string; code: string } {
  if (view.status === 'interrupted')
    return { message: view.error?.message ?? 'the turn was interrupted', code: view.error?.code ?? 'turn_interrupted' };
  return { message: view.error?.message ?? 'the turn failed', code: view.error?.code ?? 'turn_failed' };
}

/**
 * A turn as Chat Completions chunks (`data:` lines only, then `[DONE]`). Several assistant messages are
 * one choice, separated by a blank line, exactly like the non-streamed content. A turn that fails ends
 * with `data: {"error": ...}`, which OpenAI clients raise as an API error.
 */
export class ChatStreamTranslator implements SseTranslator {
  private readonly messagesSeen = new Set<string>();
  private chunkId = '';

  constructor(private readonly settings: ChatSettings) {}

  start(view: TurnView): string {
    this.chunkId = chatCompletionId(view);
    return this.chunk({ role: 'assistant', content: '' }, null);
  }

  event(event: BridgeEvent): string {
    if (event.type !== 'message.delta' || event.delta === '') return '';
    let delta = event.delta;
    if (!this.messagesSeen.has(event.item_id)) {
      if (this.messagesSeen.size > 0) delta = `\n\n${delta}`;
      this.messagesSeen.add(event.item_id);
    }
    return this.chunk({ content: delta }, null);
  }

  end(view: TurnView): string {
    if (view.status !== 'completed') return this.error(turnFailure(view));
    let text = this.chunk({}, 'stop');
    if (this.settings.includeUsage) {
      text += this.data({ ...this.envelope(), choices: [], usage: chatUsage(view.usage) });
    }
    return text + 'data: [DONE]\n\n';
  }

  broken(_view: TurnView, message: string): string {
    return this.error({ message, code: 'internal_error' });
  }

  private error(failure: { message: string; code: string }): string {
    return (
      this.data({ error: { message: failure.message, type: 'server_error', param: null, code: failure.code } }) +
      'data: [DONE]\n\n'
    );
  }

  private envelope(): Record<string, unknown> {
    return {
      id: this.chunkId,
      object: 'chat.completion.chunk',
      created: this.settings.createdAt,
      model: this.settings.model,
      system_fingerprint: null,
    };
  }

  private chunk(delta: Record<string, unknown>, finishReason: 'stop' | null): string {
    return this.data({
      ...this.envelope(),
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      ...(this.settings.includeUsage ? { usage: null } : {}),
    });
  }

  private data(payload: Record<string, unknown>): string {
    return `data: ${JSON.stringify(payload)}\n\n`;
  }
}
