import type { TurnRun } from './turnRun';

export type SessionEndReason = 'idle' | 'evicted' | 'recycled' | 'shutdown' | 'crashed' | 'lease_lost';

/** What the session manager tells whoever watches it (metrics); codex/ knows nothing of who that is. */
export interface SessionObserver {
  sessionStarted(): void;
  sessionEnded(reason: SessionEndReason): void;
  turnStarted(run: TurnRun): void;
}

export const NO_OBSERVER: SessionObserver = {
  sessionStarted: () => undefined,
  sessionEnded: () => undefined,
  turnStarted: () => undefined,
};
