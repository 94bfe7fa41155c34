import type { TurnRun } from '../../codex/turnRun';
import { originalChatResult, originalPrompt, originalSseOf, sessionEvent } from '../../compat/chat';
import { isOriginal } from '../../compat/profile';
import { ORIGINAL_ENDPOINTS, ORIGINAL_THREADS_LIMIT, originalHistory, originalThreadList } from '../../compat/threads';
import { GoneError, NotFoundError, ServiceUnavailableError } from '../../errors';
import { modelCatalogue } from '../../codex/modelList';
import type { StartTurnRequest } from '../../codex/session';
import type { AuthenticatedUser } from '../../auth/types';
import type { Logger } from '../../logger';
import type { BridgeMetrics } from '../../metrics/bridgeMetrics';
import type { Handlers } from '../operations';
import { imagesOf, optional, promptOf, textOf, threadIdOf } from '../chatPrompt';
import { legacyErrorSse, streamTurn, type StreamOptions } from '../sse';
import { documentForPrefix, forwardedPrefix } from '../spec';
import { StreamLimiter } from '../streamLimiter';
import { READINESS_CHECKS, readinessCauses } from '../health/readiness';
import { problemType } from '../errors';
import { assertModelCredential } from './modelCredential';
import { createEventHandlers } from './events';
import { createOpenAiHandlers, openConversationStore } from './openai';
import { createThreadHandlers } from './threads';
import type { Services } from './services';
import { userOf, withSession } from './withSession';

function turnLinks(run: TurnRun): { turn: string; events: string; interrupt: string } {
  const thread = `/threads/${encodeURIComponent(run.threadId)}`;
  return {
    turn: `${thread}/turns/${run.turnId}`,
    events: `${thread}/turns/${run.turnId}/events`,
    interrupt: `${thread}/interrupt`,
  };
}

async function findTurnOrThrow(
  services: Services,
  user: AuthenticatedUser | undefined,
  threadId: string,
  turnId: string,
): Promise<TurnRun> {
  // With several replicas a turn run by another one is read back from the shared records.
  const { sessions } = services;
  const run = sessions.lookupTurn
    ? await sessions.lookupTurn(userOf(user), threadId, turnId)
    : sessions.findTurn(userOf(user), threadId, turnId);
  if (!run)
    throw new NotFoundError(
      `no turn '${turnId}' on thread '${threadId}' for this user (finished turns are kept for a while only)`,
      'turn-not-found',
    );
  return run;
}

export function createHandlers(services: Services, logger: Logger, metrics?: BridgeMetrics): Handlers {
  /** Every SSE answer holds one of the user's stream slots, taken before any work starts. */
  const streams = new StreamLimiter(
    services.config.maxStreamsPerUser,
    metrics ? () => metrics.streamOpened() : undefined,
  );
  const streamOptions = (
    options: Omit<StreamOptions, 'keepaliveMs' | 'maxBacklogBytes' | 'stallTimeoutMs'>,
  ): StreamOptions => ({
    keepaliveMs: services.config.sseKeepaliveMs,
    maxBacklogBytes: services.config.sseMaxBacklogBytes,
    stallTimeoutMs: services.config.sseStallTimeoutMs,
    ...(services.config.sseLegacyErrorEvent && { format: legacyErrorSse }),
    ...options,
  });

  const conversations = openConversationStore(services, logger);

  return {
    ...createOpenAiHandlers(services, { streams, streamOptions, logger, conversations }),
    ...createThreadHandlers(services, { streams, streamOptions, conversations, turnLinks }),
    ...createEventHandlers(services, streams),

    getServiceInfo: async () => ({
      status: 200,
      body: {
        name: 'Codex API Bridge',
        version: services.version,
        endpoints: ORIGINAL_ENDPOINTS,
        links: { docs: '/docs', openapi_json: '/openapi.json', openapi_yaml: '/openapi.yaml', status: '/status' },
      },
    }),

    getStatus: async () => {
      const codexAvailable = services.codex.command !== undefined;
      const apiKeyConfigured = Boolean(services.config.openaiApiKey);
      const saturated = services.sessions.activeSessions >= services.sessions.maxSessions;
      const identityProvider = services.identityProvider?.status;
      const identityProviderFailing =
        identityProvider?.state === 'unreachable' || identityProvider?.state === 'credentials-rejected';
      const storage = await services.sessions.storageReport();
      const memory = services.load.memory();
      const troubled = storage.low_space || storage.problems.length > 0 || memory.shedding || identityProviderFailing;
      return {
        status: 200,
        body: {
          status: !codexAvailable ? 'unavailable' : !apiKeyConfigured || saturated || troubled ? 'degraded' : 'ok',
          codex_available: codexAvailable,
          codex_version: services.codex.version ?? null,
          api_key_configured: apiKeyConfigured,
          security_method: services.config.securityMethod,
          active_sessions: services.sessions.activeSessions,
          max_sessions: services.sessions.maxSessions,
          version: services.version,
          isolation: { ...services.isolation.status, model_relay: apiKeyConfigured },
          ...(identityProvider && {
            identity_provider: {
              state: identityProvider.state,
              checked_at: identityProvider.checkedAt?.toISOString() ?? null,
              detail: identityProvider.detail ?? null,
            },
          }),
          ...(services.cluster && { cluster: services.cluster.status() }),
          storage,
          memory,
          events: { retained_bytes: services.sessions.eventLedger.retainedBytes, max_bytes: services.config.eventsMaxBytes },
          connections: services.load.connections(),
        },
      };
    },

    getHealthz: async () => ({ status: 200, body: { status: 'ok' } }),

    getReadyz: async ({ req, res }) => {
      const causes = await readinessCauses(services);
      if (causes.length === 0)
        return { status: 200, body: { status: 'ready', checks: services.cluster ? [...READINESS_CHECKS, 'cluster'] : READINESS_CHECKS } };
      // A problem with its own `causes` member, written here because no domain error carries a list of causes.
      res
        .status(503)
        .type('application/problem+json')
        .set('Retry-After', '5')
        .json({
          type: problemType('not-ready'),
          title: 'Service unavailable',
          status: 503,
          detail: `not ready: ${causes.map((cause) => `${cause.check}: ${cause.detail}`).join('; ')}`,
          instance: req.path,
          causes,
        });
      return 'streamed';
    },

    getOpenApiJson: async ({ req }) => ({
      status: 200,
      body: documentForPrefix(services.spec.document, forwardedPrefix(req.get('x-forwarded-prefix'))) as unknown as Record<
        string,
        never
      >,
    }),

    getOpenApiYaml: async ({ res }) => {
      res.type('application/yaml').send(services.spec.yaml);
      return 'streamed';
    },

    chat: async ({ body, user, res }) => {
      await assertModelCredential(services.config);
      const original = isOriginal(res);
      const images = original ? [] : imagesOf(body.messages);
      const prompt = original
        ? originalPrompt(body.messages.map((message) => ({ content: textOf(message.content) })))
        : promptOf(body.messages, images.length > 0);
      const streaming = (body.stream ?? true) && !body.background;
      services.load.assertCanTakeWork();
      const releaseStream = streaming ? streams.acquire(userOf(user)) : () => undefined;
      try {
        return await withSession(services, user, async (session) => {
          // A caller who leaves while its turn waits in the queue takes it out (background turns stay).
          const left = new AbortController();
          if (!body.background) res.once('close', () => left.abort());
          const turnRequest: StartTurnRequest = {
            threadId: threadIdOf(body),
            prompt,
            model: optional(body.model),
            effort: optional(body.effort),
            summary: optional(body.summary),
            outputSchema: optional(body.output_schema),
            images,
            onBusy: optional(body.on_busy),
            signal: left.signal,
            // The original profile sends codex's notifications as they are: the turn keeps them.
            rawEvents: original || (body.raw_events ?? false),
            approvalPolicy: optional(body.approval_policy),
            sandbox: optional(body.sandbox),
            cwd: optional(body.cwd),
          };
          if (body.background && turnRequest.onBusy === 'queue' && session.queueTurn) {
            const queued = await session.queueTurn(turnRequest);
            if (queued) {
              // Nobody waits for it here: its start (or failure) is the thread's business from now on.
              queued.started.catch((error: Error) => logger.info({ err: error.message }, 'a queued turn did not start'));
              return { status: 202, body: { thread_id: turnRequest.threadId ?? '', status: 'queued', position: queued.position } };
            }
          }
          const run = await session.startTurn(turnRequest);
          if (body.background) {
            return {
              status: 202,
              body: { thread_id: run.threadId, turn_id: run.turnId, status: 'running', links: turnLinks(run) },
            };
          }
          if (streaming) {
            const interruptOnLeave = body.on_disconnect === 'interrupt';
            await streamTurn(
              res,
              run,
              streamOptions({
                onClientGone: interruptOnLeave
                  ? () => void session.interrupt(run.threadId).catch(() => undefined)
                  : undefined,
                ...(original && {
                  preamble: `data: ${JSON.stringify(sessionEvent(run.threadId))}\n\n`,
                  format: (event, seq) => originalSseOf(run, event, seq),
                }),
              }),
            );
            return 'streamed';
          }
          await run.done;
          return {
            status: 200,
            body: original ? originalChatResult(run) : run.toResult(),
            headers: { 'X-Thread-Id': run.threadId, 'X-Turn-Id': run.turnId },
          };
        });
      } finally {
        releaseStream();
      }
    },

    listThreads: async ({ query, user, req, res }) =>
      withSession(services, user, async (session) => {
        if (!isOriginal(res))
          return {
            status: 200,
            body: await session.listThreads(query.limit ?? 25, query.cursor, 'updated_at', {
              archived: query.archived,
              search: query.search,
            }),
          };
        // The validator may fill in the default profile's default; the original's is 50.
        const limit = new URL(req.originalUrl, 'http://bridge').searchParams.has('limit') ? query.limit : undefined;
        const list = await session.listThreads(limit ?? ORIGINAL_THREADS_LIMIT, query.cursor, 'created_at');
        return { status: 200, body: originalThreadList(list) };
      }),

    getHistory: async ({ query, user, res }) =>
      withSession(services, user, async (session) => ({
        status: 200,
        body: isOriginal(res)
          ? originalHistory(await session.codexHistory(query.thread_id))
          : await session.history(query.thread_id, query.limit ?? 50, query.cursor),
      })),

    renameThread: async ({ params, body, user }) =>
      withSession(services, user, async (session) => ({
        status: 200,
        body: await session.rename(params.thread_id, body.name.trim()),
      })),

    getTurn: async ({ params, user }) => ({
      status: 200,
      body: (await findTurnOrThrow(services, user, params.thread_id, params.turn_id)).toState(),
    }),

    streamTurnEvents: async ({ params, query, req, res, user }) => {
      const run = await findTurnOrThrow(services, user, params.thread_id, params.turn_id);
      // A partial replay must never pass for the whole: the turn's state stays, its events are gone.
      if (run.eventsEvicted)
        throw new GoneError(
          `the events of turn '${run.turnId}' were dropped to make room for newer turns (USER_EVENTS_MAX_BYTES / EVENTS_MAX_BYTES); its state is at /threads/${encodeURIComponent(run.threadId)}/turns/${run.turnId}, its messages in /history`,
          'events-evicted',
        );
      const lastEventId = req.get('last-event-id');
      const afterSeq = lastEventId !== undefined ? Number(lastEventId) : (query.after ?? 0);
      // An EventSource reconnects after every end of stream; 204 is the WHATWG way to tell it the turn is over.
      if (run.finished && afterSeq > 0 && afterSeq >= run.lastEventId) {
        res.status(204).set('X-Thread-Id', run.threadId).set('X-Turn-Id', run.turnId).end();
        return 'streamed';
      }
      const release = streams.acquire(userOf(user));
      try {
        await streamTurn(res, run, streamOptions({ afterSeq }));
      } finally {
        release();
      }
      return 'streamed';
    },

    interruptThread: async ({ params, user }) =>
      withSession(services, user, async (session) => ({
        status: 200,
        body: (await session.interrupt(params.thread_id)).toState(),
      })),

    listApprovals: async ({ params, user }) => {
      const run = services.sessions.findTurn(userOf(user), params.thread_id);
      if (run) return { status: 200, body: { approvals: run.toState().pending_approvals } };
      // No running turn: answer [] only for a thread the caller has (unknown and foreign threads are 404).
      await withSession(services, user, (session) => session.readThread(params.thread_id));
      return { status: 200, body: { approvals: [] } };
    },

    resolveApproval: async ({ params, body, user }) => {
      const pending = services.sessions.findTurn(userOf(user), params.thread_id)?.approvals.get(params.request_id);
      if (!pending)
        throw new NotFoundError(
          `no pending approval '${params.request_id}' on thread '${params.thread_id}'`,
          'approval-not-found',
        );
      const decision = pending.answer(body);
      return { status: 200, body: { request_id: params.request_id, decision } };
    },

    getModels: async ({ user }) =>
      withSession(services, user, async (session) => {
        if (!session.listModels) throw new ServiceUnavailableError('this session cannot list models', 30, 'models-unavailable');
        return { status: 200, body: modelCatalogue(await session.listModels(), services.config.model) };
      }),

    getUsage: async ({ user }) => ({ status: 200, body: await services.sessions.usageOf(userOf(user)) }),

    archiveThread: async ({ params, user }) =>
      withSession(services, user, async (session) => {
        await session.archive(params.thread_id);
        return { status: 204, body: undefined };
      }),
  };
}
