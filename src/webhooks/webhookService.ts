import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { components } from '../../generated/api';
import { recordsDir } from '../isolation';
import type { UserEvent, WebhookPayload } from '../codex/userEvents';
import type { WebhookConfig } from '../config/env';
import type { Logger } from '../logger';
import { postWebhook } from './post';
import { SubscriptionStore, type Subscription } from './subscriptionStore';
import { TargetGuard, TargetRefused } from './targetPolicy';

type WebhookDelivery = components['schemas']['WebhookDelivery'];


/** Deliveries kept per subscription for GET /webhooks/{id}/deliveries, newest first. */
const DELIVERY_LOG_SIZE = 100;
/** Requests to receivers at once, over all users: a slow receiver must not take every socket. */
const MAX_CONCURRENT_POSTS = 16;
/** Retries wait at most this long, whatever the schedule says. */
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

interface Target {
  key: string;
  subscriptionId: string;
  url: string;
  secret: string;
  operator: boolean;
}

/**
 * Webhooks: the operator's endpoint and users' subscriptions, signed per Standard Webhooks (the
 * `standardwebhooks` package signs, as receivers verify with it), retried with backoff in the background.
 * Nothing here is awaited by a turn: an event is queued and the turn goes on.
 */
export class WebhookService {
  readonly guard: TargetGuard;
  private readonly stores = new Map<string, SubscriptionStore>();
  /** Delivery logs by subscription id (in memory: they restart empty with the bridge). */
  private readonly logs = new Map<string, WebhookDelivery[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting: Array<() => void> = [];
  private posting = 0;
  private closed = false;

  constructor(
    private readonly config: WebhookConfig,
    private readonly baseDataDir: string,
    private readonly logger: Logger,
    private readonly userAgent: string,
  ) {
    this.guard = new TargetGuard(config);
  }

  get maxPerUser(): number {
    return this.config.maxPerUser;
  }

  storeOf(key: string): SubscriptionStore {
    let store = this.stores.get(key);
    if (!store) {
      store = new SubscriptionStore(recordsDir(this.baseDataDir, key));
      this.stores.set(key, store);
    }
    return store;
  }

  /** The user's subscription's delivery log, newest first. */
  deliveriesOf(subscriptionId: string): WebhookDelivery[] {
    return this.logs.get(subscriptionId) ?? [];
  }

  forget(subscriptionId: string): void {
    this.logs.delete(subscriptionId);
  }

  /** Refuses a URL the bridge may not call (TargetRefused says why); resolves its host now. */
  async checkTarget(raw: string): Promise<URL> {
    const url = this.guard.checkUrl(raw);
    await this.guard.checkResolved(url);
    return url;
  }

  /** Queues the event for every target that wants it; returns at once. */
  handle(user: { userId: string; key: string }, event: UserEvent): void {
    if (this.closed) return;
    const operator = this.config.operator;
    if (operator?.events.includes(event.type)) {
      const target = { key: user.key, subscriptionId: 'operator', url: operator.url, secret: operator.secret, operator: true };
      this.enqueue(target, payloadOf(event, user.userId));
    }
    if (this.config.maxPerUser === 0) return;
    this.storeOf(user.key)
      .list()
      .then((subscriptions) => {
        for (const subscription of subscriptions.filter((entry) => entry.events.includes(event.type)))
          this.enqueue(targetOf(user.key, subscription), payloadOf(event));
      })
      .catch((error: Error) => this.logger.error({ err: error.message, user: user.key }, 'webhook subscriptions unreadable; events not delivered'));
  }

  /** Stops retrying; deliveries under way finish on their own. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private enqueue(target: Target, payload: WebhookPayload): void {
    const delivery: WebhookDelivery = {
      id: `msg_${randomUUID().replaceAll('-', '')}`,
      event_type: payload.type,
      created_at: new Date().toISOString(),
      state: 'pending',
      attempts: [],
      next_attempt_at: new Date().toISOString(),
    };
    if (!target.operator) {
      const log = this.logs.get(target.subscriptionId) ?? [];
      log.unshift(delivery);
      log.length = Math.min(log.length, DELIVERY_LOG_SIZE);
      this.logs.set(target.subscriptionId, log);
    }
    void this.attempt(target, delivery, JSON.stringify(payload));
  }

  /**
   * Every attempt is the same message (webhook-id and body) signed anew with its own timestamp: receivers
   * refuse timestamps older than a few minutes, and retries come later than that.
   */
  private signedHeaders(target: Target, delivery: WebhookDelivery, body: string): Record<string, string> {
    const now = new Date();
    return {
      'webhook-id': delivery.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(target.secret).sign(delivery.id, now, body),
      'user-agent': this.userAgent,
    };
  }

  private async attempt(target: Target, delivery: WebhookDelivery, body: string): Promise<void> {
    await this.slot();
    const headers = this.signedHeaders(target, delivery, body);
    const started = Date.now();
    let outcome;
    try {
      // Users' targets are checked again on each attempt, on the address actually connected to.
      const url = target.operator ? new URL(target.url) : this.guard.checkUrl(target.url);
      outcome = await postWebhook(url, body, headers, { guard: target.operator ? undefined : this.guard, timeoutMs: this.config.timeoutMs });
    } catch (error) {
      outcome = { status: undefined, error: error instanceof TargetRefused ? `refused: ${error.message}` : (error as Error).message };
    } finally {
      this.release();
    }
    const ok = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
    delivery.attempts.push({
      attempted_at: new Date(started).toISOString(),
      status_code: outcome.status ?? null,
      error: ok ? null : (outcome.error ?? `answered ${outcome.status}`),
      duration_ms: Date.now() - started,
    });
    const context = { delivery: delivery.id, subscription: target.subscriptionId, user: target.key, target: originOf(target.url) };
    if (ok) {
      delivery.state = 'delivered';
      delivery.next_attempt_at = null;
      return;
    }
    if (delivery.attempts.length >= this.config.maxAttempts || this.closed) {
      delivery.state = 'failed';
      delivery.next_attempt_at = null;
      this.logger.warn({ ...context, attempts: delivery.attempts.length }, 'webhook delivery failed for good');
      return;
    }
    const wait = Math.min(MAX_RETRY_DELAY_MS, this.config.retryBaseMs * 3 ** (delivery.attempts.length - 1));
    delivery.next_attempt_at = new Date(Date.now() + wait).toISOString();
    this.logger.info({ ...context, status: outcome.status, retryInMs: wait }, 'webhook delivery failed; will retry');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, delivery, body);
    }, wait);
    timer.unref();
    this.timers.add(timer);
  }

  private slot(): Promise<void> {
    if (this.posting < MAX_CONCURRENT_POSTS) {
      this.posting++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.posting--;
  }
}

function targetOf(key: string, subscription: Subscription): Target {
  return { key, subscriptionId: subscription.id, url: subscription.url, secret: subscription.secret, operator: false };
}

function payloadOf(event: UserEvent, userId?: string): WebhookPayload {
  return { type: event.type, timestamp: event.occurred_at, ...(userId !== undefined && { user_id: userId }), data: event };
}

/** Logged instead of the URL: its path or query may carry a receiver's token. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid-url';
  }
}
