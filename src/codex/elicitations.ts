import { z } from 'zod';
import { ValidationError, type InvalidParam } from '../errors';
import type { Elicitation } from './approvalSchemas';

/*
 * An MCP server (configured for codex) asks the user for input through codex: `mcpServer/elicitation/request`.
 * Form mode wants `content` matching a flat JSON Schema; url mode sends the user to a page.
 */

export const ELICITATION_METHOD = 'mcpServer/elicitation/request';

export const elicitationParams = z.object({
  serverName: z.string(),
  message: z.string(),
  mode: z.string(),
  requestedSchema: z.record(z.string(), z.unknown()).nullable().optional(),
  url: z.string().nullable().optional(),
  _meta: z.object({ codex_approval_kind: z.string().optional() }).loose().nullable().optional(),
});

/** Codex's elicitation in the bridge's words; throws (zod) on a shape the bridge does not know. */
export function describeElicitation(params: Record<string, unknown>): Elicitation {
  const parsed = elicitationParams.parse(params);
  const isUrl = parsed.mode === 'url';
  return {
    server: parsed.serverName,
    message: parsed.message,
    mode: isUrl ? 'url' : 'form',
    requested_schema: isUrl ? null : (parsed.requestedSchema ?? null),
    url: isUrl ? (parsed.url ?? null) : null,
    codex_approval_kind: parsed._meta?.codex_approval_kind ?? null,
  };
}

const TYPE_CHECKS: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  array: (value) => Array.isArray(value) && value.every((entry) => typeof entry === 'string'),
};

/** A form without fields (codex's own "allow this MCP tool?" question) is accepted without content. */
export function hasFields(elicitation: Elicitation): boolean {
  const properties = elicitation.requested_schema?.properties;
  return typeof properties === 'object' && properties !== null && Object.keys(properties).length > 0;
}

/** A form's content against its (flat) requested schema: known properties, required ones present, primitive types. */
export function checkElicitationContent(elicitation: Elicitation, content: Record<string, unknown>): void {
  const schema = elicitation.requested_schema ?? {};
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown }>;
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  const problems: InvalidParam[] = [];
  for (const name of required)
    if (typeof name === 'string' && !(name in content))
      problems.push({ field: `/body/content/${name}`, message: 'is required by the form' });
  for (const [name, value] of Object.entries(content)) {
    const field = `/body/content/${name}`;
    const property = properties[name];
    if (!property) {
      problems.push({ field, message: `the form has no such field (${Object.keys(properties).join(', ')})` });
      continue;
    }
    const check = typeof property.type === 'string' ? TYPE_CHECKS[property.type] : undefined;
    if (check && !check(value)) problems.push({ field, message: `must be of type ${String(property.type)}` });
    else if (Array.isArray(property.enum) && !property.enum.includes(value))
      problems.push({ field, message: `must be one of ${property.enum.join(', ')}` });
  }
  if (problems.length > 0) throw new ValidationError('the content does not fit the form', problems);
}

/** What codex expects back. */
export function elicitationResponse(
  action: 'accept' | 'decline' | 'cancel',
  content: Record<string, unknown> | undefined,
): { action: string; content: Record<string, unknown> | null } {
  return { action, content: action === 'accept' ? (content ?? null) : null };
}
