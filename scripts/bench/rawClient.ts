/**
 * The baseline: what a bare client of `codex app-server` does, with nothing of the bridge in between.
 * It spawns the same binary with the same arguments and environment as AppServerProcess (providerArgs,
 * CODEX_HOME, API key login), splits stdout on newlines, JSON.parses each line, matches replies by id
 * and routes notifications by threadId. A turn is thread/start + turn/start, then wait for turn/completed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { providerArgs } from '../../src/codex/appServer';
import type { CodexCommand } from '../../src/codex/binary';
import type { TurnTiming } from './timing';

export interface RawServerOptions {
  command: CodexCommand;
  codexHome: string;
  workingDir: string;
  apiKey: string;
  baseUrl: string;
  model: string;
  /** Same thread/start settings as the bridge's (CODEX_APPROVAL_POLICY, CODEX_SANDBOX). */
  approvalPolicy: string;
  sandbox: string;
  rpcTimeoutMs?: number;
  /** Variables set on top of this process's environment (e.g. HOME). */
  env?: Record<string, string>;
}

type Json = Record<string, unknown>;

interface TurnWatch {
  startedAt: number;
  firstDeltaAt: number | undefined;
  deltas: number;
  notifications: number;
  done: (status: string, error: string | undefined) => void;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

export class RawAppServer {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly turns = new Map<string, TurnWatch>();
  private exitReason: string | undefined;
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: RawServerOptions,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    child.stderr.resume();
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitReason = signal ? `killed by ${signal}` : `exit code ${code}`;
        for (const call of this.pending.values()) call.reject(new Error(`codex exited (${this.exitReason})`));
        this.pending.clear();
        for (const turn of this.turns.values()) turn.done('failed', `codex exited (${this.exitReason})`);
        this.turns.clear();
        resolve();
      });
    });
    child.once('error', (error) => {
      this.exitReason = error.message;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Spawns, initializes and logs in, exactly as the bridge's AppServerProcess.start does. */
  static async start(options: RawServerOptions): Promise<RawAppServer> {
    fs.mkdirSync(options.codexHome, { recursive: true, mode: 0o700 });
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, CODEX_HOME: options.codexHome };
    delete env.OPENAI_API_KEY;
    delete env.CODEX_API_KEY;
    const args = [
      ...options.command.prefixArgs,
      'app-server',
      ...providerArgs({ baseUrl: options.baseUrl, model: options.model, requestMaxRetries: 0, streamMaxRetries: 0 }),
    ];
    const child = spawn(options.command.file, args, {
      cwd: options.workingDir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const server = new RawAppServer(child, options);
    try {
      await server.request('initialize', {
        clientInfo: { name: 'bench-raw-client', version: '0.0.0' },
        capabilities: null,
      });
      server.send({ method: 'initialized' });
      await server.request('account/login/start', { type: 'apiKey', apiKey: options.apiKey });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  request(method: string, params: Json): Promise<unknown> {
    if (this.exitReason) return Promise.reject(new Error(`codex exited (${this.exitReason})`));
    const id = this.nextId++;
    const timeoutMs = this.options.rpcTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.send({ id, method, params });
    });
  }

  /**
   * One turn, on a new thread or on `continueThreadId`; resolves at turn/completed (or fails after
   * `timeoutMs`). Continuing sends turn/start only: the thread is still loaded in this app-server.
   */
  async runTurn(prompt: string, timeoutMs = 120_000, continueThreadId?: string): Promise<TurnTiming> {
    const startedAt = performance.now();
    let threadId: string | undefined;
    try {
      const id = continueThreadId ?? (await this.startThread());
      threadId = id;
      const finished = new Promise<{ status: string; error: string | undefined }>((resolve) => {
        const timer = setTimeout(
          () => resolve({ status: 'timeout', error: `no turn/completed within ${timeoutMs} ms` }),
          timeoutMs,
        );
        this.turns.set(id, {
          startedAt,
          firstDeltaAt: undefined,
          deltas: 0,
          notifications: 0,
          done: (status, error) => {
            clearTimeout(timer);
            resolve({ status, error });
          },
        });
      });
      await this.request('turn/start', { threadId: id, input: [{ type: 'text', text: prompt, text_elements: [] }] });
      const { status, error } = await finished;
      const completedAt = performance.now();
      const watch = this.turns.get(id);
      this.turns.delete(id);
      return {
        ok: status === 'completed',
        error: status === 'completed' ? undefined : (error ?? `turn ${status}`),
        startedAt,
        firstDeltaAt: watch?.firstDeltaAt,
        completedAt,
        deltas: watch?.deltas ?? 0,
        events: watch?.notifications ?? 0,
        threadId: id,
      };
    } catch (error) {
      if (threadId) this.turns.delete(threadId);
      return {
        ok: false,
        error: (error as Error).message,
        startedAt,
        firstDeltaAt: undefined,
        completedAt: performance.now(),
        deltas: 0,
        events: 0,
      };
    }
  }

  private async startThread(): Promise<string> {
    const started = await this.request('thread/start', {
      cwd: this.options.workingDir,
      approvalPolicy: this.options.approvalPolicy,
      sandbox: this.options.sandbox,
    });
    const thread = isObject(started) && isObject(started.thread) ? started.thread : undefined;
    if (typeof thread?.id !== 'string') throw new Error('thread/start answered without a thread id');
    return thread.id;
  }

  /** Closing stdin ends app-server; its process group is killed if it has not gone within the grace time. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exitReason === undefined) {
      this.child.stdin.end();
      const ended = await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]);
      if (!ended) this.killGroup();
      await Promise.race([this.exited, delay(graceMs)]);
    }
    // Helpers codex started live in its process group.
    this.killGroup();
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  private send(message: Json): void {
    if (this.exitReason || this.child.stdin.destroyed) return;
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > 0) this.handleLine(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private handleLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (!isObject(message)) return;
    const { id, method } = message;
    if (typeof method === 'string' && id !== undefined) {
      // A server request (approvals); none are expected with approvalPolicy=never. Refuse, never hang.
      this.send({ id, error: { code: -32601, message: `${method} is not supported by the benchmark client` } });
      return;
    }
    if (typeof method === 'string') {
      this.notification(method, isObject(message.params) ? message.params : {});
      return;
    }
    if (typeof id !== 'number') return;
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    if (isObject(message.error)) call.reject(new Error(String(message.error.message)));
    else call.resolve(message.result);
  }

  private notification(method: string, params: Json): void {
    const threadId = params.threadId;
    if (typeof threadId !== 'string') return;
    const watch = this.turns.get(threadId);
    if (!watch) return;
    watch.notifications++;
    if (method === 'item/agentMessage/delta') {
      watch.deltas++;
      watch.firstDeltaAt ??= performance.now();
    } else if (method === 'turn/completed') {
      const turn = isObject(params.turn) ? params.turn : {};
      const error = isObject(turn.error) ? String(turn.error.message) : undefined;
      watch.done(typeof turn.status === 'string' ? turn.status : 'unknown', error);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
