import { BridgeProblemError, createBridgeClient, type Approval, type BridgeClient, type ChatEvent } from '../../src/sdk';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { lastInputItem } from '../support/fakeModel';
import { waitUntil } from '../support/wait';

/* The SDK's answers to codex's questions and permission requests, against the real bridge and codex. */

let bridge: TestBridge;
let client: BridgeClient;
beforeAll(async () => {
  bridge = await startTestBridge({
    APPROVAL_TIMEOUT_SECONDS: '20',
    CODEX_ALLOWED_APPROVAL_POLICIES: 'never,on-request',
    CODEX_GRANTABLE_PERMISSIONS: 'file_system',
  });
  client = createBridgeClient({ baseUrl: bridge.url });
});
afterAll(async () => {
  await bridge?.stop();
});

/** The output codex gave the model for its latest tool call. */
const lastToolOutput = (): unknown => {
  const output = lastInputItem(bridge.fake.requests.at(-1));
  return typeof output?.output === 'string' ? JSON.parse(output.output) : undefined;
};

it('onApproval answers a question inline with the answers of its kind', async () => {
  bridge.fake.enqueue({
    kind: 'tool_call',
    name: 'request_user_input',
    arguments: { questions: [{ id: 'lang', header: 'Language', question: 'Which language?', options: [{ label: 'Go', description: 'fast' }, { label: 'Rust', description: 'safe' }] }] },
    then: { kind: 'text', text: 'Rust then' },
  });
  const asked: Approval[] = [];
  const events: ChatEvent[] = [];
  for await (const { event } of client.streamChat(
    { messages: [{ content: 'pick a language' }], approval_policy: 'on-request' },
    {
      onApproval: (approval) => {
        asked.push(approval);
        return { answers: { lang: 'Rust' } };
      },
    },
  ))
    events.push(event);
  expect(asked.map((approval) => [approval.kind, approval.questions?.[0]?.options.map((option) => option.label)])).toEqual([
    ['question', ['Go', 'Rust']],
  ]);
  expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({ decision: 'accept', resolved_by: 'client' });
  expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  expect(lastToolOutput()).toEqual({ answers: { lang: { answers: ['Rust'] } } });
});

it('answer() of a grant beyond the ceiling throws a 403 problem; the request stays pending and is then declined', async () => {
  bridge.fake.enqueue({
    kind: 'tool_call',
    name: 'request_permissions',
    arguments: { permissions: { file_system: { write: ['/usr/local/bin'] } } },
    then: { kind: 'text', text: 'ok, not installing' },
  });
  const started = await client.startBackgroundChat({ messages: [{ content: 'install it' }], approval_policy: 'on-request' });
  let pending: Approval[] = [];
  await waitUntil(async () => {
    pending = (await client.listApprovals(started.thread_id)).approvals;
    return pending.length > 0;
  }, 'the permission request', 20_000);
  const [approval] = pending;
  expect(approval?.permissions).toEqual([
    { type: 'file_system', access: 'write', path: '/usr/local/bin', grantable: false, not_grantable_reason: 'it is outside your workspace' },
  ]);
  const refused = await client.answer(approval!, { decision: 'accept' }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(BridgeProblemError);
  expect((refused as BridgeProblemError).status).toBe(403);
  expect((refused as BridgeProblemError).problem.type).toMatch(/permission-ceiling$/);
  expect(await client.answer(approval!, { decision: 'decline' })).toEqual({ request_id: approval!.request_id, decision: 'decline' });
  for await (const { event } of client.streamTurnEvents(started.thread_id, started.turn_id))
    if (event.type === 'turn.completed') expect(event.status).toBe('completed');
  expect(lastToolOutput()).toEqual({ permissions: { network: null, file_system: null }, scope: 'turn' });
});
