import type { Approval, ApprovalAnswer, ApprovalDecision, ApprovalQuestion, Elicitation, PermissionAsked } from '../../src/sdk';
import { h } from './dom';

/*
 * The inputs of the approval kinds that ask for more than a decision: questions (radio buttons per
 * option, a text or password field where codex accepts any answer), permissions (a checkbox per
 * permission, the ones the operator's ceiling refuses disabled with the reason) and MCP elicitations
 * (a field per property of the requested schema). Each turns a decision button into the answer body of
 * its kind, or says what is missing.
 */

export interface KindForm {
  element: HTMLElement;
  /** The body for a decision, or a sentence saying what the person still has to fill in. */
  answerFor(decision: ApprovalDecision): ApprovalAnswer | string;
  /** Decisions that cannot be taken at all (e.g. granting when nothing asked is grantable). */
  unavailable: Set<ApprovalDecision>;
}

let fieldCounter = 0;
function fieldId(prefix: string): string {
  fieldCounter += 1;
  return `${prefix}-${fieldCounter}`;
}

const OTHER = '\u0000other';

function questionFieldset(question: ApprovalQuestion): { element: HTMLElement; value(): string | undefined } {
  const name = fieldId('question');
  const legend = h('legend', {}, h('strong', {}, question.header), question.header && question.question ? ': ' : '', question.question);
  const fieldset = h('fieldset', { class: 'question', 'data-question-id': question.id }, legend);
  for (const option of question.options) {
    const id = fieldId('option');
    fieldset.append(
      h(
        'div',
        { class: 'option' },
        h('input', { type: 'radio', id, name, value: option.label }),
        h('label', { for: id }, option.label, option.description ? h('span', { class: 'muted' }, ` — ${option.description}`) : null),
      ),
    );
  }
  let free: HTMLInputElement | undefined;
  if (question.allows_other || question.secret || question.options.length === 0) {
    const id = fieldId('other');
    const radioId = fieldId('option');
    const onlyFree = question.options.length === 0;
    free = h('input', {
      type: question.secret ? 'password' : 'text',
      id,
      autocomplete: question.secret ? 'off' : undefined,
      'data-other-for': question.id,
    });
    const radio = onlyFree ? null : h('input', { type: 'radio', id: radioId, name, value: OTHER, 'aria-label': 'Another answer' });
    const input = free;
    input.addEventListener('input', () => {
      if (radio && input.value) radio.checked = true;
    });
    fieldset.append(
      h(
        'div',
        { class: 'option other' },
        radio,
        h('label', { for: id }, question.secret ? 'Answer (hidden)' : onlyFree ? 'Answer' : 'Other answer'),
        input,
      ),
    );
  }
  return {
    element: fieldset,
    value() {
      const picked = fieldset.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`);
      if (picked && picked.value !== OTHER) return picked.value;
      const text = free?.value.trim();
      return text ? text : undefined;
    },
  };
}

export function questionForm(questions: ApprovalQuestion[]): KindForm {
  const fields = questions.map((question) => ({ question, field: questionFieldset(question) }));
  return {
    element: h('div', { class: 'questions' }, ...fields.map(({ field }) => field.element)),
    unavailable: new Set(),
    answerFor(decision) {
      if (decision !== 'accept') return { decision };
      const answers: Record<string, string> = {};
      for (const { question, field } of fields) {
        const value = field.value();
        if (value === undefined) return `Answer “${question.header || question.question}” first.`;
        answers[question.id] = value;
      }
      return { answers };
    },
  };
}

function permissionText(permission: PermissionAsked): string {
  if (permission.type === 'network') return 'Network access for its commands';
  return `${permission.access ?? 'access'} access to ${permission.path ?? '(unnamed path)'}`;
}

export function permissionsForm(permissions: PermissionAsked[]): KindForm {
  const boxes = permissions.map((permission) => {
    const id = fieldId('permission');
    const box = h('input', { type: 'checkbox', id, checked: permission.grantable, disabled: !permission.grantable });
    const element = h(
      'li',
      { class: permission.grantable ? 'grantable' : 'not-grantable' },
      box,
      h('label', { for: id }, permissionText(permission)),
      permission.grantable ? null : h('span', { class: 'muted' }, ` — cannot be granted: ${permission.not_grantable_reason ?? 'not allowed here'}`),
    );
    return { permission, box, element };
  });
  const noneGrantable = !permissions.some((permission) => permission.grantable);
  return {
    element: h('ul', { class: 'permissions', 'aria-label': 'Permissions asked' }, ...boxes.map(({ element }) => element)),
    unavailable: new Set(noneGrantable ? ['accept', 'accept_for_session'] : []),
    answerFor(decision) {
      if (decision !== 'accept' && decision !== 'accept_for_session') return { decision };
      const chosen = boxes.filter(({ box }) => box.checked).map(({ permission }) => permission);
      if (chosen.length === 0) return 'Tick at least one permission, or decline.';
      if (chosen.length === permissions.length) return { decision };
      const fileSystem = chosen.flatMap((permission) =>
        permission.type === 'file_system' && permission.path && permission.access ? [{ path: permission.path, access: permission.access }] : [],
      );
      return {
        decision,
        permissions: {
          ...(chosen.some((permission) => permission.type === 'network') ? { network: true } : {}),
          ...(fileSystem.length > 0 ? { file_system: fileSystem } : {}),
        },
      };
    },
  };
}

interface PropertySchema {
  type?: unknown;
  title?: unknown;
  description?: unknown;
  enum?: unknown;
  default?: unknown;
}

type FieldValue = () => unknown;

function elicitationField(name: string, schema: PropertySchema, required: boolean): { element: HTMLElement; value: FieldValue } {
  const id = fieldId('field');
  const title = typeof schema.title === 'string' ? schema.title : name;
  const hint = typeof schema.description === 'string' ? h('span', { class: 'muted' }, ` — ${schema.description}`) : null;
  const label = h('label', { for: id }, title, required ? ' (required)' : '', hint);
  if (Array.isArray(schema.enum)) {
    const select = h('select', { id, required }, h('option', { value: '' }, '—'), ...schema.enum.map((choice) => h('option', { value: String(choice) }, String(choice))));
    return { element: h('div', { class: 'field' }, label, select), value: () => schema.enum && (schema.enum as unknown[]).find((choice) => String(choice) === select.value) };
  }
  if (schema.type === 'boolean') {
    const box = h('input', { type: 'checkbox', id, checked: schema.default === true });
    return { element: h('div', { class: 'field checkbox' }, box, label), value: () => box.checked };
  }
  const numeric = schema.type === 'number' || schema.type === 'integer';
  const input = h('input', { type: numeric ? 'number' : 'text', id, required, step: schema.type === 'integer' ? 1 : numeric ? 'any' : undefined });
  if (schema.default !== undefined && schema.default !== null) input.value = String(schema.default);
  return {
    element: h('div', { class: 'field' }, label, input),
    value: () => (input.value === '' ? undefined : numeric ? Number(input.value) : input.value),
  };
}

export function elicitationForm(elicitation: Elicitation): KindForm {
  const element = h('div', { class: 'elicitation' }, h('p', {}, h('strong', {}, elicitation.server), ': ', elicitation.message));
  if (elicitation.mode === 'url' && elicitation.url)
    element.append(h('p', {}, h('a', { href: elicitation.url, target: '_blank', rel: 'noopener noreferrer' }, elicitation.url)));
  const schema = elicitation.requested_schema ?? {};
  const properties = (typeof schema.properties === 'object' && schema.properties !== null ? schema.properties : {}) as Record<string, PropertySchema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const fields = Object.entries(properties).map(([name, property]) => ({ name, ...elicitationField(name, property, required.has(name)) }));
  element.append(...fields.map(({ element: field }) => field));
  return {
    element,
    unavailable: new Set(),
    answerFor(decision) {
      if (decision !== 'accept' || fields.length === 0) return { decision };
      const content: Record<string, unknown> = {};
      for (const field of fields) {
        const value = field.value();
        if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
          if (required.has(field.name)) return `Fill in “${field.name}” first.`;
          continue;
        }
        content[field.name] = value;
      }
      return { decision, content };
    },
  };
}

/** The form of an approval's kind, when it has one. */
export function kindForm(approval: Approval): KindForm | undefined {
  if (approval.kind === 'question' && approval.questions) return questionForm(approval.questions);
  if (approval.kind === 'permissions' && approval.permissions) return permissionsForm(approval.permissions);
  if (approval.kind === 'mcp_elicitation' && approval.elicitation) return elicitationForm(approval.elicitation);
  return undefined;
}
