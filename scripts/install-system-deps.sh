#!/usr/bin/env bash
# Installs the Debian 12 packages ETL Monitor needs on one machine (dev, CI): Firebird 3 with the
# employee example, Chromium for browser tests, and Debian's Go + Helm template libraries for
# the offline chart renderer. Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: run as root or install sudo" >&2; exit 1; }
  SUDO=(sudo)
fi

PACKAGES=(
  firebird3.0-server firebird3.0-utils firebird3.0-examples iproute2
  postgresql-15
  chromium
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-gopkg-yaml.v3-dev
  golang-github-xeipuuv-gojsonschema-dev golang-github-burntsushi-toml-dev golang-github-gobwas-glob-dev
  golang-github-robfig-cron-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-system-deps: all packages present"
fi
