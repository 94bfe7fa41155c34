import { bridgeEventComponents } from '../../src/codex/bridgeEvents';
import { userEventComponents } from '../../src/codex/userEvents';
import { loadSpec } from '../../src/http/spec';
import { renderEventComponents } from '../../scripts/render-event-schemas';

describe('SSE event schemas', () => {
  const rendered = renderEventComponents();
  const specSchemas = (loadSpec().document.components?.schemas ?? {}) as Record<string, unknown>;

  it('renders one component per runtime schema', () => {
    expect(Object.keys(rendered)).toHaveLength(bridgeEventComponents.length + userEventComponents.length);
  });

  it.each(Object.keys(renderEventComponents()))('openapi.yaml %s equals the zod schema used at run time', (name) => {
    expect(specSchemas[name]).toEqual(rendered[name]);
  });
});
