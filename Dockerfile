# syntax=docker/dockerfile:1
# The Codex API Bridge as a container: compiled JavaScript (no tsx), codex's native binary from npm,
# bubblewrap + util-linux (setpriv, prlimit) for the per-user jails, tini as PID 1 forwarding signals.
#
#   docker build -t codex-api-bridge .
#   docker run --rm -p 8000:8000 -v codex-data:/data --env-file .env \
#     --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#     --security-opt systempaths=unconfined codex-api-bridge
#
# Why those options: the bridge runs as root inside the container so that every user's jail gets a uid
# of its own (ISOLATION_UID_BASE); bubblewrap then needs CAP_SYS_ADMIN for its mount/pid namespaces, a
# seccomp/AppArmor profile that lets it call mount() and unshare(), and an unmasked /proc to mount the
# jail's own /proc. See README "Running in production" for what each one buys and the rootless variant.
#
# BASE_IMAGE: any Debian bookworm image with Node 20 at /usr/local/bin (the official one by default;
# scripts/image/build-proof.sh passes one built from Debian packages, since CI cannot pull images).
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json openapi.yaml ./
COPY generated ./generated
COPY src ./src
COPY console ./console
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE_IMAGE}
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap util-linux tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json /app/openapi.yaml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Multi-user by default: Keycloak in front, listening on every interface of the container. A grace of 5 s
# plus the few seconds codex takes to stop fits `docker stop`'s default 10 s; with a longer grace raise
# --stop-timeout (compose: stop_grace_period) above it.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    SECURITY_METHOD=Keycloak \
    BASE_DATA_DIR=/data \
    SHUTDOWN_GRACE_SECONDS=5
VOLUME /data
EXPOSE 8000
STOPSIGNAL SIGTERM
# tini is PID 1: it forwards SIGTERM/SIGINT to node and reaps any orphan; node drains turns and stops codex.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
