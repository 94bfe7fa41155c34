import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { components } from '../../../generated/api';
import type { Services } from '../handlers/services';

export type ReadinessCheck = components['schemas']['ReadinessCheck'];

export interface ReadinessCause {
  check: ReadinessCheck;
  detail: string;
}

export const READINESS_CHECKS: ReadinessCheck[] = ['codex', 'storage', 'identity_provider', 'isolation', 'draining'];

/** Writes and removes a small file, which is what starting a session needs of BASE_DATA_DIR. */
async function storageProblem(baseDataDir: string): Promise<string | undefined> {
  const probe = path.join(baseDataDir, `.readyz-${process.pid}-${randomUUID()}`);
  try {
    await fs.mkdir(baseDataDir, { recursive: true });
    await fs.writeFile(probe, 'ok', { mode: 0o600 });
    await fs.rm(probe, { force: true });
    return undefined;
  } catch (error) {
    return `BASE_DATA_DIR (${baseDataDir}) is not writable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

/** A jail is required when the operator asked for one, or when several users share the bridge. */
function isolationProblem(services: Services): string | undefined {
  const { config, isolation } = services;
  const required = config.isolation.mode === 'bubblewrap' || (config.multiUser && config.isolation.mode !== 'none');
  if (!required || isolation.status.mechanism === 'bubblewrap') return undefined;
  return `a jail is required (${config.isolation.mode === 'bubblewrap' ? 'ISOLATION=bubblewrap' : 'several users'}) but none can be had: ${isolation.status.reason ?? 'unknown reason'}`;
}

/** Every failing check, in a fixed order; empty when the bridge can serve chats. */
export async function readinessCauses(services: Services): Promise<ReadinessCause[]> {
  const causes: ReadinessCause[] = [];
  if (!services.codex.command)
    causes.push({ check: 'codex', detail: 'no codex binary found (CODEX_BINARY_PATH, PATH or the npm package)' });
  const storage = await storageProblem(services.config.baseDataDir);
  if (storage) causes.push({ check: 'storage', detail: storage });
  const idp = services.identityProvider?.status;
  if (idp?.state === 'unreachable' || idp?.state === 'credentials-rejected') {
    causes.push({
      check: 'identity_provider',
      detail: `the identity provider is ${idp.state}${idp.detail ? `: ${idp.detail}` : ''}`,
    });
  }
  const isolation = isolationProblem(services);
  if (isolation) causes.push({ check: 'isolation', detail: isolation });
  if (!services.sessions.accepting) causes.push({ check: 'draining', detail: 'the bridge is shutting down' });
  if (services.cluster && !services.cluster.redisUp)
    causes.push({ check: 'cluster', detail: 'Redis (REDIS_URL) is not reachable: no user can be taken or handed over' });
  return causes;
}
