import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

/** Set on a request one replica passes to another: the receiver serves it itself, whatever it thinks of ownership. */
export const FORWARDED_HEADER = 'x-codex-bridge-forwarded';
/** The replicas' shared secret (kept in Redis), so that a client cannot pass for a replica. */
export const FORWARD_KEY_HEADER = 'x-codex-bridge-forward-key';

/** Headers that belong to one connection, not to the request (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)));
}

export type ForwardFailure = { phase: 'connect'; error: Error } | { phase: 'stream'; error: Error };

/**
 * Pipes a request to the replica that owns its user and the answer back, both as they come: SSE events
 * reach the client as the owner writes them. node:http and pipe() rather than a proxy library: the bridge
 * needs nothing of one but this, keep-alive connections between replicas, and the choice, when the owner
 * cannot be reached before anything was sent, of answering a problem instead (`onFailure` with
 * phase 'connect'); a stream cut later ends the client's connection too, so no stream is left hanging.
 */
export class Forwarder {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 30_000 });
  forwarded = 0;
  key = '';

  constructor(private readonly replicaId: string) {}

  forward(req: IncomingMessage, res: ServerResponse, target: string, path: string, onFailure: (failure: ForwardFailure) => void): void {
    const url = new URL(path, target);
    const headers = endToEnd(req.headers);
    headers.host = url.host;
    headers[FORWARDED_HEADER] = this.replicaId;
    headers[FORWARD_KEY_HEADER] = this.key;
    const client = req.socket.remoteAddress;
    if (client) headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${client}` : client;
    this.forwarded += 1;
    let answered = false;
    const upstream = http.request(url, { method: req.method, headers, agent: this.agent }, (answer) => {
      answered = true;
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      res.flushHeaders();
      answer.pipe(res);
      answer.once('error', (error) => {
        onFailure({ phase: 'stream', error });
        res.destroy(error);
      });
      answer.once('aborted', () => res.destroy());
    });
    upstream.once('error', (error) => {
      if (!answered && !res.headersSent) onFailure({ phase: 'connect', error });
      else {
        onFailure({ phase: 'stream', error });
        res.destroy(error);
      }
    });
    // The client went away: so does the request to the owner (which then stops streaming to nobody).
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  close(): void {
    this.agent.destroy();
  }
}
