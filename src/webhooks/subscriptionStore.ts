import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeAtomically } from '../codex/usageStore';
import { userEventTypeSchema } from '../codex/userEvents';

/*
 * A user's webhook subscriptions, in the bridge's own records (users/<dir>/bridge/webhooks.json, outside
 * every jail, mode 0600: it holds the signing secrets). What is read back is checked; a file that fails its
 * schema is an error, never data.
 */

export const subscriptionSchema = z.object({
  id: z.string().regex(/^wh_[A-Za-z0-9_-]+$/),
  url: z.url(),
  events: z.array(userEventTypeSchema).min(1),
  description: z.string().nullable(),
  secret: z.string().startsWith('whsec_'),
  created_at: z.string(),
});

const fileSchema = z.object({ version: z.literal(1), subscriptions: z.array(subscriptionSchema) });

export type Subscription = z.infer<typeof subscriptionSchema>;

export class SubscriptionFileError extends Error {
  constructor(file: string, cause: string) {
    super(`the webhook records ${file} cannot be read: ${cause}`);
    this.name = 'SubscriptionFileError';
  }
}

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export class SubscriptionStore {
  private readonly file: string;
  private subscriptions: Subscription[] | undefined;
  /** Changes in order: two concurrent POSTs both end up in the file. */
  private writes: Promise<void> = Promise.resolve();

  constructor(records: string) {
    this.file = path.join(records, 'webhooks.json');
  }

  async list(): Promise<Subscription[]> {
    await this.writes;
    this.subscriptions ??= await this.read();
    return this.subscriptions;
  }

  add(fields: Pick<Subscription, 'url' | 'events' | 'description'>, max: number): Promise<Subscription | undefined> {
    return this.change(async (current) => {
      if (current.length >= max) return { next: current, result: undefined };
      const subscription: Subscription = {
        id: `wh_${randomUUID().replaceAll('-', '')}`,
        ...fields,
        secret: newSecret(),
        created_at: new Date().toISOString(),
      };
      return { next: [...current, subscription], result: subscription };
    });
  }

  remove(id: string): Promise<boolean> {
    return this.change(async (current) => {
      const next = current.filter((subscription) => subscription.id !== id);
      return { next, result: next.length !== current.length };
    });
  }

  private change<T>(apply: (current: Subscription[]) => Promise<{ next: Subscription[]; result: T }>): Promise<T> {
    const run = this.writes.then(async () => {
      const current = (this.subscriptions ??= await this.read());
      const { next, result } = await apply(current);
      if (next !== current) {
        await writeAtomically(this.file, JSON.stringify({ version: 1, subscriptions: next }));
        this.subscriptions = next;
      }
      return result;
    });
    this.writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async read(): Promise<Subscription[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SubscriptionFileError(this.file, (error as NodeJS.ErrnoException).code ?? 'unreadable');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SubscriptionFileError(this.file, 'not JSON');
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new SubscriptionFileError(this.file, parsed.error.issues[0]?.message ?? 'invalid');
    return parsed.data.subscriptions;
  }
}
