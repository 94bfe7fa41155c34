import { parseReview } from '../../src/codex/review';
import { applyNotification } from '../../src/codex/turnEvents';
import { TurnRun } from '../../src/codex/turnRun';

/* Codex's review text read back into findings, and its plan and diff notifications told as typed events. */

describe('parseReview', () => {
  it('reads every finding of codex 0.171’s layout: title, priority tag, location, multi-line body', () => {
    const text = [
      'The change breaks the counter.',
      '',
      'Full review comments:',
      '',
      '- [P1] Counter is never reset — /work/space/counter.js:2-3',
      '  The loop reads `count` after it was freed.',
      '  Reset it first.',
      '',
      '- Typo — in a comment — /work/space/a b.txt:10-10',
      '  Minor.',
    ].join('\n');
    expect(parseReview('r1', text)).toEqual({
      type: 'review',
      id: 'r1',
      text,
      explanation: 'The change breaks the counter.',
      findings: [
        {
          title: '[P1] Counter is never reset',
          body: 'The loop reads `count` after it was freed.\nReset it first.',
          priority: 1,
          path: '/work/space/counter.js',
          start_line: 2,
          end_line: 3,
        },
        { title: 'Typo — in a comment', body: 'Minor.', priority: null, path: '/work/space/a b.txt', start_line: 10, end_line: 10 },
      ],
    });
  });

  it('takes the older `--` separator, and text without findings stays the explanation', () => {
    const older = parseReview('r2', 'Fine.\n\nReview comment:\n\n- [P3] Nit -- /x.ts:1-2\n  Small.');
    expect(older.findings).toEqual([{ title: '[P3] Nit', body: 'Small.', priority: 3, path: '/x.ts', start_line: 1, end_line: 2 }]);
    expect(parseReview('r3', 'Reviewer failed to output a response.')).toMatchObject({
      explanation: 'Reviewer failed to output a response.',
      findings: [],
    });
  });
});

describe('plan and diff notifications', () => {
  const ids = { threadId: 't', turnId: 'u' };
  const apply = (run: TurnRun, method: string, params: Record<string, unknown>) =>
    applyNotification(run, { method, params: { ...ids, ...params } }, () => undefined);

  it('turn/plan/updated becomes plan.updated with snake_case statuses, kept as the turn’s plan', () => {
    const run = new TurnRun('t', 'u', false, false);
    apply(run, 'turn/plan/updated', {
      explanation: null,
      plan: [
        { step: 'a', status: 'completed' },
        { step: 'b', status: 'inProgress' },
        { step: 'c', status: 'pending' },
      ],
    });
    const plan = { explanation: null, steps: [{ step: 'a', status: 'completed' }, { step: 'b', status: 'in_progress' }, { step: 'c', status: 'pending' }] };
    expect(run.events.at(-1)?.event).toEqual({ type: 'plan.updated', thread_id: 't', turn_id: 'u', plan });
    expect(run.toState().plan).toEqual(plan);
  });

  it('diff.updated events stop at the turn’s byte cap, the turn’s diff stays the latest', () => {
    const run = new TurnRun('t', 'u', false, false, 1000);
    apply(run, 'turn/diff/updated', { diff: 'small' });
    apply(run, 'turn/diff/updated', { diff: 'x'.repeat(2000) });
    expect(run.events.filter(({ event }) => event.type === 'diff.updated')).toHaveLength(1);
    expect(run.toState().diff).toBe('x'.repeat(2000));
    expect(run.toResult().diff).toBe('x'.repeat(2000));
  });
});
