import request from 'supertest';
import { appWithDoubles } from '../support/app';

/* The new thread and review routes at the HTTP layer (session doubles): validation, status codes, shapes. */

async function newThread(app: Parameters<typeof request>[0]): Promise<string> {
  const res = await request(app).post('/chat').send({ messages: [{ content: 'hi' }], stream: false }).expect(200);
  return res.body.thread_id as string;
}

describe('thread routes', () => {
  it('validate their bodies and name the field', async () => {
    const { app } = appWithDoubles();
    const id = await newThread(app);
    for (const [path, body, field] of [
      [`/threads/${id}/revert`, { turns: 0 }, '/body/turns'],
      [`/threads/${id}/revert`, {}, '/body/turns'],
      [`/threads/${id}/fork`, { through_turn_id: 'bad id!' }, '/body/through_turn_id'],
      [`/threads/${id}/fork`, { extra: 1 }, '/body/extra'],
      [`/threads/${id}/review`, { target: { type: 'base_branch', branch: '--output=/etc/x' } }, '/body/target'],
      [`/threads/${id}/review`, { target: { type: 'nothing' } }, '/body/target'],
      ['/review', { target: { type: 'custom', instructions: '' } }, '/body/target'],
    ] as const) {
      const res = await request(app).post(path).send(body).expect(400);
      expect(JSON.stringify(res.body.errors)).toContain(field);
    }
    const search = await request(app).get('/threads').query({ search: '' }).expect(400);
    expect(JSON.stringify(search.body.errors)).toContain('search');
  });

  it('answer with the documented statuses', async () => {
    const { app } = appWithDoubles();
    const id = await newThread(app);
    expect((await request(app).get(`/threads/${id}`).expect(200)).body).toMatchObject({ thread_id: id });
    const fork = await request(app).post(`/threads/${id}/fork`).expect(201);
    expect(fork.body.forked_from_thread_id).toBe(id);
    await request(app).post(`/threads/${id}/unarchive`).expect(409);
    await request(app).delete(`/threads/${id}`).expect(204);
    await request(app).post(`/threads/${id}/unarchive`).expect(200);
    await request(app).post(`/threads/${id}/delete`).expect(204);
    await request(app).get(`/threads/${id}`).expect(404);
    await request(app).post(`/threads/${id}/delete`).expect(404);
  });

  it('a review answers like a chat turn: JSON, 202 in the background, SSE by default', async () => {
    const { app } = appWithDoubles();
    const id = await newThread(app);
    const target = { type: 'uncommitted_changes' };
    const json = await request(app).post(`/threads/${id}/review`).send({ target, stream: false }).expect(200);
    expect(json.body).toMatchObject({ thread_id: id, status: 'completed', plan: null, diff: null });
    const background = await request(app).post(`/threads/${id}/review`).send({ target, background: true }).expect(202);
    expect(background.body.links.turn).toContain(`/threads/${id}/turns/`);
    const streamed = await request(app).post('/review').send({ target }).expect(200);
    expect(streamed.headers['content-type']).toContain('text/event-stream');
    expect(streamed.text).toContain('event: turn.started');
  });
});
