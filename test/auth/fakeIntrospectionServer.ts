/**
 * A stand-in RFC 7662 endpoint on 127.0.0.1 whose every answer a test decides, including the
 * failures a real Keycloak is hard to coax into: hanging, slow answers, 5xx, broken JSON.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnswer {
  status?: number;
  /** An object is sent as JSON; a string is sent as is. */
  body?: object | string;
  delayMs?: number;
}

/** 'hang': accept the request and never answer. */
export type FakeBehaviour = (form: URLSearchParams) => FakeAnswer | 'hang';

export interface FakeIntrospectionServer {
  url: string;
  /** Requests received so far. */
  readonly calls: number;
  readonly lastForm: URLSearchParams | undefined;
  respondWith(behaviour: FakeBehaviour): void;
  close(): Promise<void>;
}

/** An active token for `sub`, valid for an hour unless `claims` says otherwise. */
export function activeToken(sub: string | undefined, claims: Record<string, unknown> = {}): FakeAnswer {
  return {
    body: {
      active: true,
      ...(sub === undefined ? {} : { sub }),
      exp: Math.floor(Date.now() / 1000) + 3600,
      preferred_username: sub,
      token_type: 'Bearer',
      ...claims,
    },
  };
}

export async function startFakeIntrospectionServer(): Promise<FakeIntrospectionServer> {
  let behaviour: FakeBehaviour = () => ({ body: { active: false } });
  const timers = new Set<NodeJS.Timeout>();
  const state: { calls: number; lastForm: URLSearchParams | undefined } = { calls: 0, lastForm: undefined };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void readBody(request).then((text) => {
      state.calls += 1;
      const form = new URLSearchParams(text);
      state.lastForm = form;
      const answer = behaviour(form);
      if (answer === 'hang') return;
      const send = (): void => {
        const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(body);
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/realms/test/protocol/openid-connect/token/introspect`,
    get calls() {
      return state.calls;
    },
    get lastForm() {
      return state.lastForm;
    },
    respondWith(next) {
      behaviour = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      // Hanging requests hold their sockets open; close() alone would wait for them forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
