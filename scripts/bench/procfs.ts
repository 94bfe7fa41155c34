/* Linux /proc readers for the memory figures. */
import fs from 'node:fs';

/** A field of /proc/<pid>/status in KiB (VmRSS by default); 0 when the process is gone. */
export function statusKiB(pid: number, field = 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size: shared pages (the codex binary's code) divided among the processes mapping them. */
export function pssKiB(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function commandName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** Children of every process, from one pass over /proc. */
function childrenMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // Gone while we read.
    }
  }
  return children;
}

export interface ProcessTree {
  root: number;
  rootName: string;
  pids: number[];
  rssKiB: number;
  pssKiB: number;
  rootRssKiB: number;
  rootPssKiB: number;
}

function treeFrom(root: number, children: Map<number, number[]>): ProcessTree {
  const pids: number[] = [root];
  for (let i = 0; i < pids.length && i < 10_000; i++) pids.push(...(children.get(pids[i] ?? -1) ?? []));
  return {
    root,
    rootName: commandName(root),
    pids,
    rssKiB: pids.reduce((sum, pid) => sum + statusKiB(pid), 0),
    pssKiB: pids.reduce((sum, pid) => sum + pssKiB(pid), 0),
    rootRssKiB: statusKiB(root),
    rootPssKiB: pssKiB(root),
  };
}

/** One tree per direct child of `parent` (the bridge's codex app-servers with their helpers). */
export function childTrees(parent: number): ProcessTree[] {
  const children = childrenMap();
  return (children.get(parent) ?? []).map((child) => treeFrom(child, children));
}

export function treesOf(roots: number[]): ProcessTree[] {
  const children = childrenMap();
  return roots.map((root) => treeFrom(root, children));
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) of one process, from /proc/<pid>/stat; 0 when it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU time (ms) of every process below `parent` (not `parent` itself), live ones only. */
export function descendantsCpuMs(parent: number): number {
  return childTrees(parent).reduce((sum, tree) => sum + tree.pids.reduce((total, pid) => total + cpuMsOf(pid), 0), 0);
}
