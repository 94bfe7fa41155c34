import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadSpec } from '../../src/http/spec';

/*
 * Validates JSON against a schema of openapi.yaml itself (not the zod copy), for what response
 * validation cannot see: the JSON in each SSE `data:` line.
 */

const SPEC_ID = 'urn:codex-api-bridge:openapi';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: SPEC_ID, components: loadSpec().document.components }, SPEC_ID);

export function specErrors(schemaName: string, value: unknown): string[] {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`openapi.yaml has no schema ${schemaName}`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

/** Throws with the spec's complaints when `value` is not a valid `schemaName`. */
export function assertMatchesSpec(schemaName: string, value: unknown): void {
  const errors = specErrors(schemaName, value);
  if (errors.length > 0) throw new Error(`not a valid ${schemaName}: ${errors.join('; ')}\n${JSON.stringify(value)}`);
}
