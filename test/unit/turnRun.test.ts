import { TurnRun, type SequencedEvent } from '../../src/codex/turnRun';

async function collect(stream: AsyncIterable<SequencedEvent>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const entry of stream) seqs.push(entry.seq);
  return seqs;
}

describe('TurnRun', () => {
  it('gives a late reader every event once, in order, then live ones', async () => {
    const run = new TurnRun('t', 'u', true, false);
    run.emit({ type: 'turn.started', thread_created: true });
    run.emit({ type: 'message.delta', item_id: 'm', delta: 'a' });
    const reader = collect(run.stream());
    run.emit({ type: 'message.delta', item_id: 'm', delta: 'b' });
    run.finish('completed', null, 'turn.completed');
    expect(await reader).toEqual([1, 2, 3, 4]);
    expect(run.events.map((entry) => entry.event.type)).toEqual(['turn.started', 'message.delta', 'message.delta', 'turn.completed']);
  });

  it('resumes after a sequence number', async () => {
    const run = new TurnRun('t', 'u', false, false);
    for (const delta of ['a', 'b', 'c']) run.emit({ type: 'message.delta', item_id: 'm', delta });
    run.finish('completed', null, 'turn.completed');
    expect(await collect(run.stream(2))).toEqual([3, 4]);
  });

  it('stops a reader whose client went away, without ending the turn', async () => {
    const run = new TurnRun('t', 'u', false, false);
    const controller = new AbortController();
    const reader = collect(run.stream(0, controller.signal));
    run.emit({ type: 'message.delta', item_id: 'm', delta: 'a' });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await reader).toEqual([1]);
    expect(run.finished).toBe(false);
  });

  it('ends with an error event when codex could not finish the turn, and ignores later events', () => {
    const run = new TurnRun('t', 'u', false, false);
    run.finish('failed', { message: 'gone', code: 'codex_exited' }, 'turn.error', 'codex_exited');
    run.emit({ type: 'message.delta', item_id: 'm', delta: 'late' });
    expect(run.events.map((entry) => entry.event)).toEqual([
      { type: 'turn.error', thread_id: 't', turn_id: 'u', code: 'codex_exited', message: 'gone', will_retry: false },
    ]);
    expect(run.toResult()).toMatchObject({ status: 'failed', error: { code: 'codex_exited' } });
  });
});
