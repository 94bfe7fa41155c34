/**
 * 6. Auth cost: the same cheap request against two bridges, SECURITY_METHOD=None and
 * SECURITY_METHOD=Keycloak with a warm introspection cache (the fake RFC 7662 server from
 * test/auth/, answering "active" for one token), interleaved A B A B. GET /threads (one codex
 * thread/list each, the user's session started beforehand) and GET /threads/{id}/approvals (no codex
 * call at all, so the auth share is not hidden behind codex's time).
 */
import { activeToken, startFakeIntrospectionServer } from '../../../test/auth/fakeIntrospectionServer';
import { newAgent, timedGet } from '../bridgeClient';
import { bridgeCpuUs, type BenchContext } from '../context';
import type { BridgeHost } from '../setup';
import { ratio, summarize, type Summary } from '../stats';

export interface RouteResult {
  route: string;
  requests: number;
  none: { ms: Summary; errors: number; cpuUsPerRequest: number };
  keycloak: { ms: Summary; errors: number; cpuUsPerRequest: number };
  ratios: { p50: number; p95: number; cpuPerRequest: number };
  /** keycloak p50 - none p50, microseconds. */
  overheadP50Us: number;
}

export interface AuthResult {
  identityProvider: string;
  /** Introspection calls during the measured requests (0 = every request hit the cache). */
  introspectionCallsWhileMeasuring: number;
  routes: RouteResult[];
}

const TOKEN = 'bench-access-token';

export async function runAuth(ctx: BenchContext): Promise<AuthResult> {
  const { plan, log, resources } = ctx;
  const introspection = await startFakeIntrospectionServer();
  const agent = newAgent();
  let none: BridgeHost | undefined;
  let keycloak: BridgeHost | undefined;
  try {
    introspection.respondWith((form) =>
      form.get('token') === TOKEN ? activeToken('bench-user') : { body: { active: false } },
    );
    none = await resources.startBridge({
      name: 'auth bridge (None)',
      env: { SECURITY_METHOD: 'None', ALLOW_USER_ID_OVERRIDE: 'false' },
    });
    keycloak = await resources.startBridge({
      name: 'auth bridge (Keycloak)',
      env: {
        SECURITY_METHOD: 'Keycloak',
        ALLOW_USER_ID_OVERRIDE: 'false',
        KEYCLOAK_INTROSPECTION_URL: introspection.url,
        KEYCLOAK_CLIENT_ID: 'codex-bridge',
        KEYCLOAK_CLIENT_SECRET: 'bench-secret',
        KEYCLOAK_CACHE_TTL_SECONDS: '3600',
        // The background identity provider check would add introspection calls to the measured ones.
        KEYCLOAK_HEALTH_INTERVAL_SECONDS: '0',
      },
    });
    const noneUrl = none.info.url;
    const keycloakUrl = keycloak.info.url;
    const bearer = { authorization: `Bearer ${TOKEN}` };
    // Starts each bridge's session for its user and fills the introspection cache.
    for (const [url, headers] of [
      [noneUrl, {}],
      [keycloakUrl, bearer],
    ] as const) {
      const first = await timedGet(`${url}/threads`, agent, headers, 60_000);
      if (first.status !== 200)
        throw new Error(`GET ${url}/threads answered ${first.status} while starting the session`);
    }

    const routes: RouteResult[] = [];
    const callsBefore = introspection.calls;
    for (const route of ['/threads?limit=25', '/threads/bench-thread/approvals']) {
      log(`auth: GET ${route}, SECURITY_METHOD=None against Keycloak (warm cache), ${plan.authPairs} pairs A B A B`);
      for (let i = 0; i < 30; i++) {
        await timedGet(`${noneUrl}${route}`, agent);
        await timedGet(`${keycloakUrl}${route}`, agent, bearer);
      }
      const noneMs: number[] = [];
      const keycloakMs: number[] = [];
      let noneErrors = 0;
      let keycloakErrors = 0;
      const [noneCpuBefore, keycloakCpuBefore] = await Promise.all([bridgeCpuUs(none), bridgeCpuUs(keycloak)]);
      for (let i = 0; i < plan.authPairs; i++) {
        const a = await timedGet(`${noneUrl}${route}`, agent);
        const b = await timedGet(`${keycloakUrl}${route}`, agent, bearer);
        if (a.status === 200) noneMs.push(a.ms);
        else noneErrors++;
        if (b.status === 200) keycloakMs.push(b.ms);
        else keycloakErrors++;
      }
      const [noneCpuAfter, keycloakCpuAfter] = await Promise.all([bridgeCpuUs(none), bridgeCpuUs(keycloak)]);
      const noneSide = {
        ms: summarize(noneMs),
        errors: noneErrors,
        cpuUsPerRequest: (noneCpuAfter - noneCpuBefore) / plan.authPairs,
      };
      const keycloakSide = {
        ms: summarize(keycloakMs),
        errors: keycloakErrors,
        cpuUsPerRequest: (keycloakCpuAfter - keycloakCpuBefore) / plan.authPairs,
      };
      routes.push({
        route: `GET ${route.split('?')[0]}`,
        requests: plan.authPairs,
        none: noneSide,
        keycloak: keycloakSide,
        ratios: {
          p50: ratio(keycloakSide.ms.p50, noneSide.ms.p50),
          p95: ratio(keycloakSide.ms.p95, noneSide.ms.p95),
          cpuPerRequest: ratio(keycloakSide.cpuUsPerRequest, noneSide.cpuUsPerRequest),
        },
        overheadP50Us: (keycloakSide.ms.p50 - noneSide.ms.p50) * 1000,
      });
    }
    return {
      identityProvider:
        'fake RFC 7662 introspection server (test/auth/fakeIntrospectionServer.ts) on 127.0.0.1; not a real Keycloak',
      introspectionCallsWhileMeasuring: introspection.calls - callsBefore,
      routes,
    };
  } finally {
    agent.destroy();
    if (keycloak) await resources.stopHost(keycloak);
    if (none) await resources.stopHost(none);
    await introspection.close();
  }
}
