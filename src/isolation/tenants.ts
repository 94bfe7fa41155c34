import fs from 'node:fs/promises';
import path from 'node:path';
import { userDirectoryName } from '../codex/userDirectory';

/*
 * Where a user's things live. users/<dir>/ belongs to the bridge and holds:
 *   codex/      the user's CODEX_HOME (the jail's, writable by codex)
 *   workspace/  where the agent works (writable by its commands)
 *   bridge/     the bridge's own records (usage...), never inside any jail
 */

export const DEFAULT_USER = 'default';

export interface TenantPaths {
  key: string;
  codexHome: string;
  workspace: string;
  /** The bridge's records about this user; nothing an agent can reach. */
  records: string;
  /** The operator's own CODEX_HOME (single-user): its trusted files are kept, read-only, not replaced. */
  operatorHome: boolean;
}

export interface LayoutConfig {
  baseDataDir: string;
  codexHome: string | undefined;
  codexWorkingDir: string | undefined;
  multiUser: boolean;
}

/** The bridge's own records of a user, by directory name; known without starting anything. */
export function recordsDir(baseDataDir: string, key: string): string {
  return path.join(baseDataDir, 'users', key, 'bridge');
}

export function tenantPaths(config: LayoutConfig, userId: string): TenantPaths {
  const key = userDirectoryName(userId);
  const root = path.join(config.baseDataDir, 'users', key);
  const operatorHome = !config.multiUser && userId === DEFAULT_USER && config.codexHome !== undefined;
  return {
    key,
    codexHome: operatorHome && config.codexHome ? config.codexHome : path.join(root, 'codex'),
    workspace: !config.multiUser && config.codexWorkingDir ? config.codexWorkingDir : path.join(root, 'workspace'),
    records: recordsDir(config.baseDataDir, key),
    operatorHome,
  };
}

/**
 * What codex trusts in CODEX_HOME: settings (MCP servers, sandbox, notify commands), instructions,
 * skills, exec-policy rules, hooks, plugins. Inside the jail each is a read-only mount, so neither a
 * command nor codex itself can plant one for a later thread.
 */
export const TRUSTED_FILES = [
  'config.toml',
  'managed_config.toml',
  'requirements.toml',
  'AGENTS.md',
  'AGENTS.override.md',
  'instructions.md',
  'hooks.json',
];
export const TRUSTED_DIRS = ['skills', 'rules', 'prompts', 'hooks', 'plugins', 'agents', '.agents'];

export interface Placeholders {
  file: string;
  /** An empty JSON object: codex parses hooks.json and warns at every thread about an empty file. */
  json: string;
  dir: string;
}

/** Placeholders the overlays mount: an empty file, an empty JSON object and an empty folder of the bridge's. */
export async function placeholders(records: string): Promise<Placeholders> {
  const base = path.join(records, 'jail');
  const file = path.join(base, 'empty');
  const json = path.join(base, 'empty.json');
  const dir = path.join(base, 'empty.d');
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await fs.chmod(base, 0o755);
  for (const [target, content] of [
    [file, ''],
    [json, '{}\n'],
  ] as const) {
    await fs.rm(target, { force: true });
    await fs.writeFile(target, content, { mode: 0o444 });
  }
  return { file, json, dir };
}

/**
 * The overlays for one home. A managed home gets empty placeholders (whatever was there before was
 * writable by an agent, so it is removed, symlinks included, without following them); the operator's
 * own home keeps its files, made read-only inside.
 */
export async function trustOverlays(
  tenant: TenantPaths,
  empty: Placeholders,
): Promise<Array<{ source: string; target: string }>> {
  const overlays: Array<{ source: string; target: string }> = [];
  for (const [names, placeholderOf] of [
    [TRUSTED_FILES, (name: string) => (name.endsWith('.json') ? empty.json : empty.file)],
    [TRUSTED_DIRS, () => empty.dir],
  ] as const) {
    for (const name of names) {
      const placeholder = placeholderOf(name);
      const target = path.join(tenant.codexHome, name);
      const existing = await fs.lstat(target).catch(() => undefined);
      if (tenant.operatorHome && existing && !existing.isSymbolicLink()) {
        overlays.push({ source: target, target });
        continue;
      }
      if (existing) await fs.rm(target, { recursive: true, force: true });
      overlays.push({ source: placeholder, target });
    }
  }
  return overlays;
}

/**
 * Before this layout users/<dir>/ was CODEX_HOME itself, with the usage records in its bridge/ folder.
 * Its threads move into codex/; bridge/ is already where records live now.
 */
export async function migrateFlatLayout(tenant: TenantPaths): Promise<boolean> {
  if (tenant.operatorHome) return false;
  const root = path.dirname(tenant.codexHome);
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  const known = new Set(['codex', 'workspace', 'bridge']);
  const legacy = entries.filter((entry) => !known.has(entry));
  if (legacy.length === 0 || entries.includes('codex')) return false;
  await fs.mkdir(tenant.codexHome, { mode: 0o700 });
  for (const entry of legacy) await fs.rename(path.join(root, entry), path.join(tenant.codexHome, entry));
  return true;
}

/** Makes a tree belong to `uid` without following symlinks out of it. */
export async function chownTree(root: string, uid: number): Promise<void> {
  await fs.lchown(root, uid, uid);
  const entries = await fs.readdir(root, { withFileTypes: true });
  for (const entry of entries) {
    const child = path.join(root, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid);
    else await fs.lchown(child, uid, uid);
  }
}
