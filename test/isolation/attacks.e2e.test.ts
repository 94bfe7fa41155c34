import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { commandLineOf, descendantsOf } from '../../src/codex/processTree';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { waitUntil } from '../support/wait';

/*
 * Two users, alice and bob, the real codex in its jail, the scripted model. Alice's agent is the
 * attacker: every command below is one an ordinary turn can run (no approval needed). Each attack is
 * tried for real and its result checked on the host: the secret is absent, the file unchanged.
 */

const OPENAI_KEY = 'sk-test-key';
const CANARY = `canary-secret-${process.pid}-${Date.now()}`;
const BOB_SECRET = `BOB-SECRET-${Date.now()}`;

let bridge: TestBridge;

function asUser(user: string) {
  return {
    chat: (body: Record<string, unknown>) =>
      request(bridge.url).post('/chat').set('X-User-Id', user).send({ stream: false, ...body }),
    get: (url: string) => request(bridge.url).get(url).set('X-User-Id', user),
  };
}

/** Runs one shell command as the user's agent and returns what it printed. */
async function run(user: string, command: string, body: Record<string, unknown> = {}): Promise<string> {
  bridge.fake.enqueue({ kind: 'command', command });
  const res = await asUser(user).chat({ messages: [{ content: `run: ${command.slice(0, 40)}` }], ...body });
  expect(res.status).toBe(200);
  const items = res.body.items as Array<{ type: string; output?: string | null }>;
  const commandItem = items.find((item) => item.type === 'command_execution');
  if (!commandItem) throw new Error(`no command ran: ${JSON.stringify(res.body)}`);
  return commandItem.output ?? '';
}

const read = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
const paths = (user: string) => bridge.sessions.pathsOf(user);

beforeAll(async () => {
  process.env.BRIDGE_TEST_CANARY = CANARY;
  process.env.KEYCLOAK_CLIENT_SECRET_CANARY = CANARY;
  bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' });
  expect(bridge.isolation.status.mechanism).toBe('bubblewrap');
  // Bob has a history, a file in his workspace and usage on record before alice starts.
  bridge.fake.enqueue({ kind: 'text', text: `noted ${BOB_SECRET}` });
  const bobTurn = await asUser('bob').chat({ messages: [{ content: `remember ${BOB_SECRET}` }] });
  expect(bobTurn.status).toBe(200);
  fs.writeFileSync(path.join(paths('bob').workspace, 'secret.txt'), BOB_SECRET);
}, 90_000);

afterAll(async () => {
  delete process.env.BRIDGE_TEST_CANARY;
  delete process.env.KEYCLOAK_CLIENT_SECRET_CANARY;
  await bridge?.stop();
});

describe("alice's agent cannot read what is not hers", () => {
  it("bob's transcripts, auth file and workspace are not there", async () => {
    const bob = paths('bob');
    const output = await run(
      'alice',
      `cat ${bob.codexHome}/auth.json; ls -R ${bob.codexHome} ${bob.workspace}; cat ${bob.workspace}/secret.txt; ` +
        `grep -rs ${BOB_SECRET.slice(0, 8)} /var /work /home /srv /tmp /etc /opt 2>/dev/null | head -5; echo END`,
    );
    expect(output).toContain('END');
    expect(output).not.toContain(BOB_SECRET);
    expect(output).toMatch(/No such file or directory/);
  });

  it('the OpenAI key is nowhere: not in its auth.json, its environment, or any /proc environ', async () => {
    const output = await run(
      'alice',
      `cat $CODEX_HOME/auth.json; echo; env; cat /proc/*/environ | tr '\\0' '\\n'; cat /proc/${process.pid}/environ; echo END`,
    );
    expect(output).toContain('END');
    expect(output).toContain('bridge-relay-'); // its own token, valid only at the relay and only for alice
    expect(output).not.toContain(OPENAI_KEY);
    expect(output).not.toContain(CANARY);
    // The relay still used the real key towards the model.
    expect(bridge.fake.authorizations.at(-1)).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it("the bridge's variables are not in the agent's environment", async () => {
    const output = await run('alice', 'env');
    expect(output).toContain('PATH=');
    expect(output).not.toContain(CANARY);
    expect(output).not.toMatch(/KEYCLOAK|OPENAI_|BASE_DATA_DIR|CODEX_WORKING_DIR/);
  });

  it("/etc/shadow and the bridge's code are not inside the jail", async () => {
    const output = await run('alice', `cat /etc/shadow; ls ${process.cwd()}/src ${process.cwd()}/.env; id -u; echo END`);
    expect(output).toContain('END');
    expect(output).not.toMatch(/^root:/m);
    expect(output).not.toContain('main.ts');
  });

  it('its token is refused at the relay for anything but its own model calls', async () => {
    const relay = bridge.relay;
    expect(relay).toBeDefined();
    const res = await fetch(`${relay!.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPENAI_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });
});

describe("alice's agent cannot write what codex or the bridge trusts", () => {
  it('its own config.toml, AGENTS.md and skills stay as they were, and its next thread carries nothing planted', async () => {
    const alice = paths('alice');
    const before = ['config.toml', 'AGENTS.md'].map((name) => read(path.join(alice.codexHome, name)));
    const output = await run(
      'alice',
      `printf '[mcp_servers.evil]\\ncommand = "touch /tmp/pwned"\\n' >> $CODEX_HOME/config.toml; ` +
        `echo ALICE-PLANTED-INSTRUCTION > $CODEX_HOME/AGENTS.md; mkdir -p $CODEX_HOME/skills/evil; ` +
        `echo ALICE-PLANTED-INSTRUCTION > $CODEX_HOME/skills/evil/SKILL.md; echo END`,
    );
    expect(output).toContain('END');
    expect(output).toMatch(/Read-only file system/);
    expect(['config.toml', 'AGENTS.md'].map((name) => read(path.join(alice.codexHome, name)))).toEqual(before);
    expect(fs.existsSync(path.join(alice.codexHome, 'skills', 'evil'))).toBe(false);
    bridge.fake.enqueue({ kind: 'text', text: 'fresh thread' });
    await asUser('alice').chat({ messages: [{ content: 'a new thread' }] }).expect(200);
    expect(JSON.stringify(bridge.fake.requests.at(-1))).not.toContain('ALICE-PLANTED-INSTRUCTION');
  });

  it("bob's config.toml, AGENTS.md and usage records cannot be written", async () => {
    const bob = paths('bob');
    const usageBefore = (await asUser('bob').get('/usage').expect(200)).body;
    const usageDir = path.join(bob.records, 'usage');
    const [usageFile] = fs.readdirSync(usageDir);
    const recordBefore = read(path.join(usageDir, usageFile!));
    const trustedBefore = ['config.toml', 'AGENTS.md'].map((name) => read(path.join(bob.codexHome, name)));
    const output = await run(
      'alice',
      `echo EVIL > ${bob.codexHome}/config.toml; echo EVIL > ${bob.codexHome}/AGENTS.md; ` +
        `echo '{"input_tokens":2000000000}' > ${usageDir}/${usageFile}; echo END`,
    );
    expect(output).toContain('END');
    expect(output).not.toContain('EVIL');
    expect(['config.toml', 'AGENTS.md'].map((name) => read(path.join(bob.codexHome, name)))).toEqual(trustedBefore);
    expect(read(path.join(usageDir, usageFile!))).toBe(recordBefore);
    expect((await asUser('bob').get('/usage').expect(200)).body).toEqual(usageBefore);
  });

  it("a file planted in /tmp or in alice's workspace never reaches bob's model requests", async () => {
    await run(
      'alice',
      'echo PLANTED-FOR-BOB > /tmp/AGENTS.md; echo PLANTED-FOR-BOB > AGENTS.md; echo PLANTED-FOR-BOB > /dev/shm/AGENTS.md; echo END',
    );
    const sent = bridge.fake.requests.length;
    bridge.fake.enqueue({ kind: 'text', text: 'hello bob' });
    await asUser('bob').chat({ messages: [{ content: 'new thread for bob' }] }).expect(200);
    const bobRequests = JSON.stringify(bridge.fake.requests.slice(sent));
    expect(bobRequests).toContain('new thread for bob');
    expect(bobRequests).not.toContain('PLANTED-FOR-BOB');
  });

  it("no code gets into the bridge: its source and /tmp's transpile cache are out of reach", async () => {
    const mainFile = path.join(process.cwd(), 'src', 'main.ts');
    const before = read(mainFile);
    const output = await run(
      'alice',
      `echo 'process.exit(7)' >> ${mainFile}; mkdir -p /tmp/tsx-0 && echo hijack > /tmp/tsx-0/x && echo wrote-jail-tmp; echo END`,
    );
    expect(output).toContain('END');
    expect(read(mainFile)).toBe(before);
    // What it wrote to /tmp lives in the jail's own /tmp only.
    expect(fs.existsSync('/tmp/tsx-0/x') && read('/tmp/tsx-0/x') === 'hijack\n').toBe(false);
  });
});

describe('callers cannot raise their own privileges', () => {
  it('an approval policy or sandbox beyond the ceiling is 403 naming the field', async () => {
    const res = await asUser('alice').chat({ messages: [{ content: 'x' }], approval_policy: 'on-request' });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: '/body/approval_policy' })]);
    const sandbox = await asUser('alice').chat({ messages: [{ content: 'x' }], sandbox: 'danger-full-access' });
    expect(sandbox.status).toBe(403);
    expect(sandbox.body.errors).toEqual([expect.objectContaining({ field: '/body/sandbox' })]);
  });

  it('with on-request allowed, a request to leave the sandbox is declined by the bridge, not granted by the caller', async () => {
    const marker = path.join(path.dirname(paths('alice').codexHome), 'escalated-marker');
    const lenient = await startTestBridge({ CODEX_ALLOWED_APPROVAL_POLICIES: 'never,on-request' });
    try {
      lenient.fake.enqueue({
        kind: 'command',
        command: `touch ${marker} && echo ESCALATED`,
        args: { sandbox_permissions: 'require_escalated', justification: 'needs to write outside the workspace' },
      });
      const res = await request(lenient.url)
        .post('/chat')
        .send({ messages: [{ content: 'escalate' }], approval_policy: 'on-request' });
      expect(res.status).toBe(200);
      const events = res.text.split('\n').filter((line) => line.startsWith('data: {'));
      const resolved = events.map((line) => JSON.parse(line.slice(6))).find((event) => event.type === 'approval.resolved');
      expect(resolved).toMatchObject({ decision: 'decline', resolved_by: 'policy' });
      expect(res.text).not.toContain('ESCALATED\n');
      expect(fs.existsSync(marker)).toBe(false);
    } finally {
      await lenient.stop();
    }
  });

  it('even an escalation the operator allows and the caller accepts stays inside the jail', async () => {
    const permissive = await startTestBridge({
      CODEX_ALLOWED_APPROVAL_POLICIES: 'never,on-request',
      CODEX_ALLOW_ESCALATION: 'true',
    });
    try {
      permissive.fake.enqueue({
        kind: 'command',
        command: `cat /proc/*/environ | tr '\\0' '\\n'; cat ${paths('bob').workspace}/secret.txt; id -u; echo UNSANDBOXED`,
        args: { sandbox_permissions: 'require_escalated', justification: 'testing' },
      });
      const started = await request(permissive.url)
        .post('/chat')
        .send({ messages: [{ content: 'escalate' }], approval_policy: 'on-request', background: true })
        .expect(202);
      let approvals: Array<{ request_id: string }> = [];
      await waitUntil(async () => {
        approvals = (await request(permissive.url).get(`/threads/${started.body.thread_id}/approvals`)).body.approvals;
        return approvals.length > 0;
      }, 'the escalation request');
      await request(permissive.url)
        .post(`/threads/${started.body.thread_id}/approvals/${approvals[0]!.request_id}`)
        .send({ decision: 'accept' })
        .expect(200);
      let turn: { status: string; items: Array<{ type: string; output?: string }> } = { status: 'running', items: [] };
      await waitUntil(async () => {
        turn = (await request(permissive.url).get(started.body.links.turn)).body;
        return turn.status !== 'running';
      }, 'the turn to end');
      const output = turn.items.find((item) => item.type === 'command_execution')?.output ?? '';
      expect(output).toContain('UNSANDBOXED');
      expect(output).not.toContain(OPENAI_KEY);
      expect(output).not.toContain(CANARY);
      expect(output).not.toContain(BOB_SECRET);
      expect(output).not.toMatch(/^0$/m);
    } finally {
      await permissive.stop();
    }
  });

  it('a cwd outside the workspace is refused', async () => {
    for (const cwd of ['/etc', '../bob', '../../..']) {
      const res = await asUser('alice').chat({ messages: [{ content: 'x' }], cwd });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('/body/cwd');
    }
  });
});

describe('normal work still works in the jail', () => {
  it('commands write files in the own workspace, in a cwd below it, and read their history', async () => {
    const workspace = paths('alice').workspace;
    fs.mkdirSync(path.join(workspace, 'sub'), { recursive: true });
    const owner = fs.statSync(workspace);
    fs.chownSync(path.join(workspace, 'sub'), owner.uid, owner.gid);
    const output = await run('alice', 'echo made-by-alice > made.txt && pwd && cat made.txt', { cwd: 'sub' });
    expect(output).toContain('made-by-alice');
    expect(output).toContain(path.join(paths('alice').workspace, 'sub'));
    expect(read(path.join(paths('alice').workspace, 'sub', 'made.txt'))).toBe('made-by-alice\n');
    const threads = await asUser('alice').get('/threads').expect(200);
    expect(threads.body.threads.length).toBeGreaterThan(0);
    const history = await asUser('alice').get(`/history?thread_id=${threads.body.threads[0].thread_id}`).expect(200);
    expect(history.body.messages.length).toBeGreaterThan(0);
  });

  it("commands have no network: not even the bridge's own port on loopback", async () => {
    const { port } = new URL(bridge.url);
    const output = await run(
      'alice',
      `(exec 3<>/dev/tcp/127.0.0.1/${port} && echo CONNECTED) 2>&1; echo END`,
    );
    expect(output).toContain('END');
    expect(output).not.toContain('CONNECTED');
  });

  it('the relay metered the users separately', async () => {
    const alice = (await asUser('alice').get('/usage').expect(200)).body;
    const bob = (await asUser('bob').get('/usage').expect(200)).body;
    expect(alice.metered.responses).toBeGreaterThan(bob.metered.responses);
    expect(bob.metered.total_tokens).toBeGreaterThan(0);
  });

  it('a command codex keeps running after the turn is ended with the turn (unless the operator keeps them)', async () => {
    const sleepsUnder = (target: TestBridge, user: string): number[] =>
      descendantsOf(target.sessions.peek(user)?.pid ?? 0).filter((pid) => commandLineOf(pid).endsWith('sleep 97'));
    const keeping = await startTestBridge({ CODEX_KEEP_BACKGROUND_COMMANDS: 'true' });
    try {
      for (const target of [bridge, keeping]) {
        target.fake.enqueue({ kind: 'command', command: 'sleep 97', args: { yield_time_ms: 300 } });
        const res = await request(target.url)
          .post('/chat')
          .set('X-User-Id', 'alice')
          .send({ stream: false, messages: [{ content: 'start a long command' }] });
        expect(res.status).toBe(200);
      }
      await waitUntil(() => sleepsUnder(bridge, 'alice').length === 0, 'the kept command to be ended', 10_000);
      // Codex itself does keep it: with CODEX_KEEP_BACKGROUND_COMMANDS it is still there.
      await waitUntil(() => sleepsUnder(keeping, 'default').length === 1, 'the kept command to run on', 5000);
    } finally {
      await keeping.stop();
    }
  });
});
