/**
 * The benchmark run: starts the fake model, the bridge (in a process of its own) and the baselines,
 * runs the sections, prints the table and writes the JSON. Every process and temporary folder it
 * made is gone when it returns, also after an error or Ctrl-C.
 */
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { bridgeCpuUs, createLogger, idleCpuRate, type BenchContext } from './context';
import { parseOptions, planFor, type Section } from './options';
import { findProfile, printProfile, summarizeProfile } from './profile';
import type { RawAppServer } from './rawClient';
import { printComparison } from './compare';
import { collectFigures } from './figures';
import { checkTargets, machineFacts, printResults, type BenchResults } from './report';
import { runAuth } from './scenarios/auth';
import { runConcurrency, runStalls } from './scenarios/concurrency';
import { runLatency } from './scenarios/latency';
import { printLimits, runLimits } from './scenarios/limits';
import { printIsolation, runIsolation } from './scenarios/isolation';
import { runMemory } from './scenarios/memory';
import { runParallel } from './scenarios/throughput';
import { runTurnCpu } from './scenarios/turnCpu';
import { BenchResources, type BridgeHost, type CanaryHost } from './setup';

const NOTES = [
  'The bridge is the production start, `node scripts/start.js` (compiled dist/, no tsx), in a process of its own, with ' +
    'a probe preloaded (scripts/bench/hosts/bridgeHost.ts, bundled to plain JavaScript, Node built-ins only) and ' +
    "--expose-gc, so process.cpuUsage(), process.memoryUsage() and monitorEventLoopDelay() there are the bridge's own. " +
    'The fake model runs in a third process; the HTTP client and the bare JSON-RPC baseline client run in the benchmark process.',
  'Bridge settings: production defaults (LOG_LEVEL=info to /dev/null, no response validation), ALLOW_USER_ID_OVERRIDE=true, ' +
    'MAX_SESSIONS=64, MAX_STREAMS_PER_USER=64; codex gets the same -c provider arguments (retries 0) on both sides.',
  'Baseline client: spawns the same codex binary with the same arguments and CODEX_HOME login, then thread/start + ' +
    'turn/start and waits for turn/completed; it JSON.parses every line and routes by threadId, nothing more.',
  'Bridge CPU: process.cpuUsage() of the bridge process over each run, minus its idle rate over the same wall time; ' +
    "baseline CPU: process.cpuUsage() of the benchmark process over the bare client's runs.",
  'Ratios compare runs interleaved A B A B in the same process and minute; absolute times depend on the machine ' +
    'and on whatever else it runs.',
];

export async function runBench(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.compare) {
    printComparison(...options.compare);
    return 0;
  }
  const plan = planFor(options.quick);
  const log = createLogger();
  const startedAt = performance.now();
  const wants = (section: Section): boolean => options.sections.has(section);
  const errors: string[] = [];

  log(`mode ${options.quick ? 'quick' : 'full'}; sections ${[...options.sections].join(', ')}`);
  const resources = await BenchResources.create(!options.realHome);
  let closing: Promise<void> | undefined;
  const closeAll = (): Promise<void> => (closing ??= resources.close());
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping every process and removing temporary folders`);
    void closeAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    durationSeconds: 0,
    machine: machineFacts(resources.codexVersion, resources.codex.file),
    notes: [
      ...NOTES,
      options.realHome
        ? 'codex ran with the real HOME: its login-shell snapshot at every thread/start sources ~/.bashrc.'
        : 'codex (bridge and baseline alike) ran with HOME set to an empty folder: at every thread/start codex takes a ' +
          'login-shell snapshot (bash -lc, sourcing ~/.bashrc), which on a developer machine can be dozens of processes ' +
          '(pyenv init here); a service account has no such ~/.bashrc. --real-home keeps the real one.',
    ],
    sectionLoad: {},
    targets: [],
    errors,
  };
  const ctx: BenchContext = { resources, options, plan, log };
  const section = async (name: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      const message = `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      errors.push(message);
      log(`FAILED ${message}`);
    } finally {
      const load = os.loadavg().map((value) => Number(value.toFixed(2)));
      if (results.sectionLoad) results.sectionLoad[name] = load;
      log(`${name} done; load average ${load.join(' ')}`);
    }
  };

  let profileFile: string | undefined;
  try {
    if (wants('turns') || wants('latency') || wants('throughput') || wants('concurrency')) {
      if (options.profileDir) fs.mkdirSync(options.profileDir, { recursive: true });
      const bridge: BridgeHost = await resources.startBridge({ name: 'bridge', cpuProfileDir: options.profileDir });
      log(`bridge listening on ${bridge.info.url} (pid ${bridge.pid}), fake model on ${resources.fakeUrl}`);
      const idleUsPerSecond = await idleCpuRate(bridge);
      log(`bridge idle CPU: ${idleUsPerSecond.toFixed(0)} us/s`);
      if (wants('turns') || wants('latency') || wants('throughput')) {
        let raw: RawAppServer | undefined;
        try {
          raw = await resources.startRaw();
          const started = raw;
          if (wants('turns'))
            await section(
              'turns',
              async () => void (results.turnCpu = await runTurnCpu(ctx, bridge, started, idleUsPerSecond)),
            );
          if (wants('latency'))
            await section(
              'latency',
              async () => void (results.latency = await runLatency(ctx, bridge, started, idleUsPerSecond)),
            );
          if (wants('throughput'))
            await section(
              'throughput',
              async () => void (results.throughput = await runParallel(ctx, bridge, started, idleUsPerSecond)),
            );
        } finally {
          if (raw) await resources.stopRaw(raw);
        }
      }
      if (wants('concurrency')) {
        let canary: CanaryHost | undefined;
        await section('concurrency', async () => {
          canary = await resources.startCanary();
          const started = canary;
          results.concurrency = await runConcurrency(ctx, bridge, async (users) =>
            section('stalls', async () => void (results.stalls = await runStalls(ctx, bridge, started, users))),
          );
        });
        if (canary) await resources.stopHost(canary);
      }
      log(`bridge CPU total: ${((await bridgeCpuUs(bridge)) / 1e6).toFixed(1)} s`);
      await resources.stopHost(bridge);
      if (options.profileDir) profileFile = findProfile(options.profileDir, bridge.pid);
    }
    if (wants('memory')) await section('memory', async () => void (results.memory = await runMemory(ctx)));
    if (wants('auth')) await section('auth', async () => void (results.auth = await runAuth(ctx)));
    if (wants('limits')) results.limits = await runLimits(ctx, section);
    if (wants('isolation'))
      await section('isolation', async () => void (results.isolation = await runIsolation(ctx)));
  } finally {
    await closeAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  results.durationSeconds = (performance.now() - startedAt) / 1000;
  results.machine.loadAverageAtEnd = os.loadavg().map((value) => Number(value.toFixed(2)));
  if (options.profileDir)
    results.notes.push(
      "--profile: the V8 profiler's own sampling runs in the bridge process (60-80 ms of CPU per second here), so this " +
        "run's CPU figures are not comparable with unprofiled runs; use the profile for where the time goes.",
    );
  results.targets = checkTargets(results);
  results.figures = collectFigures(results);
  if (profileFile) {
    try {
      results.profile = summarizeProfile(profileFile);
    } catch (error) {
      errors.push(`profile: ${(error as Error).message}`);
    }
  }
  printResults(results);
  if (results.limits) printLimits(results.limits);
  if (results.isolation) printIsolation(results.isolation);
  if (results.profile) printProfile(results.profile);
  else if (options.profileDir) console.log(`\nno CPU profile found in ${options.profileDir}`);
  fs.writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${options.out}`);
  return errors.length > 0 ? 1 : 0;
}

if (require.main === module) {
  runBench(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
