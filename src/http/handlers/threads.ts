import type { Response } from 'express';
import type { TurnRun } from '../../codex/turnRun';
import type { AuthenticatedUser } from '../../auth/types';
import type { ConversationStore } from '../../openai/conversationStore';
import type { Handlers } from '../operations';
import { optional } from '../chatPrompt';
import { streamTurn, type StreamOptions } from '../sse';
import type { StreamLimiter } from '../streamLimiter';
import { assertModelCredential } from './modelCredential';
import type { ChatSession, Services } from './services';
import { userOf, withSession } from './withSession';

/*
 * The thread routes beyond list/history/rename/archive: one thread's summary, fork, revert, unarchive,
 * deletion for good, and code review (a turn like any other, streamed or fetched the same way).
 */

type ThreadOperations =
  | 'getThread'
  | 'forkThread'
  | 'revertThread'
  | 'unarchiveThread'
  | 'deleteThread'
  | 'reviewThread'
  | 'review';

export interface ThreadHandlerDeps {
  streams: StreamLimiter;
  streamOptions: (options: Omit<StreamOptions, 'keepaliveMs' | 'maxBacklogBytes' | 'stallTimeoutMs'>) => StreamOptions;
  conversations: ConversationStore;
  turnLinks: (run: TurnRun) => { turn: string; events: string; interrupt: string };
}


interface TurnAnswerMode {
  stream?: boolean | null | undefined;
  background?: boolean | null | undefined;
  on_disconnect?: 'continue' | 'interrupt' | null | undefined;
}

export function createThreadHandlers(services: Services, deps: ThreadHandlerDeps): Pick<Handlers, ThreadOperations> {
  const withThreads = <T>(user: AuthenticatedUser | undefined, work: (session: ChatSession) => Promise<T>): Promise<T> =>
    withSession(services, user, work);

  /** A review turn answered as POST /chat answers a turn: 202, an SSE stream, or one JSON result. */
  const reviewAnswer = async (
    user: AuthenticatedUser | undefined,
    res: Response,
    mode: TurnAnswerMode,
    start: (session: ChatSession) => Promise<TurnRun>,
  ) => {
    await assertModelCredential(services.config);
    const streaming = (mode.stream ?? true) && !mode.background;
    services.load.assertCanTakeWork();
    const releaseStream = streaming ? deps.streams.acquire(userOf(user)) : () => undefined;
    try {
      return await withThreads(user, async (session) => {
        const run = await start(session);
        if (mode.background) {
          return {
            status: 202 as const,
            body: { thread_id: run.threadId, turn_id: run.turnId, status: 'running' as const, links: deps.turnLinks(run) },
          };
        }
        if (streaming) {
          await streamTurn(
            res,
            run,
            deps.streamOptions({
              onClientGone:
                mode.on_disconnect === 'interrupt'
                  ? () => void session.interrupt(run.threadId).catch(() => undefined)
                  : undefined,
            }),
          );
          return 'streamed' as const;
        }
        await run.done;
        return {
          status: 200 as const,
          body: run.toResult(),
          headers: { 'X-Thread-Id': run.threadId, 'X-Turn-Id': run.turnId },
        };
      });
    } finally {
      releaseStream();
    }
  };

  return {
    getThread: async ({ params, user }) =>
      withThreads(user, async (session) => ({ status: 200, body: await session.readThread(params.thread_id) })),

    forkThread: async ({ params, body, user }) =>
      withThreads(user, async (session) => ({
        status: 201,
        body: await session.fork(params.thread_id, optional(body?.through_turn_id)),
      })),

    revertThread: async ({ params, body, user }) =>
      withThreads(user, async (session) => ({ status: 200, body: await session.revert(params.thread_id, body.turns) })),

    unarchiveThread: async ({ params, user }) =>
      withThreads(user, async (session) => ({ status: 200, body: await session.unarchive(params.thread_id) })),

    deleteThread: async ({ params, user }) =>
      withThreads(user, async (session) => {
        await session.deleteThread(params.thread_id);
        await deps.conversations.forgetThread(userOf(user), params.thread_id);
        return { status: 204, body: undefined };
      }),

    reviewThread: async ({ params, body, user, res }) =>
      reviewAnswer(user, res, body, (session) =>
        session.startReview({ threadId: params.thread_id, target: body.target }),
      ),

    review: async ({ body, user, res }) =>
      reviewAnswer(user, res, body, (session) => session.startReview({ target: body.target, cwd: optional(body.cwd) })),
  };
}
