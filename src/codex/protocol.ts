import { z } from 'zod';

/*
 * The parts of codex's JSON-RPC messages the bridge reads. Validated at the boundary: a shape codex
 * changes under us fails loudly here instead of deep in a handler. Unknown fields pass through.
 */

const nullableString = z.string().nullable().optional();

export const codexThreadStatus = z.object({ type: z.string() }).loose();

export const codexThread = z
  .object({
    id: z.string(),
    preview: z.string().default(''),
    name: nullableString,
    createdAt: z.number(),
    updatedAt: z.number(),
    status: codexThreadStatus.optional(),
    forkedFromId: nullableString,
  })
  .loose();

export const codexItem = z.object({ type: z.string(), id: z.string() }).loose();

export const codexTurn = z
  .object({
    id: z.string(),
    status: z.enum(['completed', 'interrupted', 'failed', 'inProgress']),
    items: z.array(codexItem).default([]),
    error: z.object({ message: z.string(), codexErrorInfo: z.unknown().optional() }).loose().nullable().optional(),
  })
  .loose();

export const threadResult = z.object({ thread: codexThread }).loose();
export const turnStartResult = z.object({ turn: z.object({ id: z.string() }).loose() }).loose();
export const turnSteerResult = z.object({ turnId: z.string() }).loose();
export const threadListResult = z.object({ data: z.array(codexThread), nextCursor: z.string().nullable().optional() });
export const turnsListResult = z.object({ data: z.array(codexTurn), nextCursor: z.string().nullable().optional() });

export const tokenUsageBreakdown = z
  .object({
    totalTokens: z.number(),
    inputTokens: z.number(),
    cachedInputTokens: z.number().default(0),
    outputTokens: z.number(),
    reasoningOutputTokens: z.number().default(0),
  })
  .loose();

const turnScoped = { threadId: z.string(), turnId: z.string() };

export const notifications = {
  itemStarted: z.object({ ...turnScoped, item: codexItem }).loose(),
  itemCompleted: z.object({ ...turnScoped, item: codexItem }).loose(),
  delta: z.object({ ...turnScoped, itemId: z.string(), delta: z.string() }).loose(),
  tokenUsage: z
    .object({ ...turnScoped, tokenUsage: z.object({ total: tokenUsageBreakdown, last: tokenUsageBreakdown }).loose() })
    .loose(),
  error: z
    .object({
      ...turnScoped,
      error: z.object({ message: z.string(), codexErrorInfo: z.unknown().optional() }).loose(),
      willRetry: z.boolean().default(false),
    })
    .loose(),
  turnCompleted: z.object({ threadId: z.string(), turn: codexTurn }).loose(),
  planUpdated: z
    .object({
      ...turnScoped,
      explanation: z.string().nullable().optional(),
      plan: z.array(z.object({ step: z.string(), status: z.string() }).loose()),
    })
    .loose(),
  diffUpdated: z.object({ ...turnScoped, diff: z.string() }).loose(),
  serverRequestResolved: z.object({ threadId: z.string(), requestId: z.union([z.string(), z.number()]) }).loose(),
  warning: z.object({ message: z.string() }).loose(),
};

export const reviewStartResult = z
  .object({ turn: z.object({ id: z.string() }).loose(), reviewThreadId: z.string() })
  .loose();

export type CodexThread = z.infer<typeof codexThread>;
export type CodexItem = z.infer<typeof codexItem>;
export type CodexTurn = z.infer<typeof codexTurn>;
export type TokenUsageBreakdown = z.infer<typeof tokenUsageBreakdown>;
