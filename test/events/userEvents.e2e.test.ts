import request from 'supertest';
import { assertMatchesSpec } from '../support/specSchemas';
import { parseSse, startTestBridge, type TestBridge } from '../support/bridge';
import { openSse } from '../support/sseClient';

/* Issue 17: GET /events, one stream per user across threads, with the real codex; and turn streams an EventSource can stop on. */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true', CODEX_ALLOWED_APPROVAL_POLICIES: 'never,untrusted' });
});
afterAll(async () => {
  await bridge?.stop();
});

const api = () => request(bridge.url);
type Json = Record<string, unknown> & { type: string };

async function finishedTurn(user: string, body: Record<string, unknown>): Promise<{ thread_id: string; turn_id: string }> {
  const res = await api().post('/chat').set('X-User-Id', user).send({ ...body, stream: false }).expect(200);
  return res.body as { thread_id: string; turn_id: string };
}

/** The JSON of each event, checked against openapi.yaml's UserEvent, with its SSE id and name. */
function userEvents(events: Array<{ id: string | undefined; event: string | undefined; data: string }>) {
  return events.map((event) => {
    const data = JSON.parse(event.data) as Json;
    assertMatchesSpec('UserEvent', data);
    expect(event.event).toBe(data.type);
    return { id: Number(event.id), data };
  });
}

describe('GET /events', () => {
  it('shows the turns of two threads in order, and resumes after a hang-up with every missed event once', async () => {
    const stream = openSse(`${bridge.url}/events`, { headers: { 'X-User-Id': 'alice' } });
    const response = await stream.ready;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);

    bridge.fake.enqueue({ kind: 'text', text: 'first thread' }, { kind: 'text', text: 'second thread' });
    const first = await finishedTurn('alice', { messages: [{ content: 'one' }] });
    const second = await finishedTurn('alice', { messages: [{ content: 'two' }] });
    expect(second.thread_id).not.toBe(first.thread_id);
    await stream.waitFor((events) => events.filter((event) => event.event === 'turn.completed').length >= 2);

    const seen = userEvents(stream.events);
    expect(seen.map(({ data }) => [data.type, data.thread_id])).toEqual([
      ['turn.started', first.thread_id],
      ['turn.completed', first.thread_id],
      ['turn.started', second.thread_id],
      ['turn.completed', second.thread_id],
    ]);
    expect(seen[1]?.data).toMatchObject({ turn_id: first.turn_id, status: 'completed', message: 'first thread', error: null });
    expect(seen[3]?.data).toMatchObject({ turn_id: second.turn_id, status: 'completed', message: 'second thread' });
    const ids = seen.map(({ id }) => id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);

    // Hung up: what happens meanwhile (a rename, a failed turn on the other thread) waits for the resume.
    stream.hangUp();
    await api().patch(`/threads/${first.thread_id}`).set('X-User-Id', 'alice').send({ name: 'Renamed' }).expect(200);
    bridge.fake.enqueue({ kind: 'http_error', status: 401 });
    await api()
      .post('/chat')
      .set('X-User-Id', 'alice')
      .send({ thread_id: second.thread_id, messages: [{ content: 'fail' }], stream: false });

    const resumed = openSse(`${bridge.url}/events`, {
      headers: { 'X-User-Id': 'alice', 'Last-Event-ID': String(ids.at(-1)) },
    });
    await resumed.waitFor((events) => events.some((event) => event.event === 'turn.failed'));
    resumed.hangUp();
    const missed = userEvents(resumed.events);
    expect(missed.map(({ data }) => data.type)).toEqual(['thread.renamed', 'turn.started', 'turn.failed']);
    expect(missed[0]?.data).toMatchObject({ thread_id: first.thread_id, name: 'Renamed' });
    expect(missed[2]?.data).toMatchObject({ thread_id: second.thread_id, status: 'failed' });
    expect(missed.map(({ id }) => id)).toEqual(missed.map((_, index) => (ids.at(-1) ?? 0) + index + 1));
  });

  it("never shows another user's events", async () => {
    const bob = openSse(`${bridge.url}/events?after=0`, { headers: { 'X-User-Id': 'bob' } });
    await bob.ready;
    await finishedTurn('carol', { messages: [{ content: 'carol only' }] });
    await finishedTurn('bob', { messages: [{ content: 'bob too' }] });
    await bob.waitFor((events) => events.some((event) => event.event === 'turn.completed'));
    bob.hangUp();
    const carolThreads = (await api().get('/threads').set('X-User-Id', 'carol').expect(200)).body.threads as Array<{ thread_id: string }>;
    const seenThreads = userEvents(bob.events).map(({ data }) => data.thread_id);
    expect(seenThreads.length).toBeGreaterThan(0);
    for (const thread of carolThreads) expect(seenThreads).not.toContain(thread.thread_id);
  });

  it('tells an approval waiting and how it was answered', async () => {
    bridge.fake.enqueue({ kind: 'command', command: 'echo approved > approved.txt' });
    const stream = openSse(`${bridge.url}/events`, { headers: { 'X-User-Id': 'dave' } });
    await stream.ready;
    const started = await api()
      .post('/chat')
      .set('X-User-Id', 'dave')
      .send({ messages: [{ content: 'write it' }], background: true, approval_policy: 'untrusted' });
    expect(started.status).toBe(202);
    await stream.waitFor((events) => events.some((event) => event.event === 'approval.requested'), 30_000);
    const requested = userEvents(stream.events).find(({ data }) => data.type === 'approval.requested')?.data as unknown as {
      thread_id: string;
      approval: { request_id: string; kind: string };
    };
    expect(requested.approval.kind).toBe('command');
    await api()
      .post(`/threads/${requested.thread_id}/approvals/${requested.approval.request_id}`)
      .set('X-User-Id', 'dave')
      .send({ decision: 'decline' })
      .expect(200);
    await stream.waitFor((events) => events.some((event) => event.event === 'turn.completed'), 30_000);
    stream.hangUp();
    expect(userEvents(stream.events).find(({ data }) => data.type === 'approval.resolved')?.data).toMatchObject({
      request_id: requested.approval.request_id,
      decision: 'decline',
      resolved_by: 'client',
    });
  });
});

describe('turn streams after the end', () => {
  it('a reconnect with the last id of a finished turn gets 204; without it the whole replay', async () => {
    const turn = await finishedTurn('erin', { messages: [{ content: 'hi' }] });
    const url = `/threads/${turn.thread_id}/turns/${turn.turn_id}/events`;
    const replay = await api().get(url).set('X-User-Id', 'erin').expect(200);
    const events = parseSse(replay.text);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const lastId = events.at(-2)?.id;
    await api().get(url).set('X-User-Id', 'erin').set('Last-Event-ID', String(lastId)).expect(204);
    // An earlier id still gets the rest.
    const rest = await api().get(url).set('X-User-Id', 'erin').set('Last-Event-ID', String(Number(lastId) - 1)).expect(200);
    expect(parseSse(rest.text).map((event) => event.event ?? event.data)).toEqual(['turn.completed', '[DONE]']);
  });

  it('a failed turn ends with turn.error, not an event named error', async () => {
    bridge.fake.enqueue({ kind: 'http_error', status: 401 });
    const res = await api().post('/chat').set('X-User-Id', 'frank').send({ messages: [{ content: 'fail' }] }).expect(200);
    const events = parseSse(res.text);
    expect(events.map((event) => event.event)).not.toContain('error');
    const failure = events.find((event) => event.event === 'turn.error');
    expect(JSON.parse(failure?.data ?? '{}')).toMatchObject({ type: 'turn.error', code: 'model_error' });
  });
});
