import type { Usage } from '../codex/bridgeEvents';
import type { OpenAiChatUsage, OpenAiResponseUsage } from './types';

/** Codex's counts of the turn (every model call it made), in the Responses API's words. */
export function responseUsage(usage: Usage): OpenAiResponseUsage {
  return {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: usage.cached_input_tokens },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: usage.reasoning_output_tokens },
    total_tokens: usage.total_tokens,
  };
}

/** The same counts in the Chat Completions API's words; a turn without a report counts zero. */
export function chatUsage(usage: Usage | null): OpenAiChatUsage {
  return {
    prompt_tokens: usage?.input_tokens ?? 0,
    completion_tokens: usage?.output_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
    prompt_tokens_details: { cached_tokens: usage?.cached_input_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage?.reasoning_output_tokens ?? 0 },
  };
}
