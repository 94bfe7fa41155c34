import { z } from 'zod';
import type { components } from '../../generated/api';
import { ValidationError } from '../errors';
import type { ApprovalQuestion } from './approvalSchemas';

/** codex's `item/tool/requestUserInput` params (0.171, experimental): 1-3 questions with options. */
export const questionParams = z.object({
  itemId: z.string().optional(),
  questions: z
    .array(
      z.object({
        id: z.string(),
        header: z.string().default(''),
        question: z.string(),
        isOther: z.boolean().default(false),
        isSecret: z.boolean().default(false),
        options: z
          .array(z.object({ label: z.string(), description: z.string().default('') }))
          .nullable()
          .optional(),
      }),
    )
    .min(1),
});

export const QUESTION_METHOD = 'item/tool/requestUserInput';

/** Codex's questions in the bridge's words; throws (zod) on a shape the bridge does not know. */
export function describeQuestions(params: Record<string, unknown>): ApprovalQuestion[] {
  return questionParams.parse(params).questions.map((question) => ({
    id: question.id,
    header: question.header,
    question: question.question,
    options: question.options ?? [],
    // Without options there is nothing to pick: only a free-form answer can be given.
    allows_other: question.isOther || !question.options?.length,
    secret: question.isSecret,
  }));
}

export type Answers = Record<string, string[]>;
type GivenAnswers = NonNullable<components['schemas']['ApprovalAnswer']['answers']>;

/** Checks a client's answers against the questions asked; each problem names its field. */
export function checkAnswers(questions: ApprovalQuestion[], given: GivenAnswers): Answers {
  const byId = new Map(questions.map((question) => [question.id, question]));
  const problems = [];
  const answers: Answers = {};
  for (const [id, value] of Object.entries(given)) {
    const field = `/body/answers/${id}`;
    const question = byId.get(id);
    if (!question) {
      problems.push({ field, message: `no such question (asked: ${[...byId.keys()].join(', ')})` });
      continue;
    }
    const values = typeof value === 'string' ? [value] : value;
    const labels = question.options.map((option) => option.label);
    const unknown = values.find((entry) => !labels.includes(entry));
    // A secret answer is never repeated back, not even in an error.
    if (!question.allows_other && unknown !== undefined)
      problems.push({
        field,
        message: `${question.secret ? 'the answer' : `'${unknown}'`} is not an option (${labels.join(', ')})`,
      });
    answers[id] = values;
  }
  if (Object.keys(answers).length === 0 && problems.length === 0)
    problems.push({ field: '/body/answers', message: 'answer at least one question (or decline)' });
  if (problems.length > 0) throw new ValidationError('the answers do not fit the questions asked', problems);
  return answers;
}

/** What codex expects back: answers by question id; none when the user declined or nobody answered. */
export function questionResponse(answers: Answers | undefined): { answers: Record<string, { answers: string[] }> } {
  return {
    answers: Object.fromEntries(Object.entries(answers ?? {}).map(([id, values]) => [id, { answers: values }])),
  };
}
