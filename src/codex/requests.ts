import { z } from 'zod';

/*
 * The params of every request the bridge sends codex. The session builds them typed by these schemas
 * (see protocolContract.ts), and the protocol drift check (test/contract/protocolDrift.test.ts) compares
 * them with the pinned codex's own JSON Schema: a field codex renames or stops accepting fails there.
 */

const approvalPolicy = z.enum(['never', 'on-request', 'untrusted']);
const sandboxMode = z.enum(['read-only', 'workspace-write', 'danger-full-access']);
const sandboxPolicy = z.union([
  z.object({ type: z.literal('readOnly') }),
  z.object({ type: z.literal('workspaceWrite') }),
  z.object({ type: z.literal('dangerFullAccess') }),
]);

/** Codex's reasoning effort: a non-empty name the model advertises (model/list `supportedReasoningEfforts`). */
export const reasoningEffort = z.string().min(1);
export const reasoningSummary = z.enum(['auto', 'concise', 'detailed', 'none']);

/** Codex's ImageDetail without `low`, which codex 0.171 answers by leaving the image out. */
const imageDetail = z.enum(['auto', 'high', 'original']);

/** The kinds of input the bridge sends: text, an image by URL (data URLs), an image file codex reads. */
export const userInput = z.union([
  z.object({ type: z.literal('text'), text: z.string(), text_elements: z.array(z.never()) }),
  z.object({ type: z.literal('image'), url: z.string(), detail: imageDetail.optional() }),
  z.object({ type: z.literal('localImage'), path: z.string(), detail: imageDetail.optional() }),
]);

export const initializeParams = z.object({
  clientInfo: z.object({ name: z.string(), title: z.string(), version: z.string() }),
  capabilities: z.null(),
});

export const loginParams = z.object({ type: z.literal('apiKey'), apiKey: z.string() });

export const threadStartParams = z.object({
  cwd: z.string(),
  approvalPolicy,
  sandbox: sandboxMode,
  model: z.string().optional(),
  developerInstructions: z.string().optional(),
  ephemeral: z.boolean().optional(),
});

export const threadResumeParams = z.object({ threadId: z.string(), approvalPolicy, sandbox: sandboxMode });

export const turnStartParams = z.object({
  threadId: z.string(),
  input: z.array(userInput),
  model: z.string().optional(),
  effort: reasoningEffort.optional(),
  summary: reasoningSummary.optional(),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  approvalPolicy: approvalPolicy.optional(),
  sandboxPolicy: sandboxPolicy.optional(),
  cwd: z.string().optional(),
});

export const turnSteerParams = z.object({ threadId: z.string(), expectedTurnId: z.string(), input: z.array(userInput) });
export const turnInterruptParams = z.object({ threadId: z.string(), turnId: z.string() });
export const modelListParams = z.object({ cursor: z.string().optional() });
export const threadListParams = z.object({
  limit: z.number().int(),
  sortKey: z.enum(['created_at', 'updated_at']),
  cursor: z.string().optional(),
  archived: z.boolean().optional(),
  searchTerm: z.string().optional(),
});
export const threadReadParams = z.object({ threadId: z.string() });
export const threadTurnsListParams = z.object({
  threadId: z.string(),
  limit: z.number().int(),
  sortDirection: z.enum(['asc', 'desc']),
  itemsView: z.enum(['full']),
  cursor: z.string().optional(),
});
export const threadSetNameParams = z.object({ threadId: z.string(), name: z.string() });
export const threadArchiveParams = z.object({ threadId: z.string() });
export const threadUnarchiveParams = z.object({ threadId: z.string() });
export const threadDeleteParams = z.object({ threadId: z.string() });
export const threadForkParams = z.object({
  threadId: z.string(),
  excludeTurns: z.boolean(),
  approvalPolicy,
  sandbox: sandboxMode,
  lastTurnId: z.string().optional(),
});
export const threadRevertParams = z.object({ threadId: z.string(), beforeTurnId: z.string() });
export const reviewStartParams = z.object({
  threadId: z.string(),
  target: z.union([
    z.object({ type: z.literal('uncommittedChanges') }),
    z.object({ type: z.literal('baseBranch'), branch: z.string() }),
    z.object({ type: z.literal('commit'), sha: z.string(), title: z.string().nullable() }),
    z.object({ type: z.literal('custom'), instructions: z.string() }),
  ]),
  delivery: z.literal('inline'),
});

export type UserInput = z.infer<typeof userInput>;
