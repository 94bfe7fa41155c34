import type { BridgeEvent } from '../codex/bridgeEvents';
import type { TurnView } from './turnView';

/** Turns one turn's bridge events into an OpenAI stream's SSE text; the HTTP layer only writes it. */
export interface SseTranslator {
  /** What goes out before the turn's first event. */
  start(view: TurnView): string;
  /** What one bridge event becomes (often nothing). */
  event(event: BridgeEvent): string;
  /** The end of the stream once the turn has ended. */
  end(view: TurnView): string;
  /** The end of the stream when the bridge itself broke mid-stream. */
  broken(view: TurnView, message: string): string;
}
