import { z } from 'zod';

// Claims of unexpected types are dropped instead of failing the whole response: a missing `sub`
// is refused later anyway, and an odd `aud` simply satisfies no audience rule (fail closed).
const optionalText = z.string().min(1).optional().catch(undefined);
const roleList = z.object({ roles: z.array(z.string()).optional().catch(undefined) });

const activeTokenSchema = z.object({
  active: z.literal(true),
  sub: optionalText,
  exp: z.number().optional().catch(undefined),
  username: optionalText,
  preferred_username: optionalText,
  azp: optionalText,
  aud: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .catch(undefined),
  realm_access: roleList.optional().catch(undefined),
  resource_access: z.record(z.string(), roleList).optional().catch(undefined),
});

/** The claims of an active token that the bridge uses. */
export type ActiveTokenClaims = z.infer<typeof activeTokenSchema>;

export type IntrospectionResult = { active: true; claims: ActiveTokenClaims } | { active: false };

const envelopeSchema = z.object({ active: z.boolean() });

/**
 * Reads an RFC 7662 response body. Returns undefined when it is not one (no boolean `active`), which
 * the caller must treat as an outage, never as a verdict about the token.
 */
export function parseIntrospectionResponse(body: unknown): IntrospectionResult | undefined {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return undefined;
  if (!envelope.data.active) return { active: false };
  const claims = activeTokenSchema.safeParse(body);
  return claims.success ? { active: true, claims: claims.data } : undefined;
}
