import { z } from 'zod';
import {
  approvalRequestedEventSchema,
  approvalResolvedEventSchema,
  turnErrorSchema,
  usageSchema,
  type BridgeEvent,
} from './bridgeEvents';
import { USER_EVENT_TYPES } from './userEventTypes';

/*
 * What happens across all of a user's threads, told once per thing (no deltas): the events of GET /events
 * and the `data` of webhook deliveries. Rendered into openapi.yaml like the turn events (a test keeps them equal).
 * The approval events are the turn stream's own, whatever kind of request they carry.
 */

const id = z.string().min(1);
const occurredAt = z.string().meta({ description: 'ISO 8601 time the bridge saw it happen.' });

export const userTurnStartedEventSchema = z
  .object({ type: z.literal('turn.started'), thread_id: id, turn_id: id, thread_created: z.boolean(), occurred_at: occurredAt })
  .meta({ id: 'UserTurnStartedEvent', description: 'A turn started on one of the user\'s threads (new or continued).' });

export const userTurnEndedEventSchema = z
  .object({
    type: z.enum(['turn.completed', 'turn.failed', 'turn.interrupted']),
    thread_id: id,
    turn_id: id,
    status: z.enum(['completed', 'failed', 'interrupted']),
    message: z.string().nullable().meta({ description: "The turn's last assistant message, if any." }),
    error: z.union([turnErrorSchema, z.null()]),
    usage: z.union([usageSchema, z.null()]),
    occurred_at: occurredAt,
  })
  .meta({
    id: 'UserTurnEndedEvent',
    description: 'A turn ended; `type` says how (`turn.completed`, `turn.failed`, `turn.interrupted`), as `status` does.',
  });

export const userApprovalRequestedEventSchema = approvalRequestedEventSchema
  .extend({ occurred_at: occurredAt })
  .meta({
    id: 'UserApprovalRequestedEvent',
    description:
      'Codex waits for an answer (an approval of any kind): answer with `POST /threads/{thread_id}/approvals/{request_id}`.',
  });

export const userApprovalResolvedEventSchema = approvalResolvedEventSchema
  .extend({ occurred_at: occurredAt })
  .meta({ id: 'UserApprovalResolvedEvent', description: 'An approval was answered, by a client or by the bridge.' });

export const userThreadRenamedEventSchema = z
  .object({ type: z.literal('thread.renamed'), thread_id: id, name: z.string(), occurred_at: occurredAt })
  .meta({ id: 'UserThreadRenamedEvent', description: 'A thread got a new name.' });

export const userThreadArchivedEventSchema = z
  .object({ type: z.literal('thread.archived'), thread_id: id, occurred_at: occurredAt })
  .meta({ id: 'UserThreadArchivedEvent', description: 'A thread was archived.' });

export const userThreadDeletedEventSchema = z
  .object({ type: z.literal('thread.deleted'), thread_id: id, occurred_at: occurredAt })
  .meta({ id: 'UserThreadDeletedEvent', description: 'A thread was deleted for good.' });

const userEventVariants = [
  userTurnStartedEventSchema,
  userTurnEndedEventSchema,
  userApprovalRequestedEventSchema,
  userApprovalResolvedEventSchema,
  userThreadRenamedEventSchema,
  userThreadArchivedEventSchema,
  userThreadDeletedEventSchema,
] as const;

export const userEventSchema = z
  .discriminatedUnion('type', [...userEventVariants])
  .meta({
    id: 'UserEvent',
    description:
      'The JSON `data` of one SSE event of `GET /events`, and of a webhook delivery; `type` equals the SSE `event:` name.',
  });

export const userEventTypeSchema = z
  .enum(USER_EVENT_TYPES)
  .meta({ id: 'UserEventType', description: 'The kinds of `UserEvent`.' });

export const webhookPayloadSchema = z
  .object({
    type: userEventTypeSchema,
    timestamp: z.string().meta({ description: 'ISO 8601 time of the event (as `data.occurred_at`).' }),
    user_id: z
      .string()
      .optional()
      .meta({ description: "Whose event it is; only in deliveries to the operator's endpoint (WEBHOOK_URL), which gets every user's." }),
    data: userEventSchema,
  })
  .meta({
    id: 'WebhookPayload',
    description:
      'The body of a webhook delivery (Standard Webhooks: `type`, `timestamp`, `data`), signed in `webhook-signature`.',
  });

export type UserEvent = z.infer<typeof userEventSchema>;
export type UserEventType = z.infer<typeof userEventTypeSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type UserEventBody = DistributiveOmit<UserEvent, 'occurred_at'>;

/** A turn's event as the user stream tells it; most (deltas, items, usage) are the turn stream's alone. */
export function userEventOfTurn(event: BridgeEvent): UserEventBody | undefined {
  switch (event.type) {
    case 'turn.started':
      return { type: 'turn.started', thread_id: event.thread_id, turn_id: event.turn_id, thread_created: event.thread_created };
    case 'approval.requested':
    case 'approval.resolved':
      return event;
    default:
      return undefined;
  }
}

export const userEventComponents = [
  ...userEventVariants,
  userEventSchema,
  userEventTypeSchema,
  webhookPayloadSchema,
];
