import type { AuthenticatedUser } from '../../src/auth';
import { DomainError } from '../../src/errors';

/** The DomainError an authentication attempt fails with; fails the test when it succeeds instead. */
export async function authFailure(promise: Promise<AuthenticatedUser>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected authentication to fail');
}
