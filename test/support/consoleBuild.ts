import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/* The web console's bundle (dist/console), built by Vite as `npm run build:console` does when it is older than its sources. */

const ROOT = path.resolve(__dirname, '..', '..');
const INDEX = path.join(ROOT, 'dist', 'console', 'index.html');
const SOURCES = ['console', 'src/sdk', 'generated'].map((name) => path.join(ROOT, name));

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

export function ensureConsoleBuilt(): void {
  if (fs.existsSync(INDEX) && SOURCES.every((source) => newestMtime(source) <= fs.statSync(INDEX).mtimeMs)) return;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', path.join(ROOT, 'console', 'vite.config.mts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`the console did not build:\n${build.stdout}\n${build.stderr}`);
}
