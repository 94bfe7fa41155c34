import fs from 'node:fs';
import path from 'node:path';

/*
 * The jail each user's app-server runs in: bubblewrap (the tool codex itself uses for its command
 * sandbox on Linux). Only what is named here exists inside; everything else of the host, other users'
 * data, the bridge's code, .env and node_modules among it, is simply not there.
 */

/** The part of /etc that programs need to run; the rest (shadow, the operator's files) stays out. */
const ETC_ENTRIES = [
  'passwd',
  'group',
  'hosts',
  'host.conf',
  'nsswitch.conf',
  'resolv.conf',
  'gai.conf',
  'protocols',
  'services',
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'pki',
  'localtime',
  'timezone',
  'alternatives',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'bash.bashrc',
  'profile',
  'profile.d',
  'inputrc',
  'os-release',
  'debian_version',
  'mime.types',
  'magic',
  'login.defs',
  'locale.alias',
  'terminfo',
  'gitconfig',
  'python3',
  'perl',
  'xdg',
];

const MERGED_USR_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/** HOME inside the jail: empty and read-only, so there is no ~/.bashrc for codex to source. */
export const JAIL_HOME = '/home/agent';

export interface JailSpec {
  /** The directory of codex's native binary and its resources (its own bwrap, rg), read-only. */
  codexDir: string;
  codexHome: string;
  workspace: string;
  /** Read-only files and folders laid over CODEX_HOME's trusted entries (config.toml, AGENTS.md, skills...). */
  overlays: Array<{ source: string; target: string }>;
  readOnlyPaths: string[];
  /** Root bridge: the uid (and gid) the app-server drops to inside. Otherwise a user namespace is used. */
  uid: number | undefined;
  tmpSizeBytes: number;
}

/** The folders a mount point needs, created with ordinary modes (bubblewrap would copy the host's). */
class MountPlan {
  readonly args: string[] = [];
  private readonly present = new Set<string>(['/']);
  private readonly mounted: string[] = [];

  ensureParents(target: string): void {
    const parts = target.split('/').filter(Boolean);
    for (let depth = 1; depth < parts.length; depth++) {
      const ancestor = `/${parts.slice(0, depth).join('/')}`;
      if (this.present.has(ancestor) || this.insideMount(ancestor)) continue;
      this.args.push('--perms', '0755', '--dir', ancestor);
      this.present.add(ancestor);
    }
  }

  mount(option: string, source: string, target: string): void {
    this.ensureParents(target);
    this.args.push(option, source, target);
    this.present.add(target);
    this.mounted.push(target);
  }

  raw(...args: string[]): void {
    this.args.push(...args);
  }

  markPresent(target: string): void {
    this.present.add(target);
  }

  markMounted(target: string): void {
    this.present.add(target);
    this.mounted.push(target);
  }

  private insideMount(candidate: string): boolean {
    return this.mounted.some((mount) => candidate === mount || candidate.startsWith(`${mount}/`));
  }
}

function systemMounts(plan: MountPlan): void {
  plan.mount('--ro-bind', '/usr', '/usr');
  for (const name of MERGED_USR_LINKS) {
    const host = `/${name}`;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(host);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) {
      plan.raw('--symlink', fs.readlinkSync(host), host);
      plan.markMounted(host);
    } else if (stat.isDirectory()) plan.mount('--ro-bind', host, host);
  }
  plan.raw('--perms', '0755', '--dir', '/etc');
  plan.markMounted('/etc');
  for (const entry of ETC_ENTRIES) plan.raw('--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`);
}

/** The argv of `bwrap` that runs `command` in the jail described by `spec`. */
export function bubblewrapArgs(spec: JailSpec, command: string[]): string[] {
  const plan = new MountPlan();
  plan.raw('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent');
  if (spec.uid === undefined) plan.raw('--unshare-user');
  systemMounts(plan);
  plan.raw('--proc', '/proc', '--dev', '/dev');
  plan.markMounted('/proc');
  plan.markMounted('/dev');
  const size = String(spec.tmpSizeBytes);
  plan.raw('--perms', '1777', '--size', size, '--tmpfs', '/tmp');
  plan.raw('--perms', '1777', '--size', size, '--tmpfs', '/dev/shm');
  // A tmpfs of the jail's own: folders for mount points below it are created like any other.
  plan.markPresent('/tmp');
  for (const readOnly of spec.readOnlyPaths) plan.mount('--ro-bind', readOnly, readOnly);
  plan.mount('--ro-bind', spec.codexDir, spec.codexDir);
  plan.mount('--bind', spec.codexHome, spec.codexHome);
  for (const overlay of spec.overlays) plan.mount('--ro-bind', overlay.source, overlay.target);
  plan.mount('--bind', spec.workspace, spec.workspace);
  plan.raw('--perms', '0755', '--dir', '/home', '--perms', '0755', '--dir', JAIL_HOME);
  // The jail's own root (a tmpfs holding the mount points) becomes read-only; the binds keep their modes.
  plan.raw('--remount-ro', '/', '--chdir', spec.workspace, '--');
  const dropToTenant =
    spec.uid === undefined
      ? []
      : [
          '/usr/bin/setpriv',
          `--reuid=${spec.uid}`,
          `--regid=${spec.uid}`,
          '--clear-groups',
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
        ];
  return [...plan.args, ...dropToTenant, ...command];
}

/** Where bubblewrap is: BWRAP_PATH, else `bwrap` on PATH. */
export function findBubblewrap(configured: string | undefined): string | undefined {
  if (configured) return configured;
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, 'bwrap');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
