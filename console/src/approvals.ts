import type { Approval, ApprovalAnswer, ApprovalDecision, ApprovalResolution } from '../../src/sdk';
import { kindForm } from './approvalForms';
import { button, describeError, h } from './dom';
import { diffView } from './items';

/*
 * A card per approval request with the choices codex offers (`available_decisions`). Questions,
 * permission requests and MCP elicitations get their inputs (approvalForms.ts) and answer in the body of
 * their kind; kinds the console does not know yet still show what is asked, with their choices.
 */

const DECISION_LABELS: Record<string, string> = {
  accept: 'Allow once',
  accept_for_session: 'Allow for this session',
  decline: 'Decline',
  cancel: 'Decline and stop the turn',
};

/** Where a kind's choices mean something else than "allow". */
const KIND_DECISION_LABELS: Record<string, Record<string, string>> = {
  question: { accept: 'Send answers', decline: 'Decline to answer' },
  permissions: { accept: 'Grant for this turn', accept_for_session: 'Grant for this session' },
  mcp_elicitation: { accept: 'Submit', decline: 'Decline', cancel: 'Cancel' },
};

const KIND_TITLES: Record<string, string> = {
  command: 'Codex wants to run a command',
  file_change: 'Codex wants to change files',
  question: 'Codex asks you',
  permissions: 'Codex asks for more permissions',
  mcp_elicitation: 'An MCP server asks for input',
};

/** Fields shown in their own way, or not at all. */
const SHOWN = new Set([
  'request_id', 'thread_id', 'turn_id', 'item_id', 'kind', 'available_decisions', 'requested_at', 'expires_at',
  'command', 'cwd', 'reason', 'changes', 'questions', 'permissions', 'elicitation',
]);

export type Answer = (approval: Approval, body: ApprovalAnswer) => Promise<ApprovalResolution>;

export interface ApprovalCard {
  element: HTMLElement;
  resolved(decision: string, by: string): void;
}

function labelOf(kind: string, decision: string): string {
  return KIND_DECISION_LABELS[kind]?.[decision] ?? DECISION_LABELS[decision] ?? decision;
}

export function approvalCard(approval: Approval, answer: Answer): ApprovalCard {
  const kind = String(approval.kind);
  const titleId = `approval-${approval.request_id}-title`;
  const status = h('p', { class: 'status', role: 'status' });
  const details = h('div', { class: 'details' });
  if (approval.command) details.append(h('p', {}, 'Command: ', h('code', {}, approval.command)));
  if (approval.cwd) details.append(h('p', {}, 'In: ', h('code', {}, approval.cwd)));
  if (approval.reason) details.append(h('p', { class: 'reason' }, approval.reason));
  for (const change of approval.changes ?? []) details.append(diffView(change));
  const form = kindForm(approval);
  if (form) details.append(form.element);
  const extra = Object.fromEntries(Object.entries(approval).filter(([name, value]) => !SHOWN.has(name) && value !== null));
  if (Object.keys(extra).length > 0) details.append(h('pre', { class: 'extra', tabindex: 0, 'aria-label': 'Request details' }, JSON.stringify(extra, null, 2)));

  const choices = h('div', { class: 'choices', role: 'group', 'aria-labelledby': titleId });
  const setEnabled = (enabled: boolean) => {
    for (const each of buttons) each.disabled = !enabled || (form?.unavailable.has(each.dataset.decision as ApprovalDecision) ?? false);
    for (const input of details.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
      if (!input.closest('.not-grantable')) input.disabled = !enabled;
    }
  };
  const buttons = approval.available_decisions.map((decision) =>
    button(
      labelOf(kind, decision),
      async () => {
        const body = form ? form.answerFor(decision) : { decision };
        if (typeof body === 'string') {
          status.textContent = body;
          return;
        }
        setEnabled(false);
        status.textContent = 'Sending…';
        try {
          const resolution = await answer(approval, body);
          status.textContent = `Answered: ${labelOf(kind, resolution.decision)}`;
        } catch (error) {
          status.textContent = `Not sent: ${describeError(error)}`;
          setEnabled(true);
        }
      },
      { class: decision.startsWith('accept') ? 'primary' : 'secondary', 'data-decision': decision },
    ),
  );
  choices.append(...buttons);
  setEnabled(true);
  const element = h(
    'section',
    { class: `approval kind-${kind}`, 'aria-labelledby': titleId, 'data-request-id': approval.request_id },
    h('h3', { id: titleId }, KIND_TITLES[kind] ?? `Codex asks (${kind})`),
    details,
    choices,
    status,
  );
  return {
    element,
    resolved(decision, by) {
      setEnabled(false);
      for (const each of buttons) each.disabled = true;
      element.classList.add('resolved');
      const who = by === 'client' ? '' : ` (by ${by.replace('_', ' ')})`;
      status.textContent = `Answered: ${labelOf(kind, decision)}${who}`;
    },
  };
}
