import fs from 'node:fs';
import path from 'node:path';
import { clientRequests } from '../../src/codex/protocolContract';
import {
  driftProblems,
  generateCodexProtocol,
  unexpectedDrift,
  type CodexProtocol,
} from '../../scripts/protocol-drift';

/*
 * The protocol drift check. The schema is printed by the pinned codex binary at every run rather than kept
 * as a committed fixture: a fixture could be regenerated from another version by mistake, and printing
 * it takes a fifth of a second. The altered fixtures below are that same schema with one deliberate change.
 */

type Schema = Record<string, unknown>;

const real = generateCodexProtocol();

function altered(change: (definitions: Record<string, Schema>) => void): CodexProtocol {
  const copy = structuredClone(real.root) as { definitions: Record<string, Schema> & { v2: Record<string, Schema> } };
  change(copy.definitions.v2);
  return { root: copy };
}

const propertiesOf = (schema: Schema | undefined): Record<string, Schema> =>
  (schema?.properties ?? {}) as Record<string, Schema>;

describe('protocol drift check (codex app-server generate-json-schema of the pinned version)', () => {
  it('passes on the real schema: every difference is one accepted in KNOWN_DIFFERENCES, none of them stale', () => {
    expect(unexpectedDrift(driftProblems(real))).toEqual({ unexpected: [], stale: [] });
  });

  it('names the notification and the field when codex renames a field the bridge reads', () => {
    const protocol = altered((v2) => {
      const delta = v2.AgentMessageDeltaNotification as Schema;
      const properties = propertiesOf(delta);
      properties.text = properties.delta as Schema;
      delete properties.delta;
      delta.required = ['text', 'itemId', 'threadId', 'turnId'];
    });
    expect(unexpectedDrift(driftProblems(protocol)).unexpected).toContain(
      "item/agentMessage/delta (notification): field 'delta': codex's schema has no such field (the bridge reads it)",
    );
  });

  it('names the result and the nested field when codex makes a field the bridge requires optional', () => {
    const protocol = altered((v2) => {
      const thread = v2.Thread as Schema;
      thread.required = (thread.required as string[]).filter((name) => name !== 'createdAt');
    });
    expect(unexpectedDrift(driftProblems(protocol)).unexpected).toEqual(
      expect.arrayContaining([
        "thread/start (result): field 'thread.createdAt': the bridge requires it, codex may leave it out",
        "thread/read (result): field 'thread.createdAt': the bridge requires it, codex may leave it out",
      ]),
    );
  });

  it('names the enum value codex may send that the bridge does not accept', () => {
    const protocol = altered((v2) => {
      (v2.TurnStatus as Schema).enum = ['completed', 'interrupted', 'failed', 'inProgress', 'paused'];
    });
    expect(unexpectedDrift(driftProblems(protocol)).unexpected).toContain(
      `turn/completed (notification): field 'turn.status': codex may send "paused", which the bridge does not accept`,
    );
  });

  it('names the request and the field when codex stops accepting what the bridge sends', () => {
    const protocol = altered((v2) => {
      const userInput = v2.UserInput as { oneOf: Schema[] };
      userInput.oneOf = userInput.oneOf.filter((variant) => variant.title !== 'LocalImageUserInput');
      delete propertiesOf(v2.TurnStartParams).outputSchema;
      (v2.TurnSteerParams as Schema).required = ['expectedTurnId', 'input', 'threadId', 'clientUserMessageId'];
    });
    const { unexpected } = unexpectedDrift(driftProblems(protocol));
    expect(unexpected).toEqual(
      expect.arrayContaining([
        "turn/start (params): field 'outputSchema': codex's schema has no such field (the bridge sends it)",
        "turn/steer (params): field 'clientUserMessageId': codex requires it, the bridge does not send it",
      ]),
    );
    expect(unexpected.some((problem) => problem.startsWith("turn/start (params): field 'input[].type'"))).toBe(true);
  });

  it('names a method codex no longer has', () => {
    const protocol = altered(() => undefined);
    const root = protocol.root as { definitions: { ClientRequest: { oneOf: Array<{ properties: Schema }> } } };
    root.definitions.ClientRequest.oneOf = root.definitions.ClientRequest.oneOf.filter(
      (variant) => (variant.properties.method as { enum: string[] }).enum[0] !== 'turn/steer',
    );
    expect(unexpectedDrift(driftProblems(protocol)).unexpected).toContain('turn/steer: codex no longer has this method');
  });

  it('covers every JSON-RPC method the bridge calls (src/codex)', () => {
    const dir = path.resolve(__dirname, '../../src/codex');
    const called = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const match of source.matchAll(/\b(?:call|request)\(\s*'([a-zA-Z/]+)'/g)) called.add(match[1] as string);
    }
    expect(called.size).toBeGreaterThan(5);
    expect([...called].filter((method) => !(method in clientRequests))).toEqual([]);
  });
});
