package io.tidemq.client.producer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generates the {@code UNIQ_KEY} of sent messages: 16 bytes as 32 upper-case hex digits,
 *
 * <pre>
 *   4 bytes  IPv4 address of the client
 *   2 bytes  low bits of the process id
 *   2 bytes  random, chosen at start (tells apart processes that reuse a pid, e.g. in containers)
 *   4 bytes  seconds since the generator started
 *   4 bytes  counter, incremented per id
 * </pre>
 *
 * Unique as long as one process does not make 2^32 ids within one second. The first 8 bytes are encoded
 * once; each id costs one atomic increment and one 32-char string. Thread-safe.
 */
public final class UniqueIdGenerator {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final char[] prefix = new char[16];
    private final long startMs = System.currentTimeMillis();
    private final AtomicInteger counter = new AtomicInteger(ThreadLocalRandom.current().nextInt());

    public UniqueIdGenerator(String clientIp) {
        byte[] ip = ipv4(clientIp);
        long pid = ProcessHandle.current().pid();
        int random = ThreadLocalRandom.current().nextInt(1 << 16);
        long head = ((ip[0] & 0xFFL) << 56) | ((ip[1] & 0xFFL) << 48) | ((ip[2] & 0xFFL) << 40)
                | ((ip[3] & 0xFFL) << 32) | ((pid & 0xFFFFL) << 16) | random;
        hex(head, prefix, 0, 16);
    }

    public String next() {
        char[] out = new char[32];
        System.arraycopy(prefix, 0, out, 0, 16);
        long seconds = (System.currentTimeMillis() - startMs) / 1000;
        long tail = ((seconds & 0xFFFFFFFFL) << 32) | (counter.getAndIncrement() & 0xFFFFFFFFL);
        hex(tail, out, 16, 16);
        return new String(out);
    }

    private static void hex(long value, char[] out, int offset, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[offset + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    private static byte[] ipv4(String ip) {
        try {
            byte[] b = InetAddress.getByName(ip).getAddress();
            return b.length == 4 ? b : new byte[] {b[b.length - 4], b[b.length - 3], b[b.length - 2], b[b.length - 1]};
        } catch (UnknownHostException e) {
            return new byte[] {127, 0, 0, 1};
        }
    }
}
