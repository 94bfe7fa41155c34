import path from 'node:path';
import { userDirectoryName } from '../../src/codex/userDirectory';

describe('userDirectoryName', () => {
  it('keeps plain ids such as Keycloak subs readable', () => {
    expect(userDirectoryName('default')).toBe('default');
    expect(userDirectoryName('3f2b8c1e-5d4a-4e6f-9a8b-7c6d5e4f3a2b')).toBe('3f2b8c1e-5d4a-4e6f-9a8b-7c6d5e4f3a2b');
  });

  it.each(['..', '.', '../etc', 'a/b', '/etc/passwd', 'nul\0byte', 'Ünïcödé', 'x'.repeat(500), 'Alice', '', ' ', '~abc', 'a\\b'])(
    'maps %j to one safe path segment',
    (id) => {
      const name = userDirectoryName(id);
      expect(name).toMatch(/^~[0-9a-f]{64}$/);
      const base = '/data/users';
      expect(path.dirname(path.join(base, name))).toBe(base);
    },
  );

  it('never maps two ids to one directory', () => {
    const ids = ['alice', 'Alice', 'ALICE', 'alice ', '~alice', 'a/lice', '..', '.', 'x'.repeat(64), 'x'.repeat(65)];
    const names = ids.map(userDirectoryName);
    expect(new Set(names).size).toBe(ids.length);
    // A hashed name cannot be someone's plain id: `~` never starts a plain id.
    expect(userDirectoryName(userDirectoryName('Alice'))).not.toBe(userDirectoryName('Alice'));
  });
});
