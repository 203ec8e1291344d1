package io.tidemq.client;

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
}
