import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { hashApiKey, newApiKey } from '../../src/auth';
import type { IdentityProviderStatus } from '../../src/auth/identityProviderHealth';
import { parseConfig } from '../../src/config/env';
import { BridgeMetrics } from '../../src/metrics/bridgeMetrics';
import { appWithDoubles } from '../support/app';
import { makeTempDir } from '../support/tempDir';

/*
 * Operations routes through the real Express app with response validation on, over session doubles:
 * liveness, readiness (each cause flips it), metrics and their protection, api-key-missing, and the
 * spec seen through a path-prefix proxy.
 */

const dataDirs: string[] = [];
function dataDir(): string {
  const dir = makeTempDir('ops-contract-');
  dataDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function identityProvider(state: IdentityProviderStatus['state'], detail?: string) {
  return { status: { state, checkedAt: new Date(), detail } };
}

function expectNotReady(res: request.Response, checks: string[]): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body.type).toBe('urn:codex-api-bridge:problem:not-ready');
  expect(res.body.causes.map((cause: { check: string }) => cause.check)).toEqual(checks);
  for (const check of checks) expect(res.body.detail).toContain(`${check}:`);
}

describe('GET /healthz', () => {
  it('is 200 with a tiny body, even when the bridge is not ready', async () => {
    const { app, sessions } = appWithDoubles({ BASE_DATA_DIR: dataDir() }, false);
    sessions.accepting = false;
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('is 200 and lists the checks when everything is fine', async () => {
    const { app } = appWithDoubles({ BASE_DATA_DIR: dataDir() });
    const res = await request(app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: ['codex', 'storage', 'identity_provider', 'isolation', 'draining'] });
  });

  it('is 503 naming codex when no codex binary was found', async () => {
    const { app } = appWithDoubles({ BASE_DATA_DIR: dataDir() }, false);
    expectNotReady(await request(app).get('/readyz'), ['codex']);
  });

  it('is 503 naming storage when BASE_DATA_DIR cannot be written, and ready again once it can', async () => {
    const parent = dataDir();
    const blocker = path.join(parent, 'not-a-directory');
    fs.writeFileSync(blocker, 'a file where the data directory should be');
    const { app } = appWithDoubles({ BASE_DATA_DIR: path.join(blocker, 'data') });
    const res = await request(app).get('/readyz');
    expectNotReady(res, ['storage']);
    expect(res.body.causes[0].detail).toMatch(/BASE_DATA_DIR .* is not writable: ENOTDIR/);
    fs.rmSync(blocker);
    await request(app).get('/readyz').expect(200);
    // The probe leaves nothing behind.
    expect(fs.readdirSync(path.join(blocker, 'data'))).toEqual([]);
  });

  it.each([
    ['unreachable', 'connect ECONNREFUSED'],
    ['credentials-rejected', 'the client secret is wrong'],
  ] as const)('is 503 naming identity_provider when it is %s', async (state, detail) => {
    const { app } = appWithDoubles({ BASE_DATA_DIR: dataDir() }, true, { identityProvider: identityProvider(state, detail) });
    const res = await request(app).get('/readyz');
    expectNotReady(res, ['identity_provider']);
    expect(res.body.causes[0].detail).toContain(state);
    expect(res.body.causes[0].detail).toContain(detail);
  });

  it.each(['ok', 'unknown'] as const)('is ready while the identity provider is %s', async (state) => {
    const { app } = appWithDoubles({ BASE_DATA_DIR: dataDir() }, true, { identityProvider: identityProvider(state) });
    await request(app).get('/readyz').expect(200);
  });

  it('is 503 naming isolation when several users share a bridge without a jail', async () => {
    const env = { BASE_DATA_DIR: dataDir(), ALLOW_USER_ID_OVERRIDE: 'true' };
    const unjailed = { isolation: { status: { mechanism: 'none' as const, tenant_uids: false, reason: 'bwrap not found' } } };
    const res = await request(appWithDoubles(env, true, unjailed).app).get('/readyz');
    expectNotReady(res, ['isolation']);
    expect(res.body.causes[0].detail).toContain('bwrap not found');
    // The operator chose no jail: that is not a readiness problem.
    await request(appWithDoubles({ ...env, ISOLATION: 'none' }, true, unjailed).app).get('/readyz').expect(200);
    // A single-user bridge without a jail is ready; with ISOLATION=bubblewrap it is not.
    await request(appWithDoubles({ BASE_DATA_DIR: env.BASE_DATA_DIR }, true, unjailed).app).get('/readyz').expect(200);
    expectNotReady(
      await request(appWithDoubles({ BASE_DATA_DIR: env.BASE_DATA_DIR, ISOLATION: 'bubblewrap' }, true, unjailed).app).get('/readyz'),
      ['isolation'],
    );
  });

  it('is 503 naming draining once shutdown started, while /status stays 200', async () => {
    const { app, sessions } = appWithDoubles({ BASE_DATA_DIR: dataDir() });
    await request(app).get('/readyz').expect(200);
    sessions.accepting = false;
    expectNotReady(await request(app).get('/readyz'), ['draining']);
    await request(app).get('/status').expect(200);
  });

  it('names every failing check at once', async () => {
    const { app, sessions } = appWithDoubles({ BASE_DATA_DIR: dataDir() }, false, { identityProvider: identityProvider('unreachable') });
    sessions.accepting = false;
    expectNotReady(await request(app).get('/readyz'), ['codex', 'identity_provider', 'draining']);
  });

  it('needs no credentials with SECURITY_METHOD=ApiKey', async () => {
    const { app } = appWithDoubles({ BASE_DATA_DIR: dataDir(), SECURITY_METHOD: 'ApiKey', API_KEYS: `alice:${hashApiKey(newApiKey())}` });
    await request(app).get('/readyz').expect(200);
    await request(app).get('/healthz').expect(200);
    await request(app).get('/threads').expect(401);
  });
});

describe('a bridge without a model credential', () => {
  const noKey = { OPENAI_API_KEY: '', BASE_DATA_DIR: dataDir() };

  it('answers POST /chat with 503 api-key-missing at once, naming OPENAI_API_KEY, without starting a turn', async () => {
    const { app, sessions } = appWithDoubles(noKey);
    const res = await request(app).post('/chat').send({ messages: [{ content: 'hi' }] });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('urn:codex-api-bridge:problem:api-key-missing');
    expect(res.body.detail).toContain('OPENAI_API_KEY');
    expect(res.headers['retry-after']).toBeDefined();
    expect(sessions.sessions.size).toBe(0);
  });

  it.each([
    ['/v1/responses', { model: 'gpt-5', input: 'hi' }],
    ['/v1/chat/completions', { model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] }],
  ])('answers POST %s in OpenAI\'s error shape', async (route, body) => {
    const { app } = appWithDoubles(noKey);
    const res = await request(app).post(route).send(body);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain('OPENAI_API_KEY');
    expect(res.body.error.code).toBe('api_key_missing');
  });

  it('accepts chats on a single-user bridge whose explicit CODEX_HOME holds a codex login', async () => {
    const codexHome = dataDir();
    const { app } = appWithDoubles({ ...noKey, CODEX_HOME: codexHome });
    await request(app).post('/chat').send({ messages: [{ content: 'hi' }], stream: false }).expect(503);
    fs.writeFileSync(path.join(codexHome, 'auth.json'), '{}');
    await request(app).post('/chat').send({ messages: [{ content: 'hi' }], stream: false }).expect(200);
  });

  it('still serves threads, which need no model', async () => {
    await request(appWithDoubles(noKey).app).get('/threads').expect(200);
  });
});

describe('GET /metrics', () => {
  function withMetrics(env: Record<string, string>) {
    const config = parseConfig({ OPENAI_API_KEY: 'sk-test', BASE_DATA_DIR: dataDir(), ...env });
    const registry = new BridgeMetrics({ processMetrics: false });
    const built = appWithDoubles({ BASE_DATA_DIR: config.baseDataDir, ...env }, true, {}, {
      metrics: { registry, token: config.metrics.token, onMainPort: config.metrics.onMainPort },
    });
    return { ...built, registry };
  }

  it('is served without auth on the main port with SECURITY_METHOD=None, in Prometheus text format', async () => {
    const { app } = withMetrics({});
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'codex_bridge_sessions_active',
      'codex_bridge_sessions_started_total',
      'codex_bridge_sessions_ended_total',
      'codex_bridge_turns_total',
      'codex_bridge_turn_duration_seconds',
      'codex_bridge_turn_first_delta_seconds',
      'codex_bridge_sse_streams_open',
      'codex_bridge_approvals_waiting',
      'codex_bridge_introspection_total',
      'codex_bridge_problems_total',
      'codex_bridge_session_rss_bytes',
    ])
      expect(res.text).toContain(`# TYPE ${name} `);
  });

  it('counts problems by type in the one error middleware; a finished stream is no longer open', async () => {
    const { app } = withMetrics({});
    await request(app).get('/threads/nope/turns/nope').expect(404);
    await request(app).post('/chat').send({ messages: [] }).expect(400);
    await request(app).post('/chat').send({ messages: [{ content: 'ping' }] }).expect(200);
    const text = (await request(app).get('/metrics').expect(200)).text;
    expect(text).toMatch(/codex_bridge_problems_total\{type="turn-not-found",status="404"\} 1/);
    expect(text).toMatch(/codex_bridge_problems_total\{type="validation-error",status="400"\} 1/);
    expect(text).toMatch(/codex_bridge_sse_streams_open 0/);
  });

  it('without a token or a separate port it is not served when authentication is on', async () => {
    const { app } = withMetrics({ SECURITY_METHOD: 'ApiKey', API_KEYS: `alice:${hashApiKey(newApiKey())}` });
    await request(app).get('/metrics').expect(401);
  });

  it('with METRICS_TOKEN it asks for that bearer token', async () => {
    const token = 'metrics-token-0123456789';
    const { app } = withMetrics({ SECURITY_METHOD: 'ApiKey', API_KEYS: `alice:${hashApiKey(newApiKey())}`, METRICS_TOKEN: token });
    const missing = await request(app).get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="codex-api-bridge"');
    const wrong = await request(app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456780').expect(401);
    expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.text).toContain('codex_bridge_turns_total');
  });
});

describe('the spec behind a path-prefix proxy', () => {
  const { app } = appWithDoubles({ BASE_DATA_DIR: dataDir() });

  it('GET /openapi.json with X-Forwarded-Prefix names the prefix as its first server, the rest unchanged', async () => {
    const plain = (await request(app).get('/openapi.json').expect(200)).body;
    const prefixed = (await request(app).get('/openapi.json').set('X-Forwarded-Prefix', '/codex').expect(200)).body;
    expect(prefixed.servers[0].url).toBe('/codex/');
    expect(prefixed.servers.slice(1)).toEqual(plain.servers.slice(1));
    expect({ ...prefixed, servers: undefined }).toEqual({ ...plain, servers: undefined });
    expect(plain.servers[0].url).toBe('/');
    // Asked again without the header: the one loaded document was not changed.
    expect((await request(app).get('/openapi.json')).body.servers[0].url).toBe('/');
  });

  it('ignores a prefix that is not a plain path', async () => {
    for (const header of ['codex', '/co dex', '//evil.example', 'https://evil.example/']) {
      const res = await request(app).get('/openapi.json').set('X-Forwarded-Prefix', header).expect(200);
      expect(res.body.servers[0].url).toBe('/');
    }
  });

  it("Swagger UI's Try it out calls the prefix", async () => {
    const init = await request(app).get('/docs/swagger-ui-init.js').set('X-Forwarded-Prefix', '/codex').expect(200);
    expect(init.text).toContain('"url": "/codex/"');
    const plain = await request(app).get('/docs/swagger-ui-init.js').expect(200);
    expect(plain.text).not.toContain('"url": "/codex/"');
    expect(plain.text).toContain('"url": "/"');
  });
});
