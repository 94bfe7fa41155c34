/**
 * Which replica runs a user's codex. One process owns every user; several replicas (src/cluster) take a
 * lease per user in Redis, and a replica starts a user's app-server only while it holds that lease.
 */
export interface UserOwnership {
  /** Resolves once this replica holds the user's lease; throws a 503 DomainError when another one does. */
  claim(userKey: string): Promise<void>;
  /** Gives the lease up (idle stop, drain), so that another replica may take the user at once. */
  release(userKey: string): Promise<void>;
  /**
   * Called when a lease could not be renewed in time: the replica must stop that user's app-server at once,
   * before the lease runs out and another replica may start one.
   */
  onLost(listener: (userKey: string) => void): void;
  /** The fencing token of the lease this replica holds now, if any: writes of shared records carry it. */
  tokenOf(userKey: string): number | undefined;
}

/** The single-process bridge: it owns every user, always. */
export const SOLE_OWNER: UserOwnership = {
  claim: () => Promise.resolve(),
  release: () => Promise.resolve(),
  onLost: () => undefined,
  tokenOf: () => 0,
};
