import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import type { Logger } from '../logger';
import type { Launch } from '../isolation';
import { CodexExitedError } from './errors';
import { JsonRpcConnection, type ServerRequestHandler } from './rpc';
import type { ParamsOf } from './protocolContract';

export interface ProviderOptions {
  /** An OpenAI-compatible Responses endpoint (the bridge's model relay, or OPENAI_BASE_URL); a custom provider. */
  baseUrl: string | undefined;
  model: string | undefined;
  requestMaxRetries: number | undefined;
  streamMaxRetries: number | undefined;
  /** Turns on codex's `update_plan` tool, which codex 0.171 offers no model by default. */
  planTool?: boolean | undefined;
}

export interface AppServerOptions {
  /** What to exec (the jail, or codex itself) with its environment; `app-server` and its flags included. */
  launch: Launch;
  /** The key codex logs in with: the session's relay token, never the operator's key inside a jail. */
  loginKey: string | undefined;
  rpcTimeoutMs: number;
  logger: Logger;
  handleServerRequest: ServerRequestHandler;
}

const PROVIDER_ID = 'bridge';

const tomlString = (value: string): string => JSON.stringify(value);

/**
 * Codex ignores OPENAI_BASE_URL, and its built-in provider spends seconds retrying WebSockets against
 * a plain HTTP endpoint, so a custom provider is declared that still sends the logged-in key.
 */
export function providerArgs(options: ProviderOptions): string[] {
  const args: string[] = [];
  if (options.model) args.push('-c', `model=${tomlString(options.model)}`);
  if (options.planTool) args.push('-c', 'tools.update_plan={enabled=true}');
  if (options.baseUrl) {
    const fields = [
      `name=${tomlString(PROVIDER_ID)}`,
      `base_url=${tomlString(options.baseUrl)}`,
      'wire_api="responses"',
      'requires_openai_auth=true',
    ];
    if (options.requestMaxRetries !== undefined) fields.push(`request_max_retries=${options.requestMaxRetries}`);
    if (options.streamMaxRetries !== undefined) fields.push(`stream_max_retries=${options.streamMaxRetries}`);
    args.push('-c', `model_provider=${PROVIDER_ID}`, '-c', `model_providers.${PROVIDER_ID}={${fields.join(', ')}}`);
  }
  return args;
}

/** A running `codex app-server`: spawned, initialized and logged in. */
export class AppServerProcess {
  readonly exited: Promise<string>;
  private exitReason: string | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly connection: JsonRpcConnection,
    logger: Logger,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitReason = signal ? `killed by ${signal}` : `exit code ${code}`;
        // What is left of the group (codex under a wrapper that died, its commands) must not outlive it.
        this.signalGroup('SIGKILL');
        connection.close(new CodexExitedError(this.exitReason));
        resolve(this.exitReason);
      });
    });
    child.once('error', (error) => {
      this.exitReason = error.message;
      connection.close(new CodexExitedError(error.message));
    });
    // A write to a codex that died before Node noticed its exit fails with EPIPE; unhandled, that
    // 'error' event would end the whole bridge.
    child.stdin.on('error', (error) => {
      logger.warn({ err: error.message }, 'writing to codex failed; treating it as exited');
      connection.close(new CodexExitedError(`stdin: ${error.message}`));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  static async start(options: AppServerOptions): Promise<AppServerProcess> {
    const { launch } = options;
    // Its own process group, so stopping it also ends the commands it started.
    const child = spawn(launch.file, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const logger = options.logger.child({ codexPid: child.pid });
    readline
      .createInterface({ input: child.stderr })
      .on('line', (line) => logger.debug({ stderr: line }, 'codex stderr'));
    const connection = new JsonRpcConnection(
      child.stdin,
      child.stdout,
      options.handleServerRequest,
      logger,
      options.rpcTimeoutMs,
    );
    const server = new AppServerProcess(child, connection, logger);
    try {
      await connection.request('initialize', {
        clientInfo: { name: 'codex-api-bridge', title: 'Codex API Bridge', version: '0.1.0' },
        capabilities: null,
      } satisfies ParamsOf<'initialize'>);
      connection.notify('initialized');
      if (options.loginKey) await connection.request('account/login/start', { type: 'apiKey', apiKey: options.loginKey } satisfies ParamsOf<'account/login/start'>);
    } catch (error) {
      await server.stop();
      throw error;
    }
    logger.info({ codexHome: launch.env.CODEX_HOME }, 'codex app-server started');
    return server;
  }

  /** Closing stdin ends app-server within milliseconds; signals follow in case it does not. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.alive) return;
    this.child.stdin.end();
    const ended = await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]);
    if (!ended) this.signalGroup('SIGTERM');
    const terminated = ended || (await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]));
    if (!terminated) this.signalGroup('SIGKILL');
    await this.exited;
    // Commands the agent started live in the same group and may outlive app-server itself.
    this.signalGroup('SIGKILL');
  }

  /** For fault injection in tests and for an operator's last resort. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.signalGroup(signal);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
