import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { fakeModelEnv, startFakeModel, type FakeModel } from '../support/fakeModel';
import { descendantsOf } from '../../src/codex/processTree';
import { processAlive, waitUntil } from '../support/wait';
import { makeTempDir } from '../support/tempDir';

/*
 * The README's curl examples, word for word, against `npm start` on port 8000: what a new user does.
 * Only YOUR_THREAD_ID is replaced, by the thread the first example created. Examples that name a turn or
 * an approval (THREAD_ID, TURN_ID, REQUEST_ID) are covered by the turn-control suite instead.
 */

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const README_PORT = 8000;

function readmeCurlCommands(): string[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl ') && line.includes(`localhost:${README_PORT}`))
    .filter((line) => !/<access_token>|\$TOKEN|(?<!YOUR_)THREAD_ID|TURN_ID|REQUEST_ID/.test(line))
    // A pipeline (`curl ... | jq ...`) cannot take the curl options appended below.
    .filter((line) => !line.includes(' | '));
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}

let fake: FakeModel;
let server: ChildProcess;
let dataDir: string;

beforeAll(async () => {
  if (!(await portIsFree(README_PORT))) throw new Error(`port ${README_PORT} is taken: the README examples need it`);
  fake = await startFakeModel();
  dataDir = makeTempDir('bridge-readme-');
  server = spawn('npm', ['start'], {
    cwd: root,
    env: {
      ...process.env,
      ...fakeModelEnv(fake),
      BASE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
    detached: true,
  });
  await waitUntil(async () => {
    try {
      return (await fetch(`http://localhost:${README_PORT}/status`)).ok;
    } catch {
      return false;
    }
  }, 'npm start to answer', 60_000);
}, 90_000);

afterAll(async () => {
  if (server?.pid) {
    const family = [server.pid, ...descendantsOf(server.pid)];
    process.kill(-server.pid, 'SIGTERM');
    await waitUntil(() => family.every((pid) => !processAlive(pid)), 'npm start and its children to exit', 20_000);
  }
  await fake?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('runs every curl example of the README word for word', async () => {
  const commands = readmeCurlCommands();
  expect(commands.length).toBeGreaterThanOrEqual(8);
  let threadId = '';
  for (const command of commands) {
    const withThread = command.replace(/YOUR_THREAD_ID/g, threadId);
    const { stdout } = await run('bash', ['-c', `${withThread} --silent --show-error --fail-with-body --write-out '\\n%{http_code}'`]);
    const status = Number(stdout.trim().split('\n').at(-1));
    const expected = command.includes('-X DELETE') ? 204 : command.includes('"background": true') ? 202 : 200;
    expect({ command, status }).toEqual({ command, status: expected });
    if (!threadId) {
      const match = /"thread_id":"([^"]+)"/.exec(stdout);
      expect(match).not.toBeNull();
      threadId = match?.[1] ?? '';
      expect(stdout).toContain('data: [DONE]');
    }
  }
});
