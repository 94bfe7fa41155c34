import request from 'supertest';
import { startTestBridge, type TestBridge } from '../support/bridge';

/* Per-user resource ceilings: one user at theirs is refused or bounded, and the others are still served. */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true', MAX_TURNS_PER_USER: '1', TENANT_MAX_PROCESSES: '120' });
});
afterAll(async () => bridge?.stop());

const chat = (user: string, body: Record<string, unknown>) =>
  request(bridge.url).post('/chat').set('X-User-Id', user).send({ stream: false, ...body });

it('counts background and JSON turns against MAX_TURNS_PER_USER (429), per user', async () => {
  bridge.fake.enqueue({ kind: 'hang' });
  const running = await chat('hog', { messages: [{ content: 'wait' }], background: true }).expect(202);
  const refused = await chat('hog', { messages: [{ content: 'another thread' }] });
  expect(refused.status).toBe(429);
  expect(refused.body.type).toBe('urn:codex-api-bridge:problem:too-many-turns');
  expect(refused.headers['retry-after']).toBeDefined();
  await chat('other', { messages: [{ content: 'still served' }] }).expect(200);
  await request(bridge.url).post(`/threads/${running.body.thread_id}/interrupt`).set('X-User-Id', 'hog').expect(200);
  await chat('hog', { messages: [{ content: 'now it fits' }] }).expect(200);
});

const asRoot = process.getuid?.() === 0 ? it : it.skip;

asRoot('bounds the processes of one tenant (its own uid, RLIMIT_NPROC) while another is served', async () => {
  bridge.fake.enqueue({
    kind: 'command',
    command:
      "python3 -c \"import os, time\nn = 0\ntry:\n  for i in range(300):\n    if os.fork() == 0:\n      time.sleep(3); os._exit(0)\n    n += 1\nexcept OSError as e:\n  print('refused after', n, e.strerror)\nprint('forked', n)\"",
  });
  const bomb = await chat('hog', { messages: [{ content: 'fork a lot' }] }).expect(200);
  const output = (bomb.body.items as Array<{ type: string; output?: string }>).find((item) => item.type === 'command_execution')?.output;
  expect(output).toMatch(/refused after \d+ Resource temporarily unavailable/);
  expect(Number(/forked (\d+)/.exec(output ?? '')?.[1])).toBeLessThan(120);
  await chat('other', { messages: [{ content: 'still served' }] }).expect(200);
});
