import { z } from 'zod';
import { modelListResult } from './modelList';
import { elicitationParams } from './elicitations';
import { permissionParams } from './permissionGrants';
import {
  notifications,
  reviewStartResult,
  threadListResult,
  threadResult,
  turnsListResult,
  turnStartResult,
  turnSteerResult,
} from './protocol';
import { questionParams } from './questions';
import {
  initializeParams,
  loginParams,
  modelListParams,
  reviewStartParams,
  threadArchiveParams,
  threadDeleteParams,
  threadForkParams,
  threadListParams,
  threadReadParams,
  threadResumeParams,
  threadRevertParams,
  threadSetNameParams,
  threadStartParams,
  threadTurnsListParams,
  threadUnarchiveParams,
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
  'thread/unarchive': { params: threadUnarchiveParams, result: threadResult },
  'thread/delete': { params: threadDeleteParams, result: ignored },
  'thread/fork': { params: threadForkParams, result: threadResult },
  'thread/revert': { params: threadRevertParams, result: threadResult },
  'review/start': { params: reviewStartParams, result: reviewStartResult },
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
  'turn/plan/updated': notifications.planUpdated,
  'turn/diff/updated': notifications.diffUpdated,
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
  'item/tool/requestUserInput': {
    params: questionParams,
    result: z.object({ answers: z.record(z.string(), z.object({ answers: z.array(z.string()) })) }),
  },
  'item/permissions/requestApproval': {
    params: permissionParams,
    result: z.object({
      permissions: z.object({
        network: z.object({ enabled: z.boolean() }).optional(),
        fileSystem: z
          .object({
            entries: z.array(
              z.object({ path: z.object({ type: z.literal('path'), path: z.string() }), access: z.enum(['read', 'write']) }),
            ),
          })
          .optional(),
      }),
      scope: z.enum(['turn', 'session']),
    }),
  },
  'mcpServer/elicitation/request': {
    params: elicitationParams,
    result: z.object({ action: z.enum(['accept', 'decline', 'cancel']), content: z.record(z.string(), z.unknown()).nullable() }),
  },
} as const;
