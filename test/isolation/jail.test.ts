import fs from 'node:fs';
import path from 'node:path';
import { resolveWorkingDirectory, assertWithinCeiling } from '../../src/codex/policy';
import { ForbiddenError, ValidationError } from '../../src/errors';
import { bubblewrapArgs, JAIL_HOME } from '../../src/isolation/bubblewrap';
import { agentEnvironment, JAIL_PATH } from '../../src/isolation/environment';
import { migrateFlatLayout, placeholders, tenantPaths, trustOverlays } from '../../src/isolation/tenants';
import { TenantUids } from '../../src/isolation/uids';
import { makeTempDir } from '../support/tempDir';

const spec = {
  codexDir: '/opt/codex/vendor',
  codexHome: '/srv/data/users/alice/codex',
  workspace: '/srv/data/users/alice/workspace',
  overlays: [{ source: '/srv/data/users/alice/bridge/jail/empty', target: '/srv/data/users/alice/codex/config.toml' }],
  readOnlyPaths: ['/opt/tools'],
  uid: 200_001 as number | undefined,
  tmpSizeBytes: 1024,
};

/** The value after each occurrence of `option` (e.g. every --bind source). */
function pairsOf(args: string[], option: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  args.forEach((arg, index) => {
    if (arg === option) pairs.push([args[index + 1] ?? '', args[index + 2] ?? '']);
  });
  return pairs;
}

describe('bubblewrapArgs', () => {
  const args = bubblewrapArgs(spec, ['/opt/codex/vendor/bin/codex', 'app-server']);

  it('gives the jail its own PID, IPC and UTS namespaces and ties it to the bridge', () => {
    for (const option of ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent']) expect(args).toContain(option);
    // The network stays the host's: codex must reach the relay on loopback; its own sandbox cuts commands off.
    expect(args).not.toContain('--unshare-net');
  });

  it('mounts only named things: the system read-only, the tenant read-write, trusted files read-only over the home', () => {
    expect(pairsOf(args, '--ro-bind')).toEqual(
      expect.arrayContaining([
        ['/usr', '/usr'],
        ['/opt/tools', '/opt/tools'],
        ['/opt/codex/vendor', '/opt/codex/vendor'],
        ['/srv/data/users/alice/bridge/jail/empty', '/srv/data/users/alice/codex/config.toml'],
      ]),
    );
    expect(pairsOf(args, '--bind')).toEqual([
      [spec.codexHome, spec.codexHome],
      [spec.workspace, spec.workspace],
    ]);
    const binds = args.indexOf('--bind');
    const overlay = args.indexOf('/srv/data/users/alice/bridge/jail/empty');
    expect(overlay).toBeGreaterThan(binds); // laid over the home after it is mounted
    const etc = pairsOf(args, '--ro-bind-try').map(([source]) => source);
    expect(etc).toContain('/etc/passwd');
    expect(etc).not.toContain('/etc/shadow');
    expect(etc.every((source) => source.startsWith('/etc/'))).toBe(true);
  });

  it('creates mount points with ordinary modes and makes the jail root read-only', () => {
    const dirs = pairsOf(args, '--dir').map(([dir]) => dir);
    expect(dirs).toEqual(expect.arrayContaining(['/srv', '/srv/data', '/srv/data/users', '/srv/data/users/alice', JAIL_HOME]));
    expect(args.slice(args.indexOf('--remount-ro'), args.indexOf('--remount-ro') + 2)).toEqual(['--remount-ro', '/']);
    expect(args.slice(args.indexOf('--chdir'), args.indexOf('--chdir') + 2)).toEqual(['--chdir', spec.workspace]);
  });

  it('as root: drops to the tenant uid with no capabilities; otherwise: an unprivileged user namespace', () => {
    const separator = args.indexOf('--');
    expect(args.slice(separator + 1, separator + 3)).toEqual(['/usr/bin/setpriv', '--reuid=200001']);
    expect(args).toEqual(expect.arrayContaining(['--inh-caps=-all', '--bounding-set=-all', '--no-new-privs']));
    expect(args).not.toContain('--unshare-user');
    const unprivileged = bubblewrapArgs({ ...spec, uid: undefined }, ['codex']);
    expect(unprivileged).toContain('--unshare-user');
    expect(unprivileged).not.toContain('/usr/bin/setpriv');
    expect(unprivileged.at(-1)).toBe('codex');
  });
});

describe('agentEnvironment', () => {
  it('passes the allowlist and the named variables, never the bridge own', () => {
    const environment = agentEnvironment({
      source: { LANG: 'C.UTF-8', TZ: 'UTC', OPENAI_API_KEY: 'sk-secret', KEYCLOAK_CLIENT_SECRET: 's', HTTP_PROXY: 'http://p' },
      passthrough: ['HTTP_PROXY'],
      codexHome: '/h',
      home: JAIL_HOME,
      path: JAIL_PATH,
    });
    expect(environment).toEqual({ PATH: JAIL_PATH, HOME: JAIL_HOME, CODEX_HOME: '/h', LANG: 'C.UTF-8', TZ: 'UTC', HTTP_PROXY: 'http://p' });
  });
});

describe('policy', () => {
  const ceiling = { approvalPolicies: ['never' as const], sandboxModes: ['workspace-write' as const], allowEscalation: false, grantablePermissions: [] };

  it('refuses what is beyond the ceiling with 403, naming each field', () => {
    expect(() => assertWithinCeiling(ceiling, { approvalPolicy: 'never', sandbox: 'workspace-write' })).not.toThrow();
    try {
      assertWithinCeiling(ceiling, { approvalPolicy: 'on-request', sandbox: 'danger-full-access' });
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).invalidParams.map((param) => param.field)).toEqual(['/body/approval_policy', '/body/sandbox']);
    }
  });

  it('resolves a cwd inside the workspace and refuses every way out, symlinks included', () => {
    const workspace = makeTempDir('cwd-');
    fs.mkdirSync(path.join(workspace, 'src', 'app'), { recursive: true });
    fs.symlinkSync('/etc', path.join(workspace, 'etc-link'));
    fs.symlinkSync('src', path.join(workspace, 'inside-link'));
    fs.writeFileSync(path.join(workspace, 'file.txt'), 'x');
    try {
      expect(resolveWorkingDirectory(workspace, 'src/app')).toBe(path.join(workspace, 'src', 'app'));
      expect(resolveWorkingDirectory(workspace, 'inside-link')).toBe(path.join(workspace, 'src'));
      for (const bad of ['/etc', '..', 'src/../..', 'etc-link', 'missing', 'file.txt']) {
        expect(() => resolveWorkingDirectory(workspace, bad)).toThrow(ValidationError);
      }
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe('tenant folders', () => {
  let base: string;
  beforeEach(() => {
    base = makeTempDir('tenants-');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const layout = (multiUser = true) => ({ baseDataDir: base, codexHome: undefined, codexWorkingDir: undefined, multiUser });

  it('replaces whatever an agent left among the trusted entries of a managed home, without following links', async () => {
    const tenant = tenantPaths(layout(), 'alice');
    fs.mkdirSync(path.join(tenant.codexHome, 'skills', 'evil'), { recursive: true });
    fs.writeFileSync(path.join(tenant.codexHome, 'AGENTS.md'), 'planted');
    const outside = path.join(base, 'outside.toml');
    fs.writeFileSync(outside, 'keep me');
    fs.symlinkSync(outside, path.join(tenant.codexHome, 'config.toml'));
    const overlays = await trustOverlays(tenant, await placeholders(tenant.records));
    expect(fs.existsSync(path.join(tenant.codexHome, 'AGENTS.md'))).toBe(false);
    expect(fs.existsSync(path.join(tenant.codexHome, 'skills'))).toBe(false);
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep me');
    expect(overlays.every((overlay) => overlay.source.startsWith(tenant.records))).toBe(true);
    expect(overlays.map((overlay) => path.basename(overlay.target))).toEqual(expect.arrayContaining(['config.toml', 'AGENTS.md', 'skills', 'rules']));
  });

  it("keeps the operator's own trusted files (read-only) in a single-user CODEX_HOME", async () => {
    const home = path.join(base, 'operator-home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'config.toml'), 'model = "x"');
    const tenant = tenantPaths({ ...layout(false), codexHome: home }, 'default');
    expect(tenant.operatorHome).toBe(true);
    const overlays = await trustOverlays(tenant, await placeholders(tenant.records));
    expect(overlays).toContainEqual({ source: path.join(home, 'config.toml'), target: path.join(home, 'config.toml') });
    expect(fs.readFileSync(path.join(home, 'config.toml'), 'utf8')).toBe('model = "x"');
  });

  it('moves a flat (earlier) layout into codex/ and keeps the records where they were', async () => {
    const tenant = tenantPaths(layout(), 'bob');
    const root = path.dirname(tenant.codexHome);
    fs.mkdirSync(path.join(root, 'sessions', '2026'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sessions', '2026', 't.jsonl'), '{}');
    fs.mkdirSync(path.join(root, 'bridge', 'usage'), { recursive: true });
    expect(await migrateFlatLayout(tenant)).toBe(true);
    expect(fs.existsSync(path.join(tenant.codexHome, 'sessions', '2026', 't.jsonl'))).toBe(true);
    expect(fs.existsSync(path.join(tenant.records, 'usage'))).toBe(true);
    expect(await migrateFlatLayout(tenant)).toBe(false);
  });

  it('gives each home its own uid and keeps it', async () => {
    const uids = new TenantUids(path.join(base, 'users'), 300_000, 10);
    const alice = tenantPaths(layout(), 'alice').codexHome;
    const bob = tenantPaths(layout(), 'bob').codexHome;
    fs.mkdirSync(alice, { recursive: true });
    fs.mkdirSync(bob, { recursive: true });
    const aliceUid = await uids.uidFor(alice);
    if (process.getuid?.() === 0) fs.chownSync(alice, aliceUid, aliceUid);
    const bobUid = await uids.uidFor(bob);
    expect(aliceUid).toBe(300_000);
    if (process.getuid?.() === 0) {
      expect(bobUid).toBe(300_001);
      expect(await uids.uidFor(alice)).toBe(aliceUid);
    }
  });
});
