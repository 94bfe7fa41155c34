/**
 * A tiny typed request/reply protocol between the benchmark and the helper processes it forks
 * (the bridge, the fake model, the canary). Each helper runs under `node --import tsx` (the bridge: plain node), answers
 * commands over the IPC channel, and exits on `stop` or when its parent goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Command name -> argument and result; every value crosses the channel as JSON. */
export type CommandMap = Record<string, { arg: unknown; result: unknown }>;

type Handlers<C extends CommandMap> = { [K in keyof C]: (arg: C[K]['arg']) => Promise<C[K]['result']> };

interface RequestMessage {
  kind: 'request';
  id: number;
  cmd: string;
  arg: unknown;
}

interface ReplyMessage {
  kind: 'reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface ReadyMessage {
  kind: 'ready';
  info: unknown;
}

interface FailedMessage {
  kind: 'failed';
  error: string;
}

type ChildMessage = ReplyMessage | ReadyMessage | FailedMessage;

const REPO_ROOT = path.resolve(__dirname, '../..');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export interface HostStartOptions {
  /** Extra node flags (e.g. --cpu-prof, --expose-gc). */
  nodeFlags?: string[];
  /** argv after the script. */
  args?: string[];
  startTimeoutMs?: number;
  name: string;
  /** The helper's stdout: shown, or dropped (the bridge logs JSON lines there). */
  stdout?: 'inherit' | 'ignore';
  /** Environment of the helper (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** 'tsx' runs a TypeScript helper; 'none' runs plain JavaScript as `node` would (the production bridge). */
  loader?: 'tsx' | 'none';
}

/** The parent's handle on one helper process. */
export class Host<C extends CommandMap, Ready> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exitedWith: string | undefined;
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly info: Ready,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('message', (message: unknown) => this.receive(message));
    child.once('exit', (code, signal) => {
      this.exitedWith = signal ? `killed by ${signal}` : `exit code ${code}`;
      for (const call of this.pending.values()) call.reject(new Error(`${name} exited (${this.exitedWith})`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Forks `script` (relative to the repo root, or absolute) and waits for its `ready` message. */
  static async start<C extends CommandMap, Ready>(script: string, options: HostStartOptions): Promise<Host<C, Ready>> {
    const child = fork(path.resolve(REPO_ROOT, script), options.args ?? [], {
      cwd: REPO_ROOT,
      env: options.env ?? process.env,
      execArgv: [...(options.loader === 'none' ? [] : ['--import', 'tsx']), ...(options.nodeFlags ?? [])],
      stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
    });
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    try {
      const info = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${options.name} did not start within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onMessage = (message: unknown): void => {
          if (!isObject(message)) return;
          if (message.kind === 'ready') {
            cleanup();
            resolve(message.info);
          } else if (message.kind === 'failed') {
            cleanup();
            reject(new Error(`${options.name} failed to start: ${String(message.error)}`));
          }
        };
        const onExit = (code: number | null): void => {
          cleanup();
          reject(new Error(`${options.name} exited during start-up (code ${code})`));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
      return new Host<C, Ready>(options.name, child, info as Ready);
    } catch (error) {
      killChild(child);
      throw error;
    }
  }

  call<K extends keyof C & string>(cmd: K, arg: C[K]['arg'], timeoutMs = 120_000): Promise<C[K]['result']> {
    if (this.exitedWith) return Promise.reject(new Error(`${this.name} exited (${this.exitedWith})`));
    const id = this.nextId++;
    return new Promise<C[K]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as C[K]['result']);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const message: RequestMessage = { kind: 'request', id, cmd, arg };
      this.child.send(message);
    });
  }

  /** Asks the helper to clean up and exit; kills it (by its pid) if it has not within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.exitedWith) return;
    this.child.send({ kind: 'request', id: 0, cmd: '__stop', arg: null } satisfies RequestMessage);
    const ended = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!ended) {
      killChild(this.child);
      await Promise.race([this.exited, sleep(5000)]);
    }
  }

  private receive(message: unknown): void {
    if (!isObject(message) || message.kind !== 'reply' || typeof message.id !== 'number') return;
    const reply = message as unknown as ReplyMessage;
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.result);
    else call.reject(new Error(`${this.name}: ${reply.error ?? 'failed'}`));
  }
}

function killChild(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * The helper's side: announces `ready` with `info`, answers commands, and on `__stop` (or when the
 * parent disconnects) runs `onStop` and exits. `setup` failures are reported, then the process exits 1.
 */
export function serveHost<C extends CommandMap>(
  setup: () => Promise<{ info: unknown; handlers: Handlers<C>; onStop: () => Promise<void> }>,
): void {
  const send = (message: ChildMessage): void => {
    if (process.connected) process.send?.(message);
  };
  let stopping: Promise<void> | undefined;
  let onStop: () => Promise<void> = async () => undefined;
  const stop = (code: number): Promise<void> => {
    stopping ??= (async () => {
      const force = setTimeout(() => process.exit(code || 1), 15_000);
      force.unref();
      try {
        await onStop();
      } catch (error) {
        console.error(error);
      }
      clearTimeout(force);
      process.exit(code);
    })();
    return stopping;
  };
  process.on('disconnect', () => void stop(0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(0));

  setup()
    .then((ready) => {
      onStop = ready.onStop;
      const handlers = ready.handlers as Record<string, (arg: unknown) => Promise<unknown>>;
      process.on('message', (message: unknown) => {
        if (!isObject(message) || message.kind !== 'request' || typeof message.id !== 'number') return;
        const request = message as unknown as RequestMessage;
        if (request.cmd === '__stop') {
          void stop(0);
          return;
        }
        const handler = handlers[request.cmd];
        if (!handler) {
          send({ kind: 'reply', id: request.id, ok: false, error: `unknown command ${request.cmd}` });
          return;
        }
        handler(request.arg).then(
          (result) => send({ kind: 'reply', id: request.id, ok: true, result }),
          (error: unknown) => send({ kind: 'reply', id: request.id, ok: false, error: String(error) }),
        );
      });
      send({ kind: 'ready', info: ready.info });
    })
    .catch((error: unknown) => {
      send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      void stop(1);
    });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
