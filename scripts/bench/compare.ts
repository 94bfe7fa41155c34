/**
 * `npm run bench -- --compare a.json b.json`: two result files side by side, figure by figure (b / a),
 * and their target verdicts; each side's commit, cores and load are printed, since a ratio between runs
 * on a loaded machine is only as good as the loads were alike.
 */
import fs from 'node:fs';
import { collectFigures, type Figure } from './figures';
import type { BenchResults } from './report';
import { fmt } from './stats';

function load(file: string): BenchResults {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
}

const loadOf = (figure: Figure | undefined): string =>
  figure?.loadAverage?.map((value) => fmt(value, 1)).join(' ') ?? '';

export function printComparison(fileA: string, fileB: string): void {
  const a = load(fileA);
  const b = load(fileB);
  for (const [label, file, results] of [
    ['a', fileA, a],
    ['b', fileB, b],
  ] as const) {
    console.log(
      `${label}: ${file}: ${results.mode} run ${results.startedAt}, commit ${results.machine.gitCommit ?? '?'}, ` +
        `${results.machine.nproc} cores, load ${results.machine.loadAverageAtStart.join(' ')} -> ${results.machine.loadAverageAtEnd.join(' ')}`,
    );
  }
  const figuresA = new Map(collectFigures(a).map((figure) => [figure.name, figure]));
  const rows = collectFigures(b)
    .filter((figure) => figuresA.has(figure.name))
    .map((figure) => {
      const before = figuresA.get(figure.name);
      const value = (item: Figure | undefined): string =>
        item ? `${fmt(item.bridge, 2)}${item.ratio === undefined ? '' : ` (x${fmt(item.ratio, 3)})`}` : '';
      return [
        `${figure.name} (${figure.unit})`,
        value(before),
        value(figure),
        fmt(before ? figure.bridge / before.bridge : Number.NaN, 3),
        before?.ratio !== undefined && figure.ratio !== undefined ? fmt(figure.ratio / before.ratio, 3) : '',
        `${loadOf(before)} / ${loadOf(figure)}`,
      ];
    });
  const header = ['Figure', 'a: bridge (x baseline)', 'b: bridge (x baseline)', 'b/a', 'b/a of x', 'load a / b'];
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: string[]): string =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(`\n${render(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  rows.forEach((row) => console.log(render(row)));

  const verdictsA = new Map(a.targets.map((check) => [check.name, check]));
  console.log('\nTargets (a -> b)');
  for (const check of b.targets) {
    const before = verdictsA.get(check.name);
    const verdict = (pass: boolean | undefined): string => (pass === undefined ? '-' : pass ? 'PASS' : 'MISS');
    console.log(
      `  ${check.name} (${check.target}): ${before?.value ?? '-'} ${verdict(before?.pass)} -> ${check.value} ${verdict(check.pass)}`,
    );
  }
}
