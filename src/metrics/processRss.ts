import fs from 'node:fs';

/* Read at scrape time from /proc (Linux); elsewhere every figure is 0. */

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Parent of every process, from one pass over /proc, so several trees cost one scan. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses; the fields after the last ')' are fixed.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // Ended while we read.
    }
  }
  return children;
}

/** Resident memory of each root and everything below it (a jail's outer process, codex, its commands). */
export function treeRssBytes(roots: number[]): Map<number, number> {
  const result = new Map<number, number>();
  if (roots.length === 0) return result;
  const children = childrenByParent();
  for (const root of roots) {
    let total = 0;
    const queue = [root];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      if (seen.has(pid)) continue;
      seen.add(pid);
      total += rssBytes(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    result.set(root, total);
  }
  return result;
}
