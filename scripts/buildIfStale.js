// Builds dist/ (npm run build) when it is missing or older than the sources: shared by `npm start`
// (scripts/start.js) and the benchmark, which runs the same compiled service.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'main.js');

function newestMtime(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

function isStale() {
  if (!fs.existsSync(entry)) return true;
  const built = fs.statSync(entry).mtimeMs;
  const sources = ['src', 'generated', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((name) => path.join(root, name));
  return sources.some((source) => fs.existsSync(source) && newestMtime(source) > built);
}

/** Returns the compiled entry point; exits the process when the build is impossible or fails. */
function buildIfStale() {
  if (!isStale()) return entry;
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    console.error('dist/ is missing or out of date and TypeScript is not installed: run `npm ci && npm run build` first');
    process.exit(1);
  }
  console.error('building the service (npm run build)...');
  const build = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
  fs.utimesSync(entry, new Date(), new Date());
  return entry;
}

module.exports = { buildIfStale, entry };

if (require.main === module) buildIfStale();
