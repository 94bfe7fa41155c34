import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';

/*
 * Storage that fails under codex (real app-server, real filesystems): an immutable sessions directory, a
 * full tmpfs, a data directory where mkdir never settles. The client must be told, never `completed`
 * for a thread that was not saved. Faults that need root (chattr, mount) are skipped without it.
 */

const PROBLEM = /^application\/problem\+json/;

/** Whether this process can run `command` (root with the capability, and the tool installed). */
function can(command: string, args: string[], cleanup: () => void = () => undefined): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    cleanup();
  }
}

const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-probe-'));
const canChattr = can('chattr', ['+i', probeDir], () => {
  can('chattr', ['-i', probeDir]);
});
const canMount = can('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probeDir], () => {
  can('umount', [probeDir]);
});
fs.rmSync(probeDir, { recursive: true, force: true });

async function streamChat(bridge: TestBridge, body: Record<string, unknown>, user = 'default') {
  const res = await fetch(`${bridge.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': user },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const events = res.status === 200 ? jsonEvents(text) : [];
  const started = events.find((event) => event.type === 'turn.started');
  return { status: res.status, events, thread: String(started?.thread_id), turn: String(started?.turn_id), text };
}

(canChattr ? describe : describe.skip)('an immutable sessions directory', () => {
  let bridge: TestBridge;
  let sessionsDir: string;
  beforeAll(async () => {
    bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' });
  });
  afterAll(async () => {
    if (sessionsDir) can('chattr', ['-R', '-i', sessionsDir]);
    await bridge?.stop();
  });

  it('fails the turn of a thread codex cannot save, says so in the stream, the fetched turn and /status', async () => {
    const saved = await streamChat(bridge, { messages: [{ content: 'saved' }] });
    expect(saved.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    sessionsDir = path.join(bridge.sessions.pathsOf('default').codexHome, 'sessions');
    execFileSync('chattr', ['-R', '+i', sessionsDir]);

    const unsaved = await streamChat(bridge, { messages: [{ content: 'not saved' }] });
    expect(unsaved.events.some((event) => event.type === 'turn.error' && event.code === 'storage_error')).toBe(true);
    expect(unsaved.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'failed', error: { code: 'storage_error' } });
    const fetched = await request(bridge.url).get(`/threads/${unsaved.thread}/turns/${unsaved.turn}`).expect(200);
    expect(fetched.body).toMatchObject({ status: 'failed', error: { code: 'storage_error' } });

    // The JSON answer agrees.
    const json = await request(bridge.url).post('/chat').send({ messages: [{ content: 'json, not saved' }], stream: false }).expect(200);
    expect(json.body).toMatchObject({ status: 'failed', error: { code: 'storage_error' } });

    // What the client was told matches what is stored: the thread is not listed.
    const threads = await request(bridge.url).get('/threads').expect(200);
    const listed = (threads.body.threads as Array<{ thread_id: string }>).map((thread) => thread.thread_id);
    expect(listed).toContain(saved.thread);
    expect(listed).not.toContain(unsaved.thread);
    await request(bridge.url).get('/history').query({ thread_id: unsaved.thread }).expect(404);

    const status = await request(bridge.url).get('/status').expect(200);
    expect(status.body.status).toBe('degraded');
    expect(status.body.storage.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ source: 'threads', message: expect.stringMatching(/could not save/) })]),
    );

    execFileSync('chattr', ['-R', '-i', sessionsDir]);
    const again = await streamChat(bridge, { thread_id: saved.thread, messages: [{ content: 'saved again' }] });
    expect(again.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    const cleared = await request(bridge.url).get('/status').expect(200);
    expect(cleared.body.storage.problems.filter((problem: { source: string }) => problem.source === 'threads')).toEqual([]);
  });
});

(canMount ? describe : describe.skip)('a full disk', () => {
  let bridge: TestBridge | undefined;
  let mountPoint: string;
  beforeAll(async () => {
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
    bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' }, { dataDir: mountPoint });
  });
  afterAll(async () => {
    await bridge?.stop();
    can('umount', ['-l', mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  it('fails turns, refuses new users with 503 storage-full, and reports it in /status', async () => {
    const live = bridge as TestBridge;
    const before = await streamChat(live, { messages: [{ content: 'while there is room' }] }, 'early');
    expect(before.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    // Fill what is left.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(mountPoint, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd ends with ENOSPC: that is the point
    }

    const full = await streamChat(live, { thread_id: before.thread, messages: [{ content: 'disk is full' }] }, 'early');
    expect(full.events.some((event) => event.type === 'turn.error' && event.code === 'storage_error')).toBe(true);
    expect(full.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'failed' });
    const fetched = await request(live.url).get(`/threads/${full.thread}/turns/${full.turn}`).set('x-user-id', 'early').expect(200);
    expect(fetched.body).toMatchObject({ status: 'failed', error: { code: 'storage_error' } });

    const newcomer = await request(live.url)
      .post('/chat')
      .set('x-user-id', 'newcomer')
      .send({ messages: [{ content: 'hello' }], stream: false });
    expect(newcomer.status).toBe(503);
    expect(newcomer.headers['content-type']).toMatch(PROBLEM);
    expect(newcomer.body.type).toBe('urn:codex-api-bridge:problem:storage-full');
    expect(newcomer.body.detail).toMatch(/out of space/);
    expect(Number(newcomer.headers['retry-after'])).toBeGreaterThan(0);

    const status = await request(live.url).get('/status').expect(200);
    expect(status.body.status).toBe('degraded');
    expect(status.body.storage.low_space).toBe(true);
    expect(status.body.storage.free_bytes).toBeLessThan(1024 * 1024);
    const sources = (status.body.storage.problems as Array<{ source: string }>).map((problem) => problem.source);
    expect(sources).toEqual(expect.arrayContaining(['threads', 'usage', 'data_dir']));
  });
});

describe('a data directory where mkdir never settles', () => {
  it('answers 503 quickly and still shuts down', async () => {
    const bridge = await startTestBridge({ DATA_DIR_TIMEOUT_SECONDS: '2' }, { dataDir: '/proc/codex-bridge-test-data' });
    try {
      const res = await request(bridge.url).post('/chat').send({ messages: [{ content: 'hi' }], stream: false });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.type).toMatch(/data-dir-(unwritable|timeout)$/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await bridge.stop();
    }
  });
});
