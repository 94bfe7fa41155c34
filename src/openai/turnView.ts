import type { components } from '../../generated/api';
import type { TurnError, Usage } from '../codex/bridgeEvents';
import type { TurnRun } from '../codex/turnRun';
import type { TurnRef } from './ids';

/** Items as the spec has them: what a turn recorded, and what history gives back. */
type Item = components['schemas']['Item'];
type ToolItem = components['schemas']['ToolItem'];

/** What the OpenAI shapes are made of: a running or finished turn, or one read back from history. */
export interface TurnView extends TurnRef {
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  items: Item[];
  usage: Usage | null;
  error: TurnError | null;
}

export function viewOfRun(run: TurnRun): TurnView {
  return {
    threadId: run.threadId,
    turnId: run.turnId,
    status: run.status,
    items: run.items,
    usage: run.usage,
    error: run.error,
  };
}

export function isToolItem(item: Item): item is ToolItem {
  return item.type !== 'user_message' && item.type !== 'assistant_message' && item.type !== 'reasoning';
}

/** Every assistant message of the turn, in order, as one text: what a chat client shows. */
export function assistantText(items: Item[]): string {
  return items
    .filter((item) => item.type === 'assistant_message')
    .map((item) => item.text.trim())
    .filter((text) => text.length > 0)
    .join('\n\n');
}
