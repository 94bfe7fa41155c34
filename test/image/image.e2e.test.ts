import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFakeModel, type FakeModel } from '../support/fakeModel';
import { freeLoopbackPort, onPath } from '../ops/freePort';

/*
 * The Dockerfile, built and run for real without Docker Hub: scripts/image/build-proof.sh builds a
 * Debian-package base, the unchanged Dockerfile on it with podman, serves one chat against the scripted
 * model outside the container and stops the container with SIGTERM. Minutes on a cold cache (the base
 * rootfs is kept in .cache/image, layers in podman's storage).
 */

const root = path.resolve(__dirname, '../..');
const tools = ['mmdebstrap', 'podman', 'runc', 'curl'];
const missing = tools.filter((tool) => !onPath(tool));
const runnable = missing.length === 0 && process.getuid?.() === 0;
const describeImage = runnable || process.env.CI === 'true' ? describe : describe.skip;
if (!runnable && process.env.CI !== 'true') {
  console.warn(`image proof skipped: needs root and ${tools.join(', ')} (missing: ${missing.join(', ') || 'root'})`);
}

function runProof(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(root, 'scripts/image/build-proof.sh')], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

function figure(output: string, name: string): string | undefined {
  return new RegExp(`^proof: ${name}=(.*)$`, 'm').exec(output)?.[1];
}

let fake: FakeModel;
beforeAll(async () => {
  fake = await startFakeModel();
});
afterAll(async () => {
  await fake?.close();
});

describeImage('container image', () => {
  it('builds from the Dockerfile, answers /status, serves a chat with the jail and stops on SIGTERM within the grace', async () => {
    const grace = 5;
    const before = fake.requests.length;
    const { code, output } = await runProof({
      PROOF_MODEL_URL: fake.url,
      PROOF_PORT: String(await freeLoopbackPort()),
      PROOF_GRACE: String(grace),
    });
    if (code !== 0) console.error(output.slice(-8000));
    expect(code).toBe(0);
    const status = JSON.parse(figure(output, 'status') ?? '{}') as {
      codex_available?: boolean;
      isolation?: { mechanism?: string };
    };
    expect(status.codex_available).toBe(true);
    expect(status.isolation?.mechanism).toBe('bubblewrap');
    expect(figure(output, 'chat')).toBe('completed');
    // The chat inside the container reached the model outside, through the relay.
    expect(fake.requests.length).toBeGreaterThan(before);
    expect(Number(figure(output, 'jail_processes'))).toBeGreaterThan(0);
    // podman stop sends SIGKILL only after grace + 5 s: exit code 0 means the bridge stopped by itself.
    expect(figure(output, 'exit_code')).toBe('0');
    console.log(
      output
        .split('\n')
        .filter((line) => line.startsWith('proof: '))
        .join('\n'),
    );
  }, 600_000);
});
