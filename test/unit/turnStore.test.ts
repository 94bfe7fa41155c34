import { TurnStore } from '../../src/codex/turnStore';
import { TurnRun } from '../../src/codex/turnRun';

function finishedTurn(id: string, finishedAt: number): TurnRun {
  const run = new TurnRun('thread', id, false, false);
  run.finish('completed', null, 'turn.completed');
  run.finishedAt = finishedAt;
  return run;
}

describe('TurnStore', () => {
  it('finds a turn only under its own thread', () => {
    const store = new TurnStore({ retentionMs: 60_000, maxTurns: 10, maxBytes: Number.POSITIVE_INFINITY });
    const run = new TurnRun('thread-a', 'turn-1', true, false);
    store.add(run);
    expect(store.find('thread-a', 'turn-1')).toBe(run);
    expect(store.find('thread-b', 'turn-1')).toBeUndefined();
  });

  it('drops finished turns past retention and keeps running ones', () => {
    const now = Date.now();
    const store = new TurnStore({ retentionMs: 1000, maxTurns: 10, maxBytes: Number.POSITIVE_INFINITY });
    const running = new TurnRun('thread', 'running', false, false);
    store.add(running);
    store.add(finishedTurn('old', now - 900));
    store.add(finishedTurn('recent', now - 100));
    store.prune(now + 500);
    expect(store.find('thread', 'old')).toBeUndefined();
    expect(store.find('thread', 'recent')).toBeDefined();
    expect(store.find('thread', 'running')).toBe(running);
  });

  it('keeps at most the cap, dropping the oldest finished first', () => {
    const now = Date.now();
    const store = new TurnStore({ retentionMs: 60_000, maxTurns: 2, maxBytes: Number.POSITIVE_INFINITY });
    store.add(finishedTurn('a', now - 3));
    store.add(finishedTurn('b', now - 2));
    store.add(finishedTurn('c', now - 1));
    expect(store.size).toBe(2);
    expect(store.find('thread', 'a')).toBeUndefined();
  });
});
