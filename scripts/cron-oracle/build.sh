#!/bin/sh
# Builds cron-oracle with Debian's Go and golang-github-robfig-cron-dev (no network).
# GOPATH mode; go.mod beside main.go inside GOPATH/src makes ".../cron/v3" resolve to /usr/share/gocode.
# Usage: build.sh [OUTPUT]
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$SRC/cron-oracle}; case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/src/cronoracle" && cp "$SRC/main.go" "$SRC/go.mod" "$W/src/cronoracle/"
cd "$W/src/cronoracle"
GO111MODULE=off GOPATH="$W:/usr/share/gocode" GOCACHE="${GOCACHE:-$W/cache}" GOFLAGS= go build -o "$OUT" .
