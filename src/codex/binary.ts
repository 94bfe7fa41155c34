import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CodexCommand {
  /** What to exec: the native binary, or `node` for the npm wrapper. */
  file: string;
  /** Arguments before `app-server` (the wrapper script's path when going through node). */
  prefixArgs: string[];
  source: 'CODEX_BINARY_PATH' | 'npm native binary' | 'npm wrapper' | 'PATH';
}

export interface CodexBinaryInfo {
  command: CodexCommand | undefined;
  version: string | undefined;
  /** Why no usable binary was found, for the start-up log and /status. */
  problem: string | undefined;
}

const TARGET_TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
  'win32-arm64': 'aarch64-pc-windows-msvc',
};

/**
 * The native binary ships in @openai/codex's platform package. Spawning it directly saves the
 * Node wrapper's ~43 MiB and ~100 ms per session, so it is preferred over bin/codex.js.
 */
function findNpmNativeBinary(): string | undefined {
  const platform = `${process.platform}-${process.arch}`;
  const triple = TARGET_TRIPLES[platform];
  if (!triple) return undefined;
  try {
    const packageJson = require.resolve(`@openai/codex-${platform}/package.json`);
    const executable = process.platform === 'win32' ? 'codex.exe' : 'codex';
    const candidate = path.join(path.dirname(packageJson), 'vendor', triple, 'bin', executable);
    return isExecutable(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function findNpmWrapper(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve('@openai/codex/package.json')), 'bin', 'codex.js');
  } catch {
    return undefined;
  }
}

function findOnPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function locateCodex(configuredPath: string | undefined): { command?: CodexCommand; problem?: string } {
  if (configuredPath) {
    return isExecutable(configuredPath)
      ? { command: { file: configuredPath, prefixArgs: [], source: 'CODEX_BINARY_PATH' } }
      : { problem: `CODEX_BINARY_PATH=${configuredPath} is not an executable file` };
  }
  const native = findNpmNativeBinary();
  if (native) return { command: { file: native, prefixArgs: [], source: 'npm native binary' } };
  const wrapper = findNpmWrapper();
  if (wrapper && fs.existsSync(wrapper)) {
    return { command: { file: process.execPath, prefixArgs: [wrapper], source: 'npm wrapper' } };
  }
  const onPath = findOnPath(process.platform === 'win32' ? 'codex.exe' : 'codex');
  if (onPath) return { command: { file: onPath, prefixArgs: [], source: 'PATH' } };
  return {
    problem:
      'no codex binary found: install dependencies (`npm ci` brings @openai/codex), set CODEX_BINARY_PATH, or put `codex` on PATH',
  };
}

/** Finds the binary and reads its version once; the result is cached by the caller for the process's life. */
export async function probeCodex(configuredPath: string | undefined): Promise<CodexBinaryInfo> {
  const { command, problem } = locateCodex(configuredPath);
  if (!command) return { command: undefined, version: undefined, problem };
  try {
    const { stdout } = await execFileAsync(command.file, [...command.prefixArgs, '--version'], { timeout: 15_000 });
    return { command, version: stdout.trim() || undefined, problem: undefined };
  } catch (error) {
    return {
      command: undefined,
      version: undefined,
      problem: `${command.file} (${command.source}) does not run: ${(error as Error).message}`,
    };
  }
}
