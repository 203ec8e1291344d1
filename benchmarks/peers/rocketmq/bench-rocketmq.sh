#!/usr/bin/env bash
# Benchmark a running RocketMQ (start-rocketmq.sh first). Each step is bounded by STEP_TIMEOUT.
#  1. official org.apache.rocketmq.example.benchmark.Producer (sync send, THREADS threads, COUNT msgs)
#     with the official benchmark.Consumer running beside it (consume TPS, born->consume RT)
#  2. src/RmqBench.java: produce (msgs/s, MB/s, p50/p99 send latency), catch-up consume, e2e
# Env: THREADS (8) COUNT (100000) SIZE (1024) WARMUP (10000) STEP_TIMEOUT (60) JAVA, RMQ_RUN_DIR
#      BACKLOG (1000000; 0 = consume what the produce step left) BACKLOG_TIMEOUT (300)
#      E2E_RATE (5000 msgs/s; 0 = skip the fixed-rate e2e step) E2E_COUNT (E2E_RATE x 20)
#      E2E_WARMUP (E2E_RATE x 5: sent first at the same rate, not measured; the max-rate e2e step sends WARMUP first)
# Output: stdout and results/rocketmq-<timestamp>.log ; summary lines start with RESULT / OFFICIAL.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../common.sh"
JAVA=${JAVA:-java}; RUN=${RMQ_RUN_DIR:-/tmp/peers-rocketmq}
THREADS=${THREADS:-8}; COUNT=${COUNT:-100000}; SIZE=${SIZE:-1024}; WARMUP=${WARMUP:-10000}
STEP_TIMEOUT=${STEP_TIMEOUT:-60}
BACKLOG=${BACKLOG:-1000000}; BACKLOG_TIMEOUT=${BACKLOG_TIMEOUT:-300}
E2E_RATE=${E2E_RATE:-5000}; E2E_COUNT=${E2E_COUNT:-$((E2E_RATE * 20))}; E2E_WARMUP=${E2E_WARMUP:-$((E2E_RATE * 5))}
NS=127.0.0.1:9876
wait_port 127.0.0.1 10911 1 || { echo "broker not listening on 127.0.0.1:10911 - run start-rocketmq.sh"; exit 1; }
export ROCKETMQ_HOME="$HERE"
mkdir -p "$HERE/../results" "$HERE/classes" "$RUN/home"
if [ ! -f "$HERE/classes/RmqBench.class" ] || [ "$HERE/src/RmqBench.java" -nt "$HERE/classes/RmqBench.class" ]; then
  javac -d "$HERE/classes" -cp "$HERE/lib/*" "$HERE/src/RmqBench.java" || exit 1
fi
BPID=$(cat "$RUN/broker.pid" 2>/dev/null || echo 0)
TS=$(date +%Y%m%d-%H%M%S); LOG="$HERE/../results/rocketmq-$TS.log"
CJ=("$JAVA" -Xms512m -Xmx1g -Duser.home="$RUN/home" -Drmq.logback.configurationFile=rmq.client.logback.xml -cp "$HERE/classes:$HERE/lib/*")
quiet() { grep -v -e 'qos.logback' -e '^$' ; }
topic() {  # create TOPIC with 8 read/write queues
  "$JAVA" -Duser.home="$RUN/home" -Drmq.logback.configurationFile=rmq.tools.logback.xml -cp "$HERE/lib/*" \
    org.apache.rocketmq.tools.command.MQAdminStartup updateTopic -n $NS -c DefaultCluster -t "$1" -r 8 -w 8 2>&1 | grep -q success \
    || { echo "could not create topic $1"; exit 1; }
}
{
echo "# rocketmq bench $TS  host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $("$JAVA" -version 2>&1 | head -1)"
echo "# rocketmq jars: $(cd "$HERE/lib" && ls rocketmq-broker-*.jar)  threads=$THREADS count=$COUNT size=$SIZE"

T=off_$TS; topic "$T"
echo "== official benchmark.Producer -w $THREADS -s $SIZE -q $COUNT (sync) + benchmark.Consumer alongside"
"${CJ[@]}" org.apache.rocketmq.example.benchmark.Consumer -n $NS -t "$T" -g "offc_$TS" -ri 5000 > "$RUN/official-consumer.out" 2>&1 &
CPID=$!
sleep 4
B0=$(cpu_ms "$BPID")
timeout "$STEP_TIMEOUT" "${CJ[@]}" org.apache.rocketmq.example.benchmark.Producer -n $NS -t "$T" -w "$THREADS" -s "$SIZE" -q "$COUNT" -ri 5000 2>&1 | quiet | grep -E 'Send TPS' | sed 's/^/OFFICIAL producer: /'
server_cpu "broker(official producer+consumer)" "$COUNT" "$BPID" "$B0"
sleep 6
kill -TERM "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null
quiet < "$RUN/official-consumer.out" | grep 'Consume TPS' | tail -3 | sed 's/^/OFFICIAL consumer: /'

T=rb_$TS; topic "$T"
echo "== RmqBench produce ($THREADS threads, sync send, $COUNT x $SIZE B after $WARMUP warm-up)"
B0=$(cpu_ms "$BPID")
timeout "$STEP_TIMEOUT" "${CJ[@]}" RmqBench produce $NS "$T" "$THREADS" "$COUNT" "$SIZE" "$WARMUP" 2>&1 | quiet | grep RESULT
server_cpu "broker(RmqBench produce incl. warm-up)" $((COUNT + WARMUP)) "$BPID" "$B0"
if [ "$BACKLOG" -gt 0 ]; then
  T=bl_$TS; topic "$T"
  echo "== RmqBench fill (backlog of $BACKLOG x $SIZE B, async, not measured)"
  FILL=$(timeout "$BACKLOG_TIMEOUT" "${CJ[@]}" RmqBench fill $NS "$T" "$BACKLOG" "$SIZE" 2>&1 | quiet | grep RESULT)
  echo "$FILL"
  # a send the fill could not store is not in the backlog: consume what is there, not a count never reached
  FAILED=$(printf '%s\n' "$FILL" | grep -o 'failed=[0-9]*' | cut -d= -f2)
  N=$((BACKLOG - ${FAILED:-0})); CT=$BACKLOG_TIMEOUT
else
  N=$((COUNT + WARMUP)); CT=$STEP_TIMEOUT
fi
echo "== RmqBench consume (new group, from first offset, $N msgs)"
B0=$(cpu_ms "$BPID")
timeout "$CT" "${CJ[@]}" RmqBench consume $NS "$T" "$N" $((CT - 10)) 2>&1 | quiet | grep RESULT
server_cpu "broker(RmqBench consume)" "$N" "$BPID" "$B0"
T=e2e_$TS; topic "$T"
echo "== RmqBench e2e (consumer running while $THREADS threads sync-send $COUNT msgs after $WARMUP unmeasured)"
timeout "$STEP_TIMEOUT" "${CJ[@]}" RmqBench e2e $NS "$T" "$THREADS" "$COUNT" "$SIZE" 0 "$WARMUP" 2>&1 | quiet | grep RESULT
if [ "$E2E_RATE" -gt 0 ]; then
  T=e2er_$TS; topic "$T"
  echo "== RmqBench e2e at a fixed rate (consumer running while $THREADS threads sync-send $E2E_COUNT msgs at $E2E_RATE msgs/s after $E2E_WARMUP unmeasured)"
  B0=$(cpu_ms "$BPID")
  timeout $((STEP_TIMEOUT + (E2E_WARMUP + E2E_COUNT) / E2E_RATE)) "${CJ[@]}" RmqBench e2e $NS "$T" "$THREADS" "$E2E_COUNT" "$SIZE" "$E2E_RATE" "$E2E_WARMUP" 2>&1 | quiet | grep RESULT
  server_cpu "broker(RmqBench e2e at $E2E_RATE msgs/s incl. warm-up)" $((E2E_WARMUP + E2E_COUNT)) "$BPID" "$B0"
fi
echo "# store size: $(du -sh "$RUN/store" | cut -f1)"
} 2>&1 | tee "$LOG"
echo "log: $LOG"
