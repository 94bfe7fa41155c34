/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and tells where the time went: self time by function,
 * inclusive time by function (recursion counted once), and self time by package.
 *
 *   npx tsx scripts/bench/profile.ts FILE.cpuprofile [TOP]
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Time not idle: everything but the (idle) pseudo-node. */
  busyMs: number;
  selfByFunction: ProfileEntry[];
  inclusiveByFunction: ProfileEntry[];
  selfByPackage: ProfileEntry[];
}

const REPO_ROOT = path.resolve(__dirname, '../..');

function shortUrl(url: string): string {
  const plain = url.replace(/^file:\/\//, '');
  return plain.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, plain) : plain;
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function packageKey(frame: CallFrame): string {
  const url = shortUrl(frame.url);
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return 'node: internals';
  if (url.startsWith('src/')) return url;
  return url.split('/').slice(0, 2).join('/');
}

function top(map: Map<string, number>, totalMs: number, count: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / totalMs }));
}

export function summarizeProfile(file: string, count = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const totalMs = (profile.endTime - profile.startTime) / 1000;

  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    if (ms === 0) continue;
    if (node.callFrame.functionName === '(idle)') idleMs += ms;
    selfByFunction.set(functionKey(node.callFrame), (selfByFunction.get(functionKey(node.callFrame)) ?? 0) + ms);
    selfByPackage.set(packageKey(node.callFrame), (selfByPackage.get(packageKey(node.callFrame)) ?? 0) + ms);
  }

  // Inclusive time: each node's subtree, credited to every function on the path once.
  const inclusive = new Map<string, number>();
  const subtreeMs = new Map<number, number>();
  const computeSubtree = (root: ProfileNode): number => {
    // Iterative post-order so that deep stacks cannot overflow ours.
    const stack: Array<{ node: ProfileNode; visited: boolean }> = [{ node: root, visited: false }];
    while (stack.length > 0) {
      const entry = stack.pop();
      if (!entry) break;
      if (entry.visited) {
        let sum = (selfUs.get(entry.node.id) ?? 0) / 1000;
        for (const child of entry.node.children ?? []) sum += subtreeMs.get(child) ?? 0;
        subtreeMs.set(entry.node.id, sum);
      } else {
        stack.push({ node: entry.node, visited: true });
        for (const child of entry.node.children ?? []) {
          const childNode = byId.get(child);
          if (childNode) stack.push({ node: childNode, visited: false });
        }
      }
    }
    return subtreeMs.get(root.id) ?? 0;
  };
  const rootNode = profile.nodes[0];
  if (rootNode) computeSubtree(rootNode);
  const walk: Array<{ node: ProfileNode; onPath: Set<string> }> = rootNode
    ? [{ node: rootNode, onPath: new Set() }]
    : [];
  while (walk.length > 0) {
    const entry = walk.pop();
    if (!entry) break;
    const key = functionKey(entry.node.callFrame);
    let onPath = entry.onPath;
    if (!onPath.has(key)) {
      inclusive.set(key, (inclusive.get(key) ?? 0) + (subtreeMs.get(entry.node.id) ?? 0));
      onPath = new Set(onPath).add(key);
    }
    for (const child of entry.node.children ?? []) {
      const childNode = byId.get(child);
      if (childNode) walk.push({ node: childNode, onPath });
    }
  }
  for (const pseudo of ['(root)', '(program)', '(idle)']) inclusive.delete(pseudo);

  return {
    file,
    totalMs,
    busyMs: totalMs - idleMs,
    selfByFunction: top(selfByFunction, totalMs, count),
    inclusiveByFunction: top(inclusive, totalMs, count),
    selfByPackage: top(selfByPackage, totalMs, count),
  };
}

export function printProfile(summary: ProfileSummary): void {
  const line = (entry: ProfileEntry): string =>
    `  ${entry.ms.toFixed(0).padStart(8)} ms ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}`;
  console.log(`\nCPU profile of the bridge process: ${summary.file}`);
  console.log(`  ${summary.totalMs.toFixed(0)} ms profiled, ${summary.busyMs.toFixed(0)} ms not idle`);
  console.log('Self time by package:');
  summary.selfByPackage.forEach((entry) => console.log(line(entry)));
  console.log('Self time by function:');
  summary.selfByFunction.forEach((entry) => console.log(line(entry)));
  console.log('Inclusive time by function:');
  summary.inclusiveByFunction.forEach((entry) => console.log(line(entry)));
}

/** The newest .cpuprofile written by process `pid` in `dir`. */
export function findProfile(dir: string, pid: number): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  return (
    fs
      .readdirSync(dir)
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx adds a loader worker).
      .filter((name) => name.endsWith('.cpuprofile') && name.includes(`.${pid}.0.`))
      .map((name) => path.join(dir, name))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]
  );
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx scripts/bench/profile.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  printProfile(summarizeProfile(file, Number(process.argv[3] ?? 25)));
}
