import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { hashApiKey } from '../../src/auth/apiKeys';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { ensureConsoleBuilt } from '../support/consoleBuild';
import { COLOUR_QUESTION } from '../support/fakeModel';
import { describeWithKeycloak, keycloakStartTimeoutMs, SHIPPED_REALM, startKeycloakDev, type DevKeycloakHandle } from '../support/keycloak';
import { startPrefixProxy, type PrefixProxy } from '../support/prefixProxy';
import { describeInChromium, launchChromium } from '../sdk/swaggerPage';
import { toolOutput } from '../support/toolOutput';
import { ConsolePage } from './consolePage';

/*
 * The web console (/console) in a real Chromium against the real bridge and codex, the model scripted:
 * logins (pasted API key, Keycloak's authorization code + PKCE), a live turn (streamed text, a command's
 * output while it runs), approvals, interrupt, reload mid-turn, history, and model output that tries HTML.
 */

const artifactsDir = path.resolve(__dirname, '..', '..', 'artifacts');
const shot = (name: string): string => {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, `console-${name}.png`);
};

/** Six lines half a second apart: still running when its first line is on the page. */
const TICKING_COMMAND = 'for i in 1 2 3 4 5 6; do echo tick-$i; sleep 0.5; done';

describeInChromium('web console in Chromium (SECURITY_METHOD=ApiKey, a pasted key)', () => {
  const apiKey = randomBytes(32).toString('hex');
  let bridge: TestBridge | undefined;
  let browser: Browser | undefined;
  const pages: ConsolePage[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    bridge = await startTestBridge({
      SECURITY_METHOD: 'ApiKey',
      API_KEYS: `alice:${hashApiKey(apiKey)}`,
      CODEX_ALLOWED_APPROVAL_POLICIES: 'never,untrusted,on-request',
      // Codex is offered request_permissions only when something can be granted; network stays beyond the ceiling.
      CODEX_GRANTABLE_PERMISSIONS: 'file_system',
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    const closeBrowser = async (): Promise<void> => {
      await Promise.allSettled(pages.map((page) => page.close()));
      await browser?.close();
    };
    const results = await Promise.allSettled([closeBrowser(), bridge?.stop()]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  });

  async function loggedIn(viewport?: { width: number; height: number }): Promise<ConsolePage> {
    if (!bridge || !browser) throw new Error('beforeAll did not start the bridge and Chromium');
    const ui = await ConsolePage.open(browser, `${bridge.url}/console/`, { origin: bridge.url, viewport });
    pages.push(ui);
    await ui.page.getByLabel('API key').fill(apiKey);
    await ui.page.getByRole('button', { name: 'Use this api key' }).click();
    await ui.waitForApp();
    return ui;
  }

  it('/console redirects to /console/; a wrong key is refused and the login shows again', async () => {
    if (!bridge || !browser) throw new Error('beforeAll did not start the bridge and Chromium');
    const redirect = await fetch(`${bridge.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await fetch(`${bridge.url}/console/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const ui = await ConsolePage.open(browser, `${bridge.url}/console`, { origin: bridge.url });
    pages.push(ui);
    await ui.screenshot(shot('login-apikey'));
    await ui.page.getByLabel('API key').fill('not-the-key');
    await ui.page.getByRole('button', { name: 'Use this api key' }).click();
    await ui.page.getByRole('alert').filter({ hasText: 'refused the credentials' }).waitFor();
    // The browser itself logs the 401 of the refused key; that one is expected.
    expect(ui.errors.filter((error) => !/401/.test(error))).toEqual([]);
  });

  it("sends a message: the command's output and the streamed answer appear while the turn runs, usage at the end", async () => {
    bridge?.fake.enqueue({
      kind: 'command',
      command: TICKING_COMMAND,
      then: { kind: 'text', text: 'The command printed **six ticks**.', chunks: 8, delayMs: 250, reasoning: 'Count the ticks' },
    });
    const ui = await loggedIn();
    // Every change of the page is looked at, so the moment cannot slip between two polls.
    await ui.page.evaluate(`(() => {
      window.__outputWhileRunning = false;
      new MutationObserver(() => {
        const tool = document.querySelector('.turn.live .tool.command');
        if (tool?.querySelector('.output')?.textContent?.includes('tick-') && tool.dataset.exitCode === undefined) {
          window.__outputWhileRunning = true;
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    await ui.send('Run the ticking command');

    // Output on the page while the command still has no exit code and the turn is live.
    // Any line: the bridge sometimes drops a command's very first output delta (its tool.completed has it all).
    await ui.waitForCondition('window.__outputWhileRunning', 'output of the running command');
    await ui.screenshot(shot('command-running'));
    // Part of the answer on the page before the turn is over.
    await ui.waitForCondition(
      `(() => {
        const text = document.querySelector('.turn.live .message.assistant .markdown')?.textContent ?? '';
        return text.length > 0 && !text.includes('six ticks.');
      })()`,
      'part of the answer while the turn runs',
    );

    const turn = await ui.waitForOutcome('completed');
    const command = turn.locator('.tool.command');
    expect(await command.getAttribute('data-exit-code')).toBe('0');
    expect(await command.locator('.output').innerText()).toContain('tick-6');
    expect(await command.locator('.status').innerText()).toContain('exit code 0');
    expect(await turn.locator('.message.assistant .markdown strong').innerText()).toBe('six ticks');
    expect(await turn.locator('details.reasoning').getAttribute('open')).toBeNull();
    expect(await turn.locator('details.reasoning .reasoning-text').textContent()).toContain('Count the ticks');
    expect(await turn.locator('.turn-footer').innerText()).toMatch(/^Completed\. Tokens: \d+ in .* \d+ total$/);
    await ui.screenshot(shot('turn-completed'));
    // The new thread is in the list, selected, and the address names it.
    await ui.page.locator('.thread-list button[aria-current="true"]').waitFor();
    expect(ui.page.url()).toMatch(/#\/threads\/[0-9a-f-]+$/);
    expect(ui.errors).toEqual([]);
  });

  it('shows an approval card with the choices codex offers; answering it lets the turn go on', async () => {
    bridge?.fake.enqueue({ kind: 'command', command: 'mkdir console-approved && echo made-it', then: { kind: 'text', text: 'Made the folder.' } });
    const ui = await loggedIn();
    await ui.send('Make a folder', 'untrusted');
    const card = ui.page.getByRole('region', { name: 'Codex wants to run a command' });
    await card.waitFor();
    expect(await card.innerText()).toContain('mkdir console-approved');
    const choices = await card.locator('.choices button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-decision')));
    expect(choices).toContain('accept');
    expect(choices).toContain('decline');
    // Keyboard: the first choice has the focus.
    expect(await ui.page.evaluate('document.activeElement?.getAttribute("data-decision")')).toBe(choices[0]);
    await ui.screenshot(shot('approval'));
    await card.getByRole('button', { name: 'Allow once' }).click();
    await card.locator('.status').filter({ hasText: 'Answered: Allow once' }).waitFor();
    const turn = await ui.waitForOutcome('completed');
    expect(await turn.locator('.tool.command .output').innerText()).toContain('made-it');
    expect(await turn.locator('.message.assistant').innerText()).toContain('Made the folder.');
    expect(await turn.locator('.tool.command').getAttribute('data-exit-code')).toBe('0');
    expect(ui.errors).toEqual([]);
  });

  it("shows codex's question with its options as radio buttons; the option picked is what the model gets next", async () => {
    if (!bridge) throw new Error('beforeAll did not start the bridge');
    const from = bridge.fake.requests.length;
    bridge.fake.enqueue({
      kind: 'tool_call',
      name: 'request_user_input',
      arguments: {
        questions: [COLOUR_QUESTION],
      },
      then: { kind: 'text', text: 'A blue logo it is.' },
    });
    const ui = await loggedIn();
    await ui.send('Make me a logo');
    const card = ui.page.getByRole('region', { name: 'Codex asks you' });
    await card.waitFor();
    const question = card.getByRole('group', { name: /Which colour should the logo be\?/ });
    expect(await question.getByRole('radio').count()).toBe(3);
    // Codex takes a free answer too: a text field, reachable by its label.
    await card.getByRole('textbox', { name: 'Other answer', exact: true }).waitFor();
    // Keyboard: the first option has the focus.
    expect(await ui.page.evaluate('document.activeElement?.getAttribute("value")')).toBe('Red (Recommended)');
    await ui.screenshot(shot('question'));
    // Nothing picked yet: the console says so and sends nothing.
    await card.getByRole('button', { name: 'Send answers' }).click();
    await card.locator('.status').filter({ hasText: 'first' }).waitFor();
    await question.getByRole('radio', { name: /^Blue/ }).check();
    await card.getByRole('button', { name: 'Send answers' }).click();
    await card.locator('.status').filter({ hasText: 'Answered: Send answers' }).waitFor();
    const turn = await ui.waitForOutcome('completed');
    expect(await turn.locator('.message.assistant').innerText()).toContain('A blue logo it is.');
    expect(toolOutput(bridge.fake, from, 'request_user_input')).toEqual({ answers: { color: { answers: ['Blue'] } } });
    expect(ui.errors).toEqual([]);
  });

  it('lists the permissions codex asks for, the ones beyond the ceiling disabled with the reason; declining lets the turn go on', async () => {
    bridge?.fake.enqueue({
      kind: 'tool_call',
      name: 'request_permissions',
      arguments: { permissions: { network: { enabled: true } }, reason: 'to download the fonts' },
      then: { kind: 'text', text: 'No network, fine.' },
    });
    const ui = await loggedIn();
    await ui.send('Fetch the fonts', 'on-request');
    const card = ui.page.getByRole('region', { name: 'Codex asks for more permissions' });
    await card.waitFor();
    expect(await card.innerText()).toContain('to download the fonts');
    const network = card.getByRole('checkbox', { name: 'Network access for its commands' });
    expect(await network.isDisabled()).toBe(true);
    expect(await card.locator('.not-grantable').innerText()).toContain('CODEX_GRANTABLE_PERMISSIONS');
    // Nothing asked is grantable: only declining is offered.
    expect(await card.getByRole('button', { name: 'Grant for this turn' }).isDisabled()).toBe(true);
    expect(await card.getByRole('button', { name: 'Grant for this session' }).isDisabled()).toBe(true);
    await ui.screenshot(shot('permissions'));
    await card.getByRole('button', { name: 'Decline' }).click();
    await card.locator('.status').filter({ hasText: 'Answered: Decline' }).waitFor();
    const turn = await ui.waitForOutcome('completed');
    expect(await turn.locator('.message.assistant').innerText()).toContain('No network, fine.');
    expect(ui.errors).toEqual([]);
  });

  it('interrupts a slow turn', async () => {
    bridge?.fake.enqueue({ kind: 'command', command: 'sleep 30' });
    const ui = await loggedIn();
    await ui.send('Take your time');
    await ui.liveTurn().locator('.tool.command').waitFor();
    await ui.page.getByRole('button', { name: 'Interrupt' }).click();
    const turn = await ui.waitForOutcome('interrupted');
    expect(await turn.locator('.turn-footer').innerText()).toMatch(/^Interrupted/);
    expect(await ui.page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
    await ui.screenshot(shot('interrupted'));
    expect(ui.errors).toEqual([]);
  });

  it('a reload in the middle of a turn picks the turn up again and shows every word once', async () => {
    const words = Array.from({ length: 16 }, (_, index) => `word${index + 1}`);
    bridge?.fake.enqueue({ kind: 'text', text: words.join(' '), chunks: words.map((word, index) => (index === 0 ? word : ` ${word}`)), delayMs: 350 });
    const ui = await loggedIn();
    await ui.send('Say sixteen words slowly');
    await ui.waitForCondition(
      `(document.querySelector('.turn.live .message.assistant .markdown')?.textContent ?? '').includes('word2')`,
      'the second word',
    );
    await ui.page.reload();
    await ui.waitForApp();
    // Still running after the reload: the page follows the turn live again.
    await ui.liveTurn().waitFor();
    const turn = await ui.waitForOutcome('completed');
    expect(await ui.assistantText(turn).innerText()).toBe(words.join(' '));
    expect(await ui.page.locator('.message.user').filter({ hasText: 'Say sixteen words slowly' }).count()).toBe(1);
    await ui.screenshot(shot('resumed-after-reload'));
    expect(ui.errors).toEqual([]);
  });

  it('model output with <script> and <img onerror> shows as text, live and in the history', async () => {
    const hostile = 'Look: <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> [link](javascript:window.__pwned=3)';
    bridge?.fake.enqueue({ kind: 'text', text: hostile });
    const ui = await loggedIn();
    await ui.send('Say something nasty');
    const turn = await ui.waitForOutcome('completed');
    const check = async (): Promise<void> => {
      const shown = ui.assistantText();
      expect(await shown.innerText()).toContain('<script>window.__pwned = 1</script>');
      expect(await shown.innerText()).toContain('<img src=x onerror="window.__pwned = 2">');
      expect(await shown.locator('script, img, a[href^="javascript"]').count()).toBe(0);
      expect(await ui.page.evaluate('window.__pwned')).toBeUndefined();
    };
    await check();
    expect(await turn.count()).toBe(1);
    await ui.page.reload();
    await ui.waitForApp();
    await ui.page.locator('.log .turn[data-turn-id]').last().waitFor();
    await check();
    expect(ui.errors).toEqual([]);
  });

  it('the search field filters the thread list by title', async () => {
    const ui = await loggedIn();
    await ui.threadEntries().filter({ hasText: 'Run the ticking command' }).waitFor();
    const all = await ui.threadEntries().count();
    expect(all).toBeGreaterThan(1);
    await ui.page.getByRole('searchbox', { name: 'Search threads' }).fill('sixteen words');
    await ui.waitForCondition(
      `(() => {
        const entries = [...document.querySelectorAll('.thread-list button[data-thread-id]')];
        return entries.length === 1 && entries[0].textContent.includes('Say sixteen words slowly');
      })()`,
      'the list to show only the matching thread',
    );
    await ui.screenshot(shot('search'));
    await ui.page.getByRole('searchbox', { name: 'Search threads' }).fill('no thread is called this');
    await ui.page.getByRole('status').filter({ hasText: 'No thread matches.' }).waitFor();
    await ui.page.getByRole('searchbox', { name: 'Search threads' }).fill('');
    await ui.waitForCondition(`document.querySelectorAll('.thread-list button[data-thread-id]').length === ${all}`, 'every thread back');
    expect(ui.errors).toEqual([]);
  });

  it("opens a thread's history from the list, renames it and archives it", async () => {
    const ui = await loggedIn();
    const entry = ui.threadEntries().filter({ hasText: 'Run the ticking command' });
    await entry.click();
    const log = ui.page.locator('.log');
    await log.locator('.turn[data-turn-id]').first().waitFor();
    expect(await log.locator('.message.user').first().innerText()).toContain('Run the ticking command');
    expect(await log.locator('.tool.command .output').first().innerText()).toContain('tick-6');
    expect(await log.locator('.message.assistant').last().innerText()).toContain('six ticks');
    await ui.screenshot(shot('history'));

    await ui.page.getByRole('button', { name: 'Rename' }).click();
    await ui.page.getByLabel('New name').fill('Ticks, renamed');
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await ui.page.getByRole('heading', { name: 'Ticks, renamed' }).waitFor();
    await ui.threadEntries().filter({ hasText: 'Ticks, renamed' }).waitFor();

    await ui.page.getByRole('button', { name: 'Archive' }).click();
    await ui.page.getByRole('button', { name: 'Yes, archive' }).click();
    await ui.page.getByRole('heading', { name: 'New thread' }).waitFor();
    await ui.threadEntries().filter({ hasText: 'Ticks, renamed' }).waitFor({ state: 'detached' });
    expect(ui.errors).toEqual([]);
  });

  it('fits a phone-sized screen: the thread list opens from the Threads button', async () => {
    const ui = await loggedIn({ width: 390, height: 844 });
    const menu = ui.page.getByRole('button', { name: 'Threads' });
    expect(await ui.page.locator('nav.threads').isVisible()).toBe(false);
    await ui.screenshot(shot('phone'));
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await ui.threadEntries().first().waitFor();
    await ui.screenshot(shot('phone-threads'));
    await ui.threadEntries().first().click();
    expect(await ui.page.locator('nav.threads').isVisible()).toBe(false);
    await ui.page.locator('.log .turn[data-turn-id]').first().waitFor();
    const overflow = await ui.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(ui.errors).toEqual([]);
  });
});

describeInChromium('web console in Chromium behind a path-prefix proxy (SECURITY_METHOD=None)', () => {
  let bridge: TestBridge | undefined;
  let proxy: PrefixProxy | undefined;
  let browser: Browser | undefined;
  let ui: ConsolePage | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    bridge = await startTestBridge();
    proxy = await startPrefixProxy(bridge.url, '/codex');
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    const closeBrowser = async (): Promise<void> => {
      await ui?.close();
      await browser?.close();
    };
    const results = await Promise.allSettled([closeBrowser(), proxy?.close(), bridge?.stop()]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  });

  it('needs no login, and every call goes through the prefix', async () => {
    if (!browser || !proxy) throw new Error('beforeAll did not start the proxy and Chromium');
    const redirect = await fetch(`${proxy.url}/codex/console`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe('/codex/console/');
    ui = await ConsolePage.open(browser, `${proxy.url}/codex/console/`, { origin: proxy.url });
    const calls: string[] = [];
    ui.page.on('request', (request) => calls.push(new URL(request.url()).pathname));
    await ui.waitForApp();
    // By keyboard: the skip link (first in the page) leads to the message field, Enter sends.
    await ui.page.locator('a.skip').focus();
    await ui.page.keyboard.press('Enter');
    expect(await ui.page.evaluate('document.activeElement?.id')).toBe('message');
    await ui.page.keyboard.type('Hello through the proxy');
    await ui.page.keyboard.press('Enter');
    const turn = await ui.waitForOutcome('completed');
    expect(await turn.locator('.message.assistant').innerText()).toContain('Hello from the fake model');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((call) => !call.startsWith('/codex/'))).toEqual([]);
    expect(ui.errors).toEqual([]);
  });

  it('reconnects by itself with Last-Event-ID when the connection drops mid-turn: every word once', async () => {
    if (!ui || !proxy) throw new Error('the previous test did not open the console');
    const words = Array.from({ length: 12 }, (_, index) => `piece${index + 1}`);
    bridge?.fake.enqueue({ kind: 'text', text: words.join(' '), chunks: words.map((word, index) => (index === 0 ? word : ` ${word}`)), delayMs: 300 });
    const resumes: Array<string | undefined> = [];
    ui.page.on('request', (request) => {
      if (request.url().endsWith('/events')) resumes.push(request.headers()['last-event-id']);
    });
    await ui.send('Count in pieces');
    await ui.waitForCondition(
      `(document.querySelector('.turn.live .message.assistant .markdown')?.textContent ?? '').includes('piece2')`,
      'the second piece',
    );
    proxy.cutConnections();
    const turn = await ui.waitForOutcome('completed');
    expect(await ui.assistantText(turn).innerText()).toBe(words.join(' '));
    expect(resumes.length).toBeGreaterThan(0);
    expect(Number(resumes[0])).toBeGreaterThan(1);
    // Chromium itself logs the cut stream; nothing else may be logged.
    expect(ui.errors.filter((error) => !error.includes('net::ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
  });
});

/**
 * What the README tells an operator to do for a console at another address than the realm's defaults
 * (http://localhost:8000, http://127.0.0.1:8000): add its URL to the users' client's redirect URIs. Keycloak
 * then also allows its origin for the code exchange (web origins `+`).
 */
async function allowConsoleRedirect(keycloak: DevKeycloakHandle, consoleUrl: string): Promise<void> {
  const found = await keycloak.admin('GET', `/clients?clientId=${SHIPPED_REALM.usersClient}`);
  const [client] = (await found.json()) as Array<{ id: string; redirectUris: string[] }>;
  if (!client) throw new Error(`the shipped realm has no client ${SHIPPED_REALM.usersClient}`);
  const updated = await keycloak.admin('PUT', `/clients/${client.id}`, { ...client, redirectUris: [...client.redirectUris, `${consoleUrl}*`] });
  if (!updated.ok) throw new Error(`Keycloak refused the redirect URI: HTTP ${updated.status}`);
}

describeInChromium('web console in Chromium with Keycloak (authorization code + PKCE)', () => {
  describeWithKeycloak('npm run keycloak:dev with the shipped realm', () => {
    const alice = { username: 'alice', password: 'alice-console-password' };
    let keycloak: DevKeycloakHandle | undefined;
    let bridge: TestBridge | undefined;
    let browser: Browser | undefined;
    let ui: ConsolePage | undefined;

    beforeAll(async () => {
      ensureConsoleBuilt();
      keycloak = await startKeycloakDev([alice]);
      bridge = await startTestBridge({ ...keycloak.env, KEYCLOAK_CACHE_TTL_SECONDS: '0' });
      await allowConsoleRedirect(keycloak, `${bridge.url}/console/`);
      browser = await launchChromium();
    }, keycloakStartTimeoutMs() + 60_000);
    afterAll(async () => {
      await Promise.allSettled([ui?.close(), browser?.close()]);
      await Promise.allSettled([bridge?.stop(), keycloak?.stop()]);
    }, 90_000);

    it("logs in on Keycloak's page, comes back signed in, and chats as that user", async () => {
      if (!bridge || !browser) throw new Error('beforeAll did not start everything');
      ui = await ConsolePage.open(browser, `${bridge.url}/console/`, { origin: bridge.url });
      await ui.screenshot(shot('login-keycloak'));
      await ui.page.getByRole('button', { name: 'Log in with Keycloak' }).click();
      await ui.page.locator('#username').fill(alice.username);
      await ui.page.locator('#password').fill(alice.password);
      await ui.page.locator('#kc-login').click();
      await ui.waitForApp();
      expect(new URL(ui.page.url()).search).toBe('');
      expect(await ui.page.locator('.account .who').innerText()).toBe('alice');
      await ui.send('Hello as alice');
      const turn = await ui.waitForOutcome('completed');
      expect(await turn.locator('.message.assistant').innerText()).toContain('Hello from the fake model');
      await ui.screenshot(shot('keycloak-chat'));
      expect(ui.errors).toEqual([]);

      // A pasted Keycloak token works too, in a fresh browser context.
      const token = await keycloak?.userToken(alice);
      const pasted = await ConsolePage.open(browser, `${bridge.url}/console/`, { origin: bridge.url });
      try {
        await pasted.page.getByLabel('Access token').fill(token?.accessToken ?? '');
        await pasted.page.getByRole('button', { name: 'Use this access token' }).click();
        await pasted.waitForApp();
        await pasted.threadEntries().filter({ hasText: 'Hello as alice' }).waitFor();
        expect(pasted.errors).toEqual([]);
      } finally {
        await pasted.close();
      }
    });
  });
});
