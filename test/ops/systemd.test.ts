import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { onPath } from './freePort';

/* deploy/systemd/codex-bridge.service: valid for systemd, and stopping gives the bridge its grace. */

const root = path.resolve(__dirname, '../..');
const unitPath = path.join(root, 'deploy/systemd/codex-bridge.service');
const unit = fs.readFileSync(unitPath, 'utf8');

function directives(name: string): string[] {
  return [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((match) => match[1]!.trim());
}

function seconds(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min)?$/.exec(value);
  if (!match) throw new Error(`cannot read the duration ${value}`);
  const factor = { ms: 0.001, s: 1, min: 60 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * factor;
}

const verifiable = onPath('systemd-analyze');
(verifiable || process.env.CI === 'true' ? it : it.skip)('passes systemd-analyze verify without a warning', () => {
  const result = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
  // Unknown or misspelt keys are only warnings (exit code 0): any output at all is a defect.
  expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
    status: 0,
    output: '',
  });
});

it('stops with SIGTERM and waits longer than the bridge drains', () => {
  expect(directives('KillSignal')).toEqual(['SIGTERM']);
  const grace = Number(/SHUTDOWN_GRACE_SECONDS=(\d+)/.exec(unit)?.[1]);
  // The bridge takes the grace, then interrupts turns and stops codex (up to 2 s + 2 s per process group).
  expect(seconds(directives('TimeoutStopSec')[0] ?? '0')).toBeGreaterThan(grace + 5);
  expect(directives('ExecStart')).toEqual(['/usr/bin/node dist/src/main.js']);
});

it('keeps the hardening options that would break bubblewrap out', () => {
  for (const breaking of [
    'RestrictNamespaces',
    'PrivateUsers',
    'NoNewPrivileges',
    'SystemCallFilter',
    'ProtectProc',
    'MemoryDenyWriteExecute',
  ]) {
    expect({ breaking, set: directives(breaking) }).toEqual({ breaking, set: [] });
  }
  expect(directives('CapabilityBoundingSet').join(' ')).toContain('CAP_SYS_ADMIN');
});
