import { ForbiddenError } from '../errors';
import type { ActiveTokenClaims } from './introspectionResponse';

export interface AccessRules {
  /** A realm role, or a client role written `client:role`. */
  requiredRole: string | undefined;
  /** Must be one of the token's `aud` values or its `azp`. */
  audience: string | undefined;
}

/** Throws 403 when a valid token is not allowed to use the bridge. */
export function enforceAccessRules(claims: ActiveTokenClaims, rules: AccessRules): void {
  if (rules.requiredRole !== undefined && !hasRole(claims, rules.requiredRole)) {
    throw new ForbiddenError(`The token lacks the role '${rules.requiredRole}' required to use this API`);
  }
  if (rules.audience !== undefined && !hasAudience(claims, rules.audience)) {
    throw new ForbiddenError(`The token is not intended for the audience '${rules.audience}'`);
  }
}

export function hasRole(claims: ActiveTokenClaims, requiredRole: string): boolean {
  // Split at the last colon: client ids such as `urn:acme:api` contain colons more often than role names do.
  const separator = requiredRole.lastIndexOf(':');
  if (separator <= 0) {
    return claims.realm_access?.roles?.includes(requiredRole) ?? false;
  }
  const clientId = requiredRole.slice(0, separator);
  const role = requiredRole.slice(separator + 1);
  const resourceAccess = claims.resource_access;
  // hasOwn: a client id such as `constructor` must not reach Object.prototype.
  if (!resourceAccess || !Object.hasOwn(resourceAccess, clientId)) return false;
  return resourceAccess[clientId]?.roles?.includes(role) ?? false;
}

export function hasAudience(claims: ActiveTokenClaims, audience: string): boolean {
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  return audiences.includes(audience) || claims.azp === audience;
}
