import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fakeModelEnv, startFakeModel, type FakeModel } from '../support/fakeModel';
import { commandLineOf, descendantsOf } from '../../src/codex/processTree';
import { processAlive, waitUntil } from '../support/wait';
import { makeTempDir } from '../support/tempDir';
import { freeLoopbackPort } from './freePort';

/*
 * What Docker, systemd and process managers do: SIGTERM to the process they started, here `npm start`
 * itself (not its process group). The bridge must drain, interrupt the turns that outlast
 * SHUTDOWN_GRACE_SECONDS and take every codex, bwrap jail and command it ran down with it.
 */

const root = path.resolve(__dirname, '../..');
const GRACE_SECONDS = 3;

let fake: FakeModel;
let dataDir: string;
let npm: ChildProcess | undefined;

beforeAll(async () => {
  fake = await startFakeModel();
  dataDir = makeTempDir('bridge-sigterm-');
});

afterAll(async () => {
  // Only if the test failed half-way: the detached group holds npm and whatever is left of the bridge.
  if (npm?.pid && npm.exitCode === null && npm.signalCode === null) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await fake?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * True while `pid` runs. A zombie has ended: only its exit status waits for a parent (this VM's PID 1
 * reaps reparented ones late, which once made a correct stop look 1.5 s slower).
 */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every process on the machine whose command line names this test's data folder (jails, codex homes). */
function processesNaming(folder: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && commandLineOf(pid).includes(folder));
}

async function chat(url: string, user: string, content: string): Promise<string> {
  const res = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'X-User-Id': user },
    body: JSON.stringify({ messages: [{ content }] }),
  });
  return res.text();
}

it('SIGTERM to npm start stops the bridge, every codex and jail process, and leaves no orphan', async () => {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  npm = spawn('npm', ['start'], {
    cwd: root,
    env: {
      ...process.env,
      ...fakeModelEnv(fake),
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_DATA_DIR: dataDir,
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      ALLOW_USER_ID_OVERRIDE: 'true',
      ISOLATION: 'bubblewrap',
      LOG_LEVEL: 'warn',
      DEBUG: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    // Its own group only so that afterAll can clean up after a failure; the test signals npm alone.
    detached: true,
  });
  let npmExitedAt = 0;
  const npmExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm!.once('exit', (code, signal) => {
      npmExitedAt = Date.now();
      resolve({ code, signal });
    }),
  );
  // The first start may compile dist/ (scripts/start.js builds when it is stale).
  await waitUntil(
    async () => (await fetch(`${url}/status`).catch(() => undefined))?.ok === true,
    'npm start to answer',
    120_000,
  );

  // Two users, two jails: alice's turn runs a command inside her jail, bob's model never answers.
  fake.enqueue({ kind: 'command', command: 'sleep 60' }, { kind: 'hang' });
  const alice = chat(url, 'alice', 'sleep for a minute');
  await waitUntil(
    () =>
      processesNaming(dataDir).length > 0 &&
      descendantsOf(npm!.pid!).some((pid) => commandLineOf(pid).includes('sleep 60')),
    "sleep 60 in alice's jail",
    30_000,
  );
  const bob = chat(url, 'bob', 'wait forever');
  await waitUntil(() => fake.requests.length >= 2, "bob's turn to reach the model", 30_000);

  const family = descendantsOf(npm.pid!);
  const commands = family.map(commandLineOf);
  expect(commands.filter((command) => command.includes('bwrap')).length).toBeGreaterThanOrEqual(2);
  expect(commands.some((command) => command.includes('app-server'))).toBe(true);
  expect(commands.some((command) => command.includes('dist/src/main.js') || command.includes('scripts/start.js'))).toBe(
    true,
  );
  expect(commands.some((command) => command.includes('tsx'))).toBe(false);

  const signalledAt = Date.now();
  process.kill(npm.pid!, 'SIGTERM');
  const [aliceStream, bobStream] = await Promise.all([alice, bob]);
  // Both turns outlasted the grace: the bridge interrupted them and told their clients.
  expect(aliceStream).toContain('"status":"interrupted"');
  expect(bobStream).toContain('"status":"interrupted"');
  expect(await npmExit).toEqual({ code: 0, signal: null });
  await waitUntil(() => family.every((pid) => !running(pid)), 'every process of the bridge to exit', 10_000);
  const stoppedAfterMs = Date.now() - signalledAt;
  // Nothing reparented to init either: no process anywhere still names the bridge's data folder.
  expect(processesNaming(dataDir)).toEqual([]);
  console.log(
    `SIGTERM to npm start (grace ${GRACE_SECONDS} s): npm exited after ${npmExitedAt - signalledAt} ms, ` +
      `all ${family.length} processes gone after ${stoppedAfterMs} ms`,
  );
}, 180_000);
