import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BridgeProblemError, createBridgeClient, type BridgeClient, type ChatEventOf, type StreamedChatEvent } from '../../src/sdk';
import { startTestBridge, type TestBridge } from '../support/bridge';

/* Issue 16's thread, review, plan and diff methods of the SDK, against the real bridge and codex. */

let bridge: TestBridge;
let client: BridgeClient;
beforeAll(async () => {
  bridge = await startTestBridge();
  client = createBridgeClient({ baseUrl: bridge.url });
});
afterAll(async () => {
  await bridge?.stop();
});

async function collect(stream: AsyncIterable<StreamedChatEvent>): Promise<StreamedChatEvent[]> {
  const received: StreamedChatEvent[] = [];
  for await (const streamed of stream) received.push(streamed);
  return received;
}

it('getThread, forkThread, revertThread, archive + unarchiveThread, deleteThread', async () => {
  const one = await client.chat({ messages: [{ content: 'sdk one' }] });
  const two = await client.chat({ thread_id: one.thread_id, messages: [{ content: 'sdk two' }] });
  expect(await client.getThread(one.thread_id)).toMatchObject({ thread_id: one.thread_id, forked_from_thread_id: null });

  const fork = await client.forkThread(one.thread_id, { through_turn_id: one.turn_id });
  expect(fork.forked_from_thread_id).toBe(one.thread_id);
  const reverted = await client.revertThread(one.thread_id, { turns: 1 });
  expect(reverted.reverted_turn_ids).toEqual([two.turn_id]);

  await client.archiveThread(fork.thread_id);
  expect((await client.listThreads({ archived: true })).threads.map((thread) => thread.thread_id)).toEqual([fork.thread_id]);
  expect((await client.unarchiveThread(fork.thread_id)).thread_id).toBe(fork.thread_id);

  await client.deleteThread(fork.thread_id);
  await client.deleteThread(one.thread_id);
  const gone = await client.getThread(one.thread_id).catch((error: unknown) => error);
  expect(gone).toBeInstanceOf(BridgeProblemError);
  expect((gone as BridgeProblemError).status).toBe(404);
});

it('plan.updated and diff.updated arrive typed in streamChat; reviewThread and streamReview give typed findings', async () => {
  bridge.fake.enqueue({
    kind: 'plan',
    plan: [{ step: 'Write sdk.txt', status: 'in_progress' }],
    then: {
      kind: 'command',
      command: "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: sdk.txt\n+from the sdk\n*** End Patch\nEOF",
    },
  });
  const events = (await collect(client.streamChat({ messages: [{ content: 'plan it' }] }))).map((streamed) => streamed.event);
  const plan = events.find((event): event is ChatEventOf<'plan.updated'> => event.type === 'plan.updated');
  expect(plan?.plan.steps).toEqual([{ step: 'Write sdk.txt', status: 'in_progress' }]);
  const diff = events.find((event): event is ChatEventOf<'diff.updated'> => event.type === 'diff.updated');
  expect(diff?.diff).toContain('+from the sdk');

  const repo = bridge.workDir;
  const { uid, gid } = fs.statSync(repo);
  execFileSync('git', ['-c', 'safe.directory=*', 'init', '-q'], { cwd: repo });
  execFileSync('chown', ['-R', `${uid}:${gid}`, repo]);
  const verdict = (explanation: string) =>
    JSON.stringify({
      findings: [
        {
          title: '[P2] Say more',
          body: 'The file is short.',
          confidence_score: 0.5,
          priority: 2,
          code_location: { absolute_file_path: path.join(repo, 'sdk.txt'), line_range: { start: 1, end: 1 } },
        },
      ],
      overall_correctness: 'patch is correct',
      overall_explanation: explanation,
      overall_confidence_score: 0.5,
    });
  bridge.fake.enqueue({ kind: 'text', text: verdict('Fine overall.') });
  const started = events[0] as ChatEventOf<'turn.started'>;
  const result = await client.reviewThread(started.thread_id, { target: { type: 'uncommitted_changes' } });
  const review = result.items.find((item) => item.type === 'review');
  expect(review).toMatchObject({ explanation: 'Fine overall.', findings: [{ title: '[P2] Say more', priority: 2, start_line: 1 }] });

  bridge.fake.enqueue({ kind: 'text', text: verdict('Streamed verdict.') });
  const streamed = (await collect(client.streamReview({ target: { type: 'custom', instructions: 'Look at sdk.txt' } }))).map(
    (each) => each.event,
  );
  const completed = streamed.find((event): event is ChatEventOf<'review.completed'> => event.type === 'review.completed');
  expect(completed?.item.explanation).toBe('Streamed verdict.');
  expect(JSON.stringify(bridge.fake.requests.at(-1))).toContain('Look at sdk.txt');
});
