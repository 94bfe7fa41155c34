/** One turn as a client saw it; times are performance.now() of the measuring process. */
export interface TurnTiming {
  ok: boolean;
  error: string | undefined;
  startedAt: number;
  /** When the first assistant text delta arrived. */
  firstDeltaAt: number | undefined;
  /** When the turn's completion arrived (SSE `turn.completed` / codex `turn/completed`). */
  completedAt: number;
  deltas: number;
  /** Every event of the turn the client received (SSE events / codex notifications of the thread). */
  events: number;
  /** The thread the turn ran on, to continue it. */
  threadId?: string;
}

export const ttfdMs = (turn: TurnTiming): number | undefined =>
  turn.firstDeltaAt === undefined ? undefined : turn.firstDeltaAt - turn.startedAt;

export const totalMs = (turn: TurnTiming): number => turn.completedAt - turn.startedAt;
