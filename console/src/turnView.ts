import type { ChatEvent, TurnState, Usage } from '../../src/sdk';
import { approvalCard, type Answer, type ApprovalCard } from './approvals';
import { h } from './dom';
import { assistantBubble, itemView, reasoningBlock, toolView, usageLine, type ToolView } from './items';
import { renderMarkdown } from './markdown';

/*
 * One turn as it happens: every event lands in the block of its item, in arrival order. Assistant text
 * is re-rendered as Markdown once per animation frame however fast deltas come.
 */

/** The bridge's failure event: `turn.error`, or `error` from a bridge with SSE_LEGACY_ERROR_EVENT=true. */
interface FailureNotice {
  message: string;
  code: string;
  will_retry: boolean;
}

const KNOWN_TYPES = new Set<string>([
  'turn.started', 'message.delta', 'message.completed', 'reasoning.delta', 'reasoning.completed', 'tool.started',
  'tool.output.delta', 'tool.completed', 'usage', 'approval.requested', 'approval.resolved', 'turn.completed', 'codex',
  'turn.error', 'plan.updated', 'diff.updated', 'review.completed',
]);

function failureNotice(event: { type: string } & Record<string, unknown>): FailureNotice | undefined {
  if (KNOWN_TYPES.has(event.type) || typeof event.message !== 'string') return undefined;
  return { message: event.message, code: typeof event.code === 'string' ? event.code : event.type, will_retry: event.will_retry === true };
}

export type TurnOutcome = 'completed' | 'failed' | 'interrupted';

export class TurnView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly messages = new Map<string, { body: HTMLElement; text: string; pending: boolean }>();
  private readonly reasonings = new Map<string, { body: HTMLElement; text: string }>();
  private readonly tools = new Map<string, ToolView>();
  /** Output of a command whose tool.started has not come yet (codex may send its first output first). */
  private readonly earlyOutput = new Map<string, string>();
  private readonly approvals = new Map<string, ApprovalCard>();
  private usage: Usage | undefined;
  outcome: TurnOutcome | undefined;

  constructor(private readonly answer: Answer) {
    this.body = h('div', { class: 'turn-body' });
    this.footer = h('p', { class: 'turn-footer', role: 'status' }, 'Running…');
    this.element = h('div', { class: 'turn live', 'aria-busy': 'true' }, this.body, this.footer);
  }

  setConnection(text: string): void {
    if (!this.outcome) this.footer.textContent = text;
  }

  handle(event: ChatEvent): void {
    switch (event.type) {
      case 'turn.started':
      case 'codex':
        return;
      case 'message.delta':
        this.message(event.item_id).text += event.delta;
        this.scheduleRender(event.item_id);
        return;
      case 'message.completed': {
        const message = this.message(event.item.id);
        message.text = event.item.text;
        this.scheduleRender(event.item.id);
        return;
      }
      case 'reasoning.delta': {
        const reasoning = this.reasoning(event.item_id);
        reasoning.text += event.delta;
        reasoning.body.textContent = reasoning.text;
        return;
      }
      case 'reasoning.completed': {
        const reasoning = this.reasoning(event.item.id);
        reasoning.text = [...event.item.summary, ...event.item.content].join('\n\n') || reasoning.text;
        reasoning.body.textContent = reasoning.text;
        return;
      }
      case 'tool.started':
        this.tool(event.item);
        return;
      case 'tool.output.delta': {
        const view = this.tools.get(event.item_id);
        if (view) view.appendOutput(event.delta);
        else this.earlyOutput.set(event.item_id, (this.earlyOutput.get(event.item_id) ?? '') + event.delta);
        return;
      }
      case 'tool.completed':
        this.tool(event.item).complete(event.item);
        return;
      case 'usage':
        this.usage = event.usage;
        return;
      case 'approval.requested': {
        if (this.approvals.has(event.approval.request_id)) return;
        const card = approvalCard(event.approval, this.answer);
        this.approvals.set(event.approval.request_id, card);
        this.body.append(card.element);
        card.element.querySelector<HTMLElement>('input:not([disabled]), select, button:not([disabled])')?.focus({ preventScroll: true });
        return;
      }
      case 'approval.resolved':
        this.approvals.get(event.request_id)?.resolved(event.decision, event.resolved_by);
        return;
      case 'turn.completed':
        this.finish(event.status, event.usage ?? this.usage, event.error?.message);
        return;
      case 'turn.error':
        this.showFailure(event);
        return;
      default: {
        const notice = failureNotice(event as { type: string } & Record<string, unknown>);
        if (notice) this.showFailure(notice);
      }
    }
  }

  private showFailure(notice: FailureNotice): void {
    this.body.append(h('p', { class: 'notice error', role: 'alert' }, `${notice.will_retry ? 'Retrying: ' : 'Error: '}${notice.message} (${notice.code})`));
  }

  /** A turn that ended while the page was not following it: its final state from GET …/turns/{turn_id}. */
  showFinalState(state: TurnState): void {
    for (const item of state.items) {
      if (item.type === 'user_message') continue;
      const known = item.type === 'assistant_message' ? this.messages.get(item.id) : item.type === 'reasoning' ? this.reasonings.get(item.id) : this.tools.get(item.id);
      if (known) {
        if (item.type === 'assistant_message') {
          const message = this.message(item.id);
          message.text = item.text;
          this.scheduleRender(item.id);
        } else if (item.type !== 'reasoning' && item.type !== 'review') this.tools.get(item.id)?.complete(item);
      } else this.body.append(itemView(item));
    }
    if (state.status !== 'running') this.finish(state.status, state.usage ?? this.usage, state.error?.message);
  }

  private finish(status: TurnOutcome, usage: Usage | null | undefined, error: string | undefined): void {
    this.outcome = status;
    this.element.classList.remove('live');
    this.element.setAttribute('aria-busy', 'false');
    this.element.dataset.outcome = status;
    const what = status === 'completed' ? 'Completed' : status === 'interrupted' ? 'Interrupted' : `Failed${error ? `: ${error}` : ''}`;
    this.footer.textContent = usage ? `${what}. ${usageLine(usage)}` : `${what}.`;
    this.footer.classList.add(status);
  }

  private message(id: string) {
    let message = this.messages.get(id);
    if (!message) {
      const bubble = assistantBubble();
      this.body.append(bubble.element);
      message = { body: bubble.body, text: '', pending: false };
      this.messages.set(id, message);
    }
    return message;
  }

  private scheduleRender(id: string): void {
    const message = this.messages.get(id);
    if (!message || message.pending) return;
    message.pending = true;
    requestAnimationFrame(() => {
      message.pending = false;
      renderMarkdown(message.body, message.text);
    });
  }

  private reasoning(id: string) {
    let reasoning = this.reasonings.get(id);
    if (!reasoning) {
      const block = reasoningBlock();
      this.body.append(block.element);
      reasoning = { body: block.body, text: '' };
      this.reasonings.set(id, reasoning);
    }
    return reasoning;
  }

  private tool(item: Parameters<typeof toolView>[0]): ToolView {
    let view = this.tools.get(item.id);
    if (!view) {
      view = toolView(item);
      this.body.append(view.element);
      this.tools.set(item.id, view);
      const early = this.earlyOutput.get(item.id);
      if (early !== undefined && !('output' in item && item.output)) view.appendOutput(early);
      this.earlyOutput.delete(item.id);
    }
    return view;
  }
}
