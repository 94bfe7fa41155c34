/**
 * `npm run bench:cluster`: what several replicas cost (docs/cluster.md), against the real codex and the
 * scripted fake model, with a real Redis; every pair interleaved A B A B in the same minute.
 *   - a request forwarded by a non-owner against the same request sent to the owner directly
 *     (GET of a turn: the forwarding hop alone; POST /chat: a whole turn);
 *   - a turn on a replica (its records written to Redis as it runs) against the same turn on a bridge
 *     without REDIS_URL (in-memory store);
 *   - reading a finished turn back from Redis (as a new owner does) against finding it in memory.
 *
 *   npm run bench:cluster [-- --quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../src/logger';
import { LeaseKeeper } from '../../src/cluster/leases';
import { ClusterKeys, connectRedis } from '../../src/cluster/redis';
import { RedisTurnArchive } from '../../src/cluster/turnArchive';
import { TurnRun } from '../../src/codex/turnRun';
import { TurnStore } from '../../src/codex/turnStore';
import { Replica, startRedis } from '../../test/support/cluster';
import { startFakeModel } from '../../test/support/fakeModel';
import { makeTempDir } from '../../test/support/tempDir';
import { freeLoopbackPort } from '../../test/ops/freePort';

const quick = process.argv.includes('--quick');
const ROUNDS = { get: quick ? 60 : 300, turn: quick ? 6 : 20, load: quick ? 100 : 500 };

function summary(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

function line(name: string, a: number[], b: number[], labels: [string, string]): void {
  const [sa, sb] = [summary(a), summary(b)];
  console.log(
    `${name.padEnd(44)} ${labels[0]} median ${sa.median.toFixed(2)} ms p95 ${sa.p95.toFixed(2)} | ${labels[1]} median ${sb.median.toFixed(2)} ms p95 ${sb.p95.toFixed(2)} | added ${(sb.median - sa.median).toFixed(2)} ms`,
  );
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const headers = { 'Content-Type': 'application/json', 'X-User-Id': 'bench' };

async function chat(base: string): Promise<{ thread_id: string; turn_id: string }> {
  const res = await fetch(`${base}/chat`, { method: 'POST', headers, body: JSON.stringify({ stream: false, messages: [{ content: 'bench' }] }) });
  const body = (await res.json()) as { thread_id: string; turn_id: string; status: string };
  if (res.status !== 200 || body.status !== 'completed') throw new Error(`chat on ${base}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function getTurn(base: string, turn: { thread_id: string; turn_id: string }): Promise<void> {
  const res = await fetch(`${base}/threads/${turn.thread_id}/turns/${turn.turn_id}`, { headers });
  if (res.status !== 200) throw new Error(`GET turn on ${base}: ${res.status}`);
  await res.arrayBuffer();
}

async function storeFigures(redisUrl: string): Promise<void> {
  const redis = connectRedis(redisUrl, 2000, silentLogger);
  await redis.connect();
  const keys = new ClusterKeys('codex-bridge-bench');
  const leases = new LeaseKeeper(redis, keys, 'bench', 'b0', 60_000, silentLogger);
  await leases.claim('bench-user');
  const archive = new RedisTurnArchive(redis, keys, leases, { retentionMs: 600_000, turnTimeoutMs: 900_000 }, silentLogger);
  const store = new TurnStore({ retentionMs: 600_000, maxTurns: 100, maxBytes: 32 * 1024 * 1024 });
  // A turn like the fake model's: a few dozen deltas, a message, usage.
  const run = new TurnRun('thread-bench', 'turn-bench', true, false);
  store.add(run);
  archive.follow('bench-user', run);
  run.emit({ type: 'turn.started', thread_created: true });
  for (let i = 0; i < 40; i++) run.emit({ type: 'message.delta', item_id: 'msg', delta: `word ${i} ` });
  run.finish('completed', null, 'turn.completed');
  for (let i = 0; i < 100 && (await archive.load('bench-user', 'thread-bench', 'turn-bench'))?.finishedAt == null; i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const memory: number[] = [];
  const fromRedis: number[] = [];
  for (let i = 0; i < ROUNDS.load; i++) {
    memory.push(await timed(async () => store.find('thread-bench', 'turn-bench')?.toState()));
    fromRedis.push(await timed(async () => TurnRun.restore((await archive.load('bench-user', 'thread-bench', 'turn-bench'))!).toState()));
  }
  line('finished turn (42 events): find + state', memory, fromRedis, ['in-memory', 'Redis']);
  await leases.release('bench-user');
  await redis.quit();
}

async function main(): Promise<void> {
  const fake = await startFakeModel();
  const dir = makeTempDir('bench-cluster-');
  const redis = await startRedis(dir, await freeLoopbackPort());
  const dataDir = path.join(dir, 'data');
  const replica = (id: string, port: number, redisUrl: string | undefined, data: string): Replica =>
    new Replica({ id, port, redisUrl, dataDir: data, fake, env: { LOG_LEVEL: 'error', CLUSTER_LEASE_SECONDS: '15' } });
  const owner = replica('bench-0', await freeLoopbackPort(), redis.url, dataDir);
  const other = replica('bench-1', await freeLoopbackPort(), redis.url, dataDir);
  const alone = replica('alone', await freeLoopbackPort(), undefined, path.join(dir, 'alone'));
  try {
    for (const bridge of [owner, other, alone]) await bridge.start();
    console.log(`bench:cluster (${quick ? 'quick' : 'full'}): codex, the fake model and Redis on this machine; ${ROUNDS.get} GETs, ${ROUNDS.turn} turns, ${ROUNDS.load} loads per side`);
    // The owner takes the user with its first turn; the other replica forwards to it from then on.
    const turn = await chat(owner.url);
    await chat(alone.url);
    const direct: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < ROUNDS.get; i++) {
      direct.push(await timed(() => getTurn(owner.url, turn)));
      forwarded.push(await timed(() => getTurn(other.url, turn)));
    }
    line('GET turn: direct vs forwarded', direct, forwarded, ['direct', 'forwarded']);
    const directTurns: number[] = [];
    const forwardedTurns: number[] = [];
    const memoryTurns: number[] = [];
    for (let i = 0; i < ROUNDS.turn; i++) {
      directTurns.push(await timed(() => chat(owner.url)));
      forwardedTurns.push(await timed(() => chat(other.url)));
      memoryTurns.push(await timed(() => chat(alone.url)));
    }
    line('POST /chat turn: direct vs forwarded', directTurns, forwardedTurns, ['direct', 'forwarded']);
    line('POST /chat turn: in-memory vs Redis store', memoryTurns, directTurns, ['in-memory', 'Redis']);
    await storeFigures(redis.url);
  } finally {
    for (const bridge of [owner, other, alone]) await bridge.stop();
    await redis.stop();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
