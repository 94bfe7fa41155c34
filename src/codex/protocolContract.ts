import { z } from 'zod';
import { modelListResult } from './modelList';
import { notifications, threadListResult, threadResult, turnsListResult, turnStartResult, turnSteerResult } from './protocol';
import {
  initializeParams,
  loginParams,
  modelListParams,
  threadArchiveParams,
  threadListParams,
  threadReadParams,
  threadResumeParams,
  threadSetNameParams,
  threadStartParams,
  threadTurnsListParams,
  turnInterruptParams,
  turnStartParams,
  turnSteerParams,
} from './requests';

/*
 * Every JSON-RPC method the bridge uses, with the shape it sends and the shape it reads. The session's
 * calls are typed by `clientRequests`; the protocol drift check (scripts/protocol-drift.ts, run by
 * test/contract/protocolDrift.test.ts) compares all of it with the pinned codex's generated JSON Schema.
 */

/** A result the bridge does not read: only that codex answered matters. */
const ignored = z.unknown();

export const clientRequests = {
  initialize: { params: initializeParams, result: ignored },
  'account/login/start': { params: loginParams, result: ignored },
  'thread/start': { params: threadStartParams, result: threadResult },
  'thread/resume': { params: threadResumeParams, result: ignored },
  'thread/read': { params: threadReadParams, result: threadResult },
  'thread/list': { params: threadListParams, result: threadListResult },
  'thread/turns/list': { params: threadTurnsListParams, result: turnsListResult },
  'thread/name/set': { params: threadSetNameParams, result: ignored },
  'thread/archive': { params: threadArchiveParams, result: ignored },
  'turn/start': { params: turnStartParams, result: turnStartResult },
  'turn/steer': { params: turnSteerParams, result: turnSteerResult },
  'turn/interrupt': { params: turnInterruptParams, result: ignored },
  'model/list': { params: modelListParams, result: modelListResult },
} as const;

export type ClientMethod = keyof typeof clientRequests;
/** What a call of `method` sends: typed for the methods above, any object for others (not yet in the contract). */
export type ParamsOf<M extends string> = M extends ClientMethod ? z.input<(typeof clientRequests)[M]['params']> : Record<string, unknown>;

/** Notifications the bridge reads fields of (others pass through as raw events, unread). */
export const serverNotifications = {
  'item/started': notifications.itemStarted,
  'item/completed': notifications.itemCompleted,
  'item/agentMessage/delta': notifications.delta,
  'item/reasoning/summaryTextDelta': notifications.delta,
  'item/reasoning/textDelta': notifications.delta,
  'item/commandExecution/outputDelta': notifications.delta,
  'item/fileChange/outputDelta': notifications.delta,
  'thread/tokenUsage/updated': notifications.tokenUsage,
  'serverRequest/resolved': notifications.serverRequestResolved,
  warning: notifications.warning,
  error: notifications.error,
  'turn/completed': notifications.turnCompleted,
} as const;

const commandDecision = z.object({ decision: z.enum(['accept', 'acceptForSession', 'decline', 'cancel']) });
const legacyDecision = z.object({
  decision: z.union([
    z.enum(['approved', 'approved_for_session', 'abort']),
    z.object({ denied: z.object({ rejection: z.string() }) }),
  ]),
});
const approvalParams = z
  .object({
    threadId: z.string(),
    itemId: z.string(),
    command: z.string().nullable().optional(),
    cwd: z.string().nullable().optional(),
    reason: z.string().nullable().optional(),
    availableDecisions: z.array(z.unknown()).nullable().optional(),
  })
  .loose();

/** Requests codex sends the bridge: the params it reads, the result it answers. */
export const serverRequests = {
  'item/commandExecution/requestApproval': { params: approvalParams, result: commandDecision },
  'item/fileChange/requestApproval': {
    params: z.object({ threadId: z.string(), itemId: z.string(), reason: z.string().nullable().optional() }).loose(),
    result: commandDecision,
  },
  execCommandApproval: {
    params: z.object({ callId: z.string(), command: z.array(z.string()), cwd: z.string() }).loose(),
    result: legacyDecision,
  },
  applyPatchApproval: {
    params: z.object({ callId: z.string(), fileChanges: z.record(z.string(), z.unknown()) }).loose(),
    result: legacyDecision,
  },
} as const;
