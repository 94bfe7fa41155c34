import { SubscriptionFileError, type Subscription } from '../../webhooks/subscriptionStore';
import { TargetRefused } from '../../webhooks/targetPolicy';
import type { WebhookService } from '../../webhooks/webhookService';
import { DEFAULT_WEBHOOK_EVENTS } from '../../codex/userEventTypes';
import { userDirectoryName } from '../../codex/userDirectory';
import { ConflictError, ForbiddenError, NotFoundError, ServiceUnavailableError } from '../../errors';
import type { Handlers } from '../operations';
import type { StreamLimiter } from '../streamLimiter';
import { streamUserEvents } from '../userEventStream';
import type { Services } from './services';
import { userOf } from './withSession';

type EventHandlers = Pick<
  Handlers,
  'streamUserEvents' | 'listWebhooks' | 'createWebhook' | 'deleteWebhook' | 'listWebhookDeliveries'
>;

/** A subscription as the API shows it: never its secret. */
const shown = ({ secret: _secret, ...rest }: Subscription) => rest;

/** GET /events and the webhook subscriptions. */
export function createEventHandlers(services: Services, streams: StreamLimiter): EventHandlers {
  const webhooksOf = (user: Parameters<typeof userOf>[0]): { service: WebhookService; key: string } => {
    if (!services.webhooks) throw new ServiceUnavailableError('webhooks are not available in this bridge', 60, 'webhooks-unavailable');
    return { service: services.webhooks, key: userDirectoryName(userOf(user)) };
  };
  /** A records file that fails its check is the bridge's trouble, told as such, never a 500 or a silent empty list. */
  const readable = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SubscriptionFileError)
        throw new ServiceUnavailableError('the webhook records of this user cannot be read; the operator has been told', 60, 'webhook-records-unreadable');
      throw error;
    }
  };
  const findOwn = async (service: WebhookService, key: string, id: string): Promise<Subscription> => {
    const found = (await readable(() => service.storeOf(key).list())).find((subscription) => subscription.id === id);
    if (!found) throw new NotFoundError(`no webhook subscription '${id}' for this user`, 'webhook-not-found');
    return found;
  };

  return {
    streamUserEvents: async ({ query, req, res, user }) => {
      const lastEventId = req.get('last-event-id');
      const afterSeq = lastEventId !== undefined ? Number(lastEventId) : query.after;
      const hub = services.sessions.userEvents(userOf(user));
      const release = streams.acquire(userOf(user));
      try {
        await streamUserEvents(res, hub, {
          keepaliveMs: services.config.sseKeepaliveMs,
          maxBacklogBytes: services.config.sseMaxBacklogBytes,
          stallTimeoutMs: services.config.sseStallTimeoutMs,
          afterSeq,
        });
      } finally {
        release();
      }
      return 'streamed';
    },

    listWebhooks: async ({ user }) => {
      const { service, key } = webhooksOf(user);
      const subscriptions = await readable(() => service.storeOf(key).list());
      return { status: 200, body: { webhooks: subscriptions.map(shown) } };
    },

    createWebhook: async ({ body, user }) => {
      const { service, key } = webhooksOf(user);
      if (service.maxPerUser === 0)
        throw new ForbiddenError('users cannot subscribe webhooks here (WEBHOOK_MAX_PER_USER=0)', [], 'webhooks-disabled');
      try {
        await service.checkTarget(body.url);
      } catch (error) {
        if (!(error instanceof TargetRefused)) throw error;
        throw new ForbiddenError(`the bridge may not call this URL: ${error.message}`, [{ field: '/body/url', message: error.message }], 'webhook-target-forbidden');
      }
      const created = await readable(() =>
        service.storeOf(key).add(
          { url: body.url, events: body.events ?? [...DEFAULT_WEBHOOK_EVENTS], description: body.description ?? null },
          service.maxPerUser,
        ),
      );
      if (!created)
        throw new ConflictError(`at most ${service.maxPerUser} webhook subscriptions per user (WEBHOOK_MAX_PER_USER); delete one first`, 'too-many-webhooks');
      return { status: 201, body: created };
    },

    deleteWebhook: async ({ params, user }) => {
      const { service, key } = webhooksOf(user);
      await findOwn(service, key, params.webhook_id);
      await readable(() => service.storeOf(key).remove(params.webhook_id));
      service.forget(params.webhook_id);
      return { status: 204, body: undefined };
    },

    listWebhookDeliveries: async ({ params, user }) => {
      const { service, key } = webhooksOf(user);
      await findOwn(service, key, params.webhook_id);
      return { status: 200, body: { deliveries: service.deliveriesOf(params.webhook_id) } };
    },
  };
}
