package io.tidemq.broker.ha;

/** A broker's role in its group, from its configuration ({@code brokerRole}). */
public enum BrokerRole {
    /** Takes writes; serves its CommitLog to the slaves on {@code haListenPort}. */
    MASTER,
    /** Copies the master's CommitLog byte for byte; refuses writes, serves reads up to the commit point. */
    SLAVE
}
