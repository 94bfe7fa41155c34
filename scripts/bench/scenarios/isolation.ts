/**
 * 7. Isolation (issue 11): what the jail costs. Two bridges, one with ISOLATION=bubblewrap and one with
 * ISOLATION=none, take turns starting sessions for new users (A B A B): the time of a user's first request
 * (which starts their codex), a first turn on it, and each session's memory (its whole process tree: the
 * jail's bwrap processes, codex and its helpers), summed RSS and PSS.
 */
import { chatStream, newAgent, timedGet } from '../bridgeClient';
import type { BenchContext } from '../context';
import { sleep } from '../ipc';
import { childTrees } from '../procfs';
import { fmt, MiB, summarize, type Summary } from '../stats';

export interface IsolationSide {
  mechanism: 'bubblewrap' | 'none';
  sessionStartMs: Summary;
  firstTurnMs: Summary;
  rssPerSessionMiB: number;
  pssPerSessionMiB: number;
  processesPerSession: number;
  failed: number;
}

export interface IsolationResult {
  sessions: number;
  sides: IsolationSide[];
  startRatio: number;
  pssRatio: number;
}

const SHORT_REPLY = { kind: 'text' as const, text: 'ok', chunks: 1 };

export async function runIsolation(ctx: BenchContext): Promise<IsolationResult> {
  const { resources, log, options } = ctx;
  const sessions = options.quick ? 6 : 16;
  await resources.setReply(SHORT_REPLY);
  const hosts = await Promise.all(
    (['bubblewrap', 'none'] as const).map(async (mechanism) => ({
      mechanism,
      host: await resources.startBridge({ name: `isolation ${mechanism}`, env: { ISOLATION: mechanism } }),
      starts: [] as number[],
      turns: [] as number[],
      failed: 0,
    })),
  );
  const agent = newAgent();
  try {
    for (let index = 0; index < sessions; index++) {
      for (const side of hosts) {
        const user = `iso-${side.mechanism}-${index}`;
        const start = await timedGet(`${side.host.info.url}/threads`, agent, { 'X-User-Id': user });
        if (start.status === 200) side.starts.push(start.ms);
        else side.failed++;
        const turn = await chatStream(side.host.info.url, agent, { prompt: 'hi', userId: user });
        if (turn.ok) side.turns.push(turn.completedAt - turn.startedAt);
        else side.failed++;
      }
    }
    await sleep(1000);
    const sides: IsolationSide[] = hosts.map((side) => {
      const trees = childTrees(side.host.pid);
      const n = Math.max(trees.length, 1);
      const sum = (pick: (tree: (typeof trees)[number]) => number): number => trees.reduce((total, tree) => total + pick(tree), 0);
      return {
        mechanism: side.mechanism,
        sessionStartMs: summarize(side.starts),
        firstTurnMs: summarize(side.turns),
        rssPerSessionMiB: (sum((tree) => tree.rssKiB) * 1024) / MiB / n,
        pssPerSessionMiB: (sum((tree) => tree.pssKiB) * 1024) / MiB / n,
        processesPerSession: sum((tree) => tree.pids.length) / n,
        failed: side.failed,
      };
    });
    const [jailed, bare] = sides as [IsolationSide, IsolationSide];
    log(`isolation: session start p50 ${fmt(jailed.sessionStartMs.p50)} ms jailed vs ${fmt(bare.sessionStartMs.p50)} ms`);
    return {
      sessions,
      sides,
      startRatio: jailed.sessionStartMs.p50 / bare.sessionStartMs.p50,
      pssRatio: jailed.pssPerSessionMiB / bare.pssPerSessionMiB,
    };
  } finally {
    agent.destroy();
    for (const side of hosts) await resources.stopHost(side.host);
  }
}

export function printIsolation(result: IsolationResult): void {
  console.log(`\nIsolation: ${result.sessions} sessions each way, interleaved`);
  console.log('  mechanism  | session start p50 / p95 (ms) | first turn p50 (ms) | RSS / PSS per session (MiB) | processes | failed');
  for (const side of result.sides) {
    console.log(
      `  ${side.mechanism.padEnd(10)} | ${`${fmt(side.sessionStartMs.p50)} / ${fmt(side.sessionStartMs.p95)}`.padStart(29)} | ` +
        `${fmt(side.firstTurnMs.p50).padStart(19)} | ${`${fmt(side.rssPerSessionMiB)} / ${fmt(side.pssPerSessionMiB)}`.padStart(27)} | ` +
        `${fmt(side.processesPerSession, 1).padStart(9)} | ${side.failed}`,
    );
  }
  console.log(`  jailed / unjailed: session start x${fmt(result.startRatio, 2)}, PSS per session x${fmt(result.pssRatio, 2)}`);
}
