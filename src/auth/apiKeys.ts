import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A key: a fixed prefix (so leaked keys are easy to find in logs and scanners) and 32 random bytes. */
export const API_KEY_PREFIX = 'cab_';

export interface ApiKeyEntry {
  userId: string;
  /** SHA-256 of the key, as bytes. */
  hash: Buffer;
}

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 is enough here: the keys are 256 random bits, not passwords, so there is nothing to
 * guess a dictionary for, and a per-request hash stays cheap.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const userIdSchema = z.string().trim().min(1).max(256);
const jsonSchema = z.record(userIdSchema, z.union([z.string(), z.array(z.string()).min(1)]));

export interface ParsedKeys {
  entries: ApiKeyEntry[];
  /** Lines or members that were skipped, with why; never the hash itself. */
  problems: string[];
}

function entryOf(userId: string, hash: string, where: string, problems: string[]): ApiKeyEntry | undefined {
  const user = userIdSchema.safeParse(userId);
  if (!user.success) {
    problems.push(`${where}: the user id must be 1 to 256 characters`);
    return undefined;
  }
  if (!SHA256_HEX.test(hash.trim())) {
    problems.push(`${where}: the hash must be 64 hex digits (SHA-256 of the key; npm run apikey prints it)`);
    return undefined;
  }
  return { userId: user.data, hash: Buffer.from(hash.trim(), 'hex') };
}

/**
 * `user_id:sha256hex` per line (`#` comments and blank lines ignored; commas also separate entries,
 * for API_KEYS), or a JSON object `{"alice": "<hash>" | ["<hash>", ...]}`. A user may hold several
 * keys, so a new one can be handed out before the old one is removed.
 */
export function parseApiKeys(text: string, source: string): ParsedKeys {
  const problems: string[] = [];
  const entries: ApiKeyEntry[] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      return { entries, problems: [`${source}: not valid JSON (${(error as Error).message})`] };
    }
    const parsed = jsonSchema.safeParse(json);
    if (!parsed.success)
      return { entries, problems: [`${source}: expected {"<user id>": "<sha256 hex>" | ["<sha256 hex>", ...]}`] };
    for (const [userId, hashes] of Object.entries(parsed.data)) {
      for (const hash of Array.isArray(hashes) ? hashes : [hashes]) {
        const entry = entryOf(userId, hash, `${source} "${userId}"`, problems);
        if (entry) entries.push(entry);
      }
    }
    return { entries, problems };
  }
  trimmed.split(/[\n,]/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.lastIndexOf(':');
    const where = `${source} entry ${index + 1}`;
    if (colon <= 0) {
      problems.push(`${where}: expected user_id:sha256hex`);
      return;
    }
    const entry = entryOf(line.slice(0, colon), line.slice(colon + 1), where, problems);
    if (entry) entries.push(entry);
  });
  return { entries, problems };
}

/**
 * The user a key belongs to, or undefined. Every entry is compared, in constant time each, so the
 * time taken does not tell which entry (or how much of one) matched.
 */
export function userOfKey(key: string, entries: ApiKeyEntry[]): string | undefined {
  const presented = createHash('sha256').update(key, 'utf8').digest();
  let found: string | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(presented, entry.hash) && found === undefined) found = entry.userId;
  }
  return found;
}
