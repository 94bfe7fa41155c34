import { PassThrough } from 'node:stream';
import { CodexExitedError, CodexRpcError, CodexTimeoutError } from '../../src/codex/errors';
import { JsonRpcConnection, type Notification, type ServerRequest } from '../../src/codex/rpc';
import { silentLogger } from '../../src/logger';

function connect(handler: (request: ServerRequest) => Promise<unknown> = async () => ({})) {
  const toCodex = new PassThrough();
  const fromCodex = new PassThrough();
  const sent: Array<Record<string, unknown>> = [];
  toCodex.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) sent.push(JSON.parse(line));
  });
  const connection = new JsonRpcConnection(toCodex, fromCodex, handler, silentLogger, 200);
  const reply = (message: Record<string, unknown>): boolean => fromCodex.write(`${JSON.stringify(message)}\n`);
  return { connection, sent, reply, fromCodex };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('JsonRpcConnection', () => {
  it('matches responses to calls by id, in any order', async () => {
    const { connection, sent, reply } = connect();
    const first = connection.request('a', {});
    const second = connection.request('b', {});
    await tick();
    reply({ id: sent[1]?.id, result: 'B' });
    reply({ id: sent[0]?.id, result: 'A' });
    await expect(first).resolves.toBe('A');
    await expect(second).resolves.toBe('B');
    expect(sent[0]).toMatchObject({ jsonrpc: '2.0', method: 'a', params: {} });
  });

  it('turns error replies into CodexRpcError', async () => {
    const { connection, sent, reply } = connect();
    const call = connection.request('thread/read', { threadId: 'x' });
    await tick();
    reply({ id: sent[0]?.id, error: { code: -32600, message: 'thread not loaded: x' } });
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodexRpcError);
    expect((error as CodexRpcError).isUnknownThread).toBe(true);
  });

  it('times out a call that gets no answer', async () => {
    const { connection } = connect();
    await expect(connection.request('slow', {}, 50)).rejects.toBeInstanceOf(CodexTimeoutError);
  });

  it('skips malformed lines and keeps reading', async () => {
    const { connection, sent, reply, fromCodex } = connect();
    const seen: Notification[] = [];
    connection.onNotification((notification) => seen.push(notification));
    const call = connection.request('a', {});
    await tick();
    fromCodex.write('not json\n{"no":"method"}\n\n');
    reply({ method: 'turn/started', params: { threadId: 't' } });
    reply({ id: sent[0]?.id, result: 1 });
    await expect(call).resolves.toBe(1);
    expect(seen).toEqual([{ method: 'turn/started', params: { threadId: 't' } }]);
  });

  it('passes on notifications as the schema has them and skips those of another shape', async () => {
    const { connection, reply } = connect();
    const seen: Notification[] = [];
    connection.onNotification((notification) => seen.push(notification));
    reply({ jsonrpc: '2.0', method: 'item/agentMessage/delta', params: { delta: 'a' }, emittedAtMs: 5 });
    reply({ method: 'thread/started' });
    reply({ method: 'bad/params', params: ['not', 'an', 'object'] });
    reply({ method: 'bad/null', params: null });
    reply({ method: 'bad/stamp', params: {}, emittedAtMs: 'soon' });
    reply({ method: 42, params: {} });
    await tick();
    expect(seen).toEqual([
      { method: 'item/agentMessage/delta', params: { delta: 'a' }, emittedAtMs: 5 },
      { method: 'thread/started', params: {} },
    ]);
  });

  it('answers every server request, with an error when the handler throws', async () => {
    const { sent, reply } = connect(async (request) => {
      if (request.method === 'item/commandExecution/requestApproval') return { decision: 'decline' };
      throw new Error('not supported');
    });
    reply({ id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 't' } });
    reply({ id: 1, method: 'item/tool/requestUserInput', params: {} });
    await tick();
    await tick();
    expect(sent).toEqual([
      { jsonrpc: '2.0', id: 0, result: { decision: 'decline' } },
      { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'not supported' } },
    ]);
  });

  it('fails pending and later calls once closed', async () => {
    const { connection } = connect();
    const pending = connection.request('a', {});
    connection.close(new CodexExitedError('killed by SIGKILL'));
    await expect(pending).rejects.toBeInstanceOf(CodexExitedError);
    await expect(connection.request('b', {})).rejects.toThrow(/killed by SIGKILL/);
  });
});
