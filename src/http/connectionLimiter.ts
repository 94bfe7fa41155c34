import type http from 'node:http';
import type { Socket } from 'node:net';
import { problemType } from './errors';

export interface ConnectionReport {
  open: number;
  max: number;
  max_per_client: number;
}

/** An over-the-cap connection gets this long to send its request and read the 503, then it is destroyed. */
const REJECT_GRACE_MS = 5000;
/** Over-the-cap connections still waiting for their 503, beyond which new ones are dropped without answer. */
const MAX_PENDING_REJECTS = 100;
const RETRY_AFTER_SECONDS = 5;

/**
 * MAX_CONNECTIONS open sockets at once, MAX_CONNECTIONS_PER_CLIENT from one address: file descriptors are
 * what a flood of idle sockets exhausts first, making /status and /chat unreachable for everyone. The excess
 * gets a 503 problem (its request is never run) and is closed; past that, it is dropped.
 */
export class ConnectionLimiter {
  private open = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly rejected = new WeakSet<Socket>();
  private pendingRejects = 0;

  constructor(
    private readonly maxConnections: number,
    private readonly maxPerClient: number,
  ) {}

  report(): ConnectionReport {
    return { open: this.open, max: this.maxConnections, max_per_client: this.maxPerClient };
  }

  /** Wraps the app: requests of rejected sockets are answered here and never reach it. */
  handler(app: http.RequestListener): http.RequestListener {
    return (req, res) => {
      if (!this.rejected.has(req.socket)) {
        app(req, res);
        return;
      }
      const body = JSON.stringify({
        type: problemType('too-many-connections'),
        title: 'Service unavailable',
        status: 503,
        detail: 'too many open connections (MAX_CONNECTIONS / MAX_CONNECTIONS_PER_CLIENT); try again shortly',
        instance: (req.url ?? '/').split('?')[0],
      });
      res.shouldKeepAlive = false;
      res.writeHead(503, {
        'Content-Type': 'application/problem+json',
        'Content-Length': Buffer.byteLength(body),
        'Retry-After': String(RETRY_AFTER_SECONDS),
        Connection: 'close',
      });
      res.end(body, () => req.socket.destroy());
    };
  }

  attach(server: http.Server): void {
    server.prependListener('connection', (socket: Socket) => this.admit(socket));
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.open >= this.maxConnections || (this.maxPerClient > 0 && fromAddress >= this.maxPerClient)) {
      this.reject(socket);
      return;
    }
    this.open++;
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.open--;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    });
  }

  private reject(socket: Socket): void {
    if (this.pendingRejects >= MAX_PENDING_REJECTS) {
      socket.destroy();
      return;
    }
    this.pendingRejects++;
    this.rejected.add(socket);
    const timer = setTimeout(() => socket.destroy(), REJECT_GRACE_MS);
    timer.unref();
    socket.once('close', () => {
      this.pendingRejects--;
      clearTimeout(timer);
    });
  }
}
