/** Errors of the codex layer; the HTTP error middleware maps them to problems. */

export class CodexRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message}`);
    this.name = 'CodexRpcError';
  }

  /**
   * Codex answers every failure with -32600, so "no such thread" can only be told by its text. A thread
   * codex never managed to save ("not materialized yet") does not exist either, whatever it holds in memory.
   */
  get isUnknownThread(): boolean {
    return /thread not loaded|no rollout found|invalid thread id|invalid session id|is archived|thread not found|not found for thread|not materialized/i.test(
      this.message,
    );
  }
}

export class CodexExitedError extends Error {
  constructor(detail: string) {
    super(`codex app-server exited: ${detail}`);
    this.name = 'CodexExitedError';
  }
}

export class CodexTimeoutError extends Error {
  constructor(
    readonly method: string,
    timeoutMs: number,
  ) {
    super(`codex did not answer ${method} within ${timeoutMs} ms`);
    this.name = 'CodexTimeoutError';
  }
}
