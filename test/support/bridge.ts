import fs from 'node:fs';
import { parseConfig, type Config } from '../../src/config/env';
import { silentLogger, type Logger } from '../../src/logger';
import { startBridge, type RunningBridge } from '../../src/server';
import { assertMatchesSpec } from './specSchemas';
import { fakeModelEnv, startFakeModel, type FakeModel } from './fakeModel';
import { makeTempDir } from './tempDir';

export interface TestBridge extends RunningBridge {
  fake: FakeModel;
  config: Config;
  dataDir: string;
  workDir: string;
  /** Stops the bridge and the fake model and removes the temporary folders. */
  stop(): Promise<void>;
}

/**
 * The real bridge (real codex app-server, response validation on) against the scripted fake model,
 * in temporary folders, listening on a random loopback port.
 */
export async function startTestBridge(
  env: Record<string, string> = {},
  reuse?: { fake?: FakeModel; dataDir?: string; logger?: Logger },
): Promise<TestBridge> {
  const fake = reuse?.fake ?? (await startFakeModel());
  const dataDir = reuse?.dataDir ?? makeTempDir('bridge-data-');
  const workDir = makeTempDir('bridge-work-');
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ...fakeModelEnv(fake),
    BASE_DATA_DIR: dataDir,
    CODEX_WORKING_DIR: workDir,
    SHUTDOWN_GRACE_SECONDS: '2',
    ...env,
  });
  const bridge = await startBridge(config, reuse?.logger ?? silentLogger, { validateResponses: true });
  return {
    ...bridge,
    fake,
    config,
    dataDir,
    workDir,
    async stop() {
      await bridge.close();
      if (!reuse?.fake) await fake.close();
      if (!reuse?.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/** Splits an SSE body into events; comments (`: keepalive`) are dropped. */
export function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: SseEvent = { id: undefined, event: undefined, data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data += value;
      }
      return event;
    })
    .filter((event) => event.data !== '' || event.event !== undefined);
}

/** Every JSON event of an SSE body (without the final [DONE]), each checked against openapi.yaml's ChatEvent. */
export function jsonEvents(body: string): Array<Record<string, unknown> & { type: string }> {
  return parseSse(body)
    .filter((event) => event.data !== '[DONE]')
    .map((event) => {
      const data = JSON.parse(event.data) as Record<string, unknown> & { type: string };
      assertMatchesSpec('ChatEvent', data);
      return data;
    });
}
