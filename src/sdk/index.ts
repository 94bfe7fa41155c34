/**
 * Typed client for the Codex API Bridge, generated from its openapi.yaml:
 * `import { createBridgeClient } from 'codex-api-bridge-sdk'` (built by `npm run build:sdk` into dist/sdk-package).
 */
export { createBridgeClient } from './client';
export type {
  BridgeClient,
  BridgeClientOptions,
  CallOptions,
  RawBridgeClient,
  ResumeOptions,
  StreamOptions,
  TokenSource,
} from './client';
export type { FollowOptions } from './followTurn';
export type { UserEventsOptions } from './userEvents';
export { verifyWebhook, WebhookVerificationError } from './webhooks';
export { BridgeProblemError, BridgeProtocolError } from './errors';
export type {
  Approval,
  ApprovalAnswer,
  ApprovalDecision,
  ApprovalList,
  ApprovalResolution,
  BridgeOperations,
  BridgePaths,
  BridgeSchemas,
  ChatEvent,
  ChatEventOf,
  ChatEventType,
  ChatInput,
  ChatMessage,
  ChatRequest,
  ChatResult,
  GetHistoryQuery,
  History,
  HistoryMessage,
  Item,
  ListThreadsQuery,
  OpenApiDocument,
  Problem,
  RenameThreadRequest,
  ServiceInfo,
  Status,
  StreamedChatEvent,
  ThreadId,
  ThreadList,
  ThreadSummary,
  TurnAccepted,
  TurnState,
  Usage,
  UserUsage,
  StreamedUserEvent,
  UserEvent,
  UserEventType,
  WebhookDelivery,
  WebhookPayload,
  WebhookSubscription,
  WebhookSubscriptionCreated,
  WebhookSubscriptionRequest,
} from './types';
