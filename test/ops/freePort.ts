import fs from 'node:fs';
import net from 'node:net';

/** A loopback port nothing listens on right now (the kernel's pick), for a child process to bind. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** True when `command` is on PATH. */
export function onPath(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/sbin');
  return dirs.some((dir) => {
    try {
      fs.accessSync(`${dir}/${command}`, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
