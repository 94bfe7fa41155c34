import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/env';
import { openRequest, unattendedReply } from '../../src/codex/serverRequests';
import type { GrantScope } from '../../src/codex/permissionGrants';
import { TurnRun } from '../../src/codex/turnRun';
import { DomainError } from '../../src/errors';
import { makeTempDir } from '../support/tempDir';

/* Questions, permission requests and elicitations: what the bridge shows, what it accepts, what codex gets back. */

const run = new TurnRun('thread', 'turn', false, false);
const workspace = makeTempDir('grant-workspace-');
const outside = makeTempDir('grant-outside-');
fs.mkdirSync(path.join(workspace, 'src'));
fs.symlinkSync(outside, path.join(workspace, 'link-out'));
fs.symlinkSync(path.join(workspace, 'src'), path.join(workspace, 'link-in'));
afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const ceiling = (grantable: string) => parseConfig({ CODEX_GRANTABLE_PERMISSIONS: grantable }).ceiling;
const scopeOf = (grantable: string, jailed = true): GrantScope => ({ ceiling: ceiling(grantable), workspace, jailed });

function open(method: string, params: Record<string, unknown>, scope = scopeOf('file_system')) {
  const opened = openRequest({ id: 7, method, params: { threadId: 'thread', turnId: 'turn', ...params } }, run, 1000, scope);
  if (!opened) throw new Error(`${method} not opened`);
  return opened;
}

/** The DomainError a client's answer gets: its kind and the fields it names. */
function refusal(attempt: () => unknown): { kind: string; slug: string; fields: string[]; messages: string[] } {
  try {
    attempt();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      kind: error.kind,
      slug: error.slug,
      fields: error.invalidParams.map((param) => param.field),
      messages: error.invalidParams.map((param) => param.message),
    };
  }
  throw new Error('not refused');
}

const permissionsAsking = (fileSystem: Record<string, unknown>, network = false) => ({
  itemId: 'call_1',
  cwd: workspace,
  startedAtMs: 1,
  permissions: { network: network ? { enabled: true } : null, fileSystem },
});

describe('questions', () => {
  const asking = {
    itemId: 'call_q',
    isBlocking: false,
    questions: [
      { id: 'color', header: 'Colour', question: 'Which?', isOther: false, isSecret: false, options: [{ label: 'Red', description: 'warm' }, { label: 'Blue', description: 'cool' }] },
      { id: 'token', header: 'Token', question: 'Your token?', isOther: true, isSecret: true, options: null },
    ],
  };

  it('shows each question with its options; an answer outside them is refused unless free text is allowed', () => {
    const opened = open('item/tool/requestUserInput', asking);
    expect(opened.approval).toMatchObject({
      kind: 'question',
      item_id: 'call_q',
      questions: [
        { id: 'color', options: [{ label: 'Red', description: 'warm' }, { label: 'Blue', description: 'cool' }], allows_other: false, secret: false },
        { id: 'token', options: [], allows_other: true, secret: true },
      ],
    });
    expect(refusal(() => opened.fromClient({ answers: { color: 'Green' } }))).toMatchObject({
      kind: 'invalid-input',
      fields: ['/body/answers/color'],
    });
    expect(refusal(() => opened.fromClient({ decision: 'decline', answers: { color: 'Red' } })).fields).toEqual(['/body/answers']);
    expect(refusal(() => opened.fromClient({ decision: 'accept', content: {} })).fields).toEqual(['/body/content']);
    expect(opened.fromClient({ answers: { color: 'Blue', token: ['s3cret'] } })).toEqual({
      decision: 'accept',
      reply: { answers: { color: { answers: ['Blue'] }, token: { answers: ['s3cret'] } } },
    });
    expect(opened.fromClient({ decision: 'decline' })).toEqual({ decision: 'decline', reply: { answers: {} } });
    expect(opened.fromBridge('decline')).toEqual({ answers: {} });
  });
});

describe('permission requests', () => {
  it('judges each path on the host, symlinks included: only inside the workspace and outside .git/.codex/.agents', () => {
    const opened = open(
      'item/permissions/requestApproval',
      permissionsAsking({
        write: [
          path.join(workspace, 'src'),
          path.join(workspace, 'new/deep/dir'),
          path.join(workspace, 'link-in'),
          path.join(workspace, 'link-out'),
          path.join(workspace, 'link-out/x'),
          path.join(workspace, '..'),
          path.join(workspace, '.codex'),
          'relative',
        ],
        read: [path.join(workspace, '.git')],
      }),
    );
    expect(opened.approval.permissions?.map((permission) => [permission.access, path.relative(workspace, permission.path ?? ''), permission.grantable])).toEqual([
      ['read', '.git', true],
      ['write', 'src', true],
      ['write', 'new/deep/dir', true],
      ['write', 'link-in', true],
      ['write', 'link-out', false],
      ['write', 'link-out/x', false],
      ['write', '..', false],
      ['write', '.codex', false],
      ['write', path.relative(workspace, 'relative'), false],
    ]);
    expect(opened.approval.available_decisions).toEqual(['accept', 'accept_for_session', 'decline']);
  });

  it('patterns and special locations are never grantable; without the jail no path is, and network only when allowed', () => {
    const special = permissionsAsking({
      entries: [
        { path: { type: 'special', value: { kind: 'root' } }, access: 'write' },
        { path: { type: 'glob_pattern', pattern: '**/*.env' }, access: 'read' },
      ],
    });
    expect(open('item/permissions/requestApproval', special).approval.permissions?.map((permission) => [permission.path, permission.grantable])).toEqual([
      [':root', false],
      ['**/*.env', false],
    ]);
    const unjailed = open('item/permissions/requestApproval', permissionsAsking({ write: [path.join(workspace, 'src')] }, true), scopeOf('file_system,network', false));
    expect(unjailed.approval.permissions?.map((permission) => [permission.type, permission.grantable, permission.not_grantable_reason])).toEqual([
      ['network', true, null],
      ['file_system', false, expect.stringContaining('jail')],
    ]);
    const nothing = open('item/permissions/requestApproval', permissionsAsking({ write: [path.join(workspace, 'src')] }, true), scopeOf(''));
    expect(nothing.approval.permissions?.every((permission) => !permission.grantable && permission.not_grantable_reason?.includes('CODEX_GRANTABLE_PERMISSIONS'))).toBe(true);
  });

  it('grants all asked or a named subset; beyond the ceiling is 403, not asked is 400, and codex gets only the grant', () => {
    const src = path.join(workspace, 'src');
    const opened = open('item/permissions/requestApproval', permissionsAsking({ write: [src, outside] }, true), scopeOf('file_system'));
    expect(refusal(() => opened.fromClient({ decision: 'accept' }))).toMatchObject({
      kind: 'forbidden',
      slug: 'permission-ceiling',
      fields: ['/body/decision', '/body/decision'],
    });
    expect(refusal(() => opened.fromClient({ decision: 'accept', permissions: { file_system: [{ path: src, access: 'read' }] } }))).toMatchObject({
      kind: 'invalid-input',
      fields: ['/body/permissions/file_system/0'],
    });
    expect(refusal(() => opened.fromClient({ decision: 'accept', permissions: {} })).fields).toEqual(['/body/permissions']);
    expect(refusal(() => opened.fromClient({ decision: 'cancel' })).fields).toEqual(['/body/decision']);
    expect(refusal(() => opened.fromClient({ decision: 'decline', permissions: { network: true } })).fields).toEqual(['/body/permissions']);
    expect(opened.fromClient({ decision: 'accept_for_session', permissions: { file_system: [{ path: src, access: 'write' }] } })).toEqual({
      decision: 'accept_for_session',
      reply: { permissions: { fileSystem: { entries: [{ path: { type: 'path', path: src }, access: 'write' }] } }, scope: 'session' },
    });
    expect(opened.fromClient({ decision: 'decline' }).reply).toEqual({ permissions: {}, scope: 'turn' });
    expect(opened.fromBridge('cancel')).toEqual({ permissions: {}, scope: 'turn' });
  });

  it('a path swapped for a symlink after codex asked is judged again when granted', () => {
    const target = path.join(workspace, 'swapped');
    fs.mkdirSync(target);
    const opened = open('item/permissions/requestApproval', permissionsAsking({ write: [target] }));
    expect(opened.approval.permissions?.[0]?.grantable).toBe(true);
    fs.rmdirSync(target);
    fs.symlinkSync(outside, target);
    expect(refusal(() => opened.fromClient({ decision: 'accept' }))).toMatchObject({ slug: 'permission-ceiling', messages: [expect.stringContaining('outside your workspace')] });
  });
});

describe('MCP elicitations', () => {
  const form = {
    serverName: 'docs',
    mode: 'form',
    message: 'Which release?',
    _meta: null,
    requestedSchema: { type: 'object', properties: { version: { type: 'string' }, channel: { type: 'string', enum: ['stable', 'beta'] } }, required: ['version'] },
  };

  it('checks a form against its schema and passes the content on', () => {
    const opened = open('mcpServer/elicitation/request', form);
    expect(opened.approval).toMatchObject({
      kind: 'mcp_elicitation',
      elicitation: { server: 'docs', mode: 'form', message: 'Which release?', url: null, codex_approval_kind: null },
      available_decisions: ['accept', 'decline', 'cancel'],
    });
    expect(refusal(() => opened.fromClient({ decision: 'accept' })).fields).toEqual(['/body/content']);
    expect(refusal(() => opened.fromClient({ decision: 'accept', content: { channel: 'nightly', extra: 1 } })).fields).toEqual([
      '/body/content/version',
      '/body/content/channel',
      '/body/content/extra',
    ]);
    expect(refusal(() => opened.fromClient({ decision: 'decline', content: { version: '1' } })).fields).toEqual(['/body/content']);
    expect(opened.fromClient({ decision: 'accept', content: { version: '1.2', channel: 'beta' } }).reply).toEqual({
      action: 'accept',
      content: { version: '1.2', channel: 'beta' },
    });
    expect(opened.fromBridge('cancel')).toEqual({ action: 'cancel', content: null });
    expect(opened.fromBridge('decline')).toEqual({ action: 'decline', content: null });
  });

  it("codex's own tool approval (a form without fields) and url mode are accepted without content", () => {
    const toolApproval = open('mcpServer/elicitation/request', {
      ...form,
      requestedSchema: { type: 'object', properties: {} },
      _meta: { codex_approval_kind: 'mcp_tool_call', tool_name: 'x' },
    });
    expect(toolApproval.approval.elicitation?.codex_approval_kind).toBe('mcp_tool_call');
    expect(toolApproval.fromClient({ decision: 'accept' }).reply).toEqual({ action: 'accept', content: {} });
    const url = open('mcpServer/elicitation/request', { serverName: 'docs', mode: 'url', message: 'Log in', url: 'https://example.com/login', elicitationId: 'e1' });
    expect(url.approval.elicitation).toMatchObject({ mode: 'url', url: 'https://example.com/login', requested_schema: null });
    expect(url.fromClient({ decision: 'accept' }).reply).toEqual({ action: 'accept', content: null });
  });
});

describe('requests nobody can answer', () => {
  it('are refused in each method’s own words, and an unknown method is an error', () => {
    expect(unattendedReply('item/tool/requestUserInput')).toEqual({ answers: {} });
    expect(unattendedReply('item/permissions/requestApproval')).toEqual({ permissions: {}, scope: 'turn' });
    expect(unattendedReply('mcpServer/elicitation/request')).toEqual({ action: 'decline', content: null });
    expect(unattendedReply('item/commandExecution/requestApproval')).toEqual({ decision: 'decline' });
    expect(() => unattendedReply('item/tool/call')).toThrow(/not supported/);
  });

  it('a request of an unknown shape is not opened as an approval (the session declines it)', () => {
    expect(() => open('item/tool/requestUserInput', { questions: 'what?' })).toThrow();
  });
});
