import type { components } from '../../generated/api';
import type { SequencedEvent, TurnRun } from './turnRun';

type TurnState = components['schemas']['TurnState'];

/** What a replica keeps of a turn where the others can read it: its state and the events it kept. */
export interface ArchivedTurn {
  state: TurnState;
  events: SequencedEvent[];
  threadCreated: boolean;
  rawEvents: boolean;
  /** The replica that ran it and the fencing token of its lease then. */
  replica: string;
  token: number;
  finishedAt: number | null;
}

/**
 * Turn records outside the process (Redis with several replicas), so that a turn can be fetched and its
 * events replayed after its user moved to another replica. The in-memory TurnStore stays the first place
 * looked; this is the second. Writes are fenced: they carry the lease's token and are refused once a
 * newer owner holds the user.
 */
export interface TurnArchive {
  /** Follows a running turn: records it now, appends its events as they come and its end. */
  follow(userKey: string, run: TurnRun): void;
  load(userKey: string, threadId: string, turnId: string): Promise<ArchivedTurn | undefined>;
  /** Rewrites a record (a turn whose replica died, now failed); fenced like every write. */
  store(userKey: string, turn: ArchivedTurn): Promise<void>;
  /** The local store evicted the turn's events (byte caps) or dropped the turn: the archive follows suit. */
  forget(userKey: string, threadId: string, turnId: string, what: 'events' | 'turn'): void;
}
