"""Top self frames of one thread group in an async-profiler collapsed file (threads option), and the share of stacks
containing each given key.  usage: collapsed-top.py FILE THREAD_PREFIX [N=25] [key1,key2,...]"""
import sys, collections
f, thread = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 25
keys = sys.argv[4].split(',') if len(sys.argv) > 4 else []
selfc = collections.Counter(); incl = collections.Counter(); tot = 0
for line in open(f):
    stack, _, c = line.rstrip().rpartition(' ')
    c = int(c); frames = stack.split(';')
    if not frames[0].startswith('[' + thread): continue
    tot += c
    selfc[frames[-1]] += c
    for k in keys:
        if any(k in fr for fr in frames): incl[k] += c
print('total', tot)
for fr, c in selfc.most_common(n): print(f'{100*c/tot:5.1f}% {fr[:150]}')
for k in keys: print(f'incl {100*incl[k]/tot:5.1f}% {k}')
