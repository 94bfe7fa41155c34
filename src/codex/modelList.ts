import { z } from 'zod';
import type { components } from '../../generated/api';
import { ValidationError } from '../errors';

/** The fields of app-server's `model/list` the bridge reads (codex 0.171 `ModelListResponse`). */
export const codexModel = z
  .object({
    id: z.string().min(1),
    model: z.string().min(1),
    displayName: z.string().default(''),
    description: z.string().default(''),
    hidden: z.boolean().default(false),
    isDefault: z.boolean().default(false),
    supportedReasoningEfforts: z
      .array(z.object({ reasoningEffort: z.string().min(1), description: z.string().default('') }).loose())
      .optional(),
    defaultReasoningEffort: z.string().nullable().optional(),
    inputModalities: z.array(z.string()).optional(),
  })
  .loose();

export const modelListResult = z.object({
  data: z.array(codexModel),
  nextCursor: z.string().nullable().optional(),
});

export type CodexModel = z.infer<typeof codexModel>;
type ModelCatalogue = components['schemas']['ModelCatalogue'];
type CatalogueModel = components['schemas']['CodexModel'];

/** Codex pages its catalogue; a bound keeps a misbehaving cursor from looping forever. */
export const MAX_MODEL_PAGES = 20;

/**
 * Codex's catalogue in the bridge's words. The operator's CODEX_MODEL comes first and is the default, listed
 * also when codex does not know it (a custom provider's model): its efforts are then unknown (empty).
 */
export function modelCatalogue(models: CodexModel[], configuredDefault: string | undefined): ModelCatalogue {
  const listed: CatalogueModel[] = models.map((model) => ({
    id: model.id,
    display_name: model.displayName || model.id,
    description: model.description,
    is_default: configuredDefault ? model.id === configuredDefault : model.isDefault,
    default_effort: model.defaultReasoningEffort ?? null,
    efforts: (model.supportedReasoningEfforts ?? []).map((option) => ({
      effort: option.reasoningEffort,
      description: option.description,
    })),
    // Codex's own default when it does not say.
    input_modalities: model.inputModalities ?? ['text', 'image'],
  }));
  if (!configuredDefault) return { default_model: listed.find((model) => model.is_default)?.id ?? null, models: listed };
  const index = listed.findIndex((model) => model.id === configuredDefault);
  const configured: CatalogueModel =
    index >= 0
      ? (listed.splice(index, 1)[0] as CatalogueModel)
      : {
          id: configuredDefault,
          display_name: configuredDefault,
          description: "The bridge's configured default model (CODEX_MODEL).",
          is_default: true,
          default_effort: null,
          efforts: [],
          input_modalities: ['text', 'image'],
        };
  return { default_model: configuredDefault, models: [configured, ...listed] };
}

/**
 * `model` must be one the catalogue lists; `effort` one the turn's model supports (the named model, else the
 * default). A model whose efforts are unknown (empty) takes any effort: codex and the provider decide.
 */
export function assertModelChoice(catalogue: ModelCatalogue, choice: { model?: string | undefined; effort?: string | undefined }): void {
  const named = choice.model ?? catalogue.default_model ?? undefined;
  const model = catalogue.models.find((entry) => entry.id === named);
  if (choice.model !== undefined && !model) {
    const known = catalogue.models.map((entry) => entry.id);
    throw new ValidationError(`model '${choice.model}' is not one codex offers (GET /models)`, [
      { field: '/body/model', message: `must be one of ${known.join(', ') || '(none listed)'}` },
    ]);
  }
  if (choice.effort === undefined || !model || model.efforts.length === 0) return;
  const efforts = model.efforts.map((entry) => entry.effort);
  if (!efforts.includes(choice.effort))
    throw new ValidationError(`model '${model.id}' does not support the reasoning effort '${choice.effort}'`, [
      { field: '/body/effort', message: `must be one of ${efforts.join(', ')} for model '${model.id}'` },
    ]);
}
