"""Writes TideBenchX.java: the harness's TideBench (benchmarks/peers/tidemq/src/TideBench.java) plus, in its e2e mode,
a per-message dump (-Ddump=FILE): for each send its queue, queue offset, start and end (nanoTime); for each received
message its queue, queue offset, born and store timestamps (ms), receive time (ms and nanoTime) and listener thread.
The measured method is unchanged (same sends, same listener, same percentiles); the dump is written after the run.
usage: make-tidebench-dump.py HARNESS_TIDEBENCH_JAVA OUT_DIR"""
import sys
src, out = sys.argv[1], sys.argv[2]
s = open(src).read()
def sub(old, new):
    global s
    assert old in s, old
    s = s.replace(old, new, 1)
sub('public class TideBench {', 'public class TideBenchX {\n    static long[] sS, sE, sQ, sO; static long[] rQ, rO, rB, rS, rM, rN, rT;'
    ' static final AtomicLong rIdx = new AtomicLong();\n    static String dump = System.getProperty("dump");')
sub('''                        if (r.status() != SendStatus.SEND_OK) failed.incrementAndGet();''',
    '''                        if (r.status() != SendStatus.SEND_OK) failed.incrementAndGet();
                        if (sS != null) { sS[(int) k] = s; sE[(int) k] = System.nanoTime(); sQ[(int) k] = r.queue().queueId(); sO[(int) k] = r.queueOffset(); }''')
sub('''            for (MessageExt m : msgs) {
                long k = got.getAndIncrement() - warmup;''', '''            long nn = System.nanoTime();
            for (MessageExt m : msgs) {
                int j = (int) rIdx.getAndIncrement();
                if (j < rQ.length) { rQ[j] = m.queueId(); rO[j] = m.queueOffset(); rB[j] = m.bornTimestampMs(); rS[j] = m.storeTimestampMs(); rM[j] = now; rN[j] = nn; rT[j] = Thread.currentThread().getId(); }
                long k = got.getAndIncrement() - warmup;''')
sub('''    static void e2e(String ns, String topic, int threads, int count, int size, int rate, int warmup) throws Exception {
''', '''    static void e2e(String ns, String topic, int threads, int count, int size, int rate, int warmup) throws Exception {
        int tot = warmup + count + 1000;
        sS = new long[tot]; sE = new long[tot]; sQ = new long[tot]; sO = new long[tot];
        rQ = new long[tot]; rO = new long[tot]; rB = new long[tot]; rS = new long[tot]; rM = new long[tot]; rN = new long[tot]; rT = new long[tot];
''')
sub('''        p.close();
        c.close();
    }''', '''        p.close();
        c.close();
        if (dump != null) {
            long ms0 = System.currentTimeMillis(), n0 = System.nanoTime();
            try (java.io.PrintWriter w = new java.io.PrintWriter(new java.io.BufferedWriter(new java.io.FileWriter(dump)))) {
                w.println("# clock ms0=" + ms0 + " n0=" + n0 + " warmup=" + warmup + " count=" + count);
                for (int k = 0; k < warmup + count; k++) w.println("S " + k + " " + sQ[k] + " " + sO[k] + " " + sS[k] + " " + sE[k]);
                int n = (int) Math.min(rIdx.get(), rQ.length);
                for (int j = 0; j < n; j++) w.println("R " + j + " " + rQ[j] + " " + rO[j] + " " + rB[j] + " " + rS[j] + " " + rM[j] + " " + rN[j] + " " + rT[j]);
            }
        }
    }''')
open(out + '/TideBenchX.java', 'w').write(s)
