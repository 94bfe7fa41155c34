import { z } from 'zod';
import { IntrospectionFailure, type IntrospectionClient } from './introspectionClient';

export type IdentityProviderState = 'ok' | 'unreachable' | 'credentials-rejected' | 'unknown';

export interface ProbeResult {
  state: Exclude<IdentityProviderState, 'unknown'>;
  /** What failed, for operators; never a secret. Undefined when all is well. */
  detail: string | undefined;
}

export interface ProbeOptions {
  /** `{base}/realms/{realm}`; without it the discovery document is not checked. */
  expectedIssuer: string | undefined;
  timeoutMs: number;
  introspection: IntrospectionClient;
}

/**
 * Introspected by every check: Keycloak answers `active:false` (HTTP 200) when it accepts the
 * bridge's client credentials and 401 when it does not, without the bridge holding a real token.
 */
export const PLACEHOLDER_TOKEN = 'codex-bridge-health-check';

const discoverySchema = z.object({ issuer: z.string() });

/**
 * One check of the identity provider: its realm's discovery document is served, and its
 * introspection endpoint accepts the bridge's client credentials.
 */
export async function probeIdentityProvider(options: ProbeOptions): Promise<ProbeResult> {
  if (options.expectedIssuer !== undefined) {
    const discoveryProblem = await checkDiscovery(
      `${options.expectedIssuer}/.well-known/openid-configuration`,
      options.timeoutMs,
    );
    if (discoveryProblem) return { state: 'unreachable', detail: discoveryProblem };
  }
  try {
    await options.introspection.introspect(PLACEHOLDER_TOKEN);
    return { state: 'ok', detail: undefined };
  } catch (error) {
    return resultOfFailure(error);
  }
}

/** How a failed introspection, from a check or from a request, reflects on the identity provider. */
export function resultOfFailure(error: unknown): ProbeResult {
  if (error instanceof IntrospectionFailure) {
    return {
      state: error.reason === 'client-credentials-rejected' ? 'credentials-rejected' : 'unreachable',
      detail: error.message,
    };
  }
  return { state: 'unreachable', detail: `introspection failed unexpectedly: ${String(error)}` };
}

async function checkDiscovery(url: string, timeoutMs: number): Promise<string | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal, redirect: 'error' });
    body = await response.json().catch(() => undefined);
  } catch (error) {
    if (signal.aborted) return `discovery document ${url} did not answer within ${timeoutMs} ms`;
    return `discovery document ${url} is unreachable (${networkErrorDetail(error)})`;
  }
  if (response.status === 404) {
    return `discovery document ${url} answered 404: is KEYCLOAK_REALM right?`;
  }
  if (response.status !== 200 || !discoverySchema.safeParse(body).success) {
    return `discovery document ${url} answered HTTP ${response.status} without an OpenID configuration`;
  }
  return undefined;
}

function networkErrorDetail(error: unknown): string {
  // Duck-typed: errors raised by Node's fetch are not `instanceof Error` inside a jest sandbox.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : 'unknown error';
}
