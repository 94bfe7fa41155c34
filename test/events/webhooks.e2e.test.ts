import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { recordsDir } from '../../src/isolation';
import { userDirectoryName } from '../../src/codex/userDirectory';
import { verifyWebhook } from '../../src/sdk';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { assertMatchesSpec } from '../support/specSchemas';
import { makeTempDir } from '../support/tempDir';
import { waitUntil } from '../support/wait';

/* Issue 17: signed webhooks with the real codex, verified by a receiver written with the `standardwebhooks` package. */

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A webhook receiver on loopback: records every request and answers with the next status of `answers` (then 204). */
async function startReceiver(answers: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const answered = answers.shift() ?? 204;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/codex`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const headersOf = (delivery: Received): Record<string, string> => ({
  'webhook-id': String(delivery.headers['webhook-id']),
  'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
  'webhook-signature': String(delivery.headers['webhook-signature']),
});

const WEBHOOK_ENV = {
  ALLOW_USER_ID_OVERRIDE: 'true',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
  WEBHOOK_RETRY_BASE_SECONDS: '0.2',
  WEBHOOK_MAX_ATTEMPTS: '3',
};

describe('webhooks', () => {
  let bridge: TestBridge;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const dataDir = makeTempDir('webhooks-data-');

  beforeAll(async () => {
    receiver = await startReceiver([500]);
    bridge = await startTestBridge(WEBHOOK_ENV, { dataDir });
  });
  afterAll(async () => {
    await bridge?.stop();
    await receiver?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const api = () => request(bridge.url);

  it('signs every delivery, retries after a 500 with the same webhook-id, and logs each attempt', async () => {
    const created = await api()
      .post('/webhooks')
      .set('X-User-Id', 'alice')
      .send({ url: receiver.url, events: ['turn.completed', 'turn.failed'], description: 'ci' })
      .expect(201);
    expect(created.body).toMatchObject({ url: receiver.url, events: ['turn.completed', 'turn.failed'], secret: expect.stringMatching(/^whsec_/) });
    const { id, secret } = created.body as { id: string; secret: string };

    const turn = (await api().post('/chat').set('X-User-Id', 'alice').send({ messages: [{ content: 'hi' }], stream: false }).expect(200))
      .body as { thread_id: string; turn_id: string };
    await waitUntil(() => receiver.received.length >= 2, 'the delivery and its retry', 20_000);

    const [first, retry] = receiver.received as [Received, Received];
    expect(first.answered).toBe(500);
    expect(retry.answered).toBe(204);
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(retry.body).toBe(first.body);
    const receiving = new Webhook(secret);
    for (const delivery of [first, retry]) {
      const payload = receiving.verify(delivery.body, headersOf(delivery)) as Record<string, unknown>;
      assertMatchesSpec('WebhookPayload', payload);
      expect(payload).toMatchObject({ type: 'turn.completed', data: { type: 'turn.completed', thread_id: turn.thread_id, turn_id: turn.turn_id, status: 'completed' } });
      expect(payload).not.toHaveProperty('user_id');
      expect(delivery.headers['content-type']).toBe('application/json');
      // The SDK's helper agrees.
      expect(verifyWebhook(secret, delivery.body, delivery.headers as Record<string, string>)).toEqual(payload);
    }

    const log = await api().get(`/webhooks/${id}/deliveries`).set('X-User-Id', 'alice').expect(200);
    expect(log.body.deliveries).toHaveLength(1);
    expect(log.body.deliveries[0]).toMatchObject({
      id: first.headers['webhook-id'],
      event_type: 'turn.completed',
      state: 'delivered',
      next_attempt_at: null,
      attempts: [
        { status_code: 500, error: expect.stringContaining('500') },
        { status_code: 204, error: null },
      ],
    });
  });

  it('a tampered signature, body or stale timestamp is rejected by the receiver', async () => {
    const { secret } = (await api().post('/webhooks').set('X-User-Id', 'bob').send({ url: receiver.url }).expect(201)).body as { secret: string };
    const before = receiver.received.length;
    await api().post('/chat').set('X-User-Id', 'bob').send({ messages: [{ content: 'hi' }], stream: false }).expect(200);
    await waitUntil(() => receiver.received.length > before, "bob's delivery", 20_000);
    const delivery = receiver.received.at(-1) as Received;
    const receiving = new Webhook(secret);
    expect(() => receiving.verify(delivery.body, headersOf(delivery))).not.toThrow();

    const signature = headersOf(delivery)['webhook-signature'] ?? '';
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(() => receiving.verify(delivery.body, { ...headersOf(delivery), 'webhook-signature': flipped })).toThrow(WebhookVerificationError);
    expect(() => receiving.verify(delivery.body.replace('completed', 'failed'), headersOf(delivery))).toThrow(WebhookVerificationError);
    const stale = String(Number(headersOf(delivery)['webhook-timestamp']) - 3600);
    expect(() => receiving.verify(delivery.body, { ...headersOf(delivery), 'webhook-timestamp': stale })).toThrow(WebhookVerificationError);
    // Another subscription's secret does not verify it: each has its own.
    const other = (await api().get('/webhooks').set('X-User-Id', 'alice').expect(200)).body.webhooks as unknown[];
    expect(other).toHaveLength(1);
    expect(other[0]).not.toHaveProperty('secret');
    expect(() => new Webhook('whsec_' + Buffer.alloc(24, 7).toString('base64')).verify(delivery.body, headersOf(delivery))).toThrow(
      WebhookVerificationError,
    );
  });

  it('subscriptions are per user, deletable, and survive a restart; the records file is checked when read', async () => {
    expect((await api().get('/webhooks').set('X-User-Id', 'carol').expect(200)).body).toEqual({ webhooks: [] });
    const alice = (await api().get('/webhooks').set('X-User-Id', 'alice').expect(200)).body.webhooks as Array<{ id: string }>;
    await api().delete(`/webhooks/${alice[0]?.id}`).set('X-User-Id', 'carol').expect(404);
    await api().get(`/webhooks/${alice[0]?.id}/deliveries`).set('X-User-Id', 'carol').expect(404);

    const bobBefore = (await api().get('/webhooks').set('X-User-Id', 'bob').expect(200)).body.webhooks;
    await bridge.stop();
    bridge = await startTestBridge(WEBHOOK_ENV, { dataDir, fake: bridge.fake });
    expect((await api().get('/webhooks').set('X-User-Id', 'bob').expect(200)).body.webhooks).toEqual(bobBefore);
    const file = path.join(recordsDir(dataDir, userDirectoryName('alice')), 'webhooks.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain('whsec_');

    await api().delete(`/webhooks/${alice[0]?.id}`).set('X-User-Id', 'alice').expect(204);
    expect((await api().get('/webhooks').set('X-User-Id', 'alice').expect(200)).body).toEqual({ webhooks: [] });

    const dave = path.join(recordsDir(dataDir, userDirectoryName('dave')), 'webhooks.json');
    fs.mkdirSync(path.dirname(dave), { recursive: true });
    fs.writeFileSync(dave, JSON.stringify({ version: 1, subscriptions: [{ id: 'wh_x', url: 'not a url' }] }));
    const refused = await api().get('/webhooks').set('X-User-Id', 'dave').expect(503);
    expect(refused.body.type).toContain('webhook-records-unreadable');
    expect(JSON.stringify(refused.body)).not.toContain(dataDir);
  });
});

describe('webhook targets (SSRF)', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true', WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com,localhost' });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  const refused = async (url: string, why: RegExp) => {
    const res = await request(bridge.url).post('/webhooks').send({ url }).expect(403);
    expect(res.body).toMatchObject({ type: expect.stringContaining('webhook-target-forbidden'), errors: [{ field: '/body/url', message: expect.stringMatching(why) }] });
  };

  it('refuses plain http, hosts off the allowlist, credentials in the URL', async () => {
    await refused('http://hooks.example.com/x', /must be https/);
    await refused('https://elsewhere.example.org/x', /not in WEBHOOK_ALLOWED_HOSTS/);
    await refused('https://user:pw@hooks.example.com/x', /credentials/);
  });

  it('refuses a host that resolves to loopback, and private or metadata addresses named directly', async () => {
    await refused('https://localhost/x', /resolves to .*(127\.0\.0\.1|::1).*private, loopback or reserved/);
  });

  it('without an allowlist, private, link-local and mapped addresses are refused too', async () => {
    await bridge.stop();
    bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' }, { fake: bridge.fake });
    for (const url of ['https://10.1.2.3/', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/', 'https://[::ffff:192.168.0.1]/', 'https://[fd00::1]/'])
      await refused(url, /private, loopback or reserved/);
    await request(bridge.url).post('/webhooks').send({ url: 'ftp://hooks.example.com/' }).expect(403);
    await request(bridge.url).post('/webhooks').send({ url: 'not a url' }).expect(400);
  });
});
