#!/usr/bin/env bash
# Pre-fetches Keycloak's server distribution into the cache the Keycloak test suite reuses
# (test/support/keycloak.ts), so CI downloads it once, before the tests, where a failure is obvious.
# Idempotent: does nothing when the distribution is already extracted. (mvn also keeps the archive in
# ~/.m2, so re-extracting after the cache folder is deleted needs no network.)
#
#   KEYCLOAK_VERSION    distribution version (default below; keep it in sync with test/support/keycloak.ts)
#   KEYCLOAK_CACHE_DIR  where distributions live (default: <repo>/.cache/keycloak, git-ignored)
set -euo pipefail

version="${KEYCLOAK_VERSION:-26.7.3}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${KEYCLOAK_CACHE_DIR:-$repo_root/.cache/keycloak}"
home="$cache_dir/keycloak-$version"

if [[ -x "$home/bin/kc.sh" ]]; then
  echo "Keycloak $version already cached in $home (nothing downloaded)"
  exit 0
fi

command -v mvn >/dev/null || { echo "mvn is required to download Keycloak $version" >&2; exit 1; }

mkdir -p "$cache_dir"
# Download and extract beside the final folder, then rename: an interrupted run never leaves a
# half-extracted distribution that a later run would mistake for a complete one.
work="$(mktemp -d "$cache_dir/.download-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "Downloading org.keycloak:keycloak-quarkus-dist:$version:tar.gz from Maven Central..."
started=$SECONDS
# A 3.x dependency plugin is named explicitly: the one Maven 3.8 picks by default has no 'copy' with -Dartifact.
if ! mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  "-Dartifact=org.keycloak:keycloak-quarkus-dist:$version:tar.gz" \
  "-DoutputDirectory=$work" >"$work/mvn.log" 2>&1; then
  cat "$work/mvn.log" >&2
  echo "mvn could not download Keycloak $version" >&2
  exit 1
fi
tar -xzf "$work/keycloak-quarkus-dist-$version.tar.gz" -C "$work"
[[ -x "$work/keycloak-$version/bin/kc.sh" ]] || { echo "archive has no keycloak-$version/bin/kc.sh" >&2; exit 1; }
rm -rf "$home"
mv "$work/keycloak-$version" "$home"
echo "Keycloak $version downloaded and extracted to $home in $((SECONDS - started)) s"
