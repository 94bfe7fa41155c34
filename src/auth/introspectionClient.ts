import { parseIntrospectionResponse, type IntrospectionResult } from './introspectionResponse';

export type IntrospectionFailureReason =
  'timeout' | 'unreachable' | 'client-credentials-rejected' | 'http-error' | 'invalid-response';

/**
 * The identity provider gave no verdict on the token. Carries what an operator needs to fix it and
 * nothing a log must not contain (no token, no secret).
 */
export class IntrospectionFailure extends Error {
  constructor(
    readonly reason: IntrospectionFailureReason,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'IntrospectionFailure';
  }
}

export interface IntrospectionClientOptions {
  introspectionUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

/** RFC 7662 token introspection, authenticated with the bridge's own confidential client. */
export class IntrospectionClient {
  constructor(private readonly options: IntrospectionClientOptions) {}

  /** Resolves with the verdict on `token`, or rejects with an IntrospectionFailure. */
  async introspect(token: string): Promise<IntrospectionResult> {
    const { introspectionUrl, clientId, clientSecret, timeoutMs } = this.options;
    // One signal covers connecting, waiting for headers and reading the body.
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(introspectionUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        // client_secret_post rather than Basic: no ambiguity about URL-encoding inside Basic credentials.
        body: new URLSearchParams({
          token,
          token_type_hint: 'access_token',
          client_id: clientId,
          client_secret: clientSecret,
        }),
        signal,
        // A followed 307/308 would re-post the client secret to wherever the redirect points.
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      throw describeTransportError(error, timeoutMs);
    }

    if (response.status === 401 || response.status === 403) {
      throw new IntrospectionFailure(
        'client-credentials-rejected',
        `introspection endpoint refused the bridge's client credentials (HTTP ${response.status}); check KEYCLOAK_CLIENT_ID/KEYCLOAK_CLIENT_SECRET`,
        response.status,
      );
    }
    if (response.status !== 200) {
      throw new IntrospectionFailure(
        'http-error',
        `introspection endpoint answered HTTP ${response.status}`,
        response.status,
      );
    }
    const result = parseIntrospectionResponse(parseJson(text));
    if (!result) {
      throw new IntrospectionFailure(
        'invalid-response',
        'introspection endpoint answered something that is not an RFC 7662 JSON response',
        200,
      );
    }
    return result;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeTransportError(error: unknown, timeoutMs: number): IntrospectionFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new IntrospectionFailure('timeout', `introspection endpoint did not answer within ${timeoutMs} ms`);
  }
  // fetch wraps the socket error (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const detail = code ?? (cause instanceof Error ? cause.message : undefined) ?? String(error);
  return new IntrospectionFailure('unreachable', `introspection endpoint is unreachable (${detail})`);
}
