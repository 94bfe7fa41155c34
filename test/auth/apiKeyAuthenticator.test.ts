import fs from 'node:fs';
import path from 'node:path';
import { ApiKeyAuthenticator, ApiKeyConfigError, hashApiKey, newApiKey, parseApiKeys, userOfKey } from '../../src/auth';
import { ConfigError, parseConfig } from '../../src/config/env';
import { ServiceUnavailableError, UnauthorizedError } from '../../src/errors';
import { makeTempDir } from '../support/tempDir';

const dirs: string[] = [];
function keysFile(content: string): string {
  const dir = makeTempDir('apikeys-');
  dirs.push(dir);
  const file = path.join(dir, 'keys');
  fs.writeFileSync(file, content);
  return file;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}`, userIdOverride: undefined });

describe('API keys', () => {
  it('new keys are distinct, prefixed, valid bearer tokens; the hash is SHA-256 hex', () => {
    const [a, b] = [newApiKey(), newApiKey()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^cab_[A-Za-z0-9_-]{43}$/);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('parses user_id:hash lines, comments, commas, and user ids with colons', () => {
    const [h1, h2, h3] = [newApiKey(), newApiKey(), newApiKey()].map(hashApiKey);
    const parsed = parseApiKeys(`# team keys\nalice:${h1}\n\nurn:bob:${h2}, carol:${h3}\n`, 'test');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((entry) => entry.userId)).toEqual(['alice', 'urn:bob', 'carol']);
  });

  it('parses JSON, one or several keys per user', () => {
    const [h1, h2, h3] = [newApiKey(), newApiKey(), newApiKey()].map(hashApiKey);
    const parsed = parseApiKeys(JSON.stringify({ alice: h1, bob: [h2, h3] }), 'test');
    expect(parsed.entries.map((entry) => entry.userId)).toEqual(['alice', 'bob', 'bob']);
  });

  it('reports bad entries without echoing them', () => {
    const parsed = parseApiKeys('alice:not-a-hash\nnocolon\n:' + 'a'.repeat(64), 'API_KEYS');
    expect(parsed.entries).toEqual([]);
    expect(parsed.problems).toHaveLength(3);
    expect(parsed.problems.join(' ')).not.toContain('not-a-hash');
  });

  it('finds the user of a key, and nobody for another key', () => {
    const key = newApiKey();
    const { entries } = parseApiKeys(`alice:${hashApiKey(newApiKey())}\nbob:${hashApiKey(key)}`, 'test');
    expect(userOfKey(key, entries)).toBe('bob');
    expect(userOfKey(newApiKey(), entries)).toBeUndefined();
    expect(userOfKey(hashApiKey(key), entries)).toBeUndefined();
  });
});

describe('ApiKeyAuthenticator', () => {
  it('maps a key to its user; a wrong or missing key is 401 with the RFC 6750 error', async () => {
    const key = newApiKey();
    const auth = new ApiKeyAuthenticator({ file: undefined, inline: `alice:${hashApiKey(key)}` });
    await expect(auth.authenticate(bearer(key))).resolves.toEqual({ id: 'alice', source: 'apikey' });
    const wrong = auth.authenticate(bearer(newApiKey()));
    await expect(wrong).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(wrong).rejects.toMatchObject({ bearerError: 'invalid_token' });
    await expect(auth.authenticate({ authorization: undefined, userIdOverride: 'alice' })).rejects.toMatchObject({ bearerError: null });
  });

  it('re-reads API_KEYS_FILE when it changes: a new key works, a removed one stops, without restart', async () => {
    const [oldKey, newKey] = [newApiKey(), newApiKey()];
    const file = keysFile(`alice:${hashApiKey(oldKey)}\n`);
    const auth = new ApiKeyAuthenticator({ file, inline: undefined }, { recheckMs: 0 });
    await expect(auth.authenticate(bearer(oldKey))).resolves.toMatchObject({ id: 'alice' });
    await expect(auth.authenticate(bearer(newKey))).rejects.toBeInstanceOf(UnauthorizedError);
    fs.writeFileSync(file, `alice:${hashApiKey(oldKey)}\nalice:${hashApiKey(newKey)}\n`);
    await expect(auth.authenticate(bearer(newKey))).resolves.toMatchObject({ id: 'alice' });
    fs.writeFileSync(file, `alice:${hashApiKey(newKey)}\n`);
    await expect(auth.authenticate(bearer(oldKey))).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(auth.authenticate(bearer(newKey))).resolves.toMatchObject({ id: 'alice' });
  });

  it('looks at the file at most once per recheck period', async () => {
    let now = 0;
    const key = newApiKey();
    const file = keysFile('');
    const auth = new ApiKeyAuthenticator({ file, inline: undefined }, { recheckMs: 1000, now: () => now });
    fs.writeFileSync(file, `alice:${hashApiKey(key)}\n`);
    now = 500;
    await expect(auth.authenticate(bearer(key))).rejects.toBeInstanceOf(UnauthorizedError);
    now = 1500;
    await expect(auth.authenticate(bearer(key))).resolves.toMatchObject({ id: 'alice' });
  });

  it('skips a bad line on re-read but keeps the others; fails closed when the file is gone', async () => {
    const key = newApiKey();
    const file = keysFile(`alice:${hashApiKey(key)}\n`);
    const auth = new ApiKeyAuthenticator({ file, inline: undefined }, { recheckMs: 0 });
    fs.writeFileSync(file, `alice:${hashApiKey(key)}\nbob:typo\n`);
    await expect(auth.authenticate(bearer(key))).resolves.toMatchObject({ id: 'alice' });
    fs.rmSync(file);
    await expect(auth.authenticate(bearer(key))).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('refuses to start with a missing or malformed file', () => {
    expect(() => new ApiKeyAuthenticator({ file: '/nonexistent/keys', inline: undefined })).toThrow(ApiKeyConfigError);
    expect(() => new ApiKeyAuthenticator({ file: keysFile('alice:xyz'), inline: undefined })).toThrow(/API_KEYS_FILE entry 1/);
    expect(() => new ApiKeyAuthenticator({ file: undefined, inline: 'nope' })).toThrow(/API_KEYS/);
  });
});

describe('SECURITY_METHOD=ApiKey configuration', () => {
  it('needs API_KEYS_FILE or API_KEYS, and is multi-user', () => {
    expect(() => parseConfig({ SECURITY_METHOD: 'ApiKey' })).toThrow(ConfigError);
    expect(() => parseConfig({ SECURITY_METHOD: 'ApiKey' })).toThrow(/API_KEYS_FILE: is required/);
    const config = parseConfig({ SECURITY_METHOD: 'ApiKey', API_KEYS: `alice:${hashApiKey('k')}` });
    expect(config).toMatchObject({ securityMethod: 'apikey', multiUser: true, host: '0.0.0.0' });
    expect(config.metrics.onMainPort).toBe(false);
    expect(() => parseConfig({ SECURITY_METHOD: 'ApiKey', API_KEYS: 'x', CODEX_HOME: '/tmp/x' })).toThrow(/CODEX_HOME/);
  });

  it('metrics: on the main port with a token, or on a separate listener', () => {
    const keys = { SECURITY_METHOD: 'ApiKey', API_KEYS: 'x' };
    expect(parseConfig({ ...keys, METRICS_TOKEN: 'a'.repeat(16) }).metrics).toMatchObject({ onMainPort: true });
    expect(parseConfig({ ...keys, METRICS_PORT: '9464' }).metrics).toMatchObject({ onMainPort: false, port: 9464, host: '127.0.0.1' });
    expect(() => parseConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => parseConfig({ METRICS_HOST: '0.0.0.0' })).toThrow(/METRICS_HOST: only used with METRICS_PORT/);
  });
});
