import { DEFAULT_USER } from '../../codex/sessionManager';
import type { AuthenticatedUser } from '../../auth/types';
import type { Handlers } from '../operations';
import { streamTurn } from '../sse';
import type { Services } from './services';

const userOf = (user: AuthenticatedUser | undefined): string => user?.id ?? DEFAULT_USER;

/** Runs `work` with the caller's session held, so idle cleanup cannot stop it meanwhile. */
async function withSession<T>(
  services: Services,
  user: AuthenticatedUser | undefined,
  work: (session: Awaited<ReturnType<Services['sessions']['acquire']>>['session']) => Promise<T>,
): Promise<T> {
  const { session, release } = await services.sessions.acquire(userOf(user));
  try {
    return await work(session);
  } finally {
    release();
  }
}

export function createHandlers(services: Services): Handlers {
  return {
    getServiceInfo: async () => ({
      status: 200,
      body: {
        name: 'Codex API Bridge',
        version: services.version,
        links: { docs: '/docs', openapi_json: '/openapi.json', openapi_yaml: '/openapi.yaml', status: '/status' },
      },
    }),

    getStatus: async () => {
      const codexAvailable = services.codex.command !== undefined;
      const apiKeyConfigured = Boolean(services.config.openaiApiKey);
      const saturated = services.sessions.activeSessions >= services.sessions.maxSessions;
      return {
        status: 200,
        body: {
          status: !codexAvailable ? 'unavailable' : !apiKeyConfigured || saturated ? 'degraded' : 'ok',
          codex_available: codexAvailable,
          codex_version: services.codex.version ?? null,
          api_key_configured: apiKeyConfigured,
          security_method: services.config.securityMethod,
          active_sessions: services.sessions.activeSessions,
          max_sessions: services.sessions.maxSessions,
          version: services.version,
        },
      };
    },

    getOpenApiJson: async () => ({ status: 200, body: services.spec.document as unknown as Record<string, never> }),

    getOpenApiYaml: async ({ res }) => {
      res.type('application/yaml').send(services.spec.yaml);
      return 'streamed';
    },

    chat: async ({ body, user, res }) => {
      const prompt = body.messages.map((message) => message.content.trim()).join('\n\n');
      return withSession(services, user, async (session) => {
        const run = await session.startTurn({
          threadId: body.thread_id,
          prompt,
          model: body.model,
          rawEvents: body.raw_events ?? false,
        });
        if (body.stream ?? true) {
          await streamTurn(res, run, { keepaliveMs: services.config.sseKeepaliveMs });
          return 'streamed';
        }
        await run.done;
        return { status: 200, body: run.toResult(), headers: { 'X-Thread-Id': run.threadId, 'X-Turn-Id': run.turnId } };
      });
    },

    listThreads: async ({ query, user }) =>
      withSession(services, user, async (session) => ({
        status: 200,
        body: await session.listThreads(query.limit ?? 25, query.cursor),
      })),

    getHistory: async ({ query, user }) =>
      withSession(services, user, async (session) => ({
        status: 200,
        body: await session.history(query.thread_id, query.limit ?? 50, query.cursor),
      })),

    renameThread: async ({ params, body, user }) =>
      withSession(services, user, async (session) => ({
        status: 200,
        body: await session.rename(params.thread_id, body.name.trim()),
      })),

    archiveThread: async ({ params, user }) =>
      withSession(services, user, async (session) => {
        await session.archive(params.thread_id);
        return { status: 204, body: undefined };
      }),
  };
}
