import request from 'supertest';
import { appWithDoubles } from '../support/app';

/* The answer body of POST /threads/{thread_id}/approvals/{request_id}: bad shapes are 400 naming the member. */

const { app } = appWithDoubles();
const answerPath = '/threads/019a0000-0000-7000-8000-000000000000/approvals/req-1';

it.each([
  [{}, '/body'],
  [{ decision: 'maybe' }, '/body/decision'],
  [{ answers: {} }, '/body/answers'],
  [{ answers: { color: 5 } }, '/body/answers/color'],
  [{ decision: 'accept', permissions: { network: 'yes' } }, '/body/permissions/network'],
  [{ decision: 'accept', permissions: { file_system: [{ path: '/x', access: 'execute' }] } }, '/body/permissions/file_system/0/access'],
  [{ decision: 'accept', grant: 'everything' }, '/body/grant'],
])('%j is 400 naming %s', async (body, field) => {
  const res = await request(app).post(answerPath).send(body).expect(400);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
});

it('a well-formed answer of any kind reaches the handler: 404 for a request that is not pending', async () => {
  for (const body of [{ decision: 'accept' }, { answers: { color: ['Blue'] } }, { decision: 'accept', content: { name: 'Ada' } }])
    expect((await request(app).post(answerPath).send(body)).status).toBe(404);
});
