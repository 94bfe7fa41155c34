import type { AuthenticatedUser, Authenticator, AuthRequest } from './types';

export const DEFAULT_USER_ID = 'default';

/**
 * SECURITY_METHOD=None: no credentials are checked. Everyone is the `default` user unless the
 * deployment explicitly lets callers pick a user id (a trusted network or a gateway in front).
 */
export class NoneAuthenticator implements Authenticator {
  readonly method = 'none';

  constructor(private readonly allowUserIdOverride: boolean) {}

  authenticate(request: AuthRequest): Promise<AuthenticatedUser> {
    const override = request.userIdOverride?.trim();
    if (this.allowUserIdOverride && override) {
      return Promise.resolve({ id: override, source: 'override' });
    }
    return Promise.resolve({ id: DEFAULT_USER_ID, source: 'default' });
  }
}
