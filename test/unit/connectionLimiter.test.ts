import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConnectionLimiter } from '../../src/http/connectionLimiter';
import { waitUntil } from '../support/wait';

/** A real HTTP server behind the limiter; `served` counts requests that reached the app. */
async function serverWith(limiter: ConnectionLimiter): Promise<{ port: number; served: () => number; close: () => Promise<void> }> {
  let served = 0;
  const server = http.createServer(
    limiter.handler((_req, res) => {
      served++;
      res.end('ok');
    }),
  );
  limiter.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    served: () => served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function exchange(port: number): Promise<{ socket: net.Socket; reply: Promise<string> }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      resolve({
        socket,
        reply: new Promise((done) => {
          socket.on('close', () => done(text));
          const poll = setInterval(() => {
            if (text.includes('\r\n\r\n') && (text.includes('ok') || text.includes('}'))) {
              clearInterval(poll);
              done(text);
            }
          }, 10);
        }),
      });
    });
    socket.on('error', () => undefined);
  });
}

describe('ConnectionLimiter', () => {
  it('holds MAX_CONNECTIONS, answers the excess 503 without running its request, and admits again once one closes', async () => {
    const limiter = new ConnectionLimiter(3, 0);
    const server = await serverWith(limiter);
    try {
      const admitted = await Promise.all([1, 2, 3].map(() => exchange(server.port)));
      for (const { reply } of admitted) expect(await reply).toMatch(/^HTTP\/1\.1 200/);
      const excess = await exchange(server.port);
      const text = await excess.reply;
      expect(text).toMatch(/^HTTP\/1\.1 503/);
      expect(text).toMatch(/Retry-After: 5/i);
      expect(text).toContain('too-many-connections');
      expect(server.served()).toBe(3);
      expect(limiter.report()).toEqual({ open: 3, max: 3, max_per_client: 0 });
      admitted[0]?.socket.destroy();
      await waitUntil(() => limiter.report().open === 2, 'the closed socket to be released');
      const next = await exchange(server.port);
      expect(await next.reply).toMatch(/^HTTP\/1\.1 200/);
      for (const { socket } of [...admitted, excess, next]) socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('caps one client address at MAX_CONNECTIONS_PER_CLIENT', async () => {
    const limiter = new ConnectionLimiter(100, 2);
    const server = await serverWith(limiter);
    try {
      const admitted = await Promise.all([1, 2].map(() => exchange(server.port)));
      const excess = await exchange(server.port);
      expect(await excess.reply).toMatch(/^HTTP\/1\.1 503/);
      for (const { socket } of [...admitted, excess]) socket.destroy();
    } finally {
      await server.close();
    }
  });
});
