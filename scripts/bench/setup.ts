/**
 * Everything a benchmark run starts (helper processes, raw codex processes, temporary folders),
 * registered as it is made so that one `close()` in a finally block ends and removes all of it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { probeCodex, type CodexCommand } from '../../src/codex/binary';
import { FAKE_MODEL_NAME, type FakeReply } from '../../test/support/fakeModel';
import type { BridgeHostCommands, BridgeHostInfo } from './hosts/bridgeHost';
import type { CanaryHostCommands } from './hosts/canaryHost';
import type { FakeModelHostCommands, FakeModelHostInfo } from './hosts/fakeModelHost';
import { Host } from './ipc';
import { REPO_ROOT } from './options';
import { RawAppServer } from './rawClient';

export const API_KEY = 'sk-bench-key';
export const APPROVAL_POLICY = 'never';
export const SANDBOX = 'workspace-write';

export type BridgeHost = Host<BridgeHostCommands, BridgeHostInfo>;
export type FakeHost = Host<FakeModelHostCommands, FakeModelHostInfo>;
export type CanaryHost = Host<CanaryHostCommands, null>;

export interface BridgeStartOptions {
  name: string;
  env?: Record<string, string>;
  /** Keep the real HOME for this bridge's codex (with an empty one codex 0.169 streams no command output deltas). */
  realHome?: boolean;
  /** Writes a V8 CPU profile of the bridge process into this folder when it stops. */
  cpuProfileDir?: string;
}

/** The probe preloaded into the production bridge, bundled to plain JavaScript (no tsx in that process). */
const BRIDGE_PROBE = path.join(REPO_ROOT, '.cache/bench/bridgeProbe.cjs');

/** dist/ as `npm start` would build it, and the probe bundle next to it. */
function buildProductionBridge(): void {
  const build = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/buildIfStale.js')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building dist/ failed (npm run build)');
  buildSync({
    entryPoints: [path.join(REPO_ROOT, 'scripts/bench/hosts/bridgeHost.ts')],
    outfile: BRIDGE_PROBE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
}

export class BenchResources {
  private readonly hosts: Array<{ stop: () => Promise<void> }> = [];
  private readonly raws = new Set<RawAppServer>();
  readonly root: string;
  readonly workDir: string;
  /** HOME of every codex process (bridge's and baseline's alike), or undefined to keep the real one. */
  readonly codexUserHome: string | undefined;
  private counter = 0;

  private constructor(
    readonly codex: CodexCommand,
    readonly codexVersion: string,
    readonly fake: FakeHost,
    root: string,
    cleanHome: boolean,
  ) {
    this.root = root;
    this.workDir = path.join(root, 'work');
    fs.mkdirSync(this.workDir, { recursive: true });
    this.codexUserHome = cleanHome ? path.join(root, 'home') : undefined;
    if (this.codexUserHome) fs.mkdirSync(this.codexUserHome, { recursive: true });
  }

  /**
   * `cleanHome`: codex takes a login-shell snapshot (`bash -lc`, sourcing ~/.bashrc) at every thread/start;
   * with an empty HOME that costs what it costs a service account, not what this machine's shell set-up costs.
   */
  static async create(cleanHome = true): Promise<BenchResources> {
    // Not under /tmp: codex runs no command sandbox for a CODEX_HOME under the temporary dir.
    fs.mkdirSync('/var/tmp/codex-bridge-bench', { recursive: true });
    const root = fs.mkdtempSync(path.join('/var/tmp/codex-bridge-bench', 'bridge-bench-'));
    let fake: FakeHost | undefined;
    try {
      buildProductionBridge();
      const codex = await probeCodex(undefined);
      if (!codex.command) throw new Error(`codex is not available: ${codex.problem ?? 'unknown'}`);
      fake = await Host.start<FakeModelHostCommands, FakeModelHostInfo>('scripts/bench/hosts/fakeModelHost.ts', {
        name: 'fake model',
      });
      const resources = new BenchResources(codex.command, codex.version ?? 'unknown', fake, root, cleanHome);
      resources.hosts.push(fake);
      return resources;
    } catch (error) {
      await fake?.stop();
      fs.rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  get fakeUrl(): string {
    return this.fake.info.url;
  }

  setReply(reply: FakeReply): Promise<null> {
    return this.fake.call('setDefault', reply);
  }

  freshDir(prefix: string): string {
    const dir = path.join(this.root, `${prefix}-${++this.counter}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  bridgeEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      HOST: '127.0.0.1',
      PORT: '0',
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: this.fakeUrl,
      CODEX_MODEL: FAKE_MODEL_NAME,
      CODEX_REQUEST_MAX_RETRIES: '0',
      CODEX_STREAM_MAX_RETRIES: '0',
      CODEX_APPROVAL_POLICY: APPROVAL_POLICY,
      CODEX_SANDBOX: SANDBOX,
      BASE_DATA_DIR: this.freshDir('bridge-data'),
      CODEX_WORKING_DIR: this.workDir,
      // The production default; the bridge process's stdout goes to /dev/null, so logging costs what it costs.
      LOG_LEVEL: 'info',
      ALLOW_USER_ID_OVERRIDE: 'true',
      MAX_SESSIONS: '64',
      MAX_STREAMS_PER_USER: '64',
      IDLE_TIMEOUT_SECONDS: '3600',
      CLEANUP_INTERVAL_SECONDS: '3600',
      TURN_TIMEOUT_SECONDS: '300',
      SHUTDOWN_GRACE_SECONDS: '2',
      ...extra,
    };
  }

  /**
   * The bridge as `npm start` runs it (node scripts/start.js: compiled dist/, no tsx), in a process of its
   * own, with the probe preloaded (see hosts/bridgeHost.ts) and --expose-gc so memory can be read after a
   * collection. Its environment is only the bridge's variables plus PATH and HOME, as a service unit's.
   */
  async startBridge(options: BridgeStartOptions): Promise<BridgeHost> {
    const nodeFlags = ['--require', BRIDGE_PROBE, '--expose-gc'];
    if (options.cpuProfileDir) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    const home = this.codexUserHome && !options.realHome ? this.codexUserHome : process.env.HOME;
    const host = await Host.start<BridgeHostCommands, BridgeHostInfo>('scripts/start.js', {
      name: options.name,
      loader: 'none',
      nodeFlags,
      stdout: 'ignore',
      env: { PATH: process.env.PATH, ...(home && { HOME: home }), ...this.bridgeEnv(options.env) },
    });
    this.hosts.push(host);
    return host;
  }

  async startCanary(): Promise<CanaryHost> {
    const host = await Host.start<CanaryHostCommands, null>('scripts/bench/hosts/canaryHost.ts', { name: 'canary' });
    this.hosts.push(host);
    return host;
  }

  /** A raw app-server with the bridge's binary, arguments and settings; `command` overrides the binary. */
  async startRaw(command: CodexCommand = this.codex): Promise<RawAppServer> {
    const raw = await RawAppServer.start({
      command,
      codexHome: this.freshDir('raw-home'),
      workingDir: this.workDir,
      apiKey: API_KEY,
      baseUrl: this.fakeUrl,
      model: FAKE_MODEL_NAME,
      approvalPolicy: APPROVAL_POLICY,
      sandbox: SANDBOX,
      env: this.codexUserHome ? { HOME: this.codexUserHome } : {},
    });
    this.raws.add(raw);
    return raw;
  }

  async stopRaw(raw: RawAppServer): Promise<void> {
    this.raws.delete(raw);
    await raw.stop();
  }

  async stopHost(host: { stop: () => Promise<void> }): Promise<void> {
    const index = this.hosts.indexOf(host);
    if (index >= 0) this.hosts.splice(index, 1);
    await host.stop();
  }

  /** Ends every process still running (bridges first, the fake model last) and removes the folders. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.raws].map((raw) => raw.stop()));
    this.raws.clear();
    const hosts = this.hosts.splice(0).reverse();
    for (const host of hosts) {
      try {
        await host.stop();
      } catch (error) {
        console.error(`stopping a helper failed: ${(error as Error).message}`);
      }
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
