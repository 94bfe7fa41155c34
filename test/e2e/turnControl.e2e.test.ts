import request from 'supertest';
import { commandLineOf, descendantsOf } from '../../src/codex/processTree';
import { jsonEvents, parseSse, startTestBridge, type TestBridge } from '../support/bridge';
import { openSse } from '../support/sseClient';
import { processAlive, waitUntil } from '../support/wait';

/* Issue 5: resumable streams, background turns, interrupt, approvals, usage, with the real codex. */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({
    ALLOW_USER_ID_OVERRIDE: 'true',
    APPROVAL_TIMEOUT_SECONDS: '2',
    CODEX_ALLOWED_APPROVAL_POLICIES: 'never,untrusted,on-request',
  });
});
afterAll(async () => {
  await bridge?.stop();
});

const api = () => request(bridge.url);

async function backgroundTurn(body: Record<string, unknown>, user = 'default') {
  const res = await api().post('/chat').set('X-User-Id', user).send({ ...body, background: true }).expect(202);
  expect(res.body).toMatchObject({ status: 'running', links: { events: expect.stringContaining('/events') } });
  return res.body as { thread_id: string; turn_id: string; links: { turn: string; events: string; interrupt: string } };
}

async function turnWhenDone(links: { turn: string }, user = 'default') {
  let state: Record<string, unknown> = {};
  await waitUntil(async () => {
    state = (await api().get(links.turn).set('X-User-Id', user).expect(200)).body;
    return state.status !== 'running';
  }, 'the turn to end', 20_000);
  return state;
}

describe('resumable streams', () => {
  it('a client that disconnects mid-stream resumes with Last-Event-ID: every event once, in order', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'one two three four five six seven eight', chunks: 8, delayMs: 120 });
    const first = openSse(`${bridge.url}/chat`, { method: 'POST', body: { messages: [{ content: 'count' }] } });
    await first.waitFor((events) => events.filter((event) => event.event === 'message.delta').length >= 2);
    first.hangUp();
    const seen = [...first.events];
    const lastId = seen.at(-1)?.id ?? '0';
    const started = JSON.parse(seen[0]!.data) as { thread_id: string; turn_id: string };

    const resumed = await api()
      .get(`/threads/${started.thread_id}/turns/${started.turn_id}/events`)
      .set('Last-Event-ID', lastId)
      .expect(200);
    const rest = parseSse(resumed.text);
    expect(rest.at(-1)?.data).toBe('[DONE]');
    const all = [...seen, ...rest.slice(0, -1)];
    expect(all.map((event) => Number(event.id))).toEqual(all.map((_, index) => index + 1));
    const events = all.map((event) => JSON.parse(event.data) as Record<string, unknown>);
    expect(events.filter((event) => event.type === 'message.delta').map((event) => event.delta).join('')).toBe(
      'one two three four five six seven eight',
    );
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });

  it('?after= replays from a sequence number, and a finished turn replays whole', async () => {
    const turn = await backgroundTurn({ messages: [{ content: 'hello' }] });
    await turnWhenDone(turn.links);
    const whole = jsonEvents((await api().get(turn.links.events).expect(200)).text);
    expect(whole[0]?.type).toBe('turn.started');
    const tail = parseSse((await api().get(turn.links.events).query({ after: 2 }).expect(200)).text);
    expect(tail[0]?.id).toBe('3');
    expect(tail.length - 1).toBe(whole.length - 2);
  });

  it('404 for unknown turns and for other users’ turns', async () => {
    const turn = await backgroundTurn({ messages: [{ content: 'private' }] }, 'owner');
    await turnWhenDone(turn.links, 'owner');
    expect((await api().get(turn.links.turn).set('X-User-Id', 'intruder')).status).toBe(404);
    expect((await api().get(turn.links.events).set('X-User-Id', 'intruder')).status).toBe(404);
    expect((await api().get(`/threads/${turn.thread_id}/turns/019a0000-0000-7000-8000-000000000000`).set('X-User-Id', 'owner')).status).toBe(404);
  });
});

describe('background turns', () => {
  it('answers 202 at once; the result is fetched later', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'done in the background', chunks: 4, delayMs: 100 });
    const turn = await backgroundTurn({ messages: [{ content: 'work alone' }] });
    const state = await turnWhenDone(turn.links);
    expect(state).toMatchObject({
      thread_id: turn.thread_id,
      turn_id: turn.turn_id,
      status: 'completed',
      message: 'done in the background',
      usage: { output_tokens: 4 },
      pending_approvals: [],
    });
    expect(state.last_event_id).toBeGreaterThan(4);
  });

  it('keeps a turn running when a streaming client disconnects, unless on_disconnect is interrupt', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'a b c d e f', chunks: 6, delayMs: 150 });
    const kept = openSse(`${bridge.url}/chat`, { method: 'POST', body: { messages: [{ content: 'keep' }] } });
    await kept.waitFor((events) => events.length >= 2);
    kept.hangUp();
    const keptTurn = JSON.parse(kept.events[0]!.data) as { thread_id: string; turn_id: string };
    expect(await turnWhenDone({ turn: `/threads/${keptTurn.thread_id}/turns/${keptTurn.turn_id}` })).toMatchObject({ status: 'completed' });

    bridge.fake.enqueue({ kind: 'text', text: 'a b c d e f', chunks: 6, delayMs: 150 });
    const dropped = openSse(`${bridge.url}/chat`, { method: 'POST', body: { messages: [{ content: 'drop' }], on_disconnect: 'interrupt' } });
    await dropped.waitFor((events) => events.length >= 2);
    dropped.hangUp();
    const droppedTurn = JSON.parse(dropped.events[0]!.data) as { thread_id: string; turn_id: string };
    expect(await turnWhenDone({ turn: `/threads/${droppedTurn.thread_id}/turns/${droppedTurn.turn_id}` })).toMatchObject({ status: 'interrupted' });
  });
});

describe('interrupt', () => {
  it('stops a slow stream; open streams get their final event', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'x '.repeat(40), chunks: 40, delayMs: 200 });
    const stream = openSse(`${bridge.url}/chat`, { method: 'POST', body: { messages: [{ content: 'talk a lot' }] } });
    await stream.waitFor((events) => events.some((event) => event.event === 'message.delta'));
    const { thread_id: threadId } = JSON.parse(stream.events[0]!.data) as { thread_id: string };
    const res = await api().post(`/threads/${threadId}/interrupt`).expect(200);
    expect(res.body).toMatchObject({ thread_id: threadId, status: 'interrupted' });
    await stream.waitFor((events) => events.at(-1)?.data === '[DONE]');
    expect(JSON.parse(stream.events.at(-2)!.data)).toMatchObject({ type: 'turn.completed', status: 'interrupted' });
    expect((await api().post(`/threads/${threadId}/interrupt`)).status).toBe(409);
  });

  it('ends the command the agent was running (codex would leave it)', async () => {
    bridge.fake.enqueue({ kind: 'command', command: 'sleep 30' });
    const turn = await backgroundTurn({ messages: [{ content: 'sleep' }] });
    const codexPid = bridge.sessions.peek('default')?.pid ?? 0;
    let sleepPid = 0;
    await waitUntil(() => {
      sleepPid = descendantsOf(codexPid).find((pid) => commandLineOf(pid) === 'sleep 30') ?? 0;
      return sleepPid !== 0;
    }, 'sleep 30 to start');
    const res = await api().post(turn.links.interrupt).expect(200);
    expect(res.body.status).toBe('interrupted');
    await waitUntil(() => !processAlive(sleepPid), 'sleep 30 to be gone', 5000);
  });

  it('404 for an unknown thread, 409 for an idle one', async () => {
    expect((await api().post('/threads/019a0000-0000-7000-8000-000000000000/interrupt')).status).toBe(404);
    const idle = await api().post('/chat').send({ messages: [{ content: 'quick' }], stream: false }).expect(200);
    const conflict = await api().post(`/threads/${idle.body.thread_id}/interrupt`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe('urn:codex-api-bridge:problem:no-turn-running');
  });
});

describe('approvals', () => {
  async function approvalFor(command: string, then = 'finished') {
    bridge.fake.enqueue({ kind: 'command', command, then: { kind: 'text', text: then } });
    const turn = await backgroundTurn({ messages: [{ content: 'please run it' }], approval_policy: 'untrusted' });
    let approvals: Array<Record<string, unknown>> = [];
    await waitUntil(async () => {
      approvals = (await api().get(`/threads/${turn.thread_id}/approvals`).expect(200)).body.approvals;
      return approvals.length > 0;
    }, 'an approval request');
    return { turn, approval: approvals[0] as { request_id: string; command: string; available_decisions: string[]; kind: string } };
  }

  it('accepted: the command runs, the events tell the story', async () => {
    const { turn, approval } = await approvalFor('mkdir approved-dir && echo made-it');
    expect(approval).toMatchObject({ kind: 'command', command: expect.stringContaining('mkdir approved-dir') });
    expect(approval.available_decisions).toContain('accept');
    expect((await api().get(turn.links.turn).expect(200)).body.pending_approvals).toHaveLength(1);
    await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send({ decision: 'accept' }).expect(200);
    await turnWhenDone(turn.links);
    const events = jsonEvents((await api().get(turn.links.events).expect(200)).text);
    const types = events.map((event) => event.type);
    expect(types.indexOf('approval.requested')).toBeLessThan(types.indexOf('approval.resolved'));
    expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({ decision: 'accept', resolved_by: 'client' });
    const completed = events.find((event) => event.type === 'tool.completed')?.item as { status: string; output: string };
    expect(completed.status).toBe('completed');
    expect(completed.output).toContain('made-it');
    // The same id cannot be answered twice.
    expect((await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send({ decision: 'accept' })).status).toBe(404);
  });

  it('declined: the command does not run and the turn goes on', async () => {
    const { turn, approval } = await approvalFor('mkdir declined-dir', 'ok, I will not');
    await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send({ decision: 'decline' }).expect(200);
    const state = await turnWhenDone(turn.links);
    expect(state).toMatchObject({ status: 'completed', message: 'ok, I will not' });
    const command = (state.items as Array<{ type: string; status?: string }>).find((item) => item.type === 'command_execution');
    expect(command?.status).toBe('declined');
  });

  it('unanswered: declined after APPROVAL_TIMEOUT_SECONDS, so the turn does not hang', async () => {
    const { turn } = await approvalFor('mkdir ignored-dir', 'moving on');
    const state = await turnWhenDone(turn.links);
    expect(state.status).toBe('completed');
    const events = jsonEvents((await api().get(turn.links.events).expect(200)).text);
    expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({ decision: 'decline', resolved_by: 'timeout' });
  });

  it('404 for stale or foreign request ids, 400 for a decision not offered', async () => {
    const { turn, approval } = await approvalFor('mkdir contested-dir');
    expect((await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).set('X-User-Id', 'mallory').send({ decision: 'accept' })).status).toBe(404);
    expect((await api().post(`/threads/${turn.thread_id}/approvals/not-a-request`).send({ decision: 'accept' })).status).toBe(404);
    expect((await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send({ decision: 'maybe' })).status).toBe(400);
    if (!approval.available_decisions.includes('accept_for_session')) {
      const notOffered = await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send({ decision: 'accept_for_session' });
      expect(notOffered.status).toBe(400);
      expect(notOffered.body.errors[0].field).toBe('/body/decision');
    }
    await api().post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send({ decision: 'cancel' }).expect(200);
    expect((await turnWhenDone(turn.links)).status).toBe('interrupted');
  });
});

describe('usage', () => {
  it('totals a user’s threads, and the model relay metered the same tokens', async () => {
    await api().post('/chat').set('X-User-Id', 'counter').send({ messages: [{ content: 'a' }], stream: false }).expect(200);
    await api().post('/chat').set('X-User-Id', 'counter').send({ messages: [{ content: 'b' }], stream: false }).expect(200);
    const res = await api().get('/usage').set('X-User-Id', 'counter').expect(200);
    expect(res.body).toEqual({
      threads: 2,
      usage: { input_tokens: 20, cached_input_tokens: 0, output_tokens: 6, reasoning_output_tokens: 0, total_tokens: 26 },
      metered: {
        input_tokens: 20,
        cached_input_tokens: 0,
        output_tokens: 6,
        reasoning_output_tokens: 0,
        total_tokens: 26,
        responses: 2,
      },
    });
  });
});
