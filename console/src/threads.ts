import { BridgeProblemError, type BridgeClient, type ThreadSummary } from '../../src/sdk';
import { button, describeError, h } from './dom';

/* The caller's threads, newest first, a page at a time. */

const PAGE_SIZE = 25;

export function threadTitle(thread: ThreadSummary): string {
  return thread.name ?? (thread.preview.trim() || 'Untitled thread');
}

export class ThreadList {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly more: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly search: HTMLInputElement;
  private cursor: string | null = null;
  private selected: string | undefined;
  /** Only the newest load fills the list, so a slow answer to an older search cannot overwrite a newer one. */
  private loads = 0;

  constructor(
    private readonly client: BridgeClient,
    private readonly open: (thread: ThreadSummary) => void,
    startNew: () => void,
    private readonly unauthorized: () => void,
  ) {
    this.list = h('ul', { class: 'thread-list', 'aria-label': 'Threads' });
    this.more = button('Load more threads', () => void this.load(false), { class: 'secondary', hidden: true });
    this.status = h('p', { class: 'muted', role: 'status' });
    this.search = h('input', { type: 'search', id: 'thread-search', placeholder: 'Search titles', autocomplete: 'off' });
    let debounce: ReturnType<typeof setTimeout> | undefined;
    this.search.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void this.load(), 250);
    });
    const searchForm = h('form', { class: 'thread-search', role: 'search' }, h('label', { for: 'thread-search' }, 'Search threads'), this.search);
    searchForm.addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(debounce);
      void this.load();
    });
    this.element = h(
      'nav',
      { class: 'threads', id: 'threads', 'aria-label': 'Your threads' },
      h('div', { class: 'threads-head' }, h('h2', {}, 'Threads'), button('New thread', startNew, { class: 'primary', 'data-action': 'new-thread' })),
      searchForm,
      this.list,
      this.more,
      this.status,
    );
  }

  async load(fromStart = true): Promise<void> {
    if (fromStart) this.cursor = null;
    const load = ++this.loads;
    this.status.textContent = 'Loading…';
    const search = this.search.value.trim();
    try {
      const page = await this.client.listThreads({
        limit: PAGE_SIZE,
        ...(search ? { search } : {}),
        ...(this.cursor ? { cursor: this.cursor } : {}),
      });
      if (load !== this.loads) return;
      if (fromStart) this.list.replaceChildren();
      for (const thread of page.threads) this.list.append(this.entry(thread));
      this.cursor = page.next_cursor;
      this.more.hidden = page.next_cursor === null;
      this.status.textContent = this.list.childElementCount === 0 ? (search ? 'No thread matches.' : 'No threads yet.') : '';
    } catch (error) {
      if (load !== this.loads) return;
      if (error instanceof BridgeProblemError && error.status === 401) {
        this.unauthorized();
        return;
      }
      this.status.textContent = `Threads did not load: ${describeError(error)}`;
    }
  }

  select(threadId: string | undefined): void {
    this.selected = threadId;
    for (const item of this.list.querySelectorAll<HTMLButtonElement>('button[data-thread-id]')) {
      if (item.dataset.threadId === threadId) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
  }

  private entry(thread: ThreadSummary): HTMLLIElement {
    const when = new Date(thread.updated_at);
    const open = button('', () => this.open(thread), { 'data-thread-id': thread.thread_id, class: 'thread-entry' });
    open.append(
      h('span', { class: 'title' }, threadTitle(thread)),
      h('span', { class: 'meta' }, h('time', { datetime: thread.updated_at }, when.toLocaleString()), thread.status === 'active' ? ' · running' : ''),
    );
    if (thread.thread_id === this.selected) open.setAttribute('aria-current', 'true');
    return h('li', {}, open);
  }
}
