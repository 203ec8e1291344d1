package io.tidemq.namesrv.processor;

import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.protocol.header.InvalidHeaderException;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.event.EventBusRejectedException;
import io.tidemq.namesrv.replication.NamesrvAckTimeoutException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletionException;

/** Reading and answering the broker → NameServer requests, shared by their processors. */
final class BrokerRequests {

    private BrokerRequests() {
    }

    /**
     * Reads and checks the {@link Headers.RegisterBrokerRequest} header every broker request carries.
     *
     * @throws InvalidHeaderException (answered INVALID_PARAMETER) naming the missing or bad field
     */
    static BrokerIdentity readIdentity(RemotingCommand request) {
        Headers.RegisterBrokerRequest header = request.readHeader(Headers.RegisterBrokerRequest.class);
        try {
            NameValidator.checkCluster(header.clusterName());
            NameValidator.checkBrokerName(header.brokerName());
        } catch (InvalidNameException e) {
            throw new InvalidHeaderException(e.getMessage());
        }
        if (header.brokerId() < 0) {
            throw new InvalidHeaderException("header field 'brokerId' is " + header.brokerId()
                    + "; use 0 for a master and a positive id for a slave");
        }
        checkAddress(header.brokerAddr());
        return BrokerIdentity.of(header);
    }

    static void checkAddress(String addr) {
        try {
            HostPort.parse(addr, "header field 'brokerAddr'");
        } catch (InvalidAddressException e) {
            throw new InvalidHeaderException(e.getMessage());
        }
    }

    /** The answer to a request whose event the bus could not handle. */
    static RemotingCommand failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NamesrvAckTimeoutException timeout) {
            return RemotingCommand.createResponse(ResponseCode.NAMESRV_ACK_TIMEOUT, timeout.getMessage());
        }
        if (cause instanceof EventBusRejectedException rejected) {
            return RemotingCommand.createResponse(
                    rejected.shuttingDown() ? ResponseCode.SERVICE_NOT_AVAILABLE : ResponseCode.SYSTEM_BUSY,
                    rejected.getMessage());
        }
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR,
                "the NameServer failed to apply the request: " + cause + "; see its log");
    }
}
