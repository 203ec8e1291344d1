#!/usr/bin/env python3
"""consume-jit.py for Kafka: KafkaBench fill and consume against a KRaft Kafka 4.4 of its own (ports 46912/46913, data
under $JIT_WORK/kafka/run, removed afterwards), from benchmarks/peers/kafka's lib/ (fetch it there first with
`mvn -q dependency:copy-dependencies`). usage: kafka-jit.py [--fill N] [--count C] --run LABEL=x[:JVM flags] ...
"""
import os, re, subprocess, sys, time, glob, collections, argparse, shutil, threading, json

ap = argparse.ArgumentParser()
ap.add_argument('--broker', default=None)
ap.add_argument('--fill', type=int, default=1_000_000)
ap.add_argument('--run', action='append', default=[])
ap.add_argument('--broker-opts', default='')
ap.add_argument('--keep', action='store_true')
ap.add_argument('--count', type=int, default=0)
a = ap.parse_args()

NSP, BP = int(os.environ.get('JIT_NS_PORT', 46876)), int(os.environ.get('JIT_BROKER_PORT', 46911))
NS = f'127.0.0.1:{NSP}'
WORK = os.environ.get('JIT_WORK', '/tmp/jit-cpu')
HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, '..', '..', 'peers')
RUN = WORK + '/run'
TICK = os.sysconf('SC_CLK_TCK')
shutil.rmtree(RUN, ignore_errors=True)
os.makedirs(RUN + '/home', exist_ok=True)


def load():
    return open('/proc/loadavg').read().split()[0]


def threads(pid):
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
    g = re.sub(r'[-#]?\d+$', '', comm)
    if g.startswith('C2 Compiler') or g.startswith('C1 Compiler'):
        return 'JIT ' + g[:2]
    if g.startswith('GC Thread') or g.startswith('G1 '):
        return 'GC'
    return g


def diff(t0, t1, n):
    g = collections.defaultdict(lambda: [0, 0])
    for tid, (comm, u, s) in t1.items():
        u0, s0 = (t0[tid][1], t0[tid][2]) if tid in t0 else (0, 0)
        g[group(comm)][0] += u - u0
        g[group(comm)][1] += s - s0
    return {k: ((v[0] + v[1]) / TICK * 1e6 / n, (v[0] + v[1])) for k, v in g.items()}


def show(title, res):
    tot = sum(v[0] for v in res.values())
    jit = sum(v[0] for k, v in res.items() if k.startswith('JIT'))
    print(f'  {title}: total {tot:.2f} us/msg, JIT {jit:.2f}, without JIT {tot - jit:.2f}')
    for k, v in sorted(res.items(), key=lambda kv: -kv[1][0]):
        if v[0] >= 0.05:
            print(f'    {v[0]:6.2f} ({v[1]:5d} ticks)  {k}')
    return round(tot, 2), round(jit, 2)


K = WORK + '/kafka'
KLIB = os.path.join(PEERS, 'kafka')
KCP = f'{KLIB}/lib/*'
os.makedirs(K + '/run', exist_ok=True)
os.makedirs(K + '/classes', exist_ok=True)
subprocess.run(['javac', '-d', K + '/classes', '-cp', KCP, os.path.join(KLIB, 'src', 'KafkaBench.java')], check=True)
props = open(os.path.join(KLIB, 'server.properties')).read().replace('/tmp/peers-kafka', K + '/run').replace('9092', '46912').replace('9093', '46913')
open(K + '/server.properties', 'w').write(props)
shutil.rmtree(K + '/run/data', ignore_errors=True)
TL = [f'-Dlog4j2.configurationFile={KLIB}/log4j2-tools.properties']
cid = subprocess.run(['java'] + TL + ['-cp', KCP, 'kafka.tools.StorageTool', 'random-uuid'], capture_output=True, text=True).stdout.strip()
subprocess.run(['java'] + TL + ['-cp', KCP, 'kafka.tools.StorageTool', 'format', '-t', cid, '-c', f'{K}/server.properties'], check=True, stdout=subprocess.DEVNULL)
broker_cmd = ['java', '-Xms1g', '-Xmx1g', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15', '-Djava.awt.headless=true', f'-Dkafka.logs.dir={K}/run/logs',
  f'-Dlog4j2.configurationFile={KLIB}/log4j2-server.properties'] + a.broker_opts.split() + ['-cp', KCP, 'kafka.Kafka', f'{K}/server.properties']
blog = open(f'{K}/run/kafka.out', 'w')
broker = subprocess.Popen(broker_cmd, stdout=blog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
try:
    import socket
    for i in range(180):
        try:
            socket.create_connection(('127.0.0.1', 46912), 1).close(); break
        except OSError:
            time.sleep(0.5)
    time.sleep(3)
    NS = '127.0.0.1:46912'

    def CJ(build, opts=()):
        return ['java', '-Xms512m', '-Xmx1g'] + TL + list(opts) + ['-cp', f'{K}/classes:{KCP}']

    print(f'# kafka fill {a.fill} {time.strftime("%H:%M:%S", time.gmtime())} UTC load {load()}', flush=True)
    out = subprocess.run(CJ(None) + ['KafkaBench', 'fill', NS, 'bl', str(a.fill), '1024'], capture_output=True, text=True)
    print('  ' + ' '.join(l for l in out.stdout.splitlines() if 'RESULT' in l) + out.stderr[-2000:], flush=True)
    m = re.search(r'failed=(\d+)', out.stdout)
    if m is None:
        sys.exit('the fill did not report: ' + out.stdout[-2000:] + out.stderr[-2000:])
    failed = int(m.group(1))
    n = a.fill - failed
    summary = []
    for k, r in enumerate(a.run):
        label, rest = r.split('=', 1)
        build, _, opts = rest.partition(':')
        opts = [o.replace('%L', f'{label}-{k}') for o in opts.split()]
        l0 = load()
        b0 = threads(broker.pid)
        t0 = time.time()
        cmd = CJ(build, opts) + ['KafkaBench', 'consume', NS, 'bl', str(a.count or n), '280']
        cl = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        c1 = {}
        done = threading.Event()

        def sampler():
            while not done.is_set():
                for tid, v in threads(cl.pid).items():
                    c1[tid] = v
                time.sleep(0.1)
        st = threading.Thread(target=sampler, daemon=True)
        st.start()
        lines = []
        for line in cl.stdout:
            lines.append(line.rstrip())
            if line.startswith('RESULT'):
                b1 = threads(broker.pid)
        done.set()
        st.join()
        cl.wait()
        if 'b1' not in dir():
            b1 = threads(broker.pid)
        wall = time.time() - t0
        open(f'{WORK}/client-{label}-{k}.out', 'w').write('\n'.join(lines))
        print(f'== run {k} {label} {build} {" ".join(opts)}  {time.strftime("%H:%M:%S", time.gmtime())} UTC load {l0} -> {load()} wall {wall:.1f} s')
        for l in lines:
            if 'RESULT' in l or 'Exception' in l:
                print('  ' + l.strip())
        ct = show('client (whole JVM)', diff({}, c1, a.count or n))
        bt = show('broker (during the consume)', diff(b0, b1, n))
        rate = re.search(r'msgs/s=(\d+)', ' '.join(lines))
        summary.append(dict(label=label, load=l0, client=ct, broker=bt, rate=rate.group(1) if rate else None))
        del b1
        sys.stdout.flush()
    for s in summary:
        print('SUMMARY', json.dumps(s))
finally:
    broker.terminate()
    try:
        broker.wait(60)
    except subprocess.TimeoutExpired:
        broker.kill()
    if not a.keep:
        shutil.rmtree(K + '/run/data', ignore_errors=True)
