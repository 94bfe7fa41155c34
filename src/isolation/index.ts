import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CodexCommand } from '../codex/binary';
import type { Config } from '../config/env';
import type { Logger } from '../logger';
import { bubblewrapArgs, findBubblewrap, JAIL_HOME } from './bubblewrap';
import { agentEnvironment, JAIL_PATH } from './environment';
import { chownTree, migrateFlatLayout, placeholders, tenantPaths, trustOverlays, type TenantPaths } from './tenants';
import { TenantUids } from './uids';

const execFileAsync = promisify(execFile);

export { DEFAULT_USER, recordsDir, tenantPaths } from './tenants';
export type { TenantPaths } from './tenants';

export type IsolationConfig = Pick<
  Config,
  'isolation' | 'baseDataDir' | 'codexHome' | 'codexWorkingDir' | 'multiUser' | 'envPassthrough'
> &
  Partial<Pick<Config, 'cluster'>>;

/** Exit status of a codex that did not start because another app-server holds its CODEX_HOME. */
export const HOME_LOCKED_EXIT_CODE = 75;

/**
 * The file whose lock the user's app-server holds for as long as it lives: in the user's records, beside (not in)
 * CODEX_HOME, because flock opens it on the host, as the bridge, and the agent can write its CODEX_HOME (a planted
 * symlink there would have the bridge create files where the agent chose).
 */
export const HOME_LOCK_FILE = '.codex-bridge.lock';

export interface IsolationStatus {
  mechanism: 'bubblewrap' | 'none';
  /** Each user's jail runs as a uid of its own (root bridge). */
  tenant_uids: boolean;
  /** Why there is no jail, when there is none. */
  reason: string | null;
}

export interface Tenant extends TenantPaths {
  uid: number | undefined;
}

/** How to start one user's app-server: what to exec, with which environment, where. */
export interface Launch {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Refused at start-up: the operator asked for isolation, or needs it, and this host cannot give it. */
export class IsolationUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IsolationUnavailableError';
  }
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * One user's codex in a jail of its own (bubblewrap: its own mount, PID, IPC and UTS namespaces, and
 * its own uid when the bridge is root), or, where the operator chose so, without one.
 */
export class Isolation {
  private readonly uids: TenantUids | undefined;

  private constructor(
    private readonly config: IsolationConfig,
    private readonly codex: CodexCommand | undefined,
    private readonly bwrapPath: string | undefined,
    readonly status: IsolationStatus,
  ) {
    this.uids =
      bwrapPath && isRoot()
        ? new TenantUids(path.join(config.baseDataDir, 'users'), config.isolation.uidBase, config.isolation.uidCount)
        : undefined;
  }

  get jailed(): boolean {
    return this.bwrapPath !== undefined;
  }

  /** Decides the mechanism once; throws when the bridge must not start without a jail. */
  static async create(config: IsolationConfig, codex: CodexCommand | undefined, logger: Logger): Promise<Isolation> {
    const { mode } = config.isolation;
    if (mode === 'none') {
      const reason = 'ISOLATION=none';
      if (config.multiUser) logger.warn('ISOLATION=none with several users: every agent can read every other user\'s data and the bridge\'s');
      return new Isolation(config, codex, undefined, { mechanism: 'none', tenant_uids: false, reason });
    }
    const problem = codex ? await probe(config, codex) : undefined;
    if (codex && problem === undefined) {
      const bwrapPath = findBubblewrap(config.isolation.bwrapPath) as string;
      logger.info({ bwrap: bwrapPath, tenantUids: isRoot() }, 'each user\'s codex runs in a bubblewrap jail');
      return new Isolation(config, codex, bwrapPath, { mechanism: 'bubblewrap', tenant_uids: isRoot(), reason: null });
    }
    const reason = problem ?? 'codex is not available, so no jail was tried';
    if (mode === 'bubblewrap' || (config.multiUser && codex)) {
      throw new IsolationUnavailableError(
        `ISOLATION: no jail can be had here (${reason}). ` +
          (mode === 'bubblewrap'
            ? 'Install bubblewrap and allow user namespaces, or set ISOLATION=auto/none.'
            : 'With several users (SECURITY_METHOD=Keycloak or ApiKey, or ALLOW_USER_ID_OVERRIDE) the bridge does not start unisolated; ' +
              'install bubblewrap (Debian: apt-get install bubblewrap) and allow user namespaces, or set ISOLATION=none to accept that every agent can reach every other user.'),
      );
    }
    logger.warn({ reason }, 'no jail: codex runs with the bridge\'s own rights (single user only)');
    return new Isolation(config, codex, undefined, { mechanism: 'none', tenant_uids: false, reason });
  }

  /** Creates the user's folders (and moves an old flat layout), owned by their uid when there is one. */
  async prepare(userId: string): Promise<Tenant> {
    const paths = tenantPaths(this.config, userId);
    const root = path.dirname(paths.records);
    await fs.mkdir(root, { recursive: true, mode: 0o700 });
    await fs.chmod(root, 0o700);
    await migrateFlatLayout(paths);
    await fs.mkdir(paths.records, { recursive: true, mode: 0o700 });
    await fs.mkdir(paths.codexHome, { recursive: true, mode: 0o700 });
    const workspaceIsNew = await fs
      .mkdir(paths.workspace, { recursive: false, mode: 0o700 })
      .then(() => true)
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      });
    if (workspaceIsNew && this.config.multiUser && this.config.codexWorkingDir) {
      // Multi-user: CODEX_WORKING_DIR is a template, copied once; no user ever writes the original.
      await fs.cp(this.config.codexWorkingDir, paths.workspace, { recursive: true, verbatimSymlinks: true });
    }
    const uid = this.uids ? await this.uids.uidFor(paths.codexHome) : undefined;
    if (uid !== undefined) {
      for (const owned of [paths.codexHome, paths.workspace]) {
        const stat = await fs.stat(owned);
        if (stat.uid !== uid) await chownTree(owned, uid);
      }
    }
    await fs.access(paths.codexHome, fs.constants.W_OK);
    return { ...paths, uid };
  }

  /**
   * With several replicas, the app-server holds an OS lock (flock) on its home's lock file for as long as
   * it lives: util-linux `flock --nonblock` takes it and the process it starts inherits the descriptor, so
   * the lock dies with codex itself (also when the bridge is killed) and a second app-server on the same home,
   * from any replica whose filesystem shares the locks, exits at once with HOME_LOCKED_EXIT_CODE.
   */
  async launch(tenant: Tenant, codexArgs: string[]): Promise<Launch> {
    const launch = await this.unlockedLaunch(tenant, codexArgs);
    if (!this.config.cluster) return launch;
    await fs.mkdir(tenant.records, { recursive: true, mode: 0o700 });
    return {
      ...launch,
      file: 'flock',
      args: [
        '--nonblock',
        '--conflict-exit-code',
        String(HOME_LOCKED_EXIT_CODE),
        path.join(tenant.records, HOME_LOCK_FILE),
        launch.file,
        ...launch.args,
      ],
    };
  }

  private async unlockedLaunch(tenant: Tenant, codexArgs: string[]): Promise<Launch> {
    const command = this.codex;
    if (!command) throw new Error('codex is not available');
    if (!this.bwrapPath) {
      return {
        file: command.file,
        args: [...command.prefixArgs, ...codexArgs],
        env: agentEnvironment({
          source: process.env,
          passthrough: this.config.envPassthrough,
          codexHome: tenant.codexHome,
          // Commands cannot write CODEX_HOME (it is outside codex's writable roots), so no ~/.bashrc can be planted.
          home: tenant.codexHome,
          path: process.env.PATH ?? JAIL_PATH,
        }),
        cwd: tenant.workspace,
      };
    }
    const { isolation } = this.config;
    const overlays = await trustOverlays(tenant, await placeholders(tenant.records));
    const jail = bubblewrapArgs(
      {
        codexDir: codexDirectory(command),
        codexHome: tenant.codexHome,
        workspace: tenant.workspace,
        overlays,
        readOnlyPaths: isolation.readOnlyPaths,
        uid: tenant.uid,
        tmpSizeBytes: isolation.tmpSizeMb * 1024 * 1024,
      },
      [command.file, ...codexArgs],
    );
    const limits = [`--as=${isolation.maxProcessMemoryMb * 1024 * 1024}`];
    // A process count per uid only means something when the tenant has a uid of its own.
    if (tenant.uid !== undefined) limits.push(`--nproc=${isolation.maxProcesses}`);
    return {
      file: 'prlimit',
      args: [...limits, '--', this.bwrapPath, ...jail],
      env: agentEnvironment({
        source: process.env,
        passthrough: this.config.envPassthrough,
        codexHome: tenant.codexHome,
        home: JAIL_HOME,
        path: JAIL_PATH,
      }),
      cwd: '/',
    };
  }
}

/** The native binary's package folder: bin/codex with codex's own bwrap and rg beside it. */
function codexDirectory(command: CodexCommand): string {
  const binDir = path.dirname(command.file);
  return path.basename(binDir) === 'bin' ? path.dirname(binDir) : binDir;
}

/**
 * Runs codex's own command sandbox inside a throw-away jail: proves bubblewrap, the namespaces and
 * the nesting codex needs all work here. Returns what failed, or undefined.
 */
async function probe(config: IsolationConfig, codex: CodexCommand): Promise<string | undefined> {
  const bwrapPath = findBubblewrap(config.isolation.bwrapPath);
  if (!bwrapPath) return 'bubblewrap (bwrap) is not installed or not on PATH; BWRAP_PATH names it';
  if (codex.source === 'npm wrapper') return "only codex's native binary can run in a jail, not the Node wrapper";
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'bridge-jail-probe-'));
  try {
    const home = path.join(scratch, 'codex');
    const workspace = path.join(scratch, 'workspace');
    await fs.mkdir(home);
    await fs.mkdir(workspace);
    const uid = isRoot() ? config.isolation.uidBase : undefined;
    if (uid !== undefined) for (const dir of [home, workspace]) await fs.chown(dir, uid, uid);
    const jail = bubblewrapArgs(
      {
        codexDir: codexDirectory(codex),
        codexHome: home,
        workspace,
        overlays: [],
        readOnlyPaths: [],
        uid,
        tmpSizeBytes: 16 * 1024 * 1024,
      },
      [codex.file, 'sandbox', '-c', 'sandbox_mode="workspace-write"', '--', '/bin/sh', '-c', 'echo jailed > probe'],
    );
    await execFileAsync(bwrapPath, jail, {
      // Codex runs no sandbox for a CODEX_HOME under the temporary dir; for the probe that dir is elsewhere.
      env: { PATH: JAIL_PATH, HOME: JAIL_HOME, CODEX_HOME: home, TMPDIR: workspace },
      timeout: 20_000,
    });
    const written = await fs.readFile(path.join(workspace, 'probe'), 'utf8').catch(() => '');
    return written.trim() === 'jailed' ? undefined : "codex's command sandbox did not run inside the jail";
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return `bubblewrap could not start a jail: ${stderr || (error as Error).message}`.slice(0, 400);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
