import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { hashApiKey, newApiKey } from '../../src/auth';
import { userDirectoryName } from '../../src/codex/userDirectory';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { startFakeModel, type FakeModel } from '../support/fakeModel';
import { makeTempDir } from '../support/tempDir';

/* Probes, metrics, api-key-missing, ApiKey authentication and start-up errors with the real bridge and codex. */

let fake: FakeModel;
beforeAll(async () => {
  fake = await startFakeModel();
});
afterAll(async () => {
  await fake?.close();
});

async function withBridge(env: Record<string, string>, body: (bridge: TestBridge) => Promise<void>): Promise<void> {
  const bridge = await startTestBridge(env, { fake });
  try {
    await body(bridge);
  } finally {
    await bridge.stop();
  }
}

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('probes and metrics', () => {
  it('is live and ready; a chat shows in /metrics with its session, turn, first delta and memory', async () => {
    await withBridge({}, async (bridge) => {
      await request(bridge.url).get('/healthz').expect(200, { status: 'ok' });
      await request(bridge.url).get('/readyz').expect(200);
      const before = (await request(bridge.url).get('/metrics').expect(200)).text;
      expect(metricValue(before, 'codex_bridge_sessions_started_total')).toBe(0);

      const streamed = await request(bridge.url).post('/chat').send({ messages: [{ content: 'hello' }] }).expect(200);
      expect(streamed.text).toContain('[DONE]');
      await request(bridge.url).get('/threads/none/turns/none').expect(404);

      const text = (await request(bridge.url).get('/metrics').expect(200)).text;
      expect(metricValue(text, 'codex_bridge_sessions_started_total')).toBe(1);
      expect(metricValue(text, 'codex_bridge_sessions_active')).toBe(1);
      expect(metricValue(text, 'codex_bridge_turns_total{status="completed"}')).toBe(1);
      expect(metricValue(text, 'codex_bridge_turn_duration_seconds_count{status="completed"}')).toBe(1);
      expect(metricValue(text, 'codex_bridge_turn_first_delta_seconds_count')).toBe(1);
      expect(metricValue(text, 'codex_bridge_sse_streams_open')).toBe(0);
      expect(metricValue(text, 'codex_bridge_problems_total{type="turn-not-found",status="404"}')).toBe(1);
      // The jail's outer process and codex below it: tens of MB, never 0 for a live session.
      const rss = metricValue(text, `codex_bridge_session_rss_bytes{user="${userDirectoryName('default')}"}`);
      expect(rss).toBeGreaterThan(5 * 1024 * 1024);
      expect(metricValue(text, 'codex_bridge_process_resident_memory_bytes')).toBeGreaterThan(0);
    });
  });

  it('/readyz flips to 503 storage when BASE_DATA_DIR stops being writable, and back; /status stays 200', async () => {
    await withBridge({}, async (bridge) => {
      await request(bridge.url).get('/readyz').expect(200);
      const aside = `${bridge.dataDir}-aside`;
      fs.renameSync(bridge.dataDir, aside);
      fs.writeFileSync(bridge.dataDir, 'a file where the data directory was');
      try {
        const res = await request(bridge.url).get('/readyz').expect(503);
        expect(res.body.causes).toEqual([{ check: 'storage', detail: expect.stringContaining('BASE_DATA_DIR') }]);
        await request(bridge.url).get('/status').expect(200);
        await request(bridge.url).get('/healthz').expect(200);
      } finally {
        fs.rmSync(bridge.dataDir);
        fs.renameSync(aside, bridge.dataDir);
      }
      await request(bridge.url).get('/readyz').expect(200);
    });
  });

  it('serves /metrics on a separate listener with METRICS_PORT, not on the main port', async () => {
    await withBridge({ METRICS_PORT: '0' }, async (bridge) => {
      expect(bridge.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await request(bridge.url).get('/metrics').expect(404);
      const res = await request(bridge.metricsUrl as string).get('/metrics').expect(200);
      expect(res.text).toContain('codex_bridge_sessions_active');
      await request(bridge.metricsUrl as string).get('/status').expect(404);
    });
  });

  it('without OPENAI_API_KEY chat answers 503 api-key-missing at once, and /readyz stays ready', async () => {
    await withBridge({ OPENAI_API_KEY: '' }, async (bridge) => {
      const res = await request(bridge.url).post('/chat').send({ messages: [{ content: 'hi' }] }).expect(503);
      expect(res.body).toMatchObject({ type: 'urn:codex-api-bridge:problem:api-key-missing' });
      expect(res.body.detail).toContain('OPENAI_API_KEY');
      const v1 = await request(bridge.url).post('/v1/responses').send({ model: 'x', input: 'hi' }).expect(503);
      expect(v1.body.error).toMatchObject({ code: 'api_key_missing' });
      expect(bridge.sessions.activeSessions).toBe(0);
      await request(bridge.url).get('/readyz').expect(200);
    });
  });
});

describe('SECURITY_METHOD=ApiKey', () => {
  it('a key works, a wrong key is 401, keys rotate without restart, users are isolated', async () => {
    const dir = makeTempDir('apikeys-e2e-');
    const file = path.join(dir, 'keys');
    const [alice, bob, alice2] = [newApiKey(), newApiKey(), newApiKey()];
    fs.writeFileSync(file, `alice:${hashApiKey(alice)}\n`);
    try {
      await withBridge({ SECURITY_METHOD: 'ApiKey', API_KEYS_FILE: file, HOST: '127.0.0.1' }, async (bridge) => {
        const as = (key: string) => ({ Authorization: `Bearer ${key}` });
        await request(bridge.url).get('/readyz').expect(200);
        const status = await request(bridge.url).get('/status').expect(200);
        expect(status.body.security_method).toBe('apikey');

        const first = await request(bridge.url).post('/chat').set(as(alice)).send({ messages: [{ content: 'from alice' }], stream: false }).expect(200);
        const threadId = first.body.thread_id as string;

        const wrong = await request(bridge.url).get('/threads').set(as(newApiKey())).expect(401);
        expect(wrong.headers['www-authenticate']).toMatch(/^Bearer realm="codex-api-bridge", error="invalid_token"/);
        const none = await request(bridge.url).get('/threads').expect(401);
        expect(none.headers['www-authenticate']).toBe('Bearer realm="codex-api-bridge"');
        await request(bridge.url).get('/threads').set(as(bob)).expect(401);

        // Bob is added while the bridge runs, and Alice gets a second key.
        fs.writeFileSync(file, `alice:${hashApiKey(alice)}\nalice:${hashApiKey(alice2)}\nbob:${hashApiKey(bob)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const bobThreads = await request(bridge.url).get('/threads').set(as(bob)).expect(200);
        expect(bobThreads.body.threads).toEqual([]);
        await request(bridge.url).get('/history').set(as(bob)).query({ thread_id: threadId }).expect(404);
        const aliceThreads = await request(bridge.url).get('/threads').set(as(alice2)).expect(200);
        expect(aliceThreads.body.threads.map((thread: { thread_id: string }) => thread.thread_id)).toEqual([threadId]);

        // Alice's first key is revoked.
        fs.writeFileSync(file, `alice:${hashApiKey(alice2)}\nbob:${hashApiKey(bob)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await request(bridge.url).get('/threads').set(as(alice)).expect(401);
        await request(bridge.url).get('/threads').set(as(alice2)).expect(200);
        // No METRICS_TOKEN and no METRICS_PORT: /metrics is not served; anonymous callers learn only 401.
        await request(bridge.url).get('/metrics').expect(401);
        await request(bridge.url).get('/metrics').set(as(alice2)).expect(404);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('start-up errors name the variable in one line', () => {
  const root = path.join(__dirname, '..', '..');

  function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/main.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BASE_DATA_DIR: makeTempDir('startup-'), LOG_LEVEL: 'silent', ...env },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  function expectOneLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }

  it('a taken PORT', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      expectOneLine(await start({ PORT: String(port), HOST: '127.0.0.1' }), /^Cannot start: PORT: port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      taken.close();
    }
  });

  it('a HOST that is not an address of this machine, or a name that does not resolve', async () => {
    const env = { SECURITY_METHOD: 'ApiKey', API_KEYS: `a:${hashApiKey('k')}`, ISOLATION: 'none' };
    expectOneLine(await start({ ...env, HOST: '192.0.2.1' }), /^Cannot start: HOST: 192\.0\.2\.1 is not an address of this machine/);
    expectOneLine(await start({ ...env, HOST: 'no-such-host.invalid' }), /^Cannot start: HOST: the host name 'no-such-host\.invalid' does not resolve/);
  });
});
