import type { Config } from '../config/env';
import { ApiKeyAuthenticator } from './apiKeyAuthenticator';
import { KeycloakAuthenticator, type KeycloakAuthenticatorOptions } from './keycloakAuthenticator';
import { silentLogger, type AuthLogger } from './logger';
import { NoneAuthenticator } from './noneAuthenticator';
import type { Authenticator } from './types';

export type { AuthenticatedUser, Authenticator, AuthRequest } from './types';
export type { AuthLogger } from './logger';
export { silentLogger } from './logger';
export { DEFAULT_USER_ID, NoneAuthenticator } from './noneAuthenticator';
export {
  IDENTITY_PROVIDER_RETRY_AFTER_SECONDS,
  KeycloakAuthenticator,
  type KeycloakAuthenticatorOptions,
} from './keycloakAuthenticator';
export { extractBearerToken } from './bearerToken';
export { ApiKeyAuthenticator, ApiKeyConfigError, type ApiKeyAuthenticatorOptions } from './apiKeyAuthenticator';
export { hashApiKey, newApiKey, parseApiKeys, userOfKey, API_KEY_PREFIX } from './apiKeys';
export type { IntrospectionObserver } from './keycloakAuthenticator';
export { enforceAccessRules, hasAudience, hasRole, type AccessRules } from './accessRules';
export { ExpiringLruCache, tokenCacheKey } from './introspectionCache';
export {
  IntrospectionClient,
  IntrospectionFailure,
  type IntrospectionClientOptions,
  type IntrospectionFailureReason,
} from './introspectionClient';
export { parseIntrospectionResponse, type ActiveTokenClaims, type IntrospectionResult } from './introspectionResponse';
export { SingleFlight } from './singleFlight';
export {
  IdentityProviderHealth,
  IdentityProviderStartupError,
  type IdentityProviderStatus,
  type StartupCheckMode,
} from './identityProviderHealth';
export { PLACEHOLDER_TOKEN, probeIdentityProvider, type IdentityProviderState } from './identityProviderProbe';
export { explainInactiveToken, unverifiedClaims, type RefusalExplanation } from './refusalReason';

/** The authenticator SECURITY_METHOD asks for. */
export function createAuthenticator(
  config: Config,
  logger: AuthLogger = silentLogger,
  options: Omit<KeycloakAuthenticatorOptions, 'logger'> = {},
): Authenticator {
  if (config.securityMethod === 'none') {
    logger.info(
      { securityMethod: 'none', allowUserIdOverride: config.allowUserIdOverride },
      config.allowUserIdOverride
        ? 'Authentication disabled: callers choose their user id with ?user_id= or X-User-Id'
        : "Authentication disabled: every request acts as user 'default'",
    );
    return new NoneAuthenticator(config.allowUserIdOverride);
  }
  if (config.securityMethod === 'apikey') {
    if (!config.apiKeys) throw new Error('SECURITY_METHOD=ApiKey but the API key configuration is missing');
    const authenticator = new ApiKeyAuthenticator(config.apiKeys, { logger });
    logger.info(
      { securityMethod: 'apikey', file: config.apiKeys.file, keys: authenticator.keyCount },
      'Authentication by static API keys',
    );
    return authenticator;
  }
  const keycloak = config.keycloak;
  if (!keycloak) {
    // parseConfig guarantees this; a hand-built Config that breaks it must not silently disable auth.
    throw new Error('SECURITY_METHOD=Keycloak but the Keycloak configuration is missing');
  }
  logger.info(
    {
      securityMethod: 'keycloak',
      introspectionUrl: keycloak.introspectionUrl,
      clientId: keycloak.clientId,
      cacheTtlSeconds: keycloak.cacheTtlSeconds,
      cacheMaxEntries: keycloak.cacheMaxEntries,
      requiredRole: keycloak.requiredRole,
      audience: keycloak.audience,
      startupCheck: keycloak.startupCheck,
      healthIntervalMs: keycloak.healthIntervalMs,
    },
    'Authentication by Keycloak token introspection',
  );
  return new KeycloakAuthenticator(keycloak, { ...options, logger });
}
