import { z } from 'zod';

/** The fields of app-server's `model/list` the bridge reads (codex 0.169 `ModelListResponse`). */
export const codexModel = z
  .object({
    id: z.string().min(1),
    model: z.string().min(1),
    displayName: z.string().default(''),
    description: z.string().default(''),
    hidden: z.boolean().default(false),
    isDefault: z.boolean().default(false),
  })
  .loose();

export const modelListResult = z.object({
  data: z.array(codexModel),
  nextCursor: z.string().nullable().optional(),
});

export type CodexModel = z.infer<typeof codexModel>;

/** Codex pages its catalogue; a bound keeps a misbehaving cursor from looping forever. */
export const MAX_MODEL_PAGES = 20;
