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
      // The signal, not the error's class, tells a timeout apart: the DOMException it raises may come
      // from another realm (jest's sandbox), where `instanceof Error` is false.
      if (signal.aborted) {
        throw new IntrospectionFailure('timeout', `introspection endpoint did not answer within ${timeoutMs} ms`);
      }
      throw unreachable(error);
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

function unreachable(error: unknown): IntrospectionFailure {
  // fetch wraps the socket error (ECONNREFUSED, ENOTFOUND, ...) in `cause`. Read duck-typed: errors
  // raised by Node's fetch are not `instanceof Error` inside a jest sandbox.
  const cause = property(error, 'cause');
  const code = property(cause, 'code');
  const message = property(cause, 'message') ?? property(error, 'message');
  const detail = typeof code === 'string' ? code : typeof message === 'string' ? message : 'unknown error';
  return new IntrospectionFailure('unreachable', `introspection endpoint is unreachable (${detail})`);
}

function property(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
