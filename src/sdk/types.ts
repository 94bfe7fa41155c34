import type { components, operations, paths } from '../../generated/api';

/*
 * Every type here is an alias of, or derived from, generated/api.d.ts (which `npm run codegen`
 * writes from openapi.yaml), so the SDK cannot drift from the contract.
 */

type Schemas = components['schemas'];

/** The OpenAPI `paths` of the bridge, for the raw openapi-fetch client. */
export type BridgePaths = paths;
export type BridgeOperations = operations;
export type BridgeSchemas = Schemas;

export type Problem = Schemas['Problem'];
export type ServiceInfo = Schemas['ServiceInfo'];
export type Status = Schemas['Status'];
export type ChatRequest = Schemas['ChatRequest'];
export type ChatMessage = Schemas['ChatMessage'];
export type ChatResult = Schemas['ChatResult'];
export type ChatEvent = Schemas['ChatEvent'];
export type ChatEventType = ChatEvent['type'];
/** The event of one type, e.g. `ChatEventOf<'message.delta'>`. */
export type ChatEventOf<Type extends ChatEventType> = Extract<ChatEvent, { type: Type }>;
export type Item = Schemas['Item'];
export type Usage = Schemas['Usage'];
export type ThreadId = Schemas['ThreadId'];
export type ThreadSummary = Schemas['ThreadSummary'];
export type ThreadList = Schemas['ThreadList'];
export type History = Schemas['History'];
export type HistoryMessage = Schemas['HistoryMessage'];
export type TurnAccepted = Schemas['TurnAccepted'];
export type TurnQueued = Schemas['TurnQueued'];
export type ModelCatalogue = Schemas['ModelCatalogue'];
export type CodexModel = Schemas['CodexModel'];
export type ChatContentPart = Schemas['ChatContentPart'];
export type TurnState = Schemas['TurnState'];
export type Approval = Schemas['Approval'];
export type ApprovalList = Schemas['ApprovalList'];
export type ApprovalAnswer = Schemas['ApprovalAnswer'];
export type ApprovalDecision = Schemas['ApprovalDecision'];
export type ApprovalResolution = Schemas['ApprovalResolution'];
export type ApprovalQuestion = Schemas['ApprovalQuestion'];
export type PermissionAsked = Schemas['PermissionAsked'];
export type Elicitation = Schemas['Elicitation'];
export type UserUsage = Schemas['UserUsage'];
export type Plan = Schemas['Plan'];
export type PlanStep = Schemas['PlanStep'];
export type ReviewItem = Schemas['ReviewItem'];
export type ReviewFinding = Schemas['ReviewFinding'];
export type ReviewTarget = Schemas['ReviewTarget'];
export type ReviewRequest = Schemas['ReviewRequest'];
export type NewReviewRequest = Schemas['NewReviewRequest'];
export type ForkThreadRequest = Schemas['ForkThreadRequest'];
export type RevertThreadRequest = Schemas['RevertThreadRequest'];
export type RevertResult = Schemas['RevertResult'];
/** What the review methods take: a `ReviewRequest` without `stream` and `background`, which each method sets. */
export type ReviewInput = Omit<ReviewRequest, 'stream' | 'background'>;
export type NewReviewInput = Omit<NewReviewRequest, 'stream' | 'background'>;

export type ListThreadsQuery = NonNullable<operations['listThreads']['parameters']['query']>;
export type GetHistoryQuery = operations['getHistory']['parameters']['query'];
export type RenameThreadRequest = operations['renameThread']['requestBody']['content']['application/json'];
export type OpenApiDocument = operations['getOpenApiJson']['responses'][200]['content']['application/json'];

/** What `chat`, `streamChat` and `startBackgroundChat` take: a `ChatRequest` without `stream` and `background`, which each method sets. */
export type ChatInput = Omit<ChatRequest, 'stream' | 'background'>;

/** One event of a streamed turn with its SSE `id:`, the event's sequence number within the turn. */
export interface StreamedChatEvent {
  id: number;
  event: ChatEvent;
}

export type UserEvent = Schemas['UserEvent'];
export type UserEventType = Schemas['UserEventType'];
export type WebhookPayload = Schemas['WebhookPayload'];
export type WebhookSubscriptionRequest = Schemas['WebhookSubscriptionRequest'];
export type WebhookSubscription = Schemas['WebhookSubscription'];
export type WebhookSubscriptionCreated = Schemas['WebhookSubscriptionCreated'];
export type WebhookDelivery = Schemas['WebhookDelivery'];

/** One event of the caller's stream (GET /events) with its SSE `id:`, for resuming after it. */
export interface StreamedUserEvent {
  id: number;
  event: UserEvent;
}
