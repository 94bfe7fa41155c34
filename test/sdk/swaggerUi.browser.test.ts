import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Request } from 'playwright-core';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { startPrefixProxy } from '../support/prefixProxy';
import { CLIENTS, describeWithKeycloak, keycloakStartTimeoutMs, REALM, startKeycloak, USERS, type KeycloakHandle } from '../support/keycloak';
import { describeInChromium, launchChromium, SwaggerPage } from './swaggerPage';

/* The bridge's Swagger UI in a real Chromium: "Try it out" must reach the bridge and show its answer. */

const artifactsDir = path.resolve(__dirname, '..', '..', 'artifacts');

describeInChromium('Swagger UI in Chromium (SECURITY_METHOD=None)', () => {
  let bridge: TestBridge | undefined;
  let browser: Browser | undefined;
  const pages: SwaggerPage[] = [];

  beforeAll(async () => {
    bridge = await startTestBridge();
    browser = await launchChromium();
  });
  afterAll(async () => {
    // Independent, so a browser that hangs on close cannot keep the bridge and its codex processes alive.
    const closeBrowser = async (): Promise<void> => {
      await Promise.allSettled(pages.map((page) => page.close()));
      await browser?.close();
    };
    const results = await Promise.allSettled([closeBrowser(), bridge?.stop()]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  });

  async function openDocs(): Promise<SwaggerPage> {
    if (!bridge || !browser) throw new Error('beforeAll did not start the bridge and Chromium');
    const page = await SwaggerPage.open(browser, bridge.url);
    pages.push(page);
    return page;
  }

  it('GET /status: Try it out, Execute shows 200 with the status body', async () => {
    const docs = await openDocs();
    const response = await docs.execute('service', 'getStatus');
    expect(response.status).toBe(200);
    expect(response.requestUrl).toBe(`${bridge?.url}/status`);
    expect(response.body).toContain('codex_available');
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok', codex_available: true });

    fs.mkdirSync(artifactsDir, { recursive: true });
    await docs.screenshot(path.join(artifactsDir, 'swagger-status.png'), docs.operation('service', 'getStatus'));
  });

  it('Authorize sends the pasted token as a bearer token with Try it out', async () => {
    const docs = await openDocs();
    await docs.authorize('pasted-token');
    const sent: Request[] = [];
    docs.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/threads') sent.push(request);
    });
    const response = await docs.execute('threads', 'listThreads', { limit: '5' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ threads: [], next_cursor: null });
    expect(response.requestUrl).toMatch(/\/threads\?limit=5(&archived=false)?$/);
    expect(await sent.at(-1)?.headerValue('authorization')).toBe('Bearer pasted-token');
  });
});

describeInChromium('Swagger UI in Chromium with Keycloak', () => {
  describeWithKeycloak('SECURITY_METHOD=Keycloak', () => {
    let keycloak: KeycloakHandle | undefined;
    let bridge: TestBridge | undefined;
    let browser: Browser | undefined;
    let docs: SwaggerPage | undefined;

    beforeAll(async () => {
      keycloak = await startKeycloak();
      bridge = await startTestBridge({
        SECURITY_METHOD: 'Keycloak',
        KEYCLOAK_BASE_URL: keycloak.baseUrl,
        KEYCLOAK_REALM: REALM,
        KEYCLOAK_CLIENT_ID: CLIENTS.bridge.clientId,
        KEYCLOAK_CLIENT_SECRET: CLIENTS.bridge.clientSecret,
      });
      browser = await launchChromium();
    }, keycloakStartTimeoutMs());

    afterAll(async () => {
      await Promise.allSettled([docs?.close(), browser?.close()]);
      await Promise.allSettled([bridge?.stop(), keycloak?.stop()]);
    }, 60_000);

    it('without Authorize, GET /threads is 401; after pasting a Keycloak token it is 200', async () => {
      if (!bridge || !browser || !keycloak) throw new Error('beforeAll did not start everything');
      docs = await SwaggerPage.open(browser, bridge.url);
      const anonymous = await docs.execute('threads', 'listThreads');
      expect(anonymous.status).toBe(401);

      const { accessToken } = await keycloak.passwordToken(USERS.alice);
      await docs.authorize(accessToken);
      const authorized = await docs.execute('threads', 'listThreads', { limit: '5' });
      expect(authorized.status).toBe(200);
      expect(JSON.parse(authorized.body)).toMatchObject({ threads: [], next_cursor: null });
      fs.mkdirSync(artifactsDir, { recursive: true });
      await docs.screenshot(path.join(artifactsDir, 'swagger-keycloak-threads.png'), docs.operation('threads', 'listThreads'));
    });
  });
});

describeInChromium('Swagger UI in Chromium behind a path-prefix proxy', () => {
  let bridge: TestBridge | undefined;
  let proxy: Awaited<ReturnType<typeof startPrefixProxy>> | undefined;
  let browser: Browser | undefined;
  let docs: SwaggerPage | undefined;

  beforeAll(async () => {
    bridge = await startTestBridge();
    proxy = await startPrefixProxy(bridge.url, '/codex');
    browser = await launchChromium();
  });
  afterAll(async () => {
    const closeBrowser = async (): Promise<void> => {
      await docs?.close();
      await browser?.close();
    };
    const results = await Promise.allSettled([closeBrowser(), proxy?.close(), bridge?.stop()]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  });

  it('Try it out calls the prefix, not the host root', async () => {
    if (!browser || !proxy) throw new Error('beforeAll did not start the proxy and Chromium');
    // With the trailing slash: the proxy is not asked to rewrite the /docs -> /docs/ redirect.
    docs = await SwaggerPage.open(browser, `${proxy.url}/codex`, '/docs/');
    const response = await docs.execute('service', 'getStatus');
    expect(response.requestUrl).toBe(`${proxy.url}/codex/status`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok', codex_available: true });
  });
});
