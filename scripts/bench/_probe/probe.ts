import { performance } from 'node:perf_hooks';
import { BenchResources } from '../setup';
import { chatStream, newAgent } from '../bridgeClient';
import { totalMs, ttfdMs } from '../timing';

async function main(): Promise<void> {
  const t0 = performance.now();
  const r = await BenchResources.create();
  try {
    console.log('fake up', performance.now() - t0);
    const b = await r.startBridge({ name: 'bridge' });
    console.log('bridge up', performance.now() - t0, b.info);
    let t = performance.now();
    const raw = await r.startRaw();
    console.log('raw spawn', performance.now() - t);
    const agent = newAgent();
    const long = 'lorem ipsum dolor sit amet '.repeat(400);
    for (const [label, reply] of [['short', { kind: 'text' as const, text: 'Hello from the fake model' }], ['long', { kind: 'text' as const, text: long, chunks: 2000, delayMs: 0 }]] as const) {
      await r.setReply(reply);
      for (let i = 0; i < 6; i++) {
        const a = await chatStream(b.info.url, agent, { prompt: 'hi', userId: 'lat' });
        const c = await raw.runTurn('hi');
        console.log(label, 'bridge', a.ok, a.error, a.deltas, a.events, ttfdMs(a)?.toFixed(1), totalMs(a).toFixed(1), '| raw', c.ok, c.error, c.deltas, c.events, ttfdMs(c)?.toFixed(1), totalMs(c).toFixed(1));
      }
    }
    t = performance.now();
    console.log('cpu', await b.call('cpu', null), 'mem', await b.call('memory', { gc: true }));
  } finally {
    await r.close();
    console.log('closed', performance.now() - t0);
  }
}
void main();
