#!/usr/bin/env bash
# Proves the Dockerfile without Docker Hub: builds a Node 20 bookworm base from Debian packages
# (mmdebstrap, plus this machine's node binary where node:20-bookworm-slim has it), builds the
# repository's Dockerfile UNCHANGED on top of it with podman (buildah inside), runs the image with host
# networking, waits for /status, runs one chat against a model server outside (the scripted fake in
# tests), then stops the container with SIGTERM and checks it exited cleanly within the grace.
#
# Needs root, mmdebstrap, podman, runc (apt-get install mmdebstrap podman runc uidmap).
# Environment:
#   PROOF_MODEL_URL   OpenAI-compatible base URL the bridge's relay forwards to (required), e.g. http://127.0.0.1:PORT/v1
#   PROOF_MODEL       model name to ask for (default gpt-test)
#   PROOF_PORT        port the bridge listens on, on the host's loopback (default 18000)
#   PROOF_GRACE       SHUTDOWN_GRACE_SECONDS inside the container (default 5)
# Prints `proof: key=value` lines with the figures (build seconds, image size, start-to-ready, stop time).
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${PROOF_MODEL_URL:?set PROOF_MODEL_URL to the model server the bridge should use}"
PROOF_MODEL="${PROOF_MODEL:-gpt-test}"
PROOF_PORT="${PROOF_PORT:-18000}"
PROOF_GRACE="${PROOF_GRACE:-5}"

node_version="$(node --version)"
cache_dir=".cache/image"
base_tar="$cache_dir/base-bookworm-node-${node_version}.tar"
base_image="localhost/codex-bridge-base:bookworm-node-${node_version#v}"
image="localhost/codex-api-bridge:proof"
container="codex-bridge-proof-$$"
data_dir="$(mktemp -d /var/tmp/codex-bridge-proof-XXXXXX)"
work_dir="$(mktemp -d /tmp/codex-bridge-proof-conf-XXXXXX)"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf 'proof: %s\n' "$*"; }

cleanup() {
  podman rm --force --time 0 "$container" >/dev/null 2>&1 || true
  rm -rf "$data_dir" "$work_dir"
}
trap cleanup EXIT

# This VM: cgroup v1 with an empty cgroup2 mount ("hybrid"), which crun refuses, so runc; and hard
# rlimits below podman's defaults (nofile 1048576), so the container gets the host's own limits.
# (runc refuses nproc limits near the host's hard one here, hence at most 32768.)
nproc_limit="$(ulimit -Hu)"; [ "$nproc_limit" = unlimited ] || [ "$nproc_limit" -gt 32768 ] && nproc_limit=32768
cat >"$work_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$nproc_limit:$nproc_limit"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$work_dir/containers.conf"
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=$nproc_limit:$nproc_limit")

mkdir -p "$cache_dir"
if [ ! -s "$base_tar" ]; then
  started="$(now)"
  # This machine reaches the registries through a TLS proxy whose CA is in the host's bundle: the base
  # trusts what the host trusts (as a corporate base image would), node via NODE_EXTRA_CA_CERTS below.
  host_ca="$work_dir/host-trust.crt"
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$host_ca"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  # The layout of the official node:20-bookworm-slim: Debian bookworm, node and npm under /usr/local.
  mmdebstrap --quiet --variant=minbase --include=libstdc++6,ca-certificates \
    --customize-hook="copy-in $(command -v node) /usr/local/bin" \
    --customize-hook='mkdir -p "$1/usr/local/lib/node_modules"' \
    --customize-hook="copy-in $npm_dir /usr/local/lib/node_modules" \
    --customize-hook='mkdir -p "$1/usr/local/share/ca-certificates"' \
    --customize-hook="copy-in $host_ca /usr/local/share/ca-certificates" \
    --customize-hook='ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"; ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    bookworm "${base_tar%.tar}.partial.tar" http://deb.debian.org/debian
  mv "${base_tar%.tar}.partial.tar" "$base_tar"
  say "base_rootfs_seconds=$(elapsed "$started" "$(now)")"
fi
if ! podman image exists "$base_image"; then
  podman import --quiet --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-trust.crt' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]' \
    "$base_tar" "$base_image" >/dev/null
fi

started="$(now)"
podman build --quiet --network host "${limits[@]}" --build-arg "BASE_IMAGE=$base_image" --tag "$image" . >/dev/null
say "build_seconds=$(elapsed "$started" "$(now)")"
say "image_size_mb=$(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f", $1 / 1048576 }')"

# As in README's docker run: root in the container (a uid per user's jail), the capabilities and
# unconfined profiles bubblewrap needs. SECURITY_METHOD=None on loopback: the proof has no Keycloak.
started="$(now)"
podman run --detach --name "$container" --network host "${limits[@]}" \
  --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  --security-opt unmask=ALL \
  --volume "$data_dir:/data" \
  --env SECURITY_METHOD=None --env HOST=127.0.0.1 --env "PORT=$PROOF_PORT" \
  --env ISOLATION=bubblewrap --env "SHUTDOWN_GRACE_SECONDS=$PROOF_GRACE" \
  --env OPENAI_API_KEY=sk-proof-key --env "OPENAI_BASE_URL=$PROOF_MODEL_URL" --env "CODEX_MODEL=$PROOF_MODEL" \
  --env CODEX_REQUEST_MAX_RETRIES=0 --env CODEX_STREAM_MAX_RETRIES=0 \
  "$image" >/dev/null
base_url="http://127.0.0.1:$PROOF_PORT"
for _ in $(seq 1 300); do
  if curl --silent --fail "$base_url/status" >/dev/null 2>&1; then break; fi
  if [ "$(podman inspect --format '{{.State.Running}}' "$container")" != "true" ]; then
    podman logs "$container" >&2 || true
    echo "the container exited before answering /status" >&2
    exit 1
  fi
  sleep 0.1
done
curl --silent --show-error --fail "$base_url/status" >/dev/null
say "start_to_ready_seconds=$(elapsed "$started" "$(now)")"
say "status=$(curl --silent "$base_url/status")"

reply="$(curl --silent --show-error --fail-with-body -X POST "$base_url/chat" \
  -H 'Content-Type: application/json' -H 'Accept: text/event-stream' \
  -d '{"messages":[{"content":"Hello from the image proof"}]}')"
printf '%s\n' "$reply" | grep -q '"status":"completed"' || { printf 'chat failed:\n%s\n' "$reply" >&2; podman logs "$container" >&2; exit 1; }
printf '%s\n' "$reply" | grep -q 'data: \[DONE\]' || { echo 'the stream did not end with [DONE]' >&2; exit 1; }
say "chat=completed"
# The jail really ran: the container's process list had bwrap (as root: a uid of the user's own).
say "jail_processes=$(podman top "$container" args | grep -c '[b]wrap' || true)"

started="$(now)"
# podman stop sends the image's STOPSIGNAL (SIGTERM) to tini, which forwards it to node; SIGKILL only
# after grace + 5 s, which would show as exit code 137.
podman stop --time "$(( PROOF_GRACE + 5 ))" "$container" >/dev/null
say "sigterm_stop_seconds=$(elapsed "$started" "$(now)")"
exit_code="$(podman inspect --format '{{.State.ExitCode}}' "$container")"
say "exit_code=$exit_code"
if [ "$exit_code" != "0" ]; then
  podman logs "$container" >&2 || true
  echo "the bridge did not stop cleanly on SIGTERM (exit code $exit_code)" >&2
  exit 1
fi
say "ok"
