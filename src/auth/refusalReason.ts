import { z } from 'zod';

/**
 * Why Keycloak may have reported a token inactive. RFC 7662 answers only `{"active":false}`, but
 * the causes operators hit most (wrong audience, another host name, expired) are visible in the
 * token's own claims. Those are read here WITHOUT verifying the signature: the result only feeds
 * a debug log line, never a decision.
 */

export interface RefusalExpectations {
  /** The introspecting client, which Keycloak 26.6+ requires in the token's `aud`. */
  clientId: string;
  expectedIssuer: string | undefined;
  issuerSetting: string;
}

/** The claims worth logging; strings are shortened, so an attacker's token cannot flood the log. */
export interface LoggableClaims {
  iss?: string | undefined;
  aud?: string[] | undefined;
  azp?: string | undefined;
  exp?: number | undefined;
  sub?: string | undefined;
}

export interface RefusalExplanation {
  reasons: string[];
  /** Undefined when the token is not a readable JWT. */
  claims: LoggableClaims | undefined;
}

const MAX_CLAIM_LENGTH = 200;
const MAX_AUDIENCES = 10;
const shortText = z
  .string()
  .transform((value) => (value.length > MAX_CLAIM_LENGTH ? `${value.slice(0, MAX_CLAIM_LENGTH)}...` : value));
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const payloadSchema = z.object({
  iss: optional(shortText),
  aud: optional(z.union([shortText.transform((value) => [value]), z.array(shortText).max(MAX_AUDIENCES)])),
  azp: optional(shortText),
  exp: optional(z.number()),
  sub: optional(shortText),
});

/** The payload of a compact JWS, or undefined when `token` is not one. */
export function unverifiedClaims(token: string): LoggableClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

export function explainInactiveToken(
  token: string,
  expectations: RefusalExpectations,
  nowMs: number,
): RefusalExplanation {
  const claims = unverifiedClaims(token);
  if (!claims) {
    return { reasons: ['the token is not a JWT (garbage, truncated or opaque), so its claims name no cause'], claims };
  }
  const reasons = [
    expiryReason(claims, nowMs),
    ...audienceReasons(claims, expectations.clientId),
    issuerReason(claims, expectations),
  ].filter((reason): reason is string => reason !== undefined);
  if (reasons.length === 0) {
    reasons.push(
      'its claims show no cause: revoked, session logged out, user disabled, signed with another key, or another ' +
        "Keycloak check (see Keycloak's INTROSPECT_TOKEN_ERROR events)",
    );
  }
  return { reasons, claims };
}

function expiryReason(claims: LoggableClaims, nowMs: number): string | undefined {
  if (claims.exp === undefined) return undefined;
  const agoSeconds = Math.floor(nowMs / 1000 - claims.exp);
  return agoSeconds >= 0 ? `expired ${agoSeconds} s ago` : undefined;
}

function audienceReasons(claims: LoggableClaims, clientId: string): string[] {
  if (claims.aud?.includes(clientId)) return [];
  const reasons = [
    `audience lacks ${clientId} (aud: ${claims.aud?.join(', ') ?? 'none'}): give the client the token came from ` +
      `(azp: ${claims.azp ?? 'unknown'}) an audience mapper for ${clientId}`,
  ];
  if (claims.azp === clientId) {
    reasons.push(
      `the token was issued to ${clientId} itself: KEYCLOAK_CLIENT_ID must be the bridge's own client, not the one users log in with`,
    );
  }
  return reasons;
}

function issuerReason(claims: LoggableClaims, expectations: RefusalExpectations): string | undefined {
  const { expectedIssuer, issuerSetting } = expectations;
  if (expectedIssuer === undefined || claims.iss === undefined || claims.iss === expectedIssuer) return undefined;
  const actual = parseUrl(claims.iss);
  const expected = parseUrl(expectedIssuer);
  const detail = `(iss ${claims.iss}, expected ${expectedIssuer})`;
  if (!actual || !expected) return `issuer differs from ${issuerSetting} ${detail}`;
  if (actual.origin !== expected.origin) {
    return `issuer host differs from ${issuerSetting} ${detail}: use the URL clients get tokens from, or fix Keycloak's hostname`;
  }
  return `issuer realm differs from the configured realm ${detail}`;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
