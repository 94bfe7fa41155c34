import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startTestBridge } from '../support/bridge';
import { startFakeModel, type FakeModel } from '../support/fakeModel';
import { makeTempDir } from '../support/tempDir';

/*
 * Where no jail can be had the bridge does not pretend. "No jail" is made real by pointing
 * BWRAP_PATH at a file that is not bubblewrap, so the start-up probe fails as on a host without it.
 */

let fake: FakeModel;
beforeAll(async () => {
  fake = await startFakeModel();
});
afterAll(async () => fake.close());

const NO_BWRAP = { BWRAP_PATH: '/bin/false' };

describe('without a jail', () => {
  it('a bridge that can serve several users refuses to start, naming the cause and the way out', async () => {
    await expect(startTestBridge({ ...NO_BWRAP, ALLOW_USER_ID_OVERRIDE: 'true' }, { fake })).rejects.toThrow(
      /ISOLATION: no jail can be had here \(bubblewrap could not start a jail.*ISOLATION=none/s,
    );
  });

  it('ISOLATION=bubblewrap refuses to start even for a single user', async () => {
    await expect(startTestBridge({ ...NO_BWRAP, ISOLATION: 'bubblewrap' }, { fake })).rejects.toThrow(/ISOLATION: no jail/);
  });

  it('a single-user bridge starts and says in /status that it is unisolated, and why', async () => {
    const bridge = await startTestBridge(NO_BWRAP, { fake });
    try {
      const status = await request(bridge.url).get('/status').expect(200);
      expect(status.body.isolation).toEqual({
        mechanism: 'none',
        tenant_uids: false,
        model_relay: true,
        reason: expect.stringContaining('bubblewrap could not start a jail'),
      });
      await request(bridge.url).post('/chat').send({ messages: [{ content: 'hi' }], stream: false }).expect(200);
    } finally {
      await bridge.stop();
    }
  });

  it('ISOLATION=none is the explicit opt-in for several users without a jail', async () => {
    const bridge = await startTestBridge({ ISOLATION: 'none', ALLOW_USER_ID_OVERRIDE: 'true' }, { fake });
    try {
      const status = await request(bridge.url).get('/status').expect(200);
      expect(status.body.isolation).toMatchObject({ mechanism: 'none', reason: 'ISOLATION=none' });
    } finally {
      await bridge.stop();
    }
  });
});

describe('with a jail', () => {
  it('/status reports it, and a thread of the earlier flat layout is still there after the move', async () => {
    const dataDir = makeTempDir('bridge-migrate-');
    try {
      const first = await startTestBridge({}, { fake, dataDir });
      const chat = await request(first.url).post('/chat').send({ messages: [{ content: 'remember me' }], stream: false }).expect(200);
      await first.stop();
      // Put the user's folder back into the layout of the first release: users/default/ as CODEX_HOME.
      const root = path.join(dataDir, 'users', 'default');
      for (const entry of fs.readdirSync(path.join(root, 'codex'))) fs.renameSync(path.join(root, 'codex', entry), path.join(root, entry));
      fs.rmdirSync(path.join(root, 'codex'));
      const second = await startTestBridge({}, { fake, dataDir });
      try {
        const status = await request(second.url).get('/status').expect(200);
        expect(status.body.isolation).toMatchObject({ mechanism: 'bubblewrap', reason: null, model_relay: true });
        const history = await request(second.url).get(`/history?thread_id=${chat.body.thread_id}`).expect(200);
        expect(JSON.stringify(history.body.messages)).toContain('remember me');
        expect(fs.existsSync(path.join(root, 'codex', 'sessions'))).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
