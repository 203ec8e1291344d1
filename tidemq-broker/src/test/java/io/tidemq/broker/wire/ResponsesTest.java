package io.tidemq.broker.wire;

import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FsyncFailedException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class ResponsesTest {

    @Test
    void aFullDiskAnswersDiskFullAndAFailStoppedStoreServiceNotAvailable() {
        assertThat(Responses.codeOf(new DiskFullException("full"))).isEqualTo(ResponseCode.DISK_FULL);
        assertThat(Responses.codeOf(new FsyncFailedException("fsync failed", null)))
                .isEqualTo(ResponseCode.SERVICE_NOT_AVAILABLE);
        assertThat(Responses.fromFailure(new CompletionException(new DiskFullException("free space")), "send").code())
                .isEqualTo(ResponseCode.DISK_FULL.code());
    }
}
