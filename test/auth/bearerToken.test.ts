import { problemFor } from '../../src/http/errors';
import { extractBearerToken } from '../../src/auth';
import { UnauthorizedError } from '../../src/errors';

function challengeFor(authorization: string | undefined): string | undefined {
  try {
    extractBearerToken(authorization);
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedError);
    return problemFor(error as UnauthorizedError, '/').headers['WWW-Authenticate'];
  }
  throw new Error(`expected ${String(authorization)} to be refused`);
}

describe('extractBearerToken', () => {
  it('returns the token of a Bearer header, whatever the scheme case', () => {
    expect(extractBearerToken('Bearer abc.DEF-123_~+/==')).toBe('abc.DEF-123_~+/==');
    expect(extractBearerToken('bearer   abc  ')).toBe('abc');
  });

  it('answers a request without credentials with a bare challenge (RFC 6750 §3)', () => {
    expect(challengeFor(undefined)).toBe('Bearer realm="codex-api-bridge"');
    expect(challengeFor('   ')).toBe('Bearer realm="codex-api-bridge"');
  });

  it('calls another scheme or a missing token an invalid request', () => {
    expect(challengeFor('Basic YWxpY2U6c2VjcmV0')).toContain('error="invalid_request"');
    expect(challengeFor('Bearer')).toContain('error="invalid_request"');
    expect(challengeFor('Bearerabc')).toContain('error="invalid_request"');
  });

  it('calls a token that cannot be a b64token an invalid token', () => {
    expect(challengeFor('Bearer two words')).toContain('error="invalid_token"');
    expect(challengeFor('Bearer abc"def')).toContain('error="invalid_token"');
    expect(challengeFor('Bearer =abc')).toContain('error="invalid_token"');
  });
});
