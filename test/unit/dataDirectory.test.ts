import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirectoryError, prepareDirectory } from '../../src/codex/dataDirectory';

describe('prepareDirectory', () => {
  it('makes every missing level with the mode asked', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prep-'));
    const target = path.join(root, 'a', 'b', 'c');
    await prepareDirectory(target, 0o700, 5000);
    expect(fs.statSync(target).mode & 0o777).toBe(0o700);
    await prepareDirectory(target, 0o700, 5000);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("settles under /proc, where Node's recursive mkdir never does", async () => {
    const error = await prepareDirectory('/proc/bridge-data/users/x', 0o700, 5000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataDirectoryError);
    expect((error as DataDirectoryError).code).toMatch(/^E/);
  });

  it('names a read-only parent', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; a read-only filesystem is what stops it
      const error = await prepareDirectory('/proc/sys/bridge-test', 0o700, 5000).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataDirectoryError);
      return;
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prep-ro-'));
    fs.chmodSync(root, 0o500);
    const error = await prepareDirectory(path.join(root, 'x'), 0o700, 5000).catch((caught: unknown) => caught);
    expect((error as DataDirectoryError).code).toBe('EACCES');
    fs.chmodSync(root, 0o700);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
