/**
 * `npm run bench`: the bridge against the real codex binary and the scripted fake model, measured
 * against a bare JSON-RPC client run in the same process and minute. See scripts/bench/ and the
 * README's Performance section.
 *
 *   npm run bench                      full run (about 5-10 minutes on 2 cores)
 *   npm run bench -- --quick           small counts (under 2 minutes)
 *   npm run bench -- --out FILE        JSON results elsewhere (default: bench-results.json, git-ignored)
 *   npm run bench -- --profile [DIR]   also a V8 CPU profile of the bridge process, summarized
 *   npm run bench -- --only latency,memory
 */
import { runBench } from './bench/run';

runBench(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
