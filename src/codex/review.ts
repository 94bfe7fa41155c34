import type { components } from '../../generated/api';
import type { z } from 'zod';
import type { ReviewItem } from './bridgeEvents';
import type { reviewStartParams } from './requests';

type ReviewTarget = components['schemas']['ReviewTarget'];

/** The API's review target -> codex's `ReviewTarget`. */
export function codexReviewTarget(target: ReviewTarget): z.input<typeof reviewStartParams>['target'] {
  switch (target.type) {
    case 'uncommitted_changes':
      return { type: 'uncommittedChanges' };
    case 'base_branch':
      return { type: 'baseBranch', branch: target.branch };
    case 'commit':
      return { type: 'commit', sha: target.sha, title: target.title ?? null };
    case 'custom':
      return { type: 'custom', instructions: target.instructions };
  }
}

/*
 * Codex tells a review's outcome only as text (the `exitedReviewMode` item), rendered by its
 * render_review_output_text: the overall explanation, a blank line, then "Review comment:" (or
 * "Full review comments:") and one entry per finding:
 *
 *   - [P1] Title — /abs/path/file.ts:12-14
 *     body line
 *     body line
 *
 * The findings are read back from that layout; text that does not follow it stays in `explanation`.
 */

const FINDINGS_HEADING = /^(Review comment|Full review comments):$/m;
/** Codex 0.171 separates title and location with an em dash; older releases wrote `--`. */
const FINDING_LINE = /^- (.+) (?:—|--) (.+):(\d+)-(\d+)$/;
const PRIORITY_TAG = /^\[P(\d)\]/;

type Finding = ReviewItem['findings'][number];

export function parseReview(id: string, text: string): ReviewItem {
  const heading = FINDINGS_HEADING.exec(text);
  if (!heading) return { type: 'review', id, text, explanation: text.trim(), findings: [] };
  const explanation = text.slice(0, heading.index).trim();
  const findings: Finding[] = [];
  let body: string[] | undefined;
  const close = (): void => {
    const last = findings[findings.length - 1];
    if (last && body) last.body = body.join('\n').trim();
    body = undefined;
  };
  for (const line of text.slice(heading.index + heading[0].length).split('\n')) {
    const entry = FINDING_LINE.exec(line);
    if (entry) {
      close();
      const [, title = '', path = '', start = '0', end = '0'] = entry;
      const priority = PRIORITY_TAG.exec(title);
      findings.push({
        title,
        body: '',
        priority: priority ? Number(priority[1]) : null,
        path,
        start_line: Number(start),
        end_line: Number(end),
      });
      body = [];
    } else if (body) {
      body.push(line.startsWith('  ') ? line.slice(2) : line);
    }
  }
  close();
  return { type: 'review', id, text, explanation, findings };
}
