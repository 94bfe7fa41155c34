import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { silentLogger } from '../../src/logger';
import type { MeteredUsage } from '../../src/relay/metering';
import { ModelRelay } from '../../src/relay/modelRelay';

const usage = { input_tokens: 7, output_tokens: 3, total_tokens: 10 };
const completed = { type: 'response.completed', response: { usage } };

/** An upstream that answers as the real endpoint may: compressed JSON, a plain SSE stream, an error status. */
function startUpstream(): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/v1/gzip') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-upstream': 'yes' });
      res.end(zlib.gzipSync(JSON.stringify({ object: 'response', usage })));
    } else if (req.url === '/v1/responses') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: response.output_text.delta\ndata: {"delta":"Hi"}\n\n');
      setTimeout(() => res.end(`event: response.completed\ndata: ${JSON.stringify(completed)}\n\n`), 20);
    } else {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end('{"error":{"message":"slow down"}}');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        seen,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

function call(
  url: string,
  token: string | undefined,
  body = '{}',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('ModelRelay', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let relay: ModelRelay;
  const metered: Array<{ user: string; usage: MeteredUsage }> = [];

  beforeAll(async () => {
    upstream = await startUpstream();
    relay = await ModelRelay.start({
      upstream: upstream.url,
      apiKey: 'sk-operator',
      logger: silentLogger,
      onUsage: (user, counted) => metered.push({ user, usage: counted }),
    });
  });
  afterAll(async () => {
    await relay?.close();
    await upstream?.close();
  });

  it('refuses a request without a session token', async () => {
    const answer = await call(`${relay.baseUrl}/responses`, undefined);
    expect(answer.status).toBe(401);
    expect(upstream.seen).toHaveLength(0);
  });

  it('forwards with the operator key, decodes a compressed reply and meters it for the token’s user', async () => {
    const token = relay.issue('alice');
    const answer = await call(`${relay.baseUrl}/gzip`, token, '{"model":"m"}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ object: 'response', usage });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers['x-upstream']).toBe('yes');
    expect(upstream.seen.at(-1)?.authorization).toBe('Bearer sk-operator');
    expect(upstream.seen.at(-1)?.['content-length']).toBe('13');
    expect(metered.at(-1)).toEqual({
      user: 'alice',
      usage: expect.objectContaining({ total_tokens: 10, responses: 1 }),
    });
  });

  it('streams an SSE reply through as it comes and meters its completed event', async () => {
    const token = relay.issue('bob');
    const answer = await call(`${relay.baseUrl}/responses`, token);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('data: {"delta":"Hi"}');
    expect(answer.text).toContain('response.completed');
    expect(metered.at(-1)).toEqual({
      user: 'bob',
      usage: expect.objectContaining({ input_tokens: 7, output_tokens: 3 }),
    });
  });

  it('passes an error status and its headers on', async () => {
    const token = relay.issue('carol');
    const answer = await call(`${relay.baseUrl}/other`, token);
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('3');
    expect(answer.text).toContain('slow down');
  });

  it('answers 502 when the model endpoint cannot be reached', async () => {
    const unreachable = await ModelRelay.start({
      upstream: 'http://127.0.0.1:9/v1',
      apiKey: 'k',
      logger: silentLogger,
      onUsage: () => undefined,
    });
    try {
      const answer = await call(`${unreachable.baseUrl}/responses`, unreachable.issue('dave'));
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.text).error.code).toBe('upstream_unreachable');
    } finally {
      await unreachable.close();
    }
  });
});
