#!/usr/bin/env bash
# bench.sh LIBDIR RUNDIR OUTDIR [steps...] : TideBenchX steps against start.sh's standalone, as bench-tidemq.sh runs
# them (same client JVM flags; logging flags added): produce (100 000 after 10 000), e2e (unpaced, 100 000 after
# 10 000), e2er (5 000 msgs/s, 100 000 after 25 000), fill (BACKLOG). Per step: the broker's CPU and voluntary
# switches per thread group (threads.py), run-queue waits every 50 ms (sampler.py), the broker's delivery-latency
# histogram before/after; e2e steps also dump every message (OUTDIR/<step>.dump) and log the client's GC/safepoints.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$1; RUN=$2; OUT=$3; shift 3
STEPS=${*:-produce e2e e2er}
NS=127.0.0.1:${NS_PORT:-42876}; METRICS=127.0.0.1:${METRICS_PORT:-42557}
CLS=${CLASSES:-$OUT/classes}
mkdir -p "$OUT" "$CLS"
if [ ! -f "$CLS/TideBenchX.class" ]; then
  python3 "$HERE/make-tidebench-dump.py" "$HERE/../../peers/tidemq/src/TideBench.java" "$CLS" \
    && javac -d "$CLS" -cp "$LIB/*" "$CLS/TideBenchX.java" || exit 1
fi
BPID=$(cat "$RUN/tidemq.pid")
# shellcheck disable=SC2206
CJ=(java -Xms512m -Xmx1g -Duser.home="$RUN/home" -Dtidemq.log.level=WARN ${CLIENT_OPTS:-} -cp "$CLS:$LIB/*")
topic() { java -Duser.home="$RUN/home" -cp "$LIB/*" io.tidemq.cli.TideMq admin topic create --namesrv "$NS" \
  --cluster DefaultCluster --topic "$1" --queues 8 >/dev/null 2>&1 || echo "topic $1 failed"; }
logs() { echo "-Ddump=$OUT/$1.dump -Xlog:gc*:file=$OUT/$1-gc.log:timemillis,uptime,tags -Xlog:safepoint:file=$OUT/$1-sp.log:timemillis,uptime"; }
TS=$(date +%H%M%S)
for S in $STEPS; do
  T=${S}_$TS; topic "$T"
  L=$(cut -d' ' -f1 /proc/loadavg)
  python3 "$HERE/threads.py" "$BPID" "$OUT/$S-thr0.txt"
  curl -s "$METRICS/metrics" | grep -E "delivery_latency_seconds_bucket" > "$OUT/$S-metrics-before.txt"
  python3 "$HERE/sampler.py" "$OUT/$S-sched.txt" "$BPID" & SP=$!
  # shellcheck disable=SC2046
  case $S in
    produce) N=110000; timeout 60 "${CJ[@]}" TideBenchX produce "$NS" "$T" 8 100000 1024 10000 2>&1 | grep RESULT ;;
    fill) N=${BACKLOG:-1000000}; timeout 300 "${CJ[@]}" TideBenchX fill "$NS" "$T" "$N" 1024 2>&1 | grep RESULT ;;
    e2e) N=110000; timeout 90 "${CJ[@]}" $(logs e2e) TideBenchX e2e "$NS" "$T" 8 100000 1024 0 10000 2>&1 | grep RESULT ;;
    e2er) N=125000; timeout 90 "${CJ[@]}" $(logs e2er) TideBenchX e2e "$NS" "$T" 8 100000 1024 5000 25000 2>&1 | grep RESULT ;;
  esac
  kill "$SP"; wait "$SP" 2>/dev/null
  python3 "$HERE/threads.py" "$BPID" "$OUT/$S-thr1.txt"
  python3 "$HERE/threads.py" diff "$OUT/$S-thr0.txt" "$OUT/$S-thr1.txt" "$N"
  curl -s "$METRICS/metrics" | grep -E "delivery_latency_seconds_bucket" > "$OUT/$S-metrics-after.txt"
  echo "STEP $S load_before=$L at $(date +%H:%M:%S)"
done
