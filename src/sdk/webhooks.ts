import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { WebhookPayload } from './types';

export { WebhookVerificationError };

/**
 * Checks a webhook delivery of the bridge (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) against the subscription's `whsec_...` secret and returns its payload. Throws
 * `WebhookVerificationError` for a wrong signature or a timestamp more than five minutes off. Pass the body
 * exactly as received (a string or bytes), before any JSON parsing.
 */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  headers: Record<string, string | string[] | undefined> | Headers,
): WebhookPayload {
  const header = (name: string): string => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  return new Webhook(secret).verify(body, {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  }) as WebhookPayload;
}
