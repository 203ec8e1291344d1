#!/usr/bin/env bash
# The many-queues curve of issue 10 on one standalone (docs/benchmarks.md, "Many queues"): a 6-s async warm-up, then
# 20-s steps of sync sends from 8 threads: 8 queues, 10 000 fresh queues (1 250 topics x 8), the same 10 000 again
# (steady state), 8 queues again; msgs/s and the broker's CPU per message per thread group (/proc ticks).
#   benchmarks/scripts/many-queues.sh [TIDEMQ_HOME]      (needs about 5 GB in /tmp; removed at the end)
# Environment, for a run beside others': NS_PORT (39876), BROKER_PORT (39911), MQ_DIR (/tmp/lead-queues),
# STEADY_SECONDS (20: at 60 the steady step holds one thorough ConsumeQueue flush round, see docs/benchmarks.md),
# TIDEMQ_SET="key=value ..." (broker keys, passed as --set).
HOME_DIR=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
D=${MQ_DIR:-/tmp/lead-queues}; rm -rf $D; mkdir -p $D
cd $D
SETS=(); for kv in ${TIDEMQ_SET:-}; do SETS+=(--set "$kv"); done
"$HOME_DIR/bin/tidemq" standalone --data $D/data --no-console --namesrv-port ${NS_PORT:-39876} \
  --broker-port ${BROKER_PORT:-39911} --metrics-port -1 "${SETS[@]}" > $D/standalone.log 2>&1 &
SP=$!
for i in $(seq 1 300); do grep -q "ready\|Ready\|READY" $D/standalone.log && break; sleep 0.5; done
JPID=$SP
NS=127.0.0.1:${NS_PORT:-39876}
snap() { python3 - "$JPID" <<'PY'
import sys,glob,re,collections
pid=sys.argv[1]; g=collections.Counter()
for t in glob.glob(f'/proc/{pid}/task/*'):
    try:
        st=open(t+'/stat').read(); comm=st[st.index('(')+1:st.rindex(')')]; f=st[st.rindex(')')+2:].split()
        k=re.sub(r'[-#]?\d+$','',comm); g[k]+=int(f[11])+int(f[12]); g['minflt:'+k]+=int(f[7])
    except Exception: pass
print(' '.join(f'{k.replace(" ","_")}={v}' for k,v in g.items()))
PY
}
step() { # name args...
  local name=$1; shift
  local a; a=$(snap); local l0; l0=$(cut -d' ' -f1 /proc/loadavg)
  local out; out=$("$HOME_DIR/bin/tidemq" bench produce --namesrv $NS --threads 8 --size 1024 --seconds ${STEP_SECONDS:-20} "$@" 2>&1)
  local b; b=$(snap); local l1; l1=$(cut -d' ' -f1 /proc/loadavg)
  local tp; tp=$(printf '%s\n' "$out" | grep -E '^  throughput' | sed 's/^ *throughput *//')
  local tot; tot=$(printf '%s\n' "$out" | grep -E '^  total' | awk '{print $2}' | tr -d ',')
  if [ -z "$tot" ]; then echo "$name: bench produce failed:"; printf '%s\n' "$out" | tail -5; return; fi
  python3 - "$name" "$tot" "$tp" "$l0-$l1" "$a" "$b" <<'PY'
import sys
name,tot,tp,load,a,b=sys.argv[1:]
pa=dict(x.split('=') for x in a.split()); pb=dict(x.split('=') for x in b.split())
tot=int(tot); d={k:(int(v)-int(pa.get(k,0)))*10000/tot for k,v in pb.items() if ':' not in k}  # ticks of 10 ms -> us/msg
s=sum(d.values()); flt=(int(pb.get('minflt:tidemq-dispatch',0))-int(pa.get('minflt:tidemq-dispatch',0)))/tot
print(f'{name}: {tp} load {load}; broker {s:.1f} us/msg: '+', '.join(f'{k} {v:.1f}' for k,v in sorted(d.items(),key=lambda x:-x[1]) if v>=0.3)
      +f'; dispatcher minor faults {flt:.3f}/msg')
PY
}
"$HOME_DIR/bin/tidemq" bench produce --namesrv $NS --topic warm --threads 2 --async --seconds 6 > /dev/null 2>&1
step "8 queues" --topic q8
step "10000 fresh" --topic qk --topics 1250 --queues-per-topic 8
STEP_SECONDS=${STEADY_SECONDS:-20} step "10000 steady" --topic qk --topics 1250 --queues-per-topic 8
step "8 queues again" --topic q8
du -sh $D/data/consumequeue 2>/dev/null || du -sh $D/data
kill $SP; wait $SP
rm -rf $D
