import path from 'node:path';

export const SECTIONS = ['turns', 'latency', 'throughput', 'concurrency', 'memory', 'auth', 'limits', 'isolation'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  out: string;
  /** Folder for a V8 CPU profile of the main bridge process (latency, throughput, concurrency, stalls). */
  profileDir: string | undefined;
  sections: Set<Section>;
  /** Keep the real HOME for codex (its per-thread login-shell snapshot then sources ~/.bashrc). */
  realHome: boolean;
  /** `--compare a.json b.json`: print two result files side by side instead of running. */
  compare: [string, string] | undefined;
}

export const REPO_ROOT = path.resolve(__dirname, '../..');

export const USAGE = `Usage: npm run bench -- [--quick] [--out FILE] [--profile [DIR]] [--only SECTION[,SECTION...]] [--real-home]
       npm run bench -- --compare A.json B.json

  --quick        small iteration counts (under 2 minutes); default is the full run (about 5-10 minutes)
  --out FILE     where to write the JSON results (default: bench-results.json at the repo root)
  --profile DIR  write a V8 CPU profile of the main bridge process to DIR (default .cache/bench-profile)
                 and print its hottest functions
  --only LIST    run only these sections: ${SECTIONS.join(', ')} (stalls run with concurrency)
  --real-home    run codex with the real HOME (default: an empty one; codex sources ~/.bashrc at every thread/start)
  --compare A B  print two result files figure by figure (B / A) and their targets, then exit`;

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    quick: false,
    out: path.join(REPO_ROOT, 'bench-results.json'),
    profileDir: undefined,
    sections: new Set(SECTIONS),
    realHome: false,
    compare: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      i++;
      return next;
    };
    switch (arg) {
      case '--quick':
        options.quick = true;
        break;
      case '--out':
        options.out = path.resolve(value());
        break;
      case '--profile': {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('--')) {
          options.profileDir = path.resolve(next);
          i++;
        } else {
          options.profileDir = path.join(REPO_ROOT, '.cache/bench-profile');
        }
        break;
      }
      case '--only': {
        const wanted = value()
          .split(',')
          .map((name) => name.trim());
        const unknown = wanted.filter((name) => !(SECTIONS as readonly string[]).includes(name));
        if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}\n${USAGE}`);
        options.sections = new Set(wanted as Section[]);
        break;
      }
      case '--compare': {
        const first = value();
        options.compare = [path.resolve(first), path.resolve(value())];
        break;
      }
      case '--real-home':
        options.realHome = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return options;
}

/** Iteration counts of one mode. */
export interface Plan {
  latencyWarmup: number;
  shortPairs: number;
  longPairs: number;
  longDeltas: number;
  parallelStreams: number;
  parallelRounds: number;
  concurrencyLevels: number[];
  /** Warm rounds per level: every user runs one turn per round. */
  warmRounds: (users: number) => number;
  stallStreams: number;
  stallDeltas: number;
  stallDelayMs: number;
  memoryLevels: number[];
  /** Idle app-servers spawned directly, native and through the Node wrapper, for the per-session comparison. */
  wrapperLevels: number[];
  /** Spawn-to-logged-in timings, native and wrapper alternating. */
  startupPairs: number;
  authPairs: number;
}

export function planFor(quick: boolean): Plan {
  return quick
    ? {
        latencyWarmup: 3,
        shortPairs: 20,
        longPairs: 8,
        longDeltas: 2000,
        parallelStreams: 20,
        parallelRounds: 1,
        concurrencyLevels: [1, 10, 50],
        warmRounds: (users) => (users >= 50 ? 1 : users >= 10 ? 2 : 5),
        stallStreams: 50,
        stallDeltas: 300,
        stallDelayMs: 10,
        memoryLevels: [0, 10, 50],
        wrapperLevels: [10],
        startupPairs: 5,
        authPairs: 100,
      }
    : {
        latencyWarmup: 8,
        shortPairs: 150,
        longPairs: 40,
        longDeltas: 2000,
        parallelStreams: 20,
        parallelRounds: 6,
        concurrencyLevels: [1, 10, 50],
        warmRounds: (users) => (users >= 50 ? 6 : users >= 10 ? 12 : 40),
        stallStreams: 50,
        stallDeltas: 1000,
        stallDelayMs: 10,
        memoryLevels: [0, 10, 50],
        wrapperLevels: [10, 50],
        startupPairs: 10,
        authPairs: 1000,
      };
}
