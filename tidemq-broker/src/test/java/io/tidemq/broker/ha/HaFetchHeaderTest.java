package io.tidemq.broker.ha;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.Test;

import static io.tidemq.remoting.protocol.WireRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HA_FETCH and its answer travel once per replication round in each direction: their headers are written to and
 * read from the frame's field bytes as typed records, without the field map a read by name fills (its HashMap and
 * string hashing showed in the profiles of both ends' I/O threads), and the wire stays what older replicas send.
 */
class HaFetchHeaderTest {

    private static final HaConfig CONFIG = HaConfig.disabled();

    @Test
    void aFetchIsWrittenAndReadWithoutAFieldMap() throws Exception {
        RemotingCommand request = HaClient.fetchRequest(7, 2, new FetchPipeline.Fetch(4096, 1024, false), CONFIG, 42);
        assertThat(request.hasFieldMap()).as("written straight to field bytes").isFalse();

        RemotingCommand received = roundTrip(request);
        Headers.HaFetchRequest header = HaServer.readFetch(received);

        assertThat(header).isEqualTo(new Headers.HaFetchRequest(7, 2, 4096L, 1024L, CONFIG.haTransferBatchBytes(),
                CONFIG.haFetchMaxWaitMs(), 42L));
        assertThat(received.hasFieldMap()).as("read straight from field bytes").isFalse();
        assertThat(received.fields()).as("the field names on the wire are unchanged")
                .containsOnlyKeys("masterEpoch", "replicaId", "fetchOffset", "ackOffset", "maxBytes", "maxWaitMs",
                        "metadataVersion");
    }

    @Test
    void anAcknowledgementOnlyFetchAsksForNoBytesAndDoesNotWait() throws Exception {
        Headers.HaFetchRequest header = HaServer.readFetch(roundTrip(
                HaClient.fetchRequest(1, 1, new FetchPipeline.Fetch(500, 500, true), CONFIG, 0)));

        assertThat(header.maxBytes()).isZero();
        assertThat(header.maxWaitMs()).isZero();
        assertThat(header.ackOffset()).isEqualTo(500L);
    }

    @Test
    void anOlderSlavesFetchWithoutAckOffsetOrMetadataVersionStillReads() throws Exception {
        RemotingCommand old = RemotingCommand.createRequest(RequestCode.HA_FETCH)
                .putField("masterEpoch", 3).putField("replicaId", 1).putField("fetchOffset", 900L)
                .putField("maxBytes", 1024).putField("maxWaitMs", 100L);

        Headers.HaFetchRequest header = HaServer.readFetch(roundTrip(old));

        assertThat(header.ackOffset()).as("absent: the fetch offset acknowledges").isNull();
        assertThat(header.metadataVersion()).isNull();
        assertThat(header.fetchOffset()).isEqualTo(900L);
    }

    @Test
    void anAnswerIsReadWithoutAFieldMapWithAndWithoutItsBatchEpoch() throws Exception {
        Headers.HaFetchResponse withEpoch = new Headers.HaFetchResponse(4, 1000L, 800L, 2000L, 9L, 4, 0L);
        RemotingCommand received = roundTrip(RemotingCommand.createResponse(ResponseCode.SUCCESS, null)
                .withEncodedFields(HaServer.encodeAnswer(withEpoch)));

        assertThat(HaClient.readAnswer(received)).isEqualTo(withEpoch);
        assertThat(received.hasFieldMap()).isFalse();

        Headers.HaFetchResponse ackAnswer = new Headers.HaFetchResponse(4, 2000L, 2000L, 2000L, 9L, null, null);
        RemotingCommand ack = roundTrip(RemotingCommand.createResponse(ResponseCode.SUCCESS, null)
                .withEncodedFields(HaServer.encodeAnswer(ackAnswer)));
        assertThat(HaClient.readAnswer(ack)).isEqualTo(ackAnswer);
        assertThat(ack.fields()).doesNotContainKeys("batchEpoch", "batchEpochStart");
        assertThat(roundTrip(RemotingCommand.createResponse(ResponseCode.SUCCESS, null).writeHeader(withEpoch))
                .fields()).as("the same fields as the record's generic encoding")
                .isEqualTo(roundTrip(RemotingCommand.createResponse(ResponseCode.SUCCESS, null)
                        .withEncodedFields(HaServer.encodeAnswer(withEpoch))).fields());
    }

    @Test
    void theConnectionToTheMasterTicksItsTimeoutTimerTenTimesASecondAndTakesTwoBatchesPerFrame() {
        var client = HaClient.clientConfig(CONFIG);
        assertThat(client.timeoutTickMs()).as("calls to the master time out after seconds").isEqualTo(100);
        assertThat(client.maxFrameBytes()).isGreaterThanOrEqualTo(2 * CONFIG.haTransferBatchBytes());
    }
}
