import { spawn } from 'node:child_process';
import { TurnRun } from '../../src/codex/turnRun';
import { BridgeMetrics } from '../../src/metrics/bridgeMetrics';
import { treeResidentBytes } from '../../src/codex/processTree';
import { waitUntil } from '../support/wait';

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('BridgeMetrics', () => {
  it('counts session ends by reason', async () => {
    const metrics = new BridgeMetrics({ processMetrics: false });
    metrics.sessionStarted();
    metrics.sessionStarted();
    metrics.sessionEnded('idle');
    metrics.sessionEnded('evicted');
    metrics.sessionEnded('crashed');
    metrics.sessionEnded('crashed');
    const text = (await metrics.exposition()).body;
    expect(value(text, 'codex_bridge_sessions_started_total')).toBe(2);
    expect(value(text, 'codex_bridge_sessions_ended_total{reason="idle"}')).toBe(1);
    expect(value(text, 'codex_bridge_sessions_ended_total{reason="evicted"}')).toBe(1);
    expect(value(text, 'codex_bridge_sessions_ended_total{reason="crashed"}')).toBe(2);
  });

  it('times a turn to its first delta and its end, counts it by status, and its waiting approvals while it runs', async () => {
    const metrics = new BridgeMetrics({ processMetrics: false });
    const run = new TurnRun('thread-1', 'turn-1', true, false);
    metrics.turnStarted(run);
    run.emit({ type: 'turn.started', thread_created: true });
    run.approvals.set('req-1', { approval: {} as never, codexRequestId: 1, settle: () => undefined, answer: () => 'accept' });
    await new Promise((resolve) => setImmediate(resolve));
    let text = (await metrics.exposition()).body;
    expect(value(text, 'codex_bridge_approvals_waiting')).toBe(1);
    expect(value(text, 'codex_bridge_turn_first_delta_seconds_count')).toBe(0);
    run.emit({ type: 'message.delta', item_id: 'm', delta: 'hi' });
    run.finish('interrupted', null, 'turn.completed');
    await run.done;
    await new Promise((resolve) => setImmediate(resolve));
    text = (await metrics.exposition()).body;
    expect(value(text, 'codex_bridge_turn_first_delta_seconds_count')).toBe(1);
    expect(value(text, 'codex_bridge_turns_total{status="interrupted"}')).toBe(1);
    expect(value(text, 'codex_bridge_turn_duration_seconds_count{status="interrupted"}')).toBe(1);
    expect(value(text, 'codex_bridge_approvals_waiting')).toBe(0);
  });

  it('counts open streams; ending one twice counts once', async () => {
    const metrics = new BridgeMetrics({ processMetrics: false });
    const first = metrics.streamOpened();
    const second = metrics.streamOpened();
    expect(value((await metrics.exposition()).body, 'codex_bridge_sse_streams_open')).toBe(2);
    first();
    first();
    expect(value((await metrics.exposition()).body, 'codex_bridge_sse_streams_open')).toBe(1);
    second();
    expect(value((await metrics.exposition()).body, 'codex_bridge_sse_streams_open')).toBe(0);
  });

  it('reads the RSS of each session tree at scrape time, children included', async () => {
    const child = spawn(process.execPath, ['-e', 'const keep = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => keep.length, 1000)'], {
      stdio: 'ignore',
    });
    try {
      const rssOfChild = (): number => treeResidentBytes([child.pid as number]).get(child.pid as number) ?? 0;
      await waitUntil(() => rssOfChild() > 64 * 1024 * 1024, 'the child holds its 64 MiB', 20_000);
      const own = treeResidentBytes([process.pid]).get(process.pid) ?? 0;
      const childOnly = treeResidentBytes([child.pid as number]).get(child.pid as number) ?? 0;
      expect(childOnly).toBeGreaterThan(64 * 1024 * 1024);
      expect(own).toBeGreaterThan(childOnly);
      const metrics = new BridgeMetrics({ processMetrics: false });
      metrics.watch({ activeSessions: 1, sessionProcesses: () => [{ user: 'u1', pid: process.pid }] });
      const text = (await metrics.exposition()).body;
      expect(value(text, 'codex_bridge_sessions_active')).toBe(1);
      expect(value(text, 'codex_bridge_session_rss_bytes{user="u1"}')).toBeGreaterThan(childOnly);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
