import type { AuthenticatedUser } from '../../src/auth';
import { ApiError } from '../../src/http/errors';

/** The ApiError an authentication attempt fails with; fails the test when it succeeds instead. */
export async function authFailure(promise: Promise<AuthenticatedUser>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected authentication to fail');
}
