import type { AuthLogger } from './logger';
import type { IdentityProviderState, ProbeResult } from './identityProviderProbe';

export interface IdentityProviderStatus {
  state: IdentityProviderState;
  /** When the state was last confirmed, by a check or by a request's introspection. */
  checkedAt: Date | undefined;
  detail: string | undefined;
}

export type StartupCheckMode = 'warn' | 'strict' | 'off';

export class IdentityProviderStartupError extends Error {
  constructor(readonly status: IdentityProviderStatus) {
    super(
      `KEYCLOAK_STARTUP_CHECK=strict: the identity provider is ${status.state} (${status.detail ?? 'no detail'}); not starting`,
    );
    this.name = 'IdentityProviderStartupError';
  }
}

export interface IdentityProviderHealthOptions {
  /** Period of the background check; 0: checked at start-up only (and by requests). */
  intervalMs: number;
  logger: AuthLogger;
  now?: () => number;
}

/**
 * The identity provider's last known state, from a check at start-up, a cached background check,
 * and the outcome of every real introspection. `/status` reports it; a readiness probe can use it.
 */
export class IdentityProviderHealth {
  private current: IdentityProviderStatus = { state: 'unknown', checkedAt: undefined, detail: undefined };
  private running: Promise<IdentityProviderStatus> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly probe: () => Promise<ProbeResult>,
    private readonly options: IdentityProviderHealthOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get status(): IdentityProviderStatus {
    return { ...this.current };
  }

  /** Runs one check now; concurrent callers share it. */
  check(): Promise<IdentityProviderStatus> {
    this.running ??= this.probe()
      .catch((error: unknown): ProbeResult => ({ state: 'unreachable', detail: `check failed: ${String(error)}` }))
      .then((result) => {
        this.record(result);
        return this.status;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Takes the outcome of a request's introspection as evidence, so /status reacts before the next check. */
  record(result: ProbeResult): void {
    const previous = this.current;
    this.current = { state: result.state, checkedAt: new Date(this.now()), detail: result.detail };
    if (previous.state === result.state || previous.state === 'unknown') return;
    if (result.state === 'ok') {
      this.options.logger.info(
        { identityProvider: 'ok', previous: previous.state },
        'The identity provider answers again',
      );
    } else {
      this.options.logger.warn(
        { identityProvider: result.state, detail: result.detail },
        `The identity provider is ${result.state}: ${result.detail ?? ''}`,
      );
    }
  }

  /**
   * The start-up check: logs the outcome, throws IdentityProviderStartupError in strict mode when the
   * provider is not ok, then starts the background check.
   */
  async start(mode: StartupCheckMode): Promise<void> {
    if (mode !== 'off') {
      const status = await this.check();
      if (status.state === 'ok') {
        this.options.logger.info({ identityProvider: 'ok' }, 'Identity provider check passed');
      } else if (mode === 'strict') {
        const error = new IdentityProviderStartupError(status);
        this.options.logger.error({ identityProvider: status.state, detail: status.detail }, error.message);
        throw error;
      } else {
        this.options.logger.warn(
          { identityProvider: status.state, detail: status.detail },
          `Identity provider check FAILED (${status.state}): ${status.detail ?? ''}. Authenticated requests will get 503 until it is fixed; KEYCLOAK_STARTUP_CHECK=strict refuses to start instead`,
        );
      }
    }
    if (this.options.intervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => void this.check(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
