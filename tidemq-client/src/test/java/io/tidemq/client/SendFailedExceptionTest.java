package io.tidemq.client;

import io.tidemq.client.remoting.ResponseCodes;
import io.tidemq.common.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SendFailedExceptionTest {

    @Test
    void overloadTimeoutsAndMissingAnswersAreRetriableButRefusalsAreNot() {
        assertThat(SendFailedException.isRetriable(-1)).isTrue();
        assertThat(SendFailedException.isRetriable(ResponseCode.SYSTEM_BUSY.code())).isTrue();
        assertThat(SendFailedException.isRetriable(ResponseCode.FLUSH_DISK_TIMEOUT.code())).isTrue();
        assertThat(SendFailedException.isRetriable(ResponseCode.TOPIC_NOT_EXIST.code())).isTrue();
        assertThat(SendFailedException.isRetriable(ResponseCode.MESSAGE_TOO_LARGE.code())).isFalse();
        assertThat(SendFailedException.isRetriable(ResponseCode.MESSAGE_ILLEGAL.code())).isFalse();
        assertThat(SendFailedException.isRetriable(9_999)).isFalse();
    }

    @Test
    void theMessageCarriesCodeRemarkAndAdvice() {
        SendFailedException e = new SendFailedException("t", "b1 (h:1)", ResponseCode.SYSTEM_BUSY.code(), "queue full");
        assertThat(e.responseCode()).isEqualTo(ResponseCode.SYSTEM_BUSY);
        assertThat(e.remark()).isEqualTo("queue full");
        assertThat(e.getMessage()).contains("SYSTEM_BUSY(2)", "queue full", "slow down");
    }

    @Test
    void aFullBrokerDiskIsItsOwnRetriableExceptionThatSaysWhatToDo() {
        SendFailedException e = ResponseCodes.toSendException("t", "b1 (h:1)", ResponseCode.DISK_FULL.code(),
                "the broker's disk is full: 10 bytes free");
        assertThat(e).isInstanceOf(BrokerDiskFullException.class);
        assertThat(e.responseCode()).isEqualTo(ResponseCode.DISK_FULL);
        assertThat(e.isRetriable()).isTrue();
        assertThat(e.getMessage()).contains("DISK_FULL(16)", "10 bytes free", "free disk space");
        assertThat(ResponseCodes.toSendException("t", "b", ResponseCode.SYSTEM_BUSY.code(), "x"))
                .isNotInstanceOf(BrokerDiskFullException.class);
    }
}
