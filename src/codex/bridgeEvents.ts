import { z } from 'zod';
import { approvalQuestionSchema, elicitationSchema, permissionAskedSchema } from './approvalSchemas';

/*
 * The bridge's own vocabulary for what happens in a turn: normalized items and the SSE events that
 * carry them. These schemas are used at run time (every event is built through them) and a test
 * renders them with zod-to-openapi and compares them with openapi.yaml, so the two cannot drift.
 */

const id = z.string().min(1);

export const usageSchema = z
  .object({
    input_tokens: z.number().int(),
    cached_input_tokens: z.number().int(),
    output_tokens: z.number().int(),
    reasoning_output_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .meta({ id: 'Usage', description: 'Token counts reported by the model.' });

export const turnErrorSchema = z
  .object({
    message: z.string(),
    code: z
      .string()
      .nullable()
      .meta({ description: "Codex's error kind, e.g. `unauthorized`, `internalServerError`." }),
  })
  .meta({ id: 'TurnError', description: 'Why a turn failed or was interrupted.' });

export const userMessageItemSchema = z
  .object({ type: z.literal('user_message'), id, text: z.string() })
  .meta({ id: 'UserMessageItem', description: 'What the user sent.' });

export const assistantMessageItemSchema = z
  .object({ type: z.literal('assistant_message'), id, text: z.string() })
  .meta({
    id: 'AssistantMessageItem',
    description: "A complete assistant message (its final text, not the deltas' sum).",
  });

export const reasoningItemSchema = z
  .object({ type: z.literal('reasoning'), id, summary: z.array(z.string()), content: z.array(z.string()) })
  .meta({
    id: 'ReasoningItem',
    description: "The model's reasoning summary and, where the model shares it, its text.",
  });

export const commandExecutionItemSchema = z
  .object({
    type: z.literal('command_execution'),
    id,
    command: z.string(),
    cwd: z.string(),
    status: z.string().meta({ description: '`in_progress`, `completed`, `failed` or `declined`.' }),
    output: z.string().nullable(),
    exit_code: z.number().int().nullable(),
    duration_ms: z.number().int().nullable(),
    truncated: z.boolean().optional().meta({
      description:
        'Present and true when `output` was cut to bound the memory the bridge keeps for the turn (`TURN_EVENTS_MAX_BYTES`); the full output is in `/history`.',
    }),
  })
  .meta({ id: 'CommandExecutionItem', description: 'A shell command the agent ran, with its output.' });

export const fileChangeItemSchema = z
  .object({
    type: z.literal('file_change'),
    id,
    status: z.string(),
    changes: z.array(z.object({ path: z.string(), kind: z.string(), diff: z.string().nullable() })),
  })
  .meta({ id: 'FileChangeItem', description: 'Files the agent created, edited or deleted.' });

export const mcpToolCallItemSchema = z
  .object({
    type: z.literal('mcp_tool_call'),
    id,
    server: z.string(),
    tool: z.string(),
    status: z.string(),
    arguments: z.unknown(),
    result: z.unknown(),
    error: z.string().nullable(),
  })
  .meta({ id: 'McpToolCallItem', description: 'A call to a tool of an MCP server.' });

export const webSearchItemSchema = z
  .object({ type: z.literal('web_search'), id, query: z.string() })
  .meta({ id: 'WebSearchItem', description: 'A web search the agent made.' });

export const otherItemSchema = z.object({ type: z.literal('other'), id, codex_type: z.string() }).meta({
  id: 'OtherItem',
  description: "An item kind the bridge does not normalize; `codex_type` names codex's kind.",
});

export const reviewFindingSchema = z
  .object({
    title: z.string().meta({ description: 'One line, e.g. `[P1] Guard against a null id`.' }),
    body: z.string().meta({ description: 'Why it is a problem, in Markdown.' }),
    priority: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The `[P0]`..`[P3]` tag of the title as a number (0 is the most urgent), null without one.' }),
    path: z.string().meta({ description: 'The file, as codex sees it.' }),
    start_line: z.number().int(),
    end_line: z.number().int(),
  })
  .meta({ id: 'ReviewFinding', description: 'One problem the review found, with where it is.' });

export const reviewItemSchema = z
  .object({
    type: z.literal('review'),
    id,
    text: z.string().meta({ description: "The review as codex wrote it up (also the turn's `message`)." }),
    explanation: z.string().meta({ description: "The reviewer's overall verdict, without the findings." }),
    findings: z.array(reviewFindingSchema),
  })
  .meta({ id: 'ReviewItem', description: "The outcome of a review turn (`POST /threads/{thread_id}/review`): codex's findings." });

export const planStepSchema = z
  .object({
    step: z.string(),
    status: z.enum(['pending', 'in_progress', 'completed']),
  })
  .meta({ id: 'PlanStep', description: 'One step of the agent\'s plan.' });

export const planSchema = z
  .object({
    explanation: z.string().nullable().meta({ description: 'Why the plan is what it is (or changed), when the agent said.' }),
    steps: z.array(planStepSchema),
  })
  .meta({ id: 'Plan', description: "The agent's plan as it last updated it (codex's `update_plan` tool)." });

export const toolItemSchema = z
  .discriminatedUnion('type', [
    commandExecutionItemSchema,
    fileChangeItemSchema,
    mcpToolCallItemSchema,
    webSearchItemSchema,
    otherItemSchema,
  ])
  .meta({ id: 'ToolItem', description: 'Tool activity: commands, file changes, MCP tool calls, web searches.' });

export const itemSchema = z
  .discriminatedUnion('type', [
    userMessageItemSchema,
    assistantMessageItemSchema,
    reasoningItemSchema,
    commandExecutionItemSchema,
    fileChangeItemSchema,
    mcpToolCallItemSchema,
    webSearchItemSchema,
    reviewItemSchema,
    otherItemSchema,
  ])
  .meta({ id: 'Item', description: 'One normalized item of a turn.' });

export const approvalDecisionSchema = z.enum(['accept', 'accept_for_session', 'decline', 'cancel']).meta({
  id: 'ApprovalDecision',
  description:
    '`accept` runs it once, `accept_for_session` also allows the like for the rest of the session, `decline` refuses and the turn goes on, `cancel` refuses and ends the turn.',
});

export const approvalSchema = z
  .object({
    request_id: id,
    thread_id: id,
    turn_id: id,
    item_id: z.string().nullable(),
    kind: z.enum(['command', 'file_change', 'question', 'permissions', 'mcp_elicitation']).meta({
      description:
        'What codex asks: to run a `command`, to apply a `file_change`, a `question` for the user, more `permissions`, or an MCP server\'s `mcp_elicitation`. Each kind has its own answer body.',
    }),
    command: z.string().nullable().meta({ description: 'The command to run (kind `command`).' }),
    cwd: z.string().nullable(),
    reason: z.string().nullable().meta({ description: "Codex's explanation, e.g. why it needs network access." }),
    changes: z
      .array(z.object({ path: z.string(), kind: z.string(), diff: z.string().nullable() }))
      .nullable()
      .meta({ description: 'The file changes to apply (kind `file_change`), when codex names them.' }),
    questions: z.array(approvalQuestionSchema).nullable().meta({ description: 'Kind `question`: what codex asks.' }),
    permissions: z
      .array(permissionAskedSchema)
      .nullable()
      .meta({ description: 'Kind `permissions`: each permission asked, and whether it can be granted.' }),
    elicitation: z.union([elicitationSchema, z.null()]).meta({ description: 'Kind `mcp_elicitation`.' }),
    available_decisions: z.array(approvalDecisionSchema),
    requested_at: z.string().meta({ description: 'ISO 8601 time of the request.' }),
    expires_at: z.string().meta({ description: 'When the bridge declines it if nobody has answered.' }),
  })
  .meta({
    id: 'Approval',
    description:
      'Codex asks before running a command or changing files, asks the user questions, asks for more permissions, or passes on an MCP server\'s elicitation.',
  });

const turnRef = { thread_id: id, turn_id: id };

export const turnStartedEventSchema = z
  .object({ type: z.literal('turn.started'), ...turnRef, thread_created: z.boolean() })
  .meta({ id: 'TurnStartedEvent', description: 'Always the first event: the thread (new or continued) and the turn.' });

export const messageDeltaEventSchema = z
  .object({
    type: z.literal('message.delta'),
    ...turnRef,
    item_id: id,
    delta: z.string(),
    truncated: z.boolean().optional().meta({
      description:
        'Present and true on the delta where the turn reached `TURN_EVENTS_MAX_BYTES`: `delta` is cut there and no further delta event of the turn follows (completed items and `turn.completed` still do).',
    }),
  })
  .meta({ id: 'MessageDeltaEvent', description: 'A piece of assistant text as it streams.' });

export const messageCompletedEventSchema = z
  .object({ type: z.literal('message.completed'), ...turnRef, item: assistantMessageItemSchema })
  .meta({
    id: 'MessageCompletedEvent',
    description: 'An assistant message is complete; `item.text` is its final text.',
  });

export const reasoningDeltaEventSchema = z
  .object({
    type: z.literal('reasoning.delta'),
    ...turnRef,
    item_id: id,
    delta: z.string(),
    truncated: z.boolean().optional().meta({
      description:
        'Present and true on the delta where the turn reached `TURN_EVENTS_MAX_BYTES`: `delta` is cut there and no further delta event of the turn follows (completed items and `turn.completed` still do).',
    }),
  })
  .meta({ id: 'ReasoningDeltaEvent', description: 'A piece of the reasoning summary as it streams.' });

export const reasoningCompletedEventSchema = z
  .object({ type: z.literal('reasoning.completed'), ...turnRef, item: reasoningItemSchema })
  .meta({ id: 'ReasoningCompletedEvent', description: 'A reasoning item is complete.' });

export const toolStartedEventSchema = z
  .object({ type: z.literal('tool.started'), ...turnRef, item: toolItemSchema })
  .meta({
    id: 'ToolStartedEvent',
    description: 'The agent started a command, file change, MCP tool call or web search.',
  });

export const toolOutputDeltaEventSchema = z
  .object({
    type: z.literal('tool.output.delta'),
    ...turnRef,
    item_id: id,
    delta: z.string(),
    truncated: z.boolean().optional().meta({
      description:
        'Present and true on the delta where the turn reached `TURN_EVENTS_MAX_BYTES`: `delta` is cut there and no further delta event of the turn follows (completed items and `turn.completed` still do).',
    }),
  })
  .meta({ id: 'ToolOutputDeltaEvent', description: 'Output of a running command or file change, as it comes.' });

export const toolCompletedEventSchema = z
  .object({ type: z.literal('tool.completed'), ...turnRef, item: toolItemSchema })
  .meta({ id: 'ToolCompletedEvent', description: 'A tool item finished; the item carries its status and output.' });

export const usageEventSchema = z
  .object({ type: z.literal('usage'), ...turnRef, usage: usageSchema, thread_total: usageSchema })
  .meta({ id: 'UsageEvent', description: "Token usage of the latest model call and the thread's running total." });

export const approvalRequestedEventSchema = z
  .object({ type: z.literal('approval.requested'), ...turnRef, approval: approvalSchema })
  .meta({
    id: 'ApprovalRequestedEvent',
    description: 'Codex waits for a decision: answer with `POST /threads/{thread_id}/approvals/{request_id}`.',
  });

export const approvalResolvedEventSchema = z
  .object({
    type: z.literal('approval.resolved'),
    ...turnRef,
    request_id: id,
    decision: approvalDecisionSchema,
    resolved_by: z.enum(['client', 'timeout', 'turn_ended', 'policy']),
  })
  .meta({ id: 'ApprovalResolvedEvent', description: 'An approval was answered, by a client or by the bridge.' });

export const planUpdatedEventSchema = z
  .object({ type: z.literal('plan.updated'), ...turnRef, plan: planSchema })
  .meta({
    id: 'PlanUpdatedEvent',
    description: "The agent changed its plan: every step with its status, the whole plan each time (also the turn's `plan`).",
  });

export const diffUpdatedEventSchema = z
  .object({
    type: z.literal('diff.updated'),
    ...turnRef,
    diff: z.string().meta({ description: 'A unified diff (git format) of every file change of the turn so far.' }),
  })
  .meta({
    id: 'DiffUpdatedEvent',
    description:
      "The turn's files changed: its aggregated diff so far, whole each time (also the turn's `diff`). Past `TURN_EVENTS_MAX_BYTES` later ones are not sent; the fetched turn keeps the latest.",
  });

export const reviewCompletedEventSchema = z
  .object({ type: z.literal('review.completed'), ...turnRef, item: reviewItemSchema })
  .meta({ id: 'ReviewCompletedEvent', description: 'A review turn reached its verdict; `item.findings` lists the problems found.' });

export const turnCompletedEventSchema = z
  .object({
    type: z.literal('turn.completed'),
    ...turnRef,
    status: z.enum(['completed', 'failed', 'interrupted']),
    error: z.union([turnErrorSchema, z.null()]),
    usage: z.union([usageSchema, z.null()]),
    output: z.unknown().optional().meta({
      description:
        'With `output_schema`: the final answer parsed as JSON and checked against the schema (`null` when it did not match); absent without it.',
    }),
  })
  .meta({ id: 'TurnCompletedEvent', description: 'The last event of every turn that ends normally.' });

export const errorEventSchema = z
  .object({
    type: z.literal('turn.error'),
    ...turnRef,
    code: z
      .string()
      .meta({
        description:
          '`model_error`, `turn_timeout`, `storage_error` (codex could not save the thread), `codex_exited` or `internal_error`.',
      }),
    message: z.string(),
    will_retry: z.boolean(),
  })
  .meta({
    id: 'ErrorEvent',
    description:
      "Something went wrong. With `will_retry: false` a `turn.completed` or the end of the stream follows. Named `turn.error`, not `error`, because an EventSource's own `error` event (a lost connection) would share the listener; `SSE_LEGACY_ERROR_EVENT=true` sends it under its old name `error` (SSE `event:` and `type`) for clients written against it.",
  });

export const codexEventSchema = z
  .object({
    type: z.literal('codex'),
    ...turnRef,
    method: z.string(),
    params: z.record(z.string(), z.unknown()),
    emitted_at_ms: z.number().int().optional().meta({ description: "Codex's `emittedAtMs`: when codex sent it." }),
  })
  .meta({
    id: 'CodexEvent',
    description:
      "One of codex's own notifications (`raw_events: true`), also those of the thread rather than the turn (e.g. `thread/started`). The compatibility profile (`X-Api-Compat: original`) sends them as codex wrote them, `{method, params, emittedAtMs}`.",
  });

export const bridgeEventSchema = z
  .discriminatedUnion('type', [
    turnStartedEventSchema,
    messageDeltaEventSchema,
    messageCompletedEventSchema,
    reasoningDeltaEventSchema,
    reasoningCompletedEventSchema,
    toolStartedEventSchema,
    toolOutputDeltaEventSchema,
    toolCompletedEventSchema,
    usageEventSchema,
    approvalRequestedEventSchema,
    approvalResolvedEventSchema,
    planUpdatedEventSchema,
    diffUpdatedEventSchema,
    reviewCompletedEventSchema,
    turnCompletedEventSchema,
    errorEventSchema,
    codexEventSchema,
  ])
  .meta({
    id: 'ChatEvent',
    description: 'The JSON `data` of one SSE event of a turn; `type` equals the SSE `event:` name.',
  });

export type Usage = z.infer<typeof usageSchema>;
export type TurnError = z.infer<typeof turnErrorSchema>;
export type Item = z.infer<typeof itemSchema>;
export type ToolItem = z.infer<typeof toolItemSchema>;
export type BridgeEvent = z.infer<typeof bridgeEventSchema>;
export type BridgeEventType = BridgeEvent['type'];
export type TurnStatus = z.infer<typeof turnCompletedEventSchema>['status'];
export type Approval = z.infer<typeof approvalSchema>;
export type Plan = z.infer<typeof planSchema>;
export type ReviewItem = z.infer<typeof reviewItemSchema>;
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/** Every schema above that openapi.yaml must carry under the same name. */
export const bridgeEventComponents = [
  usageSchema,
  turnErrorSchema,
  userMessageItemSchema,
  assistantMessageItemSchema,
  reasoningItemSchema,
  commandExecutionItemSchema,
  fileChangeItemSchema,
  mcpToolCallItemSchema,
  webSearchItemSchema,
  reviewFindingSchema,
  reviewItemSchema,
  planStepSchema,
  planSchema,
  otherItemSchema,
  toolItemSchema,
  itemSchema,
  approvalDecisionSchema,
  approvalQuestionSchema,
  permissionAskedSchema,
  elicitationSchema,
  approvalSchema,
  turnStartedEventSchema,
  messageDeltaEventSchema,
  messageCompletedEventSchema,
  reasoningDeltaEventSchema,
  reasoningCompletedEventSchema,
  toolStartedEventSchema,
  toolOutputDeltaEventSchema,
  toolCompletedEventSchema,
  usageEventSchema,
  approvalRequestedEventSchema,
  approvalResolvedEventSchema,
  planUpdatedEventSchema,
  diffUpdatedEventSchema,
  reviewCompletedEventSchema,
  turnCompletedEventSchema,
  errorEventSchema,
  codexEventSchema,
  bridgeEventSchema,
];
