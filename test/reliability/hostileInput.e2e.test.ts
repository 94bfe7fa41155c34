import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { userDirectoryName } from '../../src/codex/userDirectory';
import { startTestBridge, type TestBridge } from '../support/bridge';

/*
 * Hostile input against the real bridge (real codex app-server, response validation on): huge and deeply
 * nested bodies, wrong content types, invalid UTF-8, header injection, path traversal, other users' threads,
 * slow clients. Malformed HTTP is written on raw sockets, which Node's own client refuses to send.
 */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' });
});
afterAll(async () => {
  await bridge?.stop();
});

const api = () => request(bridge.url);
const PROBLEM = /^application\/problem\+json/;
/** Names no other test or process uses: a folder carrying it anywhere would be an escape. */
const MARKER = `hostile-${process.pid}-${Date.now().toString(36)}`;

interface RawReply {
  /** Undefined when the server closed the connection without answering. */
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (as opposed to our timeout). */
  closed: boolean;
}

/** Writes `payload` as is on a new TCP connection and reads until the server closes it (or `timeoutMs`). */
function rawExchange(payload: Buffer | string | Array<Buffer | string>, timeoutMs = 15_000): Promise<RawReply> {
  const { hostname, port } = new URL(bridge.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(Buffer.concat(chunks).toString('utf8'), closed));
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // EPIPE / ECONNRESET while we still write a body the server already refused: the answer counts.
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    for (const part of Array.isArray(payload) ? payload : [payload]) socket.write(part);
  });
}

function parseReply(text: string, closed: boolean): RawReply {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  const split = text.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of text
    .slice(0, split < 0 ? text.length : split)
    .split('\r\n')
    .slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: match ? Number(match[1]) : undefined,
    headers,
    body: split < 0 ? '' : text.slice(split + 4),
    closed,
  };
}

/** One HTTP/1.1 request as bytes; header values are written as latin1, byte for byte. */
function rawRequest(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Buffer {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (bytes) lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes ?? Buffer.alloc(0)]);
}

function expectProblem(reply: RawReply, statuses: number[], slug?: string): Record<string, unknown> {
  expect(statuses).toContain(reply.status);
  expect(reply.headers['content-type']).toMatch(PROBLEM);
  const problem = JSON.parse(reply.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status: reply.status, title: expect.any(String), detail: expect.any(String) });
  if (slug) expect(problem.type).toBe(`urn:codex-api-bridge:problem:${slug}`);
  return problem;
}

async function expectServing(): Promise<void> {
  const res = await api().get('/status').expect(200);
  expect(res.body.status).toBe('ok');
}

/** Every folder the bridge made is `users/<plain id or ~sha256>` inside BASE_DATA_DIR; nothing carries MARKER. */
function expectNothingOutsideDataDir(hostileIds: string[]): void {
  const usersDir = path.join(bridge.dataDir, 'users');
  expect(fs.readdirSync(bridge.dataDir)).toEqual(['users']);
  for (const entry of fs.readdirSync(usersDir)) expect(entry).toMatch(/^(?:[a-z0-9][a-z0-9_-]{0,63}|~[0-9a-f]{64})$/);
  // Where a naive path.join(users, id) would have made a new folder (ids like '..' land on existing ones).
  for (const id of hostileIds) {
    const naive = path.resolve(usersDir, id);
    if (naive.includes(MARKER) && !naive.startsWith(`${usersDir}${path.sep}`)) expect(fs.existsSync(naive)).toBe(false);
  }
  for (const place of [os.tmpdir(), path.dirname(bridge.dataDir), bridge.workDir, process.cwd(), '/']) {
    expect(fs.readdirSync(place).filter((entry) => entry.includes(MARKER))).toEqual([]);
  }
}

describe('hostile input', () => {
  it('answers 413 problem to a body over MAX_BODY_BYTES (sized or chunked) and keeps serving', async () => {
    const huge = Buffer.from(JSON.stringify({ messages: [{ content: 'x'.repeat(2 * 1024 * 1024) }], stream: false }));
    expectProblem(
      await rawExchange(rawRequest('POST', '/chat', { 'Content-Type': 'application/json' }, huge)),
      [413],
      'payload-too-large',
    );

    // Without Content-Length the server only learns the size while reading: 2 MiB in 256 KiB chunks.
    const chunks = [
      Buffer.from('{"messages":[{"content":"'),
      ...Array.from({ length: 8 }, () => Buffer.alloc(256 * 1024, 'a')),
    ];
    const chunked: Array<Buffer | string> = [
      rawRequest('POST', '/chat', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }),
    ];
    for (const chunk of chunks) chunked.push(`${chunk.length.toString(16)}\r\n`, chunk, '\r\n');
    chunked.push('0\r\n\r\n');
    expectProblem(await rawExchange(chunked), [413], 'payload-too-large');

    const rename = Buffer.from(JSON.stringify({ name: 'n'.repeat(2 * 1024 * 1024) }));
    expectProblem(
      await rawExchange(rawRequest('PATCH', '/threads/some-thread', { 'Content-Type': 'application/json' }, rename)),
      [413],
      'payload-too-large',
    );
    await expectServing();
  });

  it('answers 400 or 413 problem to JSON nested 10,000 and 100,000 levels deep, without crashing', async () => {
    const depth = 10_000;
    const bodies = [
      '['.repeat(depth) + ']'.repeat(depth),
      '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      `{"messages":[{"content":"x"}],"model":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      `{"messages":[{"content":"x","role":${'['.repeat(depth)}${']'.repeat(depth)}}],"stream":false}`,
      `{"messages":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      '['.repeat(depth), // unterminated
    ];
    for (const body of bodies) {
      expectProblem(
        await rawExchange(rawRequest('POST', '/chat', { 'Content-Type': 'application/json' }, body)),
        [400, 413],
      );
    }
    const rename = `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expectProblem(
      await rawExchange(rawRequest('PATCH', '/threads/t1', { 'Content-Type': 'application/json' }, rename)),
      [400, 413],
    );
    await expectServing();
    await api().get('/threads').expect(200);
  });

  it('answers 415 problem to bodies that are not JSON', async () => {
    const json = '{"messages":[{"content":"hello"}],"stream":false}';
    const cases: Array<Record<string, string>> = [
      { 'Content-Type': 'text/plain' },
      {},
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'multipart/form-data; boundary=xyz' },
      { 'Content-Type': 'application/xml' },
      { 'Content-Type': 'text/html; charset=utf-8' },
      { 'Content-Type': 'application/octet-stream' },
      { 'Content-Type': 'application/json; charset=latin1' },
      { 'Content-Type': 'application/json', 'Content-Encoding': 'br-unknown' },
    ];
    for (const headers of cases) {
      expectProblem(await rawExchange(rawRequest('POST', '/chat', headers, json)), [415], 'unsupported-media-type');
    }
    expectProblem(
      await rawExchange(rawRequest('PATCH', '/threads/t1', { 'Content-Type': 'text/plain' }, '{"name":"x"}')),
      [415],
      'unsupported-media-type',
    );
    expectProblem(
      await rawExchange(
        rawRequest('POST', '/threads/t1/approvals/r1', { 'Content-Type': 'text/plain' }, '{"decision":"accept"}'),
      ),
      [415],
      'unsupported-media-type',
    );
    await expectServing();
  });

  it('answers 400 problem to bodies that are not valid UTF-8 JSON text', async () => {
    const bytes = (...parts: Array<string | number[]>): Buffer =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
    const bodies = [
      bytes('{"messages":[{"content":"hello"}]}', [0xff]),
      bytes([0xfe, 0xff], '{"messages":[{"content":"hello"}]}'),
      bytes('{"messages":[{"content":"hello"}]', [0xc3, 0x28], '}'),
      bytes('{', [0x80, 0x81], ':1}'),
      bytes('{"messages":[{"content":"a"}],"stream":', [0xed, 0xa0, 0x80], '}'),
    ];
    for (const body of bodies) {
      expectProblem(
        await rawExchange(rawRequest('POST', '/chat', { 'Content-Type': 'application/json' }, body)),
        [400],
      );
    }
    await expectServing();
  });

  it('answers 400 problem to invalid UTF-8 inside a JSON string', async () => {
    const body = Buffer.concat([
      Buffer.from('{"messages":[{"content":"a'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}],"stream":false}'),
    ]);
    expectProblem(await rawExchange(rawRequest('POST', '/chat', { 'Content-Type': 'application/json' }, body)), [400]);
  });

  it('answers a 4xx problem to a body that does not match its Content-Encoding', async () => {
    const reply = await rawExchange(
      rawRequest(
        'POST',
        '/chat',
        { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        '{"messages":[{"content":"not gzip"}]}',
      ),
    );
    expectProblem(reply, [400, 415]);
  });

  it('header injection through X-User-Id: 400 or a dropped connection, never a crash or a folder outside BASE_DATA_DIR', async () => {
    const head = (userLine: string): string =>
      `GET /threads HTTP/1.1\r\nHost: 127.0.0.1\r\n${userLine}\r\nConnection: close\r\n\r\n`;
    const malformed = [
      head(`X-User-Id: ../../${MARKER}\rX-Injected: 1`), // bare CR
      head(`X-User-Id: ../../${MARKER}\nX-Injected: 1`), // bare LF
      head(`X-User-Id: ../../${MARKER}\r\n ../folded`), // obsolete line folding
      head(`X-User-Id: ../../${MARKER}\0/x`), // NUL
      head(`X-User-Id: ../../${MARKER}\r\n\r\nGET /status`), // request smuggling attempt: a second request
      `GET /threads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-Id : ../../${MARKER}\r\nConnection: close\r\n\r\n`, // space before colon
      `GET /threads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-Id: a\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
    ];
    for (const payload of malformed) {
      const reply = await rawExchange(payload);
      expect(reply.status === 400 || reply.status === undefined || (reply.status >= 200 && reply.status < 300)).toBe(
        true,
      );
      if (reply.status === undefined) expect(reply.closed).toBe(true);
    }
    // The ones that are not malformed HTTP: the header value itself is the id, which stays a folder name.
    const wellFormed = [
      `../../${MARKER}`,
      `../../${MARKER}\\..\\..`,
      `/tmp/${MARKER}`,
      `${MARKER}%0d%0aX-Injected: 1`,
      `\u00e9\u00ff${MARKER}`,
    ];
    for (const id of wellFormed) {
      // rawRequest writes header values as latin1 bytes: é and ÿ go out as 0xE9 0xFF.
      const reply = await rawExchange(rawRequest('GET', '/threads', { 'X-User-Id': id }));
      expect(reply.status).toBe(200);
    }
    // Two X-User-Id lines (the CRLF-injection result) are joined by Node into one id, hashed like any other.
    const twice = await rawExchange(
      `GET /threads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-Id: ${MARKER}\r\nX-User-Id: ../../${MARKER}\r\nConnection: close\r\n\r\n`,
    );
    expect([200, 400]).toContain(twice.status);
    await expectServing();
    expectNothingOutsideDataDir([...wellFormed, `../../${MARKER}`]);
  });

  it('path traversal and very long user ids stay inside BASE_DATA_DIR; over 256 characters is 400', async () => {
    const ids = [
      `../../${MARKER}`,
      `../${MARKER}/../../..`,
      '..',
      '.',
      `/etc/${MARKER}`,
      `..\\..\\${MARKER}`,
      `${MARKER}/./../../x`,
      `~${'0'.repeat(64)}`,
      'x'.repeat(256),
    ];
    for (const id of ids) {
      await api().get('/threads').set('X-User-Id', id).expect(200);
      await api().get('/threads').query({ user_id: id }).expect(200);
    }
    // Percent-encoded traversal in the query string arrives decoded: the same ids.
    await api().get(`/threads?user_id=..%2F..%2F${MARKER}`).expect(200);
    for (const length of [257, 1000, 8000]) {
      const long = 'u'.repeat(length);
      const byHeader = await api().get('/threads').set('X-User-Id', long);
      expect(byHeader.status).toBe(400);
      expect(byHeader.headers['content-type']).toMatch(PROBLEM);
      const byQuery = await api().get('/threads').query({ user_id: long });
      expect(byQuery.status).toBe(400);
      expect(byQuery.headers['content-type']).toMatch(PROBLEM);
    }
    // Thread ids are path segments and query values: traversal there is refused by the contract.
    expect((await api().get('/history').query({ thread_id: '../../etc/passwd' })).status).toBe(400);
    expect((await api().patch('/threads/..%2F..%2Fetc').send({ name: 'x' })).status).toBe(400);
    expect([400, 404]).toContain((await api().get('/threads/%2e%2e/turns/x')).status);
    expect([400, 404]).toContain((await api().delete('/threads/..%5C..%5Cx')).status);

    const usersDir = path.join(bridge.dataDir, 'users');
    for (const id of ids) expect(fs.existsSync(path.join(usersDir, userDirectoryName(id)))).toBe(true);
    expect(fs.readdirSync(usersDir)).not.toContain(userDirectoryName('u'.repeat(257)));
    expectNothingOutsideDataDir(ids);
    await expectServing();
  });

  it("another user's thread ids are 404 everywhere, and the owner's thread is untouched", async () => {
    const owner = 'hostile-owner';
    const intruder = 'hostile-intruder';
    const first = await api()
      .post('/chat')
      .set('X-User-Id', owner)
      .send({ messages: [{ content: 'my secret' }], stream: false })
      .expect(200);
    const { thread_id: threadId, turn_id: turnId } = first.body as { thread_id: string; turn_id: string };
    const as = (req: request.Test) => req.set('X-User-Id', intruder);

    const answers = [
      await as(api().get('/history').query({ thread_id: threadId })),
      await as(api().patch(`/threads/${threadId}`).send({ name: 'stolen' })),
      await as(api().delete(`/threads/${threadId}`)),
      await as(
        api()
          .post('/chat')
          .send({ thread_id: threadId, messages: [{ content: 'hijack' }], stream: false }),
      ),
      await as(
        api()
          .post('/chat')
          .send({ thread_id: threadId, messages: [{ content: 'hijack' }] }),
      ),
      await as(api().post(`/threads/${threadId}/interrupt`)),
      await as(api().get(`/threads/${threadId}/turns/${turnId}`)),
      await as(api().get(`/threads/${threadId}/turns/${turnId}/events`)),
      await as(api().get(`/threads/${threadId}/approvals`)),
      // The default user is someone else too.
      await api().get('/history').query({ thread_id: threadId }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(JSON.stringify(res.body)).not.toContain('my secret');
    }
    const intruderThreads = await as(api().get('/threads')).expect(200);
    expect(JSON.stringify(intruderThreads.body)).not.toContain(threadId);

    const mine = await api().get('/threads').set('X-User-Id', owner).expect(200);
    expect(mine.body.threads).toEqual([
      expect.objectContaining({ thread_id: threadId, name: null, preview: 'my secret' }),
    ]);
    const history = await api().get('/history').set('X-User-Id', owner).query({ thread_id: threadId }).expect(200);
    expect(history.body.messages.map((message: { content: string }) => message.content)).toEqual([
      'my secret',
      expect.any(String),
    ]);
  });

  it('slow clients: sockets stuck in their headers do not keep the server from serving others', async () => {
    const { hostname, port } = new URL(bridge.url);
    const slow = Array.from({ length: 20 }, () => net.connect(Number(port), hostname));
    const feeders: NodeJS.Timeout[] = [];
    try {
      for (const socket of slow) {
        socket.on('error', () => undefined);
        const bytes = Buffer.from(
          'GET /threads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-Id: slow\r\nX-Padding: ' + 'p'.repeat(500),
        );
        let sent = 0;
        // One byte every 100 ms: the request line and headers never complete during this test.
        feeders.push(
          setInterval(() => (sent < bytes.length ? socket.write(bytes.subarray(sent, ++sent)) : undefined), 100),
        );
      }
      // Partial bodies too: headers done, a body that never arrives.
      const stalledBody = net.connect(Number(port), hostname);
      stalledBody.on('error', () => undefined);
      stalledBody.write(
        'POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"mess',
      );
      slow.push(stalledBody);

      for (let i = 0; i < 10; i += 1) {
        const started = Date.now();
        await api().get('/status').expect(200);
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      const chat = await api()
        .post('/chat')
        .set('X-User-Id', 'patient')
        .send({ messages: [{ content: 'still there?' }], stream: false })
        .expect(200);
      expect(chat.body.status).toBe('completed');
      expect(slow.every((socket) => !socket.destroyed)).toBe(true);
    } finally {
      for (const feeder of feeders) clearInterval(feeder);
      for (const socket of slow) socket.destroy();
    }
  });

  it('slow clients: a socket sending its headers byte by byte is cut by the server (headersTimeout)', async () => {
    // src/server.ts sets headersTimeout 30 s and startBridge has no option for it; Node checks every 30 s.
    expect(bridge.server.headersTimeout).toBe(30_000);
    const bound = bridge.server.headersTimeout + 30_000 + 10_000;
    const { hostname, port } = new URL(bridge.url);
    const socket = net.connect(Number(port), hostname);
    const bytes = Buffer.from(`GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(5000)}`);
    let sent = 0;
    let answer = '';
    const feeder = setInterval(
      () => (sent < bytes.length && !socket.destroyed ? socket.write(bytes.subarray(sent, ++sent)) : undefined),
      250,
    );
    try {
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the server kept a slowloris socket open for ${bound} ms`)),
          bound,
        );
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(Date.now() - started);
        });
      });
      expect(sent).toBeLessThan(bytes.length);
      expect(closedAfter).toBeGreaterThanOrEqual(bridge.server.headersTimeout - 1_000);
      // Node answers 408 before closing (or just closes).
      if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
      await expectServing();
    } finally {
      clearInterval(feeder);
      socket.destroy();
    }
  }, 100_000);
});
