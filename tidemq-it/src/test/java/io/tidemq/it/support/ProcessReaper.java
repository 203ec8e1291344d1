package io.tidemq.it.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every child JVM still alive when the test JVM exits, whatever the tests did. The set is concurrent
 * because tests start processes from several threads and the shutdown hook reads it from its own.
 */
final class ProcessReaper {

    private static final Set<JvmProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(JvmProcess::close), "it-process-reaper"));
    }

    private ProcessReaper() {
    }

    static void register(JvmProcess p) {
        LIVE.add(p);
    }

    static void unregister(JvmProcess p) {
        LIVE.remove(p);
    }
}
