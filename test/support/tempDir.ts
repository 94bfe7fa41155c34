import fs from 'node:fs';
import path from 'node:path';

/**
 * Test folders live outside /tmp: codex refuses to create its helper binaries (and so cannot run its
 * command sandbox) when CODEX_HOME is under the temporary directory, and inside a jail /tmp is the
 * jail's own anyway.
 */
export const TEST_ROOT = process.env.BRIDGE_TEST_ROOT ?? '/var/tmp/codex-bridge-tests';

export function makeTempDir(prefix: string): string {
  fs.mkdirSync(TEST_ROOT, { recursive: true, mode: 0o755 });
  return fs.mkdtempSync(path.join(TEST_ROOT, prefix));
}
