import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir } from './tempDir';

/*
 * A bare JSON-RPC driver for `codex app-server`, used to prove the fake model against the real binary.
 * The product's client lives in src/codex/; this stays deliberately minimal.
 */

export const CODEX_BINARY = path.resolve(
  __dirname,
  '../../node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex',
);

export interface Notification {
  method: string;
  params: Record<string, unknown>;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class CodexHarness {
  readonly notifications: Notification[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly codexHome: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    child.on('exit', (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`codex exited (${code ?? signal}): ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Spawns codex with a fresh CODEX_HOME, completes the handshake and logs in with a dummy API key. */
  static async start(configArgs: string[]): Promise<CodexHarness> {
    const codexHome = makeTempDir('codex-home-');
    // Its own process group, so stop() also reaches the helper shells codex starts.
    const child = spawn(CODEX_BINARY, [...configArgs, 'app-server'], {
      env: { ...process.env, CODEX_HOME: codexHome },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const harness = new CodexHarness(child, codexHome);
    try {
      await harness.request('initialize', { clientInfo: { name: 'fake-model-test', version: '0' }, capabilities: null });
      harness.notify('initialized');
      await harness.request('account/login/start', { type: 'apiKey', apiKey: 'sk-test' });
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  request<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(result as T), reject });
      this.write({ id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.write(params === undefined ? { method } : { method, params });
  }

  /** Resolves with the first notification (already received or future) that matches. */
  waitFor(method: string, match: (params: Record<string, unknown>) => boolean = () => true, timeoutMs = 15_000): Promise<Notification> {
    const find = () => this.notifications.find((n) => n.method === method && match(n.params));
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${method}; stderr: ${this.stderr}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Notifications of one turn with the given method, in arrival order. */
  turnNotifications(turnId: string, method: string): Notification[] {
    return this.notifications.filter((n) => n.method === method && n.params.turnId === turnId);
  }

  async stop(): Promise<void> {
    const running = this.child.exitCode === null && this.child.signalCode === null;
    const exited = running ? once(this.child, 'exit') : Promise.resolve();
    try {
      // The whole group: helper shells (and commands a turn started) outlive codex otherwise.
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // Group already gone.
    }
    await exited;
    await rm(this.codexHome, { recursive: true, force: true });
  }

  private write(message: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  }

  private onLine(line: string): void {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message: string } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (message.method !== undefined && message.id === undefined) {
      this.notifications.push({ method: message.method, params: message.params ?? {} });
      for (const listener of [...this.listeners]) listener();
      return;
    }
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending) return; // Server->client requests (approvals) are not used by these tests.
    this.pending.delete(message.id!);
    if (message.error) pending.reject(new Error(`${message.error.message}`));
    else pending.resolve(message.result);
  }
}
