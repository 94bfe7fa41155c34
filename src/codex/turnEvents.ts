import type { Usage } from './bridgeEvents';
import {
  isToolItem,
  normalizeItem,
  normalizePlan,
  normalizeToolItem,
  normalizeTurnError,
  normalizeUsage,
  subtractUsage,
} from './normalize';
import { notifications, type CodexItem } from './protocol';
import type { Notification } from './rpc';
import type { TurnRun } from './turnRun';

/*
 * Codex's notifications of one turn, told as the bridge's events. Parsing is strict on the fields
 * read (zod); the caller decides what to do with a notification that does not fit.
 */

/**
 * Deltas are most of a turn's traffic: two string fields are checked by hand, which costs a fraction
 * of a zod parse per event; anything else goes through zod and fails loudly.
 */
function deltaOf(params: Notification['params']): { itemId: string; delta: string } {
  const { itemId, delta } = params;
  if (typeof itemId === 'string' && itemId.length > 0 && typeof delta === 'string') return { itemId, delta };
  return notifications.delta.parse(params);
}

/** Applies one notification to its turn; `onThreadUsage` receives the thread and its new token total. */
export function applyNotification(
  run: TurnRun,
  notification: Notification,
  onThreadUsage: (threadId: string, threadTotal: Usage) => void,
): void {
  const { method, params } = notification;
  emitRaw(run, notification);
  switch (method) {
    case 'item/agentMessage/delta': {
      const { itemId, delta } = deltaOf(params);
      run.emit({ type: 'message.delta', item_id: itemId, delta });
      break;
    }
    case 'item/reasoning/summaryTextDelta':
    case 'item/reasoning/textDelta': {
      const { itemId, delta } = deltaOf(params);
      run.emit({ type: 'reasoning.delta', item_id: itemId, delta });
      break;
    }
    case 'item/commandExecution/outputDelta':
    case 'item/fileChange/outputDelta': {
      const { itemId, delta } = deltaOf(params);
      run.emit({ type: 'tool.output.delta', item_id: itemId, delta });
      break;
    }
    case 'item/started': {
      const { item } = notifications.itemStarted.parse(params);
      if (!isToolItem(item)) break;
      if (item.type === 'commandExecution' && typeof item.command === 'string')
        run.runningCommands.set(item.id, item.command);
      run.emit({ type: 'tool.started', item: normalizeToolItem(item) });
      break;
    }
    case 'serverRequest/resolved': {
      // Codex gave up waiting (e.g. the turn was interrupted): the approval is no longer answerable.
      const pending = [...run.approvals.values()].find((entry) => entry.codexRequestId === params.requestId);
      pending?.settle('cancel', 'turn_ended');
      break;
    }
    case 'item/completed':
      itemCompleted(run, notifications.itemCompleted.parse(params).item);
      break;
    case 'thread/tokenUsage/updated': {
      const { tokenUsage } = notifications.tokenUsage.parse(params);
      const threadTotal = normalizeUsage(tokenUsage.total);
      // A turn may call the model several times (tool calls); its usage is the growth of the thread's total.
      run.usageBaseline ??= subtractUsage(threadTotal, normalizeUsage(tokenUsage.last));
      run.usage = subtractUsage(threadTotal, run.usageBaseline);
      run.emit({ type: 'usage', usage: normalizeUsage(tokenUsage.last), thread_total: threadTotal });
      onThreadUsage(run.threadId, threadTotal);
      break;
    }
    case 'turn/plan/updated': {
      const { explanation, plan } = notifications.planUpdated.parse(params);
      run.plan = normalizePlan(explanation, plan);
      run.emit({ type: 'plan.updated', plan: run.plan });
      break;
    }
    case 'turn/diff/updated': {
      run.diff = notifications.diffUpdated.parse(params).diff;
      run.emit({ type: 'diff.updated', diff: run.diff });
      break;
    }
    case 'warning': {
      // Codex keeps going (and says it retries) when it cannot write the thread's rollout; the turn would
      // end `completed` for a thread that does not exist on disk. The bridge fails it instead.
      const message = typeof params.message === 'string' ? params.message : '';
      if (!STORAGE_FAILURE.test(message)) break;
      if (run.failedToSave) break;
      run.failedToSave = true;
      const text = `codex could not save the thread: ${message}`;
      run.settleAs('failed', { message: text, code: 'storage_error' });
      run.emit({ type: 'turn.error', code: 'storage_error', message: text, will_retry: false });
      break;
    }
    case 'error': {
      const { error, willRetry } = notifications.error.parse(params);
      run.emit({ type: 'turn.error', code: 'model_error', message: error.message, will_retry: willRetry });
      if (!willRetry && run.endsOnFatalError) run.finish('failed', normalizeTurnError(error), 'turn.completed');
      break;
    }
    case 'turn/completed': {
      const { turn } = notifications.turnCompleted.parse(params);
      const status = turn.status === 'inProgress' ? 'interrupted' : turn.status;
      for (const pending of [...run.approvals.values()]) pending.settle('cancel', 'turn_ended');
      run.finish(status, normalizeTurnError(turn.error), 'turn.completed');
      break;
    }
    default:
      break;
  }
}

/** Codex's notification unchanged, for clients that asked for raw events (`raw_events`, the original profile). */
export function emitRaw(run: TurnRun, { method, params, emittedAtMs }: Notification): void {
  if (!run.rawEvents) return;
  run.emit({ type: 'codex', method, params, ...(emittedAtMs !== undefined ? { emitted_at_ms: emittedAtMs } : {}) });
}

/** Codex 0.169's words when its thread store fails (read-only directory, full disk, quota). */
const STORAGE_FAILURE = /failed to save the conversation transcript|thread-store|no space left|read-only file system|disk quota/i;

function itemCompleted(run: TurnRun, codexItem: CodexItem): void {
  run.runningCommands.delete(codexItem.id);
  const item = run.recordItem(normalizeItem(codexItem));
  if (item.type === 'assistant_message') run.emit({ type: 'message.completed', item });
  else if (item.type === 'reasoning') run.emit({ type: 'reasoning.completed', item });
  else if (item.type === 'review') run.emit({ type: 'review.completed', item });
  else if (item.type !== 'user_message') run.emit({ type: 'tool.completed', item });
}
