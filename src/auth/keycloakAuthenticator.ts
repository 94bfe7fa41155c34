import type { KeycloakConfig } from '../config/env';
import { ServiceUnavailableError, UnauthorizedError } from '../errors';
import { enforceAccessRules } from './accessRules';
import { extractBearerToken } from './bearerToken';
import { IdentityProviderHealth } from './identityProviderHealth';
import { probeIdentityProvider, resultOfFailure } from './identityProviderProbe';
import { IntrospectionClient, IntrospectionFailure } from './introspectionClient';
import { ExpiringLruCache, tokenCacheKey } from './introspectionCache';
import type { ActiveTokenClaims, IntrospectionResult } from './introspectionResponse';
import { silentLogger, type AuthLogger } from './logger';
import { explainInactiveToken } from './refusalReason';
import { SingleFlight } from './singleFlight';
import type { AuthenticatedUser, Authenticator, AuthRequest } from './types';

/** How long a client should wait before retrying while the identity provider is unavailable. */
export const IDENTITY_PROVIDER_RETRY_AFTER_SECONDS = 5;

export interface KeycloakAuthenticatorOptions {
  logger?: AuthLogger;
  /** Milliseconds since the epoch; replaceable so tests can move time without fake timers breaking fetch. */
  now?: () => number;
  /** Told of every token lookup (cache hit or miss) and every failed introspection, for metrics. */
  observer?: IntrospectionObserver;
}

export interface IntrospectionObserver {
  onIntrospection(outcome: 'cache-hit' | 'cache-miss' | 'idp-error'): void;
}

/**
 * SECURITY_METHOD=Keycloak: every request needs a bearer token that Keycloak's introspection
 * endpoint reports active; the user is the token's `sub`. Fails closed: when Keycloak gives no
 * verdict the request gets 503, never access.
 */
export class KeycloakAuthenticator implements Authenticator {
  readonly method = 'keycloak';
  readonly identityProvider: IdentityProviderHealth;
  private readonly client: IntrospectionClient;
  private readonly cache: ExpiringLruCache<ActiveTokenClaims>;
  /** Resolves with the claims of an active token, or undefined for an inactive one. */
  private readonly pending = new SingleFlight<ActiveTokenClaims | undefined>();
  private readonly logger: AuthLogger;
  private readonly observer: IntrospectionObserver | undefined;
  private readonly now: () => number;

  constructor(
    private readonly config: KeycloakConfig,
    options: KeycloakAuthenticatorOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.observer = options.observer;
    this.now = options.now ?? Date.now;
    this.client = new IntrospectionClient(config);
    this.cache = new ExpiringLruCache(config.cacheMaxEntries, this.now);
    this.identityProvider = new IdentityProviderHealth(
      () =>
        probeIdentityProvider({
          expectedIssuer: config.expectedIssuer,
          timeoutMs: config.timeoutMs,
          introspection: this.client,
        }),
      { intervalMs: config.healthIntervalMs, logger: this.logger, now: this.now },
    );
  }

  /** Number of cached active tokens (for tests and diagnostics). */
  get cachedTokens(): number {
    return this.cache.size;
  }

  async authenticate(request: AuthRequest): Promise<AuthenticatedUser> {
    // A user id override is deliberately ignored: the token alone says who the caller is.
    const token = extractBearerToken(request.authorization);
    const claims = await this.activeClaims(token);
    try {
      enforceAccessRules(claims, this.config);
    } catch (error) {
      this.logger.debug(
        { sub: claims.sub, azp: claims.azp },
        `Token refused: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw error;
    }
    return {
      id: claims.sub,
      source: 'keycloak',
      username: claims.preferred_username ?? claims.username,
    };
  }

  private async activeClaims(token: string): Promise<ActiveTokenClaims & { sub: string }> {
    const key = tokenCacheKey(token);
    const cached = this.cache.get(key);
    this.observer?.onIntrospection(cached ? 'cache-hit' : 'cache-miss');
    const claims = cached ?? (await this.pending.run(key, () => this.introspect(token, key)));
    if (!claims) {
      throw new UnauthorizedError('The bearer token is invalid, expired or revoked');
    }
    if (!claims.sub) {
      this.logger.debug({ azp: claims.azp }, 'Token refused: Keycloak reports it active but it names no subject (sub)');
      throw new UnauthorizedError('The bearer token names no subject');
    }
    // A cached entry never outlives `exp`, but a result shared by single-flight or a clock that
    // jumped could still carry an expired token: check on every request.
    if (claims.exp !== undefined && claims.exp * 1000 <= this.now()) {
      this.logger.debug({ sub: claims.sub, exp: claims.exp }, 'Token refused: expired (while cached)');
      throw new UnauthorizedError('The bearer token has expired');
    }
    return { ...claims, sub: claims.sub };
  }

  private async introspect(token: string, key: string): Promise<ActiveTokenClaims | undefined> {
    const startedAt = this.now();
    let result: IntrospectionResult;
    try {
      result = await this.client.introspect(token);
    } catch (error) {
      this.observer?.onIntrospection('idp-error');
      this.identityProvider.record(resultOfFailure(error));
      throw this.unavailable(error, this.now() - startedAt);
    }
    this.identityProvider.record({ state: 'ok', detail: undefined });
    // Only usable answers are cached: inactive tokens may be retried at once (e.g. after clock
    // skew), and errors must not outlive the outage that caused them.
    if (!result.active) {
      this.logInactive(token);
      return undefined;
    }
    if (result.claims.sub) {
      this.cache.set(key, result.claims, this.cacheTtlMs(result.claims));
    }
    return result.claims;
  }

  /** Keycloak says only `active:false`; the token's own claims often tell the operator why. */
  private logInactive(token: string): void {
    const { reasons, claims } = explainInactiveToken(token, this.config, this.now());
    this.logger.debug(
      { refusal: reasons, tokenClaims: claims, clientId: this.config.clientId },
      `Token refused: Keycloak reports it inactive; ${reasons.join('; ')}`,
    );
  }

  private cacheTtlMs(claims: ActiveTokenClaims): number {
    const configuredMs = this.config.cacheTtlSeconds * 1000;
    if (claims.exp === undefined) return configuredMs;
    return Math.min(configuredMs, claims.exp * 1000 - this.now());
  }

  private unavailable(error: unknown, elapsedMs: number): ServiceUnavailableError {
    const failure =
      error instanceof IntrospectionFailure
        ? error
        : new IntrospectionFailure('invalid-response', `introspection failed unexpectedly: ${String(error)}`);
    this.logger.warn(
      {
        reason: failure.reason,
        httpStatus: failure.httpStatus,
        introspectionUrl: this.config.introspectionUrl,
        clientId: this.config.clientId,
        elapsedMs,
      },
      `Keycloak token introspection failed: ${failure.message}`,
    );
    return new ServiceUnavailableError(
      'The identity provider could not verify the bearer token; try again later',
      IDENTITY_PROVIDER_RETRY_AFTER_SECONDS,
      'identity-provider-unavailable',
    );
  }
}
