/**
 * Renders the SSE event and item schemas (src/codex/bridgeEvents.ts, src/codex/userEvents.ts) as OpenAPI 3.1 components.
 * `--write` replaces the generated block of openapi.yaml (between its two markers) with them; a test keeps the two equal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import YAML from 'yaml';
import { bridgeEventComponents } from '../src/codex/bridgeEvents';
import { userEventComponents } from '../src/codex/userEvents';

export const GENERATED_MARKER =
  '    # ---- Generated from src/codex/bridgeEvents.ts by scripts/render-event-schemas.ts; a test keeps them equal.';
/** What follows it is written by hand again (e.g. the OpenAI-compatible schemas): never overwritten. */
export const GENERATED_END_MARKER = '    # ---- End of the generated block.';

export function renderEventComponents(): Record<string, unknown> {
  const definitions = [...bridgeEventComponents, ...userEventComponents].map((schema) => ({ type: 'schema' as const, schema }));
  const components = new OpenApiGeneratorV31(definitions).generateComponents();
  return (components.components?.schemas ?? {}) as Record<string, unknown>;
}

function writeIntoSpec(): void {
  const specPath = path.resolve(__dirname, '..', 'openapi.yaml');
  const spec = fs.readFileSync(specPath, 'utf8');
  const at = spec.indexOf(GENERATED_MARKER);
  const end = spec.indexOf(GENERATED_END_MARKER, at);
  if (at < 0 || end < 0) throw new Error(`the generated block's markers are not both in ${specPath}`);
  const rendered = YAML.stringify(renderEventComponents(), { lineWidth: 0 })
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');
  fs.writeFileSync(specPath, `${spec.slice(0, at)}${GENERATED_MARKER}\n${rendered.replace(/\n*$/, '\n')}${spec.slice(end)}`);
}

if (require.main === module) {
  if (process.argv.includes('--write')) writeIntoSpec();
  else process.stdout.write(YAML.stringify(renderEventComponents(), { lineWidth: 0 }));
}
