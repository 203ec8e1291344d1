package io.tidemq.cli;

import io.tidemq.namesrv.NamesrvController;

/** Waits for an in-process broker to appear in an in-process NameServer's registry. */
final class ServerReadiness {

    private static final long POLL_INTERVAL_MS = 50;

    private ServerReadiness() {
    }

    /** Whether {@code brokerAddr} registered with {@code namesrv} within {@code maxWaitMs}. */
    static boolean awaitRegistration(NamesrvController namesrv, String brokerAddr, long maxWaitMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000L;
        while (namesrv.routeInfoManager().liveInfo(brokerAddr).isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
        return true;
    }
}
