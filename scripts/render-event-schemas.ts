/** Prints the SSE event and item schemas as OpenAPI 3.1 components, for pasting into openapi.yaml. */
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import YAML from 'yaml';
import { bridgeEventComponents } from '../src/codex/bridgeEvents';

export function renderEventComponents(): Record<string, unknown> {
  const definitions = bridgeEventComponents.map((schema) => ({ type: 'schema' as const, schema }));
  const components = new OpenApiGeneratorV31(definitions).generateComponents();
  return (components.components?.schemas ?? {}) as Record<string, unknown>;
}

if (require.main === module) {
  process.stdout.write(YAML.stringify(renderEventComponents(), { lineWidth: 0 }));
}
