import type { components } from '../../generated/api';
import type { Item, Plan, ToolItem, TurnError, Usage } from './bridgeEvents';
import type { CodexItem, CodexThread, TokenUsageBreakdown } from './protocol';
import { parseReview } from './review';

type ThreadSummary = components['schemas']['ThreadSummary'];
type HistoryMessage = components['schemas']['HistoryMessage'];

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const nullableStr = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const nullableInt = (value: unknown): number | null => (typeof value === 'number' ? Math.round(value) : null);
const snakeCase = (value: unknown): string =>
  str(value, 'unknown')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();

function userInputText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (part && typeof part === 'object' && 'text' in part ? str(part.text) : ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

function fileChanges(changes: unknown): { path: string; kind: string; diff: string | null }[] {
  if (!Array.isArray(changes)) return [];
  return changes.map((change: Record<string, unknown>) => {
    const kind =
      change.kind && typeof change.kind === 'object' ? (change.kind as { type?: unknown }).type : change.kind;
    return { path: str(change.path), kind: str(kind, 'update'), diff: nullableStr(change.diff) };
  });
}

function mcpError(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && 'message' in error) return str(error.message);
  return JSON.stringify(error);
}

/** Codex item -> the bridge's Item. Kinds the bridge has no schema for stay visible as `other`. */
export function normalizeItem(item: CodexItem): Item {
  switch (item.type) {
    case 'userMessage':
      return { type: 'user_message', id: item.id, text: userInputText(item.content) };
    case 'agentMessage':
      return { type: 'assistant_message', id: item.id, text: str(item.text) };
    case 'reasoning':
      return {
        type: 'reasoning',
        id: item.id,
        summary: Array.isArray(item.summary) ? item.summary.map((part) => str(part)) : [],
        content: Array.isArray(item.content) ? item.content.map((part) => str(part)) : [],
      };
    case 'exitedReviewMode':
      return parseReview(item.id, str(item.review));
    default:
      return normalizeToolItem(item);
  }
}

export function normalizeToolItem(item: CodexItem): ToolItem {
  switch (item.type) {
    case 'commandExecution':
      return {
        type: 'command_execution',
        id: item.id,
        command: str(item.command),
        cwd: str(item.cwd),
        status: snakeCase(item.status),
        output: nullableStr(item.aggregatedOutput),
        exit_code: nullableInt(item.exitCode),
        duration_ms: nullableInt(item.durationMs),
      };
    case 'fileChange':
      return { type: 'file_change', id: item.id, status: snakeCase(item.status), changes: fileChanges(item.changes) };
    case 'mcpToolCall':
      return {
        type: 'mcp_tool_call',
        id: item.id,
        server: str(item.server),
        tool: str(item.tool),
        status: snakeCase(item.status),
        arguments: item.arguments ?? null,
        result: item.result ?? null,
        error: mcpError(item.error),
      };
    case 'webSearch':
      return { type: 'web_search', id: item.id, query: str(item.query) };
    default:
      return { type: 'other', id: item.id, codex_type: item.type };
  }
}

/** Review mode's markers are the review's own, told by `review.completed`, not tool activity. */
const NOT_TOOLS = ['userMessage', 'agentMessage', 'reasoning', 'enteredReviewMode', 'exitedReviewMode'];

export function isToolItem(item: CodexItem): boolean {
  return !NOT_TOOLS.includes(item.type);
}

export function normalizeUsage(usage: TokenUsageBreakdown): Usage {
  return {
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
    reasoning_output_tokens: usage.reasoningOutputTokens,
    total_tokens: usage.totalTokens,
  };
}

export function subtractUsage(total: Usage, part: Usage): Usage {
  return {
    input_tokens: total.input_tokens - part.input_tokens,
    cached_input_tokens: total.cached_input_tokens - part.cached_input_tokens,
    output_tokens: total.output_tokens - part.output_tokens,
    reasoning_output_tokens: total.reasoning_output_tokens - part.reasoning_output_tokens,
    total_tokens: total.total_tokens - part.total_tokens,
  };
}

export function normalizeTurnError(
  error: { message: string; codexErrorInfo?: unknown } | null | undefined,
): TurnError | null {
  if (!error) return null;
  const info = error.codexErrorInfo;
  const code =
    typeof info === 'string' ? info : info && typeof info === 'object' ? (Object.keys(info)[0] ?? null) : null;
  return { message: error.message, code };
}

/** Codex's step status -> the bridge's (snake_case like every other enum of the API). */
export function normalizePlan(explanation: string | null | undefined, plan: Array<{ step: string; status: string }>): Plan {
  return {
    explanation: explanation ?? null,
    steps: plan.map(({ step, status }) => ({ step, status: PLAN_STATUS[status] ?? 'pending' })),
  };
}

const PLAN_STATUS: Record<string, Plan['steps'][number]['status']> = {
  pending: 'pending',
  inProgress: 'in_progress',
  completed: 'completed',
};

const THREAD_STATUS: Record<string, ThreadSummary['status']> = {
  notLoaded: 'not_loaded',
  idle: 'idle',
  active: 'active',
  systemError: 'system_error',
};

export function summarizeThread(thread: CodexThread): ThreadSummary {
  return {
    thread_id: thread.id,
    name: thread.name ?? null,
    preview: thread.preview,
    created_at: new Date(thread.createdAt * 1000).toISOString(),
    updated_at: new Date(thread.updatedAt * 1000).toISOString(),
    status: THREAD_STATUS[thread.status?.type ?? 'notLoaded'] ?? 'not_loaded',
    forked_from_thread_id: thread.forkedFromId ?? null,
  };
}

/** One line a person can read for any item: the text of messages, a short label for the rest. */
export function historyMessage(turnId: string, item: Item): HistoryMessage {
  switch (item.type) {
    case 'user_message':
      return { role: 'user', turn_id: turnId, content: item.text, item };
    case 'assistant_message':
      return { role: 'assistant', turn_id: turnId, content: item.text, item };
    case 'reasoning':
      return { role: 'reasoning', turn_id: turnId, content: item.summary.join('\n'), item };
    case 'command_execution':
      return { role: 'tool', turn_id: turnId, content: `$ ${item.command}`, item };
    case 'file_change':
      return {
        role: 'tool',
        turn_id: turnId,
        content: item.changes.map((change) => `${change.kind} ${change.path}`).join('\n'),
        item,
      };
    case 'mcp_tool_call':
      return { role: 'tool', turn_id: turnId, content: `${item.server}.${item.tool}`, item };
    case 'web_search':
      return { role: 'tool', turn_id: turnId, content: `search: ${item.query}`, item };
    case 'review':
      return { role: 'assistant', turn_id: turnId, content: item.text, item };
    case 'other':
      return { role: 'tool', turn_id: turnId, content: item.codex_type, item };
  }
}
