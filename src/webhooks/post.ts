import http from 'node:http';
import https from 'node:https';
import type { TargetGuard } from './targetPolicy';

export interface PostOutcome {
  /** The receiver's status; undefined when there was no answer (refused, timed out, unreachable). */
  status: number | undefined;
  error: string | undefined;
}

/** What of a receiver's answer the bridge reads: enough to drain the socket, nothing it keeps. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One POST to a webhook receiver. Redirects are not followed (a 3xx is a failed attempt: a redirect could point
 * anywhere), the address is checked as it is resolved, and the whole exchange is bounded by `timeoutMs`.
 */
export function postWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { guard: TargetGuard | undefined; timeoutMs: number },
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        ...(options.guard && { lookup: options.guard.lookup }),
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('error', () => undefined);
        response.on('close', () => done({ status: response.statusCode, error: undefined }));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      done({ status: undefined, error: `no answer within ${options.timeoutMs / 1000} s` });
    }, options.timeoutMs);
    timer.unref();
    request.on('error', (error) => done({ status: undefined, error: error.message }));
    request.end(body);
  });
}
