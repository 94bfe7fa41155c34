import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Request } from 'playwright-core';
import { loadSpec } from '../../src/http/spec';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { describeInChromium, launchChromium, SwaggerPage } from './swaggerPage';

/* The bridge's Swagger UI in a real Chromium: "Try it out" must reach the bridge and show its answer. */

const artifactsDir = path.resolve(__dirname, '..', '..', 'artifacts');
const documentedServer = loadSpec().document.servers?.[0]?.url ?? 'http://localhost:8000';

describeInChromium('Swagger UI in Chromium (SECURITY_METHOD=None)', () => {
  let bridge: TestBridge | undefined;
  let browser: Browser | undefined;
  const pages: SwaggerPage[] = [];

  beforeAll(async () => {
    bridge = await startTestBridge();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.allSettled(pages.map((page) => page.close()));
    await browser?.close();
    await bridge?.stop();
  });

  async function openDocs(options: { reroute: boolean }): Promise<SwaggerPage> {
    if (!bridge || !browser) throw new Error('beforeAll did not start the bridge and Chromium');
    const page = await SwaggerPage.open(browser, bridge.url, options.reroute ? { rerouteServer: documentedServer } : {});
    pages.push(page);
    return page;
  }

  it('GET /status: Try it out, Execute shows 200 with the status body', async () => {
    const docs = await openDocs({ reroute: true });
    const response = await docs.execute('service', 'getStatus');
    expect(response.status).toBe(200);
    expect(response.body).toContain('codex_available');
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok', codex_available: true });

    fs.mkdirSync(artifactsDir, { recursive: true });
    await docs.screenshot(path.join(artifactsDir, 'swagger-status.png'), docs.operation('service', 'getStatus'));
  });

  it('Authorize sends the pasted token as a bearer token with Try it out', async () => {
    const docs = await openDocs({ reroute: true });
    await docs.authorize('pasted-token');
    const sent: Request[] = [];
    docs.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/threads') sent.push(request);
    });
    const response = await docs.execute('threads', 'listThreads', { limit: '5' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ threads: [], next_cursor: null });
    expect(response.requestUrl).toMatch(/\/threads\?limit=5$/);
    expect(await sent.at(-1)?.headerValue('authorization')).toBe('Bearer pasted-token');
  });

  // Fails today, on purpose: openapi.yaml's only server is http://localhost:8000, so Swagger UI sends
  // "Try it out" there wherever the bridge runs. When this starts passing, drop it and `reroute`.
  it.failing(`KNOWN BUG: without rerouting, Try it out calls ${documentedServer} instead of the bridge serving /docs`, async () => {
    const docs = await openDocs({ reroute: false });
    const response = await docs.execute('service', 'getStatus');
    expect(response.requestUrl).toBe(`${bridge?.url}/status`);
  });
});
