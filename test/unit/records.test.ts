import fs from 'node:fs';
import path from 'node:path';
import { UsageStore } from '../../src/codex/usageStore';
import { InternalError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { usageOfResponse } from '../../src/relay/metering';
import { makeTempDir } from '../support/tempDir';

const usage = { input_tokens: 10, cached_input_tokens: 2, output_tokens: 5, reasoning_output_tokens: 1, total_tokens: 15 };

describe('the usage records', () => {
  let records: string;
  beforeEach(() => {
    records = makeTempDir('records-');
  });
  afterEach(() => fs.rmSync(records, { recursive: true, force: true }));

  it('sums what it wrote, and what the relay metered', async () => {
    const store = new UsageStore(records, silentLogger);
    await store.save('t1', usage);
    await store.save('t2', usage);
    await store.addMetered({ ...usage, responses: 1 });
    await expect(store.totals()).resolves.toEqual({
      usage: { input_tokens: 20, cached_input_tokens: 4, output_tokens: 10, reasoning_output_tokens: 2, total_tokens: 30 },
      threads: 2,
      metered: { ...usage, responses: 1 },
    });
  });

  it.each([
    ['malformed JSON', '{"input_tokens":'],
    ['strings and nulls', JSON.stringify({ ...usage, input_tokens: '5', output_tokens: null })],
    ['negative counts', JSON.stringify({ ...usage, total_tokens: -2_000_000_000 })],
  ])('a record with %s is an error, never data', async (_what, content) => {
    fs.mkdirSync(path.join(records, 'usage'), { recursive: true });
    fs.writeFileSync(path.join(records, 'usage', 't1.json'), content);
    const store = new UsageStore(records, silentLogger);
    await expect(store.totals()).rejects.toBeInstanceOf(InternalError);
    await expect(store.load('t1')).rejects.toThrow(/corrupt/);
  });
});

describe('usageOfResponse', () => {
  it("reads a Responses API completion's usage", () => {
    expect(
      usageOfResponse({
        type: 'response.completed',
        response: {
          id: 'r',
          usage: {
            input_tokens: 7,
            input_tokens_details: { cached_tokens: 3 },
            output_tokens: 4,
            output_tokens_details: { reasoning_tokens: 2 },
            total_tokens: 11,
          },
        },
      }),
    ).toEqual({ input_tokens: 7, cached_input_tokens: 3, output_tokens: 4, reasoning_output_tokens: 2, total_tokens: 11, responses: 1 });
    expect(usageOfResponse({ type: 'response.output_text.delta', delta: 'x' })).toBeUndefined();
  });
});
