import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { createParser } from 'eventsource-parser';
import type { Logger } from '../logger';
import { usageOfResponse, type MeteredUsage } from './metering';

/*
 * Codex's model endpoint: the bridge itself, on loopback. Each session gets a token that is valid here
 * only and only for its user; the relay forwards to the real endpoint with the operator's key, which so
 * never enters a jail, and counts every response's usage for the user it belongs to.
 */

export interface ModelRelayOptions {
  /** OPENAI_BASE_URL, or OpenAI's own API. */
  upstream: string;
  apiKey: string;
  logger: Logger;
  onUsage: (userKey: string, usage: MeteredUsage) => void;
  maxBodyBytes?: number;
}

const HOP_BY_HOP = new Set([
  'authorization',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'accept-encoding',
  'proxy-authorization',
  'te',
  'upgrade',
]);
const DROPPED_RESPONSE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection']);

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * node:http rather than fetch: fetch turns every chunk of a streamed reply into a web-stream read and
 * back (Readable.fromWeb), which cost the relay about as much CPU per model delta as relaying the
 * delta to the client. Kept-alive sockets, as fetch's pool had.
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** What fetch accepted and undid for us; codex is sent the plain body (content-encoding dropped). */
const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

function decoded(response: http.IncomingMessage): Readable {
  switch (response.headers['content-encoding']?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(zlib.createGunzip());
    case 'deflate':
      return response.pipe(zlib.createInflate());
    case 'br':
      return response.pipe(zlib.createBrotliDecompress());
    default:
      return response;
  }
}

export class ModelRelay {
  /** Token digests to users: a lookup never compares the secret itself. */
  private readonly tokens = new Map<string, string>();

  private constructor(
    private readonly server: http.Server,
    private readonly options: ModelRelayOptions,
  ) {}

  static async start(options: ModelRelayOptions): Promise<ModelRelay> {
    const server = http.createServer();
    const relay = new ModelRelay(server, options);
    server.on('request', (req, res) => void relay.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  /** The base URL codex's provider points at. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** A new token for one session of `userKey`; revoke it when the session ends. */
  issue(userKey: string): string {
    const token = `bridge-relay-${randomBytes(32).toString('base64url')}`;
    this.tokens.set(digest(token), userKey);
    return token;
  }

  revoke(token: string): void {
    this.tokens.delete(digest(token));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const userKey = this.userOf(req.headers.authorization);
    if (!userKey) return fail(res, 401, 'the model relay accepts only the token of a running session', 'invalid_api_key');
    const url = req.url ?? '/';
    if (!url.startsWith('/v1/')) return fail(res, 404, `no such path on the model relay: ${url}`, 'not_found');
    let body: Buffer | undefined;
    try {
      body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, this.options.maxBodyBytes);
    } catch (error) {
      return fail(res, 413, (error as Error).message, 'request_too_large');
    }
    let upstream: http.IncomingMessage;
    try {
      upstream = await this.forward(req, url, body, res);
    } catch (error) {
      if (res.destroyed) return;
      this.options.logger.warn({ err: (error as Error).message }, 'model endpoint unreachable');
      return fail(res, 502, 'the model endpoint could not be reached', 'upstream_unreachable');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name))
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    res.writeHead(upstream.statusCode ?? 502, headers);
    const meter = this.meterFor(userKey, upstream.headers['content-type'] ?? '');
    const stream = decoded(upstream);
    stream.on('data', (chunk: Buffer) => {
      meter(chunk);
      res.write(chunk);
    });
    stream.on('end', () => {
      meter(undefined);
      res.end();
    });
    stream.on('error', () => res.destroy());
    // A reply cut short upstream is cut short to codex too, as with fetch (the decoder does not pass errors on).
    upstream.on('error', () => res.destroy());
  }

  /** Sends the request on to the real endpoint; resolves with its response head. Ends it when codex goes away. */
  private forward(
    req: http.IncomingMessage,
    url: string,
    body: Buffer | undefined,
    res: http.ServerResponse,
  ): Promise<http.IncomingMessage> {
    const target = new URL(`${this.options.upstream.replace(/\/+$/, '')}${url.slice('/v1'.length)}`);
    const client = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? AGENTS['https:'] : AGENTS['http:'];
    const headers: http.OutgoingHttpHeaders = {
      ...forwardedHeaders(req.headers, this.options.apiKey),
      'accept-encoding': ACCEPTED_ENCODINGS,
    };
    if (body) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const request = client.request(target, { method: req.method ?? 'POST', headers, agent }, resolve);
      request.on('error', reject);
      res.once('close', () => {
        if (!res.writableFinished) request.destroy();
      });
      request.end(body);
    });
  }

  private userOf(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    return match?.[1] ? this.tokens.get(digest(match[1])) : undefined;
  }

  /** Reads usage out of the response as it passes, without holding it back. */
  private meterFor(userKey: string, contentType: string): (chunk: Buffer | undefined) => void {
    const report = (payload: unknown): void => {
      const usage = usageOfResponse(payload);
      if (usage) this.options.onUsage(userKey, usage);
    };
    if (contentType.includes('text/event-stream')) {
      const parser = createParser({
        onEvent: (event) => {
          if (!event.data.includes('"usage"')) return;
          try {
            report(JSON.parse(event.data));
          } catch {
            // Not JSON: nothing to count.
          }
        },
      });
      const decoder = new TextDecoder();
      return (chunk) => {
        if (chunk) parser.feed(decoder.decode(chunk, { stream: true }));
      };
    }
    if (!contentType.includes('json')) return () => undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    return (chunk) => {
      if (chunk) {
        size += chunk.length;
        if (size <= 4 * 1024 * 1024) chunks.push(chunk);
        return;
      }
      try {
        report(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        // Not JSON after all.
      }
    };
  }
}

function forwardedHeaders(incoming: http.IncomingHttpHeaders, apiKey: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (HOP_BY_HOP.has(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

function readBody(req: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`a model request may be at most ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** OpenAI's error shape, which codex shows as the turn's error. */
function fail(res: http.ServerResponse, status: number, message: string, code: string): void {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
