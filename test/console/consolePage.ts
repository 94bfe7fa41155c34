import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';

/* Drives the web console (/console) in Chromium, and keeps every console error the page logs. */

export interface ConsolePageOptions {
  viewport?: { width: number; height: number };
  /** Console messages from other origins (the identity provider's login page) are not the console's. */
  origin: string;
}

export class ConsolePage {
  /** Console errors and uncaught exceptions of the console's own origin. */
  readonly errors: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly origin: string,
  ) {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      if (process.env.CONSOLE_TEST_DEBUG) process.stderr.write(`[browser] ${message.text()} (${where})\n`);
      if (where === '' || where.startsWith(this.origin)) this.errors.push(`${message.text()} (${where})`);
    });
    page.on('pageerror', (error) => this.errors.push(`uncaught: ${error.message}`));
  }

  static async open(browser: Browser, url: string, options: ConsolePageOptions): Promise<ConsolePage> {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const opened = new ConsolePage(page, context, options.origin);
    await page.goto(url);
    await page.locator('#app[aria-busy="false"]').waitFor();
    return opened;
  }

  /**
   * Polls a condition written as a page expression (a string: the tests are typed without the DOM). Not
   * waitForFunction: it compiles its string with eval, which the console's CSP refuses, as it should.
   */
  async waitForCondition(expression: string, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.page.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) {
        const log = await this.page.locator('.log').innerHTML().catch(() => '(no log)');
        throw new Error(`timed out waiting for ${what}: ${expression}\nThe log shows: ${log.slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The thread list and composer are up. */
  async waitForApp(): Promise<void> {
    try {
      await this.page.getByRole('textbox', { name: 'Message' }).waitFor();
      await this.page.locator('#app[aria-busy="false"]').waitFor();
    } catch (error) {
      const shown = await this.page.locator('body').innerText().catch(() => '(no page)');
      throw new Error(`the console did not come up at ${this.page.url()}; the page shows:\n${shown.slice(0, 2000)}\nconsole errors: ${this.errors.join('\n')}`, { cause: error });
    }
  }

  async send(text: string, approvalPolicy?: string): Promise<void> {
    if (approvalPolicy) await this.page.getByLabel('Ask before commands').selectOption(approvalPolicy);
    await this.page.getByRole('textbox', { name: 'Message' }).fill(text);
    await this.page.getByRole('button', { name: 'Send' }).click();
  }

  /** The turn being shown live (the last one). */
  liveTurn(): Locator {
    return this.page.locator('.turn.live').last();
  }

  lastTurn(): Locator {
    return this.page.locator('.turn[data-outcome], .turn.live').last();
  }

  async waitForOutcome(outcome: 'completed' | 'failed' | 'interrupted', timeout = 40_000): Promise<Locator> {
    // The newest turn only: an earlier one of the page may have ended the same way.
    const turn = this.page.locator(`.log > .turn:last-child[data-outcome="${outcome}"]`);
    await turn.waitFor({ timeout });
    return turn;
  }

  assistantText(within: Locator = this.page.locator('.log')): Locator {
    return within.locator('.message.assistant .markdown').last();
  }

  threadEntries(): Locator {
    return this.page.locator('.thread-list button[data-thread-id]');
  }

  async screenshot(file: string): Promise<void> {
    await this.page.screenshot({ path: file, fullPage: true });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
