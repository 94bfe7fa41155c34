/**
 * Typed client for the Codex API Bridge, generated from its openapi.yaml:
 * `import { createBridgeClient } from 'codex-api-bridge/sdk'`.
 */
export { createBridgeClient } from './client';
export type { BridgeClient, BridgeClientOptions, CallOptions, RawBridgeClient, TokenSource } from './client';
export { BridgeProblemError, BridgeStreamError } from './errors';
export type {
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
  Usage,
} from './types';
