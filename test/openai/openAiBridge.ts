import type { components } from '../../generated/api';
import {
  activeToken,
  startFakeIntrospectionServer,
  type FakeIntrospectionServer,
} from '../auth/fakeIntrospectionServer';
import { startTestBridge, type TestBridge } from '../support/bridge';

/*
 * The real bridge (real codex, scripted fake model) behind SECURITY_METHOD=Keycloak, with the fake
 * introspection endpoint standing in for Keycloak: the token is what the OpenAI clients send as their
 * API key. `ALICE_TOKEN` and `BOB_TOKEN` are active; any other token is inactive.
 */

export const ALICE_TOKEN = 'alice-access-token';
export const BOB_TOKEN = 'bob-access-token';
/** The bridge's own message for an inactive token (src/auth/keycloakAuthenticator.ts). */
export const INVALID_TOKEN_MESSAGE = 'The bearer token is invalid, expired or revoked';

export interface OpenAiBridge {
  bridge: TestBridge;
  /** `<bridge>/v1`: the clients' baseURL. */
  baseURL: string;
  introspection: FakeIntrospectionServer;
  /** The bridge's own API as the user of `token`, for checking threads and history. */
  api<T>(path: string, token?: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startOpenAiBridge(env: Record<string, string> = {}): Promise<OpenAiBridge> {
  const introspection = await startFakeIntrospectionServer();
  introspection.respondWith((form) => {
    const token = form.get('token');
    if (token === ALICE_TOKEN) return activeToken('alice');
    if (token === BOB_TOKEN) return activeToken('bob');
    return { body: { active: false } };
  });
  let bridge: TestBridge;
  try {
    bridge = await startTestBridge({
      SECURITY_METHOD: 'Keycloak',
      KEYCLOAK_INTROSPECTION_URL: introspection.url,
      KEYCLOAK_CLIENT_ID: 'codex-bridge',
      KEYCLOAK_CLIENT_SECRET: 'bridge-secret',
      ...env,
    });
  } catch (error) {
    await introspection.close();
    throw error;
  }
  return {
    bridge,
    baseURL: `${bridge.url}/v1`,
    introspection,
    async api<T>(path: string, token = ALICE_TOKEN): Promise<T> {
      const res = await fetch(`${bridge.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      await bridge.stop();
      await introspection.close();
    },
  };
}

type ThreadList = components['schemas']['ThreadList'];
type History = components['schemas']['History'];

/** The user's threads and, for each, the ids of its turns in order (from /threads and /history). */
export async function threadsWithTurns(
  target: OpenAiBridge,
  token = ALICE_TOKEN,
): Promise<Array<{ threadId: string; turns: string[] }>> {
  const { threads } = await target.api<ThreadList>('/threads?limit=100', token);
  return Promise.all(
    threads.map(async (thread) => {
      const history = await target.api<History>(`/history?thread_id=${thread.thread_id}&limit=100`, token);
      return { threadId: thread.thread_id, turns: [...new Set(history.messages.map((message) => message.turn_id))] };
    }),
  );
}
