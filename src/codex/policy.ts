import fs from 'node:fs';
import path from 'node:path';
import type { ApprovalPolicy, PolicyCeiling, SandboxMode } from '../config/env';
import { ForbiddenError, ValidationError } from '../errors';

/*
 * What a caller may ask of codex is bounded by the operator: approval policies and sandbox modes
 * beyond CODEX_ALLOWED_* are refused (403, naming the field), and a working directory never leaves
 * the user's own workspace.
 */

export function assertWithinCeiling(
  ceiling: PolicyCeiling,
  asked: { approvalPolicy?: ApprovalPolicy | undefined; sandbox?: SandboxMode | undefined },
): void {
  const refused = [];
  if (asked.approvalPolicy && !ceiling.approvalPolicies.includes(asked.approvalPolicy))
    refused.push({
      field: '/body/approval_policy',
      message: `'${asked.approvalPolicy}' is beyond what this bridge allows (${ceiling.approvalPolicies.join(', ')}; CODEX_ALLOWED_APPROVAL_POLICIES)`,
    });
  if (asked.sandbox && !ceiling.sandboxModes.includes(asked.sandbox))
    refused.push({
      field: '/body/sandbox',
      message: `'${asked.sandbox}' is beyond what this bridge allows (${ceiling.sandboxModes.join(', ')}; CODEX_ALLOWED_SANDBOX_MODES)`,
    });
  if (refused.length > 0)
    throw new ForbiddenError('the request asks for more than the operator allows', refused, 'policy-ceiling');
}

/** codex's turn/start form of a sandbox mode. */
export function sandboxPolicy(mode: SandboxMode): { type: 'readOnly' | 'workspaceWrite' | 'dangerFullAccess' } {
  switch (mode) {
    case 'read-only':
      return { type: 'readOnly' };
    case 'workspace-write':
      return { type: 'workspaceWrite' };
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
  }
}

const invalidCwd = (message: string): ValidationError =>
  new ValidationError(`cwd ${message}`, [{ field: '/body/cwd', message }]);

/**
 * A `cwd` relative to the user's workspace, resolved on the host (symlinks included) and checked to
 * stay inside it; the resolved path is what codex gets.
 */
export function resolveWorkingDirectory(workspace: string, requested: string): string {
  const { real, asCodexSees } = resolveInWorkspace(workspace, requested, invalidCwd);
  if (!fs.statSync(real).isDirectory()) throw invalidCwd('is not a directory');
  return asCodexSees;
}

/**
 * A path relative to the user's workspace, resolved on the host (symlinks included) and checked to stay inside
 * it: where it really is, and the path codex sees (the workspace sits at the same place inside the jail).
 */
export function resolveInWorkspace(
  workspace: string,
  requested: string,
  invalid: (message: string) => Error,
): { real: string; asCodexSees: string } {
  if (path.isAbsolute(requested)) throw invalid('must be relative to your workspace');
  let real: string;
  let realWorkspace: string;
  try {
    realWorkspace = fs.realpathSync(workspace);
    real = fs.realpathSync(path.resolve(workspace, requested));
  } catch {
    throw invalid('does not exist in your workspace');
  }
  const relative = path.relative(realWorkspace, real);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw invalid('leaves your workspace');
  return { real, asCodexSees: path.join(workspace, relative) };
}
