import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';
import { COLOUR_QUESTION } from '../support/fakeModel';
import { makeTempDir } from '../support/tempDir';
import { toolOutput } from '../support/toolOutput';
import { waitUntil } from '../support/wait';

/*
 * Issue 17: codex's questions (request_user_input), permission requests (request_permissions) and MCP
 * elicitations reach the client as approvals of their own kind and are answered over HTTP, with the real
 * codex; what codex got back is read from the fake model's next request (the tool call's output).
 */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({
    APPROVAL_TIMEOUT_SECONDS: '4',
    // Codex itself denies permission requests and MCP tool calls under `never` without asking anyone.
    CODEX_ALLOWED_APPROVAL_POLICIES: 'never,on-request',
    CODEX_GRANTABLE_PERMISSIONS: 'file_system',
    CODEX_ALLOWED_SANDBOX_MODES: 'workspace-write,read-only',
  });
});
afterAll(async () => {
  await bridge?.stop();
});

type Approval = Record<string, unknown> & { request_id: string; kind: string; cwd: string | null };
interface Turn {
  thread_id: string;
  turn_id: string;
  links: { turn: string; events: string };
}

async function backgroundTurn(target: TestBridge, content: string, extra: Record<string, unknown> = {}): Promise<Turn> {
  const res = await request(target.url)
    .post('/chat')
    .send({ messages: [{ content }], background: true, approval_policy: 'on-request', ...extra })
    .expect(202);
  return res.body as Turn;
}

/** The next pending approval of the turn's thread that is not among `seen`. */
async function nextApproval(target: TestBridge, turn: Turn, seen: string[] = []): Promise<Approval> {
  let found: Approval | undefined;
  await waitUntil(async () => {
    const { approvals } = (await request(target.url).get(`/threads/${turn.thread_id}/approvals`).expect(200)).body as {
      approvals: Approval[];
    };
    found = approvals.find((approval) => !seen.includes(approval.request_id));
    return found !== undefined;
  }, 'an approval request', 20_000);
  return found!;
}

async function turnWhenDone(target: TestBridge, turn: Turn): Promise<Record<string, unknown>> {
  let state: Record<string, unknown> = {};
  await waitUntil(async () => {
    state = (await request(target.url).get(turn.links.turn).expect(200)).body;
    return state.status !== 'running';
  }, 'the turn to end', 20_000);
  return state;
}

const answer = (target: TestBridge, turn: Turn, approval: Approval, body: unknown) =>
  request(target.url).post(`/threads/${turn.thread_id}/approvals/${approval.request_id}`).send(body as object);


describe('questions (request_user_input)', () => {
  it('reach the client with their options, and the answer given over HTTP is what the model gets next', async () => {
    const from = bridge.fake.requests.length;
    bridge.fake.enqueue({
      kind: 'tool_call',
      name: 'request_user_input',
      arguments: { questions: [COLOUR_QUESTION] },
      then: { kind: 'text', text: 'A blue logo it is' },
    });
    const turn = await backgroundTurn(bridge, 'make me a logo');
    const approval = await nextApproval(bridge, turn);
    expect(approval).toMatchObject({
      kind: 'question',
      questions: [{ ...COLOUR_QUESTION, allows_other: true, secret: false }],
      available_decisions: ['accept', 'decline'],
      command: null,
      permissions: null,
    });

    const unknownQuestion = await answer(bridge, turn, approval, { answers: { shape: 'round' } }).expect(400);
    expect(unknownQuestion.body.errors).toEqual([expect.objectContaining({ field: '/body/answers/shape' })]);
    const noAnswers = await answer(bridge, turn, approval, { decision: 'accept' }).expect(400);
    expect(noAnswers.body.errors).toEqual([expect.objectContaining({ field: '/body/answers' })]);
    const wrongKind = await answer(bridge, turn, approval, { decision: 'accept', permissions: { network: true } }).expect(400);
    expect(wrongKind.body.errors).toEqual([expect.objectContaining({ field: '/body/permissions' })]);

    const accepted = await answer(bridge, turn, approval, { answers: { color: 'Blue' } }).expect(200);
    expect(accepted.body).toEqual({ request_id: approval.request_id, decision: 'accept' });
    expect(await turnWhenDone(bridge, turn)).toMatchObject({ status: 'completed', message: 'A blue logo it is' });
    expect(toolOutput(bridge.fake, from, 'request_user_input')).toEqual({ answers: { color: { answers: ['Blue'] } } });

    const events = jsonEvents((await request(bridge.url).get(turn.links.events).expect(200)).text);
    const requested = events.find((event) => event.type === 'approval.requested');
    expect(requested).toMatchObject({ approval: { kind: 'question', request_id: approval.request_id } });
    expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({
      request_id: approval.request_id,
      decision: 'accept',
      resolved_by: 'client',
    });
  });

  it('unanswered: after APPROVAL_TIMEOUT_SECONDS codex gets no answers and the turn goes on', async () => {
    const from = bridge.fake.requests.length;
    bridge.fake.enqueue({
      kind: 'tool_call',
      name: 'request_user_input',
      arguments: { questions: [COLOUR_QUESTION] },
      then: { kind: 'text', text: 'I will pick red then' },
    });
    const turn = await backgroundTurn(bridge, 'make me a logo, I am away');
    await nextApproval(bridge, turn);
    expect(await turnWhenDone(bridge, turn)).toMatchObject({ status: 'completed', message: 'I will pick red then' });
    expect(toolOutput(bridge.fake, from, 'request_user_input')).toEqual({ answers: {} });
    const events = jsonEvents((await request(bridge.url).get(turn.links.events).expect(200)).text);
    expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({ decision: 'decline', resolved_by: 'timeout' });
  });
  it('in a turn of the OpenAI-compatible API, which cannot answer, codex hears "no answers" at once', async () => {
    const from = bridge.fake.requests.length;
    bridge.fake.enqueue({
      kind: 'tool_call',
      name: 'request_user_input',
      arguments: { questions: [COLOUR_QUESTION] },
      then: { kind: 'text', text: 'red, by default' },
    });
    const res = await request(bridge.url).post('/v1/responses').send({ model: 'gpt-test', input: 'make me a logo' }).expect(200);
    expect(JSON.stringify(res.body.output)).toContain('red, by default');
    expect(toolOutput(bridge.fake, from, 'request_user_input')).toEqual({ answers: {} });
    const { thread_id, turn_id } = res.body.codex as { thread_id: string; turn_id: string };
    const events = jsonEvents((await request(bridge.url).get(`/threads/${thread_id}/turns/${turn_id}/events`).expect(200)).text);
    expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({ decision: 'decline', resolved_by: 'policy' });
  });
});

describe('permission requests (request_permissions)', () => {
  it('a path inside the workspace is granted (and writable in a read-only turn); network access, beyond CODEX_GRANTABLE_PERMISSIONS, cannot be', async () => {
    const from = bridge.fake.requests.length;
    // Made by the test, so owned like the workspace (the tenant's uid when the bridge runs as root).
    const owner = fs.statSync(bridge.workDir);
    fs.mkdirSync(path.join(bridge.workDir, 'build'));
    fs.chownSync(path.join(bridge.workDir, 'build'), owner.uid, owner.gid);
    bridge.fake.enqueue({
      kind: 'tool_call',
      name: 'request_permissions',
      arguments: { permissions: { network: { enabled: true }, file_system: { write: ['build'] } }, reason: 'to publish the build' },
      then: {
        kind: 'command',
        command: 'echo granted > build/proof; echo nope > not-granted',
        then: { kind: 'text', text: 'thanks for the access' },
      },
    });
    const turn = await backgroundTurn(bridge, 'build and publish', { sandbox: 'read-only' });
    const approval = await nextApproval(bridge, turn);
    const buildDir = path.join(approval.cwd ?? '', 'build');
    expect(approval).toMatchObject({
      kind: 'permissions',
      reason: 'to publish the build',
      available_decisions: ['accept', 'accept_for_session', 'decline'],
      permissions: [
        { type: 'network', access: null, path: null, grantable: false, not_grantable_reason: expect.stringContaining('CODEX_GRANTABLE_PERMISSIONS') },
        { type: 'file_system', access: 'write', path: buildDir, grantable: true, not_grantable_reason: null },
      ],
    });

    const everything = await answer(bridge, turn, approval, { decision: 'accept' }).expect(403);
    expect(everything.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(everything.body).toMatchObject({ type: expect.stringContaining('permission-ceiling'), status: 403 });
    expect(everything.body.errors).toEqual([
      { field: '/body/decision', message: expect.stringMatching(/^network access cannot be granted/) },
    ]);
    const network = await answer(bridge, turn, approval, { decision: 'accept', permissions: { network: true } }).expect(403);
    expect(network.body.errors).toEqual([expect.objectContaining({ field: '/body/permissions/network' })]);
    const notAsked = await answer(bridge, turn, approval, {
      decision: 'accept',
      permissions: { file_system: [{ path: '/', access: 'write' }] },
    }).expect(400);
    expect(notAsked.body.errors).toEqual([
      { field: '/body/permissions/file_system/0', message: 'codex did not ask for write /' },
    ]);

    const granted = await answer(bridge, turn, approval, {
      decision: 'accept',
      permissions: { file_system: [{ path: buildDir, access: 'write' }] },
    }).expect(200);
    expect(granted.body.decision).toBe('accept');
    expect(await turnWhenDone(bridge, turn)).toMatchObject({ status: 'completed' });
    expect(toolOutput(bridge.fake, from, 'request_permissions')).toEqual({
      permissions: { network: null, file_system: { write: [buildDir] } },
      scope: 'turn',
    });
    // The turn's sandbox is read-only: the granted folder alone became writable.
    expect(fs.readFileSync(path.join(buildDir, 'proof'), 'utf8')).toBe('granted\n');
    expect(fs.existsSync(path.join(approval.cwd ?? '', 'not-granted'))).toBe(false);
  });

  it('paths outside the workspace (also through a symlink the agent made) or in .git cannot be granted; codex gets a denial', async () => {
    const from = bridge.fake.requests.length;
    bridge.fake.enqueue({
      kind: 'command',
      command: 'ln -s / escape',
      then: {
        kind: 'tool_call',
        name: 'request_permissions',
        arguments: { permissions: { file_system: { write: ['escape/etc', '/etc', '.git/hooks'], read: ['../'] } } },
        then: { kind: 'text', text: 'fine, without them' },
      },
    });
    const turn = await backgroundTurn(bridge, 'set up the machine');
    const approval = await nextApproval(bridge, turn);
    const asked = approval.permissions as Array<{ path: string; grantable: boolean; not_grantable_reason: string }>;
    expect(asked.map((permission) => [path.relative(approval.cwd ?? '', permission.path), permission.grantable])).toEqual([
      ['..', false],
      ['escape/etc', false],
      [path.relative(approval.cwd ?? '', '/etc'), false],
      ['.git/hooks', false],
    ]);
    expect(asked[1]?.not_grantable_reason).toBe('it is outside your workspace');
    expect(asked[3]?.not_grantable_reason).toMatch(/\.git.*read-only/);

    const refused = await answer(bridge, turn, approval, { decision: 'accept_for_session' }).expect(403);
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual(Array(4).fill('/body/decision'));
    const oneOfThem = await answer(bridge, turn, approval, {
      decision: 'accept',
      permissions: { file_system: [{ path: asked[1]!.path, access: 'write' }] },
    }).expect(403);
    expect(oneOfThem.body.errors).toEqual([
      { field: '/body/permissions/file_system/0', message: expect.stringContaining('outside your workspace') },
    ]);
    // Still pending after the refusals: the user declines, and codex hears "nothing granted".
    await answer(bridge, turn, approval, { decision: 'decline' }).expect(200);
    expect(await turnWhenDone(bridge, turn)).toMatchObject({ status: 'completed', message: 'fine, without them' });
    expect(toolOutput(bridge.fake, from, 'request_permissions')).toEqual({
      permissions: { network: null, file_system: null },
      scope: 'turn',
    });
  });
});

describe('a network grant (CODEX_GRANTABLE_PERMISSIONS=network)', () => {
  let networkBridge: TestBridge;
  beforeAll(async () => {
    networkBridge = await startTestBridge({
      APPROVAL_TIMEOUT_SECONDS: '20',
      CODEX_ALLOWED_APPROVAL_POLICIES: 'never,on-request',
      CODEX_GRANTABLE_PERMISSIONS: 'network',
    });
  });
  afterAll(async () => {
    await networkBridge?.stop();
  });

  it("is granted for the turn: the agent's commands reach the network after it and not before", async () => {
    const from = networkBridge.fake.requests.length;
    // The fake model listens on the host's loopback, which the jail shares: a command reaches it only with network access.
    const probe = (label: string) =>
      `curl -s -m 5 -o /dev/null -w '${label}=%{http_code}' ${networkBridge.fake.url}/models; echo`;
    networkBridge.fake.enqueue({
      kind: 'command',
      command: probe('before'),
      then: {
        kind: 'tool_call',
        name: 'request_permissions',
        arguments: { permissions: { network: { enabled: true } }, reason: 'to download a package' },
        then: { kind: 'command', command: probe('after'), then: { kind: 'text', text: 'downloaded' } },
      },
    });
    const turn = await backgroundTurn(networkBridge, 'download it');
    const approval = await nextApproval(networkBridge, turn);
    expect(approval.permissions).toEqual([
      { type: 'network', access: null, path: null, grantable: true, not_grantable_reason: null },
    ]);
    await answer(networkBridge, turn, approval, { decision: 'accept' }).expect(200);
    const state = await turnWhenDone(networkBridge, turn);
    expect(state).toMatchObject({ status: 'completed', message: 'downloaded' });
    expect(toolOutput(networkBridge.fake, from, 'request_permissions')).toEqual({
      permissions: { network: { enabled: true }, file_system: null },
      scope: 'turn',
    });
    const outputs = (state.items as Array<{ type: string; output?: string | null }>)
      .filter((item) => item.type === 'command_execution')
      .map((item) => item.output ?? '');
    expect(outputs).toEqual([expect.stringContaining('before=000'), expect.stringContaining('after=200')]);
  });
});

describe('MCP elicitations', () => {
  let mcpBridge: TestBridge;
  beforeAll(async () => {
    // An operator's CODEX_HOME (single-user) with an MCP server; inside the jail CODEX_HOME is where its script can be.
    const codexHome = makeTempDir('codex-home-');
    const script = path.join(codexHome, 'elicitServer.js');
    fs.copyFileSync(path.resolve(__dirname, '../fixtures/mcp/elicitServer.js'), script);
    fs.writeFileSync(
      path.join(codexHome, 'config.toml'),
      `[mcp_servers.elicit]\ncommand = "node"\nargs = [${JSON.stringify(script)}]\n`,
    );
    mcpBridge = await startTestBridge({
      CODEX_HOME: codexHome,
      APPROVAL_TIMEOUT_SECONDS: '20',
      CODEX_ALLOWED_APPROVAL_POLICIES: 'never,on-request',
    });
  });
  afterAll(async () => {
    await mcpBridge?.stop();
  });

  it("codex's MCP tool approval and the server's own form are answered over HTTP; the tool gets the form's content", async () => {
    const from = mcpBridge.fake.requests.length;
    mcpBridge.fake.enqueue({
      kind: 'tool_call',
      namespace: 'mcp__elicit',
      name: 'ask_name',
      arguments: {},
      then: { kind: 'text', text: 'the report is named' },
    });
    const turn = await backgroundTurn(mcpBridge, 'name the report');
    const toolApproval = await nextApproval(mcpBridge, turn);
    expect(toolApproval).toMatchObject({
      kind: 'mcp_elicitation',
      available_decisions: ['accept', 'decline', 'cancel'],
      elicitation: { server: 'elicit', mode: 'form', codex_approval_kind: 'mcp_tool_call', url: null },
    });
    await answer(mcpBridge, turn, toolApproval, { decision: 'accept' }).expect(200);

    const form = await nextApproval(mcpBridge, turn, [toolApproval.request_id]);
    expect(form).toMatchObject({
      kind: 'mcp_elicitation',
      elicitation: {
        server: 'elicit',
        message: 'What name should the report carry?',
        mode: 'form',
        codex_approval_kind: null,
        requested_schema: { type: 'object', required: ['name'] },
      },
    });
    const missing = await answer(mcpBridge, turn, form, { decision: 'accept', content: { copies: 'two' } }).expect(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ field: '/body/content/name' }),
      expect.objectContaining({ field: '/body/content/copies' }),
    ]);
    await answer(mcpBridge, turn, form, { decision: 'accept', content: { name: 'Ada', copies: 2 } }).expect(200);

    expect(await turnWhenDone(mcpBridge, turn)).toMatchObject({ status: 'completed', message: 'the report is named' });
    const output = JSON.stringify(toolOutput(mcpBridge.fake, from, 'ask_name'));
    expect(output).toContain('elicitation answered: {\\"action\\":\\"accept\\",\\"content\\":{\\"name\\":\\"Ada\\",\\"copies\\":2}}');
  });
});
