import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { startTestBridge } from '../support/bridge';

/* Structured logs: one line per request with id, user, status and duration; never a key or a token. */

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

it('logs each request once, and never the API key or a bearer token, even at trace level', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const bridge = await startTestBridge({ OPENAI_API_KEY: 'sk-secret-key-that-must-not-leak' }, { logger: createLogger('trace', false, sink) });
  try {
    await request(bridge.url)
      .post('/chat')
      .set('Authorization', 'Bearer eyJ-secret-bearer-token')
      .set('X-Request-Id', 'req-123')
      .set('traceparent', TRACEPARENT)
      .send({ messages: [{ content: 'hi' }], stream: false })
      .expect(200);
    await request(bridge.url).get('/healthz').set('X-Request-Id', 'req-bad-trace').set('traceparent', 'not-a-trace-<script>').expect(200);
  } finally {
    await bridge.stop();
  }
  const log = lines.join('\n');
  expect(lines.length).toBeGreaterThan(5);
  expect(log).not.toContain('sk-secret-key-that-must-not-leak');
  expect(log).not.toContain('eyJ-secret-bearer-token');
  const requestLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'request');
  expect(requestLines).toEqual([
    expect.objectContaining({ requestId: 'req-123', traceparent: TRACEPARENT, user: 'default', method: 'POST', path: '/chat', status: 200, durationMs: expect.any(Number) }),
    expect.objectContaining({ requestId: 'req-bad-trace', path: '/healthz', status: 200 }),
  ]);
  // A malformed traceparent is left out, never echoed into the log.
  expect(requestLines[1]).not.toHaveProperty('traceparent');
  expect(log).not.toContain('not-a-trace');
});
