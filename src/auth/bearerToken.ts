import { UnauthorizedError } from '../errors';

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token of an `Authorization: Bearer <token>` header. Throws 401 with the RFC 6750 error code
 * that tells a client what to fix: none when it sent no credentials at all, `invalid_request` for
 * a header that is not a Bearer one, `invalid_token` for a token that cannot be one.
 */
export function extractBearerToken(authorization: string | undefined): string {
  const header = authorization?.trim();
  if (!header) {
    throw new UnauthorizedError('A bearer token is required (Authorization: Bearer <token>)', null);
  }
  const match = /^Bearer(?:\s+(.*))?$/i.exec(header);
  if (!match) {
    throw new UnauthorizedError('The Authorization header must use the Bearer scheme', 'invalid_request');
  }
  const token = match[1]?.trim();
  if (!token) {
    throw new UnauthorizedError('The Authorization header has no bearer token', 'invalid_request');
  }
  if (!B64TOKEN.test(token)) {
    throw new UnauthorizedError('The bearer token is malformed', 'invalid_token');
  }
  return token;
}
