#!/usr/bin/env bash
# start.sh LIBDIR RUNDIR : a standalone as benchmarks/peers/tidemq/start-tidemq.sh starts it (same JVM flags), on its
# own ports (NS_PORT 42876, BROKER_PORT 42911, console 42088, metrics METRICS_PORT 42557) and run dir, with GC
# (phases), safepoint logs in RUNDIR. Env SET: extra "--set key=value" options; EXTRA_JVM: extra JVM flags (a profiler).
set -euo pipefail
LIB=$1; RUN=$2
NS_PORT=${NS_PORT:-42876}; BROKER_PORT=${BROKER_PORT:-42911}; METRICS_PORT=${METRICS_PORT:-42557}
rm -rf "$RUN"; mkdir -p "$RUN/home" "$RUN/data"
# shellcheck disable=SC2086
java -Xms1g -Xmx1g -XX:MaxDirectMemorySize=2g -server -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
  -Xlog:gc*,gc+phases=debug:file="$RUN/broker-gc.log":timemillis,uptime,tags \
  -Xlog:safepoint:file="$RUN/broker-sp.log":timemillis,uptime ${EXTRA_JVM:-} \
  -Duser.home="$RUN/home" -cp "$LIB/*" io.tidemq.cli.TideMq standalone --data "$RUN/data" --flush async \
  --namesrv-port "$NS_PORT" --broker-port "$BROKER_PORT" --broker-ip 127.0.0.1 --console-port 42088 \
  --metrics-port "$METRICS_PORT" --set diskMaxUsedRatio=0.95 ${SET:-} > "$RUN/tidemq.out" 2>&1 < /dev/null &
echo $! > "$RUN/tidemq.pid"
for i in $(seq 1 60); do grep -q "TideMQ standalone ready" "$RUN/tidemq.out" && break; sleep 1; done
grep -q "TideMQ standalone ready" "$RUN/tidemq.out" || { echo "not ready; see $RUN/tidemq.out"; exit 1; }
echo "up pid $(cat "$RUN/tidemq.pid")"
