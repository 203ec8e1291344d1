package io.tidemq.broker.wire;

import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.PutStatus;
import io.tidemq.store.api.SyncFlushTimeoutException;
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

    /**
     * A batch appended but not durable in time (FLUSH_DISK_TIMEOUT) still says where it is stored, in the form the
     * producer asked for: every id listed, or the first and the records' sizes.
     */
    @Test
    void aBatchStoredButNotDurableInTimeCarriesItsIdsInTheFormTheProducerAskedFor() {
        long[] offsets = {8_192, 8_192 + 300, 8_192 + 600, 8_192 + 950};
        PutResult appended = new PutResult(PutStatus.PUT_OK, offsets[0], 40, 4, 1_300, 1L, 0x7F00_0001, 10911, offsets);
        SyncFlushTimeoutException timeout = new SyncFlushTimeoutException("not durable in time", appended);

        Headers.SendMessageResponse listed = Responses.fromPutFailure(timeout, "SEND_BATCH_MESSAGE to t", 2, null, false)
                .readHeader(Headers.SendMessageResponse.class);
        RemotingCommand compact = Responses.fromPutFailure(timeout, "SEND_BATCH_MESSAGE to t", 2, null, true);

        assertThat(compact.code()).isEqualTo(ResponseCode.FLUSH_DISK_TIMEOUT.code());
        Headers.SendMessageResponse h = compact.readHeader(Headers.SendMessageResponse.class);
        assertThat(h.queueOffset()).isEqualTo(40);
        assertThat(h.queueId()).isEqualTo(2);
        assertThat(h.msgId()).isEqualTo(MessageId.encode(0x7F00_0001, 10911, 8_192));
        assertThat(h.recordBytes()).isEqualTo("300*2,350*2");
        assertThat(BatchMessageIds.parse(h.msgId(), h.recordBytes()).joined()).isEqualTo(listed.msgId());
        assertThat(listed.msgId().split(",")).hasSize(4);
        assertThat(listed.recordBytes()).isNull();
    }
}
