#!/usr/bin/env node
// Prints a new API key for SECURITY_METHOD=ApiKey and the line to add to API_KEYS_FILE.
// Plain Node (no tsx) so that it works on a production install. The bridge keeps only the hash.
'use strict';
const { createHash, randomBytes } = require('node:crypto');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { user: { type: 'string', short: 'u' }, json: { type: 'boolean' } } });
const user = (values.user ?? '').trim();
if (!user || user.length > 256) {
  console.error('usage: npm run apikey -- --user <user id> [--json]   (a user id of 1 to 256 characters)');
  process.exit(2);
}
// Same format as src/auth/apiKeys.ts: prefix + 32 random bytes, SHA-256 hex stored.
const key = `cab_${randomBytes(32).toString('base64url')}`;
const hash = createHash('sha256').update(key, 'utf8').digest('hex');
if (values.json) {
  console.log(JSON.stringify({ user, key, hash, line: `${user}:${hash}` }));
} else {
  console.log(`API key for ${user} (give it to them; it is not stored anywhere):\n  ${key}\n`);
  console.log(`Add this line to API_KEYS_FILE (re-read within a second, no restart):\n  ${user}:${hash}`);
}
