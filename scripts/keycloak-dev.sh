#!/usr/bin/env bash
# A local Keycloak for the bridge, in one command: `npm run keycloak:dev -- [options]`.
#
# Starts the cached Keycloak distribution (fetched by scripts/keycloak.sh) in dev mode on loopback
# with an in-memory database, creates the realm of deploy/keycloak/codex-bridge-realm.json, gives the
# bridge's client a random secret, optionally creates users, and prints the bridge's variables for
# .env on stdout (everything else goes to stderr). Runs in the foreground: Ctrl-C (or SIGTERM) stops
# Keycloak and exits. Keycloak's data lives in memory: each start begins with a fresh realm.
#
#   --port N                 Keycloak's HTTP port (default 8080); tokens' issuer is http://localhost:N
#   --management-port N      health and metrics port (default 9000): http://localhost:N/health/ready
#   --user NAME              create a user with the realm role codex-user (repeatable) ...
#   --password PW            ... with this password (visible in `ps` while the script runs; leave it
#                            out to be asked, or set KEYCLOAK_DEV_PASSWORD)
#   --state-dir DIR          admin password, bridge secret, kcadm config, log (default
#                            ${XDG_STATE_HOME:-~/.local/state}/codex-api-bridge/keycloak-dev: outside
#                            the repository, which agents may be able to read as their working dir)
#
# Environment: JAVA_HOME (Java 21 or 25 preferred; 17 still starts), KEYCLOAK_VERSION, KEYCLOAK_CACHE_DIR,
# KC_BOOTSTRAP_ADMIN_PASSWORD (default: random, kept in the state dir).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${KEYCLOAK_VERSION:-26.7.3}"
cache_dir="${KEYCLOAK_CACHE_DIR:-$repo_root/.cache/keycloak}"
realm_file="$repo_root/deploy/keycloak/codex-bridge-realm.json"
realm=codex
bridge_client=codex-bridge
users_client=codex-cli
user_role=codex-user

port=8080
management_port=9000
state_dir="${XDG_STATE_HOME:-$HOME/.local/state}/codex-api-bridge/keycloak-dev"
users=()
passwords=()

die() { echo "keycloak:dev: $*" >&2; exit 1; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) need_value "$@"; port="$2"; shift 2 ;;
    --management-port) need_value "$@"; management_port="$2"; shift 2 ;;
    --user) need_value "$@"; users+=("$2"); passwords+=(""); shift 2 ;;
    --password)
      need_value "$@"
      [[ ${#users[@]} -gt 0 ]] || die "--password must follow --user NAME"
      passwords[${#passwords[@]}-1]="$2"
      shift 2 ;;
    --state-dir) need_value "$@"; state_dir="$2"; shift 2 ;;
    -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && "$management_port" =~ ^[0-9]+$ ]] || die "ports must be numbers"
[[ "$port" != "$management_port" ]] || die "--port and --management-port must differ"

for index in "${!users[@]}"; do
  [[ "${users[$index]}" =~ ^[A-Za-z0-9._@-]+$ ]] || die "user name '${users[$index]}' may only use letters, digits and . _ @ -"
  if [[ -z "${passwords[$index]}" ]]; then
    if [[ -n "${KEYCLOAK_DEV_PASSWORD:-}" ]]; then
      passwords[index]="$KEYCLOAK_DEV_PASSWORD"
    elif [[ -t 0 ]]; then
      read -rsp "Password for ${users[$index]}: " "passwords[index]" && echo >&2
    fi
    [[ -n "${passwords[$index]}" ]] || die "no password for user '${users[$index]}' (--password, KEYCLOAK_DEV_PASSWORD or a terminal to ask)"
  fi
done

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for candidate in "$port" "$management_port"; do
  ! port_in_use "$candidate" || die "port $candidate on 127.0.0.1 is already in use (another Keycloak? choose --port/--management-port)"
done

bash "$repo_root/scripts/keycloak.sh" >&2
home="$cache_dir/keycloak-$version"

mkdir -p -m 700 "$state_dir"
chmod 700 "$state_dir"
umask 077
log_file="$state_dir/keycloak-$port.log"
kcadm_config="$state_dir/kcadm-$port.config"
rm -f "$kcadm_config"

random_secret() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
# The admin password and the bridge's secret are random and kept (mode 0600) across restarts, so
# the printed .env stays valid; delete the state dir to get new ones.
admin_password_file="$state_dir/admin-password"
[[ -s "$admin_password_file" ]] || random_secret >"$admin_password_file"
if [[ -n "${KC_BOOTSTRAP_ADMIN_PASSWORD:-}" ]]; then
  admin_password="$KC_BOOTSTRAP_ADMIN_PASSWORD" admin_password_hint="from KC_BOOTSTRAP_ADMIN_PASSWORD"
else
  admin_password="$(cat "$admin_password_file")" admin_password_hint="in $admin_password_file"
fi
bridge_secret_file="$state_dir/bridge-client-secret"
[[ -s "$bridge_secret_file" ]] || random_secret >"$bridge_secret_file"
bridge_secret="$(cat "$bridge_secret_file")"

base_url="http://localhost:$port"
health_url="http://localhost:$management_port/health/ready"
kc_pid=""

stop_keycloak() {
  [[ -n "$kc_pid" ]] || return 0
  if kill -0 "$kc_pid" 2>/dev/null; then
    echo "Stopping Keycloak (pid $kc_pid)..." >&2
    kill -TERM "$kc_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$kc_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$kc_pid" 2>/dev/null || true
  fi
  wait "$kc_pid" 2>/dev/null || true
  kc_pid=""
  echo "Keycloak stopped." >&2
}
on_signal() { stop_keycloak; exit 0; }
on_exit() {
  local status=$?
  if [[ -n "$kc_pid" ]]; then
    echo "keycloak:dev failed; last lines of $log_file:" >&2
    tail -n 30 "$log_file" >&2 || true
    stop_keycloak
  fi
  exit "$status"
}
trap on_signal INT TERM
trap on_exit EXIT

echo "Starting Keycloak $version on $base_url (management: $health_url, log: $log_file)..." >&2
started=$SECONDS
# `--hostname` fixes the issuer of every token to http://localhost:PORT, whichever address a client uses.
KC_BOOTSTRAP_ADMIN_USERNAME=admin \
KC_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:--Xms256m -Xmx768m}" \
  "$home/bin/kc.sh" start-dev \
  --http-host=127.0.0.1 --http-port="$port" --hostname="$base_url" \
  --health-enabled=true --http-management-port="$management_port" \
  --db=dev-mem </dev/null >"$log_file" 2>&1 &
kc_pid=$!

ready=false
for _ in $(seq 1 360); do
  kill -0 "$kc_pid" 2>/dev/null || die "Keycloak exited during start-up"
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$health_url" || true)" == 200 ]]; then
    ready=true
    break
  fi
  sleep 0.5
done
$ready || die "Keycloak was not ready within 180 s"
echo "Keycloak ready in $((SECONDS - started)) s; creating realm '$realm'..." >&2

kcadm() { "$home/bin/kcadm.sh" "$@" --config "$kcadm_config"; }

# The realm goes in as one representation: the shipped file plus, added here, the bridge's secret
# and the users with the role. Secrets travel through exported variables (builtins) and stdin, never
# a command line, which every local user can read in `ps`.
realm_representation() (
  for index in "${!users[@]}"; do
    export "DEV_USER_$index=${users[$index]}" "DEV_PASSWORD_$index=${passwords[$index]}"
  done
  export DEV_USER_COUNT="${#users[@]}" REALM_FILE="$realm_file" BRIDGE_CLIENT="$bridge_client" \
    BRIDGE_SECRET="$bridge_secret" USER_ROLE="$user_role"
  node -e '
    const env = process.env;
    const realm = JSON.parse(require("node:fs").readFileSync(env.REALM_FILE, "utf8"));
    const bridge = realm.clients.find((client) => client.clientId === env.BRIDGE_CLIENT);
    if (!bridge) throw new Error(`the realm file has no client ${env.BRIDGE_CLIENT}`);
    bridge.secret = env.BRIDGE_SECRET;
    realm.users = Array.from({ length: Number(env.DEV_USER_COUNT) }, (_, index) => {
      const username = env[`DEV_USER_${index}`];
      return {
        username,
        enabled: true,
        email: `${username}@example.invalid`,
        emailVerified: true,
        firstName: username,
        lastName: "Dev",
        credentials: [{ type: "password", value: env[`DEV_PASSWORD_${index}`], temporary: false }],
        // Listed roles replace the default role of the realm on import: keep it, as the console does.
        realmRoles: [`default-roles-${realm.realm.toLowerCase()}`, env.USER_ROLE],
      };
    });
    process.stdout.write(JSON.stringify(realm));
  '
)

KC_CLI_PASSWORD="$admin_password" kcadm config credentials --server "$base_url" --realm master --user admin >/dev/null
realm_representation | kcadm create realms -f - >/dev/null
for user in ${users[@]+"${users[@]}"}; do echo "Created user '$user' with the realm role $user_role." >&2; done

cat <<EOF
# Codex API Bridge -> Keycloak (npm run keycloak:dev). Paste into .env.
SECURITY_METHOD=Keycloak
KEYCLOAK_BASE_URL=$base_url
KEYCLOAK_REALM=$realm
KEYCLOAK_CLIENT_ID=$bridge_client
KEYCLOAK_CLIENT_SECRET=$bridge_secret
KEYCLOAK_REQUIRED_ROLE=$user_role
KEYCLOAK_AUDIENCE=$bridge_client
EOF
cat >&2 <<EOF

Keycloak $version is running ($((SECONDS - started)) s). Users get tokens from the public client '$users_client'.
  Admin console: $base_url/admin/ (user admin, password $admin_password_hint)
  Health:        $health_url
  Log:           $log_file
Press Ctrl-C to stop it. Its data lives in memory: the next start is a fresh realm (same bridge secret).
EOF

wait "$kc_pid" || true
kc_pid=""
die "Keycloak exited on its own; see $log_file"
