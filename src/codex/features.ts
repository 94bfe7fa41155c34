import type { Config } from '../config/env';

/*
 * Codex 0.171 offers its `request_user_input` tool in plan mode only, and its `request_permissions`
 * tool only behind a feature flag. The bridge turns them on when a person can answer them: questions
 * unless CODEX_USER_QUESTIONS=false, permission requests only when the operator lets callers grant
 * something (CODEX_GRANTABLE_PERMISSIONS); otherwise the model would only ever hear "no".
 */
export function featureArgs(config: Pick<Config, 'userQuestions' | 'ceiling'>): string[] {
  const args: string[] = [];
  if (config.userQuestions) args.push('-c', 'features.default_mode_request_user_input=true');
  if (config.ceiling.grantablePermissions.length > 0) args.push('-c', 'features.request_permissions_tool=true');
  return args;
}
