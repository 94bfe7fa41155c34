import fs from 'node:fs';
import type { ApiKeyConfig } from '../config/env';
import { ServiceUnavailableError, UnauthorizedError } from '../errors';
import { parseApiKeys, userOfKey, type ApiKeyEntry } from './apiKeys';
import { extractBearerToken } from './bearerToken';
import { silentLogger, type AuthLogger } from './logger';
import type { AuthenticatedUser, Authenticator, AuthRequest } from './types';

/** Refused at start-up: the keys cannot be read, or there are none. */
export class ApiKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyConfigError';
  }
}

export interface ApiKeyAuthenticatorOptions {
  logger?: AuthLogger;
  /** How long a look at API_KEYS_FILE's metadata is trusted before the next one. */
  recheckMs?: number;
  now?: () => number;
}

interface FileVersion {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
}

const sameVersion = (a: FileVersion, b: FileVersion): boolean =>
  a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino;

/**
 * SECURITY_METHOD=ApiKey: static bearer keys, each mapped to a user id, stored only as SHA-256
 * hashes. API_KEYS_FILE is looked at again (at most once per `recheckMs`) and re-read when it
 * changed, so keys are added and revoked without a restart.
 */
export class ApiKeyAuthenticator implements Authenticator {
  readonly method = 'apikey';
  private readonly inline: ApiKeyEntry[];
  private fileEntries: ApiKeyEntry[] = [];
  private fileVersion: FileVersion | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly logger: AuthLogger;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(
    private readonly config: ApiKeyConfig,
    options: ApiKeyAuthenticatorOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.recheckMs = options.recheckMs ?? 1000;
    this.now = options.now ?? Date.now;
    const inline = config.inline ? parseApiKeys(config.inline, 'API_KEYS') : { entries: [], problems: [] };
    if (inline.problems.length > 0) throw new ApiKeyConfigError(inline.problems.join('; '));
    this.inline = inline.entries;
    if (config.file) this.loadFileAtStart(config.file);
    if (this.inline.length + this.fileEntries.length === 0)
      this.logger.warn(
        {},
        'SECURITY_METHOD=ApiKey but no key is configured yet: every request gets 401 until one is added',
      );
  }

  /** Number of keys known now (for logs and tests). */
  get keyCount(): number {
    return this.inline.length + this.fileEntries.length;
  }

  async authenticate(request: AuthRequest): Promise<AuthenticatedUser> {
    const key = extractBearerToken(request.authorization);
    await this.refresh();
    const userId = userOfKey(key, [...this.inline, ...this.fileEntries]);
    if (userId === undefined) throw new UnauthorizedError('The API key is not valid (unknown or revoked)');
    return { id: userId, source: 'apikey' };
  }

  private loadFileAtStart(file: string): void {
    let text: string;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ApiKeyConfigError(
        `API_KEYS_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    const parsed = parseApiKeys(text, 'API_KEYS_FILE');
    if (parsed.problems.length > 0) throw new ApiKeyConfigError(parsed.problems.join('; '));
    this.fileEntries = parsed.entries;
    this.fileVersion = stat;
    this.checkedAt = this.now();
  }

  private refresh(): Promise<void> {
    const file = this.config.file;
    if (!file || this.now() - this.checkedAt < this.recheckMs) return Promise.resolve();
    this.refreshing ??= this.reread(file).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async reread(file: string): Promise<void> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
      if (this.fileVersion && sameVersion(stat, this.fileVersion)) {
        this.checkedAt = this.now();
        return;
      }
      const parsed = parseApiKeys(await fs.promises.readFile(file, 'utf8'), 'API_KEYS_FILE');
      // A line that does not parse is skipped (and logged), the others stay usable: a typo must not lock everyone out.
      if (parsed.problems.length > 0)
        this.logger.warn({ problems: parsed.problems }, 'API_KEYS_FILE has entries that are skipped');
      this.fileEntries = parsed.entries;
      this.fileVersion = stat;
      this.checkedAt = this.now();
      this.logger.info({ keys: this.keyCount }, 'API_KEYS_FILE re-read');
    } catch (error) {
      // Fail closed: a key removed from a file we can no longer read must not keep working.
      this.fileEntries = [];
      this.fileVersion = undefined;
      this.logger.error({ err: (error as Error).message }, 'API_KEYS_FILE cannot be read');
      throw new ServiceUnavailableError('the API key list cannot be read; try again shortly', 5, 'api-keys-unreadable');
    }
  }
}
