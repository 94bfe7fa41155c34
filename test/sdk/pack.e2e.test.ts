import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestBridge, type TestBridge } from '../support/bridge';

/*
 * The SDK as a separate project sees it: `npm run build:sdk`, `npm pack` of dist/sdk-package, install
 * the tarball into a new project (lean: nothing of the server comes along), type-check an example that
 * imports 'codex-api-bridge-sdk', load it as ESM and CJS, then run it against a live bridge.
 */

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

// The `@ts-expect-error` lines fail the type-check if the SDK's types were loose (any) or wrong.
const EXAMPLE = `
import { BridgeProblemError, createBridgeClient, type BridgeClient, type ChatEventOf, type Status } from 'codex-api-bridge-sdk';

async function main(): Promise<void> {
  const baseUrl = process.env.BRIDGE_URL;
  if (!baseUrl) throw new Error('BRIDGE_URL is not set');
  const client = createBridgeClient({ baseUrl, token: async () => process.env.BRIDGE_TOKEN });

  const status = await client.getStatus();
  console.log('status:', status.status);

  let threadId = '';
  let streamed = '';
  for await (const { id, event } of client.streamChat({ messages: [{ content: 'Hello from the consumer' }] })) {
    if (event.type === 'turn.started') threadId = event.thread_id;
    if (event.type === 'message.delta') streamed += event.delta;
    if (event.type === 'turn.completed') console.log('turn.completed id:', id, 'status:', event.status);
  }
  console.log('streamed:', streamed);

  const again = await client.chat({ thread_id: threadId, messages: [{ content: 'And again' }] });
  console.log('chat:', again.message);

  const { threads } = await client.listThreads({ limit: 5 });
  console.log('listed:', threads.some((thread) => thread.thread_id === threadId));
  const history = await client.getHistory({ thread_id: threadId });
  console.log('history:', history.messages.map((message) => message.role).join(','));

  try {
    await client.getHistory({ thread_id: 'missing-thread' });
  } catch (error) {
    if (error instanceof BridgeProblemError) console.log('problem:', error.status, error.problem.type);
  }
}

/** Never called: only tsc reads it. */
export function loosenedTypesWouldFailHere(client: BridgeClient, status: Status, delta: ChatEventOf<'message.delta'>): void {
  // @ts-expect-error getHistory needs a thread_id
  void client.getHistory({});
  // @ts-expect-error a delta has no item
  void delta.item;
  // @ts-expect-error status is one of the spec's values
  if (status.status === 'fine') console.log('never');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    outDir: 'out',
    rootDir: '.',
  },
  files: ['example.ts'],
};

/** npm variables of an outer `npm test` would otherwise point the nested npm at this repository. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_(lifecycle_|package_|config_local_prefix|config_prefix)/.test(name)) env[name] = value;
  }
  return env;
}

/** Names of the packages under node_modules (scoped ones as @scope/name). */
function installedPackages(modules: string): string[] {
  const names: string[] = [];
  for (const entry of fs.readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const scoped of fs.readdirSync(path.join(modules, entry))) names.push(`${entry}/${scoped}`);
    else names.push(entry);
  }
  return names;
}

function directoryBytes(target: string): number {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((total, name) => total + directoryBytes(path.join(target, name)), 0);
}

let workDir: string;
let bridge: TestBridge | undefined;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-pack-'));
});
afterAll(async () => {
  await bridge?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

it('installs from the packed tarball, type-checks and runs in a separate project', async () => {
  const env = npmEnvironment();
  await run('npm', ['run', 'build:sdk'], { cwd: repoRoot, env });
  await run('npm', ['pack', path.join(repoRoot, 'dist', 'sdk-package'), '--pack-destination', workDir], { cwd: repoRoot, env });
  const tarball = fs.readdirSync(workDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${workDir}`);

  const consumerDir = path.join(workDir, 'consumer');
  fs.mkdirSync(consumerDir);
  fs.writeFileSync(
    path.join(consumerDir, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }),
  );
  fs.writeFileSync(path.join(consumerDir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
  fs.writeFileSync(path.join(consumerDir, 'example.ts'), EXAMPLE);
  // From npm's cache where it can be. Scripts stay on: the SDK must not need any, and none may run.
  const install = (...specs: string[]) =>
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], { cwd: consumerDir, env });
  await install(path.join(workDir, tarball));

  const modules = path.join(consumerDir, 'node_modules');
  const installed = installedPackages(modules);
  expect(installed.sort()).toEqual(['@stablelib/base64', 'codex-api-bridge-sdk', 'eventsource-parser', 'fast-sha256', 'openapi-fetch', 'openapi-typescript-helpers', 'standardwebhooks']);
  for (const server of ['express', '@openai/codex', 'pino', 'dotenv', 'zod', 'swagger-ui-express'])
    expect(fs.existsSync(path.join(modules, server))).toBe(false);
  expect(fs.existsSync(path.join(modules, '.bin', 'codex'))).toBe(false);
  const sizeKiB = Math.round(directoryBytes(modules) / 1024);
  // The figure README's "SDK package" section quotes; the bound only catches a server dependency coming back.
  console.log(`SDK package installed: ${installed.length} packages, ${sizeKiB} KiB in node_modules`);
  expect(sizeKiB).toBeLessThan(5 * 1024);

  // The example's type-check needs Node's types, which are the consumer's business, not the SDK's.
  await install(path.join(repoRoot, 'node_modules', '@types', 'node'));

  await run(process.execPath, [tsc, '-p', consumerDir], { cwd: consumerDir }).catch((error: { stdout?: string }) => {
    throw new Error(`the example does not type-check against the packed SDK:\n${error.stdout ?? String(error)}`);
  });

  const esm = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { createBridgeClient, BridgeProblemError } from 'codex-api-bridge-sdk'; console.log(typeof createBridgeClient, typeof BridgeProblemError)",
    ],
    { cwd: consumerDir },
  );
  expect(esm.stdout.trim()).toBe('function function');
  const cjs = await run(
    process.execPath,
    ['-e', "const { createBridgeClient } = require('codex-api-bridge-sdk'); console.log(typeof createBridgeClient)"],
    { cwd: consumerDir },
  );
  expect(cjs.stdout.trim()).toBe('function');

  bridge = await startTestBridge();
  bridge.fake.enqueue(
    { kind: 'text', text: 'Packed and delivered.', chunks: 3 },
    { kind: 'text', text: 'Still here.' },
  );
  const { stdout } = await run(process.execPath, [path.join(consumerDir, 'out', 'example.js')], {
    cwd: consumerDir,
    env: { ...process.env, BRIDGE_URL: bridge.url },
  });
  expect(stdout.split('\n').filter(Boolean)).toEqual([
    'status: ok',
    expect.stringMatching(/^turn\.completed id: \d+ status: completed$/),
    'streamed: Packed and delivered.',
    'chat: Still here.',
    'listed: true',
    'history: user,assistant,user,assistant',
    'problem: 404 urn:codex-api-bridge:problem:thread-not-found',
  ]);
}, 240_000);
