package io.tidemq.namesrv.replication;

/**
 * The primary applied a change but too few NameServers acknowledged it within {@code namesrvBackupLagMaxMs}
 * (answered NAMESRV_ACK_TIMEOUT). The change stays applied on the primary; the broker registers again at its next
 * interval, and the backups catch up once reachable.
 */
public final class NamesrvAckTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NamesrvAckTimeoutException(String message) {
        super(message);
    }
}
