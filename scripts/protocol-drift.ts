/**
 * The protocol drift check: compares the JSON-RPC shapes the bridge sends and reads (its zod schemas,
 * src/codex/protocolContract.ts) with the JSON Schema the pinned codex prints of its own protocol
 * (`codex app-server generate-json-schema`). Upgrading codex: bump the pin, run `npm run protocol:check`.
 *
 * Direction matters. What codex sends (results, notifications, its requests' params) must fit what the bridge
 * reads: every field the bridge reads exists, is sent whenever the bridge requires it, and every type and enum
 * value codex may send is one the bridge accepts. What the bridge sends (request params, its answers to codex's
 * requests) must fit what codex accepts: no field codex does not know, every field codex requires, only types
 * and enum values codex accepts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { clientRequests, serverNotifications, serverRequests } from '../src/codex/protocolContract';

type Schema = Record<string, unknown>;
type Direction = 'codex-sends' | 'bridge-sends';

const BUNDLE = 'codex_app_server_protocol.schemas.json';

export interface CodexProtocol {
  /** The bundle's root: `definitions` (v1 names) with `definitions.v2`. */
  root: Schema;
}

/** Prints the pinned codex's protocol into a temporary folder and reads the bundle back. */
export function generateCodexProtocol(codexBin = path.resolve(__dirname, '../node_modules/.bin/codex')): CodexProtocol {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-protocol-'));
  try {
    execFileSync(codexBin, ['app-server', 'generate-json-schema', '--out', dir], { stdio: 'pipe' });
    return { root: JSON.parse(fs.readFileSync(path.join(dir, BUNDLE), 'utf8')) as Schema };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

function pointer(root: Schema, ref: string): Schema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) node = isSchema(node) ? node[part] : undefined;
  if (!isSchema(node)) throw new Error(`codex's schema has no ${ref}`);
  return node;
}

/** The method -> params definition tables of codex's ClientRequest, ServerNotification and ServerRequest. */
function methodTable(protocol: CodexProtocol, union: string): Map<string, string> {
  const table = new Map<string, string>();
  const variants = pointer(protocol.root, `#/definitions/${union}`).oneOf;
  for (const variant of Array.isArray(variants) ? variants : []) {
    const properties = isSchema(variant) && isSchema(variant.properties) ? variant.properties : {};
    const method = isSchema(properties.method) && Array.isArray(properties.method.enum) ? properties.method.enum[0] : undefined;
    const params = isSchema(properties.params) ? properties.params.$ref : undefined;
    if (typeof method === 'string') table.set(method, typeof params === 'string' ? params : '');
  }
  return table;
}

/** codex names a request's result after its params: `#/definitions/v2/TurnStartParams` -> `.../TurnStartResponse`. */
const responseRef = (paramsRef: string): string => paramsRef.replace(/Params$/, 'Response');

interface Alternative {
  kind: string;
  node: Schema;
}

const KINDS = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'];

/** One schema as the plain alternatives it allows: refs followed, unions and type lists spread, allOf merged. */
function alternatives(node: Schema, root: Schema | undefined, seen = 0): Alternative[] {
  if (seen > 50) return [{ kind: 'any', node }];
  if (typeof node.$ref === 'string' && root) return alternatives({ ...node, ...pointer(root, node.$ref), $ref: undefined }, root, seen + 1);
  const { allOf, anyOf, oneOf, ...base } = node;
  if (Array.isArray(allOf)) {
    const merged = allOf.filter(isSchema).reduce<Schema>((acc, part) => merge(acc, resolved(part, root)), base);
    return alternatives(merged, root, seen + 1);
  }
  const union = [...(Array.isArray(anyOf) ? anyOf : []), ...(Array.isArray(oneOf) ? oneOf : [])].filter(isSchema);
  if (union.length > 0) return union.flatMap((part) => alternatives(merge(stripMeta(base), part), root, seen + 1));
  if ('not' in base && Object.keys(base).filter((key) => !META.has(key)).length === 1) return [];
  const types = Array.isArray(base.type) ? base.type : typeof base.type === 'string' ? [base.type] : undefined;
  const values = Array.isArray(base.enum) ? base.enum : 'const' in base ? [base.const] : undefined;
  const inferred = types ?? (values ? [...new Set(values.map(jsonKind))] : undefined);
  if (!inferred) return isSchema(base.properties) ? [{ kind: 'object', node: base }] : [{ kind: 'any', node: base }];
  return inferred.filter((kind): kind is string => typeof kind === 'string' && KINDS.includes(kind)).map((kind) => ({
    kind,
    node: { ...base, type: kind, ...(values ? { enum: values.filter((value) => jsonKind(value) === kind || (kind === 'number' && jsonKind(value) === 'integer')) } : {}) },
  }));
}

const META = new Set(['description', 'title', 'default', '$schema', 'examples', 'format', 'id']);
const stripMeta = (node: Schema): Schema => Object.fromEntries(Object.entries(node).filter(([key]) => !META.has(key)));

function resolved(node: Schema, root: Schema | undefined): Schema {
  return typeof node.$ref === 'string' && root ? resolved(pointer(root, node.$ref), root) : node;
}

function merge(a: Schema, b: Schema): Schema {
  const properties = { ...(isSchema(a.properties) ? a.properties : {}), ...(isSchema(b.properties) ? b.properties : {}) };
  const required = [...(Array.isArray(a.required) ? a.required : []), ...(Array.isArray(b.required) ? b.required : [])];
  const out: Schema = { ...a, ...b };
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.length > 0) out.required = [...new Set(required)];
  return out;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether a value of `sent` kind is one of `accepted` kind (an integer is a number). */
const fits = (sent: string, accepted: string): boolean => sent === accepted || (sent === 'integer' && accepted === 'number');

const requiredOf = (node: Schema): Set<string> => new Set(Array.isArray(node.required) ? node.required.map(String) : []);
const propertiesOf = (node: Schema): Schema => (isSchema(node.properties) ? node.properties : {});
const show = (values: unknown[]): string => values.map((value) => JSON.stringify(value)).join(', ');

interface Comparison {
  /** The bridge's whole JSON Schema, for its refs. */
  bridge: Schema;
  codex: CodexProtocol;
  direction: Direction;
}

/**
 * The problems of one place (a field path) where the bridge's schema meets codex's. `sender` and `receiver`
 * follow the direction: the sender's alternatives must each fit one of the receiver's.
 */
function compareAt(bridgeNode: Schema, codexNode: Schema, where: string, context: Comparison): string[] {
  const bridgeAlts = alternatives(bridgeNode, context.bridge);
  const codexAlts = alternatives(codexNode, context.codex.root);
  const codexSends = context.direction === 'codex-sends';
  const sent = codexSends ? codexAlts : bridgeAlts;
  const accepted = codexSends ? bridgeAlts : codexAlts;
  const receiver = codexSends ? 'the bridge' : 'codex';
  if (accepted.some((alt) => alt.kind === 'any') || sent.some((alt) => alt.kind === 'any')) return [];
  const problems: string[] = [];
  // A field codex sends in only some shapes of a union (an MCP elicitation's `url`) is there to be read.
  const sentInSomeShape = new Set(
    codexSends ? codexAlts.filter((alt) => alt.kind === 'object').flatMap((alt) => Object.keys(propertiesOf(alt.node))) : [],
  );
  for (const alt of sent.flatMap(eachValue)) {
    const candidates = mergeValues(accepted).filter((other) => fits(alt.kind, other.kind));
    if (candidates.length === 0) {
      problems.push(
        `${at(where)}${codexSends ? 'codex may send' : 'the bridge sends'} ${describe(alt)}, ${receiver} accepts only ${[...new Set(accepted.map((other) => other.kind))].join(' | ') || 'nothing'}`,
      );
      continue;
    }
    // The candidate that fits best; with discriminated unions that is the one of the same `type`.
    const results = candidates.map((candidate) =>
      codexSends
        ? compareOne(candidate.node, alt.node, where, context, sentInSomeShape)
        : compareOne(alt.node, candidate.node, where, context, sentInSomeShape),
    );
    if (results.some((result) => result.length === 0)) continue;
    problems.push(...(results.sort((a, b) => a.length - b.length)[0] ?? []));
  }
  return codexSends ? [...new Set(problems)] : problems;
}

/** An enum sent is each of its values: a union of one-value enums (codex's style) accepts them one by one. */
function eachValue(alt: Alternative): Alternative[] {
  if (!Array.isArray(alt.node.enum) || alt.node.enum.length < 2) return [alt];
  return alt.node.enum.map((value) => ({ kind: alt.kind, node: { ...alt.node, enum: [value] } }));
}

/** Accepted enums of one kind together: `"auto" | "none"` written as two one-value enums accepts both. */
function mergeValues(accepted: Alternative[]): Alternative[] {
  const plain = (alt: Alternative): boolean => Array.isArray(alt.node.enum) && alt.kind !== 'object' && alt.kind !== 'array';
  const merged = new Map<string, Alternative>();
  for (const alt of accepted.filter(plain)) {
    const known = merged.get(alt.kind);
    const values = [...((known?.node.enum as unknown[] | undefined) ?? []), ...(alt.node.enum as unknown[])];
    merged.set(alt.kind, { kind: alt.kind, node: { ...alt.node, enum: values } });
  }
  return [...accepted.filter((alt) => !plain(alt)), ...merged.values()];
}

function describe(alt: Alternative): string {
  if (Array.isArray(alt.node.enum)) return `${alt.kind} ${show(alt.node.enum)}`;
  return alt.kind;
}

/** One bridge alternative against one codex alternative of the same kind. */
/** `sentInSomeShape`: the fields codex sends in any shape of the union this object is one of. */
function compareOne(bridge: Schema, codex: Schema, where: string, context: Comparison, sentInSomeShape: ReadonlySet<string>): string[] {
  const codexSends = context.direction === 'codex-sends';
  const problems: string[] = [];
  const bridgeValues = Array.isArray(bridge.enum) ? bridge.enum : undefined;
  const codexValues = Array.isArray(codex.enum) ? codex.enum : undefined;
  if (codexSends && bridgeValues) {
    if (!codexValues) problems.push(`${at(where)}codex may send any ${String(codex.type)}, the bridge accepts only ${show(bridgeValues)}`);
    else {
      const unknown = codexValues.filter((value) => !bridgeValues.includes(value));
      if (unknown.length > 0) problems.push(`${at(where)}codex may send ${show(unknown)}, which the bridge does not accept`);
    }
  }
  if (!codexSends && codexValues) {
    if (!bridgeValues) problems.push(`${at(where)}the bridge may send any ${String(bridge.type)}, codex accepts only ${show(codexValues)}`);
    else {
      const refused = bridgeValues.filter((value) => !codexValues.includes(value));
      if (refused.length > 0) problems.push(`${at(where)}the bridge sends ${show(refused)}, which codex does not accept`);
    }
  }
  if (bridge.type === 'array') {
    const items = (node: Schema): Schema => (isSchema(node.items) ? node.items : {});
    problems.push(...compareAt(items(bridge), items(codex), `${where}[]`, context));
  }
  if (bridge.type === 'object') problems.push(...compareObject(bridge, codex, where, context, sentInSomeShape));
  return problems;
}

function compareObject(bridge: Schema, codex: Schema, where: string, context: Comparison, sentInSomeShape: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const codexSends = context.direction === 'codex-sends';
  const bridgeProps = propertiesOf(bridge);
  const codexProps = propertiesOf(codex);
  const bridgeRequired = requiredOf(bridge);
  const codexRequired = requiredOf(codex);
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  // A record (`additionalProperties` schema, no named fields) on either side: compare its values.
  if (Object.keys(bridgeProps).length === 0 && isSchema(bridge.additionalProperties) && Object.keys(bridge.additionalProperties).length > 0) {
    const values = isSchema(codex.additionalProperties) ? codex.additionalProperties : {};
    return compareAt(bridge.additionalProperties, values, field('*'), context);
  }
  for (const [name, bridgeProp] of Object.entries(bridgeProps)) {
    const codexProp = codexProps[name];
    // `true`: codex sends or takes anything there.
    if (codexProp === true) continue;
    if (!isSchema(codexProp)) {
      if (codexSends && sentInSomeShape.has(name)) continue;
      problems.push(
        codexSends
          ? `field '${field(name)}': codex's schema has no such field (the bridge reads it)`
          : `field '${field(name)}': codex's schema has no such field (the bridge sends it)`,
      );
      continue;
    }
    if (codexSends && bridgeRequired.has(name) && !codexRequired.has(name))
      problems.push(`field '${field(name)}': the bridge requires it, codex may leave it out`);
    problems.push(...compareAt(isSchema(bridgeProp) ? bridgeProp : {}, codexProp, field(name), context));
  }
  if (!codexSends) {
    for (const name of codexRequired) {
      if (!(name in bridgeProps)) problems.push(`field '${field(name)}': codex requires it, the bridge does not send it`);
      else if (!bridgeRequired.has(name)) problems.push(`field '${field(name)}': codex requires it, the bridge may leave it out`);
    }
  }
  return problems;
}

/** Where a problem is: a field path such as `turn.status` or `input[].type`; nothing for the message itself. */
const at = (where: string): string => (where === '' ? '' : `field '${where}': `);

function zodSchema(schema: z.ZodType, direction: Direction): Schema {
  // What codex sends is the input of the bridge's parse (defaults make a field optional); what the bridge sends is its output.
  return z.toJSONSchema(schema, { io: direction === 'codex-sends' ? 'input' : 'output', unrepresentable: 'any' }) as Schema;
}

function check(label: string, bridge: z.ZodType, codexRef: string | undefined, direction: Direction, codex: CodexProtocol): string[] {
  if (!codexRef) return [`${label}: codex's schema does not define it`];
  let codexNode: Schema;
  try {
    codexNode = pointer(codex.root, codexRef);
  } catch (error) {
    return [`${label}: ${(error as Error).message}`];
  }
  const bridgeSchema = zodSchema(bridge, direction);
  return compareAt(bridgeSchema, codexNode, '', { bridge: bridgeSchema, codex, direction }).map(
    (problem) => `${label}: ${problem}`,
  );
}

/** Every difference between the bridge's contract and codex's protocol, each naming the method and the field. */
export function driftProblems(codex: CodexProtocol): string[] {
  const problems: string[] = [];
  const requests = methodTable(codex, 'ClientRequest');
  for (const [method, { params, result }] of Object.entries(clientRequests)) {
    if (!requests.has(method)) {
      problems.push(`${method}: codex no longer has this method`);
      continue;
    }
    const paramsRef = requests.get(method) || undefined;
    problems.push(...check(`${method} (params)`, params, paramsRef, 'bridge-sends', codex));
    if (paramsRef) problems.push(...check(`${method} (result)`, result, responseRef(paramsRef), 'codex-sends', codex));
  }
  const notifications = methodTable(codex, 'ServerNotification');
  for (const [method, schema] of Object.entries(serverNotifications)) {
    if (!notifications.has(method)) problems.push(`${method} (notification): codex no longer sends it`);
    else problems.push(...check(`${method} (notification)`, schema, notifications.get(method), 'codex-sends', codex));
  }
  const requestsToBridge = methodTable(codex, 'ServerRequest');
  for (const [method, { params, result }] of Object.entries(serverRequests)) {
    const paramsRef = requestsToBridge.get(method);
    if (!paramsRef) {
      problems.push(`${method} (server request): codex no longer sends it`);
      continue;
    }
    problems.push(...check(`${method} (server request params)`, params, paramsRef, 'codex-sends', codex));
    problems.push(...check(`${method} (answer)`, result, responseRef(paramsRef), 'bridge-sends', codex));
  }
  return problems;
}

/**
 * Differences looked at and accepted, each with the reason. The check fails when one of them no longer occurs
 * too (so that this list cannot go stale).
 */
export const KNOWN_DIFFERENCES: ReadonlyMap<string, string> = new Map([
  [
    "item/commandExecution/requestApproval (server request params): field 'availableDecisions': codex's schema has no such field (the bridge reads it)",
    'codex 0.171 no longer describes availableDecisions (not even with --experimental); the bridge reads it where an older codex sends it and offers every decision when it is absent (src/codex/approvals.ts).',
  ],
]);

/** The problems not accepted above, and the accepted ones that no longer occur. */
export function unexpectedDrift(problems: string[]): { unexpected: string[]; stale: string[] } {
  return {
    unexpected: problems.filter((problem) => !KNOWN_DIFFERENCES.has(problem)),
    stale: [...KNOWN_DIFFERENCES.keys()].filter((known) => !problems.includes(known)),
  };
}

if (require.main === module) {
  const { unexpected, stale } = unexpectedDrift(driftProblems(generateCodexProtocol()));
  for (const known of stale) console.error(`no longer a difference, remove it from KNOWN_DIFFERENCES: ${known}`);
  const problems = unexpected;
  if (stale.length > 0 && problems.length === 0) process.exit(1);
  if (problems.length > 0) {
    console.error(`codex's protocol differs from what the bridge uses (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log("the bridge's JSON-RPC contract matches the pinned codex's protocol");
}
