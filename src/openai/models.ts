import type { CodexModel } from '../codex/modelList';
import type { OpenAiModel } from './types';

/**
 * Codex's catalogue as OpenAI model objects, the configured default (CODEX_MODEL) first. A default
 * codex does not list (a custom provider's model) is listed anyway: it is what turns use.
 */
export function openAiModels(
  catalogue: CodexModel[],
  configuredDefault: string | undefined,
  created: number,
): OpenAiModel[] {
  const models: OpenAiModel[] = catalogue.map((model) => ({
    id: model.id,
    object: 'model',
    created,
    owned_by: 'openai',
    display_name: model.displayName || model.id,
    description: model.description,
    is_default: configuredDefault ? model.id === configuredDefault : model.isDefault,
  }));
  if (!configuredDefault) return models;
  const index = models.findIndex((model) => model.id === configuredDefault);
  const configured: OpenAiModel =
    index >= 0
      ? (models.splice(index, 1)[0] as OpenAiModel)
      : {
          id: configuredDefault,
          object: 'model',
          created,
          owned_by: 'codex-api-bridge',
          display_name: configuredDefault,
          description: "The bridge's configured default model (CODEX_MODEL).",
          is_default: true,
        };
  return [configured, ...models];
}
