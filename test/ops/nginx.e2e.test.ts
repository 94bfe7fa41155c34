import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { makeTempDir } from '../support/tempDir';
import { waitUntil } from '../support/wait';
import { freeLoopbackPort, onPath } from './freePort';

/*
 * deploy/nginx/codex-bridge.conf as shipped, in front of the real bridge, with Debian's nginx: TLS
 * terminated by nginx, SSE events reaching the client while the turn runs (not all at the end), at the
 * root and under the /codex/ prefix. Only addresses and certificate paths are replaced.
 */

const root = path.resolve(__dirname, '../..');
const runnable = onPath('nginx') && onPath('openssl');
const describeNginx = runnable || process.env.CI === 'true' ? describe : describe.skip;
if (!runnable && process.env.CI !== 'true') console.warn('nginx test skipped: apt-get install nginx openssl');

const DELTAS = 6;
const DELTA_GAP_MS = 400;

/** Replaces `from` in `text`, failing when the shipped file no longer contains it. */
function replaceExactly(text: string, from: string, to: string): string {
  if (!text.includes(from))
    throw new Error(`deploy/nginx/codex-bridge.conf no longer contains ${JSON.stringify(from)}`);
  return text.split(from).join(to);
}

let bridge: TestBridge;
let nginx: ChildProcess | undefined;
let confDir: string;
let httpsPort: number;
let certificate: string;
const nginxLog: string[] = [];

beforeAll(async () => {
  bridge = await startTestBridge();
  confDir = makeTempDir('nginx-');
  const bridgeAddress = new URL(bridge.url).host;
  httpsPort = await freeLoopbackPort();
  const httpPort = await freeLoopbackPort();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(confDir, 'tls.key'),
      '-out',
      path.join(confDir, 'tls.pem'),
    ],
    { stdio: 'ignore' },
  );
  certificate = fs.readFileSync(path.join(confDir, 'tls.pem'), 'utf8');

  let site = fs.readFileSync(path.join(root, 'deploy/nginx/codex-bridge.conf'), 'utf8');
  site = replaceExactly(site, 'server 127.0.0.1:8000;', `server ${bridgeAddress};`);
  site = replaceExactly(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  site = replaceExactly(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  site = replaceExactly(site, '/etc/ssl/certs/codex.example.com.pem', path.join(confDir, 'tls.pem'));
  site = replaceExactly(site, '/etc/ssl/private/codex.example.com.key', path.join(confDir, 'tls.key'));
  fs.writeFileSync(path.join(confDir, 'codex-bridge.conf'), site);
  fs.copyFileSync(
    path.join(root, 'deploy/nginx/codex-bridge-proxy.conf'),
    path.join(confDir, 'codex-bridge-proxy.conf'),
  );
  // The minimal main file Debian's nginx.conf would be: this site inside http { }, everything in confDir.
  fs.writeFileSync(
    path.join(confDir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${confDir}/nginx.pid;`,
      `error_log ${confDir}/error.log warn;`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${confDir}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${confDir}/${kind}_temp;`,
      ),
      '  include codex-bridge.conf;',
      '}',
      '',
    ].join('\n'),
  );
  nginx = spawn('nginx', ['-e', `${confDir}/error.log`, '-p', confDir, '-c', path.join(confDir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  nginx.stderr!.on('data', (chunk: Buffer) => nginxLog.push(chunk.toString()));
  await waitUntil(
    async () => {
      if (nginx!.exitCode !== null) throw new Error(`nginx exited: ${nginxLog.join('')}${readLog()}`);
      return (await get('/status').catch(() => undefined))?.status === 200;
    },
    'nginx to answer',
    15_000,
  );
}, 90_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGQUIT');
    await exited;
  }
  await bridge?.stop();
  if (confDir) fs.rmSync(confDir, { recursive: true, force: true });
});

function readLog(): string {
  try {
    return fs.readFileSync(path.join(confDir, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}

interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** When each SSE event (a `data:` block) arrived, ms since the request was sent. */
  arrivals: Array<{ atMs: number; event: string }>;
}

function request(pathname: string, method: 'GET' | 'POST', body?: unknown): Promise<Received> {
  return new Promise((resolve, reject) => {
    const sentAt = Date.now();
    const req = https.request(
      {
        host: '127.0.0.1',
        port: httpsPort,
        path: pathname,
        method,
        servername: 'localhost',
        ca: certificate,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      },
      (res) => {
        const received: Received = { status: res.statusCode ?? 0, headers: res.headers, body: '', arrivals: [] };
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.body += chunk;
          pending += chunk;
          const blocks = pending.split('\n\n');
          pending = blocks.pop() ?? '';
          for (const block of blocks) {
            const event = /^event: (.*)$/m.exec(block)?.[1];
            if (event) received.arrivals.push({ atMs: Date.now() - sentAt, event });
          }
        });
        res.on('end', () => resolve(received));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function get(pathname: string): Promise<Received> {
  return request(pathname, 'GET');
}

describeNginx('nginx in front of the bridge (deploy/nginx/codex-bridge.conf)', () => {
  it.each([
    ['at the root', '/chat'],
    ['under the /codex/ prefix', '/codex/chat'],
  ])('streams a turn %s: each delta arrives when the model produces it', async (_where, pathname) => {
    bridge.fake.enqueue({
      kind: 'text',
      text: 'one two three four five six',
      chunks: ['one ', 'two ', 'three ', 'four ', 'five ', 'six'],
      delayMs: DELTA_GAP_MS,
    });
    const res = await request(pathname, 'POST', { messages: [{ content: 'count slowly' }] });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.body).toContain('"status":"completed"');
    expect(res.body).toContain('data: [DONE]');
    const deltas = res.arrivals.filter((arrival) => arrival.event === 'message.delta');
    expect(deltas).toHaveLength(DELTAS);
    const last = res.arrivals.at(-1)!;
    // Buffered, every event would arrive together with the last one. Streamed, they are spread over
    // the (DELTAS - 1) gaps the model waited: the first delta long before the end of the stream.
    const spread = deltas.at(-1)!.atMs - deltas[0]!.atMs;
    expect(spread).toBeGreaterThanOrEqual((DELTAS - 1) * DELTA_GAP_MS * 0.5);
    expect(last.atMs - deltas[0]!.atMs).toBeGreaterThanOrEqual((DELTAS - 1) * DELTA_GAP_MS * 0.5);
  });

  it('serves the same bridge at the root and, prefix stripped, under /codex/', async () => {
    const rootStatus = await get('/status');
    const prefixed = await get('/codex/status');
    expect(rootStatus.status).toBe(200);
    expect(prefixed.status).toBe(200);
    expect(JSON.parse(prefixed.body)).toMatchObject({ codex_available: true });
    // nginx logs a request once it has sent the answer: the line may come a moment after the client read it.
    const accessLog = (): string => fs.readFileSync(path.join(confDir, 'access.log'), 'utf8');
    await waitUntil(() => accessLog().includes('GET /codex/status'), 'nginx to log GET /codex/status', 5_000).catch(() => undefined);
    expect(accessLog()).toContain('GET /codex/status');
  });
});
