// Builds dist/ (npm run build: the service, then the web console) when it is missing or older than the
// sources: shared by `npm start` (scripts/start.js) and the benchmark, which runs the same compiled service.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'main.js');
const consoleIndex = path.join(root, 'dist', 'console', 'index.html');
const serviceSources = ['src', 'generated', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
// The web console bundles the SDK (src/sdk) and the generated types with its own sources.
const consoleSources = ['console', 'src/sdk', 'generated', 'package.json'];

function newestMtime(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

function isStale(output, sourceNames) {
  if (!fs.existsSync(output)) return true;
  const built = fs.statSync(output).mtimeMs;
  return sourceNames.map((name) => path.join(root, name)).some((source) => fs.existsSync(source) && newestMtime(source) > built);
}

function buildConsoleIfStale() {
  if (!fs.existsSync(path.join(root, 'console')) || !isStale(consoleIndex, consoleSources)) return;
  let vite;
  try {
    // Vite's exports map hides bin/, its package.json is exported.
    vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [root] })), 'bin', 'vite.js');
  } catch {
    console.error('dist/console is missing or out of date and Vite is not installed: run `npm ci && npm run build` first');
    process.exit(1);
  }
  console.error('building the web console (npm run build:console)...');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', path.join(root, 'console', 'vite.config.mts')], {
    stdio: 'inherit',
    cwd: root,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** Returns the compiled entry point; exits the process when the build is impossible or fails. */
function buildIfStale() {
  buildConsoleIfStale();
  if (!isStale(entry, serviceSources)) return entry;
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
