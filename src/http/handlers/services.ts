import type { IdentityProviderHealth } from '../../auth/identityProviderHealth';
import type { ClusterStatus } from '../../cluster';
import type { CodexBinaryInfo } from '../../codex/binary';
import type { Usage } from '../../codex/bridgeEvents';
import type { CodexSession } from '../../codex/session';
import type { TurnRun } from '../../codex/turnRun';
import type { Config } from '../../config/env';
import type { Isolation } from '../../isolation';
import type { MeteredUsage } from '../../relay/metering';
import type { StorageReport } from '../../codex/storageHealth';
import type { ConnectionReport } from '../connectionLimiter';
import type { MemoryReport } from '../loadGuard';
import type { LoadedSpec } from '../spec';
import type { UserEventHub } from '../../codex/userEventHub';
import type { WebhookService } from '../../webhooks/webhookService';

/**
 * What the handlers use of a session: CodexSession, or a test double of it. The model catalogue is
 * optional so that doubles written before `/v1/models` stay valid; CodexSession always has it.
 */
export type ChatSession = Pick<
  CodexSession,
  | 'startTurn'
  | 'listThreads'
  | 'history'
  | 'rename'
  | 'archive'
  | 'interrupt'
  | 'readThread'
  | 'codexHistory'
  | 'fork'
  | 'revert'
  | 'unarchive'
  | 'deleteThread'
  | 'startReview'
> &
  Partial<Pick<CodexSession, 'listModels' | 'queueTurn'>>;

export interface SessionProvider {
  acquire(userId: string): Promise<{ session: ChatSession; release: () => void }>;
  /** A turn of the user: with `turnId`, running or recently finished; without, the thread's running one. */
  findTurn(userId: string, threadId: string, turnId?: string): TurnRun | undefined;
  /** The user's events across threads (GET /events); never starts a process. */
  userEvents(userId: string): UserEventHub;
  /** The same for one turn, also where another replica ran it (shared records); absent: findTurn. */
  lookupTurn?(userId: string, threadId: string, turnId: string): Promise<TurnRun | undefined>;
  usageOf(userId: string): Promise<{ usage: Usage; threads: number; metered: MeteredUsage | null }>;
  readonly activeSessions: number;
  readonly maxSessions: number;
  /** Free space and storage failures seen; never starts a process. */
  storageReport(): Promise<StorageReport>;
  readonly eventLedger: { readonly retainedBytes: number };
  /** False once shutdown started. */
  readonly accepting: boolean;
}

/** The bridge's own load: memory (with shedding) and open connections. */
export interface LoadInfo {
  memory(): MemoryReport;
  /** Throws 503 `memory-pressure` when no new turn should start. */
  assertCanTakeWork(): void;
  connections(): ConnectionReport;
}

export interface Services {
  config: Pick<
    Config,
    | 'openaiApiKey'
    | 'apiCompat'
    | 'securityMethod'
    | 'sseKeepaliveMs'
    | 'model'
    | 'maxStreamsPerUser'
    | 'baseDataDir'
    | 'eventsMaxBytes'
    | 'sseMaxBacklogBytes'
    | 'sseStallTimeoutMs'
    | 'sseLegacyErrorEvent'
    | 'codexHome'
    | 'multiUser'
    | 'isolation'
  >;
  codex: Pick<CodexBinaryInfo, 'command' | 'version'>;
  isolation: Pick<Isolation, 'status'>;
  sessions: SessionProvider;
  load: LoadInfo;
  spec: LoadedSpec;
  version: string;
  /** Users' webhook subscriptions and deliveries; absent, the webhook routes answer 503. */
  webhooks?: WebhookService | undefined;
  /** With REDIS_URL: this replica's place among several, for /status and readiness. */
  cluster?: { status(): ClusterStatus; readonly redisUp: boolean } | undefined;
  /** With SECURITY_METHOD=Keycloak: the identity provider's last known state, for /status. */
  identityProvider?: Pick<IdentityProviderHealth, 'status'> | undefined;
}
