import { createBridgeClient } from '../../src/sdk';
import { createAuth, type Auth } from './auth';
import { apiBasePath, loadSettings, type ConsoleSettings } from './config';
import { Conversation } from './conversation';
import { button, describeError, h } from './dom';
import { ThreadList } from './threads';

/* Boot: settings, login when the bridge needs one, then the threads and the conversation. */

const root = document.getElementById('app') as HTMLElement;

function threadFromHash(): string | undefined {
  const match = /^#\/threads\/([^/]+)$/.exec(location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

function showLogin(settings: ConsoleSettings, auth: Auth, reason?: string): void {
  const field = h('input', { id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false' });
  const tokenLabel = settings.security_method === 'apikey' ? 'API key' : 'Access token';
  const form = h(
    'form',
    { class: 'token-form', 'aria-label': 'Use a token' },
    h('label', { for: 'token' }, tokenLabel),
    field,
    h('button', { type: 'submit', class: settings.oidc ? 'secondary' : 'primary' }, `Use this ${tokenLabel.toLowerCase()}`),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    auth.usePastedToken(field.value);
    void showApp(settings, auth);
  });
  const login = auth.login;
  const status = h('p', { class: 'notice', role: 'alert' }, reason ?? '');
  root.replaceChildren(
    h(
      'main',
      { class: 'login', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, 'Codex console'),
      h('p', {}, settings.security_method === 'keycloak' ? 'Log in with your organisation’s account, or paste an access token.' : 'This bridge needs an API key.'),
      status,
      login &&
        button('Log in with Keycloak', () => {
          login().catch((error: unknown) => (status.textContent = `Login failed: ${describeError(error)}`));
        }, { class: 'primary', 'data-action': 'oidc-login' }),
      form,
    ),
  );
  root.setAttribute('aria-busy', 'false');
  (root.querySelector('button.primary') as HTMLElement | null)?.focus();
}

async function showApp(settings: ConsoleSettings, auth: Auth): Promise<void> {
  const client = createBridgeClient({ baseUrl: `${location.origin}${apiBasePath()}`, token: () => auth.token() });
  const unauthorized = (): void => {
    void auth.logout().finally(() => showLogin(settings, auth, 'The bridge refused the credentials: log in again.'));
  };
  const menu = h('button', { type: 'button', class: 'menu secondary', 'aria-controls': 'threads', 'aria-expanded': 'false' }, 'Threads');
  const layout = h('div', { class: 'layout' });
  const closeMenu = (): void => {
    layout.classList.remove('menu-open');
    menu.setAttribute('aria-expanded', 'false');
  };
  menu.addEventListener('click', () => {
    const open = layout.classList.toggle('menu-open');
    menu.setAttribute('aria-expanded', String(open));
  });
  // `threads` is declared below; the hooks only run once both exist.
  const conversation = new Conversation(client, {
    threadsChanged: () => void threads.load(),
    opened(threadId) {
      threads.select(threadId);
      const hash = threadId ? `#/threads/${encodeURIComponent(threadId)}` : '#/';
      if (location.hash !== hash) history.replaceState(null, '', hash);
    },
    unauthorized,
  });
  const threads: ThreadList = new ThreadList(
    client,
    (thread) => {
      closeMenu();
      void conversation.open(thread.thread_id);
    },
    () => {
      closeMenu();
      conversation.startNew();
    },
    unauthorized,
  );
  const who = h('span', { class: 'who' }, await auth.who());
  const logout = settings.security_method === 'none' ? null : button('Log out', () => void auth.logout().then(() => showLogin(settings, auth)), { class: 'secondary', 'data-action': 'logout' });
  layout.append(threads.element, conversation.element);
  // Not a #fragment link: the hash names the open thread.
  const skip = h('a', { class: 'skip', href: '#message' }, 'Skip to the message field');
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    conversation.focusComposer();
  });
  root.replaceChildren(
    skip,
    h('header', { class: 'top' }, menu, h('h1', {}, 'Codex console'), h('div', { class: 'account' }, who, logout)),
    layout,
  );
  root.setAttribute('aria-busy', 'true');
  const opened = threadFromHash();
  // The conversation first: nothing typed meanwhile can be wiped by it.
  const conversationReady = opened ? conversation.open(opened) : Promise.resolve(conversation.startNew());
  await Promise.all([threads.load(), conversationReady]);
  root.setAttribute('aria-busy', 'false');
}

async function boot(): Promise<void> {
  try {
    const settings = await loadSettings();
    const auth = await createAuth(settings);
    if (await auth.signedIn()) await showApp(settings, auth);
    else showLogin(settings, auth, auth.loginProblem);
  } catch (error) {
    root.replaceChildren(h('main', { class: 'login' }, h('h1', {}, 'Codex console'), h('p', { role: 'alert' }, `The console could not start: ${describeError(error)}`)));
    root.setAttribute('aria-busy', 'false');
  }
}

void boot();
