/**
 * What the agent's process (and so every command it runs) sees of the environment: a fixed allowlist
 * plus the names the operator passes on by CODEX_ENV_PASSTHROUGH. Never the bridge's own variables:
 * they hold the OpenAI key, client secrets and whatever else the operator set.
 */
const ALLOWED = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ', 'TERM'] as const;

/** Inside a jail only the system's own directories exist, so the bridge's PATH would name nothing. */
export const JAIL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface AgentEnvironmentOptions {
  source: NodeJS.ProcessEnv;
  passthrough: string[];
  codexHome: string;
  home: string;
  path: string;
}

export function agentEnvironment(options: AgentEnvironmentOptions): Record<string, string> {
  const environment: Record<string, string> = {
    PATH: options.path,
    HOME: options.home,
    CODEX_HOME: options.codexHome,
  };
  for (const name of [...ALLOWED, ...options.passthrough]) {
    const value = options.source[name];
    if (value !== undefined) environment[name] = value;
  }
  return environment;
}
