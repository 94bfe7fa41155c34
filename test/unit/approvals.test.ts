import { codexAnswer, describeApproval, isApprovalRequest } from '../../src/codex/approvals';
import { TurnRun } from '../../src/codex/turnRun';

describe('approvals', () => {
  const run = new TurnRun('thread', 'turn', false, false);

  it('describes a command request in the bridge’s words', () => {
    const approval = describeApproval(
      {
        id: 0,
        method: 'item/commandExecution/requestApproval',
        params: { threadId: 'thread', turnId: 'turn', itemId: 'call_1', command: "/bin/bash -lc 'rm x'", cwd: '/w', reason: 'why', availableDecisions: ['accept', { acceptWithExecpolicyAmendment: {} }, 'cancel'] },
      },
      run,
      1000,
    );
    expect(approval).toMatchObject({
      thread_id: 'thread',
      turn_id: 'turn',
      item_id: 'call_1',
      kind: 'command',
      command: "/bin/bash -lc 'rm x'",
      cwd: '/w',
      reason: 'why',
      changes: null,
      available_decisions: ['accept', 'decline', 'cancel'],
    });
    expect(Date.parse(approval.expires_at) - Date.parse(approval.requested_at)).toBe(1000);
  });

  it('describes file changes of the legacy request', () => {
    const approval = describeApproval(
      { id: 1, method: 'applyPatchApproval', params: { threadId: 'thread', fileChanges: { 'a.txt': { add: { content: 'x' } } } } },
      run,
      1000,
    );
    expect(approval).toMatchObject({ kind: 'file_change', changes: [{ path: 'a.txt', kind: 'add', diff: null }] });
  });

  it('answers each method in its own vocabulary', () => {
    expect(codexAnswer('item/commandExecution/requestApproval', 'accept_for_session')).toEqual({ decision: 'acceptForSession' });
    expect(codexAnswer('item/fileChange/requestApproval', 'decline')).toEqual({ decision: 'decline' });
    expect(codexAnswer('execCommandApproval', 'accept')).toEqual({ decision: 'approved' });
    expect(codexAnswer('applyPatchApproval', 'cancel')).toEqual({ decision: 'abort' });
    expect(isApprovalRequest('item/tool/requestUserInput')).toBe(false);
  });
});
