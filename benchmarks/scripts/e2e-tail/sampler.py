# sampler.py OUT BROKER_PID : every 50 ms, per thread of the broker and of the TideBenchX client JVM:
# cpu ticks (utime+stime) and schedstat run delay (ns waiting on a run queue); writes deltas per sample.
import os, sys, time, glob, re
out = open(sys.argv[1], 'w'); bpid = sys.argv[2]
def client_pid():
    for p in glob.glob('/proc/[0-9]*/cmdline'):
        try:
            c = open(p, 'rb').read()
            if c.startswith(b'java') and b'TideBenchX' in c and b'e2e' in c: return p.split('/')[2]
        except OSError: pass
def snap(pid, who):
    d = {}
    for t in glob.glob(f'/proc/{pid}/task/*'):
        try:
            st = open(t + '/stat').read(); name = st[st.index('(') + 1:st.rindex(')')]
            f = st[st.rindex(')') + 2:].split()
            ss = open(t + '/schedstat').read().split()
            d[(who, t.split('/')[-1], name)] = (int(f[11]) + int(f[12]), int(ss[1]), int(ss[0]))
        except (OSError, ValueError): pass
    return d
prev = {}; cpid = None
while True:
    if cpid is None or not os.path.exists(f'/proc/{cpid}'): cpid = client_pid()
    if not os.path.exists(f'/proc/{bpid}'): break
    now = time.time(); cur = snap(bpid, 'B')
    if cpid: cur.update(snap(cpid, 'C'))
    for k, v in cur.items():
        p = prev.get(k)
        if p and (v[1] - p[1] > 2_000_000 or v[2] - p[2] > 2_000_000):
            out.write(f'{now*1000:.0f} {k[0]} {k[1]} {k[2].replace(" ", "_")} run_ns={v[2]-p[2]} wait_ns={v[1]-p[1]}\n')
    prev = cur; out.flush()
    time.sleep(0.05)
