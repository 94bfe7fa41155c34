import type { Item, Usage } from '../../src/sdk';
import { h } from './dom';
import { renderMarkdown } from './markdown';

/* How each kind of item looks, the same in the history and in a live turn. */

type ToolItem = Extract<Item, { type: 'command_execution' | 'file_change' | 'mcp_tool_call' | 'web_search' | 'other' }>;
export type CommandItem = Extract<Item, { type: 'command_execution' }>;
export type FileChange = Extract<Item, { type: 'file_change' }>['changes'][number];

export function userBubble(text: string): HTMLElement {
  return h('article', { class: 'message user', 'aria-label': 'You' }, h('p', { class: 'who' }, 'You'), h('div', { class: 'text' }, text));
}

/** An assistant message; `body` gets the rendered Markdown (and again on every delta while it streams). */
export function assistantBubble(text = ''): { element: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'markdown' });
  renderMarkdown(body, text);
  const element = h('article', { class: 'message assistant', 'aria-label': 'Codex' }, h('p', { class: 'who' }, 'Codex'), body);
  return { element, body };
}

/** Reasoning summaries are folded: they explain, they are not the answer. */
export function reasoningBlock(text = ''): { element: HTMLDetailsElement; body: HTMLElement } {
  const body = h('div', { class: 'reasoning-text' }, text);
  const element = h('details', { class: 'reasoning' }, h('summary', {}, 'Reasoning summary'), body);
  return { element, body };
}

export function diffView(change: FileChange): HTMLElement {
  const lines = (change.diff ?? '').split('\n');
  const pre = h('pre', { class: 'diff', tabindex: 0, 'aria-label': `Changes to ${change.path}` });
  for (const line of lines) {
    const kind = line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : 'ctx';
    pre.append(h('span', { class: `line ${kind}` }, `${line}\n`));
  }
  return h('div', { class: 'file-change' }, h('p', { class: 'path' }, h('span', { class: 'kind' }, change.kind), ' ', h('code', {}, change.path)), change.diff ? pre : h('p', { class: 'muted' }, 'no diff shown'));
}

export interface ToolView {
  element: HTMLElement;
  appendOutput(delta: string): void;
  complete(item: ToolItem): void;
}

function commandStatus(item: CommandItem): string {
  if (item.status === 'in_progress') return 'running…';
  const code = item.exit_code === null ? '' : `exit code ${item.exit_code}`;
  const took = item.duration_ms === null ? '' : ` in ${(item.duration_ms / 1000).toFixed(1)} s`;
  return [item.status === 'completed' ? '' : item.status, code].filter(Boolean).join(', ') + took;
}

export function toolView(item: ToolItem): ToolView {
  switch (item.type) {
    case 'command_execution': {
      const output = h('pre', { class: 'output', tabindex: 0, 'aria-label': 'Command output' }, item.output ?? '');
      const status = h('p', { class: 'status', role: 'status' }, commandStatus(item));
      const element = h(
        'section',
        { class: `tool command ${item.status}`, 'aria-label': `Command ${item.command}`, 'data-item-id': item.id },
        h('p', { class: 'command-line' }, h('span', { class: 'prompt', 'aria-hidden': 'true' }, '$ '), h('code', {}, item.command)),
        output,
        status,
      );
      return {
        element,
        appendOutput: (delta) => output.append(delta),
        complete(done) {
          if (done.type !== 'command_execution') return;
          if (done.output !== null) output.textContent = done.output;
          status.textContent = commandStatus(done);
          element.className = `tool command ${done.status}`;
          if (done.exit_code !== null) element.dataset.exitCode = String(done.exit_code);
        },
      };
    }
    case 'file_change': {
      const list = h('div', { class: 'changes' }, ...item.changes.map(diffView));
      const status = h('p', { class: 'status' }, item.status);
      const element = h('section', { class: 'tool file-change-item', 'aria-label': 'File changes', 'data-item-id': item.id }, h('p', { class: 'tool-title' }, 'File changes'), list, status);
      return {
        element,
        appendOutput: () => undefined,
        complete(done) {
          if (done.type !== 'file_change') return;
          list.replaceChildren(...done.changes.map(diffView));
          status.textContent = done.status;
        },
      };
    }
    default: {
      const title =
        item.type === 'mcp_tool_call' ? `Tool ${item.server}/${item.tool}` : item.type === 'web_search' ? `Web search: ${item.query}` : `Codex ${item.codex_type}`;
      const status = h('p', { class: 'status' }, 'status' in item ? String(item.status) : '');
      const element = h('section', { class: 'tool other', 'aria-label': title, 'data-item-id': item.id }, h('p', { class: 'tool-title' }, title), status);
      return {
        element,
        appendOutput: () => undefined,
        complete(done) {
          status.textContent = 'status' in done ? String(done.status) : 'done';
        },
      };
    }
  }
}

/** Any finished item as it appears in the history. */
export function itemView(item: Item): HTMLElement {
  switch (item.type) {
    case 'user_message':
      return userBubble(item.text);
    case 'assistant_message':
      return assistantBubble(item.text).element;
    case 'reasoning':
      return reasoningBlock([...item.summary, ...item.content].join('\n\n')).element;
    case 'review':
      // The review as codex wrote it up (findings included), rendered like any model text: safely.
      return assistantBubble(item.text).element;
    default:
      return toolView(item).element;
  }
}

export function usageLine(usage: Usage): string {
  return `Tokens: ${usage.input_tokens} in (${usage.cached_input_tokens} cached), ${usage.output_tokens} out (${usage.reasoning_output_tokens} reasoning), ${usage.total_tokens} total`;
}
