import type { CodexBinaryInfo } from '../../codex/binary';
import type { CodexSession } from '../../codex/session';
import type { Config } from '../../config/env';
import type { LoadedSpec } from '../spec';

/** What the handlers use of a session: CodexSession, or a test double of it. */
export type ChatSession = Pick<CodexSession, 'startTurn' | 'listThreads' | 'history' | 'rename' | 'archive'>;

export interface SessionProvider {
  acquire(userId: string): Promise<{ session: ChatSession; release: () => void }>;
  readonly activeSessions: number;
  readonly maxSessions: number;
}

export interface Services {
  config: Pick<Config, 'openaiApiKey' | 'securityMethod' | 'sseKeepaliveMs' | 'model'>;
  codex: Pick<CodexBinaryInfo, 'command' | 'version'>;
  sessions: SessionProvider;
  spec: LoadedSpec;
  version: string;
}
