import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';
import { lastInputItem } from '../support/fakeModel';

/*
 * Issue 16 (threads, review, plan and diff) with the real codex 0.171 and the scripted model: one thread's
 * summary, fork, revert, archive/unarchive, archived listing and search, deletion for good, code review,
 * and the plan.updated / diff.updated events.
 */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' });
});
afterAll(async () => {
  await bridge?.stop();
});

const api = () => request(bridge.url);
type Result = { thread_id: string; turn_id: string; message: string | null; items: Array<Record<string, unknown>> };

async function chat(content: string, threadId?: string, user = 'default'): Promise<Result> {
  const res = await api()
    .post('/chat')
    .set('X-User-Id', user)
    .send({ messages: [{ content }], stream: false, ...(threadId ? { thread_id: threadId } : {}) })
    .expect(200);
  return res.body as Result;
}

async function userMessages(threadId: string, user = 'default'): Promise<string[]> {
  const res = await api().get('/history').set('X-User-Id', user).query({ thread_id: threadId }).expect(200);
  return (res.body.messages as Array<{ role: string; content: string }>)
    .filter((message) => message.role === 'user')
    .map((message) => message.content);
}

/** Every user text codex sent the model in its latest request. */
function lastRequestText(): string {
  return JSON.stringify(bridge.fake.requests.at(-1));
}

/** Files under `dir` whose name or content mentions `needle`. */
function filesMentioning(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && !/\.sqlite(-wal|-shm)?$/.test(entry.name)) {
        if (entry.name.includes(needle) || fs.readFileSync(file, 'utf8').includes(needle)) found.push(file);
      }
    }
  };
  walk(dir);
  return found;
}

describe('one thread', () => {
  it('GET /threads/{thread_id} is its summary; unknown and other users’ threads are 404', async () => {
    const first = await chat('summary please');
    const res = await api().get(`/threads/${first.thread_id}`).expect(200);
    expect(res.body).toMatchObject({ thread_id: first.thread_id, preview: 'summary please', forked_from_thread_id: null });
    await api().get(`/threads/${first.thread_id}`).set('X-User-Id', 'intruder').expect(404);
    await api().get('/threads/019a0000-0000-7000-8000-000000000000').expect(404);
  });
});

describe('fork', () => {
  it('forks up to a turn: the fork has that history only and goes on on its own, the source is unchanged', async () => {
    const one = await chat('fork one');
    const two = await chat('fork two', one.thread_id);
    await chat('fork three', one.thread_id);

    const fork = await api()
      .post(`/threads/${one.thread_id}/fork`)
      .send({ through_turn_id: two.turn_id })
      .expect(201);
    expect(fork.body).toMatchObject({ forked_from_thread_id: one.thread_id });
    const forkId = fork.body.thread_id as string;
    expect(forkId).not.toBe(one.thread_id);
    expect(await userMessages(forkId)).toEqual(['fork one', 'fork two']);

    await chat('fork branch', forkId);
    expect(lastRequestText()).toContain('fork two');
    expect(lastRequestText()).not.toContain('fork three');
    expect(await userMessages(forkId)).toEqual(['fork one', 'fork two', 'fork branch']);
    expect(await userMessages(one.thread_id)).toEqual(['fork one', 'fork two', 'fork three']);

    const whole = await api().post(`/threads/${one.thread_id}/fork`).expect(201);
    expect(await userMessages(whole.body.thread_id as string)).toEqual(['fork one', 'fork two', 'fork three']);
  });

  it('400 naming the field for a turn the thread does not have; 404 for another user', async () => {
    const own = await chat('fork me');
    const bad = await api()
      .post(`/threads/${own.thread_id}/fork`)
      .send({ through_turn_id: '019a0000-0000-7000-8000-000000000000' })
      .expect(400);
    expect(JSON.stringify(bad.body.errors)).toContain('/body/through_turn_id');
    await api().post(`/threads/${own.thread_id}/fork`).set('X-User-Id', 'intruder').expect(404);
  });
});

describe('revert', () => {
  it('drops the last N turns from the conversation but leaves the files they changed', async () => {
    const one = await chat('revert one');
    bridge.fake.enqueue({ kind: 'command', command: 'echo kept > reverted-file.txt' });
    const two = await chat('revert two', one.thread_id);
    const three = await chat('revert three', one.thread_id);

    const res = await api().post(`/threads/${one.thread_id}/revert`).send({ turns: 2 }).expect(200);
    expect(res.body.reverted_turn_ids).toEqual([two.turn_id, three.turn_id]);
    expect(res.body.thread).toMatchObject({ thread_id: one.thread_id });
    expect(await userMessages(one.thread_id)).toEqual(['revert one']);

    await chat('revert after', one.thread_id);
    expect(lastRequestText()).toContain('revert one');
    expect(lastRequestText()).not.toContain('revert two');
    expect(lastRequestText()).not.toContain('revert three');
    // Only the conversation goes back: the command of a reverted turn changed the workspace for good.
    expect(fs.readFileSync(path.join(bridge.sessions.pathsOf('default').workspace, 'reverted-file.txt'), 'utf8')).toBe(
      'kept\n',
    );
  });

  it('400 naming /body/turns when the thread has fewer turns', async () => {
    const one = await chat('too few');
    const res = await api().post(`/threads/${one.thread_id}/revert`).send({ turns: 2 }).expect(400);
    expect(JSON.stringify(res.body.errors)).toContain('/body/turns');
    expect(await userMessages(one.thread_id)).toEqual(['too few']);
  });
});

describe('archive, unarchive, archived list, search', () => {
  it('an archived thread is listed with archived=true only, and comes back with unarchive', async () => {
    const user = 'archivist';
    const kept = await chat('kept thread', undefined, user);
    const gone = await chat('archived thread', undefined, user);
    await api().patch(`/threads/${gone.thread_id}`).set('X-User-Id', user).send({ name: 'Quarterly zebra report' }).expect(200);
    await api().delete(`/threads/${gone.thread_id}`).set('X-User-Id', user).expect(204);

    const ids = async (query: Record<string, string>) =>
      ((await api().get('/threads').set('X-User-Id', user).query(query).expect(200)).body.threads as Array<{ thread_id: string }>).map(
        (thread) => thread.thread_id,
      );
    expect(await ids({})).toEqual([kept.thread_id]);
    expect(await ids({ archived: 'true' })).toEqual([gone.thread_id]);
    expect(await ids({ archived: 'true', search: 'zebra' })).toEqual([gone.thread_id]);
    expect(await ids({ search: 'zebra' })).toEqual([]);
    await api().get(`/threads/${gone.thread_id}`).set('X-User-Id', user).expect(200);

    const back = await api().post(`/threads/${gone.thread_id}/unarchive`).set('X-User-Id', user).expect(200);
    expect(back.body).toMatchObject({ thread_id: gone.thread_id, name: 'Quarterly zebra report' });
    expect((await ids({})).sort()).toEqual([kept.thread_id, gone.thread_id].sort());
    expect(await ids({ search: 'zebra' })).toEqual([gone.thread_id]);
    expect(await ids({ search: 'kept' })).toEqual([kept.thread_id]);
    const again = await api().post(`/threads/${gone.thread_id}/unarchive`).set('X-User-Id', user).expect(409);
    expect(again.body.type).toContain('thread-not-archived');
    await chat('continued after unarchive', gone.thread_id, user);
  });
});

describe('delete for good', () => {
  it('removes the thread’s files from CODEX_HOME and the bridge’s records of it', async () => {
    const user = 'leaver';
    const doomed = await chat('delete my data', undefined, user);
    const paths = bridge.sessions.pathsOf(user);
    await api().patch(`/threads/${doomed.thread_id}`).set('X-User-Id', user).send({ name: 'Secret project name' }).expect(200);
    const usageFile = path.join(paths.records, 'usage', `${doomed.thread_id}.json`);
    // GET /usage waits for the usage writes under way, so the record is on disk after it.
    expect((await api().get('/usage').set('X-User-Id', user).expect(200)).body.threads).toBe(1);
    expect(fs.existsSync(usageFile)).toBe(true);
    expect(filesMentioning(paths.codexHome, doomed.thread_id).length).toBeGreaterThan(0);

    await api().post(`/threads/${doomed.thread_id}/delete`).set('X-User-Id', user).expect(204);

    expect(filesMentioning(paths.codexHome, doomed.thread_id)).toEqual([]);
    expect(filesMentioning(paths.codexHome, 'Secret project name')).toEqual([]);
    expect(fs.existsSync(usageFile)).toBe(false);
    await api().get(`/threads/${doomed.thread_id}`).set('X-User-Id', user).expect(404);
    await api().get(`/threads/${doomed.thread_id}/turns/${doomed.turn_id}`).set('X-User-Id', user).expect(404);
    await api().post(`/threads/${doomed.thread_id}/delete`).set('X-User-Id', user).expect(404);
    const usage = await api().get('/usage').set('X-User-Id', user).expect(200);
    expect(usage.body.threads).toBe(0);
  });

  it('archived threads too; a thread with forks is 409 until its forks are deleted; other users get 404', async () => {
    const user = 'forker';
    const source = await chat('source thread', undefined, user);
    const fork = await api().post(`/threads/${source.thread_id}/fork`).set('X-User-Id', user).expect(201);
    await api().post(`/threads/${source.thread_id}/delete`).set('X-User-Id', 'intruder').expect(404);
    const refused = await api().post(`/threads/${source.thread_id}/delete`).set('X-User-Id', user).expect(409);
    expect(refused.body.type).toContain('thread-has-forks');

    await api().delete(`/threads/${fork.body.thread_id}`).set('X-User-Id', user).expect(204);
    await api().post(`/threads/${fork.body.thread_id}/delete`).set('X-User-Id', user).expect(204);
    await api().post(`/threads/${source.thread_id}/delete`).set('X-User-Id', user).expect(204);
    const left = await api().get('/threads').set('X-User-Id', user).query({ archived: 'true' }).expect(200);
    expect(left.body.threads).toEqual([]);
  });
});

describe('plan and diff', () => {
  it('plan.updated and diff.updated are typed events, and the fetched turn keeps the latest of each', async () => {
    const patch = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: planned.txt\n+hello plan\n*** End Patch\nEOF";
    bridge.fake.enqueue({
      kind: 'plan',
      explanation: 'Two small steps',
      plan: [
        { step: 'Look around', status: 'completed' },
        { step: 'Write planned.txt', status: 'in_progress' },
      ],
      then: { kind: 'command', command: patch, then: { kind: 'text', text: 'planned and written' } },
    });
    const res = await api().post('/chat').send({ messages: [{ content: 'make a plan' }] }).expect(200);
    const events = jsonEvents(res.text);
    const plan = events.find((event) => event.type === 'plan.updated');
    expect(plan).toMatchObject({
      plan: {
        explanation: 'Two small steps',
        steps: [
          { step: 'Look around', status: 'completed' },
          { step: 'Write planned.txt', status: 'in_progress' },
        ],
      },
    });
    const diff = events.filter((event) => event.type === 'diff.updated').at(-1);
    expect(diff?.diff).toEqual(expect.stringContaining('+hello plan'));
    expect(diff?.diff).toEqual(expect.stringContaining('planned.txt'));

    const started = events[0] as unknown as { thread_id: string; turn_id: string };
    const turn = await api().get(`/threads/${started.thread_id}/turns/${started.turn_id}`).expect(200);
    expect(turn.body.plan).toEqual(plan?.plan);
    expect(turn.body.diff).toBe(diff?.diff);
    const quiet = await chat('nothing planned');
    const quietTurn = await api().get(`/threads/${quiet.thread_id}/turns/${quiet.turn_id}`).expect(200);
    expect(quietTurn.body).toMatchObject({ plan: null, diff: null });
  });
});

describe('review', () => {
  // A single-user bridge: the workspace is the test's own folder, so the test's git repositories are the agent's too.
  let solo: TestBridge;
  beforeAll(async () => {
    solo = await startTestBridge();
  });
  afterAll(async () => {
    await solo?.stop();
  });
  const soloApi = () => request(solo.url);
  const soloChat = async (content: string): Promise<Result> =>
    (await soloApi().post('/chat').send({ messages: [{ content }], stream: false }).expect(200)).body as Result;
  const soloLastRequest = (): string => JSON.stringify(solo.fake.requests.at(-1));
  /** The test's git, on a workspace its user's jail owns; every call gives the files back to that owner. */
  const git = (cwd: string, ...args: string[]): string => {
    const out = execFileSync('git', ['-c', 'safe.directory=*', '-c', 'user.email=t@example.com', '-c', 'user.name=Test', ...args], {
      cwd,
    });
    const { uid, gid } = fs.statSync(solo.workDir);
    execFileSync('chown', ['-R', `${uid}:${gid}`, cwd]);
    return out.toString().trim();
  };
  const findingsReply = (file: string) =>
    JSON.stringify({
      findings: [
        {
          title: '[P1] Counter is never reset',
          body: 'The loop reads `count` after it was freed.\nReset it first.',
          confidence_score: 0.8,
          priority: 1,
          code_location: { absolute_file_path: file, line_range: { start: 2, end: 3 } },
        },
        {
          title: 'Typo in a comment',
          body: 'Minor.',
          confidence_score: 0.4,
          priority: 3,
          code_location: { absolute_file_path: file, line_range: { start: 1, end: 1 } },
        },
      ],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'The change breaks the counter.',
      overall_confidence_score: 0.7,
    });

  // First: the tests after it make the workspace itself a git repository.
  it('a base-branch review outside a git repository fails with codex’s reason instead of hanging', async () => {
    fs.mkdirSync(path.join(solo.workDir, 'not-a-repo'));
    const { uid, gid } = fs.statSync(solo.workDir);
    fs.chownSync(path.join(solo.workDir, 'not-a-repo'), uid, gid);
    const res = await soloApi()
      .post('/review')
      .send({ target: { type: 'base_branch', branch: 'main' }, cwd: 'not-a-repo', stream: false })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('not a git repository') } });
  });

  it('reviews a thread’s uncommitted changes as a turn: typed findings in the result and in the fetched turn', async () => {
    const thread = await soloChat('hello reviewer');
    const repo = solo.workDir;
    git(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'counter.js'), 'let count = 0;\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    fs.appendFileSync(path.join(repo, 'counter.js'), 'count++;\nfree(count);\n');

    solo.fake.enqueue({ kind: 'text', text: findingsReply(path.join(repo, 'counter.js')) });
    const res = await soloApi()
      .post(`/threads/${thread.thread_id}/review`)
      
      .send({ target: { type: 'uncommitted_changes' }, stream: false })
      .expect(200);
    expect(soloLastRequest()).toMatch(/staged, unstaged, and untracked/);
    const review = (res.body.items as Array<Record<string, unknown>>).find((item) => item.type === 'review');
    expect(review).toMatchObject({
      explanation: 'The change breaks the counter.',
      findings: [
        {
          title: '[P1] Counter is never reset',
          body: 'The loop reads `count` after it was freed.\nReset it first.',
          priority: 1,
          path: expect.stringMatching(/counter\.js$/),
          start_line: 2,
          end_line: 3,
        },
        { title: 'Typo in a comment', body: 'Minor.', priority: null, start_line: 1, end_line: 1 },
      ],
    });
    expect(res.body.message).toContain('The change breaks the counter.');
    expect(res.body.thread_id).toBe(thread.thread_id);
    const fetched = await soloApi().get(`/threads/${thread.thread_id}/turns/${res.body.turn_id}`).expect(200);
    expect(fetched.body.items).toEqual(res.body.items);
    const history = await soloApi().get('/history').query({ thread_id: thread.thread_id }).expect(200);
    expect(JSON.stringify(history.body.messages)).toContain('Counter is never reset');
  });

  it('POST /review streams a review on a new thread, against a base branch, with review.completed', async () => {
    const repo = path.join(solo.workDir, 'project');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-qb', 'feature');
    fs.appendFileSync(path.join(repo, 'a.txt'), 'two\n');
    git(repo, 'commit', '-qam', 'feature work');

    solo.fake.enqueue({ kind: 'text', text: findingsReply(path.join(repo, 'a.txt')) });
    const res = await soloApi()
      .post('/review')
      
      .send({ target: { type: 'base_branch', branch: 'main' }, cwd: 'project' })
      .expect(200);
    const events = jsonEvents(res.text);
    expect(events[0]).toMatchObject({ type: 'turn.started', thread_created: true });
    expect(soloLastRequest()).toContain(base);
    const completed = events.find((event) => event.type === 'review.completed') as { item: { findings: unknown[] } } | undefined;
    expect(completed?.item.findings).toHaveLength(2);
    expect(events.some((event) => event.type === 'tool.started' && JSON.stringify(event).includes('ReviewMode'))).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });

  it('a commit, in the background; bad targets are 400 naming the field; an unknown thread is 404', async () => {
    const thread = await soloChat('commit review');
    const repo = solo.workDir;
    git(repo, 'init', '-q');
    fs.writeFileSync(path.join(repo, 'b.txt'), 'b\n');
    git(repo, 'add', 'b.txt');
    git(repo, 'commit', '-qm', 'Add b');
    const sha = git(repo, 'rev-parse', 'HEAD');

    solo.fake.enqueue({ kind: 'text', text: JSON.stringify({ findings: [], overall_correctness: 'patch is correct', overall_explanation: 'Looks fine.', overall_confidence_score: 0.9 }) });
    const accepted = await soloApi()
      .post(`/threads/${thread.thread_id}/review`)
      
      .send({ target: { type: 'commit', sha, title: 'Add b' }, background: true })
      .expect(202);
    let state: Record<string, unknown> = {};
    for (let tries = 0; tries < 200 && state.status !== 'completed'; tries++) {
      state = (await soloApi().get(accepted.body.links.turn).expect(200)).body;
      if (state.status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state.status).toBe('completed');
    expect(soloLastRequest()).toContain(sha);
    expect((state.items as Array<Record<string, unknown>>).find((item) => item.type === 'review')).toMatchObject({
      explanation: 'Looks fine.',
      findings: [],
    });
    expect(lastInputItem(solo.fake.requests.at(-1))).toBeDefined();

    const bad = await soloApi()
      .post(`/threads/${thread.thread_id}/review`)
      
      .send({ target: { type: 'commit', sha: 'not-a-sha' }, stream: false })
      .expect(400);
    expect(JSON.stringify(bad.body.errors)).toContain('/body/target');
    await soloApi()
      .post('/threads/019a0000-0000-7000-8000-000000000000/review')
      .send({ target: { type: 'uncommitted_changes' }, stream: false })
      .expect(404);
  });
});
