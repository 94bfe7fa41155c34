import { checkOutput, outputContract } from '../../src/codex/structuredOutput';
import { ValidationError } from '../../src/errors';

const fieldOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).invalidParams[0]?.field;
  }
  return undefined;
};

describe('output_schema', () => {
  const contract = outputContract({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });

  it('parses and checks the final answer', () => {
    expect(checkOutput(contract, '{"n": 3}')).toEqual({ output: { n: 3 }, error: null });
    expect(checkOutput(contract, '{"n": "3"}')).toMatchObject({ output: null, error: { code: 'output_schema_mismatch' } });
    expect(checkOutput(contract, 'three').error?.message).toContain('not JSON');
    expect(checkOutput(contract, null).error?.message).toContain('no answer');
  });

  it('refuses what is not a schema, too big, too deep, or with patternProperties (400 naming the field)', () => {
    expect(fieldOf(() => outputContract({ type: 'nonsense' }))).toBe('/body/output_schema');
    expect(fieldOf(() => outputContract({ $ref: 'https://example.com/schema.json' }))).toBe('/body/output_schema');
    expect(fieldOf(() => outputContract({ description: 'x'.repeat(70_000) }))).toBe('/body/output_schema');
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'array', items: deep };
    expect(fieldOf(() => outputContract(deep))).toBe('/body/output_schema');
    expect(fieldOf(() => outputContract({ type: 'object', patternProperties: { '^a': {} } }))).toBe('/body/output_schema');
  });

  it('leaves `pattern` to the provider: a catastrophic regular expression is never run here', () => {
    const evil = outputContract({ type: 'string', pattern: '^(a+)+$' });
    expect(checkOutput(evil, JSON.stringify(`${'a'.repeat(40)}!`))).toMatchObject({ error: null });
  });

  it('takes draft-07 schemas too', () => {
    const draft7 = outputContract({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: { type: 'boolean' } });
    expect(checkOutput(draft7, '[true, false]').error).toBeNull();
  });
});
