import { EventLedger, TurnStore } from '../../src/codex/turnStore';
import { TurnRun, type SequencedEvent } from '../../src/codex/turnRun';

const KIB = 1024;
const unlimited = { retentionMs: 60_000, maxTurns: 100, maxBytes: Number.POSITIVE_INFINITY };

async function collect(stream: AsyncIterable<SequencedEvent>): Promise<SequencedEvent[]> {
  const events: SequencedEvent[] = [];
  for await (const entry of stream) events.push(entry);
  return events;
}

/** A turn that printed `chunks` pieces of `size` characters of command output, then ended. */
function bigTurn(store: TurnStore, id: string, chunks: number, size: number, maxBytes = Number.POSITIVE_INFINITY): TurnRun {
  const run = new TurnRun('thread', id, false, false, maxBytes);
  store.add(run);
  run.emit({ type: 'turn.started', thread_created: false });
  for (let i = 0; i < chunks; i++) run.emit({ type: 'tool.output.delta', item_id: 'cmd', delta: 'y'.repeat(size) });
  run.finish('completed', null, 'turn.completed');
  return run;
}

describe('bytes kept per turn', () => {
  it('cuts the delta that reaches the cap, marks it, and keeps no later delta, but every other event', async () => {
    const run = new TurnRun('t', 'u', false, false, 100 * KIB);
    run.emit({ type: 'turn.started', thread_created: false });
    for (let i = 0; i < 50; i++) run.emit({ type: 'tool.output.delta', item_id: 'cmd', delta: 'y'.repeat(10 * KIB) });
    const item = run.recordItem({
      type: 'command_execution',
      id: 'cmd',
      command: 'yes',
      cwd: '/',
      status: 'completed',
      output: 'y'.repeat(1024 * KIB),
      exit_code: 0,
      duration_ms: 1,
    });
    run.emit({ type: 'tool.completed', item: item as Extract<typeof item, { type: 'command_execution' }> });
    run.finish('completed', null, 'turn.completed');

    const events = await collect(run.stream());
    const deltas = events.filter(({ event }) => event.type === 'tool.output.delta');
    expect(deltas.length).toBeLessThan(11);
    expect(deltas.at(-1)?.event).toMatchObject({ truncated: true });
    expect(deltas.slice(0, -1).every(({ event }) => !('truncated' in event))).toBe(true);
    expect(events.map(({ event }) => event.type).slice(-2)).toEqual(['tool.completed', 'turn.completed']);
    // Numbers stay gapless, so Last-Event-ID resumes exactly.
    expect(events.map(({ seq }) => seq)).toEqual(events.map((_, index) => index + 1));
    expect(item).toMatchObject({ truncated: true });
    expect((item as { output: string }).output.length).toBeLessThan(64 * KIB);
    expect(run.toState()).toMatchObject({ events_truncated: true, events_evicted: false });
    expect(run.retainedBytes).toBeLessThan(250 * KIB);
  });

  it('cuts command output that does not fit, also without any delta before it', () => {
    const run = new TurnRun('t', 'u', false, false, 2500 * KIB);
    const command = (id: string) =>
      run.recordItem({ type: 'command_execution', id, command: 'x', cwd: '/', status: 'completed', output: 'y'.repeat(1024 * KIB), exit_code: 0, duration_ms: 1 });
    for (const id of ['a', 'b']) {
      const item = command(id);
      run.emit({ type: 'tool.completed', item: item as Extract<typeof item, { type: 'command_execution' }> });
    }
    const third = command('c');
    expect(run.items.slice(0, 2).every((item) => !('truncated' in item))).toBe(true);
    expect(third).toMatchObject({ truncated: true });
    expect(run.eventsTruncated).toBe(true);
  });

  it('keeps everything of a turn under its cap', () => {
    const run = new TurnRun('t', 'u', false, false, 100 * KIB);
    for (let i = 0; i < 5; i++) run.emit({ type: 'message.delta', item_id: 'm', delta: 'x'.repeat(KIB) });
    expect(run.events).toHaveLength(5);
    expect(run.eventsTruncated).toBe(false);
  });
});

describe('bytes kept per user and for the bridge', () => {
  it('evicts the oldest finished turn of the user first; its state stays, its events go', () => {
    const store = new TurnStore({ ...unlimited, maxBytes: 300 * KIB });
    const first = bigTurn(store, 'first', 10, 10 * KIB);
    const second = bigTurn(store, 'second', 10, 10 * KIB);
    expect(first.eventsEvicted).toBe(false);
    const third = bigTurn(store, 'third', 10, 10 * KIB);
    expect(first.eventsEvicted).toBe(true);
    expect(first.events).toHaveLength(0);
    expect(first.toState()).toMatchObject({ status: 'completed', events_evicted: true, last_event_id: 12 });
    expect(second.eventsEvicted).toBe(false);
    expect(third.eventsEvicted).toBe(false);
    expect(store.retainedBytes).toBeLessThanOrEqual(300 * KIB);
  });

  it('never evicts a running turn or one being read; a running turn past the user cap is truncated instead', async () => {
    const store = new TurnStore({ ...unlimited, maxBytes: 200 * KIB });
    const finished = bigTurn(store, 'finished', 10, 10 * KIB);
    const reader = finished.stream()[Symbol.asyncIterator]();
    await reader.next();
    const running = new TurnRun('thread', 'running', false, false);
    store.add(running);
    for (let i = 0; i < 30; i++) running.emit({ type: 'tool.output.delta', item_id: 'c', delta: 'y'.repeat(10 * KIB) });
    expect(finished.eventsEvicted).toBe(false);
    expect(running.eventsTruncated).toBe(true);
    expect(store.retainedBytes).toBeLessThanOrEqual(200 * KIB + 2 * KIB);
    await reader.return?.(undefined);
  });

  it("makes room across users: the turn that finished longest ago goes first, whoever's", () => {
    const ledger = new EventLedger(250 * KIB);
    const alice = new TurnStore(unlimited, ledger);
    const bob = new TurnStore(unlimited, ledger);
    const old = bigTurn(alice, 'a1', 10, 10 * KIB);
    old.finishedAt = Date.now() - 1000;
    const bobs = bigTurn(bob, 'b1', 10, 10 * KIB);
    bigTurn(alice, 'a2', 10, 10 * KIB);
    expect(old.eventsEvicted).toBe(true);
    expect(bobs.eventsEvicted).toBe(false);
    expect(ledger.retainedBytes).toBeLessThanOrEqual(250 * KIB);
  });

  it('gives the bytes back when a turn is dropped for age or count', () => {
    const ledger = new EventLedger(Number.POSITIVE_INFINITY);
    const store = new TurnStore({ ...unlimited, maxTurns: 1 }, ledger);
    bigTurn(store, 'a', 5, KIB);
    bigTurn(store, 'b', 5, KIB);
    expect(store.size).toBe(1);
    expect(ledger.retainedBytes).toBe(store.retainedBytes);
    store.prune(Date.now() + 120_000);
    expect(store.size).toBe(0);
    expect(ledger.retainedBytes).toBe(0);
  });
});

describe('outcome decided by the bridge', () => {
  it("wins over codex's own status: a deadline reads as turn_timeout, an unsaved thread as failed", () => {
    const timedOut = new TurnRun('t', 'u', false, false);
    timedOut.settleAs('interrupted', { message: 'deadline', code: 'turn_timeout' });
    timedOut.finish('interrupted', null, 'turn.completed');
    expect(timedOut.toState()).toMatchObject({ status: 'interrupted', error: { code: 'turn_timeout' } });

    const unsaved = new TurnRun('t', 'v', true, false);
    unsaved.settleAs('failed', { message: 'could not save', code: 'storage_error' });
    unsaved.finish('completed', null, 'turn.completed');
    expect(unsaved.toState()).toMatchObject({ status: 'failed', error: { code: 'storage_error' } });
    expect(unsaved.events.at(-1)?.event).toMatchObject({ type: 'turn.completed', status: 'failed' });
  });
});
