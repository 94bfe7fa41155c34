import type { AuthenticatedUser } from '../../auth/types';
import { DEFAULT_USER } from '../../codex/sessionManager';
import type { ChatSession, Services } from './services';

export const userOf = (user: AuthenticatedUser | undefined): string => user?.id ?? DEFAULT_USER;

/** Runs `work` with the caller's session held, so idle cleanup cannot stop it meanwhile. */
export async function withSession<T>(
  services: Services,
  user: AuthenticatedUser | undefined,
  work: (session: ChatSession) => Promise<T>,
): Promise<T> {
  const { session, release } = await services.sessions.acquire(userOf(user));
  try {
    return await work(session);
  } finally {
    release();
  }
}
