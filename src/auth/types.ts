import type { IdentityProviderHealth } from './identityProviderHealth';

/** Who a request acts for, as decided by the authenticator chosen with SECURITY_METHOD. */
export interface AuthenticatedUser {
  /** The raw user id (Keycloak `sub`, an override, or `default`); SessionManager maps it to a safe directory. */
  id: string;
  source: 'default' | 'override' | 'keycloak' | 'apikey';
  /** preferred_username or username from the token, for logs only. */
  username?: string | undefined;
}

/** What an authenticator sees of a request: nothing Express-specific, so it is easy to test. */
export interface AuthRequest {
  /** The Authorization header, if any. */
  authorization: string | undefined;
  /** `?user_id=` or `X-User-Id`, if any (query wins). Honoured only where configuration allows. */
  userIdOverride: string | undefined;
}

export interface Authenticator {
  readonly method: 'none' | 'keycloak' | 'apikey';
  /** The identity provider's health, for authenticators that have one (Keycloak). */
  readonly identityProvider?: IdentityProviderHealth;
  /** Resolves the user or throws UnauthorizedError / ForbiddenError / ServiceUnavailableError from src/http/errors. */
  authenticate(request: AuthRequest): Promise<AuthenticatedUser>;
}
