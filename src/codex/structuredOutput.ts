import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import AjvDraft7 from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '../errors';
import type { TurnError } from './bridgeEvents';

/*
 * `output_schema`: codex constrains the model's final answer to a JSON Schema; the bridge parses the answer and
 * checks it against the same schema (ajv), because a provider may ignore the constraint or cut the answer short.
 */

/** Bigger schemas than this are refused: ajv compiles them to code, per request. */
export const MAX_OUTPUT_SCHEMA_BYTES = 64 * 1024;

const draft2020 = new Ajv2020({ allErrors: true, strict: false });
const draft7 = new AjvDraft7({ allErrors: true, strict: false });
addFormats(draft2020);
addFormats(draft7);

export interface OutputContract {
  schema: Record<string, unknown>;
  validate: ValidateFunction;
}

const invalidSchema = (message: string): ValidationError =>
  new ValidationError(`output_schema is not a usable JSON Schema: ${message}`, [{ field: '/body/output_schema', message }]);

/** Deeper schemas are refused: ajv compiles recursively (a stack overflow otherwise). */
const MAX_OUTPUT_SCHEMA_DEPTH = 32;

/**
 * The caller's schema as the bridge checks it. Ajv treats schemas as code it trusts; these are not: `pattern`
 * is left to the provider's constrained decoding (a caller's regular expression run here could block the event
 * loop, ReDoS), and `patternProperties`, which cannot be left out without changing what matches, is refused.
 */
function checkable(node: unknown, depth: number): unknown {
  if (depth > MAX_OUTPUT_SCHEMA_DEPTH) throw invalidSchema(`nests deeper than ${MAX_OUTPUT_SCHEMA_DEPTH} levels`);
  if (Array.isArray(node)) return node.map((entry) => checkable(entry, depth + 1));
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'patternProperties') throw invalidSchema('patternProperties is not supported');
    if (key === 'pattern' && typeof value === 'string') continue;
    copy[key] = checkable(value, depth + 1);
  }
  return copy;
}

/** Compiles the caller's schema once per turn; a schema that is not one is a 400. */
export function outputContract(schema: Record<string, unknown>): OutputContract {
  if (JSON.stringify(schema).length > MAX_OUTPUT_SCHEMA_BYTES)
    throw invalidSchema(`is more than ${MAX_OUTPUT_SCHEMA_BYTES} bytes as JSON`);
  const dialect = typeof schema.$schema === 'string' && /draft-0[4-7]/.test(schema.$schema) ? draft7 : draft2020;
  const { $id: _ignoredId, ...anonymous } = checkable(schema, 0) as Record<string, unknown>;
  try {
    // Compiled without an $id and removed at once: every caller's schema is its own, a cache would grow with each.
    const validate = dialect.compile(anonymous);
    dialect.removeSchema(validate.schema as object);
    return { schema, validate };
  } catch (error) {
    throw invalidSchema((error as Error).message);
  }
}

const describeErrors = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`)
    .join('; ');

/** The final answer parsed and checked: the output, or why the turn fails. */
export function checkOutput(
  contract: OutputContract,
  answer: string | null,
): { output: unknown; error: TurnError | null } {
  const mismatch = (message: string) => ({ output: null, error: { message, code: 'output_schema_mismatch' } });
  if (answer === null) return mismatch('the turn produced no answer to check against output_schema');
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return mismatch('the final answer is not JSON, so it does not match output_schema');
  }
  if (!contract.validate(parsed))
    return mismatch(`the final answer does not match output_schema: ${describeErrors(contract.validate.errors)}`);
  return { output: parsed, error: null };
}
