"""Per-thread CPU of a running process from /proc, for the benchmark scripts (prodtool-cpu.py, jit/consume-jit.py)."""
import glob
import re


def load():
    """The 1-minute load average."""
    return open('/proc/loadavg').read().split()[0]


def threads(pid):
    """{tid: (name, user ticks, system ticks)} of every live thread of pid."""
    out = {}
    for t in glob.glob(f'/proc/{pid}/task/*'):
        try:
            st = open(t + '/stat').read()
            comm = st[st.index('(') + 1:st.rindex(')')]
            f = st[st.rindex(')') + 2:].split()
            out[t.rsplit('/', 1)[1]] = (comm, int(f[11]), int(f[12]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return out


def group(comm):
    """A thread's group: its name without a trailing number; the JIT's and the GC's threads by kind."""
    g = re.sub(r'[-#]?\d+$', '', comm)
    if g.startswith('C2 Compiler') or g.startswith('C1 Compiler'):
        return 'JIT ' + g[:2]
    if g.startswith('GC Thread') or g.startswith('G1 '):
        return 'GC'
    return g
