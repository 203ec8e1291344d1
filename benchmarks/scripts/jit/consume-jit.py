#!/usr/bin/env python3
"""A consume of a backlog in fresh client JVMs, with the per-thread CPU of each (JIT threads apart) and of the
broker, for the JIT's share (issue 10, docs/benchmarks.md "What a fresh client JVM compiles").
usage: consume-jit.py [--product tidemq|kafka] [--broker BUILD] [--fill N] [--count C] --run LABEL=BUILD[:JVM flags] ...
  tidemq (default): BUILD is a directory holding a TideMQ distribution's jars (tidemq-cli/target/tidemq-cli.jar and
  target/lib/*.jar); one standalone (BUILD of --broker, required) on ports JIT_NS_PORT/JIT_BROKER_PORT (46876/46911),
  data under $JIT_WORK/run (default /tmp/jit-cpu), TideBench fill and consume (compiled into $JIT_WORK/classes).
  kafka: a KRaft Kafka 4.4 of its own on 46912/46913, data under $JIT_WORK/kafka/run, KafkaBench fill and consume, all
  from benchmarks/peers/kafka's lib/ (fetch it there first with `mvn -q dependency:copy-dependencies`); BUILD is unused.
  One backlog of N x 1 KiB, then each --run in order: a new consumer group reads the backlog (or C messages) from the
  first offset in a fresh JVM with the harness's flags; the broker's data is removed afterwards unless --keep.
  %L in the JVM flags becomes LABEL-index, e.g. "-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation
  -XX:LogFile=/tmp/comp-%L.log"; complog.py summarises such a log.
"""
import os, re, subprocess, sys, time, collections, argparse, shutil, threading, json
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from proc_threads import load, threads, group  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--product', choices=('tidemq', 'kafka'), default='tidemq')
ap.add_argument('--broker', default=None)
ap.add_argument('--fill', type=int, default=1_000_000)
ap.add_argument('--run', action='append', default=[])
ap.add_argument('--broker-opts', default='')
ap.add_argument('--keep', action='store_true')
ap.add_argument('--count', type=int, default=0)
a = ap.parse_args()
if a.product == 'tidemq' and not a.broker:
    ap.error('--broker BUILD is required for tidemq')

NSP, BP = int(os.environ.get('JIT_NS_PORT', 46876)), int(os.environ.get('JIT_BROKER_PORT', 46911))
NS = f'127.0.0.1:{NSP}'
WORK = os.environ.get('JIT_WORK', '/tmp/jit-cpu')
HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, '..', '..', 'peers')
RUN = WORK + '/run'
TICK = os.sysconf('SC_CLK_TCK')
shutil.rmtree(RUN, ignore_errors=True)
os.makedirs(RUN + '/home', exist_ok=True)


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




class TideMq:
    """A standalone of its own and TideBench."""
    bench = 'TideBench'
    data = RUN + '/data'

    def __init__(self):
        self.cp = f'{a.broker}/*'
        os.makedirs(WORK + '/classes', exist_ok=True)
        subprocess.run(['javac', '-d', WORK + '/classes', '-cp', self.cp,
                        os.path.join(PEERS, 'tidemq', 'src', 'TideBench.java')], check=True)
        self.ns = NS
        self.out = f'{RUN}/broker.out'
        self.cmd = ['java', '-Xms1g', '-Xmx1g', '-XX:MaxDirectMemorySize=2g', '-server', '-XX:+UseG1GC',
                    '-XX:-OmitStackTraceInFastThrow'] + a.broker_opts.split() + [
            f'-Duser.home={RUN}/home', '-cp', self.cp, 'io.tidemq.cli.TideMq', 'standalone', '--data', self.data,
            '--flush', 'async', '--namesrv-port', str(NSP), '--broker-port', str(BP), '--broker-ip', '127.0.0.1',
            '--no-console', '--metrics-port', '-1', '--set', 'diskMaxUsedRatio=0.95']

    def await_ready(self, broker):
        for i in range(240):
            if 'TideMQ standalone ready' in open(self.out).read():
                return
            if broker.poll() is not None:
                sys.exit('broker exited: ' + open(self.out).read())
            time.sleep(0.5)

    def client(self, build, opts=()):
        return ['java', '-Xms512m', '-Xmx1g', f'-Duser.home={RUN}/home', '-Dtidemq.log.level=WARN'] + list(opts) + \
            ['-cp', f'{WORK}/classes:{build}/*']

    def create_topic(self):
        subprocess.run(self.client(a.broker) + ['io.tidemq.cli.TideMq', 'admin', 'topic', 'create', '--namesrv', NS,
                                                '--cluster', 'DefaultCluster', '--topic', 'bl', '--queues', '8'],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


class Kafka:
    """A KRaft Kafka of its own and KafkaBench (the topic is created by its fill)."""
    bench = 'KafkaBench'
    home = WORK + '/kafka'
    data = home + '/run/data'

    def __init__(self):
        k, lib = self.home, os.path.join(PEERS, 'kafka')
        self.cp = f'{lib}/lib/*'
        self.log4j = [f'-Dlog4j2.configurationFile={lib}/log4j2-tools.properties']
        os.makedirs(k + '/run', exist_ok=True)
        os.makedirs(k + '/classes', exist_ok=True)
        subprocess.run(['javac', '-d', k + '/classes', '-cp', self.cp, os.path.join(lib, 'src', 'KafkaBench.java')],
                       check=True)
        props = open(os.path.join(lib, 'server.properties')).read().replace('/tmp/peers-kafka', k + '/run') \
            .replace('9092', '46912').replace('9093', '46913')
        open(k + '/server.properties', 'w').write(props)
        shutil.rmtree(self.data, ignore_errors=True)
        tool = ['java'] + self.log4j + ['-cp', self.cp, 'kafka.tools.StorageTool']
        cid = subprocess.run(tool + ['random-uuid'], capture_output=True, text=True).stdout.strip()
        subprocess.run(tool + ['format', '-t', cid, '-c', f'{k}/server.properties'], check=True,
                       stdout=subprocess.DEVNULL)
        self.ns = '127.0.0.1:46912'
        self.out = f'{k}/run/kafka.out'
        self.cmd = ['java', '-Xms1g', '-Xmx1g', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
                    '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15',
                    '-Djava.awt.headless=true', f'-Dkafka.logs.dir={k}/run/logs',
                    f'-Dlog4j2.configurationFile={lib}/log4j2-server.properties'] + a.broker_opts.split() + [
            '-cp', self.cp, 'kafka.Kafka', f'{k}/server.properties']

    def await_ready(self, broker):
        import socket
        for i in range(180):
            try:
                socket.create_connection(('127.0.0.1', 46912), 1).close()
                break
            except OSError:
                if broker.poll() is not None:
                    sys.exit('broker exited: ' + open(self.out).read()[-4000:])
                time.sleep(0.5)
        time.sleep(3)

    def client(self, build, opts=()):
        return ['java', '-Xms512m', '-Xmx1g'] + self.log4j + list(opts) + ['-cp', f'{self.home}/classes:{self.cp}']

    def create_topic(self):
        pass


P = TideMq() if a.product == 'tidemq' else Kafka()
blog = open(P.out, 'w')
broker = subprocess.Popen(P.cmd, stdout=blog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
try:
    P.await_ready(broker)
    P.create_topic()
    print(f'# {a.product} broker={a.broker} fill {a.fill} {time.strftime("%H:%M:%S", time.gmtime())} UTC load {load()}',
          flush=True)
    out = subprocess.run(P.client(a.broker) + [P.bench, 'fill', P.ns, 'bl', str(a.fill), '1024'], capture_output=True,
                         text=True)
    print('  ' + ' '.join(l for l in out.stdout.splitlines() if 'RESULT' in l), flush=True)
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
        cmd = P.client(build, opts) + [P.bench, 'consume', P.ns, 'bl', str(a.count or n), '280']
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
        shutil.rmtree(P.data, ignore_errors=True)
