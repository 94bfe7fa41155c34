import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { commandLineOf } from '../../src/codex/processTree';
import { HOME_LOCK_FILE } from '../../src/isolation';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';
import { appServersByHome, startRedis, type RunningRedis } from '../support/cluster';
import { makeTempDir } from '../support/tempDir';
import { processAlive, waitUntil } from '../support/wait';
import { freeLoopbackPort, onPath } from '../ops/freePort';

/*
 * One replica with REDIS_URL and the real jail: the app-server holds an flock on its CODEX_HOME for as
 * long as it lives (a second one on the same home is refused), and a replica that loses a user's lease
 * kills that user's codex at once, ending the running turn with `ownership_lost`.
 */

const runnable = onPath('redis-server') && onPath('flock');
const describeOwnership = runnable || process.env.CI === 'true' ? describe : describe.skip;

let dir: string;
let redis: RunningRedis;
let bridge: TestBridge;

function chat(user: string, body: Record<string, unknown>, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${bridge.url}/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-User-Id': user, ...extra },
    body: JSON.stringify(body),
  });
}

/** What `flock --nonblock` on the home's lock file says now: 0 free, 75 held by someone. */
function tryLock(user: string): number | null {
  const lockFile = path.join(bridge.sessions.pathsOf(user).records, HOME_LOCK_FILE);
  return spawnSync('flock', ['--nonblock', '--conflict-exit-code', '75', lockFile, 'true']).status;
}

describeOwnership('a replica owns its users by lease and its codex holds the home', () => {
  beforeAll(async () => {
    dir = makeTempDir('bridge-ownership-');
    redis = await startRedis(dir, await freeLoopbackPort());
    bridge = await startTestBridge({
      REDIS_URL: redis.url,
      CLUSTER_REPLICA_ID: 'solo',
      CLUSTER_ADVERTISE_URL: 'http://127.0.0.1:9',
      CLUSTER_LEASE_SECONDS: '4',
      ALLOW_USER_ID_OVERRIDE: 'true',
      ISOLATION: process.env.CI === 'true' || onPath('bwrap') ? 'bubblewrap' : 'none',
    });
  }, 120_000);

  afterAll(async () => {
    try {
      await bridge?.stop();
    } finally {
      await redis?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the app-server holds a lock on its CODEX_HOME for as long as it lives, also when its wrapper dies', async () => {
    expect((await chat('alice', { stream: false, messages: [{ content: 'hi' }] })).status).toBe(200);
    expect(tryLock('alice')).toBe(75);
    // /status and /metrics show the lease this replica holds.
    const status = (await (await fetch(`${bridge.url}/status`)).json()) as { cluster: { owned_users: number; leases: Array<{ token: number }> } };
    expect(status.cluster.owned_users).toBe(1);
    expect(status.cluster.leases[0]!.token).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/^codex_bridge_cluster_owned_users 1$/m);
    expect(metrics).toMatch(/^codex_bridge_cluster_redis_up 1$/m);
    const [wrapper] = bridge.sessions.sessionProcesses().filter((entry) => entry.user === 'alice');
    expect(commandLineOf(wrapper!.pid)).toMatch(/^flock /);
    const [codexPid] = appServersByHome(bridge.dataDir).get(bridge.sessions.pathsOf('alice').codexHome) ?? [];
    expect(codexPid).toBeDefined();

    // The wrapper is gone: codex still holds the descriptor, so the home stays locked until codex is gone too.
    process.kill(wrapper!.pid, 'SIGKILL');
    await waitUntil(() => !processAlive(codexPid!), 'codex to follow its wrapper', 15_000);
    await waitUntil(() => tryLock('alice') === 0, 'the lock to be free once codex is gone', 15_000);
    // The next request starts a new app-server, which takes the lock again.
    const again = await chat('alice', { stream: false, messages: [{ content: 'again' }] });
    expect([again.status, again.status === 200 ? '' : await again.text()]).toEqual([200, '']);
    expect(tryLock('alice')).toBe(75);
  }, 120_000);

  it('a lock-file name planted in CODEX_HOME is never opened by the bridge (no file appears where it points)', async () => {
    const { codexHome } = bridge.sessions.pathsOf('mallory');
    const target = path.join(dir, 'created-by-the-bridge');
    fs.mkdirSync(codexHome, { recursive: true });
    fs.symlinkSync(target, path.join(codexHome, HOME_LOCK_FILE));
    expect((await chat('mallory', { stream: false, messages: [{ content: 'hi' }] })).status).toBe(200);
    expect(tryLock('mallory')).toBe(75);
    expect(fs.existsSync(target)).toBe(false);
  }, 120_000);

  it('a lease taken by someone else stops the user codex at once and fails its running turn', async () => {
    bridge.fake.enqueue({ kind: 'hang' });
    const requestsBefore = bridge.fake.requests.length;
    const streaming = chat('bob', { messages: [{ content: 'wait' }] }, { Accept: 'text/event-stream' }).then((res) => res.text());
    await waitUntil(() => bridge.fake.requests.length > requestsBefore, "bob's turn to reach the model", 60_000);
    const home = bridge.sessions.pathsOf('bob').codexHome;
    expect(appServersByHome(bridge.dataDir).get(home)).toHaveLength(1);

    // Another replica holds bob now (as after a partition): the next renewal finds it so.
    await redis.client.set('codex-bridge:lease:bob', 'elsewhere|0000|999', 'PX', 60_000);
    const events = jsonEvents(await streaming);
    expect(events.at(-1)).toMatchObject({ type: 'turn.error', code: 'ownership_lost' });
    await waitUntil(() => !appServersByHome(bridge.dataDir).has(home), "bob's codex to be gone", 10_000);
    const status = (await (await fetch(`${bridge.url}/status`)).json()) as { cluster: { leases_lost: number } };
    expect(status.cluster.leases_lost).toBeGreaterThanOrEqual(1);

    // While the other replica holds bob, this one serves him nothing, also when a client claims to be a replica.
    const refused = await chat('bob', { stream: false, messages: [{ content: 'hello?' }] }, { 'X-Codex-Bridge-Forward-Key': 'guess' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();

    // Once that lease is gone, bob is taken again with a larger fencing token.
    await redis.client.del('codex-bridge:lease:bob');
    expect((await chat('bob', { stream: false, messages: [{ content: 'back' }] })).status).toBe(200);
    expect(Number((await redis.client.get('codex-bridge:lease:bob'))?.split('|')[2])).toBeGreaterThan(1);
  }, 120_000);
});
