#!/usr/bin/env python3
"""Summarise a -XX:+LogCompilation file: compilations per tier, C2 code bytes (nmsize), made-not-entrant and uncommon
traps by reason, time per package of the compiled root (wall time between task and task_done: under load this is not
CPU), the longest C2 tasks and the most often compiled methods. usage: complog.py LOG [TOP]
"""
import re, sys, collections
f = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
tasks = []
cur = None
attr = lambda s, k: (re.search(k + r"='([^']*)'", s) or [None, None])[1]
traps = collections.Counter(); trapm = collections.Counter()
nents = collections.Counter()
for line in open(f, errors='replace'):
    if line.startswith('<task ') and 'compile_id' in line:
        cur = dict(id=attr(line, 'compile_id'), method=attr(line, 'method'), bytes=int(attr(line, 'bytes') or 0),
                   level=attr(line, 'level') or '4', osr=attr(line, 'osr_bci'),
                   t0=float(attr(line, 'stamp')), compiler=attr(line, 'compiler'))
    elif line.startswith('<task_done') and cur:
        cur['t1'] = float(attr(line, 'stamp')); cur['ok'] = attr(line, 'success'); cur['nmsize'] = int(attr(line, 'nmsize') or 0)
        cur['inl'] = int(attr(line, 'inlined_bytes') or 0)
        tasks.append(cur); cur = None
    elif line.startswith('<uncommon_trap') and 'reason' in line and 'thread=' in line:
        r = attr(line, 'reason'); traps[(r, attr(line, 'action'))] += 1
    elif line.startswith('<make_not_entrant'):
        nents[attr(line,'compiler') or '?'] += 1
def pkg(m):
    m = m.split(' ')[0].replace('/', '.')
    for p in ['io.tidemq.client', 'io.tidemq.remoting', 'io.tidemq.common', 'io.tidemq', 'io.netty.buffer', 'io.netty.channel', 'io.netty.util', 'io.netty', 'java.util.concurrent', 'java.util', 'java.lang.invoke', 'java.lang', 'jdk.internal', 'sun.nio', 'java.nio', 'java.io','com.fasterxml', 'ch.qos', 'org.slf4j', 'sun.', 'java.']:
        if m.startswith(p): return p
    return m.rsplit('.', 1)[0]
def tier(t):
    return 'C2' if t['level'] == '4' else 'C1'
tot = collections.defaultdict(float); cnt = collections.Counter()
for t in tasks:
    tot[tier(t)] += t['t1'] - t['t0']; cnt[tier(t)] += 1
print(f"tasks {len(tasks)}: " + ', '.join(f"{k} {cnt[k]} tasks {tot[k]:.2f} s" for k in sorted(cnt)))
print('C2 bytes of code (nmsize):', sum(t['nmsize'] for t in tasks if tier(t)=='C2'), ' C1:', sum(t['nmsize'] for t in tasks if tier(t)=='C1'))
print('make_not_entrant', dict(nents)); print('uncommon traps (reason, action):', traps.most_common(12))
for T in ['C2', 'C1']:
    g = collections.defaultdict(lambda: [0.0, 0]);
    for t in tasks:
        if tier(t) == T: g[pkg(t['method'])][0] += t['t1'] - t['t0']; g[pkg(t['method'])][1] += 1
    print(f'--- {T} time by package of the compiled root method')
    for k, v in sorted(g.items(), key=lambda kv: -kv[1][0])[:14]: print(f'  {v[0]:6.3f} s {v[1]:5d}  {k}')
print('--- C2 tasks, longest')
for t in sorted([t for t in tasks if tier(t)=='C2'], key=lambda t: t['t0'] - t['t1'])[:top]:
    print(f"  {t['t1']-t['t0']:6.3f} s id={t['id']} bytes={t['bytes']} inl={t['inl']} nm={t['nmsize']} osr={t['osr']} ok={t['ok']} at {t['t0']:.2f}  {t['method']}")
print('--- most often compiled (all levels)')
c = collections.Counter((t['method']) for t in tasks)
for m, n in c.most_common(20):
    ts = [t for t in tasks if t['method'] == m]
    print(f"  {n} x  {sum(t['t1']-t['t0'] for t in ts):.3f} s levels={','.join(t['level']+('o' if t['osr'] else '') for t in ts)}  {m}")
