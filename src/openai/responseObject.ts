import { responseId } from './ids';
import { isToolItem, type TurnView } from './turnView';
import type {
  CodexActivity,
  OpenAiOutputItem,
  OpenAiOutputMessage,
  OpenAiOutputReasoning,
  OpenAiResponse,
} from './types';
import { responseUsage } from './usage';

/** What a response carries beyond its turn: the request's settings, kept for `GET /v1/responses/{id}`. */
export interface ResponseSettings {
  createdAt: number;
  model: string;
  instructions: string | null;
  metadata: Record<string, string>;
  previousResponseId: string | null;
  store: boolean;
  background: boolean;
}

const STATUS: Record<TurnView['status'], OpenAiResponse['status']> = {
  running: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  interrupted: 'cancelled',
};

export function outputMessage(id: string, text: string, status: OpenAiOutputMessage['status']): OpenAiOutputMessage {
  return { type: 'message', id, role: 'assistant', status, content: [{ type: 'output_text', text, annotations: [] }] };
}

export function outputReasoning(id: string, summary: string[]): OpenAiOutputReasoning {
  return { type: 'reasoning', id, summary: summary.map((text) => ({ type: 'summary_text', text })) };
}

/** Assistant messages and reasoning summaries become output items; tool activity goes to `codex`. */
export function outputItems(items: TurnView['items']): OpenAiOutputItem[] {
  const output: OpenAiOutputItem[] = [];
  for (const item of items) {
    if (item.type === 'assistant_message') output.push(outputMessage(item.id, item.text, 'completed'));
    else if (item.type === 'reasoning' && item.summary.length > 0) output.push(outputReasoning(item.id, item.summary));
  }
  return output;
}

export function codexActivity(view: Pick<TurnView, 'threadId' | 'turnId' | 'items'>): CodexActivity {
  return { thread_id: view.threadId, turn_id: view.turnId, tool_calls: view.items.filter(isToolItem) };
}

/** The Responses API object of a turn; `output` is empty while it runs (the stream carries the parts). */
export function responseObject(view: TurnView, settings: ResponseSettings): OpenAiResponse {
  const status = STATUS[view.status];
  return {
    id: responseId(view),
    object: 'response',
    created_at: settings.createdAt,
    status,
    model: settings.model,
    output: view.status === 'running' ? [] : outputItems(view.items),
    usage: view.usage && view.status !== 'running' ? responseUsage(view.usage) : null,
    error:
      view.status === 'failed' || view.status === 'interrupted'
        ? {
            code: view.error?.code ?? (view.status === 'interrupted' ? 'cancelled' : 'server_error'),
            message:
              view.error?.message ?? (view.status === 'interrupted' ? 'the turn was interrupted' : 'the turn failed'),
          }
        : null,
    incomplete_details: null,
    instructions: settings.instructions,
    metadata: settings.metadata,
    previous_response_id: settings.previousResponseId,
    store: settings.store,
    background: settings.background,
    tools: [],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    codex: codexActivity(view),
  };
}
