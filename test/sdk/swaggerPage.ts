import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/* Drives the bridge's Swagger UI (/docs) in Debian's Chromium. Shared by every Swagger UI test case. */

/** Debian's package; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * `describe` when Chromium is installed. Without it the suite fails in CI (CI=true), so a missing
 * browser cannot pass unnoticed there, and is skipped with a warning elsewhere.
 */
export function describeInChromium(name: string, body: () => void): void {
  if (fs.existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const missing = `Chromium is not installed at ${CHROMIUM_PATH}; install it with: ${CHROMIUM_INSTALL}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(missing);
      });
    });
    return;
  }
  console.warn(`SKIPPED browser tests "${name}": ${missing}`);
  describe.skip(name, body);
}

/** Playwright gives each launch a fresh temporary profile (user data dir) and deletes it on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Well inside jest's 60 s, so a browser that cannot start fails with Playwright's own message.
    timeout: 30_000,
    // Without the networking flags Chromium keeps dialing Google's hosts, which this closed network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface SwaggerResponse {
  /** Undefined when no HTTP answer came (Swagger UI shows "Failed to fetch"). */
  status: number | undefined;
  /** The response body, or Swagger UI's error text when no HTTP answer came. */
  body: string;
  /** The "Request URL" Swagger UI shows: where the request really went. */
  requestUrl: string;
}

export class SwaggerPage {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
  ) {}

  /** A new browser context (no stored authorization) showing `${bridgeUrl}/docs`. */
  static async open(browser: Browser, bridgeUrl: string, docsPath = '/docs'): Promise<SwaggerPage> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${bridgeUrl}${docsPath}`);
    await page.locator('.swagger-ui .information-container').waitFor();
    return new SwaggerPage(page, context);
  }

  /** Swagger UI's block of one operation; its id is `operations-<tag>-<operationId>`. */
  operation(tag: string, operationId: string): Locator {
    return this.page.locator(`#operations-${tag}-${operationId}`);
  }

  async expand(tag: string, operationId: string): Promise<Locator> {
    const block = this.operation(tag, operationId);
    if (!(await block.evaluate((element) => element.classList.contains('is-open')))) {
      await block.locator('.opblock-summary').first().click();
    }
    await block.locator('.opblock-body').waitFor();
    return block;
  }

  /** Expands the operation, clicks "Try it out", fills `parameters` by name, clicks "Execute" and reads the answer. */
  async execute(tag: string, operationId: string, parameters: Record<string, string> = {}): Promise<SwaggerResponse> {
    const block = await this.expand(tag, operationId);
    // "Try it out" turns into "Cancel" once clicked: a second run on the same block must not click it again.
    if ((await block.locator('button.execute').count()) === 0) await block.locator('button.try-out__btn').click();
    for (const [name, value] of Object.entries(parameters)) {
      await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    const previous = block.locator('.live-responses-table');
    if ((await previous.count()) > 0) await block.locator('button.btn-clear').click();
    await block.locator('button.execute').click();
    const response = block.locator('.live-responses-table tbody tr.response').first();
    await response.waitFor();
    const shownStatus = (await response.locator('.response-col_status').innerText()).trim();
    const details = response.locator('.response-col_description');
    const body = details.locator('.microlight').first();
    return {
      status: /^\d{3}$/.test(shownStatus) ? Number(shownStatus) : undefined,
      body: (await body.count()) > 0 ? await body.innerText() : await details.innerText(),
      requestUrl: (await block.locator('.request-url pre').innerText()).trim(),
    };
  }

  /** Pastes a bearer token into the Authorize dialog, so "Try it out" sends `Authorization: Bearer <token>`. */
  async authorize(token: string): Promise<void> {
    await this.page.locator('.scheme-container button.authorize').click();
    const dialog = this.page.locator('.dialog-ux .modal-ux');
    await dialog.locator('.auth-container input').first().fill(token);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });
  }

  async screenshot(file: string, of?: Locator): Promise<void> {
    await (of ?? this.page).screenshot({ path: file });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
