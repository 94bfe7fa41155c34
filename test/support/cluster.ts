import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { fakeModelEnv, type FakeModel } from './fakeModel';
import { waitUntil } from './wait';

/*
 * Real Redis, real HAProxy and bridge replicas as processes of their own (so that one can be SIGKILLed),
 * from the shipped deploy/ files with only addresses and folders replaced.
 */

const root = path.resolve(__dirname, '../..');

/** Replaces `from` in `text`, failing when the shipped file no longer contains it. */
export function replaceExactly(text: string, from: string, to: string, file: string): string {
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
  return text.split(from).join(to);
}

function collect(child: ChildProcess, log: string[]): void {
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
}

/** `signal`, then SIGKILL after `graceMs` (redis-server keeps running when its final save fails). */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface RunningRedis {
  url: string;
  client: Redis;
  log: string[];
  stop(): Promise<void>;
}

export async function startRedis(dir: string, port: number): Promise<RunningRedis> {
  const file = 'deploy/redis/redis.conf';
  let conf = fs.readFileSync(path.join(root, file), 'utf8');
  conf = replaceExactly(conf, 'port 6379', `port ${port}`, file);
  conf = replaceExactly(conf, 'dir ./', `dir ${dir}`, file);
  fs.writeFileSync(path.join(dir, 'redis.conf'), conf);
  const log: string[] = [];
  const child = spawn('redis-server', [path.join(dir, 'redis.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  collect(child, log);
  const url = `redis://127.0.0.1:${port}/0`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${log.join('')}`);
      return client.connect().then(
        () => true,
        () => false,
      );
    },
    'redis-server to answer',
    15_000,
  );
  return {
    url,
    client,
    log,
    async stop() {
      client.disconnect();
      await stopChild(child);
    },
  };
}

export interface RunningHaproxy {
  url: string;
  log: string[];
  stop(): Promise<void>;
}

export async function startHaproxy(dir: string, port: number, replicaPorts: number[]): Promise<RunningHaproxy> {
  const file = 'deploy/haproxy/haproxy.cfg';
  let cfg = fs.readFileSync(path.join(root, file), 'utf8');
  cfg = replaceExactly(cfg, 'bind 127.0.0.1:8080', `bind 127.0.0.1:${port}`, file);
  replicaPorts.forEach((replicaPort, index) => {
    cfg = replaceExactly(cfg, `127.0.0.1:${8001 + index} check`, `127.0.0.1:${replicaPort} check`, file);
  });
  const cfgFile = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfgFile, cfg);
  const log: string[] = [];
  const child = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  collect(child, log);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${log.join('')}`);
      return (await fetch(`${url}/healthz`).catch(() => undefined)) !== undefined;
    },
    'haproxy to listen',
    15_000,
  );
  return { url, log, stop: () => stopChild(child, 'SIGTERM') };
}

export interface ReplicaOptions {
  id: string;
  port: number;
  /** Unset: a bridge of its own with in-memory stores (the default), for comparison. */
  redisUrl: string | undefined;
  dataDir: string;
  fake: FakeModel;
  env?: Record<string, string>;
}

/**
 * One bridge replica as production starts it (scripts/start.js: the compiled service, built first when
 * stale, in this very process), so that SIGKILL takes it down at once. Start the first one alone: it may build.
 */
export class Replica {
  readonly url: string;
  readonly log: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReplicaOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get id(): string {
    return this.options.id;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const { options } = this;
    const child = spawn(process.execPath, ['scripts/start.js'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...fakeModelEnv(options.fake),
        HOST: '127.0.0.1',
        PORT: String(options.port),
        BASE_DATA_DIR: options.dataDir,
        ALLOW_USER_ID_OVERRIDE: 'true',
        ISOLATION: 'none',
        LOG_LEVEL: 'warn',
        DEBUG: 'false',
        MAX_CONNECTIONS_PER_CLIENT: '0',
        ...(options.redisUrl !== undefined && {
          REDIS_URL: options.redisUrl,
          CLUSTER_REPLICA_ID: options.id,
          CLUSTER_ADVERTISE_URL: this.url,
        }),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    collect(child, this.log);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`replica ${options.id} exited: ${this.log.join('')}`);
        return (await fetch(`${this.url}/readyz`).catch(() => undefined))?.status === 200;
      },
      `replica ${options.id} to be ready`,
      180_000,
    );
  }

  /** SIGTERM and wait for the drain to end. */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM');
  }

  /** SIGKILL: no drain, no lease handed over; its codex processes see their stdin close. */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async status(): Promise<{ cluster: { owned_users: number; replica_id: string; leases: Array<{ user: string; token: number }> } }> {
    const res = await fetch(`${this.url}/status`);
    return (await res.json()) as never;
  }
}

function readProc(pid: string, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** Every codex app-server on the machine whose CODEX_HOME is under `folder`, by home (read from /proc). */
export function appServersByHome(folder: string): Map<string, number[]> {
  const homes = new Map<string, number[]>();
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (readProc(pid, 'comm').trim() !== 'codex') continue;
    if (!readProc(pid, 'cmdline').split('\0').includes('app-server')) continue;
    const home = readProc(pid, 'environ')
      .split('\0')
      .find((entry) => entry.startsWith('CODEX_HOME='))
      ?.slice('CODEX_HOME='.length);
    if (!home?.startsWith(folder)) continue;
    homes.set(home, [...(homes.get(home) ?? []), Number(pid)]);
  }
  return homes;
}

/** Every process whose command line or CODEX_HOME names `folder`: none may be left at the end. */
export function processesUnder(folder: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => readProc(pid, 'cmdline').includes(folder) || readProc(pid, 'environ').includes(`CODEX_HOME=${folder}`))
    .map(Number);
}

/**
 * Samples /proc every `everyMs` for two app-servers on one CODEX_HOME at once; `stop()` returns what it saw.
 */
export function watchHomes(folder: string, everyMs = 100): { stop(): { samples: number; doubles: string[] } } {
  let samples = 0;
  const doubles: string[] = [];
  const timer = setInterval(() => {
    samples += 1;
    for (const [home, pids] of appServersByHome(folder)) {
      if (pids.length > 1) doubles.push(`${home}: ${pids.join(', ')}`);
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { samples, doubles };
    },
  };
}
