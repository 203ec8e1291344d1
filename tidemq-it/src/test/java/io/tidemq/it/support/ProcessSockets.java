package io.tidemq.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which local TCP ports a process holds, from Linux's {@code /proc}: the socket inodes among
 * {@code /proc/<pid>/fd/*} matched against {@code /proc/<pid>/net/tcp} and {@code tcp6}. Lets a {@link TcpProxy}
 * blackhole one child JVM's connections only (a proxy sees every child connect from 127.0.0.1, and the port a child
 * connects from is chosen by the kernel). Linux only; stateless, any thread.
 */
public final class ProcessSockets {

    private ProcessSockets() {
    }

    /** The local ports of the TCP sockets process {@code pid} holds now (empty when it is gone). */
    public static Set<Integer> localPorts(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        } catch (IOException e) {
            return Set.of(); // the process is gone
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = proc.resolve("net").resolve(table);
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                if (!Files.exists(proc)) {
                    return Set.of();
                }
                throw new UncheckedIOException("cannot read " + file, e);
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.contains(f[9])) {
                    String local = f[1];
                    ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
