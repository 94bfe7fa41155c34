import { z } from 'zod';

/** Tokens the relay counted: exact, one model response at a time. */
export const meteredUsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  cached_input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  reasoning_output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  responses: z.number().int().nonnegative(),
});
export type MeteredUsage = z.infer<typeof meteredUsageSchema>;

const count = z.number().int().nonnegative().catch(0);
const responseUsage = z.object({
  usage: z.object({
    input_tokens: count,
    input_tokens_details: z.object({ cached_tokens: count }).nullish(),
    output_tokens: count,
    output_tokens_details: z.object({ reasoning_tokens: count }).nullish(),
    total_tokens: count,
  }),
});
/** A Responses API `response.completed` event, or a non-streamed response object. */
const completed = z.union([z.object({ type: z.literal('response.completed'), response: responseUsage }), responseUsage]);

export function usageOfResponse(payload: unknown): MeteredUsage | undefined {
  const parsed = completed.safeParse(payload);
  if (!parsed.success) return undefined;
  const { usage } = 'response' in parsed.data ? parsed.data.response : parsed.data;
  return {
    input_tokens: usage.input_tokens,
    cached_input_tokens: usage.input_tokens_details?.cached_tokens ?? 0,
    output_tokens: usage.output_tokens,
    reasoning_output_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    total_tokens: usage.total_tokens,
    responses: 1,
  };
}

export function addMetered(a: MeteredUsage, b: MeteredUsage): MeteredUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    responses: a.responses + b.responses,
  };
}

export const ZERO_METERED: MeteredUsage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
  total_tokens: 0,
  responses: 0,
};
