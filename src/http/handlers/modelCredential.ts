import fs from 'node:fs/promises';
import path from 'node:path';
import { ServiceUnavailableError } from '../../errors';
import type { Services } from './services';

/**
 * Codex can reach the model with the bridge's OPENAI_API_KEY (through the relay), or, on a single-user
 * bridge with an explicit CODEX_HOME, with the login already stored there (`codex login` wrote auth.json).
 * Without either a turn would only retry until its deadline, so chat refuses at once.
 */
export async function assertModelCredential(config: Services['config']): Promise<void> {
  if (config.openaiApiKey) return;
  if (config.codexHome && !config.multiUser) {
    const login = await fs.access(path.join(config.codexHome, 'auth.json')).then(
      () => true,
      () => false,
    );
    if (login) return;
  }
  throw new ServiceUnavailableError(
    'no OpenAI API key is configured: set OPENAI_API_KEY (or, on a single-user bridge, run `codex login` with an explicit CODEX_HOME) and restart the bridge',
    60,
    'api-key-missing',
  );
}
