package io.tidemq.client.producer;

/** How durable a sent message is. Anything but {@link #SEND_OK} means stored, but not as confirmed as asked. */
public enum SendStatus {
    /** Stored, and flushed/replicated as the broker is configured to guarantee. */
    SEND_OK,
    /** Stored, but the SYNC flush did not finish within the broker's flush timeout. */
    FLUSH_DISK_TIMEOUT,
    /** Stored, but SYNC replication did not finish in time. */
    FLUSH_SLAVE_TIMEOUT,
    /** Stored, but no slave was available for SYNC replication. */
    SLAVE_NOT_AVAILABLE
}
