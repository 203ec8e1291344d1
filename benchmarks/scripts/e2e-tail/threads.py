# threads.py PID OUT : per thread: name, utime+stime ticks, voluntary switches -> OUT ; threads.py diff A B MSGS
import sys, glob, re, collections
if sys.argv[1] == 'diff':
    def rd(f): return {l.split('\t')[0]: l.rstrip('\n').split('\t') for l in open(f)}
    a, b, n = rd(sys.argv[2]), rd(sys.argv[3]), int(sys.argv[4])
    g = collections.defaultdict(lambda: [0, 0])
    for tid, r in b.items():
        p = a.get(tid, [tid, r[1], '0', '0'])
        k = re.sub(r'[-#]?\d+$', '', r[1]); g[k][0] += int(r[2]) - int(p[2]); g[k][1] += int(r[3]) - int(p[3])
    tot = sum(v[0] for v in g.values()); sw = sum(v[1] for v in g.values())
    print(f'  broker total {tot*10000/n:.1f} us/msg, {sw/n:.2f} vol.switches/msg; ' + ', '.join(f'{k} {v[0]*10000/n:.1f}us {v[1]/n:.2f}sw' for k, v in sorted(g.items(), key=lambda x: -x[1][0])[:9]))
else:
    with open(sys.argv[2], 'w') as o:
        for t in glob.glob(f'/proc/{sys.argv[1]}/task/*'):
            try:
                st = open(t + '/stat').read(); name = st[st.index('(') + 1:st.rindex(')')].replace(' ', '_')
                f = st[st.rindex(')') + 2:].split()
                vs = re.search(r'voluntary_ctxt_switches:\s+(\d+)', open(t + '/status').read()).group(1)
                o.write(f"{t.split('/')[-1]}\t{name}\t{int(f[11]) + int(f[12])}\t{vs}\n")
            except (OSError, AttributeError): pass
