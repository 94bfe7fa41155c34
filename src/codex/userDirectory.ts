import { createHash } from 'node:crypto';

/** Ids that are already safe, short, lower-case names (Keycloak subs are UUIDs) keep their own name. */
const PLAIN_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Maps any user id to a directory name that cannot leave BASE_DATA_DIR and cannot collide:
 * plain ids map to themselves; every other id (`..`, `/`, NUL, upper case, non-ASCII, very long)
 * maps to `~` + its SHA-256, and `~` can never start a plain id.
 */
export function userDirectoryName(userId: string): string {
  if (PLAIN_ID.test(userId)) return userId;
  return `~${createHash('sha256').update(userId, 'utf8').digest('hex')}`;
}
