import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { userDirectoryName } from '../../src/codex/userDirectory';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';
import { startFakeModel, type FakeModel } from '../support/fakeModel';
import { processAlive, waitUntil } from '../support/wait';
import { makeTempDir } from '../support/tempDir';

/* SessionManager and fault handling with the real codex app-server. */

let fake: FakeModel;
beforeAll(async () => {
  fake = await startFakeModel();
});
afterAll(async () => {
  await fake?.close();
});

async function withBridge(env: Record<string, string>, body: (bridge: TestBridge) => Promise<void>, dataDir?: string): Promise<void> {
  const bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true', ...env }, { fake, ...(dataDir ? { dataDir } : {}) });
  try {
    await body(bridge);
  } finally {
    await bridge.stop();
  }
}

function chat(bridge: TestBridge, user: string, body: Record<string, unknown>) {
  return request(bridge.url).post('/chat').set('X-User-Id', user).send(body);
}

describe('sessions', () => {
  it('keeps a thread across a bridge restart: history reads back and the thread continues', async () => {
    const dataDir = makeTempDir('bridge-restart-');
    let threadId = '';
    try {
      await withBridge({}, async (bridge) => {
        const res = await chat(bridge, 'gina', { messages: [{ content: 'before restart' }], stream: false }).expect(200);
        threadId = res.body.thread_id;
      }, dataDir);
      await withBridge({}, async (bridge) => {
        const history = await request(bridge.url).get('/history').set('X-User-Id', 'gina').query({ thread_id: threadId }).expect(200);
        expect(history.body.messages[0]).toMatchObject({ role: 'user', content: 'before restart' });
        const next = await chat(bridge, 'gina', { thread_id: threadId, messages: [{ content: 'after restart' }], stream: false }).expect(200);
        expect(next.body).toMatchObject({ thread_id: threadId, status: 'completed' });
      }, dataDir);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('spawns one process for concurrent first requests of one user', async () => {
    await withBridge({}, async (bridge) => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => request(bridge.url).get('/threads').set('X-User-Id', 'henry')));
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
      expect(bridge.sessions.activeSessions).toBe(1);
    });
  });

  it('evicts the longest-idle session at MAX_SESSIONS, and answers 503 when every session is busy', async () => {
    await withBridge({ MAX_SESSIONS: '2' }, async (bridge) => {
      await request(bridge.url).get('/threads').set('X-User-Id', 'u1').expect(200);
      await request(bridge.url).get('/threads').set('X-User-Id', 'u2').expect(200);
      const u1Pid = bridge.sessions.peek('u1')?.pid;
      await request(bridge.url).get('/threads').set('X-User-Id', 'u3').expect(200);
      expect(bridge.sessions.peek('u1')).toBeUndefined();
      expect(bridge.sessions.peek('u2')).toBeDefined();
      await waitUntil(() => !processAlive(u1Pid ?? 0), 'the evicted codex to exit');

      // Two slow turns keep both sessions busy: a third user must wait.
      fake.enqueue({ kind: 'hang' }, { kind: 'hang' });
      const before = fake.requests.length;
      const busy = [chat(bridge, 'u2', { messages: [{ content: 'x' }] }), chat(bridge, 'u3', { messages: [{ content: 'y' }] })].map((req) => req.then((res) => res));
      await waitUntil(() => fake.requests.length >= before + 2, 'both turns to reach the model');
      const refused = await request(bridge.url).get('/threads').set('X-User-Id', 'u4');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.body.type).toBe('urn:codex-api-bridge:problem:sessions-exhausted');
      // Shutting the bridge down interrupts the hanging turns; their streams still end properly.
      void busy;
    });
  });

  it('idle cleanup stops idle sessions and spares busy ones', async () => {
    await withBridge({ IDLE_TIMEOUT_SECONDS: '0' }, async (bridge) => {
      await request(bridge.url).get('/threads').set('X-User-Id', 'idle-user').expect(200);
      fake.enqueue({ kind: 'text', text: 'slow slow slow', chunks: 6, delayMs: 150 });
      const before = fake.requests.length;
      const running = chat(bridge, 'busy-user', { messages: [{ content: 'x' }] }).then((res) => res);
      await waitUntil(() => fake.requests.length > before, 'the busy turn to start');
      const idlePid = bridge.sessions.peek('idle-user')?.pid ?? 0;
      const stopped = await bridge.sessions.sweepIdle();
      expect(stopped).toBe(1);
      expect(bridge.sessions.peek('idle-user')).toBeUndefined();
      expect(bridge.sessions.peek('busy-user')).toBeDefined();
      await waitUntil(() => !processAlive(idlePid), 'the idle codex to exit');
      const res = await running;
      expect(jsonEvents(res.text).at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    });
  });

  it('keeps hostile user ids inside BASE_DATA_DIR', async () => {
    await withBridge({}, async (bridge) => {
      const hostile = ['../../escape', '..', '/etc', 'Ünïcödé', 'x'.repeat(256), 'a\\b'];
      for (const id of hostile) {
        await request(bridge.url).get('/threads').query({ user_id: id }).expect(200);
      }
      const usersDir = path.join(bridge.dataDir, 'users');
      const entries = fs.readdirSync(usersDir).sort();
      expect(entries).toEqual(hostile.map(userDirectoryName).sort());
      expect(fs.readdirSync(bridge.dataDir)).toEqual(['users']);
      for (const entry of entries) expect(fs.statSync(path.join(usersDir, entry)).mode & 0o777).toBe(0o700);
    });
  });

  it('answers a clear 503 when BASE_DATA_DIR cannot be written, and keeps serving', async () => {
    const blocked = path.join(os.tmpdir(), `bridge-blocked-${process.pid}`);
    fs.writeFileSync(blocked, 'a file where a folder should be');
    try {
      await withBridge({ BASE_DATA_DIR: path.join(blocked, 'data') }, async (bridge) => {
        const res = await request(bridge.url).get('/threads');
        expect(res.status).toBe(503);
        expect(res.body.type).toBe('urn:codex-api-bridge:problem:data-dir-unwritable');
        await request(bridge.url).get('/status').expect(200);
      });
    } finally {
      fs.rmSync(blocked, { force: true });
    }
  });
});

describe('codex binary', () => {
  it('without a codex binary, /status says unavailable and chat answers 503 naming the problem', async () => {
    await withBridge({ CODEX_BINARY_PATH: '/nonexistent/codex' }, async (bridge) => {
      const status = await request(bridge.url).get('/status').expect(200);
      expect(status.body).toMatchObject({ status: 'unavailable', codex_available: false, codex_version: null });
      const chat = await request(bridge.url).post('/chat').send({ messages: [{ content: 'x' }] });
      expect(chat.status).toBe(503);
      expect(chat.body).toMatchObject({ type: 'urn:codex-api-bridge:problem:codex-unavailable', detail: expect.stringContaining('CODEX_BINARY_PATH') });
      expect(chat.headers['retry-after']).toBeDefined();
    });
  });

  it('uses an explicit CODEX_HOME for the single user; with several users every user lives under BASE_DATA_DIR', async () => {
    const home = makeTempDir('bridge-codex-home-');
    try {
      await withBridge({ CODEX_HOME: home, ALLOW_USER_ID_OVERRIDE: 'false' }, async (bridge) => {
        await request(bridge.url).post('/chat').send({ messages: [{ content: 'x' }], stream: false }).expect(200);
        expect(fs.existsSync(path.join(home, 'sessions'))).toBe(true);
        expect(fs.existsSync(path.join(bridge.dataDir, 'users', 'default', 'codex'))).toBe(false);
      });
      // A Keycloak user whose sub is `default` must never land in the operator's own home.
      await expect(withBridge({ CODEX_HOME: home }, async () => undefined)).rejects.toThrow(/CODEX_HOME: only a single-user bridge/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('faults', () => {
  it('codex killed with -9 mid-turn: the stream ends with an error, the next request works on the same thread', async () => {
    await withBridge({}, async (bridge) => {
      const first = await chat(bridge, 'ivan', { messages: [{ content: 'hello' }], stream: false }).expect(200);
      fake.enqueue({ kind: 'hang' });
      const before = fake.requests.length;
      const streaming = chat(bridge, 'ivan', { thread_id: first.body.thread_id, messages: [{ content: 'doomed' }] }).then((res) => res);
      await waitUntil(() => fake.requests.length > before, 'the turn to reach the model');
      const pid = bridge.sessions.peek('ivan')?.pid ?? 0;
      process.kill(pid, 'SIGKILL');
      const res = await streaming;
      expect(jsonEvents(res.text).at(-1)).toMatchObject({ type: 'turn.error', code: 'codex_exited', will_retry: false });
      expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true);

      const again = await chat(bridge, 'ivan', { thread_id: first.body.thread_id, messages: [{ content: 'still there?' }], stream: false }).expect(200);
      expect(again.body.status).toBe('completed');
      expect(bridge.sessions.peek('ivan')?.pid).not.toBe(pid);
    });
  });

  it('survives writing to a codex that died before Node noticed (EPIPE): the call fails, the bridge lives on', async () => {
    await withBridge({}, async (bridge) => {
      await request(bridge.url).get('/threads').set('X-User-Id', 'lena').expect(200);
      const session = bridge.sessions.peek('lena');
      const pid = session?.pid ?? 0;
      process.kill(pid, 'SIGKILL');
      // Spin without yielding, so Node cannot reap the child: it is a zombie and its stdin is a broken pipe.
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) {
        /* busy wait on purpose */
      }
      // A large write reaches the broken pipe before Node has seen the exit.
      const call = session?.listThreads(10, 'x'.repeat(1 << 20));
      await expect(call).rejects.toThrow(/codex app-server exited|EPIPE/);
      await request(bridge.url).get('/threads').set('X-User-Id', 'lena').expect(200);
    });
  });

  it('ends a turn at TURN_TIMEOUT_SECONDS: interrupt, error event, thread usable', async () => {
    await withBridge({ TURN_TIMEOUT_SECONDS: '1.5' }, async (bridge) => {
      fake.enqueue({ kind: 'hang' });
      const started = Date.now();
      const res = await chat(bridge, 'judy', { messages: [{ content: 'never answered' }] }).expect(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      const events = jsonEvents(res.text);
      expect(events.some((event) => event.type === 'turn.error' && event.code === 'turn_timeout')).toBe(true);
      expect(events.at(-1)).toMatchObject({ status: 'interrupted' });
      const threadId = events[0]?.thread_id;
      const next = await chat(bridge, 'judy', { thread_id: threadId, messages: [{ content: 'again' }], stream: false }).expect(200);
      expect(next.body.status).toBe('completed');
    });
  });

  it('fails a turn at once when the model endpoint refuses connections (codex alone would retry forever)', async () => {
    await withBridge({ TURN_TIMEOUT_SECONDS: '30', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, async (bridge) => {
      const started = Date.now();
      const res = await chat(bridge, 'kim', { messages: [{ content: 'anyone?' }] }).expect(200);
      const events = jsonEvents(res.text);
      // The relay answers 502 for an unreachable endpoint, which codex reports instead of retrying.
      expect(events.some((event) => event.type === 'turn.error' && String(event.message).includes('could not be reached'))).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'failed' });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    });
  });
});
