import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseResponseId } from '../../src/openai/ids';
import { DEFAULT_REPLY_TEXT, FAKE_MODEL_NAME, fakeUsage } from '../support/fakeModel';
import { ALICE_TOKEN, INVALID_TOKEN_MESSAGE, startOpenAiBridge, type OpenAiBridge } from './openAiBridge';

/*
 * The Python `openai` package (from PyPI, into .cache/venv by .ci/run) runs openai_client.py against the
 * real bridge. Without a Python that has `openai` this is skipped locally, and fails in CI (CI=true).
 */

const root = path.resolve(__dirname, '../..');
const VENV_PYTHON = path.join(root, '.cache/venv/bin/python');

function pythonWithOpenAi(): string | undefined {
  for (const candidate of [VENV_PYTHON, 'python3']) {
    if (candidate === VENV_PYTHON && !fs.existsSync(candidate)) continue;
    if (spawnSync(candidate, ['-c', 'import openai'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

function runScript(
  python: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(__dirname, 'openai_client.py')], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let target: OpenAiBridge | undefined;
afterAll(async () => {
  await target?.stop();
});

describe('the Python openai package', () => {
  it('uses Responses and Chat Completions, streamed and not, and gets our errors', async () => {
    const python = pythonWithOpenAi();
    if (!python) {
      if (process.env.CI === 'true')
        throw new Error('a Python with the openai package is required in CI (.ci/run installs it into .cache/venv)');
      console.warn('SKIPPED: no Python with the openai package (pip install openai into .cache/venv)');
      return;
    }
    target = await startOpenAiBridge();
    const { code, stdout, stderr } = await runScript(python, {
      BRIDGE_BASE_URL: target.baseURL,
      BRIDGE_TOKEN: ALICE_TOKEN,
      BRIDGE_MODEL: FAKE_MODEL_NAME,
    });
    if (code !== 0) throw new Error(`openai_client.py failed (${code}):\n${stderr}`);
    const report = JSON.parse(stdout) as Record<string, Record<string, unknown>> & { models: string[] };

    const defaultUsage = fakeUsage(3).total_tokens;
    expect(report.responses).toMatchObject({
      first_text: DEFAULT_REPLY_TEXT,
      second_text: DEFAULT_REPLY_TEXT,
      usage_total: defaultUsage,
    });
    const first = parseResponseId(String(report.responses?.first_id));
    const second = parseResponseId(String(report.responses?.second_id));
    expect(second?.threadId).toBe(first?.threadId);
    expect(second?.turnId).not.toBe(first?.turnId);

    const stream = report.responses_stream as { types: string[]; sequence: number[]; text: string };
    expect(stream.types[0]).toBe('response.created');
    expect(stream.types.at(-1)).toBe('response.completed');
    expect(stream.sequence).toEqual(stream.types.map((_, index) => index));
    expect(stream.text).toBe(DEFAULT_REPLY_TEXT);

    expect(report.chat).toEqual({ content: DEFAULT_REPLY_TEXT, usage_total: defaultUsage });
    expect(report.chat_stream).toEqual({ text: DEFAULT_REPLY_TEXT, usage_total: defaultUsage });

    expect(report.wrong_token).toMatchObject({
      class: 'AuthenticationError',
      status: 401,
      body: { message: INVALID_TOKEN_MESSAGE },
    });
    expect(String(report.wrong_token?.message)).toContain(INVALID_TOKEN_MESSAGE);
    expect(report.bad_request).toMatchObject({
      class: 'BadRequestError',
      status: 400,
      body: { param: 'messages', type: 'invalid_request_error' },
    });
    expect(report.models[0]).toBe(FAKE_MODEL_NAME);
  }, 120_000);
});
