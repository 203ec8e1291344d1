package io.tidemq.broker.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * When this replica started and stopped accepting writes, per master epoch: one line per event appended to
 * {@code <storePath>/ha/accepting-writes.log}, so that "never two masters" can be checked from outside (the kill
 * loop IT reads every replica's file). A line:
 * <pre>
 * START group=&lt;group&gt; replica=&lt;id&gt; epoch=&lt;epoch&gt; monotonicNanos=&lt;n&gt; wallMs=&lt;ms&gt;
 * STOP  ... (same fields)
 * </pre>
 * {@code monotonicNanos} is {@link System#nanoTime()}: on Linux the JVM reads {@code CLOCK_MONOTONIC}, one clock for
 * every process of the host, so the lines of several brokers (and a test's own {@code System.nanoTime()}) compare.
 * A START is stamped before the replica takes its first write of the epoch and a STOP after its last
 * acknowledgement was failed or sent, so the interval between them covers every write it accepted. A replica killed
 * with SIGKILL writes no STOP: its interval ends with its process. Each line is written with one {@code write} to
 * the file opened for append, so it survives the process being killed (not a host crash: no fsync, it is not
 * needed for the check). Thread-safe (synchronized); called under the role lock.
 */
public final class AcceptingWritesLog {

    public static final String FILE_NAME = "accepting-writes.log";
    private static final Logger log = LoggerFactory.getLogger(AcceptingWritesLog.class);

    /** One line of the file. */
    public record Event(boolean start, String group, int replicaId, int epoch, long monotonicNanos, long wallMs) {
    }

    private final Path file;
    private final String group;
    private final int replicaId;
    private final LongSupplier nanoClock;

    public AcceptingWritesLog(Path haDir, String group, int replicaId, LongSupplier nanoClock) {
        this.file = haDir.resolve(FILE_NAME);
        this.group = group;
        this.replicaId = replicaId;
        this.nanoClock = nanoClock;
    }

    /** This replica takes writes in {@code epoch} from now on. */
    public synchronized void started(int epoch) {
        append("START", epoch);
    }

    /** This replica takes and acknowledges no more writes in {@code epoch}. */
    public synchronized void stopped(int epoch) {
        append("STOP", epoch);
    }

    private void append(String what, int epoch) {
        long nanos = nanoClock.getAsLong();
        String line = what + " group=" + group + " replica=" + replicaId + " epoch=" + epoch + " monotonicNanos="
                + nanos + " wallMs=" + System.currentTimeMillis() + "\n";
        log.info("replica {} of group {}: {} accepting writes in epoch {} (monotonic {} ns)", replicaId, group,
                what.equals("START") ? "starts" : "stops", epoch, nanos);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // the record is for checking from outside; the broker's role does not depend on it
            log.warn("cannot append to {}: {}", file, e.toString());
        }
    }

    /** Every event in {@code file} (the broker's {@code ha/accepting-writes.log}), in file order. */
    public static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 6 || !(parts[0].equals("START") || parts[0].equals("STOP"))) {
                continue; // a line cut by a kill in the middle of a write
            }
            try {
                events.add(new Event(parts[0].equals("START"), value(parts[1]), Integer.parseInt(value(parts[2])),
                        Integer.parseInt(value(parts[3])), Long.parseLong(value(parts[4])),
                        Long.parseLong(value(parts[5]))));
            } catch (NumberFormatException e) {
                // a line cut by a kill in the middle of a write
            }
        }
        return events;
    }

    private static String value(String field) {
        return field.substring(field.indexOf('=') + 1);
    }
}
