#!/usr/bin/env python3
"""One mode of bin/bench-replication (NONE, ASYNC or SYNC; 1 master + 1 slave through bin/tidemq-cluster, 8 threads,
1 KiB, the client warmed up in its own JVM) with the per-thread CPU of the client, the master and the slave per message
over the measured run (between its second and its next-to-last progress line), their voluntary context switches per
message in brackets, and the machine's idle ticks (docs/benchmarks.md, "Session 12").
usage: benchmarks/scripts/replication-cpu.py MODE [measure_s=15] [warmup_s=40] [tidemq_home=this checkout]
Extra client options through CLIENT_ARGS; JVM flags of every process through TIDEMQ_JAVA_OPTS (e.g. a profiler agent
with file=...-%p... for one file per JVM)."""
import os, re, subprocess, sys, time, glob, collections
mode = sys.argv[1]; meas = int(sys.argv[2]) if len(sys.argv) > 2 else 15
warm = int(sys.argv[3]) if len(sys.argv) > 3 else 40
home = sys.argv[4] if len(sys.argv) > 4 else os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
extra = os.environ.get('CLIENT_ARGS', '')
d = '/tmp/sab'; port = 29876
subprocess.run(['rm', '-rf', f'{d}/{mode}'])
env = dict(os.environ, TIDEMQ_CLUSTER_DETACH='1', TIDEMQ_CLUSTER_BROKER_KEYS='warmMappedFiles=false')
subprocess.run([f'{home}/bin/tidemq-cluster', '--dir', f'{d}/{mode}', '--mode', mode, '--slaves',
                '0' if mode == 'NONE' else '1', '--min-isr', '2', '--base-port', str(port)], env=env,
               stdout=open(f'/tmp/sab.{mode}.log', 'w'), stderr=subprocess.STDOUT, check=True)
pids = [int(x) for x in open(f'{d}/{mode}/pids').read().split()]
# bin/tidemq execs java, so every pid is a JVM
roles = {}
# pids file order: namesrv, master, slaves
names = ['namesrv', 'master', 'slave', 'slave2']
for i, p in enumerate(pids):
    roles[names[i]] = p
def threads(pid):
    out = {}
    for t in glob.glob(f'/proc/{pid}/task/*'):
        try:
            st = open(t + '/stat').read()
            comm = st[st.index('(') + 1:st.rindex(')')]
            f = st[st.rindex(')') + 2:].split()
            cpu = int(f[11]) + int(f[12])
            vcs = 0
            for l in open(t + '/status'):
                if l.startswith('voluntary_ctxt_switches'):
                    vcs = int(l.split()[1])
            out[t.rsplit('/', 1)[1]] = (comm, cpu, vcs)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return out
def idle():
    f = open('/proc/stat').readline().split()
    return int(f[4]), int(f[8]) if len(f) > 8 else 0
cmd = [f'{home}/bin/tidemq', 'bench', 'produce', '--namesrv', f'127.0.0.1:{port}', '--topic', 'bench', '--threads', '8',
       '--size', '1024', '--warmup-seconds', str(warm), '--seconds', str(meas), '--report-interval-s', '1'] + extra.split()
cl = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
roles['client'] = cl.pid
snaps = []
measuring = False
lines = []
for line in cl.stdout:
    lines.append(line)
    if line.startswith('warm-up:'):
        measuring = True; continue
    m = re.match(r'\[\s*([0-9.]+)s\].* total ([0-9,]+)', line)
    if measuring and m:
        snaps.append((float(m.group(1)), int(m.group(2).replace(',', '')), time.time(), idle(),
                      {r: threads(p) for r, p in roles.items()}))
cl.wait()
for l in lines:
    if l.startswith('warm-up') or 'throughput' in l or 'p99' in l and 'latency' in l:
        print(l.rstrip())
subprocess.run(['bash', '-c', f'for p in $(tac {d}/{mode}/pids); do kill $p; while kill -0 $p 2>/dev/null; do sleep 0.2; done; done'])
a, b = snaps[1], snaps[-2]
msgs = b[1] - a[1]; secs = b[0] - a[0]
ticks = os.sysconf('SC_CLK_TCK')
print(f'{mode}: window {secs:.1f} s, {msgs} msgs, {msgs/secs:.0f} msgs/s; idle ticks {b[3][0]-a[3][0]} of {int(200*(b[2]-a[2]))}, steal {b[3][1]-a[3][1]}')
tot_all = 0
for r in ['client', 'master', 'slave']:
    if r not in roles: continue
    ta, tb = a[4][r], b[4][r]
    groups = collections.defaultdict(lambda: [0, 0])
    tot = 0
    for tid, (comm, cpu, vcs) in tb.items():
        c0, v0 = (ta[tid][1], ta[tid][2]) if tid in ta else (0, 0)
        g = re.sub(r'[-#]?\d+$', '', comm)
        groups[g][0] += cpu - c0; groups[g][1] += vcs - v0; tot += cpu - c0
    tot_all += tot
    us = lambda c: c / ticks * 1e6 / msgs
    print(f'  {r}: {us(tot):.1f} us/msg  ' + '  '.join(f'{g} {us(c):.1f} ({v/msgs:.2f})' for g, (c, v) in
                                                      sorted(groups.items(), key=lambda x: -x[1][0]) if us(c) >= 0.3))
print(f'  all three: {tot_all/ticks*1e6/msgs:.1f} us/msg')
