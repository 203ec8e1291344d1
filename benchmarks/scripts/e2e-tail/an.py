"""Attributes the slow messages of one TideBenchX e2e step (bench.sh's dump) to causes.
usage: an.py OUTDIR STEP [BROKER_LOG_DIR]   (STEP: e2e or e2er; BROKER_LOG_DIR holds broker-sp.log)
Prints: the step's p50/p99/p99.9/max (ms, as TideBench computes them); for the messages at or above p99 the mean
born->store (send path to the CommitLog) and store->receive (dispatch, held pull, response, client hand-off) times;
per second of the run the same split; the slow messages grouped by 100-ms windows of their born time; every
safepoint of >= 2 ms of the client and the broker during the measured part and how many slow messages a pause
overlaps; the run-queue wait (sampler.py) per thread group (B: broker, C: client), in all and around each burst."""
import sys, re, collections
d = sys.argv[1]; step = sys.argv[2] if len(sys.argv) > 2 else 'e2er'
f = open(f'{d}/{step}.dump')
hdr = f.readline(); ms0 = int(re.search(r'ms0=(\d+)', hdr).group(1)); n0 = int(re.search(r'n0=(\d+)', hdr).group(1))
warm = int(re.search(r'warmup=(\d+)', hdr).group(1))
def n2ms(n): return ms0 + (n - n0) / 1e6
S = {}; R = []
for line in f:
    p = line.split()
    if p[0] == 'S': S[(int(p[2]), int(p[3]))] = (n2ms(int(p[4])), n2ms(int(p[5])), int(p[1]))
    else: R.append((int(p[1]), int(p[2]), int(p[3]), int(p[4]), int(p[5]), int(p[6]), n2ms(int(p[7])), int(p[8])))
meas = [r for r in R if r[0] >= warm]
t0 = min(r[4] for r in meas)
lat = sorted(r[5] - r[3] for r in meas)
def pc(v, q): return v[min(len(v) - 1, int(len(v) * q))]
print(f'{step}: n={len(meas)} p50={pc(lat,.5)} p99={pc(lat,.99)} p999={pc(lat,.999)} max={lat[-1]}')
# components: born->store, store->recv, and send return vs store
rows = []
for (j, q, o, b, st, rm, rn, th) in meas:
    s = S.get((q, o))
    rows.append((rm - b, st - b, rm - st, (s[1] - s[0]) if s else -1, (s[0]) if s else 0, rm, q, o, th, b, st))
p99 = pc(lat, .99)
slow = [r for r in rows if r[0] >= p99]
print(f'>= p99 ({p99} ms): {len(slow)} msgs; mean born->store {sum(r[1] for r in slow)/len(slow):.1f}, store->recv {sum(r[2] for r in slow)/len(slow):.1f}, send rtt {sum(r[3] for r in slow)/len(slow):.1f}')
print(f'all: mean born->store {sum(r[1] for r in rows)/len(rows):.2f}, store->recv {sum(r[2] for r in rows)/len(rows):.2f}')
# per second (by born time relative to first measured store)
bysec = collections.defaultdict(list)
for r in rows: bysec[int((r[9] - t0) // 1000)].append(r)
for sec in sorted(bysec):
    v = sorted(x[0] for x in bysec[sec]); bs = sorted(x[1] for x in bysec[sec]); sr = sorted(x[2] for x in bysec[sec])
    print(f' sec {sec:3d} n={len(v):5d} e2e p50={pc(v,.5):3d} p99={pc(v,.99):4d} max={v[-1]:4d} | born->store p99={pc(bs,.99):4d} max={bs[-1]:4d} | store->recv p99={pc(sr,.99):4d} max={sr[-1]:4d}')
# slow bursts: group slow messages by 100ms born windows
bur = collections.Counter(int((r[9] - t0)//100) for r in slow)
print('slow bursts (born 100ms window from start: count, max e2e, max b->s, max s->r):')
for w in sorted(bur):
    g = [r for r in slow if int((r[9]-t0)//100) == w]
    print(f'  t={w/10:6.1f}s n={len(g):4d} e2e_max={max(r[0] for r in g)} b2s_max={max(r[1] for r in g)} s2r_max={max(r[2] for r in g)} epoch={int(t0 + w*100)}')
# overlay: safepoints (>=2ms) of client and broker
def sp(path, who):
    out = []
    try:
        for line in open(path):
            m = re.search(r'\[(\d+)ms\].*Safepoint "(\w+)".*Total: (\d+) ns', line)
            if m and int(m.group(3)) >= 2_000_000:
                end = int(m.group(1)); tot = int(m.group(3)) / 1e6
                out.append((end - tot, end, tot, who, m.group(2)))
    except FileNotFoundError: pass
    return out
run = sys.argv[3] if len(sys.argv) > 3 else None
pauses = sp(f'{d}/{step}-sp.log', 'client') + (sp(f'{run}/broker-sp.log', 'broker') if run else [])
pauses.sort()
tmin = min(r[9] for r in rows); tmax = max(r[5] for r in rows)
pp = [p for p in pauses if p[1] >= tmin and p[0] <= tmax]
print('pauses >= 2 ms during the measured part:', len(pp), 'client total %.0f ms' % sum(p[2] for p in pp if p[3]=='client'), 'broker total %.0f ms' % sum(p[2] for p in pp if p[3]=='broker'))
for p in pp: print(f'   t={(p[0]-t0)/1000:6.2f}s {p[3]} {p[4]} {p[2]:.1f} ms')
# attribute each slow message: does a pause overlap [born, recv]?
att = collections.Counter()
for r in slow:
    hit = [p for p in pp if p[1] >= r[9] and p[0] <= r[5]]
    att[('client' if any(p[3]=='client' for p in hit) else '') + ('+broker' if any(p[3]=='broker' for p in hit) else '') or 'none'] += 1
print('slow msgs overlapping a pause:', dict(att))
# run-queue waits (sampler) during slow bursts
import os
sf = f'{d}/{step}-sched.txt'
if os.path.exists(sf):
    sched = []
    for l in open(sf):
        p = l.split(); sched.append((int(p[0]), p[1], p[3], int(p[4][7:]) / 1e6, int(p[5][8:]) / 1e6))
    tot = collections.defaultdict(float)
    for (t, who, name, run, wait) in sched:
        if tmin <= t <= tmax: tot[(who, re.sub(r'\d+$', '#', name))] += wait
    print('run-queue wait over the measured part (ms) by thread group:', ', '.join(f'{k[0]}:{k[1]}={v:.0f}' for k, v in sorted(tot.items(), key=lambda x: -x[1])[:12]))
    for w in sorted(bur):
        if bur[w] < 20: continue
        a = t0 + w * 100 - 150; b = a + 400
        g = collections.defaultdict(float)
        for (t, who, name, run, wait) in sched:
            if a <= t <= b: g[(who, re.sub(r'\d+$', '#', name))] += wait
        print(f'  burst t={w/10:.1f}s wait ms in [-150,+250]:', ', '.join(f'{k[0]}:{k[1]}={v:.0f}' for k, v in sorted(g.items(), key=lambda x: -x[1])[:8]))
