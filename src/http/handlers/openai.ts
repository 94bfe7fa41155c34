import path from 'node:path';
import type { AuthenticatedUser } from '../../auth/types';
import type { Logger } from '../../logger';
import type { StartTurnRequest } from '../../codex/session';
import type { TurnRun } from '../../codex/turnRun';
import {
  BadGatewayError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ThreadNotFoundError,
} from '../../errors';
import { chatCompletion, ChatStreamTranslator, turnFailure, type ChatSettings } from '../../openai/chatCompletion';
import { conversationHash, planChatTurn } from '../../openai/chatRequest';
import { ConversationStore } from '../../openai/conversationStore';
import { parseResponseId, responseId, type TurnRef } from '../../openai/ids';
import { openAiModels } from '../../openai/models';
import { planResponseTurn } from '../../openai/responseRequest';
import { responseObject, type ResponseSettings } from '../../openai/responseObject';
import { ResponseStreamTranslator } from '../../openai/responseStream';
import { assistantText, viewOfRun, type TurnView } from '../../openai/turnView';
import type { OpenAiModel } from '../../openai/types';
import type { Handlers } from '../operations';
import { streamOpenAi } from '../openaiStream';
import type { StreamOptions } from '../sse';
import type { StreamLimiter } from '../streamLimiter';
import type { ChatSession, Services } from './services';
import { assertModelCredential } from './modelCredential';
import { userOf, withSession } from './withSession';

type OpenAiOperations =
  'createResponse' | 'getResponse' | 'cancelResponse' | 'createChatCompletion' | 'listModels' | 'getModel';

export interface OpenAiHandlerDeps {
  /** The same per-user stream slots as the bridge's own streaming routes. */
  streams: StreamLimiter;
  streamOptions: (options: Omit<StreamOptions, 'keepaliveMs'>) => StreamOptions;
  logger: Logger;
  conversations: ConversationStore;
}

/** Pages of a thread's history read to rebuild an older response (100 turns each). */
const HISTORY_PAGES = 20;
const HISTORY_PAGE_TURNS = 100;

/** The `include` value that asks a Responses stream for codex's tool activity. */
const TOOL_CALLS_INCLUDE = 'codex.tool_calls';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function responseNotFound(id: string): NotFoundError {
  return new NotFoundError(`Response with id '${id}' not found.`, 'response-not-found');
}

/** The turn a response id names, or 404 (ids the bridge did not make name nothing). */
function refOf(id: string): TurnRef {
  const ref = parseResponseId(id);
  if (!ref) throw responseNotFound(id);
  return ref;
}

/** An older turn, rebuilt from the thread's history: what codex persisted of it. */
async function turnFromHistory(session: ChatSession, ref: TurnRef, id: string): Promise<TurnView> {
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const history = await session.history(ref.threadId, HISTORY_PAGE_TURNS, cursor).catch((error: unknown) => {
      throw error instanceof ThreadNotFoundError ? responseNotFound(id) : error;
    });
    const items = history.messages.filter((message) => message.turn_id === ref.turnId).map((message) => message.item);
    if (items.length > 0) {
      const answered = items.some((item) => item.type === 'assistant_message');
      return {
        ...ref,
        status: answered ? 'completed' : 'failed',
        items,
        usage: null,
        error: answered ? null : { message: 'the turn ended without an answer', code: null },
      };
    }
    if (!history.next_cursor) break;
    cursor = history.next_cursor;
  }
  throw responseNotFound(id);
}

/** What the OpenAI routes remember per user; the thread routes make it forget deleted threads. */
export function openConversationStore(services: Services, logger: Logger): ConversationStore {
  // A failed write costs continuity only (a conversation starts a new thread), never the request.
  return new ConversationStore(path.join(services.config.baseDataDir, 'openai'), (error) =>
    logger.warn({ err: error.message }, 'OpenAI conversation store'),
  );
}

export function createOpenAiHandlers(services: Services, deps: OpenAiHandlerDeps): Pick<Handlers, OpenAiOperations> {
  const store = deps.conversations;
  const startedAt = nowSeconds();
  const keepaliveMs = services.config.sseKeepaliveMs;
  const modelName = (requested: string | null | undefined): string => requested || services.config.model || 'codex';

  const settingsOf = async (user: AuthenticatedUser | undefined, id: string): Promise<ResponseSettings> =>
    (await store.responseSettings(userOf(user), id)) ?? {
      createdAt: nowSeconds(),
      model: modelName(undefined),
      instructions: null,
      metadata: {},
      previousResponseId: null,
      store: true,
      background: false,
    };

  /**
   * Starts the turn; a thread that is gone is the caller's 404, told in the words of the field they sent.
   * No OpenAI client can answer codex's questions or approvals: they are declined at once.
   */
  const startTurn = async (session: ChatSession, request: StartTurnRequest, missing: () => Error): Promise<TurnRun> => {
    try {
      return await session.startTurn({ ...request, unattended: true });
    } catch (error) {
      throw error instanceof ThreadNotFoundError ? missing() : error;
    }
  };

  const catalogue = async (user: AuthenticatedUser | undefined): Promise<OpenAiModel[]> =>
    withSession(services, user, async (session) => {
      if (!session.listModels)
        throw new ServiceUnavailableError('this session cannot list models', 30, 'models-unavailable');
      return openAiModels(await session.listModels(), services.config.model, startedAt);
    });

  return {
    createResponse: async ({ body, user, res }) => {
      await assertModelCredential(services.config);
      const plan = planResponseTurn(body);
      const background = body.background === true;
      const streaming = body.stream === true && !background;
      const releaseStream = streaming ? deps.streams.acquire(userOf(user)) : () => undefined;
      try {
        return await withSession(services, user, async (session) => {
          const run = await startTurn(
            session,
            {
              threadId: plan.previous?.threadId,
              prompt: plan.prompt,
              model: body.model ?? undefined,
              developerInstructions: plan.developerInstructions,
              ephemeral: body.store === false,
            },
            () =>
              new NotFoundError(
                `Previous response with id '${body.previous_response_id}' not found.`,
                'response-not-found',
              ),
          );
          const settings: ResponseSettings = {
            createdAt: nowSeconds(),
            model: modelName(body.model),
            instructions: plan.instructions,
            metadata: body.metadata ?? {},
            previousResponseId: body.previous_response_id ?? null,
            store: body.store !== false,
            background,
          };
          if (settings.store) await store.saveResponse(userOf(user), responseId(run), settings);
          if (streaming) {
            const toolEvents = body.include?.includes(TOOL_CALLS_INCLUDE) === true;
            await streamOpenAi(res, run, new ResponseStreamTranslator(settings, toolEvents), keepaliveMs);
            return 'streamed';
          }
          if (!background) await run.done;
          return { status: 200, body: responseObject(viewOfRun(run), settings) };
        });
      } finally {
        releaseStream();
      }
    },

    getResponse: async ({ params, user }) => {
      const ref = refOf(params.response_id);
      const settings = await settingsOf(user, params.response_id);
      const run = services.sessions.findTurn(userOf(user), ref.threadId, ref.turnId);
      if (run) return { status: 200, body: responseObject(viewOfRun(run), settings) };
      const view = await withSession(services, user, (session) => turnFromHistory(session, ref, params.response_id));
      return { status: 200, body: responseObject(view, settings) };
    },

    cancelResponse: async ({ params, user }) => {
      const ref = refOf(params.response_id);
      const run = services.sessions.findTurn(userOf(user), ref.threadId, ref.turnId);
      if (!run) throw responseNotFound(params.response_id);
      if (run.finished)
        throw new ConflictError(`Response '${params.response_id}' is not in progress.`, 'response-not-running');
      await withSession(services, user, (session) => session.interrupt(ref.threadId));
      await run.done;
      return { status: 200, body: responseObject(viewOfRun(run), await settingsOf(user, params.response_id)) };
    },

    createChatCompletion: async ({ body, user, res }) => {
      await assertModelCredential(services.config);
      const plan = planChatTurn(body);
      const userId = userOf(user);
      const streaming = body.stream === true;
      const settings: ChatSettings = {
        createdAt: nowSeconds(),
        model: modelName(body.model),
        includeUsage: streaming && body.stream_options?.include_usage === true,
      };
      const releaseStream = streaming ? deps.streams.acquire(userId) : () => undefined;
      try {
        return await withSession(services, user, async (session) => {
          const model = body.model ?? undefined;
          const fresh = (): Promise<TurnRun> =>
            session.startTurn({
              prompt: plan.seededPrompt,
              model,
              developerInstructions: plan.developerInstructions,
              unattended: true,
            });
          const threadId = plan.prefixHash ? await store.threadAt(userId, plan.prefixHash) : undefined;
          let run: TurnRun;
          if (threadId) {
            run = await startTurn(
              session,
              { threadId, prompt: plan.input, model },
              () => new ThreadNotFoundError(threadId),
            ).catch(async (error: unknown) => {
              // An archived thread: the conversation goes on in a new one.
              if (!(error instanceof ThreadNotFoundError)) throw error;
              await store.forgetChat(userId, threadId);
              return fresh();
            });
          } else {
            run = await fresh();
          }
          // Recorded when the turn ends, also when a streaming client left before.
          void run.done.then(() => {
            if (run.status !== 'completed') return;
            const reply = assistantText(run.items);
            const head = conversationHash([...plan.messages, { role: 'assistant', text: reply }]);
            return store.advanceChat(userId, run.threadId, head);
          });
          if (streaming) {
            await streamOpenAi(res, run, new ChatStreamTranslator(settings), keepaliveMs);
            return 'streamed';
          }
          await run.done;
          const view = viewOfRun(run);
          if (view.status !== 'completed') {
            const failure = turnFailure(view);
            throw new BadGatewayError(`codex could not answer: ${failure.message}`, 'turn-failed');
          }
          return {
            status: 200,
            body: chatCompletion(view, settings),
            headers: { 'X-Thread-Id': run.threadId, 'X-Turn-Id': run.turnId },
          };
        });
      } finally {
        releaseStream();
      }
    },

    listModels: async ({ user }) => ({ status: 200, body: { object: 'list', data: await catalogue(user) } }),

    getModel: async ({ params, user }) => {
      const model = (await catalogue(user)).find((candidate) => candidate.id === params.model);
      if (!model) throw new NotFoundError(`The model '${params.model}' does not exist`, 'model-not-found');
      return { status: 200, body: model };
    },
  };
}
