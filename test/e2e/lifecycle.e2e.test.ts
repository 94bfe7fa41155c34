import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import request from 'supertest';
import { fakeModelEnv, startFakeModel, type FakeModel } from '../support/fakeModel';
import { commandLineOf, descendantsOf } from '../../src/codex/processTree';
import { processAlive, waitUntil } from '../support/wait';
import { makeTempDir } from '../support/tempDir';

/* The bridge as an operator runs it (src/main.ts in its own process): signals and process hygiene. */

const root = path.resolve(__dirname, '../..');
let fake: FakeModel;
let dataDir: string;

beforeAll(async () => {
  fake = await startFakeModel();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  dataDir = makeTempDir('bridge-lifecycle-');
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startMain(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      ...fakeModelEnv(fake),
      BASE_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DEBUG: 'false',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bridge did not start')), 30_000);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'Codex API Bridge listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    child.once('exit', (code) => reject(new Error(`the bridge exited with ${code}`)));
  });
  return { child, url };
}

describe('process lifecycle', () => {
  it('SIGTERM lets the running turn finish, then leaves no child process', async () => {
    const { child, url } = await startMain({ SHUTDOWN_GRACE_SECONDS: '10' });
    fake.enqueue({ kind: 'text', text: 'finishing during shutdown', chunks: 5, delayMs: 200 });
    const before = fake.requests.length;
    const streaming = request(url).post('/chat').send({ messages: [{ content: 'long one' }] }).then((res) => res);
    await waitUntil(() => fake.requests.length > before, 'the turn to reach the model');
    const children = descendantsOf(child.pid!);
    expect(children.some((pid) => commandLineOf(pid).includes('app-server'))).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const res = await streaming;
    expect(res.text).toContain('"status":"completed"');
    expect(await exited).toBe(0);
    await waitUntil(() => children.every((pid) => !processAlive(pid)), 'every child to exit');
  });

  it('SIGTERM interrupts a turn that outlasts the grace period', async () => {
    const { child, url } = await startMain({ SHUTDOWN_GRACE_SECONDS: '0.5' });
    fake.enqueue({ kind: 'hang' });
    const before = fake.requests.length;
    const streaming = request(url).post('/chat').send({ messages: [{ content: 'never ends' }] }).then((res) => res);
    await waitUntil(() => fake.requests.length > before, 'the turn to reach the model');
    const children = descendantsOf(child.pid!);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const res = await streaming;
    expect(res.text).toContain('"status":"interrupted"');
    expect(await exited).toBe(0);
    await waitUntil(() => children.every((pid) => !processAlive(pid)), 'every child to exit');
  });

  it('kill -9 of the bridge leaves no orphan: codex and the commands it ran exit too', async () => {
    const { child, url } = await startMain();
    fake.enqueue({ kind: 'command', command: 'sleep 30' });
    const before = fake.requests.length;
    void request(url).post('/chat').send({ messages: [{ content: 'sleep' }] }).catch(() => undefined);
    await waitUntil(() => fake.requests.length > before, 'the command turn to reach the model');
    await waitUntil(() => descendantsOf(child.pid!).some((pid) => commandLineOf(pid).includes('sleep 30')), 'sleep 30 to start');
    const children = descendantsOf(child.pid!);
    child.kill('SIGKILL');
    await waitUntil(() => children.every((pid) => !processAlive(pid)), 'codex and sleep to exit after the bridge died', 15_000);
  });

  it('stops at start-up with a message naming a bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', SECURITY_METHOD: 'Keycloak' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('KEYCLOAK_CLIENT_ID');
  });
});
