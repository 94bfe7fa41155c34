import { z } from 'zod';

/*
 * What codex asks besides command and file approvals, in the bridge's words: questions for the user
 * (its request_user_input tool), permissions (request_permissions) and MCP elicitations. They travel
 * in the same `Approval` object, each in its own member, so that a client renders them from the event alone.
 */

export const approvalQuestionSchema = z
  .object({
    id: z.string().meta({ description: 'The key of its answer in `answers`.' }),
    header: z.string().meta({ description: 'A short label (codex asks for 12 characters or fewer).' }),
    question: z.string(),
    options: z
      .array(z.object({ label: z.string(), description: z.string() }))
      .meta({ description: "Codex's suggested answers; an answer is usually one option's `label`." }),
    allows_other: z.boolean().meta({ description: 'A free-form answer is accepted besides the options.' }),
    secret: z
      .boolean()
      .meta({ description: 'The answer is sensitive: show the input masked (the bridge keeps it in no event or log).' }),
  })
  .meta({ id: 'ApprovalQuestion', description: 'One of the 1-3 questions codex asks (kind `question`).' });

export const permissionAskedSchema = z
  .object({
    type: z.enum(['network', 'file_system']),
    access: z
      .enum(['read', 'write', 'deny'])
      .nullable()
      .meta({ description: 'For `file_system`: the access asked for `path`.' }),
    path: z
      .string()
      .nullable()
      .meta({
        description:
          'For `file_system`: an absolute path as codex resolved it; a glob pattern or `:special` path (e.g. `:root`) is never grantable.',
      }),
    grantable: z.boolean().meta({ description: "Whether the operator's ceiling lets a caller grant it." }),
    not_grantable_reason: z.string().nullable().meta({ description: 'Why it cannot be granted, when it cannot.' }),
  })
  .meta({ id: 'PermissionAsked', description: 'One permission codex asks for (kind `permissions`).' });

export const elicitationSchema = z
  .object({
    server: z.string().meta({ description: 'The MCP server that asks.' }),
    message: z.string(),
    mode: z
      .enum(['form', 'url'])
      .meta({ description: '`form`: answer with `content` matching `requested_schema`; `url`: the user is sent to `url`.' }),
    requested_schema: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: "The JSON Schema (an object of primitive properties) the form's `content` must match." }),
    url: z.string().nullable(),
    codex_approval_kind: z.string().nullable().meta({
      description:
        'Set when codex itself asks through an elicitation: `mcp_tool_call` means "allow this MCP tool to run?" (a form without fields: accept or decline).',
    }),
  })
  .meta({ id: 'Elicitation', description: 'An MCP server asks the user for input (kind `mcp_elicitation`).' });

export type ApprovalQuestion = z.infer<typeof approvalQuestionSchema>;
export type PermissionAsked = z.infer<typeof permissionAskedSchema>;
export type Elicitation = z.infer<typeof elicitationSchema>;
