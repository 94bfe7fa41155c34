import type { Browser, Page } from 'playwright-core';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { describeInChromium, launchChromium } from '../sdk/swaggerPage';

/* Issue 17: a plain browser EventSource (Chromium) on the bridge's streams, as a web page would use them. */

describeInChromium('EventSource in Chromium', () => {
  let bridge: TestBridge | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    bridge = await startTestBridge();
    browser = await launchChromium();
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    // Same origin as the bridge, so the page needs no CORS.
    await page.goto(`${bridge.url}/status`);
  });
  afterAll(async () => {
    const results = await Promise.allSettled([page?.close().then(() => browser?.close()), bridge?.stop()]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  });

  it("stops reconnecting after a finished turn's [DONE]: the reconnect gets 204 and the EventSource closes", async () => {
    if (!page || !bridge) throw new Error('beforeAll did not start the bridge and Chromium');
    const eventRequests: number[] = [];
    page.on('response', (response) => {
      if (/\/turns\/[^/]+\/events$/.test(new URL(response.url()).pathname)) eventRequests.push(response.status());
    });
    const outcome = await page.evaluate(async () => {
      const started = await fetch('/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ messages: [{ content: 'hello' }], background: true }),
      });
      const { links } = (await started.json()) as { links: { events: string } };
      return new Promise<{ names: string[]; opens: number; readyState: number; turnErrors: number }>((resolve) => {
        const source = new EventSource(links.events);
        const names: string[] = [];
        let opens = 0;
        let turnErrors = 0;
        source.onopen = () => opens++;
        source.onmessage = (message) => names.push(message.data === '[DONE]' ? '[DONE]' : 'message');
        for (const name of ['turn.started', 'message.delta', 'message.completed', 'turn.completed'])
          source.addEventListener(name, () => names.push(name));
        // The bridge's failure event has its own name: this listener would get it, EventSource's `error` would not.
        source.addEventListener('turn.error', () => turnErrors++);
        source.onerror = () => {
          // After [DONE] the browser reconnects once; the 204 makes it give up for good (readyState CLOSED).
          if (names.includes('[DONE]') && source.readyState === EventSource.CLOSED) {
            resolve({ names, opens, readyState: source.readyState, turnErrors });
          }
        };
        setTimeout(() => {
          source.close();
          resolve({ names, opens, readyState: -1, turnErrors });
        }, 20_000);
      });
    });
    expect(outcome.readyState).toBe(2);
    expect(outcome.opens).toBe(1);
    expect(outcome.turnErrors).toBe(0);
    expect(outcome.names[0]).toBe('turn.started');
    expect(outcome.names).toContain('turn.completed');
    expect(outcome.names.at(-1)).toBe('[DONE]');
    expect(eventRequests).toEqual([200, 204]);
  });

  it('GET /events with a plain EventSource: a turn started from the page shows up, with ids to resume from', async () => {
    if (!page) throw new Error('beforeAll did not start Chromium');
    const seen = await page.evaluate(async () => {
      const source = new EventSource('/events');
      await new Promise<void>((resolve) => (source.onopen = () => resolve()));
      const events: Array<{ type: string; id: string; thread_id: string }> = [];
      const done = new Promise<void>((resolve) => {
        for (const name of ['turn.started', 'turn.completed']) {
          source.addEventListener(name, (message) => {
            const data = JSON.parse(String((message as MessageEvent).data)) as { type: string; thread_id: string };
            events.push({ type: data.type, id: (message as MessageEvent).lastEventId, thread_id: data.thread_id });
            if (name === 'turn.completed') resolve();
          });
        }
      });
      const answer = await fetch('/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ messages: [{ content: 'hi' }], stream: false }),
      });
      const { thread_id } = (await answer.json()) as { thread_id: string };
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      source.close();
      return { events, thread_id };
    });
    expect(seen.events.map((event) => event.type)).toEqual(['turn.started', 'turn.completed']);
    expect(seen.events.every((event) => event.thread_id === seen.thread_id)).toBe(true);
    const [first, second] = seen.events.map((event) => Number(event.id));
    expect(Number(second)).toBeGreaterThan(Number(first));
  });
});
