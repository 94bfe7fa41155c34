import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A root bridge runs each user's jail as a uid of their own, from ISOLATION_UID_BASE on. The owner
 * of the user's CODEX_HOME is the record of which uid is theirs: only root can change it.
 */
export class TenantUids {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly usersDir: string,
    private readonly base: number,
    private readonly count: number,
  ) {}

  inRange(uid: number): boolean {
    return uid >= this.base && uid < this.base + this.count;
  }

  /** Serialised, so that two users starting at once never get the same uid. */
  uidFor(codexHome: string): Promise<number> {
    const next = this.queue.then(() => this.allocate(codexHome));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async allocate(codexHome: string): Promise<number> {
    const own = await fs.stat(codexHome).catch(() => undefined);
    const used = await this.usedUids(codexHome);
    if (own && this.inRange(own.uid) && !used.has(own.uid)) return own.uid;
    for (let uid = this.base; uid < this.base + this.count; uid++) if (!used.has(uid)) return uid;
    throw new Error(`every uid of ISOLATION_UID_BASE..+ISOLATION_UID_COUNT (${this.base}+${this.count}) is taken`);
  }

  private async usedUids(except: string): Promise<Set<number>> {
    const used = new Set<number>();
    const users = await fs.readdir(this.usersDir).catch(() => [] as string[]);
    for (const user of users) {
      const home = path.join(this.usersDir, user, 'codex');
      if (home === except) continue;
      const stat = await fs.stat(home).catch(() => undefined);
      if (stat && this.inRange(stat.uid)) used.add(stat.uid);
    }
    return used;
  }
}
