import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { components } from '../../generated/api';
import type { PolicyCeiling } from '../config/env';
import { ForbiddenError, ValidationError, type InvalidParam } from '../errors';
import type { PermissionAsked } from './approvalSchemas';

/*
 * Codex asks for more permissions (`item/permissions/requestApproval`: network access for its commands,
 * read or write access to paths). The agent is the attacker here: what it asks is only shown to the user,
 * and what the user may grant is bounded by the operator (CODEX_GRANTABLE_PERMISSIONS) and by the user's
 * own workspace: a path is grantable only if it resolves (symlinks included) inside it, outside the folders
 * codex itself keeps read-only, and only while the app-server runs in the bubblewrap jail, which bounds
 * whatever a later swap of a path for a symlink could reach to this user's own files.
 */

export const PERMISSIONS_METHOD = 'item/permissions/requestApproval';

const accessMode = z.enum(['read', 'write', 'deny']);
const fileSystemPath = z.union([
  z.object({ type: z.literal('path'), path: z.string() }),
  z.object({ type: z.literal('glob_pattern'), pattern: z.string() }),
  z.object({ type: z.literal('special'), value: z.object({ kind: z.string() }).loose() }),
]);
type CodexPath = z.infer<typeof fileSystemPath>;
export const permissionParams = z.object({
  cwd: z.string().optional(),
  reason: z.string().nullable().optional(),
  permissions: z.object({
    network: z.object({ enabled: z.boolean().nullable().optional() }).nullable().optional(),
    fileSystem: z
      .object({
        read: z.array(z.string()).nullable().optional(),
        write: z.array(z.string()).nullable().optional(),
        entries: z.array(z.object({ path: fileSystemPath, access: accessMode })).nullable().optional(),
      })
      .nullable()
      .optional(),
  }),
});

/** Where the user's grants may reach: the operator's ceiling and the user's own folders as codex sees them. */
export interface GrantScope {
  ceiling: PolicyCeiling;
  workspace: string;
  /** The app-server runs in the bubblewrap jail (ISOLATION); without it a path grant could reach the host. */
  jailed: boolean;
}

/** One permission asked, with codex's own form of its path (given back as is when granted). */
export interface AskedPermission {
  shown: PermissionAsked;
  codexPath?: CodexPath;
}

/** Folders codex keeps read-only inside every writable root; a grant must not undo that. */
const PROTECTED_FOLDERS = new Set(['.git', '.codex', '.agents', '.aws']);

function pathOf(codexPath: CodexPath): string {
  if (codexPath.type === 'path') return codexPath.path;
  if (codexPath.type === 'glob_pattern') return codexPath.pattern;
  return `:${codexPath.value.kind}`;
}

/** The real location of a path that may not exist yet: its deepest existing ancestor resolved, the rest appended. */
function realLocation(target: string): string {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(target);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** Why the path cannot be granted, or undefined when it can. */
function pathRefusal(scope: GrantScope, codexPath: CodexPath, access: string): string | undefined {
  if (!scope.ceiling.grantablePermissions.includes('file_system'))
    return 'file system grants are off (CODEX_GRANTABLE_PERMISSIONS does not include file_system)';
  if (!scope.jailed) return 'file system grants need the bubblewrap jail (ISOLATION), which this bridge runs without';
  if (codexPath.type !== 'path') return 'only a plain path can be granted, not a pattern or a special location';
  if (!path.isAbsolute(codexPath.path)) return 'the path is not absolute';
  let workspace: string;
  try {
    workspace = fs.realpathSync(scope.workspace);
  } catch {
    return 'the workspace cannot be resolved';
  }
  const relative = path.relative(workspace, realLocation(codexPath.path));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return 'it is outside your workspace';
  const parts = relative.split(path.sep);
  if (access !== 'read' && parts.some((part) => PROTECTED_FOLDERS.has(part)))
    return `${[...PROTECTED_FOLDERS].join(', ')} stay read-only`;
  return undefined;
}

function asked(
  type: 'network' | 'file_system',
  refusal: string | undefined,
  detail: { access: 'read' | 'write' | 'deny'; codexPath: CodexPath } | undefined,
): AskedPermission {
  return {
    shown: {
      type,
      access: detail?.access ?? null,
      path: detail ? pathOf(detail.codexPath) : null,
      grantable: refusal === undefined,
      not_grantable_reason: refusal ?? null,
    },
    ...(detail && { codexPath: detail.codexPath }),
  };
}

/** Each permission codex asks for, judged against the scope; throws (zod) on a shape the bridge does not know. */
export function describePermissions(
  params: Record<string, unknown>,
  scope: GrantScope,
): { permissions: AskedPermission[]; cwd: string | null; reason: string | null } {
  const parsed = permissionParams.parse(params);
  const permissions: AskedPermission[] = [];
  if (parsed.permissions.network?.enabled) {
    const refusal = scope.ceiling.grantablePermissions.includes('network')
      ? undefined
      : 'network grants are off (CODEX_GRANTABLE_PERMISSIONS does not include network)';
    permissions.push(asked('network', refusal, undefined));
  }
  const fileSystem = parsed.permissions.fileSystem;
  const entries = fileSystem?.entries ?? [
    ...(fileSystem?.read ?? []).map((entry) => ({ path: { type: 'path' as const, path: entry }, access: 'read' as const })),
    ...(fileSystem?.write ?? []).map((entry) => ({ path: { type: 'path' as const, path: entry }, access: 'write' as const })),
  ];
  for (const entry of entries)
    permissions.push(
      asked('file_system', pathRefusal(scope, entry.path, entry.access), { access: entry.access, codexPath: entry.path }),
    );
  return { permissions, cwd: parsed.cwd ?? null, reason: parsed.reason ?? null };
}

type PermissionGrantBody = NonNullable<components['schemas']['ApprovalAnswer']['permissions']>;

/**
 * The permissions a client grants: all those asked (`grant` absent) or the subset it names. Asked but
 * beyond the ceiling is 403, not asked at all is 400; each names its field. Paths are judged again now:
 * the workspace may have changed since codex asked.
 */
export function checkGrant(
  askedPermissions: AskedPermission[],
  grant: PermissionGrantBody | undefined,
  scope: GrantScope,
): AskedPermission[] {
  const judged = askedPermissions.map((permission) =>
    permission.codexPath && permission.shown.access
      ? asked('file_system', pathRefusal(scope, permission.codexPath, permission.shown.access), {
          access: permission.shown.access,
          codexPath: permission.codexPath,
        })
      : permission,
  );
  const wanted: Array<{ field: string; permission: AskedPermission | undefined; what: string }> = [];
  if (grant === undefined) {
    for (const permission of judged) wanted.push({ field: '/body/decision', permission, what: describe(permission.shown) });
  } else {
    if (grant.network)
      wanted.push({
        field: '/body/permissions/network',
        permission: judged.find((permission) => permission.shown.type === 'network'),
        what: 'network access',
      });
    for (const [index, entry] of (grant.file_system ?? []).entries())
      wanted.push({
        field: `/body/permissions/file_system/${index}`,
        permission: judged.find(
          (permission) => permission.shown.path === entry.path && permission.shown.access === entry.access,
        ),
        what: `${entry.access} ${entry.path}`,
      });
  }
  const notAsked: InvalidParam[] = wanted
    .filter((entry) => !entry.permission)
    .map((entry) => ({ field: entry.field, message: `codex did not ask for ${entry.what}` }));
  if (notAsked.length > 0) throw new ValidationError('the grant names permissions codex did not ask for', notAsked);
  if (wanted.length === 0)
    throw new ValidationError('the grant is empty', [
      { field: '/body/permissions', message: 'grant at least one permission codex asked for, or decline' },
    ]);
  const beyond: InvalidParam[] = wanted
    .filter((entry) => entry.permission && !entry.permission.shown.grantable)
    .map((entry) => ({
      field: entry.field,
      message: `${entry.what} cannot be granted: ${entry.permission?.shown.not_grantable_reason ?? 'beyond the ceiling'}`,
    }));
  if (beyond.length > 0)
    throw new ForbiddenError('the grant is beyond what this bridge lets a user grant', beyond, 'permission-ceiling');
  return wanted.flatMap((entry) => (entry.permission ? [entry.permission] : []));
}

function describe(permission: PermissionAsked): string {
  return permission.type === 'network' ? 'network access' : `${permission.access ?? 'access'} ${permission.path ?? ''}`;
}

/** What codex expects back: the granted subset (nothing when declined), for the turn or the session. */
export function permissionsResponse(
  granted: AskedPermission[],
  scope: 'turn' | 'session',
): { permissions: Record<string, unknown>; scope: 'turn' | 'session' } {
  const entries = granted.flatMap((permission) =>
    permission.codexPath && permission.shown.access ? [{ path: permission.codexPath, access: permission.shown.access }] : [],
  );
  return {
    permissions: {
      ...(granted.some((permission) => permission.shown.type === 'network') && { network: { enabled: true } }),
      ...(entries.length > 0 && { fileSystem: { entries } }),
    },
    scope,
  };
}
