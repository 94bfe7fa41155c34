import request from 'supertest';
import { appWithDoubles } from '../support/app';

/*
 * The harmless leniencies of the default profile (issue 14): `null` means "not given", every role is
 * accepted and told to codex as a transcript, blank messages among others are skipped. Response
 * validation is on, over in-memory sessions.
 */

describe('POST /chat leniencies (default profile)', () => {
  it.each([
    ['thread_id null', { thread_id: null }],
    ['thread_id empty', { thread_id: '' }],
    ['model null', { model: null }],
    [
      'every optional field null',
      {
        thread_id: null,
        model: null,
        stream: null,
        raw_events: null,
        background: null,
        on_disconnect: null,
        approval_policy: null,
        sandbox: null,
        cwd: null,
      },
    ],
  ])('%s starts a new thread with the defaults', async (_name, fields) => {
    const { app, sessions } = appWithDoubles();
    const res = await request(app)
      .post('/chat')
      .send({ messages: [{ content: 'ping' }], ...fields })
      .expect(200);
    // stream: null means the default, a stream.
    if ('stream' in fields) expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const session = sessions.sessionOf('default');
    expect(session.threads.size).toBe(1);
    expect(session.prompts).toEqual(['ping']);
  });

  it('stream: false still answers JSON next to null fields', async () => {
    const { app } = appWithDoubles();
    const res = await request(app)
      .post('/chat')
      .send({ thread_id: null, model: null, messages: [{ content: 'ping', role: null }], stream: false })
      .expect(200);
    expect(res.body).toMatchObject({ thread_id: 'thread-1', message: 'pong', status: 'completed' });
  });

  it('passes assistant and system messages as a labelled transcript', async () => {
    const { app, sessions } = appWithDoubles();
    await request(app)
      .post('/chat')
      .send({
        stream: false,
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'What is 2+2?' },
          { role: 'assistant', content: '4' },
          { content: 'And 3+3?' },
        ],
      })
      .expect(200);
    expect(sessions.sessionOf('default').prompts).toEqual([
      'System: Answer in French.\n\nUser: What is 2+2?\n\nAssistant: 4\n\nUser: And 3+3?',
    ]);
  });

  it('skips blank messages among non-blank ones', async () => {
    const { app, sessions } = appWithDoubles();
    await request(app)
      .post('/chat')
      .send({ stream: false, messages: [{ content: '' }, { content: 'Hello' }, { content: '  \n' }, { content: 'there' }] })
      .expect(200);
    expect(sessions.sessionOf('default').prompts).toEqual(['Hello\n\nthere']);
  });

  it('refuses an all-blank prompt with a 400 naming /body/messages, and starts nothing', async () => {
    const { app, sessions } = appWithDoubles();
    const res = await request(app).post('/chat').send({ messages: [{ content: '' }, { role: 'assistant', content: ' ' }] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: '/body/messages', message: 'must contain a non-blank message' }]);
    expect(sessions.sessionOf('default').prompts).toEqual([]);
  });

  it.each([
    ['an unknown field', { temperature: 0.2 }, '/body/temperature'],
    ['an unknown message field', { messages: [{ content: 'x', name: 'bob' }] }, '/body/messages/0/name'],
    ['a thread id of bad characters', { thread_id: '../x' }, '/body/thread_id'],
    ['a string stream', { stream: 'false' }, '/body/stream'],
  ])('still refuses %s with a 400 naming it', async (_name, fields, field) => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send({ messages: [{ content: 'x' }], ...fields });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});
