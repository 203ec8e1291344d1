#!/usr/bin/env python3
"""bench-tidemq.sh step 3 (the producer tool's fast modes, issue 10) on a standalone of its own (ports 43876/43911, or
$PRODTOOL_NS_PORT/$PRODTOOL_BROKER_PORT; data
under $PRODTOOL_DIR, default /tmp/prodtool-cpu, removed after the run), with the per-thread CPU per message of both JVMs
from /proc (client: from its first send, threads sampled every 0.1 s; broker: during each mode), as in docs/benchmarks.md.
BUILD_DIR holds a TideMQ distribution's jars (tidemq-cli/target/tidemq-cli.jar and tidemq-cli/target/lib/*.jar copied
into one directory; an optional COMMIT file names it); alternate two such directories for an A/B.
usage: prodtool-cpu.py BUILD_DIR LABEL [options]
  --set K=V          broker setting (repeatable)
  --modes a,b        which modes (async, batch; default both, in the harness's order)
  --no-sync          skip the sync 8-thread step that precedes step 3 in the harness
  --prof EVENT       async-profiler (cpu, wall, lock) on the client of each mode and on the broker's whole life
                     (so profile one mode with --no-sync), collapsed stacks in $PRODTOOL_DIR/prof/LABEL-*
  --count N          PERF_COUNT (2 000 000)
  --client-opts S    extra client JVM flags
"""
import os, re, subprocess, sys, time, collections, argparse, shutil, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc_threads import load, threads, group  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('build'); ap.add_argument('label')
ap.add_argument('--set', action='append', default=[])
ap.add_argument('--modes', default='async,batch')
ap.add_argument('--no-sync', action='store_true')
ap.add_argument('--prof', default=None)
ap.add_argument('--count', type=int, default=2_000_000)
ap.add_argument('--client-opts', default='')
ap.add_argument('--broker-opts', default='')
a = ap.parse_args()

# other ports for a run beside another one (each engineer has his own): PRODTOOL_NS_PORT, PRODTOOL_BROKER_PORT
NSP = int(os.environ.get('PRODTOOL_NS_PORT', '43876'))
BP = int(os.environ.get('PRODTOOL_BROKER_PORT', '43911'))
NS = f'127.0.0.1:{NSP}'
WORK = os.environ.get('PRODTOOL_DIR', '/tmp/prodtool-cpu')
RUN = WORK + '/run'
AGENT = os.environ.get('ASYNC_PROFILER', '/tmp/ap/linux-x64/libasyncProfiler.so')
PROFDIR = WORK + '/prof'
os.makedirs(PROFDIR, exist_ok=True)
shutil.rmtree(RUN, ignore_errors=True)
os.makedirs(RUN + '/home', exist_ok=True)
cp = f'{a.build}/*'
JAVA = 'java'
TICK = os.sysconf('SC_CLK_TCK')
MODES = {'async': '--threads 1 --async --inflight 1000 --linger-ms 5', 'batch': '--threads 4 --batch 32'}


def diff(t0, t1, n):
    g = collections.defaultdict(lambda: [0, 0])
    for tid, (comm, u, s) in t1.items():
        u0, s0 = (t0[tid][1], t0[tid][2]) if tid in t0 else (0, 0)
        g[group(comm)][0] += u - u0
        g[group(comm)][1] += s - s0
    res = {k: ((v[0] + v[1]) / TICK * 1e6 / n, v[0] / TICK * 1e6 / n, v[1] / TICK * 1e6 / n) for k, v in g.items()}
    return res


def show(title, res):
    tot = sum(v[0] for v in res.values())
    nojit = sum(v[0] for k, v in res.items() if not k.startswith('JIT'))
    print(f'  {title}: total {tot:.2f} us/msg (without JIT {nojit:.2f})')
    for k, v in sorted(res.items(), key=lambda kv: -kv[1][0]):
        if v[0] >= 0.05:
            print(f'    {v[0]:6.2f} (u {v[1]:.2f} s {v[2]:.2f})  {k}')
    return tot, nojit


bprof = [f'-agentpath:{AGENT}=start,event={a.prof},interval=1ms,threads,file={PROFDIR}/{a.label}-broker.collapsed'] if a.prof else []
broker_cmd = [JAVA] + bprof + ['-Xms1g', '-Xmx1g', '-XX:MaxDirectMemorySize=2g', '-server', '-XX:+UseG1GC',
              '-XX:-OmitStackTraceInFastThrow'] + a.broker_opts.split() + [
    f'-Duser.home={RUN}/home', '-cp', cp, 'io.tidemq.cli.TideMq', 'standalone', '--data', f'{RUN}/data',
    '--flush', 'async', '--namesrv-port', str(NSP), '--broker-port', str(BP), '--broker-ip', '127.0.0.1',
    '--no-console', '--metrics-port', '-1', '--set', 'diskMaxUsedRatio=0.95']
for s in a.set:
    broker_cmd += ['--set', s]
blog = open(f'{RUN}/broker.out', 'w')
broker = subprocess.Popen(broker_cmd, stdout=blog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
try:
    for i in range(120):
        if 'TideMQ standalone ready' in open(f'{RUN}/broker.out').read():
            break
        if broker.poll() is not None:
            sys.exit('broker exited: ' + open(f'{RUN}/broker.out').read())
        time.sleep(0.5)
    CJ = [JAVA, '-Xms512m', '-Xmx1g', f'-Duser.home={RUN}/home', '-Dtidemq.log.level=WARN'] + a.client_opts.split() \
        + ['-cp', cp, 'io.tidemq.cli.TideMq']
    print(f'# {a.label} build={a.build} commit={open(a.build + "/COMMIT").read().strip() if os.path.exists(a.build + "/COMMIT") else "?"} sets={a.set} '
          f'{time.strftime("%H:%M:%S", time.gmtime())} UTC load {load()}', flush=True)

    def topic(t):
        subprocess.run(CJ + ['admin', 'topic', 'create', '--namesrv', NS, '--cluster', 'DefaultCluster', '--topic', t,
                             '--queues', '8'], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    if not a.no_sync:
        topic('off')
        subprocess.run(CJ + ['bench', 'produce', '--namesrv', NS, '--topic', 'off', '--threads', '8', '--count',
                             '100000', '--report-interval-s', '60', '--no-create-topic'], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    summary = {}
    for m in a.modes.split(','):
        t = 'perf_' + m
        topic(t)
        l0 = load()
        b0 = threads(broker.pid)
        opts = []
        if a.prof:
            pf = f'{PROFDIR}/{a.label}-{m}-client.collapsed'
            opts = [f'-agentpath:{AGENT}=start,event={a.prof},interval=1ms,threads,file={pf}']
        cmd = CJ[:1] + opts + CJ[1:] + ['bench', 'produce', '--namesrv', NS, '--topic', t] + MODES[m].split() + [
            '--size', '1024', '--count', str(a.count), '--report-interval-s', '60', '--no-create-topic']
        t0 = time.time()
        cl = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        c1 = {}
        lines = []
        import threading
        done = threading.Event()
        proc_total = [0]

        def sampler():
            while not done.is_set():
                for tid, v in threads(cl.pid).items():
                    c1[tid] = v
                try:
                    f = open(f'/proc/{cl.pid}/stat').read()
                    f = f[f.rindex(')') + 2:].split()
                    proc_total[0] = int(f[11]) + int(f[12])
                except (FileNotFoundError, ProcessLookupError):
                    pass
                time.sleep(0.1)
        st = threading.Thread(target=sampler, daemon=True)
        st.start()
        c0 = b0
        for line in cl.stdout:
            lines.append(line.rstrip())
            if line.startswith('bench produce: topic'):
                c0 = threads(cl.pid)
                b0 = threads(broker.pid)
            if 'latency' in line:
                b1 = threads(broker.pid)
                done.set()
        done.set()
        st.join()
        cl.wait()
        wall = time.time() - t0
        open(f'{WORK}/client-{a.label}-{m}.out', 'w').write('\n'.join(lines))
        print(f'== {m}: {MODES[m]}  load {l0} -> {load()}  wall {wall:.1f} s')
        for l in lines:
            if 'throughput' in l or 'latency' in l or 'fail' in l.lower() or 'warn' in l.lower():
                print('  ' + l.strip())
        show('client (whole JVM life, threads sampled every 0.1 s)', diff({}, c1, a.count))
        ct = show('client (from the first send)', diff(c0, c1, a.count))
        print(f'    process total {proc_total[0] / TICK * 1e6 / a.count:.2f} us/msg')
        bt = show('broker (during the mode)', diff(b0, b1, a.count))
        thr = [l for l in lines if 'throughput' in l]
        summary[m] = dict(line=thr[0] if thr else '', client=ct, broker=bt, load=(l0, load()))
    print('SUMMARY ' + a.label + ' ' + json.dumps(summary), flush=True)
finally:
    broker.terminate()
    try:
        broker.wait(60)
    except subprocess.TimeoutExpired:
        broker.kill()
    shutil.rmtree(RUN + '/data', ignore_errors=True)
