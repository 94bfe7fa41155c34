import type { Approval, ApprovalDecision, ApprovalResolution } from '../../src/sdk';
import { button, describeError, h } from './dom';
import { diffView } from './items';

/*
 * A card per approval request with the choices codex offers (`available_decisions`). Rendered from the
 * request's `kind` and whatever fields it carries, so kinds the console does not know yet (questions,
 * permission requests) still show what is asked, with their choices.
 */

const DECISION_LABELS: Record<string, string> = {
  accept: 'Allow once',
  accept_for_session: 'Allow for this session',
  decline: 'Decline',
  cancel: 'Decline and stop the turn',
};

const KIND_TITLES: Record<string, string> = {
  command: 'Codex wants to run a command',
  file_change: 'Codex wants to change files',
};

/** Fields shown in their own way, or not at all. */
const SHOWN = new Set(['request_id', 'thread_id', 'turn_id', 'item_id', 'kind', 'available_decisions', 'requested_at', 'expires_at', 'command', 'cwd', 'reason', 'changes']);

export type Answer = (approval: Approval, decision: ApprovalDecision) => Promise<ApprovalResolution>;

export interface ApprovalCard {
  element: HTMLElement;
  resolved(decision: string, by: string): void;
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
  const extra = Object.fromEntries(Object.entries(approval).filter(([name]) => !SHOWN.has(name)));
  if (Object.keys(extra).length > 0) details.append(h('pre', { class: 'extra', tabindex: 0, 'aria-label': 'Request details' }, JSON.stringify(extra, null, 2)));

  const choices = h('div', { class: 'choices', role: 'group', 'aria-labelledby': titleId });
  const buttons = approval.available_decisions.map((decision) =>
    button(
      DECISION_LABELS[decision] ?? decision,
      async () => {
        for (const each of buttons) each.disabled = true;
        status.textContent = 'Sending…';
        try {
          const resolution = await answer(approval, decision);
          status.textContent = `Answered: ${DECISION_LABELS[resolution.decision] ?? resolution.decision}`;
        } catch (error) {
          status.textContent = `Not sent: ${describeError(error)}`;
          for (const each of buttons) each.disabled = false;
        }
      },
      { class: decision.startsWith('accept') ? 'primary' : 'secondary', 'data-decision': decision },
    ),
  );
  choices.append(...buttons);
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
      for (const each of buttons) each.disabled = true;
      element.classList.add('resolved');
      const who = by === 'client' ? '' : ` (by ${by.replace('_', ' ')})`;
      status.textContent = `Answered: ${DECISION_LABELS[decision] ?? decision}${who}`;
    },
  };
}
