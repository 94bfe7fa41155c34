/*
 * OpenAI ids that name a codex turn, so that a later request (previous_response_id, GET, cancel) finds
 * the thread and turn again without any lookup table: `resp_<base64url("<thread_id>:<turn_id>")>`.
 */

export interface TurnRef {
  threadId: string;
  turnId: string;
}

/** Codex's thread and turn ids (UUIDs); the same rule as the spec's ThreadId. */
const CODEX_ID = /^[A-Za-z0-9_-]{1,128}$/;

function encode(ref: TurnRef): string {
  return Buffer.from(`${ref.threadId}:${ref.turnId}`, 'utf8').toString('base64url');
}

export function responseId(ref: TurnRef): string {
  return `resp_${encode(ref)}`;
}

export function chatCompletionId(ref: TurnRef): string {
  return `chatcmpl-${encode(ref)}`;
}

/** The thread and turn a response id names, or undefined for an id this bridge did not make. */
export function parseResponseId(id: string): TurnRef | undefined {
  if (!id.startsWith('resp_')) return undefined;
  const decoded = Buffer.from(id.slice('resp_'.length), 'base64url').toString('utf8');
  const [threadId, turnId, ...rest] = decoded.split(':');
  if (rest.length > 0 || !threadId || !turnId || !CODEX_ID.test(threadId) || !CODEX_ID.test(turnId)) return undefined;
  // Base64url has several spellings of the same bytes; only the canonical one is ours.
  return responseId({ threadId, turnId }) === id ? { threadId, turnId } : undefined;
}
