/** The kinds of user event (GET /events, webhooks); a leaf module, so that the config can name them too. */
export const USER_EVENT_TYPES = [
  'turn.started',
  'turn.completed',
  'turn.failed',
  'turn.interrupted',
  'approval.requested',
  'approval.resolved',
  'thread.renamed',
  'thread.archived',
  'thread.deleted',
] as const;

/** What a webhook is told when it names no events: a turn's end and codex waiting for an answer. */
export const DEFAULT_WEBHOOK_EVENTS = ['turn.completed', 'turn.failed', 'approval.requested'] as const;
