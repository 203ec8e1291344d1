#!/usr/bin/env bash
# Benchmark a running TideMQ (start-tidemq.sh first). Each step is bounded by STEP_TIMEOUT.
#  1. TideMQ's own tool `tidemq bench produce` (sync send, THREADS threads, COUNT msgs)
#     with `tidemq bench consume --from last` running beside it (consume msgs/s, store->receive latency)
#  2. src/TideBench.java: produce (msgs/s, MB/s, p50/p99 send latency), catch-up consume, e2e
#     -- the same method as rocketmq/src/RmqBench.java
#  3. the producer tool's own fast modes against Kafka's ProducerPerformance (PERF_COUNT messages each, fresh
#     topic, no warm-up, as ProducerPerformance runs): `bench produce --async --linger-ms 5` (1 thread, 1000
#     messages in flight, packed by the SDK into batch requests after up to 5 ms: Kafka 4's default linger.ms;
#     docs/client.md "Batching async sends") and `bench produce --batch 32` (4 threads, sync batches of 32)
# Env: THREADS (8) COUNT (100000) PERF_COUNT (300000) SIZE (1024) WARMUP (10000) STEP_TIMEOUT (60) JAVA, TIDEMQ_RUN_DIR
#      BACKLOG (1000000; 0 = consume what the produce step left) BACKLOG_TIMEOUT (300)
#      E2E_RATE (5000 msgs/s; 0 = skip the fixed-rate e2e step) E2E_COUNT (E2E_RATE x 20)
#      E2E_WARMUP (E2E_RATE x 5: sent first at the same rate, not measured; the max-rate e2e step sends WARMUP first)
#      PULL_BATCH (32: TideBench's pullBatchSize, as RmqBench's setPullBatchSize(32); another value only for an A/B)
# Output: stdout and results/tidemq-<timestamp>.log ; summary lines start with RESULT / OFFICIAL.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../common.sh"
JAVA=${JAVA:-java}; RUN=${TIDEMQ_RUN_DIR:-/tmp/peers-tidemq}
THREADS=${THREADS:-8}; COUNT=${COUNT:-100000}; PERF_COUNT=${PERF_COUNT:-300000}; SIZE=${SIZE:-1024}; WARMUP=${WARMUP:-10000}
STEP_TIMEOUT=${STEP_TIMEOUT:-60}; PULL_BATCH=${PULL_BATCH:-32}
BACKLOG=${BACKLOG:-1000000}; BACKLOG_TIMEOUT=${BACKLOG_TIMEOUT:-300}
E2E_RATE=${E2E_RATE:-5000}; E2E_COUNT=${E2E_COUNT:-$((E2E_RATE * 20))}; E2E_WARMUP=${E2E_WARMUP:-$((E2E_RATE * 5))}
NS=127.0.0.1:9876
wait_port 127.0.0.1 10911 1 || { echo "broker not listening on 127.0.0.1:10911 - run start-tidemq.sh"; exit 1; }
BPID=$(cat "$RUN/tidemq.pid" 2>/dev/null || echo 0)
kill -0 "$BPID" 2>/dev/null || { echo "no running TideMQ recorded in $RUN/tidemq.pid - run start-tidemq.sh"; exit 1; }
mkdir -p "$HERE/../results" "$HERE/classes" "$RUN/home"
if [ ! -f "$HERE/classes/TideBench.class" ] || [ "$HERE/src/TideBench.java" -nt "$HERE/classes/TideBench.class" ] \
   || [ "$HERE/lib/DIST" -nt "$HERE/classes/TideBench.class" ]; then
  javac -d "$HERE/classes" -cp "$HERE/lib/*" "$HERE/src/TideBench.java" || exit 1
fi
TS=$(date +%Y%m%d-%H%M%S); LOG="$HERE/../results/tidemq-$TS.log"
# client JVMs: same heap as the peers' bench clients; TideMQ client logs at WARN (as its own CLI tools do)
CJ=("$JAVA" -Xms512m -Xmx1g -Duser.home="$RUN/home" -Dtidemq.log.level=WARN -Dtidebench.pullBatchSize="$PULL_BATCH" -cp "$HERE/classes:$HERE/lib/*")
TIDEMQ=("${CJ[@]}" io.tidemq.cli.TideMq)   # the `tidemq` command (what bin/tidemq runs), from lib/
topic() {  # create TOPIC with 8 read/write queues on DefaultCluster (waits until the NameServer routes it)
  local out
  out=$("$JAVA" -Duser.home="$RUN/home" -cp "$HERE/lib/*" io.tidemq.cli.TideMq admin topic create \
        --namesrv $NS --cluster DefaultCluster --topic "$1" --queues 8 2>&1) \
    || { echo "could not create topic $1: $out"; exit 1; }
}
{
echo "# tidemq bench $TS  host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $("$JAVA" -version 2>&1 | head -1)"
echo "# tidemq jars: $(cd "$HERE/lib" && ls tidemq-broker-*.jar) $(grep -h '^commit=' "$HERE/lib/DIST" 2>/dev/null)  threads=$THREADS count=$COUNT size=$SIZE pull_batch=$PULL_BATCH"

T=off_$TS; topic "$T"
echo "== official tidemq bench produce --threads $THREADS --size $SIZE --count $COUNT (sync) + bench consume --from last alongside"
"${TIDEMQ[@]}" bench consume --namesrv $NS --topic "$T" --group "offc_$TS" --from last --count "$COUNT" \
  --idle-timeout-ms 10000 --report-interval-s 5 > "$RUN/official-consumer.out" 2>&1 &
CPID=$!
sleep 4
B0=$(cpu_ms "$BPID")
timeout "$STEP_TIMEOUT" "${TIDEMQ[@]}" bench produce --namesrv $NS --topic "$T" --threads "$THREADS" --size "$SIZE" \
  --count "$COUNT" --report-interval-s 5 --no-create-topic 2>&1 | grep -v -e '^$' -e '^bench produce:' | sed 's/^/OFFICIAL producer: /'
server_cpu "broker(official producer+consumer)" "$COUNT" "$BPID" "$B0"
# the consumer exits by itself after COUNT messages; as bench-rocketmq.sh, it gets 6 s more, then TERM
for i in 1 2 3 4 5 6; do kill -0 "$CPID" 2>/dev/null || break; sleep 1; done
kill -TERM "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null
grep -v -e '^$' -e '^bench consume:' "$RUN/official-consumer.out" | tail -6 | sed 's/^/OFFICIAL consumer: /'

# the tool's fast modes, each into a fresh topic (Kafka's ProducerPerformance: one thread, async, batching)
for MODE in "--threads 1 --async --inflight 1000 --linger-ms 5" "--threads 4 --batch 32"; do
  T=perf_$(echo "$MODE" | tr -dc 'a-z0-9')_$TS; topic "$T"
  echo "== official tidemq bench produce $MODE --size $SIZE --count $PERF_COUNT"
  B0=$(cpu_ms "$BPID")
  timeout "$STEP_TIMEOUT" "${TIDEMQ[@]}" bench produce --namesrv $NS --topic "$T" $MODE --size "$SIZE" \
    --count "$PERF_COUNT" --report-interval-s 60 --no-create-topic 2>&1 | grep -e throughput -e latency | sed 's/^ */OFFICIAL producer: /'
  server_cpu "broker(bench produce $MODE)" "$PERF_COUNT" "$BPID" "$B0"
done

T=tb_$TS; topic "$T"
echo "== TideBench produce ($THREADS threads, sync send, $COUNT x $SIZE B after $WARMUP warm-up)"
B0=$(cpu_ms "$BPID")
timeout "$STEP_TIMEOUT" "${CJ[@]}" TideBench produce $NS "$T" "$THREADS" "$COUNT" "$SIZE" "$WARMUP" 2>&1 | grep RESULT
server_cpu "broker(TideBench produce incl. warm-up)" $((COUNT + WARMUP)) "$BPID" "$B0"
if [ "$BACKLOG" -gt 0 ]; then
  T=bl_$TS; topic "$T"
  echo "== TideBench fill (backlog of $BACKLOG x $SIZE B, async, not measured)"
  FILL=$(timeout "$BACKLOG_TIMEOUT" "${CJ[@]}" TideBench fill $NS "$T" "$BACKLOG" "$SIZE" 2>&1 | grep RESULT)
  echo "$FILL"
  # a send the fill could not store is not in the backlog: consume what is there, not a count never reached
  FAILED=$(printf '%s\n' "$FILL" | grep -o 'failed=[0-9]*' | cut -d= -f2)
  N=$((BACKLOG - ${FAILED:-0})); CT=$BACKLOG_TIMEOUT
else
  N=$((COUNT + WARMUP)); CT=$STEP_TIMEOUT
fi
echo "== TideBench consume (new group, from first offset, $N msgs)"
B0=$(cpu_ms "$BPID")
timeout "$CT" "${CJ[@]}" TideBench consume $NS "$T" "$N" $((CT - 10)) 2>&1 | grep RESULT
server_cpu "broker(TideBench consume)" "$N" "$BPID" "$B0"
T=e2e_$TS; topic "$T"
echo "== TideBench e2e (consumer running while $THREADS threads sync-send $COUNT msgs after $WARMUP unmeasured)"
timeout "$STEP_TIMEOUT" "${CJ[@]}" TideBench e2e $NS "$T" "$THREADS" "$COUNT" "$SIZE" 0 "$WARMUP" 2>&1 | grep RESULT
if [ "$E2E_RATE" -gt 0 ]; then
  T=e2er_$TS; topic "$T"
  echo "== TideBench e2e at a fixed rate (consumer running while $THREADS threads sync-send $E2E_COUNT msgs at $E2E_RATE msgs/s after $E2E_WARMUP unmeasured)"
  B0=$(cpu_ms "$BPID")
  timeout $((STEP_TIMEOUT + (E2E_WARMUP + E2E_COUNT) / E2E_RATE)) "${CJ[@]}" TideBench e2e $NS "$T" "$THREADS" "$E2E_COUNT" "$SIZE" "$E2E_RATE" "$E2E_WARMUP" 2>&1 | grep RESULT
  server_cpu "broker(TideBench e2e at $E2E_RATE msgs/s incl. warm-up)" $((E2E_WARMUP + E2E_COUNT)) "$BPID" "$B0"
fi
echo "# store size: $(du -sh "$RUN/data" | cut -f1)"
} 2>&1 | tee "$LOG"
echo "log: $LOG"
