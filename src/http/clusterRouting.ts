import type { RequestHandler } from 'express';
import type { Cluster } from '../cluster';
import { FORWARD_KEY_HEADER } from '../cluster';
import type { AuthenticatedUser } from '../auth/types';
import { userDirectoryName } from '../codex/userDirectory';
import type { Logger } from '../logger';

/**
 * Several replicas: after authentication, before the body is read, a request of a user another replica
 * owns is piped there whole (streams included), so that the client never has to know who owns whom. A
 * request another replica forwarded here is served here. The proxy in front hashes on the user, so this
 * is the exception: a user that just moved, a proxy that cannot see the user, a client that names a replica.
 */
export function clusterRouting(cluster: Pick<Cluster, 'route' | 'forwarder' | 'ownerUnreachable' | 'isForwarded'> | undefined, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const user = res.locals.user as AuthenticatedUser | undefined;
    if (!cluster || !user || cluster.isForwarded(req.get(FORWARD_KEY_HEADER))) {
      next();
      return;
    }
    cluster
      .route(userDirectoryName(user.id))
      .then((route) => {
        if (route.kind === 'local') return next();
        if (route.kind === 'unavailable') return next(route.error);
        cluster.forwarder.forward(req, res, route.url, req.originalUrl, (failure) => {
          if (failure.phase === 'connect') next(cluster.ownerUnreachable(route.replica));
          else logger.warn({ err: failure.error.message, owner: route.replica }, 'the owner of the user stopped answering mid-response');
        });
      })
      .catch(next);
  };
}
