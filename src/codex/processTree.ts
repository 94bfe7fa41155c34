import fs from 'node:fs';

/* Linux /proc helpers: used to end the commands of an interrupted turn, which codex leaves running. */

/** Children of every live process, from one pass over /proc. */
function childrenByParent(): Map<number, number[]> {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses; fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      const children = parents.get(parent) ?? [];
      children.push(Number(entry));
      parents.set(parent, children);
    } catch {
      // The process ended while we read.
    }
  }
  return parents;
}

function descendantsIn(parents: Map<number, number[]>, pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Every live descendant of `pid` (children, grandchildren...), read from /proc. */
export function descendantsOf(pid: number): number[] {
  return descendantsIn(childrenByParent(), pid);
}

export function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Sends SIGKILL to a process and everything below it; children first is not needed with SIGKILL. */
export function killTree(pid: number): void {
  for (const target of [pid, ...descendantsOf(pid)]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** What codex reports (`/usr/bin/bash -lc 'sleep 30'`) in the forms /proc may show it, without quotes. */
function commandForms(command: string): string[] {
  const plain = command.replace(/'/g, '').trim();
  const script = /\s-l?c\s+(.+)$/s.exec(plain)?.[1]?.trim();
  return script && script !== plain ? [plain, script] : [plain];
}

/**
 * Ends the process trees below `rootPid` that run one of `commands`. Codex reports a command
 * shell-quoted (`/bin/bash -lc 'sleep 30'`); /proc has it as plain argv at the end of the sandbox
 * wrapper's command line, or inside a shell-snapshot wrapper (`exec '/usr/bin/bash' -c 'sleep 30'`).
 * Only whole command trees are ended (the outermost matching process), never codex itself.
 * Returns the pids it ended. Linux only; elsewhere it ends nothing.
 */
export function endCommands(rootPid: number, commands: string[]): number[] {
  if (process.platform !== 'linux' || commands.length === 0) return [];
  const wanted = commands.flatMap(commandForms);
  const ended: number[] = [];
  const covered = new Set<number>();
  for (const candidate of descendantsOf(rootPid)) {
    if (covered.has(candidate)) continue;
    const commandLine = commandLineOf(candidate).replace(/'/g, '').trim();
    if (/\sapp-server(\s|$)/.test(commandLine)) continue;
    if (!wanted.some((command) => commandLine.endsWith(command))) continue;
    for (const below of descendantsOf(candidate)) covered.add(below);
    killTree(candidate);
    ended.push(candidate);
  }
  return ended;
}

/** VmRSS of one process from /proc/<pid>/status, in bytes; undefined where /proc does not tell. */
function rssOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined; // Ended while we read.
  }
}

/**
 * Memory checks run at every request (recycling) and every scrape (metrics); one pass over /proc reads
 * every process's stat file on the machine, 1-20 ms on a busy host. A map at most this old serves them:
 * a memory figure may miss a command started since, not the session itself (a root the map does not
 * know makes a new one), and the sizes of the tree's members are still read fresh. Ending commands
 * always reads /proc anew.
 */
const PARENT_MAP_MAX_AGE_MS = 10_000;
let recentParents: { at: number; parents: Map<number, number[]>; known: Set<number> } | undefined;

function recentChildrenByParent(roots: number[]): Map<number, number[]> {
  const now = performance.now();
  const fresh = recentParents && now - recentParents.at <= PARENT_MAP_MAX_AGE_MS ? recentParents : undefined;
  if (fresh && roots.every((root) => fresh.known.has(root))) return fresh.parents;
  const parents = childrenByParent();
  recentParents = { at: now, parents, known: new Set([...parents.values()].flat()) };
  return parents;
}

/**
 * Resident memory of each root and everything below it (a session's pid may be the jail's outer
 * process, with codex, its helpers and commands inside), from one pass over /proc for all of them.
 */
export function treeResidentBytes(roots: number[]): Map<number, number> {
  const result = new Map<number, number>();
  if (roots.length === 0) return result;
  const parents = recentChildrenByParent(roots);
  for (const root of roots) {
    const sizes = [root, ...descendantsIn(parents, root)].map(rssOf).filter((size) => size !== undefined);
    result.set(root, sizes.reduce((total, size) => total + size, 0));
  }
  return result;
}

/** The same for one process tree; undefined when the process is gone. */
export function residentBytes(pid: number): number | undefined {
  return rssOf(pid) === undefined ? undefined : treeResidentBytes([pid]).get(pid);
}
