#!/usr/bin/env bash
# Benchmark a running Kafka (start-kafka.sh first). Each step is bounded by STEP_TIMEOUT.
#  1. official ProducerPerformance (async, batching, Kafka defaults) acks=all and acks=1, PERF_COUNT x SIZE
#  2. official ConsumerPerformance over the acks=all topic
#  3. src/KafkaBench.java: THREADS threads sync send().get() (linger.ms=0) acks=all and acks=1,
#     catch-up consume, e2e -- the same method as rocketmq/src/RmqBench.java
# Env: THREADS (8) COUNT (100000) PERF_COUNT (300000) SIZE (1024) WARMUP (10000) STEP_TIMEOUT (60) JAVA
#      BACKLOG (1000000; 0 = consume what the acks=all produce step left) BACKLOG_TIMEOUT (300)
#      E2E_RATE (5000 msgs/s; 0 = skip the fixed-rate e2e step) E2E_COUNT (E2E_RATE x 20)
#      E2E_WARMUP (E2E_RATE x 5: sent first at the same rate, not measured; the max-rate e2e step sends WARMUP first)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../common.sh"
JAVA=${JAVA:-java}
THREADS=${THREADS:-8}; COUNT=${COUNT:-100000}; PERF_COUNT=${PERF_COUNT:-300000}; SIZE=${SIZE:-1024}
WARMUP=${WARMUP:-10000}; STEP_TIMEOUT=${STEP_TIMEOUT:-60}
BACKLOG=${BACKLOG:-1000000}; BACKLOG_TIMEOUT=${BACKLOG_TIMEOUT:-300}
E2E_RATE=${E2E_RATE:-5000}; E2E_COUNT=${E2E_COUNT:-$((E2E_RATE * 20))}; E2E_WARMUP=${E2E_WARMUP:-$((E2E_RATE * 5))}
BS=127.0.0.1:9092
wait_port 127.0.0.1 9092 1 || { echo "kafka not listening on $BS - run start-kafka.sh"; exit 1; }
mkdir -p "$HERE/../results" "$HERE/classes"
if [ ! -f "$HERE/classes/KafkaBench.class" ] || [ "$HERE/src/KafkaBench.java" -nt "$HERE/classes/KafkaBench.class" ]; then
  javac -d "$HERE/classes" -cp "$HERE/lib/*" "$HERE/src/KafkaBench.java" || exit 1
fi
KPID=$(cat "${KAFKA_RUN_DIR:-/tmp/peers-kafka}/kafka.pid" 2>/dev/null || echo 0)
TS=$(date +%Y%m%d-%H%M%S); LOG="$HERE/../results/kafka-$TS.log"
CJ=("$JAVA" -Xms512m -Xmx1g -Dlog4j2.configurationFile="$HERE/log4j2-tools.properties" -cp "$HERE/classes:$HERE/lib/*")
topic() {
  "${CJ[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server $BS --create --topic "$1" --partitions 8 --replication-factor 1 >/dev/null \
    || { echo "could not create topic $1"; exit 1; }
}
{
echo "# kafka bench $TS  host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $("$JAVA" -version 2>&1 | head -1)"
echo "# kafka jars: $(cd "$HERE/lib" && ls kafka_2.13-*.jar)  threads=$THREADS count=$COUNT perf_count=$PERF_COUNT size=$SIZE"
for ACKS in all 1; do
  T=perf_${ACKS}_$TS; topic "$T"
  echo "== official ProducerPerformance acks=$ACKS --num-records $PERF_COUNT --record-size $SIZE --throughput -1"
  B0=$(cpu_ms "$KPID")
  timeout "$STEP_TIMEOUT" "${CJ[@]}" org.apache.kafka.tools.ProducerPerformance --topic "$T" --num-records "$PERF_COUNT" \
    --record-size "$SIZE" --throughput -1 --command-property bootstrap.servers=$BS acks=$ACKS 2>&1 | tail -1 | sed 's/^/OFFICIAL producer: /'
  server_cpu "kafka(ProducerPerformance acks=$ACKS)" "$PERF_COUNT" "$KPID" "$B0"
done
echo "== official ConsumerPerformance (topic perf_all, $PERF_COUNT records)"
timeout "$STEP_TIMEOUT" "${CJ[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server $BS --topic "perf_all_$TS" \
  --num-records "$PERF_COUNT" --group "cperf_$TS" --timeout 30000 2>&1 | tail -2 | sed 's/^/OFFICIAL consumer: /'
for ACKS in all 1; do
  T=kb_${ACKS}_$TS; topic "$T"
  echo "== KafkaBench produce acks=$ACKS ($THREADS threads, sync send().get(), $COUNT x $SIZE B after $WARMUP warm-up)"
  B0=$(cpu_ms "$KPID")
  timeout "$STEP_TIMEOUT" "${CJ[@]}" KafkaBench produce $BS "$T" "$THREADS" "$COUNT" "$SIZE" "$ACKS" "$WARMUP" 2>&1 | grep RESULT
  server_cpu "kafka(KafkaBench produce acks=$ACKS incl. warm-up)" $((COUNT + WARMUP)) "$KPID" "$B0"
done
if [ "$BACKLOG" -gt 0 ]; then
  T=bl_$TS; topic "$T"
  echo "== KafkaBench fill (backlog of $BACKLOG x $SIZE B, async acks=1, not measured)"
  FILL=$(timeout "$BACKLOG_TIMEOUT" "${CJ[@]}" KafkaBench fill $BS "$T" "$BACKLOG" "$SIZE" 2>&1 | grep RESULT)
  echo "$FILL"
  # a send the fill could not store is not in the backlog: consume what is there, not a count never reached
  FAILED=$(printf '%s\n' "$FILL" | grep -o 'failed=[0-9]*' | cut -d= -f2)
  N=$((BACKLOG - ${FAILED:-0})); CT=$BACKLOG_TIMEOUT
else
  T=kb_all_$TS; N=$((COUNT + WARMUP)); CT=$STEP_TIMEOUT
fi
echo "== KafkaBench consume (assign all partitions from offset 0, $N msgs)"
B0=$(cpu_ms "$KPID")
timeout "$CT" "${CJ[@]}" KafkaBench consume $BS "$T" "$N" $((CT - 10)) 2>&1 | grep RESULT
server_cpu "kafka(KafkaBench consume)" "$N" "$KPID" "$B0"
T=e2e_$TS; topic "$T"
echo "== KafkaBench e2e acks=all (consumer running while $THREADS threads sync-send $COUNT msgs after $WARMUP unmeasured)"
timeout "$STEP_TIMEOUT" "${CJ[@]}" KafkaBench e2e $BS "$T" "$THREADS" "$COUNT" "$SIZE" all 0 "$WARMUP" 2>&1 | grep RESULT
if [ "$E2E_RATE" -gt 0 ]; then
  T=e2er_$TS; topic "$T"
  echo "== KafkaBench e2e acks=all at a fixed rate (consumer running while $THREADS threads sync-send $E2E_COUNT msgs at $E2E_RATE msgs/s after $E2E_WARMUP unmeasured)"
  B0=$(cpu_ms "$KPID")
  timeout $((STEP_TIMEOUT + (E2E_WARMUP + E2E_COUNT) / E2E_RATE)) "${CJ[@]}" KafkaBench e2e $BS "$T" "$THREADS" "$E2E_COUNT" "$SIZE" all "$E2E_RATE" "$E2E_WARMUP" 2>&1 | grep RESULT
  server_cpu "kafka(KafkaBench e2e at $E2E_RATE msgs/s incl. warm-up)" $((E2E_WARMUP + E2E_COUNT)) "$KPID" "$B0"
fi
echo "# data size: $(du -sh "${KAFKA_RUN_DIR:-/tmp/peers-kafka}/data" | cut -f1)"
} 2>&1 | tee "$LOG"
echo "log: $LOG"
