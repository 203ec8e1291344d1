#!/usr/bin/env bash
# ab.sh LIBDIR WORKDIR NAME [SET...] : one A/B run: a fresh standalone of LIBDIR (with SET="--set k=v ..."), the
# produce warm-up, e2e, e2er; results in WORKDIR/ab-NAME (with the broker's GC and safepoint logs); stops the broker.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$1; W=$2; NAME=$3; shift 3
SET="$*" "$HERE/start.sh" "$LIB" "$W/run-ab" >/dev/null || exit 1
CLASSES=$W/classes "$HERE/bench.sh" "$LIB" "$W/run-ab" "$W/ab-$NAME" produce e2e e2er
cp "$W/run-ab/broker-gc.log" "$W/run-ab/broker-sp.log" "$W/ab-$NAME/"
PID=$(cat "$W/run-ab/tidemq.pid"); kill "$PID"
while kill -0 "$PID" 2>/dev/null; do sleep 1; done
