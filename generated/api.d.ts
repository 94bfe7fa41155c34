/**
 * GENERATED FILE, DO NOT EDIT.
 * Source: openapi.yaml. Regenerate with `npm run codegen`; CI fails when this file is stale.
 */

export interface paths {
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Name, version and links */
        get: operations["getServiceInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health check
         * @description Public. Reports whether the codex binary was found (its version is read once at start-up), whether an
         *     OpenAI API key is configured, and how many per-user sessions are in use. It never starts a process.
         *     `status` is `ok` when codex is available and a key is configured, `degraded` when codex is available
         *     but no key is configured, every session slot is busy, storage is in trouble (less than
         *     `STORAGE_MIN_FREE_BYTES` free in `BASE_DATA_DIR`, or a recent failure to save a thread, usage or data
         *     directory) or the bridge sheds new work for memory, `unavailable` when no codex binary was found.
         */
        get: operations["getStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness probe
         * @description Public. 200 while the process runs and its event loop answers; it checks nothing else, so a
         *     restart is only triggered by a bridge that is really stuck. Use `/readyz` to decide whether to send traffic.
         */
        get: operations["getHealthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness probe
         * @description Public. 200 when the bridge can serve chats now; 503 with a problem naming every failing check when
         *     codex is missing (`codex`), the data directory (BASE_DATA_DIR) cannot be written (`storage`), the
         *     identity provider is unreachable or rejects the bridge's client credentials (`identity_provider`,
         *     SECURITY_METHOD=Keycloak), a jail is required but none can be had (`isolation`), or the bridge is
         *     shutting down (`draining`). It never starts a codex process; the storage check writes and removes one
         *     small file. A missing OpenAI key does not make the bridge unready (codex may have its own credential;
         *     chat answers `api-key-missing` when it has none), `/status` reports it.
         */
        get: operations["getReadyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This contract as JSON */
        get: operations["getOpenApiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This contract as YAML */
        get: operations["getOpenApiYaml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a message (new or continued conversation)
         * @description Without `thread_id` a new thread starts; with one, that thread of the caller continues (404 when the
         *     caller has no such thread, 409 while a turn is still running on it). The contents of `messages` are
         *     joined with blank lines into one prompt.
         *
         *     With `stream: true` (the default) the answer is `text/event-stream`. Every event has an increasing
         *     `id:` (its sequence number within the turn), an `event:` name equal to the JSON `data`'s `type`, and
         *     the data is one of the `ChatEvent` schemas. The first event is `turn.started`; the last is
         *     `turn.completed` or, when the turn could not finish, a `turn.error` (`error` with
         *     `SSE_LEGACY_ERROR_EVENT=true`); then comes `data: [DONE]`. A comment
         *     line `: keepalive` is sent every `SSE_KEEPALIVE_SECONDS` (15 s) while the turn is quiet.
         *     With `raw_events: true`, codex's own notifications for the turn are sent too, unchanged, as `codex`
         *     events.
         *
         *     With `stream: false` the answer is one JSON `ChatResult` once the turn has ended.
         *
         *     **Models.** `model`, `effort` and `summary` choose the model, its reasoning effort and the reasoning summary
         *     for this turn and the thread's next ones; `model` and `effort` must be among `GET /models` (400 otherwise).
         *
         *     **Structured output.** With `output_schema` (a JSON Schema) the model's final answer is constrained to it;
         *     the answer, parsed, is `output` in the result and in `turn.completed`. An answer that is not JSON or does not
         *     match the schema ends the turn `failed` with the error code `output_schema_mismatch` (the text stays in
         *     `message`).
         *
         *     **Images.** A message's `content` may be a list of parts: `text`, `image` (a `data:` URL of a PNG, JPEG, GIF
         *     or WebP image) and `image_file` (such an image in the caller's workspace, by relative path). At most 16
         *     images per request, each at most `IMAGE_MAX_BYTES` (5 MiB); the bytes must be an image of the type claimed.
         *
         *     **Busy threads.** `on_busy` decides what happens when the thread is running a turn already: `reject` (the
         *     default) answers 409; `steer` adds the messages to the running turn (codex `turn/steer`) and answers with
         *     that turn (its stream from `turn.started`, or its result); `queue` runs the messages as the thread's next
         *     turn once the current one ends: a stream or result then starts when it runs, and with `background` the
         *     answer is 202 `TurnQueued` at once.
         *
         *     A turn keeps running when the client disconnects; it ends by itself, or at the turn deadline
         *     (`TURN_TIMEOUT_SECONDS`), after which the bridge interrupts it.
         */
        post: operations["chat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's conversations
         * @description Newest first. Only the caller's own threads; archived threads are listed only with `archived=true`
         *     (and then only they). `search` filters by title.
         */
        get: operations["listThreads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        /**
         * One conversation's summary
         * @description The thread's name, preview, times, status and the thread it was forked from; archived threads too.
         */
        get: operations["getThread"];
        put?: never;
        post?: never;
        /**
         * Archive a conversation
         * @description The thread leaves the list; its files stay in the user's `CODEX_HOME`. 409 while a turn runs on it.
         */
        delete: operations["archiveThread"];
        options?: never;
        head?: never;
        /** Rename a conversation */
        patch: operations["renameThread"];
        trace?: never;
    };
    "/threads/{thread_id}/fork": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fork a conversation into a new one
         * @description A new thread with this thread's conversation, whole or up to and including `through_turn_id`; the two
         *     go on independently (the workspace's files are shared, as for every thread of the caller). 409 while a
         *     turn runs on the thread.
         */
        post: operations["forkThread"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/revert": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Undo the last turns of a conversation
         * @description Drops the thread's last `turns` turns from its history (codex's `thread/revert`): the next message
         *     continues from the turn before them. **Files are not restored**: what those turns changed in the workspace
         *     stays changed. 400 when the thread has fewer turns, 409 while a turn runs on it.
         */
        post: operations["revertThread"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/unarchive": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bring an archived conversation back
         * @description The thread is listed again and can be continued. 409 when it is not archived.
         */
        post: operations["unarchiveThread"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/delete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete a conversation for good
         * @description For data removal requests: the thread's files leave the user's `CODEX_HOME` (codex's `thread/delete`)
         *     and the bridge forgets what it kept about it (token usage, finished turns, OpenAI-route records).
         *     Archived threads too. It cannot be undone. 409 while a turn runs on it, and while forks of it exist
         *     (codex keeps a fork's history pointing at its source): delete the forks first.
         *     `DELETE /threads/{thread_id}` only archives.
         */
        post: operations["deleteThread"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Review code changes on a conversation
         * @description Codex reviews the changes of the thread's working directory (uncommitted changes, against a base branch,
         *     one commit, or by custom instructions) in a turn of this thread, streamed and fetched like any turn. Its
         *     verdict comes as a `review` item (also in a `review.completed` event) with typed `findings`; the turn's
         *     `message` is the review as text. 409 while a turn runs on the thread.
         */
        post: operations["reviewThread"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Review code changes on a new conversation
         * @description As `POST /threads/{thread_id}/review`, on a new thread started in `cwd` (relative to the caller's
         *     workspace; default the workspace itself), which must be inside a git repository for the git targets.
         */
        post: operations["review"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A conversation's history
         * @description The thread and its conversation as messages in order: what the user sent, the assistant's answers and
         *     the tools it used with their results. Paginated by turns, oldest first; follow `next_cursor` for more.
         *     `usage` is the thread's running token total as the bridge last saw it (null before the first turn
         *     ends under this bridge).
         */
        get: operations["getHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/turns/{turn_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
                /** @description A turn id from `turn.started` or the 202 of a background chat. */
                turn_id: components["parameters"]["TurnIdPath"];
            };
            cookie?: never;
        };
        /**
         * A turn's status and result
         * @description Running or finished. Finished turns are kept for `TURN_RETENTION_SECONDS` (600 s, at most
         *     `TURN_RETENTION_MAX` per user); after that they are 404 here, and their messages stay in `/history`.
         */
        get: operations["getTurn"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/turns/{turn_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
                /** @description A turn id from `turn.started` or the 202 of a background chat. */
                turn_id: components["parameters"]["TurnIdPath"];
            };
            cookie?: never;
        };
        /**
         * Resume a turn's event stream
         * @description The turn's SSE events after `Last-Event-ID` (or `after`), then live ones until the turn ends, then
         *     `data: [DONE]`. A client that lost its connection reconnects here and gets every event exactly once,
         *     in order. Without either, the stream starts at the first event. The replay is exactly what a live
         *     stream got: past `TURN_EVENTS_MAX_BYTES` both lack the later deltas and the delta at the cut says
         *     `truncated: true`. When the finished turn's events were evicted to bound memory, the answer is 410
         *     `events-evicted` (the turn stays readable at `GET /threads/{thread_id}/turns/{turn_id}`).
         *
         *     A plain browser `EventSource` can follow a turn here: after `[DONE]` it reconnects with the last
         *     `id:` it saw as `Last-Event-ID`, and a finished turn with nothing after that id answers 204 No
         *     Content, which (per the WHATWG HTML standard) stops the EventSource from reconnecting. The failure
         *     event is named `turn.error` so that it does not share a listener with EventSource's own `error`.
         */
        get: operations["streamTurnEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/interrupt": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop the thread's running turn
         * @description Interrupts the running turn and answers once it has ended (`interrupted`); open streams get their
         *     final event. Codex itself leaves commands running after an interrupt; the bridge ends them (Linux).
         */
        post: operations["interruptThread"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        /** Approvals waiting for a decision */
        get: operations["listApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threads/{thread_id}/approvals/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
                /** @description `approval.request_id` from the `approval.requested` event. */
                request_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer an approval
         * @description Gives codex the answer, in the body of the request's `kind`: `{"decision": ...}` for commands and file
         *     changes, `{"answers": {...}}` for questions, `{"decision": "accept", "permissions": {...}}` for permission
         *     requests, `{"decision": "accept", "content": {...}}` for MCP forms (`{"decision": "decline"}` for any).
         *     404 when the request is unknown, already answered, expired, or not the caller's; 400 when the decision is
         *     not among `available_decisions` or the body does not fit what was asked; 403 `permission-ceiling` when a
         *     grant goes beyond what the operator lets users grant (CODEX_GRANTABLE_PERMISSIONS, the user's workspace).
         */
        post: operations["resolveApproval"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's token usage
         * @description Totals over all the caller's threads that ran under this bridge, from the bridge's own records.
         */
        get: operations["getUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The models codex offers, with their reasoning efforts
         * @description Codex's model catalogue for the caller (app-server `model/list`, hidden models left out): ids, display
         *     names, the reasoning efforts each supports and its default effort. `default_model` is what a turn uses
         *     when `model` is not given: `CODEX_MODEL` when the operator set one (listed first, also when codex does not
         *     list it, e.g. a custom provider's model), otherwise codex's default. `POST /chat` checks `model` and
         *     `effort` against this list (400 naming the field).
         */
        get: operations["getModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's event stream, across all threads
         * @description Server-Sent Events of what happens on all the caller's threads, one event per thing (no deltas):
         *     `turn.started`, `turn.completed` / `turn.failed` / `turn.interrupted`, `approval.requested` /
         *     `approval.resolved` (every kind of request codex waits on), `thread.renamed`, `thread.archived`,
         *     `thread.deleted`. Each has an increasing `id:` and an `event:` name equal to the JSON `data`'s `type`
         *     (see `UserEvent`); the stream never ends by itself (`: keepalive` comments while quiet).
         *
         *     Without `Last-Event-ID` or `after` it starts with what happens from now on. A client that reconnects
         *     with `Last-Event-ID` (as an `EventSource` does by itself) gets every event it missed, in order, as long
         *     as the bridge still keeps it (the latest `USER_EVENTS_KEPT` per user, in memory); `after=0` replays all
         *     that is kept. Ids grow across restarts, so an id from before one gets what is kept since.
         *
         *     **Browsers.** A plain `new EventSource('/events')` works where the bridge needs no token
         *     (`SECURITY_METHOD=None`, also with `?user_id=` under `ALLOW_USER_ID_OVERRIDE`), or where a same-origin
         *     reverse proxy turns a session cookie into the bearer token (e.g. oauth2-proxy in front of the bridge,
         *     `withCredentials` for another origin listed in `CORS_ORIGINS`). With a bearer token or API key use a
         *     fetch-based SSE client that can set `Authorization`: the bridge's SDK (`client.events()`),
         *     `@microsoft/fetch-event-source`, or the `eventsource` package with its `fetch` option. The bridge takes
         *     no token in the query string: URLs end up in logs.
         */
        get: operations["streamUserEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's webhook subscriptions */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Subscribe a URL to the caller's events
         * @description The bridge POSTs each chosen event of the caller's (a `WebhookPayload`, see `webhooks` in this document)
         *     to `url`, signed per Standard Webhooks with the `secret` of the answer, which is shown only here. A
         *     delivery that gets no 2xx is retried with backoff (`WEBHOOK_MAX_ATTEMPTS`, `WEBHOOK_RETRY_BASE_SECONDS`);
         *     none ever holds up a turn. The URL must be https (`WEBHOOK_ALLOW_HTTP`), on an allowed host
         *     (`WEBHOOK_ALLOWED_HOSTS`), and resolve to public addresses only unless in `WEBHOOK_ALLOWED_NETWORKS`;
         *     otherwise the answer is 403 `webhook-target-forbidden` naming `/body/url`. The address is checked again
         *     on every delivery, as it is connected to.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `id` of the subscription, from `POST /webhooks`. */
                webhook_id: components["parameters"]["WebhookIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unsubscribe
         * @description No more deliveries start; retries already scheduled still go out.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{webhook_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `id` of the subscription, from `POST /webhooks`. */
                webhook_id: components["parameters"]["WebhookIdPath"];
            };
            cookie?: never;
        };
        /**
         * A subscription's delivery log
         * @description The latest 100 deliveries of the subscription, newest first, each with every attempt (status or error,
         *     duration) and when the next retry is due. The log is kept in memory: it starts empty when the bridge restarts.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a model response (OpenAI Responses API)
         * @description OpenAI's Responses API on top of codex: point an OpenAI client's `baseURL` at `<bridge>/v1` and use the
         *     bridge's bearer token as its API key. One response is one codex turn. Without `previous_response_id` a
         *     new thread starts; with one, the thread of that response continues (from its latest turn). A response id
         *     names its thread and turn: `resp_<base64url("<thread_id>:<turn_id>")>`.
         *
         *     `input` is a string or message items (`role` user, assistant, system or developer; `content` a string or
         *     `input_text`/`output_text` parts). `instructions` and system/developer items become codex's developer
         *     instructions of a new thread; on a continued thread they are put in front of the turn's text. With
         *     several messages and no `previous_response_id`, the new thread is seeded with the transcript.
         *     `store: false` runs the turn on an ephemeral codex thread that is not persisted (it cannot be continued
         *     or fetched later). `metadata` is echoed back and kept with the response. `background: true` answers at
         *     once with status `in_progress`; poll `GET /v1/responses/{response_id}`.
         *
         *     With `stream: true` the answer is `text/event-stream` with OpenAI's event names, each `data` carrying
         *     `type` and an increasing `sequence_number` from 0: `response.created`, `response.in_progress`, then per
         *     output item `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`...,
         *     `response.output_text.done`, `response.content_part.done`, `response.output_item.done` (reasoning items
         *     send `response.reasoning_summary_part.added`, `response.reasoning_summary_text.delta/done`,
         *     `response.reasoning_summary_part.done`, each summary whole once codex completed the item), and last
         *     `response.completed` or `response.failed` (also for a cancelled turn, status `cancelled`).
         *
         *     Codex's tool activity (commands with their output, file changes, MCP calls, web searches) is not put in
         *     `output`, where strict clients (the Vercel AI SDK) reject unknown item types: it is in the extension field
         *     `codex.tool_calls` of the response (the bridge's `ToolItem`s), which every OpenAI client ignores. Streams
         *     carry it as `codex.tool_call.added` and `codex.tool_call.done` events (each with `item`) only when the
         *     request has `include: ["codex.tool_calls"]`: the openai npm client's `responses.stream()` helper throws on
         *     event types it does not know.
         *     Fields of OpenAI's request the bridge does not use (`temperature`, `tools`, `reasoning`, ...) are
         *     accepted and ignored: codex has its own tools and settings.
         */
        post: operations["createResponse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{response_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A response id from `POST /v1/responses` (`resp_` and the base64url of `<thread_id>:<turn_id>`). */
                response_id: components["parameters"]["ResponseIdPath"];
            };
            cookie?: never;
        };
        /**
         * A response, running or stored
         * @description A running or recently finished turn is answered from the bridge's turn store (with usage); an older one
         *     is rebuilt from the thread's history (usage `null`; status `completed` when the turn has an assistant
         *     message, `failed` otherwise).
         */
        get: operations["getResponse"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{response_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A response id from `POST /v1/responses` (`resp_` and the base64url of `<thread_id>:<turn_id>`). */
                response_id: components["parameters"]["ResponseIdPath"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a running response (interrupts the codex turn)
         * @description Interrupts the turn and answers the response with status `cancelled`; 409 when it is not running.
         */
        post: operations["cancelResponse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Chat completion (OpenAI Chat Completions API)
         * @description OpenAI's Chat Completions API on top of codex threads. Each request carries the whole conversation;
         *     the bridge maps it onto one codex thread per conversation:
         *
         *     - The messages up to and including the last `assistant` message are the conversation's prefix; the
         *       messages after it are the new input (at least one `user` message).
         *     - When the prefix is exactly (role and text, whitespace-trimmed) the conversation a thread of this
         *       user has reached, that thread continues with the new input: three requests with the growing history
         *       make one thread with three turns.
         *     - Otherwise (first message, an edited or regenerated earlier message, a history the bridge did not
         *       produce, an archived thread) a new thread starts, seeded with the transcript of the prefix.
         *     - `system`/`developer` messages become the thread's developer instructions; `tool` messages and
         *       non-text content parts enter the transcript as text or are dropped.
         *
         *     The index from conversation to thread is per user, in memory and in
         *     `BASE_DATA_DIR/openai/<user>.json` (outside CODEX_HOME), bounded to the 1000 latest conversations.
         *
         *     With `stream: true` the answer is chunks (`object: chat.completion.chunk`, `choices[0].delta`) and
         *     `data: [DONE]`; with `stream_options.include_usage` a last chunk with empty `choices` carries `usage`.
         *     Codex's tool activity is in the extension field `codex.tool_calls` of the non-streamed answer.
         */
        post: operations["createChatCompletion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The models codex offers (OpenAI Models API)
         * @description codex's own model list (app-server `model/list`), the configured default (`CODEX_MODEL`) first.
         */
        get: operations["listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A model id from `GET /v1/models`. */
                model: string;
            };
            cookie?: never;
        };
        /** One model */
        get: operations["getModel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    userEvent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A user event, delivered to a webhook receiver
         * @description What the bridge POSTs to a subscription's URL (`POST /webhooks`) or the operator's `WEBHOOK_URL`, per
         *     Standard Webhooks: `webhook-id` (the same on every retry), `webhook-timestamp` (Unix seconds of the
         *     attempt) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` with the
         *     secret's bytes). Verify with any Standard Webhooks library (`new Webhook(secret).verify(body, headers)`
         *     of the `standardwebhooks` npm package, or the SDK's `verifyWebhook`) and de-duplicate on `webhook-id`.
         *     Any 2xx counts as delivered; anything else (or no answer within `WEBHOOK_TIMEOUT_SECONDS`) is retried.
         */
        post: operations["receiveUserEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready";
            /** @description The checks that passed. */
            checks: components["schemas"]["ReadinessCheck"][];
        };
        /** @description Present with several replicas (REDIS_URL): this replica's name, its Redis connection and the users whose lease it holds. Users are shown as the first 12 hex digits of the SHA-256 of their data directory name (`printf %s alice | sha256sum | cut -c1-12`), since /status is public. */
        ClusterStatus: {
            replica_id: string;
            /** @enum {string} */
            redis: "up" | "down";
            /** @description SIGTERM received; it takes no new users and hands its leases over. */
            draining: boolean;
            /** @description CLUSTER_LEASE_SECONDS. */
            lease_seconds: number;
            owned_users: number;
            leases: {
                user: string;
                /** @description The lease's fencing token (grows with every new owner of the user). */
                token: number;
                /** @description Until the lease must have been renewed. */
                expires_in_seconds: number;
            }[];
            /** @description Requests this replica passed to the owner of their user since it started. */
            forwarded_requests: number;
            /** @description Leases that could not be renewed in time (the user's codex was stopped). */
            leases_lost: number;
        };
        /**
         * @description `cluster` (several replicas, REDIS_URL): Redis is reachable.
         * @enum {string}
         */
        ReadinessCheck: "codex" | "storage" | "identity_provider" | "isolation" | "draining" | "cluster";
        NotReadyProblem: components["schemas"]["Problem"] & {
            causes: {
                check: components["schemas"]["ReadinessCheck"];
                detail: string;
            }[];
        };
        /** @description An RFC 9457 problem details object. */
        Problem: {
            /** @description A URI naming the kind of problem. */
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description The request path. */
            instance?: string;
            /** @description The offending fields of a validation problem. */
            errors?: components["schemas"]["InvalidParam"][];
        };
        InvalidParam: {
            /** @description Where the problem is, e.g. `/body/messages/0/content` or `/query/limit`. */
            field: string;
            message: string;
        };
        UserId: string;
        /** @example 019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a */
        ThreadId: string;
        /** @description Original profile: an error as FastAPI tells it. */
        OriginalError: {
            detail: string;
        };
        /** @description Original profile: FastAPI's 422 for a malformed or invalid body or parameter. */
        OriginalValidationError: {
            detail: {
                loc: (string | number)[];
                msg: string;
                type: string;
            }[];
        };
        /**
         * @description Original profile: one `data:` of the `/chat` stream and one entry of `events`. Codex's notifications as
         *     codex wrote them (`method`, `params`, `emittedAtMs`), `{"type": "session", "thread_id"}` first in a
         *     stream, `{"type": "turn.started", "turn"}` with codex's turn after its turn/start answer, and
         *     `{"type": "error", "thread_id", "message"}` when the turn breaks.
         */
        OriginalEvent: {
            method?: string;
            params?: {
                [key: string]: unknown;
            };
            emittedAtMs?: number;
            type?: string;
            thread_id?: string;
            turn?: {
                [key: string]: unknown;
            };
            message?: string;
        };
        /** @description Original profile: the answer of `POST /chat` with `stream: false`. */
        OriginalChatResult: {
            thread_id: string;
            /** @description The text of the last assistant message. */
            message: string | null;
            events: components["schemas"]["OriginalEvent"][];
        };
        /** @description Original profile: `GET /threads`, oldest first (by creation); times are local, without a zone. */
        OriginalThreadList: {
            threads: {
                thread_id: string;
                preview: string | null;
                /** @example 2026-11-25T10:00:00 */
                created_at: string | null;
                updated_at: string | null;
            }[];
            next_cursor: string | null;
        };
        /** @description Original profile: `GET /history`, the whole thread with codex's turns and their raw items. */
        OriginalHistory: {
            thread_id: string;
            preview: string | null;
            created_at: string | null;
            turns: {
                [key: string]: unknown;
            }[];
        };
        ServiceInfo: {
            name: string;
            version: string;
            /** @description The main operations, as the original bridge listed them. */
            endpoints?: {
                [key: string]: string;
            };
            links: {
                docs: string;
                openapi_json: string;
                openapi_yaml: string;
                status: string;
            };
        };
        Status: {
            /** @enum {string} */
            status: "ok" | "degraded" | "unavailable";
            codex_available: boolean;
            codex_version: string | null;
            api_key_configured: boolean;
            /** @enum {string} */
            security_method: "none" | "keycloak" | "apikey";
            /** @description Per-user codex processes running now. */
            active_sessions: number;
            max_sessions: number;
            /** @description The bridge's version. */
            version: string;
            isolation?: components["schemas"]["Isolation"];
            identity_provider?: components["schemas"]["IdentityProviderStatus"];
            cluster?: components["schemas"]["ClusterStatus"];
            storage: {
                /** @description Free space in `BASE_DATA_DIR` (null when the filesystem does not answer within 2 s). */
                free_bytes: number | null;
                total_bytes: number | null;
                /** @description Less than `STORAGE_MIN_FREE_BYTES` free. */
                low_space: boolean;
                /** @description The latest storage failure of each kind, until a later success of the same kind. */
                problems: {
                    /** @enum {string} */
                    source: "data_dir" | "threads" | "usage";
                    message: string;
                    /** @description ISO 8601 time it was seen. */
                    at: string;
                }[];
            };
            memory: {
                rss_bytes: number;
                heap_used_bytes: number;
                heap_limit_bytes: number;
                /** @description New turns get 503 `memory-pressure` (above `MEMORY_SHED_HEAP_RATIO` or `MEMORY_SHED_RSS_BYTES`). */
                shedding: boolean;
            };
            events: {
                /** @description Bytes of turn events kept for replay, all users together. */
                retained_bytes: number;
                /** @description `EVENTS_MAX_BYTES`. */
                max_bytes: number;
            };
            connections: {
                open: number;
                /** @description `MAX_CONNECTIONS`. */
                max: number;
                /** @description `MAX_CONNECTIONS_PER_CLIENT` (0: no per-address cap). */
                max_per_client: number;
            };
        };
        /** @description How each user's codex is kept from the others, the operator's secrets and the bridge (see SECURITY.md). */
        Isolation: {
            /**
             * @description `bubblewrap`: a jail per user (own mount, PID, IPC and UTS namespaces). `none`: no jail.
             * @enum {string}
             */
            mechanism: "bubblewrap" | "none";
            /** @description Each user's jail runs as a Unix uid of its own (the bridge runs as root). */
            tenant_uids: boolean;
            /** @description Codex reaches the model through the bridge's relay; the OpenAI key never enters a jail. */
            model_relay: boolean;
            /** @description Why there is no jail, when there is none. */
            reason: string | null;
        };
        /** @description With SECURITY_METHOD=Keycloak only. The identity provider's last known state, from a check at start-up, a background check every KEYCLOAK_HEALTH_INTERVAL_SECONDS and every token introspection. While it is `unreachable` or `credentials-rejected`, `status` is `degraded` and authenticated requests get 503. */
        IdentityProviderStatus: {
            /**
             * @description `unreachable`: no usable answer (down, timeout, 5xx, realm not found); `credentials-rejected`: Keycloak refuses KEYCLOAK_CLIENT_ID/KEYCLOAK_CLIENT_SECRET; `unknown`: not checked yet.
             * @enum {string}
             */
            state: "ok" | "unreachable" | "credentials-rejected" | "unknown";
            /**
             * Format: date-time
             * @description When the state was last confirmed.
             */
            checked_at: string | null;
            /** @description What failed, for operators (never a secret). */
            detail: string | null;
        };
        ChatMessage: {
            /**
             * @description Who said it. All messages become the one prompt of the turn: when every message is the user's,
             *     their texts joined by blank lines; otherwise a transcript, each message on its own paragraph
             *     prefixed `User: `, `Assistant: ` or `System: ` (`developer` counts as `system`). `null` means `user`.
             * @default user
             * @enum {string|null}
             */
            role?: "user" | "assistant" | "system" | "developer" | null;
            /**
             * @description Text, or a list of parts (text and images). Blank messages are skipped; a request whose messages are all
             *     blank (no text, no image) is refused (400). Images are sent to codex as image inputs of the turn.
             */
            content: string | components["schemas"]["ChatContentPart"][];
        };
        /** @description One part of a message. */
        ChatContentPart: components["schemas"]["ChatTextPart"] | components["schemas"]["ChatImagePart"] | components["schemas"]["ChatImageFilePart"];
        ChatTextPart: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "text";
            text: string;
        };
        /** @description An image sent inline, as a `data:` URL (base64). */
        ChatImagePart: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "image";
            /** @description `data:image/png;base64,...` (also `image/jpeg`, `image/gif`, `image/webp`). */
            data_url: string;
            detail?: components["schemas"]["ImageDetail"];
        };
        /** @description An image file in the caller's workspace (e.g. one a turn wrote or the caller put there). */
        ChatImageFilePart: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "image_file";
            /** @description Relative to the caller's workspace; it can never lead outside it (400 otherwise). */
            path: string;
            detail?: components["schemas"]["ImageDetail"];
        };
        /**
         * @description How closely the model looks at the image; default codex's (`auto`). (`low` is not offered: codex 0.171 leaves
         *     such an image out.)
         * @enum {string|null}
         */
        ImageDetail: "auto" | "high" | "original" | null;
        /** @description Every optional field may also be `null`, meaning "not given" (its default applies). */
        ChatRequest: {
            /** @description The thread to continue; absent, `null` or `""` starts a new one. */
            thread_id?: components["schemas"]["ThreadId"] | string | null;
            messages: components["schemas"]["ChatMessage"][];
            /**
             * @description The model for this turn and the thread's next ones; one of `GET /models` (400 otherwise). Default
             *     `CODEX_MODEL` or codex's own default.
             */
            model?: string | null;
            /**
             * @description Reasoning effort for this turn and the thread's next ones, one the model supports (`GET /models`
             *     `efforts`; 400 otherwise), e.g. `low`, `medium`, `high`. Default: the model's `default_effort`.
             */
            effort?: string | null;
            /**
             * @description Reasoning summary mode for this turn and the thread's next ones (`none` turns summaries off).
             * @enum {string|null}
             */
            summary?: "auto" | "concise" | "detailed" | "none" | null;
            /**
             * @description A JSON Schema (draft 2020-12 or 07) the final answer must match; the parsed answer is `output` in the
             *     result and in `turn.completed`. An invalid schema is refused (400); an answer that does not match ends
             *     the turn `failed` with code `output_schema_mismatch`. At most 64 KiB as JSON.
             */
            output_schema?: {
                [key: string]: unknown;
            } | null;
            /**
             * @description When the thread is running a turn: `reject` answers 409, `steer` adds these messages to the running turn,
             *     `queue` runs them as the next turn once it ends (see the operation's description).
             * @default reject
             * @enum {string|null}
             */
            on_busy?: "reject" | "steer" | "queue" | null;
            /**
             * @description SSE (true) or one JSON result (false).
             * @default true
             */
            stream?: boolean | null;
            /**
             * @description Also send codex's own notifications unchanged, as `codex` events (streaming only).
             * @default false
             */
            raw_events?: boolean | null;
            /**
             * @description Answer 202 at once with the thread and turn ids; follow the turn with
             *     `GET /threads/{thread_id}/turns/{turn_id}` or its `/events` stream.
             * @default false
             */
            background?: boolean | null;
            /**
             * @description What happens to the turn when a streaming client disconnects.
             * @default continue
             * @enum {string|null}
             */
            on_disconnect?: "continue" | "interrupt" | null;
            /**
             * @description Whether codex asks before running commands or changing files, for this turn and the thread's
             *     next ones. Default `CODEX_APPROVAL_POLICY`. Requests arrive as `approval.requested` events.
             *     Only the policies the operator allows (`CODEX_ALLOWED_APPROVAL_POLICIES`); others are 403.
             * @enum {string|null}
             */
            approval_policy?: "never" | "on-request" | "untrusted" | null;
            /**
             * @description Codex's command sandbox for this turn and the thread's next ones. Default `CODEX_SANDBOX`. Only the
             *     modes the operator allows (`CODEX_ALLOWED_SANDBOX_MODES`); others are 403. Every mode stays
             *     inside the user's jail.
             * @enum {string|null}
             */
            sandbox?: "read-only" | "workspace-write" | "danger-full-access" | null;
            /**
             * @description Where the turn's commands run, relative to the caller's own workspace (e.g. `src/app`); it must
             *     exist and can never lead outside the workspace (400 otherwise).
             */
            cwd?: string | null;
        };
        ChatResult: {
            thread_id: string;
            turn_id: string;
            /** @enum {string} */
            status: "completed" | "failed" | "interrupted";
            /** @description The final assistant message's text; null when the turn produced none. */
            message: string | null;
            /** @description Every item the turn completed, in order. */
            items: components["schemas"]["Item"][];
            /** @description Token usage of this turn. */
            usage: components["schemas"]["Usage"] | null;
            error: components["schemas"]["TurnError"] | null;
            /** @description The agent's plan as it last updated it in this turn (`plan.updated`); null when it made none. */
            plan: components["schemas"]["Plan"] | null;
            /** @description The turn's aggregated diff of file changes (`diff.updated`), git format; null when it changed no file. */
            diff: string | null;
            /**
             * @description With `output_schema`: the final answer parsed as JSON and checked against the schema (`null` when the
             *     turn produced none or it did not match). Absent without `output_schema`.
             */
            output?: unknown;
        };
        ThreadSummary: {
            thread_id: string;
            /** @description The name set with `PATCH /threads/{thread_id}`, if any. */
            name: string | null;
            /** @description Usually the first user message. */
            preview: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * @description `active` while a turn runs.
             * @enum {string}
             */
            status: "not_loaded" | "idle" | "active" | "system_error";
            /** @description The thread this one was forked from (`POST /threads/{thread_id}/fork`), null for others. */
            forked_from_thread_id?: string | null;
        };
        ThreadList: {
            threads: components["schemas"]["ThreadSummary"][];
            next_cursor: string | null;
        };
        ForkThreadRequest: {
            /** @description The last turn the fork keeps (it must have ended); absent or `null` forks the whole thread. */
            through_turn_id?: components["schemas"]["ThreadId"] | null;
        };
        RevertThreadRequest: {
            /** @description How many of the latest turns to drop. */
            turns: number;
        };
        RevertResult: {
            thread: components["schemas"]["ThreadSummary"];
            /** @description The turns dropped, oldest first. */
            reverted_turn_ids: string[];
        };
        /** @description What to review. */
        ReviewTarget: {
            /**
             * @description Staged, unstaged and untracked changes of the working directory.
             * @constant
             */
            type: "uncommitted_changes";
        } | {
            /** @constant */
            type: "base_branch";
            /** @description The branch to compare with (from its merge base). */
            branch: string;
        } | {
            /** @constant */
            type: "commit";
            sha: string;
            /** @description The commit's subject, shown in the review's prompt. */
            title?: string | null;
        } | {
            /** @constant */
            type: "custom";
            /** @description What to review and how, in words. */
            instructions: string;
        };
        /** @description Every optional field may also be `null`, meaning "not given". */
        ReviewRequest: {
            target: components["schemas"]["ReviewTarget"];
            /**
             * @description SSE (true) or one JSON result (false).
             * @default true
             */
            stream?: boolean | null;
            /**
             * @description Answer 202 at once with the thread and turn ids, as for `POST /chat`.
             * @default false
             */
            background?: boolean | null;
            /**
             * @description What happens to the review when a streaming client disconnects.
             * @default continue
             * @enum {string|null}
             */
            on_disconnect?: "continue" | "interrupt" | null;
        };
        /** @description Every optional field may also be `null`, meaning "not given". */
        NewReviewRequest: {
            target: components["schemas"]["ReviewTarget"];
            /**
             * @description SSE (true) or one JSON result (false).
             * @default true
             */
            stream?: boolean | null;
            /**
             * @description Answer 202 at once with the thread and turn ids, as for `POST /chat`.
             * @default false
             */
            background?: boolean | null;
            /**
             * @description What happens to the review when a streaming client disconnects.
             * @default continue
             * @enum {string|null}
             */
            on_disconnect?: "continue" | "interrupt" | null;
            /** @description The new thread's working directory, relative to the caller's workspace (400 when outside or missing). */
            cwd?: string | null;
        };
        RenameThreadRequest: {
            name: string;
        };
        HistoryMessage: {
            /** @enum {string} */
            role: "user" | "assistant" | "reasoning" | "tool";
            turn_id: string;
            /** @description The text for user and assistant messages; a one-line description for tools and reasoning. */
            content: string;
            item: components["schemas"]["Item"];
        };
        History: {
            thread: components["schemas"]["ThreadSummary"];
            messages: components["schemas"]["HistoryMessage"][];
            usage: components["schemas"]["Usage"] | null;
            next_cursor: string | null;
        };
        TurnAccepted: {
            thread_id: string;
            turn_id: string;
            /** @enum {string} */
            status: "running";
            links: {
                turn: string;
                events: string;
                interrupt: string;
            };
        };
        TurnQueued: {
            thread_id: string;
            /** @enum {string} */
            status: "queued";
            /** @description 1 when this turn runs next. */
            position: number;
        };
        TurnState: {
            /** @description With `output_schema`, as in `ChatResult.output`; absent without it. */
            output?: unknown;
            thread_id: string;
            turn_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "failed" | "interrupted";
            /** @description The last complete assistant message so far. */
            message: string | null;
            items: components["schemas"]["Item"][];
            usage: components["schemas"]["Usage"] | null;
            error: components["schemas"]["TurnError"] | null;
            /** @description The agent's plan as it last updated it in this turn (`plan.updated`); null when it made none. */
            plan: components["schemas"]["Plan"] | null;
            /** @description The turn's aggregated diff of file changes (`diff.updated`), git format; null when it changed no file. */
            diff: string | null;
            pending_approvals: components["schemas"]["Approval"][];
            /** @description The sequence number of the turn's latest event. */
            last_event_id: number;
            /**
             * @description The turn reached `TURN_EVENTS_MAX_BYTES` (or its user's or the bridge's cap): later deltas were neither
             *     kept nor streamed; the delta where it happened carries `truncated: true`.
             */
            events_truncated: boolean;
            /**
             * @description The finished turn's events and items were dropped to make room for newer turns (`USER_EVENTS_MAX_BYTES`,
             *     `EVENTS_MAX_BYTES`); `items` is then empty, status, message, usage and error stay, and the turn's
             *     messages are in `/history`. Its event stream answers 410 `events-evicted`.
             */
            events_evicted: boolean;
        };
        ModelCatalogue: {
            /** @description The model a turn uses without `model`; null when codex lists no default. */
            default_model: string | null;
            models: components["schemas"]["CodexModel"][];
        };
        CodexModel: {
            /** @description What `model` takes. */
            id: string;
            display_name: string;
            description: string;
            is_default: boolean;
            /** @description The effort a turn uses without `effort`; null when not known (a model codex does not list). */
            default_effort: string | null;
            /** @description The reasoning efforts the model supports; empty when not known (then `effort` is not checked). */
            efforts: {
                effort: string;
                description: string;
            }[];
            /** @description e.g. `text`, `image`. */
            input_modalities: string[];
        };
        ApprovalList: {
            approvals: components["schemas"]["Approval"][];
        };
        /**
         * @description The answer to one request, with the members of its `kind` (any other member is 400, naming it):
         *     `command`, `file_change`: `decision`. `question`: `answers` (`decision` `accept` implied), or `decision:
         *     decline`. `permissions`: `decision` `accept` / `accept_for_session` grant everything codex asked (403
         *     `permission-ceiling` when any of it is not `grantable`) or, with `permissions`, the subset named;
         *     `decline` grants nothing. `mcp_elicitation`: `decision`, with `content` to accept a form that has fields.
         */
        ApprovalAnswer: {
            decision?: components["schemas"]["ApprovalDecision"];
            /** @description Kind `question`: by question id, an option's `label` (or free text where `allows_other`), or several. */
            answers?: {
                [key: string]: string | string[];
            };
            /**
             * @description Kind `permissions`: the subset of what codex asked to grant, for the turn (`accept`) or the rest of the
             *     session (`accept_for_session`). Naming something not asked is 400; something asked but not `grantable`
             *     is 403 `permission-ceiling`, naming the member. The request stays pending after a refusal.
             */
            permissions?: {
                /** @description Network access for the agent's commands. */
                network?: boolean;
                file_system?: {
                    /** @description A `path` from the request's `permissions`. */
                    path: string;
                    /** @enum {string} */
                    access: "read" | "write" | "deny";
                }[];
            };
            /**
             * @description Kind `mcp_elicitation`, form mode: the form's values, checked against its `requested_schema`. A form
             *     without fields (codex's own "allow this MCP tool?", `codex_approval_kind: mcp_tool_call`) and url mode
             *     are accepted with `decision` alone.
             */
            content?: {
                [key: string]: unknown;
            };
        };
        ApprovalResolution: {
            request_id: string;
            decision: components["schemas"]["ApprovalDecision"];
        };
        UserUsage: {
            usage: components["schemas"]["Usage"];
            /** @description Threads the totals cover. */
            threads: number;
            /**
             * @description What the bridge's model relay counted for this user: every model response, exact, including
             *     those of threads since deleted. Null before the first one, or without the relay (no OPENAI_API_KEY).
             */
            metered?: components["schemas"]["MeteredUsage"] | null;
        };
        MeteredUsage: {
            input_tokens: number;
            cached_input_tokens: number;
            output_tokens: number;
            reasoning_output_tokens: number;
            total_tokens: number;
            /** @description Model responses counted. */
            responses: number;
        };
        WebhookSubscriptionRequest: {
            /**
             * Format: uri
             * @description Where to POST; https (http only with `WEBHOOK_ALLOW_HTTP`), no credentials in it.
             */
            url: string;
            /** @description What to send; default `turn.completed`, `turn.failed`, `approval.requested`. */
            events?: components["schemas"]["UserEventType"][];
            description?: string;
        };
        WebhookSubscription: {
            id: string;
            url: string;
            events: components["schemas"]["UserEventType"][];
            description: string | null;
            created_at: string;
        };
        WebhookSubscriptionCreated: {
            id: string;
            url: string;
            events: components["schemas"]["UserEventType"][];
            description: string | null;
            created_at: string;
            /** @description The Standard Webhooks signing secret (`whsec_...`); shown only in this answer. */
            secret: string;
        };
        WebhookSubscriptionList: {
            webhooks: components["schemas"]["WebhookSubscription"][];
        };
        WebhookAttempt: {
            attempted_at: string;
            /** @description The receiver's status; null when it did not answer. */
            status_code: number | null;
            /** @description Why the attempt failed (refused address, timeout, status); null when it succeeded. */
            error: string | null;
            duration_ms: number;
        };
        WebhookDelivery: {
            /** @description The `webhook-id` header of every attempt (receivers de-duplicate on it). */
            id: string;
            event_type: components["schemas"]["UserEventType"];
            created_at: string;
            /** @enum {string} */
            state: "pending" | "delivered" | "failed";
            attempts: components["schemas"]["WebhookAttempt"][];
            next_attempt_at: string | null;
        };
        WebhookDeliveryList: {
            deliveries: components["schemas"]["WebhookDelivery"][];
        };
        /** @description Token counts reported by the model. */
        Usage: {
            input_tokens: number;
            cached_input_tokens: number;
            output_tokens: number;
            reasoning_output_tokens: number;
            total_tokens: number;
        };
        /** @description Why a turn failed or was interrupted. */
        TurnError: {
            message: string;
            /** @description Codex's error kind, e.g. `unauthorized`, `internalServerError`. */
            code: string | null;
        };
        /** @description What the user sent. */
        UserMessageItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "user_message";
            id: string;
            text: string;
        };
        /** @description A complete assistant message (its final text, not the deltas' sum). */
        AssistantMessageItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "assistant_message";
            id: string;
            text: string;
        };
        /** @description The model's reasoning summary and, where the model shares it, its text. */
        ReasoningItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "reasoning";
            id: string;
            summary: string[];
            content: string[];
        };
        /** @description A shell command the agent ran, with its output. */
        CommandExecutionItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "command_execution";
            id: string;
            command: string;
            cwd: string;
            /** @description `in_progress`, `completed`, `failed` or `declined`. */
            status: string;
            output: string | null;
            exit_code: number | null;
            duration_ms: number | null;
            /** @description Present and true when `output` was cut to bound the memory the bridge keeps for the turn (`TURN_EVENTS_MAX_BYTES`); the full output is in `/history`. */
            truncated?: boolean;
        };
        /** @description Files the agent created, edited or deleted. */
        FileChangeItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "file_change";
            id: string;
            status: string;
            changes: {
                path: string;
                kind: string;
                diff: string | null;
            }[];
        };
        /** @description A call to a tool of an MCP server. */
        McpToolCallItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "mcp_tool_call";
            id: string;
            server: string;
            tool: string;
            status: string;
            arguments?: unknown;
            result?: unknown;
            error: string | null;
        };
        /** @description A web search the agent made. */
        WebSearchItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "web_search";
            id: string;
            query: string;
        };
        /** @description One problem the review found, with where it is. */
        ReviewFinding: {
            /** @description One line, e.g. `[P1] Guard against a null id`. */
            title: string;
            /** @description Why it is a problem, in Markdown. */
            body: string;
            /** @description The `[P0]`..`[P3]` tag of the title as a number (0 is the most urgent), null without one. */
            priority: number | null;
            /** @description The file, as codex sees it. */
            path: string;
            start_line: number;
            end_line: number;
        };
        /** @description The outcome of a review turn (`POST /threads/{thread_id}/review`): codex's findings. */
        ReviewItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "review";
            id: string;
            /** @description The review as codex wrote it up (also the turn's `message`). */
            text: string;
            /** @description The reviewer's overall verdict, without the findings. */
            explanation: string;
            findings: components["schemas"]["ReviewFinding"][];
        };
        /** @description One step of the agent's plan. */
        PlanStep: {
            step: string;
            /** @enum {string} */
            status: "pending" | "in_progress" | "completed";
        };
        /** @description The agent's plan as it last updated it (codex's `update_plan` tool). */
        Plan: {
            /** @description Why the plan is what it is (or changed), when the agent said. */
            explanation: string | null;
            steps: components["schemas"]["PlanStep"][];
        };
        /** @description An item kind the bridge does not normalize; `codex_type` names codex's kind. */
        OtherItem: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "other";
            id: string;
            codex_type: string;
        };
        /** @description Tool activity: commands, file changes, MCP tool calls, web searches. */
        ToolItem: components["schemas"]["CommandExecutionItem"] | components["schemas"]["FileChangeItem"] | components["schemas"]["McpToolCallItem"] | components["schemas"]["WebSearchItem"] | components["schemas"]["OtherItem"];
        /** @description One normalized item of a turn. */
        Item: components["schemas"]["UserMessageItem"] | components["schemas"]["AssistantMessageItem"] | components["schemas"]["ReasoningItem"] | components["schemas"]["CommandExecutionItem"] | components["schemas"]["FileChangeItem"] | components["schemas"]["McpToolCallItem"] | components["schemas"]["WebSearchItem"] | components["schemas"]["ReviewItem"] | components["schemas"]["OtherItem"];
        /**
         * @description `accept` runs it once, `accept_for_session` also allows the like for the rest of the session, `decline` refuses and the turn goes on, `cancel` refuses and ends the turn.
         * @enum {string}
         */
        ApprovalDecision: "accept" | "accept_for_session" | "decline" | "cancel";
        /** @description One of the 1-3 questions codex asks (kind `question`). */
        ApprovalQuestion: {
            /** @description The key of its answer in `answers`. */
            id: string;
            /** @description A short label (codex asks for 12 characters or fewer). */
            header: string;
            question: string;
            /** @description Codex's suggested answers; an answer is usually one option's `label`. */
            options: {
                label: string;
                description: string;
            }[];
            /** @description A free-form answer is accepted besides the options. */
            allows_other: boolean;
            /** @description The answer is sensitive: show the input masked (the bridge keeps it in no event or log). */
            secret: boolean;
        };
        /** @description One permission codex asks for (kind `permissions`). */
        PermissionAsked: {
            /** @enum {string} */
            type: "network" | "file_system";
            /**
             * @description For `file_system`: the access asked for `path`.
             * @enum {string|null}
             */
            access: "read" | "write" | "deny" | null;
            /** @description For `file_system`: an absolute path as codex resolved it; a glob pattern or `:special` path (e.g. `:root`) is never grantable. */
            path: string | null;
            /** @description Whether the operator's ceiling lets a caller grant it. */
            grantable: boolean;
            /** @description Why it cannot be granted, when it cannot. */
            not_grantable_reason: string | null;
        };
        /** @description An MCP server asks the user for input (kind `mcp_elicitation`). */
        Elicitation: {
            /** @description The MCP server that asks. */
            server: string;
            message: string;
            /**
             * @description `form`: answer with `content` matching `requested_schema`; `url`: the user is sent to `url`.
             * @enum {string}
             */
            mode: "form" | "url";
            /** @description The JSON Schema (an object of primitive properties) the form's `content` must match. */
            requested_schema: {
                [key: string]: unknown;
            } | null;
            url: string | null;
            /** @description Set when codex itself asks through an elicitation: `mcp_tool_call` means "allow this MCP tool to run?" (a form without fields: accept or decline). */
            codex_approval_kind: string | null;
        };
        /** @description Codex asks before running a command or changing files, asks the user questions, asks for more permissions, or passes on an MCP server's elicitation. */
        Approval: {
            request_id: string;
            thread_id: string;
            turn_id: string;
            item_id: string | null;
            /**
             * @description What codex asks: to run a `command`, to apply a `file_change`, a `question` for the user, more `permissions`, or an MCP server's `mcp_elicitation`. Each kind has its own answer body.
             * @enum {string}
             */
            kind: "command" | "file_change" | "question" | "permissions" | "mcp_elicitation";
            /** @description The command to run (kind `command`). */
            command: string | null;
            cwd: string | null;
            /** @description Codex's explanation, e.g. why it needs network access. */
            reason: string | null;
            /** @description The file changes to apply (kind `file_change`), when codex names them. */
            changes: {
                path: string;
                kind: string;
                diff: string | null;
            }[] | null;
            /** @description Kind `question`: what codex asks. */
            questions: components["schemas"]["ApprovalQuestion"][] | null;
            /** @description Kind `permissions`: each permission asked, and whether it can be granted. */
            permissions: components["schemas"]["PermissionAsked"][] | null;
            /** @description Kind `mcp_elicitation`. */
            elicitation: components["schemas"]["Elicitation"] | null;
            available_decisions: components["schemas"]["ApprovalDecision"][];
            /** @description ISO 8601 time of the request. */
            requested_at: string;
            /** @description When the bridge declines it if nobody has answered. */
            expires_at: string;
        };
        /** @description Always the first event: the thread (new or continued) and the turn. */
        TurnStartedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "turn.started";
            thread_id: string;
            turn_id: string;
            thread_created: boolean;
        };
        /** @description A piece of assistant text as it streams. */
        MessageDeltaEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "message.delta";
            thread_id: string;
            turn_id: string;
            item_id: string;
            delta: string;
            /** @description Present and true on the delta where the turn reached `TURN_EVENTS_MAX_BYTES`: `delta` is cut there and no further delta event of the turn follows (completed items and `turn.completed` still do). */
            truncated?: boolean;
        };
        /** @description An assistant message is complete; `item.text` is its final text. */
        MessageCompletedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "message.completed";
            thread_id: string;
            turn_id: string;
            item: components["schemas"]["AssistantMessageItem"];
        };
        /** @description A piece of the reasoning summary as it streams. */
        ReasoningDeltaEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "reasoning.delta";
            thread_id: string;
            turn_id: string;
            item_id: string;
            delta: string;
            /** @description Present and true on the delta where the turn reached `TURN_EVENTS_MAX_BYTES`: `delta` is cut there and no further delta event of the turn follows (completed items and `turn.completed` still do). */
            truncated?: boolean;
        };
        /** @description A reasoning item is complete. */
        ReasoningCompletedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "reasoning.completed";
            thread_id: string;
            turn_id: string;
            item: components["schemas"]["ReasoningItem"];
        };
        /** @description The agent started a command, file change, MCP tool call or web search. */
        ToolStartedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "tool.started";
            thread_id: string;
            turn_id: string;
            item: components["schemas"]["ToolItem"];
        };
        /** @description Output of a running command or file change, as it comes. */
        ToolOutputDeltaEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "tool.output.delta";
            thread_id: string;
            turn_id: string;
            item_id: string;
            delta: string;
            /** @description Present and true on the delta where the turn reached `TURN_EVENTS_MAX_BYTES`: `delta` is cut there and no further delta event of the turn follows (completed items and `turn.completed` still do). */
            truncated?: boolean;
        };
        /** @description A tool item finished; the item carries its status and output. */
        ToolCompletedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "tool.completed";
            thread_id: string;
            turn_id: string;
            item: components["schemas"]["ToolItem"];
        };
        /** @description Token usage of the latest model call and the thread's running total. */
        UsageEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "usage";
            thread_id: string;
            turn_id: string;
            usage: components["schemas"]["Usage"];
            thread_total: components["schemas"]["Usage"];
        };
        /** @description Codex waits for a decision: answer with `POST /threads/{thread_id}/approvals/{request_id}`. */
        ApprovalRequestedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "approval.requested";
            thread_id: string;
            turn_id: string;
            approval: components["schemas"]["Approval"];
        };
        /** @description An approval was answered, by a client or by the bridge. */
        ApprovalResolvedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "approval.resolved";
            thread_id: string;
            turn_id: string;
            request_id: string;
            decision: components["schemas"]["ApprovalDecision"];
            /** @enum {string} */
            resolved_by: "client" | "timeout" | "turn_ended" | "policy";
        };
        /** @description The agent changed its plan: every step with its status, the whole plan each time (also the turn's `plan`). */
        PlanUpdatedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "plan.updated";
            thread_id: string;
            turn_id: string;
            plan: components["schemas"]["Plan"];
        };
        /** @description The turn's files changed: its aggregated diff so far, whole each time (also the turn's `diff`). Past `TURN_EVENTS_MAX_BYTES` later ones are not sent; the fetched turn keeps the latest. */
        DiffUpdatedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "diff.updated";
            thread_id: string;
            turn_id: string;
            /** @description A unified diff (git format) of every file change of the turn so far. */
            diff: string;
        };
        /** @description A review turn reached its verdict; `item.findings` lists the problems found. */
        ReviewCompletedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "review.completed";
            thread_id: string;
            turn_id: string;
            item: components["schemas"]["ReviewItem"];
        };
        /** @description The last event of every turn that ends normally. */
        TurnCompletedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "turn.completed";
            thread_id: string;
            turn_id: string;
            /** @enum {string} */
            status: "completed" | "failed" | "interrupted";
            error: components["schemas"]["TurnError"] | null;
            usage: components["schemas"]["Usage"] | null;
            /** @description With `output_schema`: the final answer parsed as JSON and checked against the schema (`null` when it did not match); absent without it. */
            output?: unknown;
        };
        /** @description Something went wrong. With `will_retry: false` a `turn.completed` or the end of the stream follows. Named `turn.error`, not `error`, because an EventSource's own `error` event (a lost connection) would share the listener; `SSE_LEGACY_ERROR_EVENT=true` sends it under its old name `error` (SSE `event:` and `type`) for clients written against it. */
        ErrorEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "turn.error";
            thread_id: string;
            turn_id: string;
            /** @description `model_error`, `turn_timeout`, `storage_error` (codex could not save the thread), `codex_exited` or `internal_error`. */
            code: string;
            message: string;
            will_retry: boolean;
        };
        /** @description One of codex's own notifications (`raw_events: true`), also those of the thread rather than the turn (e.g. `thread/started`). The compatibility profile (`X-Api-Compat: original`) sends them as codex wrote them, `{method, params, emittedAtMs}`. */
        CodexEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "codex";
            thread_id: string;
            turn_id: string;
            method: string;
            params: {
                [key: string]: unknown;
            };
            /** @description Codex's `emittedAtMs`: when codex sent it. */
            emitted_at_ms?: number;
        };
        /** @description The JSON `data` of one SSE event of a turn; `type` equals the SSE `event:` name. */
        ChatEvent: components["schemas"]["TurnStartedEvent"] | components["schemas"]["MessageDeltaEvent"] | components["schemas"]["MessageCompletedEvent"] | components["schemas"]["ReasoningDeltaEvent"] | components["schemas"]["ReasoningCompletedEvent"] | components["schemas"]["ToolStartedEvent"] | components["schemas"]["ToolOutputDeltaEvent"] | components["schemas"]["ToolCompletedEvent"] | components["schemas"]["UsageEvent"] | components["schemas"]["ApprovalRequestedEvent"] | components["schemas"]["ApprovalResolvedEvent"] | components["schemas"]["PlanUpdatedEvent"] | components["schemas"]["DiffUpdatedEvent"] | components["schemas"]["ReviewCompletedEvent"] | components["schemas"]["TurnCompletedEvent"] | components["schemas"]["ErrorEvent"] | components["schemas"]["CodexEvent"];
        /** @description A turn started on one of the user's threads (new or continued). */
        UserTurnStartedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "turn.started";
            thread_id: string;
            turn_id: string;
            thread_created: boolean;
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description A turn ended; `type` says how (`turn.completed`, `turn.failed`, `turn.interrupted`), as `status` does. */
        UserTurnEndedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "turn.completed" | "turn.failed" | "turn.interrupted";
            thread_id: string;
            turn_id: string;
            /** @enum {string} */
            status: "completed" | "failed" | "interrupted";
            /** @description The turn's last assistant message, if any. */
            message: string | null;
            error: components["schemas"]["TurnError"] | null;
            usage: components["schemas"]["Usage"] | null;
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description Codex waits for an answer (an approval of any kind): answer with `POST /threads/{thread_id}/approvals/{request_id}`. */
        UserApprovalRequestedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "approval.requested";
            thread_id: string;
            turn_id: string;
            approval: components["schemas"]["Approval"];
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description An approval was answered, by a client or by the bridge. */
        UserApprovalResolvedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "approval.resolved";
            thread_id: string;
            turn_id: string;
            request_id: string;
            decision: components["schemas"]["ApprovalDecision"];
            /** @enum {string} */
            resolved_by: "client" | "timeout" | "turn_ended" | "policy";
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description A thread got a new name. */
        UserThreadRenamedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "thread.renamed";
            thread_id: string;
            name: string;
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description A thread was archived. */
        UserThreadArchivedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "thread.archived";
            thread_id: string;
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description A thread was deleted for good. */
        UserThreadDeletedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "thread.deleted";
            thread_id: string;
            /** @description ISO 8601 time the bridge saw it happen. */
            occurred_at: string;
        };
        /** @description The JSON `data` of one SSE event of `GET /events`, and of a webhook delivery; `type` equals the SSE `event:` name. */
        UserEvent: components["schemas"]["UserTurnStartedEvent"] | components["schemas"]["UserTurnEndedEvent"] | components["schemas"]["UserApprovalRequestedEvent"] | components["schemas"]["UserApprovalResolvedEvent"] | components["schemas"]["UserThreadRenamedEvent"] | components["schemas"]["UserThreadArchivedEvent"] | components["schemas"]["UserThreadDeletedEvent"];
        /**
         * @description The kinds of `UserEvent`.
         * @enum {string}
         */
        UserEventType: "turn.started" | "turn.completed" | "turn.failed" | "turn.interrupted" | "approval.requested" | "approval.resolved" | "thread.renamed" | "thread.archived" | "thread.deleted";
        /** @description The body of a webhook delivery (Standard Webhooks: `type`, `timestamp`, `data`), signed in `webhook-signature`. */
        WebhookPayload: {
            type: components["schemas"]["UserEventType"];
            /** @description ISO 8601 time of the event (as `data.occurred_at`). */
            timestamp: string;
            /** @description Whose event it is; only in deliveries to the operator's endpoint (WEBHOOK_URL), which gets every user's. */
            user_id?: string;
            data: components["schemas"]["UserEvent"];
        };
        OpenAIErrorBody: {
            error: {
                message: string;
                /** @description `invalid_request_error`, `authentication_error`, `permission_error`, `not_found_error`, `rate_limit_error` or `server_error`. */
                type: string;
                param: string | null;
                code: string | null;
            };
        };
        /** @description A content part; only `text` is read (types `input_text`, `output_text`, `text`), others are skipped. */
        OpenAIContentPart: {
            type: string;
            text?: string;
        } & {
            [key: string]: unknown;
        };
        OpenAIMessageContent: string | components["schemas"]["OpenAIContentPart"][];
        /** @description A message item; items of other types (function call outputs, ...) are refused as having no text. */
        OpenAIResponseInputItem: {
            /** @description `message` (the default). */
            type?: string;
            /** @enum {string} */
            role?: "user" | "assistant" | "system" | "developer";
            content?: components["schemas"]["OpenAIMessageContent"];
        } & {
            [key: string]: unknown;
        };
        /** @description OpenAI's request; fields not listed are accepted and ignored. */
        OpenAIResponseRequest: {
            /** @description The model for this turn; default `CODEX_MODEL` or codex's own default. */
            model?: string | null;
            input: string | components["schemas"]["OpenAIResponseInputItem"][];
            instructions?: string | null;
            previous_response_id?: string | null;
            stream?: boolean | null;
            /** @description `false`: an ephemeral codex thread, neither persisted nor continuable. */
            store?: boolean | null;
            background?: boolean | null;
            /**
             * @description OpenAI's extra output data; the bridge adds `codex.tool_calls`: stream codex's tool activity as
             *     `codex.tool_call.added`/`codex.tool_call.done` events. Other values are accepted and ignored.
             */
            include?: string[] | null;
            metadata?: {
                [key: string]: string;
            } | null;
        } & {
            [key: string]: unknown;
        };
        OpenAIResponseUsage: {
            input_tokens: number;
            input_tokens_details: {
                cached_tokens: number;
            };
            output_tokens: number;
            output_tokens_details: {
                reasoning_tokens: number;
            };
            total_tokens: number;
        };
        OpenAIOutputMessage: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "message";
            id: string;
            /** @enum {string} */
            role: "assistant";
            /** @enum {string} */
            status: "in_progress" | "completed" | "incomplete";
            content: {
                /** @enum {string} */
                type: "output_text";
                text: string;
                annotations: unknown[];
            }[];
        };
        OpenAIOutputReasoning: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "reasoning";
            id: string;
            summary: {
                /** @enum {string} */
                type: "summary_text";
                text: string;
            }[];
        };
        OpenAIOutputItem: components["schemas"]["OpenAIOutputMessage"] | components["schemas"]["OpenAIOutputReasoning"];
        /**
         * @description The bridge's extension of OpenAI objects: the codex thread and turn, and the turn's tool activity
         *     (commands with their output, file changes, MCP calls, web searches). OpenAI clients ignore it.
         */
        CodexActivity: {
            thread_id: string;
            turn_id: string;
            tool_calls: components["schemas"]["ToolItem"][];
        };
        OpenAIResponse: {
            id: string;
            /** @enum {string} */
            object: "response";
            /** @description Unix seconds. */
            created_at: number;
            /**
             * @description `cancelled` for an interrupted turn.
             * @enum {string}
             */
            status: "in_progress" | "completed" | "failed" | "cancelled";
            model: string;
            output: components["schemas"]["OpenAIOutputItem"][];
            /** @description This turn's tokens, from codex's counts; `null` while running and for responses rebuilt from history. */
            usage: components["schemas"]["OpenAIResponseUsage"] | null;
            error: {
                code: string;
                message: string;
            } | null;
            incomplete_details: null;
            instructions: string | null;
            metadata: {
                [key: string]: string;
            };
            previous_response_id: string | null;
            store: boolean;
            background: boolean;
            tools: unknown[];
            /** @enum {string} */
            tool_choice: "auto";
            parallel_tool_calls: boolean;
            codex: components["schemas"]["CodexActivity"];
        };
        OpenAIChatMessage: {
            /** @enum {string} */
            role: "system" | "developer" | "user" | "assistant" | "tool" | "function";
            content?: components["schemas"]["OpenAIMessageContent"] | null;
            name?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description OpenAI's request; fields not listed (`temperature`, `tools`, `n`, ...) are accepted and ignored. */
        OpenAIChatCompletionRequest: {
            model?: string | null;
            messages: components["schemas"]["OpenAIChatMessage"][];
            stream?: boolean | null;
            stream_options?: ({
                include_usage?: boolean | null;
            } & {
                [key: string]: unknown;
            }) | null;
        } & {
            [key: string]: unknown;
        };
        OpenAIChatUsage: {
            prompt_tokens: number;
            completion_tokens: number;
            total_tokens: number;
            prompt_tokens_details: {
                cached_tokens: number;
            };
            completion_tokens_details: {
                reasoning_tokens: number;
            };
        };
        OpenAIChatCompletion: {
            /** @description `chatcmpl-` and the same encoding of thread and turn as a response id. */
            id: string;
            /** @enum {string} */
            object: "chat.completion";
            created: number;
            model: string;
            choices: {
                index: number;
                message: {
                    /** @enum {string} */
                    role: "assistant";
                    content: string | null;
                    refusal: null;
                };
                /** @enum {string} */
                finish_reason: "stop";
                logprobs: null;
            }[];
            usage: components["schemas"]["OpenAIChatUsage"];
            system_fingerprint: null;
            codex: components["schemas"]["CodexActivity"];
        };
        OpenAIModel: {
            id: string;
            /** @enum {string} */
            object: "model";
            /** @description Unix seconds; codex's list has no dates, so this is the bridge's start time. */
            created: number;
            owned_by: string;
            display_name?: string;
            description?: string;
            is_default?: boolean;
        };
        OpenAIModelList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["OpenAIModel"][];
        };
    };
    responses: {
        /** @description The request is malformed or invalid; `errors` names the fields. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:validation-error",
                 *       "title": "Request is invalid",
                 *       "status": 400,
                 *       "detail": "request/body/messages/0/content must be string",
                 *       "instance": "/chat",
                 *       "errors": [
                 *         {
                 *           "field": "/body/messages/0/content",
                 *           "message": "must be string"
                 *         }
                 *       ]
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No valid bearer token (missing, malformed, inactive or expired). */
        Unauthorized: {
            headers: {
                /** @description The RFC 6750 challenge, e.g. `Bearer error="invalid_token"`. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:unauthorized",
                 *       "title": "Authentication required",
                 *       "status": 401,
                 *       "detail": "A bearer token is required (Authorization: Bearer <token>)",
                 *       "instance": "/threads"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token is valid but lacks the required role or audience. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:forbidden",
                 *       "title": "Access denied",
                 *       "status": 403,
                 *       "detail": "the token lacks the required role 'codex-user'",
                 *       "instance": "/threads"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such route, or the caller has no such thread. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:thread-not-found",
                 *       "title": "Not found",
                 *       "status": 404,
                 *       "detail": "No thread '019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a' for this user",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A turn is already running on that thread. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:turn-in-progress",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "detail": "Thread '019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a' is already running turn '019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d'; wait for it or interrupt it",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is larger than `MAX_BODY_BYTES`. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:payload-too-large",
                 *       "title": "Payload too large",
                 *       "status": 413,
                 *       "detail": "the request body is larger than MAX_BODY_BYTES",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not `application/json`. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:unsupported-media-type",
                 *       "title": "Unsupported media type",
                 *       "status": 415,
                 *       "detail": "unsupported media type text/plain",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller already holds `MAX_STREAMS_PER_USER` open streams. */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:too-many-requests",
                 *       "title": "Too many requests",
                 *       "status": 429,
                 *       "detail": "at most 20 open streams per user; close one or try again shortly",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Codex failed under the request (its process died or answered with an error). */
        BadGateway: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:codex-exited",
                 *       "title": "Codex failed",
                 *       "status": 502,
                 *       "detail": "codex app-server exited: killed by SIGKILL",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description What was asked for existed but was dropped to bound memory. */
        Gone: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:events-evicted",
                 *       "title": "Gone",
                 *       "status": 410,
                 *       "detail": "the events of turn '019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d' were dropped to make room for newer turns; its state is at /threads/.../turns/..., its messages in /history",
                 *       "instance": "/threads/019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a/turns/019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d/events"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description No session could be had (every slot busy, codex missing), the identity provider is unreachable, the
         *     bridge sheds new work for memory (`memory-pressure`), or its storage fails (`storage-full`,
         *     `data-dir-unwritable`, `data-dir-timeout`); `detail` names the cause.
         */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalError"];
                /**
                 * @example {
                 *       "type": "urn:codex-api-bridge:problem:sessions-exhausted",
                 *       "title": "Service unavailable",
                 *       "status": 503,
                 *       "detail": "all 50 sessions are busy; try again shortly",
                 *       "instance": "/chat"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description An error of the OpenAI-compatible routes, in OpenAI's shape so that OpenAI clients show its message; the
         *     HTTP status is the one the rest of the API uses for the same problem. `param` names the offending request
         *     field (e.g. `messages[0].content`), `code` is the bridge's problem kind (e.g. `validation_error`,
         *     `unauthorized`, `thread_not_found`).
         */
        OpenAIError: {
            headers: {
                /** @description On 401, the RFC 6750 challenge. */
                "WWW-Authenticate"?: string;
                /** @description On 429 and 503, seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "request/body must have required property 'messages'",
                 *         "type": "invalid_request_error",
                 *         "param": "messages",
                 *         "code": "validation_error"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["OpenAIErrorBody"];
            };
        };
        /**
         * @description Original profile only (`X-Api-Compat: original`): the body or a parameter is malformed or invalid, told
         *     as FastAPI does.
         */
        OriginalValidationError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OriginalValidationError"];
            };
        };
    };
    parameters: {
        /**
         * @description `original` answers in the original Python bridge's shapes (drop-in for its clients), `default` in this
         *     bridge's own; without it, the operator's `API_COMPAT` applies. See README "Migrating from the original bridge".
         */
        ApiCompatHeader: "default" | "original";
        /** @description `id` of the subscription, from `POST /webhooks`. */
        WebhookIdPath: string;
        /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
        UserIdQuery: components["schemas"]["UserId"];
        /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
        UserIdHeader: components["schemas"]["UserId"];
        /** @description A turn id from `turn.started` or the 202 of a background chat. */
        TurnIdPath: components["schemas"]["ThreadId"];
        /** @description A thread id from `POST /chat` or `GET /threads`. */
        ThreadIdPath: components["schemas"]["ThreadId"];
        /** @description A response id from `POST /v1/responses` (`resp_` and the base64url of `<thread_id>:<turn_id>`). */
        ResponseIdPath: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getServiceInfo: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description `original` answers in the original Python bridge's shapes (drop-in for its clients), `default` in this
                 *     bridge's own; without it, the operator's `API_COMPAT` applies. See README "Migrating from the original bridge".
                 */
                "X-Api-Compat"?: components["parameters"]["ApiCompatHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What this service is and where to go next. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "Codex API Bridge",
                     *       "version": "0.1.0",
                     *       "links": {
                     *         "docs": "/docs",
                     *         "openapi_json": "/openapi.json",
                     *         "openapi_yaml": "/openapi.yaml",
                     *         "status": "/status"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ServiceInfo"];
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bridge's health. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok",
                     *       "codex_available": true,
                     *       "codex_version": "codex-cli 0.171.0",
                     *       "api_key_configured": true,
                     *       "security_method": "none",
                     *       "active_sessions": 1,
                     *       "max_sessions": 50,
                     *       "version": "0.1.0",
                     *       "storage": {
                     *         "free_bytes": 52613349376,
                     *         "total_bytes": 105226698752,
                     *         "low_space": false,
                     *         "problems": []
                     *       },
                     *       "memory": {
                     *         "rss_bytes": 125829120,
                     *         "heap_used_bytes": 41943040,
                     *         "heap_limit_bytes": 4345298944,
                     *         "shedding": false
                     *       },
                     *       "events": {
                     *         "retained_bytes": 18231,
                     *         "max_bytes": 268435456
                     *       },
                     *       "connections": {
                     *         "open": 3,
                     *         "max": 1000,
                     *         "max_per_client": 200
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Status"];
                };
            };
        };
    };
    getHealthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": components["schemas"]["Liveness"];
                };
            };
        };
    };
    getReadyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ready",
                     *       "checks": [
                     *         "codex",
                     *         "storage",
                     *         "identity_provider",
                     *         "isolation",
                     *         "draining"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready; `causes` names each failing check. */
            503: {
                headers: {
                    /** @description Seconds to wait before asking again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "urn:codex-api-bridge:problem:not-ready",
                     *       "title": "Service unavailable",
                     *       "status": 503,
                     *       "detail": "not ready: codex: no codex binary found",
                     *       "instance": "/readyz",
                     *       "causes": [
                     *         {
                     *           "check": "codex",
                     *           "detail": "no codex binary found"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["NotReadyProblem"];
                };
            };
        };
    };
    getOpenApiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document the bridge validates against. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
    getOpenApiYaml: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document, as written in the repository. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": Record<string, never>;
                };
            };
        };
    };
    chat: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
                /**
                 * @description `original` answers in the original Python bridge's shapes (drop-in for its clients), `default` in this
                 *     bridge's own; without it, the operator's `API_COMPAT` applies. See README "Migrating from the original bridge".
                 */
                "X-Api-Compat"?: components["parameters"]["ApiCompatHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatRequest"];
            };
        };
        responses: {
            /** @description The turn, streamed as SSE (`stream` true) or as one JSON result (`stream` false). */
            200: {
                headers: {
                    /** @description The thread this turn belongs to. */
                    "X-Thread-Id"?: string;
                    /** @description The turn's id. */
                    "X-Turn-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example id: 1
                     *     event: turn.started
                     *     data: {"type":"turn.started","thread_id":"019a...","turn_id":"019b...","thread_created":true}
                     *
                     *     id: 2
                     *     event: message.delta
                     *     data: {"type":"message.delta","thread_id":"019a...","turn_id":"019b...","item_id":"msg_1","delta":"Hel"}
                     *
                     *     id: 5
                     *     event: turn.completed
                     *     data: {"type":"turn.completed","thread_id":"019a...","turn_id":"019b...","status":"completed","error":null,"usage":{"input_tokens":12,"cached_input_tokens":0,"output_tokens":3,"reasoning_output_tokens":0,"total_tokens":15}}
                     *
                     *     data: [DONE]
                     */
                    "text/event-stream": string;
                    /**
                     * @example {
                     *       "thread_id": "019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a",
                     *       "turn_id": "019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d",
                     *       "status": "completed",
                     *       "message": "4",
                     *       "items": [
                     *         {
                     *           "type": "user_message",
                     *           "id": "item-1",
                     *           "text": "What is 2+2?"
                     *         },
                     *         {
                     *           "type": "assistant_message",
                     *           "id": "msg_1",
                     *           "text": "4"
                     *         }
                     *       ],
                     *       "usage": {
                     *         "input_tokens": 12,
                     *         "cached_input_tokens": 0,
                     *         "output_tokens": 1,
                     *         "reasoning_output_tokens": 0,
                     *         "total_tokens": 13
                     *       },
                     *       "error": null,
                     *       "plan": null,
                     *       "diff": null
                     *     }
                     */
                    "application/json": components["schemas"]["ChatResult"] | components["schemas"]["OriginalChatResult"];
                };
            };
            /**
             * @description With `background` true, the turn was started and runs on without the client (`TurnAccepted`), or, with
             *     `on_busy: queue` on a busy thread, it waits to run after the current turn (`TurnQueued`).
             */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TurnAccepted"] | components["schemas"]["TurnQueued"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["OriginalValidationError"];
            429: components["responses"]["TooManyRequests"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listThreads: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
                /** @description Threads per page (default 50 in the original profile). */
                limit?: number;
                /** @description `next_cursor` of the previous page. */
                cursor?: string;
                /** @description List the archived threads instead (those `DELETE /threads/{thread_id}` archived). */
                archived?: boolean;
                /** @description Only threads whose title (the name, or else the first message) contains this text, case-insensitively. */
                search?: string;
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
                /**
                 * @description `original` answers in the original Python bridge's shapes (drop-in for its clients), `default` in this
                 *     bridge's own; without it, the operator's `API_COMPAT` applies. See README "Migrating from the original bridge".
                 */
                "X-Api-Compat"?: components["parameters"]["ApiCompatHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of threads. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "threads": [
                     *         {
                     *           "thread_id": "019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a",
                     *           "name": null,
                     *           "preview": "Hello!",
                     *           "created_at": "2026-11-25T10:00:00Z",
                     *           "updated_at": "2026-11-25T10:00:04Z",
                     *           "status": "idle"
                     *         }
                     *       ],
                     *       "next_cursor": null
                     *     }
                     */
                    "application/json": components["schemas"]["ThreadList"] | components["schemas"]["OriginalThreadList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["OriginalValidationError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The thread. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThreadSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    archiveThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Archived. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    renameThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Release checklist"
                 *     }
                 */
                "application/json": components["schemas"]["RenameThreadRequest"];
            };
        };
        responses: {
            /** @description The renamed thread. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThreadSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    forkThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "through_turn_id": "019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d"
                 *     }
                 */
                "application/json": components["schemas"]["ForkThreadRequest"];
            };
        };
        responses: {
            /** @description The new thread. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThreadSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revertThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "turns": 1
                 *     }
                 */
                "application/json": components["schemas"]["RevertThreadRequest"];
            };
        };
        responses: {
            /** @description The thread after the revert, and the turns dropped. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevertResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    unarchiveThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The thread, back in the list. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThreadSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    reviewThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReviewRequest"];
            };
        };
        responses: {
            /** @description The review turn, streamed as SSE (`stream` true) or as one JSON result (`stream` false), as for `POST /chat`. */
            200: {
                headers: {
                    /** @description The thread the review ran on. */
                    "X-Thread-Id"?: string;
                    /** @description The review turn's id. */
                    "X-Turn-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                    "application/json": components["schemas"]["ChatResult"];
                };
            };
            /** @description With `background` true, the review was started and runs on without the client. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TurnAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    review: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "target": {
                 *         "type": "commit",
                 *         "sha": "4f2a9c1"
                 *       },
                 *       "cwd": "my-repo",
                 *       "stream": false
                 *     }
                 */
                "application/json": components["schemas"]["NewReviewRequest"];
            };
        };
        responses: {
            /** @description The review turn, streamed as SSE (`stream` true) or as one JSON result (`stream` false), as for `POST /chat`. */
            200: {
                headers: {
                    /** @description The thread the review ran on. */
                    "X-Thread-Id"?: string;
                    /** @description The review turn's id. */
                    "X-Turn-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                    "application/json": components["schemas"]["ChatResult"];
                };
            };
            /** @description With `background` true, the review was started and runs on without the client. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TurnAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHistory: {
        parameters: {
            query: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
                /** @description The thread to read. */
                thread_id: components["schemas"]["ThreadId"];
                /** @description Turns per page. */
                limit?: number;
                /** @description `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
                /**
                 * @description `original` answers in the original Python bridge's shapes (drop-in for its clients), `default` in this
                 *     bridge's own; without it, the operator's `API_COMPAT` applies. See README "Migrating from the original bridge".
                 */
                "X-Api-Compat"?: components["parameters"]["ApiCompatHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the conversation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "thread": {
                     *         "thread_id": "019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a",
                     *         "name": null,
                     *         "preview": "Hello!",
                     *         "created_at": "2026-11-25T10:00:00Z",
                     *         "updated_at": "2026-11-25T10:00:04Z",
                     *         "status": "idle"
                     *       },
                     *       "messages": [
                     *         {
                     *           "role": "user",
                     *           "turn_id": "019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d",
                     *           "content": "Hello!",
                     *           "item": {
                     *             "type": "user_message",
                     *             "id": "item-1",
                     *             "text": "Hello!"
                     *           }
                     *         },
                     *         {
                     *           "role": "assistant",
                     *           "turn_id": "019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d",
                     *           "content": "Hi! How can I help?",
                     *           "item": {
                     *             "type": "assistant_message",
                     *             "id": "msg_1",
                     *             "text": "Hi! How can I help?"
                     *           }
                     *         }
                     *       ],
                     *       "usage": {
                     *         "input_tokens": 12,
                     *         "cached_input_tokens": 0,
                     *         "output_tokens": 6,
                     *         "reasoning_output_tokens": 0,
                     *         "total_tokens": 18
                     *       },
                     *       "next_cursor": null
                     *     }
                     */
                    "application/json": components["schemas"]["History"] | components["schemas"]["OriginalHistory"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["OriginalValidationError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getTurn: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
                /** @description A turn id from `turn.started` or the 202 of a background chat. */
                turn_id: components["parameters"]["TurnIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The turn. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TurnState"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    streamTurnEvents: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
                /** @description Same as `Last-Event-ID`, for clients that cannot set headers (EventSource). */
                after?: number;
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
                /** @description The `id:` of the last event the client received. */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
                /** @description A turn id from `turn.started` or the 202 of a background chat. */
                turn_id: components["parameters"]["TurnIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The turn's events as Server-Sent Events (see `ChatEvent`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The turn has ended and the client has had every event up to `Last-Event-ID` (or `after`); nothing more will come. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            410: components["responses"]["Gone"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    interruptThread: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The interrupted turn. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TurnState"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
        };
    };
    listApprovals: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The thread's pending approvals (empty when none). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    resolveApproval: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A thread id from `POST /chat` or `GET /threads`. */
                thread_id: components["parameters"]["ThreadIdPath"];
                /** @description `approval.request_id` from the `approval.requested` event. */
                request_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApprovalAnswer"];
            };
        };
        responses: {
            /** @description The decision was passed to codex. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalResolution"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            415: components["responses"]["UnsupportedMediaType"];
        };
    };
    getUsage: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage totals. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserUsage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    getModels: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalogue. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "default_model": "gpt-5.5",
                     *       "models": [
                     *         {
                     *           "id": "gpt-5.5",
                     *           "display_name": "GPT-5.5",
                     *           "description": "Fast, go-to model for coding and everyday work.",
                     *           "is_default": true,
                     *           "default_effort": "medium",
                     *           "efforts": [
                     *             {
                     *               "effort": "low",
                     *               "description": "Fast responses with lighter reasoning"
                     *             },
                     *             {
                     *               "effort": "medium",
                     *               "description": "Balances speed and reasoning depth"
                     *             }
                     *           ],
                     *           "input_modalities": [
                     *             "text",
                     *             "image"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ModelCatalogue"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    streamUserEvents: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
                /** @description Same as `Last-Event-ID`, for clients that cannot set headers; `0` replays every kept event. */
                after?: number;
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
                /** @description The `id:` of the last event the client received. */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's events as Server-Sent Events (see `UserEvent`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's subscriptions (without their secrets). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSubscriptionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createWebhook: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://hooks.example.com/codex",
                 *       "events": [
                 *         "turn.completed",
                 *         "turn.failed",
                 *         "approval.requested"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["WebhookSubscriptionRequest"];
            };
        };
        responses: {
            /** @description Subscribed; keep `secret` to verify deliveries. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSubscriptionCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description `id` of the subscription, from `POST /webhooks`. */
                webhook_id: components["parameters"]["WebhookIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description `id` of the subscription, from `POST /webhooks`. */
                webhook_id: components["parameters"]["WebhookIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deliveries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createResponse: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OpenAIResponseRequest"];
            };
        };
        responses: {
            /** @description The response (JSON), or its events (`stream` true). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAIResponse"];
                    /**
                     * @example event: response.created
                     *     data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_...","object":"response","status":"in_progress","output":[]}}
                     *
                     *     event: response.output_text.delta
                     *     data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"4"}
                     *
                     *     event: response.completed
                     *     data: {"type":"response.completed","sequence_number":8,"response":{"id":"resp_...","object":"response","status":"completed","output":[]}}
                     */
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["OpenAIError"];
            401: components["responses"]["OpenAIError"];
            403: components["responses"]["OpenAIError"];
            404: components["responses"]["OpenAIError"];
            409: components["responses"]["OpenAIError"];
            413: components["responses"]["OpenAIError"];
            415: components["responses"]["OpenAIError"];
            429: components["responses"]["OpenAIError"];
            502: components["responses"]["OpenAIError"];
            503: components["responses"]["OpenAIError"];
        };
    };
    getResponse: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A response id from `POST /v1/responses` (`resp_` and the base64url of `<thread_id>:<turn_id>`). */
                response_id: components["parameters"]["ResponseIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The response. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAIResponse"];
                };
            };
            400: components["responses"]["OpenAIError"];
            401: components["responses"]["OpenAIError"];
            403: components["responses"]["OpenAIError"];
            404: components["responses"]["OpenAIError"];
            502: components["responses"]["OpenAIError"];
            503: components["responses"]["OpenAIError"];
        };
    };
    cancelResponse: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A response id from `POST /v1/responses` (`resp_` and the base64url of `<thread_id>:<turn_id>`). */
                response_id: components["parameters"]["ResponseIdPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled response. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAIResponse"];
                };
            };
            400: components["responses"]["OpenAIError"];
            401: components["responses"]["OpenAIError"];
            403: components["responses"]["OpenAIError"];
            404: components["responses"]["OpenAIError"];
            409: components["responses"]["OpenAIError"];
            502: components["responses"]["OpenAIError"];
            503: components["responses"]["OpenAIError"];
        };
    };
    createChatCompletion: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "model": "gpt-5.5",
                 *       "messages": [
                 *         {
                 *           "role": "system",
                 *           "content": "Be brief."
                 *         },
                 *         {
                 *           "role": "user",
                 *           "content": "What is 2+2?"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["OpenAIChatCompletionRequest"];
            };
        };
        responses: {
            /** @description The completion (JSON), or its chunks (`stream` true). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAIChatCompletion"];
                    /**
                     * @example data: {"id":"chatcmpl-...","object":"chat.completion.chunk","created":1767225600,"model":"gpt-5.5","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}
                     *
                     *     data: {"id":"chatcmpl-...","object":"chat.completion.chunk","created":1767225600,"model":"gpt-5.5","choices":[{"index":0,"delta":{"content":"4"},"finish_reason":null}]}
                     *
                     *     data: {"id":"chatcmpl-...","object":"chat.completion.chunk","created":1767225600,"model":"gpt-5.5","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
                     *
                     *     data: [DONE]
                     */
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["OpenAIError"];
            401: components["responses"]["OpenAIError"];
            403: components["responses"]["OpenAIError"];
            404: components["responses"]["OpenAIError"];
            409: components["responses"]["OpenAIError"];
            413: components["responses"]["OpenAIError"];
            415: components["responses"]["OpenAIError"];
            429: components["responses"]["OpenAIError"];
            502: components["responses"]["OpenAIError"];
            503: components["responses"]["OpenAIError"];
        };
    };
    listModels: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The models. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAIModelList"];
                };
            };
            400: components["responses"]["OpenAIError"];
            401: components["responses"]["OpenAIError"];
            403: components["responses"]["OpenAIError"];
            502: components["responses"]["OpenAIError"];
            503: components["responses"]["OpenAIError"];
        };
    };
    getModel: {
        parameters: {
            query?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                user_id?: components["parameters"]["UserIdQuery"];
            };
            header?: {
                /** @description Acts as this user. Honoured only with `SECURITY_METHOD=None` and `ALLOW_USER_ID_OVERRIDE=true`. */
                "X-User-Id"?: components["parameters"]["UserIdHeader"];
            };
            path: {
                /** @description A model id from `GET /v1/models`. */
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAIModel"];
                };
            };
            400: components["responses"]["OpenAIError"];
            401: components["responses"]["OpenAIError"];
            403: components["responses"]["OpenAIError"];
            404: components["responses"]["OpenAIError"];
            502: components["responses"]["OpenAIError"];
            503: components["responses"]["OpenAIError"];
        };
    };
    receiveUserEvent: {
        parameters: {
            query?: never;
            header: {
                "webhook-id": string;
                "webhook-timestamp": string;
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookPayload"];
            };
        };
        responses: {
            /** @description Any 2xx answer marks the delivery delivered. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
