import request from 'supertest';
import { appWithDoubles } from '../support/app';
import { activeToken, startFakeIntrospectionServer, type FakeIntrospectionServer } from './fakeIntrospectionServer';

/* SECURITY_METHOD=Keycloak through the Express app, against the fake introspection endpoint. */

const PROBLEM = /^application\/problem\+json/;
let server: FakeIntrospectionServer;

beforeAll(async () => {
  server = await startFakeIntrospectionServer();
});

afterAll(async () => {
  await server.close();
});

function app(env: Record<string, string> = {}) {
  return appWithDoubles({
    SECURITY_METHOD: 'Keycloak',
    KEYCLOAK_INTROSPECTION_URL: server.url,
    KEYCLOAK_CLIENT_ID: 'codex-bridge',
    KEYCLOAK_CLIENT_SECRET: 'bridge-secret',
    KEYCLOAK_TIMEOUT_SECONDS: '1',
    ...env,
  }).app;
}

describe('GET /threads with SECURITY_METHOD=Keycloak', () => {
  it('answers 401 problem+json with a bare Bearer challenge without a token', async () => {
    const res = await request(app()).get('/threads');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="codex-api-bridge"');
    expect(res.body).toMatchObject({ status: 401, type: 'urn:codex-api-bridge:problem:unauthorized' });
  });

  it('answers 401 invalid_token for an inactive token', async () => {
    server.respondWith(() => ({ body: { active: false } }));
    const res = await request(app()).get('/threads').set('Authorization', 'Bearer inactive-token');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 200 for an active token', async () => {
    server.respondWith(() => activeToken('alice-sub'));
    await request(app()).get('/threads').set('Authorization', 'Bearer good-token').expect(200);
  });

  it('answers 403 problem+json when the token lacks the required role', async () => {
    server.respondWith(() => activeToken('alice-sub'));
    const res = await request(app({ KEYCLOAK_REQUIRED_ROLE: 'codex-user' }))
      .get('/threads')
      .set('Authorization', 'Bearer good-token');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('answers 503 problem+json with Retry-After when introspection fails', async () => {
    server.respondWith(() => ({ status: 500 }));
    const res = await request(app()).get('/threads').set('Authorization', 'Bearer good-token');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toMatchObject({ type: 'urn:codex-api-bridge:problem:identity-provider-unavailable' });
  });
});

describe('GET /status with SECURITY_METHOD=Keycloak', () => {
  it('stays public and asks Keycloak nothing', async () => {
    const callsBefore = server.calls;
    const res = await request(app()).get('/status').expect(200);
    expect(res.body).toMatchObject({ security_method: 'keycloak' });
    expect(server.calls).toBe(callsBefore);
  });
});
