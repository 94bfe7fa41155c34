/**
 * 6. Limits under hostile load (issue 12): the bridge's RSS after N turns that each print 20 MB of command
 * output (against its RSS before them, same process); connections held at MAX_CONNECTIONS while the excess is
 * answered; new-thread and `GET /threads?limit=100` latency at 10, 100 and (full run) 1,000 threads of one
 * user, with codex's app-server recycled after CODEX_RECYCLE_AFTER_THREADS threads.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { chatStream, newAgent, timedGet } from '../bridgeClient';
import type { BenchContext } from '../context';
import { sleep } from '../ipc';
import { childTrees } from '../procfs';
import { fmt, MiB, summarize, type Summary } from '../stats';

export interface BigOutputResult {
  turns: number;
  outputBytesPerTurn: number;
  rssBeforeMiB: number;
  /** After a full GC, after every `step` turns. */
  rssAfterMiB: number[];
  heapAfterMiB: number[];
  peakRssMiB: number;
  rssRatio: number;
  retainedEventBytes: number;
  limits: Record<string, string>;
  failedTurns: number;
}

export interface ConnectionCapResult {
  cap: number;
  attempted: number;
  held: number;
  answered503: number;
  droppedWithoutAnswer: number;
  statusAfterMs: number;
}

export interface ThreadScaleLevel {
  threads: number;
  newThreadTurnMs: Summary;
  listMs: Summary;
  codexRssMiB: number;
  codexProcesses: number;
}

export interface ThreadScaleResult {
  /** CODEX_RECYCLE_AFTER_THREADS; 0: never recycled (the baseline). */
  recycleAfter: number;
  levels: ThreadScaleLevel[];
  failed: number;
}

export interface LimitsResult {
  bigOutput?: BigOutputResult;
  connections?: ConnectionCapResult;
  threads: ThreadScaleResult[];
}

const BIG_COMMAND = 'yes | head -c 20000000';
const SHORT_REPLY = { kind: 'text' as const, text: 'ok', chunks: 1 };

async function bigOutput(ctx: BenchContext): Promise<BigOutputResult> {
  const { resources, log, options } = ctx;
  const turns = options.quick ? 6 : 20;
  const step = options.quick ? 3 : 5;
  // Codex's own sandbox streams the output as deltas (without it, under danger-full-access, codex sends only the
  // completed item): the heavier case, the one this measures.
  const limits = { CODEX_SANDBOX: 'workspace-write' };
  const host = await resources.startBridge({ name: 'limits bridge', env: limits });
  const agent = newAgent();
  try {
    await resources.setReply(SHORT_REPLY);
    for (let i = 0; i < 3; i++) await chatStream(host.info.url, agent, { prompt: 'warm', userId: 'hog' });
    const before = await host.call('memory', { gc: true });
    await resources.setReply({ kind: 'command', command: BIG_COMMAND });
    const rssAfterMiB: number[] = [];
    const heapAfterMiB: number[] = [];
    let peak = before.rss;
    let failed = 0;
    for (let i = 1; i <= turns; i++) {
      const timing = await chatStream(host.info.url, agent, { prompt: `big ${i}`, userId: 'hog', timeoutMs: 120_000 });
      if (!timing.ok) failed++;
      log(`limits: big turn ${i}: ${timing.events} events, ${timing.ok ? 'completed' : timing.error}`);
      peak = Math.max(peak, (await host.call('memory', { gc: false })).rss);
      if (i % step === 0) {
        const after = await host.call('memory', { gc: true });
        rssAfterMiB.push(after.rss / MiB);
        heapAfterMiB.push(after.heapUsed / MiB);
        log(`limits: ${i} big-output turns, bridge RSS ${fmt(after.rss / MiB)} MiB (heap ${fmt(after.heapUsed / MiB)})`);
      }
    }
    const status = (await (await fetch(`${host.info.url}/status`)).json()) as { events: { retained_bytes: number } };
    const last = rssAfterMiB.at(-1) ?? Number.NaN;
    return {
      turns,
      outputBytesPerTurn: 20_000_000,
      rssBeforeMiB: before.rss / MiB,
      rssAfterMiB,
      heapAfterMiB,
      peakRssMiB: peak / MiB,
      rssRatio: last / (before.rss / MiB),
      retainedEventBytes: status.events.retained_bytes,
      limits: { TURN_EVENTS_MAX_BYTES: '4 MiB', USER_EVENTS_MAX_BYTES: '32 MiB', EVENTS_MAX_BYTES: '256 MiB (defaults)' },
      failedTurns: failed,
    };
  } finally {
    agent.destroy();
    await resources.setReply(SHORT_REPLY);
    await resources.stopHost(host);
  }
}

async function connectionCap(ctx: BenchContext): Promise<ConnectionCapResult> {
  const { resources, log } = ctx;
  const cap = 200;
  const attempted = 300;
  const host = await resources.startBridge({
    name: 'connections bridge',
    env: { MAX_CONNECTIONS: String(cap), MAX_CONNECTIONS_PER_CLIENT: '0' },
  });
  const { hostname, port } = new URL(host.info.url);
  const sockets: Array<{ socket: net.Socket; received: string; closed: boolean }> = [];
  try {
    for (let i = 0; i < attempted; i++) {
      const entry = { socket: net.connect(Number(port), hostname), received: '', closed: false };
      entry.socket.on('data', (chunk: Buffer) => (entry.received += chunk.toString('utf8')));
      entry.socket.on('close', () => (entry.closed = true));
      entry.socket.on('error', () => undefined);
      sockets.push(entry);
      if (i % 50 === 49) await sleep(50);
    }
    await sleep(500);
    // Every socket asks for /status; the admitted ones keep their connection (keep-alive) afterwards.
    for (const { socket } of sockets) socket.write('GET /status HTTP/1.1\r\nHost: bench\r\n\r\n');
    await sleep(2000);
    const answered503 = sockets.filter((entry) => entry.received.startsWith('HTTP/1.1 503')).length;
    const held = sockets.filter((entry) => !entry.closed).length;
    const dropped = sockets.filter((entry) => entry.closed && entry.received === '').length;
    log(`limits: ${held} connections held at MAX_CONNECTIONS=${cap}; ${answered503} answered 503, ${dropped} dropped`);
    for (const { socket } of sockets) socket.destroy();
    const startedAt = performance.now();
    let status = 0;
    while (status !== 200 && performance.now() - startedAt < 10_000) {
      status = (await timedGet(`${host.info.url}/status`, newAgent())).status;
      if (status !== 200) await sleep(20);
    }
    return { cap, attempted, held, answered503, droppedWithoutAnswer: dropped, statusAfterMs: performance.now() - startedAt };
  } finally {
    for (const { socket } of sockets) socket.destroy();
    await resources.stopHost(host);
  }
}

async function threadScale(ctx: BenchContext, recycleAfter: number): Promise<ThreadScaleResult> {
  const { resources, log, options } = ctx;
  const levels = options.quick ? [10, 100] : [10, 100, 1000];
  const host = await resources.startBridge({
    name: 'threads bridge',
    env: { CODEX_RECYCLE_AFTER_THREADS: String(recycleAfter), CODEX_RECYCLE_RSS_BYTES: '0' },
  });
  const agent = newAgent();
  const user = 'many-threads';
  const result: ThreadScaleLevel[] = [];
  let created = 0;
  let failed = 0;
  const create = async (): Promise<number> => {
    const timing = await chatStream(host.info.url, agent, { prompt: `thread ${created}`, userId: user });
    created++;
    if (!timing.ok) failed++;
    return timing.completedAt - timing.startedAt;
  };
  try {
    await resources.setReply(SHORT_REPLY);
    for (const level of levels) {
      const samples = 5;
      while (created < level - samples) {
        // Two at a time: one user's turns on different threads run in parallel in one app-server.
        await Promise.all([create(), created + 1 < level - samples ? create() : Promise.resolve(0)]);
      }
      const starts: number[] = [];
      while (created < level) starts.push(await create());
      const lists: number[] = [];
      for (let i = 0; i < 5; i++) {
        const got = await timedGet(`${host.info.url}/threads?limit=100`, agent, { 'x-user-id': user }, 120_000);
        if (got.status !== 200) failed++;
        lists.push(got.ms);
      }
      const trees = childTrees(host.pid);
      const level_: ThreadScaleLevel = {
        threads: level,
        newThreadTurnMs: summarize(starts),
        listMs: summarize(lists),
        codexRssMiB: trees.reduce((sum, tree) => sum + tree.rssKiB, 0) / 1024,
        codexProcesses: trees.length,
      };
      result.push(level_);
      log(
        `limits: recycle after ${recycleAfter || 'never'}: ${level} threads: new-thread turn p50 ${fmt(level_.newThreadTurnMs.p50)} ms, ` +
          `GET /threads?limit=100 p50 ${fmt(level_.listMs.p50)} ms, codex RSS ${fmt(level_.codexRssMiB)} MiB`,
      );
    }
    return { recycleAfter, levels: result, failed };
  } finally {
    agent.destroy();
    await resources.stopHost(host);
  }
}

export async function runLimits(ctx: BenchContext, section: (name: string, work: () => Promise<void>) => Promise<void>): Promise<LimitsResult> {
  const result: LimitsResult = { threads: [] };
  await section('limits: big output', async () => void (result.bigOutput = await bigOutput(ctx)));
  await section('limits: connections', async () => void (result.connections = await connectionCap(ctx)));
  // Recycled (the default) against never recycled, one after the other in the same run.
  for (const recycleAfter of [200, 0])
    await section(`limits: threads (recycle after ${recycleAfter})`, async () => void result.threads.push(await threadScale(ctx, recycleAfter)));
  return result;
}

export function printLimits(limits: LimitsResult): void {
  console.log('\nLimits under hostile load');
  const big = limits.bigOutput;
  if (big) {
    console.log(
      `  bridge RSS after ${big.turns} turns of ${big.outputBytesPerTurn / 1e6} MB output each (one user, ${Object.entries(big.limits)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ')}):`,
    );
    console.log(
      `    before ${fmt(big.rssBeforeMiB)} MiB; after GC ${big.rssAfterMiB.map((value) => fmt(value)).join(' -> ')} MiB ` +
        `(heap ${big.heapAfterMiB.map((value) => fmt(value)).join(' -> ')}); peak ${fmt(big.peakRssMiB)} MiB; ` +
        `after/before ${fmt(big.rssRatio, 2)}; events kept ${fmt(big.retainedEventBytes / MiB)} MiB; failed turns ${big.failedTurns}`,
    );
  }
  const connections = limits.connections;
  if (connections) {
    console.log(
      `  connections: ${connections.attempted} opened against MAX_CONNECTIONS=${connections.cap}: ${connections.held} held, ` +
        `${connections.answered503} answered 503, ${connections.droppedWithoutAnswer} dropped; /status 200 again ` +
        `${fmt(connections.statusAfterMs)} ms after they closed`,
    );
  }
  for (const threads of limits.threads) {
    console.log(
      `  one user's threads, CODEX_RECYCLE_AFTER_THREADS=${threads.recycleAfter}${threads.recycleAfter === 0 ? ' (never recycled)' : ''}; failed requests ${threads.failed}:`,
    );
    console.log('    threads | new-thread turn p50 / p95 (ms) | GET /threads?limit=100 p50 / p95 (ms) | codex RSS (MiB)');
    for (const level of threads.levels) {
      console.log(
        `    ${String(level.threads).padStart(7)} | ${`${fmt(level.newThreadTurnMs.p50)} / ${fmt(level.newThreadTurnMs.p95)}`.padStart(30)} | ` +
          `${`${fmt(level.listMs.p50)} / ${fmt(level.listMs.p95)}`.padStart(37)} | ${fmt(level.codexRssMiB)}`,
      );
    }
  }
}
