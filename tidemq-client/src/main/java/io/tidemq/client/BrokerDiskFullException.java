package io.tidemq.client;

import io.tidemq.common.protocol.ResponseCode;

/**
 * The broker refused the message because its disk is full ({@link ResponseCode#DISK_FULL}); nothing was
 * stored, so sending again cannot duplicate it. Retriable: the producer tries other brokers, and the broker
 * accepts writes again by itself once its operator frees space (the remark says how much is free).
 */
public class BrokerDiskFullException extends SendFailedException {

    private static final long serialVersionUID = 1L;

    public BrokerDiskFullException(String topic, String broker, String remark) {
        super(topic, broker, ResponseCode.DISK_FULL.code(), remark);
    }
}
