import type { BridgeClient, ChatRequest, History, HistoryMessage, StreamedChatEvent, ThreadSummary } from '../../src/sdk';
import { button, describeError, h } from './dom';
import { followTurn } from './follow';
import { itemView } from './items';
import { threadTitle } from './threads';
import { TurnView } from './turnView';

/*
 * The open thread: its history, the live turn, the composer. A running turn's id is kept in
 * sessionStorage, so a reload (or a crash of the tab) picks the turn up where it is.
 */

const RUNNING_KEY = 'codex-console.running-turn.';
const HISTORY_PAGE = 50;
const MAX_HISTORY_PAGES = 20;
type ApprovalPolicy = NonNullable<ChatRequest['approval_policy']>;
const APPROVAL_POLICIES: Array<{ value: ApprovalPolicy | ''; label: string }> = [
  { value: '', label: 'As the bridge is set up' },
  { value: 'never', label: 'Never ask' },
  { value: 'on-request', label: 'When Codex thinks it should' },
  { value: 'untrusted', label: 'Before anything not known to be safe' },
];

export interface ConversationHooks {
  /** The thread changed (created, renamed, archived): the list should show it. */
  threadsChanged(): void;
  opened(threadId: string | undefined): void;
  unauthorized(): void;
}

export class Conversation {
  readonly element: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly actions: HTMLElement;
  private readonly log: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  private readonly interrupt: HTMLButtonElement;
  private readonly approvalPolicy: HTMLSelectElement;
  private thread: ThreadSummary | undefined;
  private running: { abort: AbortController; threadId: string | undefined; turnId: string | undefined } | undefined;

  constructor(
    private readonly client: BridgeClient,
    private readonly hooks: ConversationHooks,
  ) {
    this.title = h('h2', { id: 'conversation-title', tabindex: -1 }, 'New thread');
    this.actions = h('div', { class: 'thread-actions' });
    this.log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-labelledby': 'conversation-title' });
    this.notice = h('p', { class: 'notice', role: 'status' });
    this.input = h('textarea', { id: 'message', name: 'message', rows: 3, required: true, placeholder: 'Ask Codex… (Enter sends, Shift+Enter for a new line)' });
    this.send = h('button', { type: 'submit', class: 'primary' }, 'Send');
    this.interrupt = button('Interrupt', () => void this.stopTurn(), { class: 'danger', disabled: true });
    this.approvalPolicy = h('select', { id: 'approval-policy', name: 'approval_policy' }, ...APPROVAL_POLICIES.map(({ value, label }) => h('option', { value }, label)));
    const form = h(
      'form',
      { class: 'composer', 'aria-label': 'Message Codex' },
      h('label', { for: 'message' }, 'Message'),
      this.input,
      h('div', { class: 'composer-buttons' }, h('label', { for: 'approval-policy', class: 'inline' }, 'Ask before commands'), this.approvalPolicy, this.send, this.interrupt),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.sendMessage();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    this.element = h('main', { class: 'conversation', id: 'conversation', 'aria-labelledby': 'conversation-title' }, h('header', { class: 'conversation-head' }, this.title, this.actions), this.notice, this.log, form);
  }

  focusComposer(): void {
    this.input.focus();
  }

  startNew(): void {
    this.stopFollowing();
    this.thread = undefined;
    this.title.textContent = 'New thread';
    this.actions.replaceChildren();
    this.log.replaceChildren();
    this.notice.textContent = '';
    this.setRunning(false);
    this.hooks.opened(undefined);
    this.input.focus();
  }

  async open(threadId: string): Promise<void> {
    this.stopFollowing();
    this.log.replaceChildren();
    this.notice.textContent = 'Loading the history…';
    // Until the history is shown: a message sent meanwhile would land above it.
    this.send.disabled = true;
    let history: History;
    const messages: HistoryMessage[] = [];
    try {
      let cursor: string | null = null;
      let pages = 0;
      do {
        history = await this.client.getHistory({ thread_id: threadId, limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) });
        messages.push(...history.messages);
        cursor = history.next_cursor;
      } while (cursor && ++pages < MAX_HISTORY_PAGES);
    } catch (error) {
      this.failed(error, 'The history did not load');
      this.setRunning(false);
      return;
    }
    this.showThread(history.thread);
    this.hooks.opened(threadId);
    const runningTurn = await this.runningTurnOf(history.thread, messages);
    let turnBlock: HTMLElement | undefined;
    let currentTurn: string | undefined;
    for (const message of messages) {
      if (message.turn_id === runningTurn) {
        // The running turn shows from its own events, user message first.
        if (message.role === 'user') this.log.append(itemView(message.item));
        continue;
      }
      if (message.turn_id !== currentTurn) {
        currentTurn = message.turn_id;
        turnBlock = h('div', { class: 'turn', 'data-turn-id': message.turn_id });
        this.log.append(turnBlock);
      }
      turnBlock?.append(itemView(message.item));
    }
    this.notice.textContent = messages.length === 0 ? 'No messages yet.' : '';
    if (history.usage) this.notice.textContent = `Thread total: ${history.usage.total_tokens} tokens`;
    if (runningTurn) void this.resume(threadId, runningTurn);
    else this.setRunning(false);
  }

  private showThread(thread: ThreadSummary): void {
    this.thread = thread;
    this.title.textContent = threadTitle(thread);
    const rename = button('Rename', () => this.showRename(), { class: 'secondary', 'data-action': 'rename' });
    const archive = button('Archive', () => this.confirmArchive(), { class: 'secondary', 'data-action': 'archive' });
    this.actions.replaceChildren(rename, archive);
  }

  private showRename(): void {
    const thread = this.thread;
    if (!thread) return;
    const field = h('input', { id: 'thread-name', name: 'name', required: true, maxlength: 200, value: thread.name ?? '' });
    const form = h('form', { class: 'inline-form', 'aria-label': 'Rename the thread' }, h('label', { for: 'thread-name' }, 'New name'), field, h('button', { type: 'submit', class: 'primary' }, 'Save'), button('Cancel', () => this.showThread(thread), { class: 'secondary' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const renamed = await this.client.renameThread(thread.thread_id, { name: field.value.trim() });
        this.showThread(renamed);
        this.hooks.threadsChanged();
        this.title.focus();
      } catch (error) {
        this.failed(error, 'Not renamed');
      }
    });
    this.actions.replaceChildren(form);
    field.focus();
    field.select();
  }

  private confirmArchive(): void {
    const thread = this.thread;
    if (!thread) return;
    const yes = button('Yes, archive', async () => {
      try {
        await this.client.archiveThread(thread.thread_id);
        this.hooks.threadsChanged();
        this.startNew();
        this.notice.textContent = `Archived “${threadTitle(thread)}”.`;
      } catch (error) {
        this.failed(error, 'Not archived');
      }
    }, { class: 'danger' });
    this.actions.replaceChildren(h('span', { class: 'confirm' }, 'Archive this thread?'), yes, button('Cancel', () => this.showThread(thread), { class: 'secondary' }));
    yes.focus();
  }

  private async runningTurnOf(thread: ThreadSummary, messages: HistoryMessage[]): Promise<string | undefined> {
    const remembered = sessionStorage.getItem(RUNNING_KEY + thread.thread_id);
    const candidate = remembered ?? (thread.status === 'active' ? messages.at(-1)?.turn_id : undefined);
    if (!candidate) return undefined;
    try {
      const state = await this.client.getTurn(thread.thread_id, candidate);
      if (state.status === 'running') return candidate;
    } catch {
      // Gone (finished long ago, or another bridge's): the history has it.
    }
    sessionStorage.removeItem(RUNNING_KEY + thread.thread_id);
    return undefined;
  }

  private async sendMessage(): Promise<void> {
    const content = this.input.value;
    if (!content.trim() || this.running) return;
    this.input.value = '';
    this.notice.textContent = '';
    this.log.append(itemView({ type: 'user_message', id: `local-${Date.now()}`, text: content }));
    const threadId = this.thread?.thread_id;
    const abort = new AbortController();
    const policy = this.approvalPolicy.value as ApprovalPolicy | '';
    const request = { thread_id: threadId ?? null, messages: [{ content }], ...(policy ? { approval_policy: policy } : {}) };
    const events = this.client.streamChat(request, { reconnect: 0, signal: abort.signal });
    await this.follow(events, { threadId, turnId: undefined, lastEventId: 0 }, abort);
  }

  private resume(threadId: string, turnId: string): Promise<void> {
    const abort = new AbortController();
    const events = this.client.streamTurnEvents(threadId, turnId, { reconnect: 0, signal: abort.signal });
    return this.follow(events, { threadId, turnId, lastEventId: 0 }, abort);
  }

  private async follow(
    events: AsyncIterable<StreamedChatEvent>,
    known: { threadId: string | undefined; turnId: string | undefined; lastEventId: number },
    abort: AbortController,
  ): Promise<void> {
    const view = new TurnView((approval, body) => this.client.answer(approval, body));
    this.log.append(view.element);
    const running = { abort, threadId: known.threadId, turnId: known.turnId };
    this.running = running;
    this.setRunning(true);
    try {
      await followTurn(
        this.client,
        events,
        { threadId: known.threadId, turnId: known.turnId, lastEventId: known.lastEventId },
        {
          event: ({ event }) => {
            if (event.type === 'turn.started') {
              running.threadId = event.thread_id;
              running.turnId = event.turn_id;
              sessionStorage.setItem(RUNNING_KEY + event.thread_id, event.turn_id);
              if (event.thread_created) {
                this.hooks.opened(event.thread_id);
                this.hooks.threadsChanged();
              }
            }
            view.handle(event);
          },
          connection: (text) => view.setConnection(text),
          finalState: (state) => view.showFinalState(state),
        },
        abort.signal,
      );
    } catch (error) {
      if (!abort.signal.aborted) {
        view.setConnection(`Stopped following the turn: ${describeError(error)}`);
        this.failed(error, 'The turn could not be followed');
      }
    } finally {
      if (this.running === running) {
        if (running.threadId && view.outcome) sessionStorage.removeItem(RUNNING_KEY + running.threadId);
        this.running = undefined;
        this.setRunning(false);
        if (view.outcome) this.hooks.threadsChanged();
        // Read only now: the history of a thread whose first turn has just started may not be readable yet.
        if (running.threadId && !this.thread) await this.adoptNewThread(running.threadId);
      }
    }
  }

  /** A thread this page started: its title and actions once its first turn is over. */
  private async adoptNewThread(threadId: string): Promise<void> {
    try {
      const page = await this.client.getHistory({ thread_id: threadId, limit: 1 });
      if (!this.thread && !this.running) this.showThread(page.thread);
    } catch {
      // The list shows it; the title stays "New thread" until the thread is opened again.
    }
  }

  private async stopTurn(): Promise<void> {
    const threadId = this.running?.threadId;
    if (!threadId) return;
    this.interrupt.disabled = true;
    try {
      await this.client.interruptThread(threadId);
    } catch (error) {
      this.failed(error, 'Not interrupted');
      this.interrupt.disabled = false;
    }
  }

  /** Leaves a running turn to the server (it goes on there) when another thread is opened. */
  private stopFollowing(): void {
    this.running?.abort.abort();
    this.running = undefined;
  }

  private setRunning(running: boolean): void {
    this.send.disabled = running;
    this.interrupt.disabled = !running;
    this.element.dataset.running = String(running);
  }

  private failed(error: unknown, what: string): void {
    if (typeof error === 'object' && error !== null && 'status' in error && error.status === 401) {
      this.hooks.unauthorized();
      return;
    }
    this.notice.textContent = `${what}: ${describeError(error)}`;
  }
}
