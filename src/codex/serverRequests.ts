import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/api';
import { ValidationError } from '../errors';
import { codexAnswer, describeApproval, isApprovalRequest } from './approvals';
import type { Approval, ApprovalDecision } from './bridgeEvents';
import {
  ELICITATION_METHOD,
  checkElicitationContent,
  describeElicitation,
  elicitationResponse,
  hasFields,
} from './elicitations';
import {
  PERMISSIONS_METHOD,
  checkGrant,
  describePermissions,
  permissionsResponse,
  type AskedPermission,
  type GrantScope,
} from './permissionGrants';
import { QUESTION_METHOD, checkAnswers, describeQuestions, questionResponse } from './questions';
import type { ServerRequest } from './rpc';
import type { TurnRun } from './turnRun';

/*
 * Every server->client request a person can answer, as one flow: codex's request becomes an `Approval`
 * of some kind, the client's answer (a body per kind) is checked against what was asked, and codex gets
 * the reply its method expects; the bridge's own decisions (timeout, turn ended) get one too.
 */

type ApprovalAnswer = components['schemas']['ApprovalAnswer'];

export interface OpenedRequest {
  approval: Approval;
  /** Checks a client's answer (throws a DomainError naming the field) and gives codex's reply. */
  fromClient(body: ApprovalAnswer): { decision: ApprovalDecision; reply: unknown };
  /** Codex's reply when the bridge decides: `decline` (timeout, policy) or `cancel` (turn ended). */
  fromBridge(decision: ApprovalDecision): unknown;
}

const USER_METHODS = new Set([QUESTION_METHOD, PERMISSIONS_METHOD, ELICITATION_METHOD]);

export function isAnswerableRequest(method: string): boolean {
  return isApprovalRequest(method) || USER_METHODS.has(method);
}

/** Codex's reply to a request nobody can answer (no running turn): a refusal in the method's own words. */
export function unattendedReply(method: string): unknown {
  if (isApprovalRequest(method)) return codexAnswer(method, 'decline');
  if (method === QUESTION_METHOD) return questionResponse(undefined);
  if (method === PERMISSIONS_METHOD) return permissionsResponse([], 'turn');
  if (method === ELICITATION_METHOD) return elicitationResponse('decline', undefined);
  throw new Error(`${method} is not supported by codex-api-bridge`);
}

/** Members of the body that belong to other kinds are refused, naming them. */
function refuseForeignMembers(body: ApprovalAnswer, kind: Approval['kind'], allowed: string[]): void {
  const foreign = (['answers', 'permissions', 'content'] as const).filter(
    (key) => !allowed.includes(key) && body[key] !== undefined,
  );
  if (foreign.length > 0)
    throw new ValidationError(
      `this request is of kind '${kind}'`,
      foreign.map((key) => ({ field: `/body/${key}`, message: `is not part of an answer to kind '${kind}'` })),
    );
}

function offeredDecision(approval: Approval, decision: ApprovalDecision | undefined): ApprovalDecision {
  if (decision === undefined)
    throw new ValidationError('the answer has no decision', [
      { field: '/body/decision', message: `is required for kind '${approval.kind}'` },
    ]);
  if (!approval.available_decisions.includes(decision))
    throw new ValidationError(`codex does not offer '${decision}' for this request`, [
      { field: '/body/decision', message: `must be one of ${approval.available_decisions.join(', ')}` },
    ]);
  return decision;
}

function baseApproval(run: TurnRun, timeoutMs: number, kind: Approval['kind'], itemId: unknown): Approval {
  const now = Date.now();
  return {
    request_id: randomUUID(),
    thread_id: run.threadId,
    turn_id: run.turnId,
    item_id: typeof itemId === 'string' ? itemId : null,
    kind,
    command: null,
    cwd: null,
    reason: null,
    changes: null,
    questions: null,
    permissions: null,
    elicitation: null,
    available_decisions: [],
    requested_at: new Date(now).toISOString(),
    expires_at: new Date(now + timeoutMs).toISOString(),
  };
}

function openCommandOrFile(request: ServerRequest, run: TurnRun, timeoutMs: number): OpenedRequest {
  const approval = describeApproval(request, run, timeoutMs);
  return {
    approval,
    fromClient(body) {
      refuseForeignMembers(body, approval.kind, []);
      const decision = offeredDecision(approval, body.decision);
      return { decision, reply: codexAnswer(request.method, decision) };
    },
    fromBridge: (decision) => codexAnswer(request.method, decision),
  };
}

function openQuestion(request: ServerRequest, run: TurnRun, timeoutMs: number): OpenedRequest {
  const approval = baseApproval(run, timeoutMs, 'question', request.params.itemId);
  approval.questions = describeQuestions(request.params);
  approval.available_decisions = ['accept', 'decline'];
  return {
    approval,
    fromClient(body) {
      refuseForeignMembers(body, 'question', ['answers']);
      const decision = offeredDecision(approval, body.decision ?? (body.answers ? 'accept' : undefined));
      if (decision === 'accept' && !body.answers)
        throw new ValidationError('accepting a question means answering it', [
          { field: '/body/answers', message: 'give the answers by question id (or decline)' },
        ]);
      if (decision !== 'accept' && body.answers)
        throw new ValidationError('a declined question has no answers', [
          { field: '/body/answers', message: 'only with decision accept (or without a decision)' },
        ]);
      const answers = body.answers ? checkAnswers(approval.questions ?? [], body.answers) : undefined;
      return { decision, reply: questionResponse(answers) };
    },
    fromBridge: () => questionResponse(undefined),
  };
}

function openPermissions(request: ServerRequest, run: TurnRun, timeoutMs: number, scope: GrantScope): OpenedRequest {
  const approval = baseApproval(run, timeoutMs, 'permissions', request.params.itemId);
  const described = describePermissions(request.params, scope);
  const asked: AskedPermission[] = described.permissions;
  approval.permissions = asked.map((permission) => permission.shown);
  approval.cwd = described.cwd;
  approval.reason = described.reason;
  approval.available_decisions = ['accept', 'accept_for_session', 'decline'];
  return {
    approval,
    fromClient(body) {
      refuseForeignMembers(body, 'permissions', ['permissions']);
      const decision = offeredDecision(approval, body.decision);
      if (decision === 'decline') {
        if (body.permissions)
          throw new ValidationError('a decline grants nothing', [
            { field: '/body/permissions', message: 'only with accept or accept_for_session' },
          ]);
        return { decision, reply: permissionsResponse([], 'turn') };
      }
      const granted = checkGrant(asked, body.permissions, scope);
      return { decision, reply: permissionsResponse(granted, decision === 'accept_for_session' ? 'session' : 'turn') };
    },
    fromBridge: () => permissionsResponse([], 'turn'),
  };
}

function openElicitation(request: ServerRequest, run: TurnRun, timeoutMs: number): OpenedRequest {
  const approval = baseApproval(run, timeoutMs, 'mcp_elicitation', null);
  const elicitation = describeElicitation(request.params);
  approval.elicitation = elicitation;
  approval.available_decisions = ['accept', 'decline', 'cancel'];
  return {
    approval,
    fromClient(body) {
      refuseForeignMembers(body, 'mcp_elicitation', ['content']);
      const decision = offeredDecision(approval, body.decision);
      const content = body.content;
      if (decision !== 'accept' && content)
        throw new ValidationError('only an accepted form has content', [
          { field: '/body/content', message: 'only with decision accept' },
        ]);
      if (decision === 'accept' && elicitation.mode === 'form' && (content || hasFields(elicitation))) {
        if (!content)
          throw new ValidationError('accepting a form means filling it', [
            { field: '/body/content', message: 'is required to accept a form' },
          ]);
        checkElicitationContent(elicitation, content);
      }
      const action = decision === 'accept_for_session' ? 'accept' : decision;
      return { decision, reply: elicitationResponse(action, content ?? (elicitation.mode === 'form' ? {} : undefined)) };
    },
    fromBridge: (decision) => elicitationResponse(decision === 'cancel' ? 'cancel' : 'decline', undefined),
  };
}

/** Codex's request as an Approval of its kind, or undefined for a method no person answers. */
export function openRequest(
  request: ServerRequest,
  run: TurnRun,
  timeoutMs: number,
  scope: GrantScope,
): OpenedRequest | undefined {
  if (isApprovalRequest(request.method)) return openCommandOrFile(request, run, timeoutMs);
  if (request.method === QUESTION_METHOD) return openQuestion(request, run, timeoutMs);
  if (request.method === PERMISSIONS_METHOD) return openPermissions(request, run, timeoutMs, scope);
  if (request.method === ELICITATION_METHOD) return openElicitation(request, run, timeoutMs);
  return undefined;
}
