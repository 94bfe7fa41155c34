import { lastInputItem, type FakeModel } from './fakeModel';

/** What codex told the model the tool call `name` returned, from the fake model's requests since `from`. */
export function toolOutput(fake: FakeModel, from: number, name: string): unknown {
  for (const body of fake.requests.slice(from)) {
    const input = (body as { input: Array<Record<string, unknown>> }).input;
    const output = lastInputItem(body);
    const call = input.find((item) => item.type === 'function_call' && item.call_id === output?.call_id);
    if (output?.type === 'function_call_output' && call?.name === name)
      return typeof output.output === 'string' ? JSON.parse(output.output) : output.output;
  }
  throw new Error(`codex sent no output of ${name} to the model`);
}
