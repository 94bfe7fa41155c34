import { explainInactiveToken, unverifiedClaims } from '../../src/auth';

const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const ISSUER = 'http://localhost:8080/realms/codex';
const EXPECTATIONS = { clientId: 'codex-bridge', expectedIssuer: ISSUER, issuerSetting: 'KEYCLOAK_BASE_URL' };

/** An unsigned JWT-shaped token: the module reads claims without checking signatures. */
function jwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(payload)}.c2lnbmF0dXJl`;
}

const valid = { iss: ISSUER, aud: ['codex-bridge', 'account'], azp: 'codex-cli', exp: NOW_S + 300, sub: 'alice-sub' };

function reasonsFor(payload: Record<string, unknown>): string[] {
  return explainInactiveToken(jwt(payload), EXPECTATIONS, NOW_MS).reasons;
}

describe('explainInactiveToken', () => {
  it('names an audience that lacks the introspecting client, and the client that needs the mapper', () => {
    const reasons = reasonsFor({ ...valid, aud: 'account' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^audience lacks codex-bridge \(aud: account\).*azp: codex-cli/);
  });

  it('treats a token without aud as lacking the audience', () => {
    expect(reasonsFor({ ...valid, aud: undefined })[0]).toMatch(/^audience lacks codex-bridge \(aud: none\)/);
  });

  it('says when KEYCLOAK_CLIENT_ID is the client the token was issued to', () => {
    const reasons = reasonsFor({ ...valid, aud: 'account', azp: 'codex-bridge' });
    expect(reasons).toEqual([
      expect.stringMatching(/^audience lacks codex-bridge/),
      expect.stringContaining("KEYCLOAK_CLIENT_ID must be the bridge's own client"),
    ]);
  });

  it('names an issuer host that differs from KEYCLOAK_BASE_URL', () => {
    const reasons = reasonsFor({ ...valid, iss: 'http://127.0.0.1:8080/realms/codex' });
    expect(reasons).toEqual([
      expect.stringMatching(
        /^issuer host differs from KEYCLOAK_BASE_URL \(iss http:\/\/127\.0\.0\.1:8080\/realms\/codex, expected http:\/\/localhost:8080\/realms\/codex\)/,
      ),
    ]);
  });

  it('tells a different realm apart from a different host', () => {
    expect(reasonsFor({ ...valid, iss: 'http://localhost:8080/realms/master' })).toEqual([
      expect.stringMatching(/^issuer realm differs/),
    ]);
  });

  it('names the variable the expected issuer comes from', () => {
    const { reasons } = explainInactiveToken(
      jwt({ ...valid, iss: 'https://sso.example.com/realms/codex' }),
      { ...EXPECTATIONS, issuerSetting: 'KEYCLOAK_INTROSPECTION_URL' },
      NOW_MS,
    );
    expect(reasons[0]).toMatch(/^issuer host differs from KEYCLOAK_INTROSPECTION_URL/);
  });

  it('skips the issuer comparison without an expected issuer', () => {
    const { reasons } = explainInactiveToken(
      jwt({ ...valid, iss: 'https://elsewhere.example/realms/x' }),
      { ...EXPECTATIONS, expectedIssuer: undefined },
      NOW_MS,
    );
    expect(reasons).toEqual([expect.stringMatching(/^its claims show no cause/)]);
  });

  it('says how long ago a token expired', () => {
    expect(reasonsFor({ ...valid, exp: NOW_S - 42 })).toEqual(['expired 42 s ago']);
  });

  it('lists every cause it sees', () => {
    const reasons = reasonsFor({ ...valid, exp: NOW_S - 1, aud: 'account', iss: 'http://127.0.0.1:8080/realms/codex' });
    expect(reasons.map((reason) => reason.split(' (')[0])).toEqual([
      'expired 1 s ago',
      'audience lacks codex-bridge',
      'issuer host differs from KEYCLOAK_BASE_URL',
    ]);
  });

  it('points at revocation and Keycloak events when the claims look fine', () => {
    expect(reasonsFor(valid)).toEqual([expect.stringContaining('revoked')]);
  });

  it.each([
    ['garbage', 'not-a-real-token'],
    ['two segments', 'abc.def'],
    ['a payload that is not JSON', 'eyJhbGciOiJub25lIn0.bm90IGpzb24.c2ln'],
    ['a payload that is not an object', `x.${Buffer.from('"text"').toString('base64url')}.y`],
  ])('says a token that is %s is not a JWT', (_case, token) => {
    const explanation = explainInactiveToken(token, EXPECTATIONS, NOW_MS);
    expect(explanation.claims).toBeUndefined();
    expect(explanation.reasons).toEqual([expect.stringMatching(/^the token is not a JWT/)]);
  });
});

describe('unverifiedClaims', () => {
  it('keeps only the loggable claims, whatever else the token carries', () => {
    expect(unverifiedClaims(jwt({ ...valid, email: 'alice@example.test', realm_access: { roles: ['x'] } }))).toEqual({
      iss: ISSUER,
      aud: ['codex-bridge', 'account'],
      azp: 'codex-cli',
      exp: NOW_S + 300,
      sub: 'alice-sub',
    });
  });

  it('shortens long strings and drops claims of the wrong type', () => {
    const claims = unverifiedClaims(jwt({ iss: 'x'.repeat(5000), exp: 'soon', aud: [1, 2] }));
    expect(claims?.iss).toHaveLength(203);
    expect(claims?.exp).toBeUndefined();
    expect(claims?.aud).toBeUndefined();
  });
});
