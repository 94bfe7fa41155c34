import { randomUUID } from 'node:crypto';
import type { Approval, ApprovalDecision } from './bridgeEvents';
import type { ServerRequest } from './rpc';
import type { TurnRun } from './turnRun';

const COMMAND_METHODS = new Set(['item/commandExecution/requestApproval', 'execCommandApproval']);
const FILE_METHODS = new Set(['item/fileChange/requestApproval', 'applyPatchApproval']);
const ALL_DECISIONS: ApprovalDecision[] = ['accept', 'accept_for_session', 'decline', 'cancel'];

const CODEX_DECISION: Record<ApprovalDecision, string> = {
  accept: 'accept',
  accept_for_session: 'acceptForSession',
  decline: 'decline',
  cancel: 'cancel',
};

/** Codex's older request methods take review decisions of another vocabulary. */
const LEGACY_DECISION: Record<ApprovalDecision, unknown> = {
  accept: 'approved',
  accept_for_session: 'approved_for_session',
  decline: { denied: { rejection: 'declined through codex-api-bridge' } },
  cancel: 'abort',
};

export function isApprovalRequest(method: string): boolean {
  return COMMAND_METHODS.has(method) || FILE_METHODS.has(method);
}

/** What codex expects back for a decision, in the vocabulary of the request's method. */
export function codexAnswer(method: string, decision: ApprovalDecision): { decision: unknown } {
  const legacy = method === 'execCommandApproval' || method === 'applyPatchApproval';
  return { decision: legacy ? LEGACY_DECISION[decision] : CODEX_DECISION[decision] };
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * What codex offers, in the bridge's words. `decline` is always possible: codex 0.169 accepts it even
 * where it does not list it (and the bridge itself declines unanswered requests).
 */
function offeredDecisions(available: unknown): ApprovalDecision[] {
  if (!Array.isArray(available)) return ALL_DECISIONS;
  const byCodexName = new Map(
    Object.entries(CODEX_DECISION).map(([ours, theirs]) => [theirs, ours as ApprovalDecision]),
  );
  const offered = new Set<ApprovalDecision>(['decline']);
  for (const entry of available) {
    const decision = typeof entry === 'string' ? byCodexName.get(entry) : undefined;
    if (decision) offered.add(decision);
  }
  return ALL_DECISIONS.filter((decision) => offered.has(decision));
}

function fileChanges(changes: unknown): Approval['changes'] {
  if (Array.isArray(changes)) {
    return changes.map((change: Record<string, unknown>) => ({
      path: str(change.path) ?? '',
      kind: str((change.kind as { type?: unknown } | undefined)?.type) ?? str(change.kind) ?? 'update',
      diff: str(change.diff),
    }));
  }
  if (changes && typeof changes === 'object') {
    // The legacy method keys changes by path.
    return Object.entries(changes).map(([path, change]) => ({
      path,
      kind: Object.keys((change as object) ?? {})[0] ?? 'update',
      diff: str((change as { unified_diff?: unknown }).unified_diff),
    }));
  }
  return null;
}

/** Turns codex's approval request into the bridge's Approval. */
export function describeApproval(request: ServerRequest, run: TurnRun, timeoutMs: number): Approval {
  const params = request.params;
  const command = Array.isArray(params.command) ? params.command.join(' ') : str(params.command);
  const now = Date.now();
  return {
    request_id: randomUUID(),
    thread_id: run.threadId,
    turn_id: run.turnId,
    item_id: str(params.itemId) ?? str(params.callId),
    kind: COMMAND_METHODS.has(request.method) ? 'command' : 'file_change',
    command,
    cwd: str(params.cwd),
    reason: str(params.reason),
    changes: fileChanges(params.changes ?? params.fileChanges),
    questions: null,
    permissions: null,
    elicitation: null,
    available_decisions: offeredDecisions(params.availableDecisions),
    requested_at: new Date(now).toISOString(),
    expires_at: new Date(now + timeoutMs).toISOString(),
  };
}
