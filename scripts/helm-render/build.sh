#!/bin/sh
# Builds helm-render with Debian 12's Go and Go library packages, offline (no module downloads).
# Usage: scripts/helm-render/build.sh [OUTPUT]   (default: .cache/helm-render/helm-render in the repo)
# GOPATH mode: go.mod must sit beside main.go inside GOPATH/src so that the ".../sprig/v3" import
# resolves to Debian's /usr/share/gocode/src/github.com/Masterminds/sprig (minimal module compatibility).
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$SRC/../../.cache/helm-render/helm-render}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
command -v go >/dev/null || { echo "build.sh: 'go' not found; run scripts/install-system-deps.sh" >&2; exit 127; }
mkdir -p "$(dirname "$OUT")"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/src/helmrender" && cp "$SRC/main.go" "$SRC/go.mod" "$W/src/helmrender/"
cd "$W/src/helmrender"
# No -trimpath: it would rebuild Debian's precompiled standard library (~20 s instead of ~4 s).
GO111MODULE=off GOPATH="$W:/usr/share/gocode" GOCACHE="${GOCACHE:-$SRC/../../.cache/go-build}" GOFLAGS= go build -o "$OUT" .
